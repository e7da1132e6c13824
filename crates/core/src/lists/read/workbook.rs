//! Spreadsheets: `.xlsx` (Excel, WPS, LibreOffice), `.xls` (Excel 97–2003, what many
//! offices and WPS still save), `.xlsb`, `.ods`, and WPS's own `.et` where it is the
//! Excel 97 format inside. Which one a file is comes from its first bytes, not its name:
//! offices rename files freely.
//!
//! Every worksheet is read; merged cells are read as their value down the rows they
//! cover (a company's name merged over its three needs names all three), so that a
//! row below is never read as missing what the person filling it saw.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{
    Data, DataRef, Dimensions, ExcelDateTime, Ods, Reader, SheetType, SheetVisible, Xls, Xlsb, Xlsx,
};
use encoding_rs::GB18030;

use super::{
    ColumnNames, Content, GridCell, GridRow, MAX_ROWS, Sheet, empty_file, list_file, too_many_rows,
};
use crate::error::CoreError;
use crate::t;

/// What a zipped workbook may expand to. A real list of tens of thousands of rows is a
/// few tens of megabytes of XML; a zip bomb is gigabytes.
const MAX_UNCOMPRESSED: u64 = 200 * 1024 * 1024;

const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// The spreadsheet formats, as told by their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Xls,
    Xlsx,
    Xlsb,
    Ods,
}

/// The cells of one sheet as read, by 0-based row, before merged cells are filled in.
type Cells = BTreeMap<usize, Vec<(usize, GridCell)>>;

/// The most text a workbook's cells may hold, merged values copied out included: a
/// shared string used by thousands of cells is one string in the file and thousands here.
const MAX_TEXT_BYTES: usize = 200 * 1024 * 1024;

pub(super) fn read(name: &str, bytes: &[u8]) -> Result<Content, CoreError> {
    // The spreadsheet reader has panicked on damaged files before: a file it cannot
    // read is refused as damaged, never the end of the process.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_workbook(name, bytes)))
        .unwrap_or_else(|_| Err(list_file(name, t!("list-sheet-corrupt"))))
}

/// Whether `bytes` are a workbook whose reader allocates the sizes the file declares:
/// the Excel 97 container (`.xls`, WPS `.et`) and the Excel binary workbook (`.xlsb`). A
/// crafted one can ask for more memory than the server has.
pub fn reader_trusts_declared_sizes(bytes: &[u8]) -> bool {
    if bytes.starts_with(OLE_MAGIC) {
        return true;
    }
    if !bytes.starts_with(b"PK") {
        return false;
    }
    zip::ZipArchive::new(Cursor::new(bytes)).is_ok_and(|archive| {
        archive
            .file_names()
            .any(|n| n.is_ok_and(|n| n.eq_ignore_ascii_case("xl/workbook.bin")))
    })
}

