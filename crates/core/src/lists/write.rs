//! Writing tables (exports, blank templates, import reports) as CSV or XLSX.
//!
//! Everything is written as text: unified social credit codes, patent numbers and
//! codes with leading zeros must come back exactly as they went out, and
//! [`super::read::read_list_bytes`] reads what this module writes.
//!
//! A CSV cell that a spreadsheet would run as a formula is written behind a single
//! quote (see [`neutralise_csv_cell`]); XLSX cells are typed strings, which Excel and
//! WPS never evaluate.

use std::borrow::Cow;

use rust_xlsxwriter::{ColNum, Format, RowNum, Workbook, XlsxError};

use crate::domain::begins_like_formula;
use crate::error::CoreError;

/// Makes a CSV cell safe to open in Excel or WPS, as OWASP recommends against CSV
/// injection: a cell that begins like a formula gets a leading `'`, which spreadsheets
/// take as "this is text" and do not show.
///
/// A plain number ("-12.5", "+3", "-40%") is left alone: spreadsheets read it as a
/// number, never as a formula, and a quote would turn a legitimate negative figure
/// into text. Every amount and count the platform writes itself is such a number or
/// begins with a digit, so only text can be quoted.
pub fn neutralise_csv_cell(value: &str) -> Cow<'_, str> {
    if begins_like_formula(value) && !is_plain_number(value) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// Reads back a cell [`neutralise_csv_cell`] wrote: the quote goes again, so that an
/// exported list imports unchanged.
pub(crate) fn restore_neutralised_csv_cell(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if begins_like_formula(rest) && !is_plain_number(rest) => rest,
        _ => value,
    }
}

/// An optional ASCII sign, digits, an optional decimal fraction and an optional `%`.
fn is_plain_number(value: &str) -> bool {
    let unsigned = value.strip_prefix(['-', '+']).unwrap_or(value);
    let number = unsigned.strip_suffix('%').unwrap_or(unsigned);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// The file formats a table can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    Xlsx,
}

/// Narrowest and widest column an XLSX column gets, in Excel character units.
const MIN_COLUMN_WIDTH: usize = 8;
const MAX_COLUMN_WIDTH: usize = 60;
/// Room for the bold header and the filter button beside it.
const COLUMN_PADDING: usize = 3;
/// Excel refuses longer sheet names.
const MAX_SHEET_NAME_CHARS: usize = 31;

