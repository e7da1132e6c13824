//! CSV as spreadsheet programs save it: UTF-8 with or without a BOM, or GB18030 from
//! Chinese Excel; commas, semicolons or tabs; quoted values over several lines.

use std::borrow::Cow;

use encoding_rs::{Encoding, GB18030};

use super::{
    ColumnNames, GridCell, GridRow, MAX_ROWS, Sheet, empty_file, list_file, too_many_rows,
};
use crate::error::CoreError;
use crate::t;

pub(super) fn read(name: &str, bytes: &[u8]) -> Result<Sheet, CoreError> {
    let text = decode(name, bytes)?;
    let Some(first_line) = text.lines().find(|line| !line.trim().is_empty()) else {
        return Err(empty_file(name));
    };
    let delimiter = detect_delimiter(&text, first_line);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());

    let mut rows = Vec::new();
    let mut record = ::csv::StringRecord::new();
    // Spreadsheet programs show a quoted multi-line value as one row and a blank
    // line as an empty row, so rows are counted as the line breaks *between*
    // records; the reader's own line numbers count the breaks inside values too.
    let bytes = text.as_bytes();
    let mut row = 1_usize;
    let mut previous_content_end = 0_usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                tracing::debug!(path = %name, %error, "csv record unreadable");
                return Err(list_file(name, t!("list-csv-malformed")));
            }
        }
        let Some(position) = record.position() else {
            return Err(CoreError::Internal(
                "csv record without a position".to_owned(),
            ));
        };
        let (content_start, content_end) = record_content(
            bytes,
            usize_from(position.byte()),
            usize_from(reader.position().byte()),
        );
        row += line_breaks(
            bytes
                .get(previous_content_end..content_start)
                .unwrap_or_default(),
        );
        previous_content_end = content_end;
        if row > MAX_ROWS {
            return Err(too_many_rows(name));
        }
        let cells: Vec<(usize, GridCell)> = record
            .iter()
            .enumerate()
            .filter_map(|(column, field)| {
                let text = crate::lists::write::restore_neutralised_csv_cell(field.trim()).trim();
                (!text.is_empty()).then(|| (column, GridCell::Text(text.to_owned())))
            })
            .collect();
        if !cells.is_empty() {
            rows.push(GridRow { row, cells });
        }
    }
    Ok(Sheet {
        name: None,
        rows,
        columns: ColumnNames::Numbers,
        delimiter: Some(char::from(delimiter)),
    })
}

fn usize_from(value: u64) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

/// Narrows a record's byte span to its content: the reader hands out spans that
/// start with the blank lines before the record and end with (part of) its line break.
fn record_content(bytes: &[u8], start: usize, end: usize) -> (usize, usize) {
    let span = bytes.get(start..end).unwrap_or_default();
    let is_break = |byte: &&u8| matches!(**byte, b'\r' | b'\n');
    let leading = span.iter().take_while(is_break).count();
    let trailing = span[leading..].iter().rev().take_while(is_break).count();
    (start + leading, end - trailing)
}

/// Counts line breaks, taking `\r\n`, `\n` and a lone `\r` as one each, as the CSV reader does.
fn line_breaks(gap: &[u8]) -> usize {
    let mut count = 0;
    let mut bytes = gap.iter().peekable();
    while let Some(byte) = bytes.next() {
        match byte {
            b'\n' => count += 1,
            b'\r' => {
                count += 1;
                bytes.next_if_eq(&&b'\n');
            }
            _ => {}
        }
    }
    count
}

/// Decodes CSV bytes: a BOM wins, then UTF-8, then GB18030 (what Chinese Excel writes as "CSV").
fn decode(name: &str, bytes: &[u8]) -> Result<String, CoreError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(list_file(name, t!("list-csv-is-zip")));
    }
    let unknown_encoding = || list_file(name, t!("list-csv-unknown-encoding"));
    let text: Cow<'_, str> = if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_length..]);
        if had_errors {
            return Err(unknown_encoding());
        }
        text
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        Cow::Borrowed(text)
    } else {
        let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
        if had_errors {
            return Err(unknown_encoding());
        }
        text
    };
    if text.contains('\0') {
        return Err(list_file(name, t!("list-csv-binary")));
    }
    Ok(text.into_owned())
}