fn read_workbook(name: &str, bytes: &[u8]) -> Result<Content, CoreError> {
    let kind = sniff(name, bytes)?;
    let mut sheets = Vec::new();
    let mut skipped = Vec::new();
    // The text of every sheet so far, merged values copied out included.
    let mut text = 0_usize;
    match kind {
        Kind::Xlsx => {
            let mut workbook = Xlsx::new(Cursor::new(bytes))
                .map_err(|e| unreadable(name, bytes, matches!(e, calamine::XlsxError::Password)))?;
            for (sheet, visible) in worksheets(&workbook, &mut skipped) {
                let mut cells = Cells::new();
                let mut reader = workbook
                    .worksheet_cells_reader(&sheet)
                    .map_err(|_| broken_sheet(name, &sheet))?;
                while let Some(cell) = reader.next_cell().map_err(|_| broken_sheet(name, &sheet))? {
                    let position = cell.get_position();
                    keep(
                        name,
                        &mut cells,
                        &mut text,
                        position,
                        value_ref(cell.get_value()),
                    )?;
                }
                drop(reader);
                let merged = workbook
                    .merge_cells_by_sheet_name(&sheet)
                    .map_err(|_| broken_sheet(name, &sheet))?;
                push_sheet(
                    &mut sheets,
                    &mut skipped,
                    (sheet, visible),
                    cells,
                    &merged,
                    &mut text,
                );
            }
        }
        Kind::Xlsb => {
            let mut workbook = Xlsb::new(Cursor::new(bytes))
                .map_err(|e| unreadable(name, bytes, matches!(e, calamine::XlsbError::Password)))?;
            for (sheet, visible) in worksheets(&workbook, &mut skipped) {
                let mut cells = Cells::new();
                let mut reader = workbook
                    .worksheet_cells_reader(&sheet)
                    .map_err(|_| broken_sheet(name, &sheet))?;
                while let Some(cell) = reader.next_cell().map_err(|_| broken_sheet(name, &sheet))? {
                    let position = cell.get_position();
                    keep(
                        name,
                        &mut cells,
                        &mut text,
                        position,
                        value_ref(cell.get_value()),
                    )?;
                }
                push_sheet(
                    &mut sheets,
                    &mut skipped,
                    (sheet, visible),
                    cells,
                    &[],
                    &mut text,
                );
            }
        }
        Kind::Xls => {
            let mut workbook = Xls::new(Cursor::new(bytes)).map_err(|e| {
                if is_et(name) && !matches!(e, calamine::XlsError::Password) {
                    list_file(name, t!("list-sheet-et-unreadable"))
                } else if matches!(e, calamine::XlsError::Password) {
                    list_file(name, t!("list-sheet-password"))
                } else {
                    list_file(name, t!("list-sheet-xls-corrupt"))
                }
            })?;
            for (sheet, visible) in worksheets(&workbook, &mut skipped) {
                let range = workbook
                    .worksheet_range(&sheet)
                    .map_err(|_| broken_sheet(name, &sheet))?;
                let cells = range_cells(name, &range, &mut text)?;
                let merged = workbook
                    .merge_cells_by_sheet_name(&sheet)
                    .map_err(|_| broken_sheet(name, &sheet))?;
                push_sheet(
                    &mut sheets,
                    &mut skipped,
                    (sheet, visible),
                    cells,
                    &merged,
                    &mut text,
                );
            }
        }
        Kind::Ods => {
            let merged = super::ods::scan(name, bytes)?;
            let mut workbook = Ods::new(Cursor::new(bytes))
                .map_err(|e| unreadable(name, bytes, matches!(e, calamine::OdsError::Password)))?;
            let names: Vec<String> = workbook
                .sheets_metadata()
                .iter()
                .map(|s| s.name.clone())
                .collect();
            for (sheet, visible) in worksheets(&workbook, &mut skipped) {
                let range = workbook
                    .worksheet_range(&sheet)
                    .map_err(|_| broken_sheet(name, &sheet))?;
                let cells = range_cells(name, &range, &mut text)?;
                let position = names.iter().position(|n| *n == sheet);
                let areas = position
                    .and_then(|p| merged.get(p))
                    .cloned()
                    .unwrap_or_default();
                push_sheet(
                    &mut sheets,
                    &mut skipped,
                    (sheet, visible),
                    cells,
                    &areas,
                    &mut text,
                );
            }
        }
    }
    if sheets.is_empty() && skipped.is_empty() {
        return Err(list_file(name, t!("list-sheet-no-sheet")));
    }
    if sheets.iter().all(|sheet| sheet.rows.is_empty()) {
        return Err(empty_file(name));
    }
    Ok(Content::Sheets { sheets, skipped })
}

fn is_et(name: &str) -> bool {
    std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("et"))
}

/// Tells the format from the first bytes: the Excel 97 container, or a zip holding an
/// Excel, Excel binary or OpenDocument workbook.
fn sniff(name: &str, bytes: &[u8]) -> Result<Kind, CoreError> {
    if bytes.starts_with(OLE_MAGIC) {
        return Ok(Kind::Xls);
    }
    if !bytes.starts_with(b"PK") {
        return Err(unreadable(name, bytes, false));
    }
    refuse_zip_bomb(name, bytes)?;
    let Ok(archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Err(list_file(name, t!("list-sheet-corrupt")));
    };
    let has = |part: &str| {
        archive
            .file_names()
            .any(|n| n.is_ok_and(|n| n.eq_ignore_ascii_case(part)))
    };
    if has("xl/workbook.xml") {
        Ok(Kind::Xlsx)
    } else if has("xl/workbook.bin") {
        Ok(Kind::Xlsb)
    } else if has("content.xml") {
        Ok(Kind::Ods)
    } else {
        Err(list_file(name, t!("list-sheet-no-workbook")))
    }
}