/// Writes `headers` and `rows` as one table and returns the file's bytes.
///
/// CSV is UTF-8 with a BOM (so Excel shows Chinese correctly), comma-separated
/// and LF-terminated. XLSX has one worksheet named after `sheet_name` (made
/// valid for Excel if needed; CSV ignores it) with a bold, frozen, filterable
/// header row and every cell stored as text.
///
/// # Errors
///
/// Returns [`CoreError::Internal`] when there are no headers, a row does not
/// have exactly one value per header, or the table exceeds what the format can
/// hold (Excel: 1,048,576 rows, 16,384 columns, 32,767 characters per cell).
pub fn write_table(
    format: TableFormat,
    sheet_name: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, CoreError> {
    if headers.is_empty() {
        return Err(CoreError::Internal(
            "a table needs at least one header".to_owned(),
        ));
    }
    if let Some((index, row)) = rows
        .iter()
        .enumerate()
        .find(|(_, row)| row.len() != headers.len())
    {
        return Err(CoreError::Internal(format!(
            "table row {index} has {} values but there are {} headers",
            row.len(),
            headers.len()
        )));
    }
    match format {
        TableFormat::Csv => write_csv(headers, rows),
        TableFormat::Xlsx => write_xlsx(sheet_name, headers, rows),
    }
}

fn write_csv(headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, CoreError> {
    let csv_error = |error: csv::Error| CoreError::Internal(format!("cannot write csv: {error}"));
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(&mut bytes);
        writer
            .write_record(
                headers
                    .iter()
                    .map(|cell| neutralise_csv_cell(cell).into_owned()),
            )
            .map_err(csv_error)?;
        for row in rows {
            writer
                .write_record(
                    row.iter()
                        .map(|cell| neutralise_csv_cell(cell).into_owned()),
                )
                .map_err(csv_error)?;
        }
        writer
            .flush()
            .map_err(|error| CoreError::Internal(format!("cannot write csv: {error}")))?;
    }
    Ok(bytes)
}

fn xlsx_error(error: XlsxError) -> CoreError {
    CoreError::Internal(format!("cannot write xlsx: {error}"))
}

fn write_xlsx(
    sheet_name: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, CoreError> {
    let mut workbook = Workbook::new();
    add_sheet(&mut workbook, sheet_name, headers, rows)?;
    workbook.save_to_buffer().map_err(xlsx_error)
}

/// A table of a workbook: its sheet's name, headers and rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Writes several tables as one file: in XLSX one worksheet each, as [`write_table`]
/// writes one; in CSV one after another, each under a line with its name and separated
/// by an empty line (CSV has no sheets).
///
/// # Errors
///
/// As [`write_table`], for any of the tables.
pub fn write_workbook(format: TableFormat, sheets: &[Sheet]) -> Result<Vec<u8>, CoreError> {
    for sheet in sheets {
        let headers: Vec<&str> = sheet.headers.iter().map(String::as_str).collect();
        // Checks the shape of every table before anything is written.
        write_table(TableFormat::Csv, &sheet.name, &headers, &[])?;
        if let Some(row) = sheet.rows.iter().find(|r| r.len() != headers.len()) {
            return Err(CoreError::Internal(format!(
                "sheet {} has a row of {} values for {} headers",
                sheet.name,
                row.len(),
                headers.len()
            )));
        }
    }
    match format {
        TableFormat::Xlsx => {
            let mut workbook = Workbook::new();
            for sheet in sheets {
                let headers: Vec<&str> = sheet.headers.iter().map(String::as_str).collect();
                add_sheet(&mut workbook, &sheet.name, &headers, &sheet.rows)?;
            }
            workbook.save_to_buffer().map_err(xlsx_error)
        }
        TableFormat::Csv => {
            let mut bytes = b"\xEF\xBB\xBF".to_vec();
            for (i, sheet) in sheets.iter().enumerate() {
                if i > 0 {
                    bytes.push(b'\n');
                }
                let headers: Vec<&str> = sheet.headers.iter().map(String::as_str).collect();
                let mut title = vec![sheet.name.clone()];
                title.resize(headers.len(), String::new());
                let mut rows = Vec::with_capacity(sheet.rows.len() + 1);
                rows.push(headers.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>());
                rows.extend(sheet.rows.iter().cloned());
                let title_refs: Vec<&str> = title.iter().map(String::as_str).collect();
                let table = write_csv(&title_refs, &rows)?;
                bytes.extend_from_slice(&table[3..]);
            }
            Ok(bytes)
        }
    }
}

fn add_sheet(
    workbook: &mut Workbook,
    sheet_name: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<(), CoreError> {
    let too_large = || CoreError::Internal("table too large for an xlsx worksheet".to_owned());
    let last_row = RowNum::try_from(rows.len()).map_err(|_| too_large())?;
    let last_column = ColNum::try_from(headers.len() - 1).map_err(|_| too_large())?;

    let header_format = Format::new().set_bold();
    // The "@" (text) number format keeps values people type into the file later
    // (codes with leading zeros, long identifiers) as text too.
    let text_format = Format::new().set_num_format("@");
    let wrapped_format = Format::new().set_num_format("@").set_text_wrap();

    let sheet = workbook.add_worksheet();
    sheet
        .set_name(sheet_title(sheet_name))
        .map_err(xlsx_error)?;

    for (column, header) in (0..=last_column).zip(headers) {
        sheet
            .write_string_with_format(0, column, *header, &header_format)
            .map_err(xlsx_error)?;
        let values = rows.iter().filter_map(|row| row.get(usize::from(column)));
        let width = std::iter::once(*header)
            .chain(values.map(String::as_str))
            .map(display_width)
            .max()
            .unwrap_or_default()
            .clamp(MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH)
            + COLUMN_PADDING;
        // Widths are at most MAX_COLUMN_WIDTH + COLUMN_PADDING, so the cast is exact.
        sheet
            .set_column_width(column, width as f64)
            .map_err(xlsx_error)?;
        sheet
            .set_column_format(column, &text_format)
            .map_err(xlsx_error)?;
    }
    for (row_number, row) in (1..=last_row).zip(rows) {
        for (column, value) in (0..=last_column).zip(row) {
            if value.is_empty() {
                continue;
            }
            let format = if value.contains('\n') {
                &wrapped_format
            } else {
                &text_format
            };
            sheet
                .write_string_with_format(row_number, column, value, format)
                .map_err(xlsx_error)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    sheet
        .autofilter(0, 0, last_row, last_column)
        .map_err(xlsx_error)?;
    Ok(())
}

/// Makes `name` a sheet name Excel accepts: no `[]:*?/\`, no edge apostrophes,
/// at most 31 characters, not blank and not the reserved "History".
fn sheet_title(name: &str) -> String {
    let replaced: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let title: String = replaced
        .trim()
        .trim_matches('\'')
        .chars()
        .take(MAX_SHEET_NAME_CHARS)
        .collect();
    if title.trim().is_empty() {
        "Sheet1".to_owned()
    } else if title.eq_ignore_ascii_case("history") {
        format!("{title}_")
    } else {
        title
    }
}

/// Estimates how many Excel character widths the longest line of `value` needs,
/// counting CJK and other full-width characters as two.
fn display_width(value: &str) -> usize {
    value
        .lines()
        .map(|line| line.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum())
        .max()
        .unwrap_or_default()
}

fn is_wide(c: char) -> bool {
    matches!(
        u32::from(c),
        0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x1F300..=0x1F64F
            | 0x20000..=0x3FFFD
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lists::read::test_support::{TextRow, grid};
    use crate::lists::read::{ListFormat, read_list_bytes};

    const HEADERS: [&str; 5] = ["统一社会信用代码", "名称", "编号", "说明", "备注"];

    fn sample_rows() -> Vec<Vec<String>> {
        let row = |values: [&str; 5]| values.iter().map(|value| (*value).to_owned()).collect();
        vec![
            row([
                "91350100M000100Y43",
                "某某科技有限公司",
                "007",
                "含逗号, \"引号\" 和\n换行",
                "",
            ]),
            row(["", "", "", "", ""]),
            row([
                "12345678901234567890",
                "Tom; Jerry\tand co",
                "0.50",
                "=1+1",
                "50",
            ]),
        ]
    }

    /// What the reader should give back: the header, then the rows with empty cells
    /// omitted and fully empty rows skipped, each cell by its column.
    fn expected_rows() -> Vec<Vec<TextRow>> {
        let header = (
            1,
            HEADERS
                .iter()
                .enumerate()
                .map(|(column, header)| (column, (*header).to_owned()))
                .collect(),
        );
        let rows = sample_rows()
            .into_iter()
            .enumerate()
            .filter_map(|(index, values)| {
                let cells: Vec<(usize, String)> = values
                    .into_iter()
                    .enumerate()
                    .filter(|(_, value)| !value.is_empty())
                    .collect();
                (!cells.is_empty()).then_some((index + 2, cells))
            });
        vec![std::iter::once(header).chain(rows).collect()]
    }

    #[test]
    fn csv_round_trip_keeps_every_value() {
        let bytes = write_table(TableFormat::Csv, "ignored", &HEADERS, &sample_rows()).unwrap();
        let list = read_list_bytes(ListFormat::Csv, "t.csv", &bytes).unwrap();
        assert_eq!(grid(&list), expected_rows());
    }

    #[test]
    fn csv_has_a_bom_commas_quotes_and_lf() {
        let rows = vec![vec!["a,b".to_owned(), "say \"hi\"".to_owned()]];
        let bytes = write_table(TableFormat::Csv, "x", &["名称", "说明"], &rows).unwrap();
        assert_eq!(
            bytes,
            "\u{feff}名称,说明\n\"a,b\",\"say \"\"hi\"\"\"\n".as_bytes()
        );
    }

    #[test]
    fn xlsx_round_trip_keeps_every_value() {
        let bytes = write_table(TableFormat::Xlsx, "需求清单", &HEADERS, &sample_rows()).unwrap();
        let list = read_list_bytes(ListFormat::Spreadsheet, "t.xlsx", &bytes).unwrap();
        assert_eq!(grid(&list), expected_rows());
    }

    #[test]
    fn xlsx_has_the_named_sheet_with_text_cells() {
        use calamine::{Data, Reader, Xlsx};
        let rows = vec![vec!["007".to_owned(), "50".to_owned()]];
        let bytes = write_table(TableFormat::Xlsx, "成果清单", &["代码", "数量"], &rows).unwrap();
        let mut workbook = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(workbook.sheet_names(), vec!["成果清单".to_owned()]);
        let range = workbook.worksheet_range("成果清单").unwrap();
        assert_eq!(
            range.get_value((1, 0)),
            Some(&Data::String("007".to_owned()))
        );
        assert_eq!(
            range.get_value((1, 1)),
            Some(&Data::String("50".to_owned()))
        );
    }

    #[test]
    fn header_only_tables_are_written() {
        for format in [TableFormat::Csv, TableFormat::Xlsx] {
            let bytes = write_table(format, "模板", &["名称", "领域"], &[]).unwrap();
            let read_format = match format {
                TableFormat::Csv => ListFormat::Csv,
                TableFormat::Xlsx => ListFormat::Spreadsheet,
            };
            let list = read_list_bytes(read_format, "t", &bytes).unwrap();
            assert_eq!(grid(&list).concat().len(), 1, "the header alone");
        }
    }

    #[test]
    fn rows_must_match_the_headers() {
        let rows = vec![vec!["only one".to_owned()]];
        for format in [TableFormat::Csv, TableFormat::Xlsx] {
            assert!(matches!(
                write_table(format, "x", &["a", "b"], &rows),
                Err(CoreError::Internal(_))
            ));
            assert!(matches!(
                write_table(format, "x", &[], &[]),
                Err(CoreError::Internal(_))
            ));
        }
    }

    #[test]
    fn csv_cells_that_would_run_are_quoted_and_numbers_are_not() {
        let rows = vec![vec![
            "=HYPERLINK(\"http://evil\",\"x\")".to_owned(),
            "＝cmd|' /C calc'!A0".to_owned(),
            "@SUM(A1)".to_owned(),
            "-12.5".to_owned(),
            "-2+3".to_owned(),
        ]];
        let headers = ["标题", "名称", "说明", "金额", "备注"];
        let bytes = write_table(TableFormat::Csv, "x", &headers, &rows).unwrap();
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let line = text.lines().nth(1).unwrap();
        assert_eq!(
            line,
            "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",'＝cmd|' /C calc'!A0,'@SUM(A1),-12.5,'-2+3"
        );
        for cell in ["\tx", "\rx", "+1+1", "－1", "＋x", "＠x"] {
            assert_eq!(neutralise_csv_cell(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in ["50.5", "-3", "+7", "-40%", "12%", "华北", ""] {
            assert_eq!(neutralise_csv_cell(cell), cell, "{cell:?}");
        }
        let list = read_list_bytes(
            ListFormat::Csv,
            "t.csv",
            &write_table(TableFormat::Csv, "x", &headers, &rows).unwrap(),
        )
        .unwrap();
        let read: Vec<String> = grid(&list)[0][1]
            .1
            .iter()
            .map(|(_, text)| text.clone())
            .collect();
        assert_eq!(read, rows[0], "an exported list imports unchanged");
    }

    #[test]
    fn sheet_names_are_made_valid() {
        assert_eq!(sheet_title("需求/清单[2025]"), "需求_清单_2025_");
        assert_eq!(sheet_title("  "), "Sheet1");
        assert_eq!(sheet_title("'quoted'"), "quoted");
        assert_eq!(sheet_title("History"), "History_");
        assert_eq!(sheet_title(&"长".repeat(40)).chars().count(), 31);
        let bytes = write_table(TableFormat::Xlsx, "a:b*c?", &["h"], &[]).unwrap();
        assert!(!bytes.is_empty());
    }

    #[test]
    fn widths_count_chinese_as_two() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("统一社会信用代码"), 16);
        assert_eq!(display_width("短\n更长的一行"), 10);
    }
}