/// Picks the separator that occurs most often outside quotes in the first lines;
/// commas win ties because they are by far the most common. A title line above the
/// header ("XX县技术需求清单,,,,") counts too, so a few lines are looked at, not one.
fn detect_delimiter(text: &str, first_line: &str) -> u8 {
    const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];
    const LINES_LOOKED_AT: usize = 10;
    let mut counts = [0_usize; CANDIDATES.len()];
    let lines = text
        .lines()
        .skip_while(|line| *line != first_line)
        .take(LINES_LOOKED_AT);
    for line in lines {
        let mut in_quotes = false;
        for byte in line.bytes() {
            if byte == b'"' {
                in_quotes = !in_quotes;
            } else if !in_quotes && let Some(index) = CANDIDATES.iter().position(|c| *c == byte) {
                counts[index] += 1;
            }
        }
    }
    let mut best = 0;
    for index in 1..CANDIDATES.len() {
        if counts[index] > counts[best] {
            best = index;
        }
    }
    CANDIDATES[best]
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{grid, list_file_reason};
    use super::super::{ListFormat, RawList, read_list_bytes};

    fn csv(bytes: &[u8]) -> RawList {
        read_list_bytes(ListFormat::Csv, "test.csv", bytes).unwrap()
    }

    fn rows(list: &RawList) -> Vec<(usize, Vec<(usize, String)>)> {
        grid(list).remove(0)
    }

    fn row(number: usize, cells: &[(usize, &str)]) -> (usize, Vec<(usize, String)>) {
        (
            number,
            cells.iter().map(|(c, t)| (*c, (*t).to_owned())).collect(),
        )
    }

    #[test]
    fn csv_rows_keep_the_numbers_a_spreadsheet_shows() {
        let list = csv("名称,领域\r\n\r\n\"多行\n的值\",能源\r\n  ,  \r\n乙,\r\n".as_bytes());
        assert_eq!(
            rows(&list),
            vec![
                row(1, &[(0, "名称"), (1, "领域")]),
                row(3, &[(0, "多行\n的值"), (1, "能源")]),
                row(5, &[(0, "乙")]),
            ]
        );
    }

    #[test]
    fn csv_from_chinese_excel_is_read_as_gb18030_and_a_bom_wins() {
        let (gbk, _, _) = encoding_rs::GBK.encode("名称,领域\r\n新型电池,能源\r\n");
        assert_eq!(rows(&csv(&gbk))[1], row(2, &[(0, "新型电池"), (1, "能源")]));
        let bom = "\u{feff}名称\n甲\n".as_bytes();
        assert_eq!(rows(&csv(bom))[0], row(1, &[(0, "名称")]));
        let reason = list_file_reason(read_list_bytes(
            ListFormat::Csv,
            "x.csv",
            b"\xEF\xBB\xBFa,b\n\x80\xFF,1\n",
        ));
        assert!(reason.contains("编码"), "{reason}");
    }

    #[test]
    fn csv_with_semicolons_or_tabs_is_split_on_them() {
        let list = csv("名称;金额;备注\n甲;12,5;\"a;b\"\n".as_bytes());
        assert_eq!(
            rows(&list)[1],
            row(2, &[(0, "甲"), (1, "12,5"), (2, "a;b")])
        );
        let list = csv(b"name\tcode\nx, y\t007\n");
        assert_eq!(rows(&list)[1], row(2, &[(0, "x, y"), (1, "007")]));
    }

    #[test]
    fn a_title_line_above_the_header_does_not_decide_the_separator() {
        let list = csv("武乡县需求清单；2026年\n名称,领域,备注\n甲,能源,无\n".as_bytes());
        assert_eq!(rows(&list)[2], row(3, &[(0, "甲"), (1, "能源"), (2, "无")]));
    }

    #[test]
    fn csv_that_is_empty_or_binary_is_refused() {
        list_file_reason(read_list_bytes(ListFormat::Csv, "x.csv", b""));
        list_file_reason(read_list_bytes(ListFormat::Csv, "x.csv", b"\n \n"));
        list_file_reason(read_list_bytes(
            ListFormat::Csv,
            "x.csv",
            b"a,b\n\0\0\0,1\n",
        ));
        let reason = list_file_reason(read_list_bytes(ListFormat::Csv, "x.csv", b"PK\x03\x04rest"));
        assert!(reason.contains(".xlsx"), "{reason}");
    }
}