/// Refuses a workbook that would expand beyond [`MAX_UNCOMPRESSED`] before the
/// spreadsheet reader inflates it. The sizes a zip declares can lie, so the parts are
/// inflated once into nothing, counting, and stopped at the limit.
fn refuse_zip_bomb(name: &str, bytes: &[u8]) -> Result<(), CoreError> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        // Not a zip at all: the caller says what it is instead.
        return Ok(());
    };
    let too_large = || {
        list_file(
            name,
            t!(
                "list-sheet-too-large",
                max = MAX_UNCOMPRESSED / (1024 * 1024)
            ),
        )
    };
    let mut declared: u64 = 0;
    for index in 0..archive.len() {
        let Ok(entry) = archive.by_index_raw(index) else {
            continue;
        };
        declared = declared.saturating_add(entry.size());
        if declared > MAX_UNCOMPRESSED {
            return Err(too_large());
        }
    }
    let mut inflated: u64 = 0;
    for index in 0..archive.len() {
        let Ok(mut entry) = archive.by_index(index) else {
            continue;
        };
        let budget = MAX_UNCOMPRESSED - inflated;
        let mut part = (&mut entry).take(budget + 1);
        let mut chunk = vec![0_u8; 64 * 1024];
        loop {
            // Bytes count as they come: a part that inflates far and then fails its
            // check counts all the same.
            match part.read(&mut chunk) {
                Ok(0) => break,
                Ok(read) => inflated += read as u64,
                Err(_) => return Err(list_file(name, t!("list-sheet-corrupt"))),
            }
            if inflated > MAX_UNCOMPRESSED {
                return Err(too_large());
            }
        }
    }
    Ok(())
}

/// Explains, from the first bytes, what a file that claims to be a spreadsheet really is.
fn unreadable(name: &str, bytes: &[u8], password: bool) -> CoreError {
    let start = bytes
        .iter()
        .take(512)
        .skip_while(|b| b.is_ascii_whitespace())
        .copied()
        .collect::<Vec<u8>>()
        .to_ascii_lowercase();
    let reason = if password {
        t!("list-sheet-password")
    } else if bytes.is_empty() {
        t!("list-sheet-empty-file")
    } else if start.starts_with(b"<!doctype html")
        || start.starts_with(b"<html")
        || start.windows(5).any(|w| w == b"<html")
    {
        t!("list-sheet-html")
    } else if bytes.starts_with(b"PK") {
        t!("list-sheet-no-workbook")
    } else if std::str::from_utf8(bytes).is_ok() || !GB18030.decode_without_bom_handling(bytes).1 {
        t!("list-sheet-plain-text")
    } else {
        t!("list-sheet-corrupt")
    };
    list_file(name, reason)
}

fn broken_sheet(name: &str, sheet: &str) -> CoreError {
    list_file(name, t!("list-sheet-sheet-corrupt", sheet = sheet))
}

/// The worksheets of a workbook in order, with whether each is visible; chart sheets
/// and the like are named as skipped.
fn worksheets<RS: std::io::Read + std::io::Seek, R: Reader<RS>>(
    workbook: &R,
    skipped: &mut Vec<(String, String)>,
) -> Vec<(String, bool)> {
    let mut names = Vec::new();
    for sheet in workbook.sheets_metadata() {
        if sheet.typ == SheetType::WorkSheet {
            names.push((sheet.name.clone(), sheet.visible == SheetVisible::Visible));
        } else {
            skipped.push((sheet.name.clone(), t!("list-sheet-not-worksheet")));
        }
    }
    names
}

/// Keeps one non-empty cell, counting its text against [`MAX_TEXT_BYTES`]; only
/// non-empty cells are kept, so memory follows the content, not the size a sheet declares.
fn keep(
    name: &str,
    cells: &mut Cells,
    text: &mut usize,
    (row, column): (u32, u32),
    value: Option<GridCell>,
) -> Result<(), CoreError> {
    let Some(value) = value else {
        return Ok(());
    };
    let (row, column) = (row as usize, column as usize);
    if row >= MAX_ROWS {
        return Err(too_many_rows(name));
    }
    *text = text.saturating_add(cell_bytes(&value));
    if *text > MAX_TEXT_BYTES {
        return Err(list_file(
            name,
            t!("list-sheet-too-large", max = MAX_TEXT_BYTES / (1024 * 1024)),
        ));
    }
    cells.entry(row).or_default().push((column, value));
    Ok(())
}

fn cell_bytes(cell: &GridCell) -> usize {
    match cell {
        GridCell::Text(text) => text.len(),
        GridCell::Unreadable { shown, .. } => shown.len(),
    }
}

fn range_cells(
    name: &str,
    range: &calamine::Range<Data>,
    text: &mut usize,
) -> Result<Cells, CoreError> {
    let mut cells = Cells::new();
    for (row, column, value) in range.used_cells() {
        let (row, column) = (
            u32::try_from(row).unwrap_or(u32::MAX),
            u32::try_from(column).unwrap_or(u32::MAX),
        );
        let start = range.start().unwrap_or_default();
        keep(
            name,
            &mut cells,
            text,
            (row.saturating_add(start.0), column.saturating_add(start.1)),
            value_ref(&borrowed(value)),
        )?;
    }
    Ok(cells)
}

/// Adds a sheet: hidden ones are named as skipped (they hold drop-down lists and
/// workings, not rows anyone filled in), visible ones get their merged cells filled in.
fn push_sheet(
    sheets: &mut Vec<Sheet>,
    skipped: &mut Vec<(String, String)>,
    (name, visible): (String, bool),
    mut cells: Cells,
    merged: &[Dimensions],
    text: &mut usize,
) {
    if !visible {
        if !cells.is_empty() {
            skipped.push((name, t!("list-sheet-hidden")));
        }
        return;
    }
    fill_merged(&mut cells, merged, text);
    let rows = cells
        .into_iter()
        .map(|(row, mut cells)| {
            cells.sort_by_key(|(column, _)| *column);
            GridRow {
                row: row + 1,
                cells,
            }
        })
        .collect();
    sheets.push(Sheet {
        name: Some(name),
        rows,
        columns: ColumnNames::Letters,
        delimiter: None,
    });
}

/// Copies the value of each merged area down the rows it covers, in its first column,
/// no further than the last row with content. Across columns nothing is copied: a
/// title or a description merged over several columns is one value, not several.
fn fill_merged(cells: &mut Cells, merged: &[Dimensions], text: &mut usize) {
    let Some(last_row) = cells.keys().next_back().copied() else {
        return;
    };
    // Filling may at most double the cells read and visit as many rows again: merged
    // areas are a sheet's layout, not a way to make a small file large or slow. What
    // is past the budget stays unfilled (and shows as missing values in the report).
    let mut budget: usize = cells.values().map(Vec::len).sum::<usize>().max(1_000);
    let mut visits = budget.saturating_mul(2);
    for area in merged {
        let (top, column) = (area.start.0 as usize, area.start.1 as usize);
        let bottom = (area.end.0 as usize).min(last_row);
        let Some(value) = cells.get(&top).and_then(|row| {
            row.iter()
                .find(|(c, _)| *c == column)
                .map(|(_, value)| value.clone())
        }) else {
            continue;
        };
        let bytes = cell_bytes(&value);
        for row in top + 1..=bottom {
            if budget == 0 || visits == 0 || text.saturating_add(bytes) > MAX_TEXT_BYTES {
                return;
            }
            visits -= 1;
            let row_cells = cells.entry(row).or_default();
            if !row_cells.iter().any(|(c, _)| *c == column) {
                row_cells.push((column, value.clone()));
                budget -= 1;
                *text += bytes;
            }
        }
    }
}

/// A cell of a whole-sheet range, as the streaming readers hand them out.
fn borrowed(value: &Data) -> DataRef<'_> {
    match value {
        Data::Int(number) => DataRef::Int(*number),
        Data::Float(number) => DataRef::Float(*number),
        Data::String(text) => DataRef::SharedString(text),
        Data::Bool(flag) => DataRef::Bool(*flag),
        Data::DateTime(datetime) => DataRef::DateTime(*datetime),
        Data::DateTimeIso(text) => DataRef::DateTimeIso(text.clone()),
        Data::DurationIso(text) => DataRef::DurationIso(text.clone()),
        Data::Error(error) => DataRef::Error(error.clone()),
        Data::Empty => DataRef::Empty,
    }
}

fn value_ref(value: &DataRef<'_>) -> Option<GridCell> {
    let text = match value {
        DataRef::Empty => return None,
        DataRef::String(text) | DataRef::DateTimeIso(text) | DataRef::DurationIso(text)
            if text.trim().is_empty() =>
        {
            return None;
        }
        DataRef::String(text) => text.trim().to_owned(),
        DataRef::SharedString(text) => {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            text.to_owned()
        }
        DataRef::Int(number) => number.to_string(),
        DataRef::Float(number) => number_text(*number),
        DataRef::Bool(flag) => flag.to_string(),
        DataRef::DateTime(datetime) => excel_datetime_text(datetime),
        DataRef::DateTimeIso(text) => iso_datetime_text(text.trim()),
        DataRef::DurationIso(text) => text.trim().to_owned(),
        DataRef::Error(error) => {
            return Some(GridCell::Unreadable {
                shown: error.to_string(),
                reason: t!("list-xlsx-cell-error", value = error.to_string()),
            });
        }
    };
    Some(GridCell::Text(text))
}

/// Writes a number the way a person typed it: no ".0" on whole numbers, and
/// rounded to the 15 significant digits Excel shows, so 0.1 + 0.2 reads "0.3".
pub(super) fn number_text(number: f64) -> String {
    if !number.is_finite() {
        return number.to_string();
    }
    if number.fract() == 0.0 && number.abs() < 1e15 {
        // Whole and below 2^53: the conversion is exact.
        return format!("{}", number as i64);
    }
    let rounded: f64 = format!("{number:.14e}").parse().unwrap_or(number);
    rounded.to_string()
}

fn excel_datetime_text(datetime: &ExcelDateTime) -> String {
    if datetime.is_duration() {
        let total_seconds = (datetime.as_f64() * 86_400.0).round() as i64;
        return format!(
            "{}:{:02}:{:02}",
            total_seconds / 3600,
            (total_seconds % 3600) / 60,
            total_seconds % 60
        );
    }
    let (year, month, day, hour, minute, second, _) = datetime.to_ymd_hms_milli();
    let has_time = (hour, minute, second) != (0, 0, 0);
    // Serial values below one day carry no date: the cell holds a time of day only.
    if datetime.as_f64() < 1.0 {
        format!("{hour:02}:{minute:02}:{second:02}")
    } else if has_time {
        format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
    } else {
        format!("{year:04}-{month:02}-{day:02}")
    }
}

fn iso_datetime_text(text: &str) -> String {
    use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};
    if let Ok(datetime) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        if datetime.time().num_seconds_from_midnight() == 0 {
            return datetime.format("%Y-%m-%d").to_string();
        }
        return datetime.format("%Y-%m-%d %H:%M:%S").to_string();
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return date.format("%Y-%m-%d").to_string();
    }
    if let Ok(time) = NaiveTime::parse_from_str(text, "%H:%M:%S%.f") {
        return time.format("%H:%M:%S").to_string();
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{grid, list_file_reason};
    use super::super::{Content, ListFormat, MAX_ROWS, RawList, read_list_bytes};
    use super::*;

    fn xlsx_bytes(build: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        build(workbook.add_worksheet());
        workbook.save_to_buffer().unwrap()
    }

    fn sheet(bytes: &[u8]) -> RawList {
        read_list_bytes(ListFormat::Spreadsheet, "test.xlsx", bytes).unwrap()
    }

    fn texts(list: &RawList) -> Vec<(usize, Vec<(usize, String)>)> {
        grid(list).remove(0)
    }

    fn row(number: usize, cells: &[(usize, &str)]) -> (usize, Vec<(usize, String)>) {
        (
            number,
            cells.iter().map(|(c, t)| (*c, (*t).to_owned())).collect(),
        )
    }

    #[test]
    fn xlsx_cells_become_text() {
        let bytes = xlsx_bytes(|sheet| {
            let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
            let datetime = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
            sheet.write_string(1, 0, "  新型电池  ").unwrap();
            sheet.write_number(1, 1, 50.0).unwrap();
            sheet.write_number(1, 2, 12.5).unwrap();
            sheet.write_boolean(1, 3, true).unwrap();
            let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 3, 9).unwrap();
            sheet.write_datetime_with_format(1, 4, &day, &date).unwrap();
            let moment = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 3, 9)
                .unwrap()
                .and_hms(14, 30, 5)
                .unwrap();
            sheet
                .write_datetime_with_format(1, 5, &moment, &datetime)
                .unwrap();
            sheet.write_string(1, 6, "007").unwrap();
            sheet.write_number(2, 1, 0.1 + 0.2).unwrap();
            sheet.write_string(3, 1, "   ").unwrap();
        });
        assert_eq!(
            texts(&sheet(&bytes)),
            vec![
                row(
                    2,
                    &[
                        (0, "新型电池"),
                        (1, "50"),
                        (2, "12.5"),
                        (3, "true"),
                        (4, "2025-03-09"),
                        (5, "2025-03-09 14:30:05"),
                        (6, "007"),
                    ]
                ),
                row(3, &[(1, "0.3")]),
            ]
        );
    }

    #[test]
    fn an_error_cell_is_kept_as_unreadable() {
        let bytes = xlsx_bytes(|sheet| {
            sheet.write_string(0, 0, "甲").unwrap();
            sheet.write_formula(0, 1, "=1/0").unwrap();
            sheet.set_formula_result(0, 1, "#DIV/0!");
        });
        assert_eq!(
            texts(&sheet(&bytes)),
            vec![row(1, &[(0, "甲"), (1, "!#DIV/0!")])]
        );
    }

    #[test]
    fn merged_cells_are_read_down_their_first_column_only() {
        let bytes = xlsx_bytes(|sheet| {
            let plain = rust_xlsxwriter::Format::new();
            sheet
                .merge_range(0, 0, 0, 3, "武乡县技术需求清单", &plain)
                .unwrap();
            sheet.write_string(1, 0, "企业名称").unwrap();
            sheet.write_string(1, 1, "需求名称").unwrap();
            sheet.merge_range(2, 0, 3, 0, "山西甲公司", &plain).unwrap();
            sheet.write_string(2, 1, "需求一").unwrap();
            sheet.write_string(3, 1, "需求二").unwrap();
            // A merged area reaching below the content fills nothing there.
            sheet.merge_range(4, 3, 40, 3, "说明", &plain).unwrap();
        });
        assert_eq!(
            texts(&sheet(&bytes)),
            vec![
                row(1, &[(0, "武乡县技术需求清单")]),
                row(2, &[(0, "企业名称"), (1, "需求名称")]),
                row(3, &[(0, "山西甲公司"), (1, "需求一")]),
                row(4, &[(0, "山西甲公司"), (1, "需求二")]),
                row(5, &[(3, "说明")]),
            ]
        );
    }

    #[test]
    fn every_visible_worksheet_is_read_and_hidden_ones_are_named() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        for name in ["第一批", "第二批", "下拉选项"] {
            let sheet = workbook.add_worksheet().set_name(name).unwrap();
            sheet.write_string(0, 0, name).unwrap();
            if name == "下拉选项" {
                sheet.set_hidden(true);
            }
        }
        let list = sheet(&workbook.save_to_buffer().unwrap());
        let Content::Sheets { sheets, skipped } = &list.content else {
            panic!("sheets")
        };
        let names: Vec<_> = sheets.iter().map(|s| s.name.clone().unwrap()).collect();
        assert_eq!(names, ["第一批", "第二批"]);
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].0, "下拉选项");
    }

    #[test]
    fn a_spreadsheet_that_is_text_html_empty_or_broken_is_refused_with_what_it_is() {
        let reason = |bytes: &[u8]| {
            list_file_reason(read_list_bytes(ListFormat::Spreadsheet, "x.xlsx", bytes))
        };
        assert!(reason("名称,领域\n甲,乙\n".as_bytes()).contains(".csv"));
        assert!(reason(b"<html><body><table></table></body></html>").contains("HTML"));
        assert!(reason(b"").contains("空"));
        assert!(reason(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0").contains(".xls"));
        let et = list_file_reason(read_list_bytes(
            ListFormat::Spreadsheet,
            "清单.et",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0",
        ));
        assert!(et.contains(".et") && et.contains("另存为"), "{et}");
        let empty_sheet = xlsx_bytes(|_| {});
        list_file_reason(read_list_bytes(
            ListFormat::Spreadsheet,
            "x.xlsx",
            &empty_sheet,
        ));
    }

    #[test]
    fn a_sheet_over_the_row_limit_is_refused() {
        let bytes = xlsx_bytes(|sheet| {
            sheet.write_string(0, 0, "名称").unwrap();
            sheet.write_string(MAX_ROWS as u32, 0, "太远").unwrap();
        });
        let reason = list_file_reason(read_list_bytes(ListFormat::Spreadsheet, "x.xlsx", &bytes));
        assert!(reason.contains("1000000"), "{reason}");
    }

    /// An ODS workbook whose content is `body` inside one sheet.
    fn ods(body: &str) -> Vec<u8> {
        use std::io::Write;
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        zip.start_file("content.xml", stored).unwrap();
        let content = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
             xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
             xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
             xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
             <office:body><office:spreadsheet><table:table table:name=\"Sheet1\">{body}\
             </table:table></office:spreadsheet></office:body></office:document-content>"
        );
        zip.write_all(content.as_bytes()).unwrap();
        zip.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn an_ods_cell_repeated_into_millions_is_refused_before_it_is_expanded() {
        let row = "<table:table-row table:number-rows-repeated=\"1000\">\
                   <table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"string\">\
                   <text:p>x</text:p></table:table-cell></table:table-row>";
        let reason = list_file_reason(read_list_bytes(ListFormat::Spreadsheet, "x.ods", &ods(row)));
        assert!(reason.contains("单元格"), "{reason}");
    }

    #[test]
    fn ods_merged_areas_are_found_where_calamine_reads_none() {
        let body = "<table:table-row><table:table-cell table:number-rows-spanned=\"2\" \
                    office:value-type=\"string\"><text:p>山西甲公司</text:p></table:table-cell>\
                    <table:table-cell office:value-type=\"string\"><text:p>需求一</text:p></table:table-cell></table:table-row>\
                    <table:table-row><table:covered-table-cell/>\
                    <table:table-cell table:number-columns-repeated=\"2\" table:number-columns-spanned=\"2\" \
                    office:value-type=\"string\"><text:p>需求二</text:p></table:table-cell></table:table-row>";
        let merged = super::super::ods::scan("x.ods", &ods(body)).unwrap();
        assert_eq!(
            merged,
            vec![vec![
                Dimensions::new((0, 0), (1, 0)),
                Dimensions::new((1, 1), (1, 2)),
            ]]
        );
    }

    #[test]
    fn numbers_are_written_without_a_trailing_zero() {
        assert_eq!(number_text(50.0), "50");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(12.5), "12.5");
        assert_eq!(number_text(13_800_138_000.0), "13800138000");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
    }

    #[test]
    fn excel_dates_and_times_become_iso_text() {
        use calamine::ExcelDateTimeType;
        let serial = |value| ExcelDateTime::new(value, ExcelDateTimeType::DateTime, false);
        assert_eq!(excel_datetime_text(&serial(45_725.0)), "2025-03-09");
        assert_eq!(
            excel_datetime_text(&serial(45_725.5)),
            "2025-03-09 12:00:00"
        );
        assert_eq!(excel_datetime_text(&serial(0.75)), "18:00:00");
        assert_eq!(
            excel_datetime_text(&serial(45_725.0 + 12.5 / 24.0)),
            "2025-03-09 12:30:00"
        );
        assert_eq!(iso_datetime_text("2025-03-09T00:00:00"), "2025-03-09");
        assert_eq!(
            iso_datetime_text("2025-03-09T08:15:00.5"),
            "2025-03-09 08:15:00"
        );
    }
}
