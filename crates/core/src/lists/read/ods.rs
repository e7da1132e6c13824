//! One pass over an OpenDocument spreadsheet's `content.xml` before calamine reads it:
//! calamine expands a cell repeated across 16,384 columns (or down thousands of rows)
//! into that many cells, so a few kilobytes can ask for gigabytes; and it reads no
//! merged areas, which this pass collects so that ODS merges read like Excel's.

use std::io::{BufReader, Cursor, Read};

use calamine::Dimensions;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{MAX_ROWS, list_file};
use crate::error::CoreError;
use crate::t;

/// The most cells with content an ODS workbook may expand to, repeats counted: far
/// more than any list, far less than what would exhaust memory.
const MAX_CELLS: u64 = 2_000_000;

fn attribute(element: &BytesStart<'_>, name: &str) -> Option<u64> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.value.trim().parse().ok())
}

fn has_value(element: &BytesStart<'_>) -> bool {
    element
        .attributes()
        .flatten()
        .any(|a| a.key.as_ref() == "office:value-type")
}

/// The merged areas of each sheet, in sheet order.
///
/// # Errors
/// `ListFile` when the workbook would expand beyond [`MAX_CELLS`] cells or
/// [`MAX_ROWS`] rows, or its `content.xml` is not readable XML.
pub(super) fn scan(name: &str, bytes: &[u8]) -> Result<Vec<Vec<Dimensions>>, CoreError> {
    let broken = || list_file(name, t!("list-sheet-corrupt"));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| broken())?;
    let content = archive.by_name("content.xml").map_err(|_| broken())?;
    let mut reader = Reader::from_reader(BufReader::new(content.take(u64::MAX)));
    let too_large = || list_file(name, t!("list-sheet-too-many-cells", max = MAX_CELLS));
    let mut sheets: Vec<Vec<Dimensions>> = Vec::new();
    let (mut row, mut column, mut row_repeat, mut cells) = (0_u64, 0_u64, 1_u64, 0_u64);
    let mut buffer = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buffer).map_err(|_| broken())?;
        let (element, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            Event::End(e) => {
                if e.name().as_ref() == "table:table-row" {
                    row = row.saturating_add(row_repeat);
                }
                buffer.clear();
                continue;
            }
            Event::Eof => break,
            _ => (None, false),
        };
        if let Some(element) = element {
            match element.name().as_ref() {
                "table:table" => {
                    sheets.push(Vec::new());
                    row = 0;
                }
                "table:table-row" => {
                    row_repeat = attribute(element, "table:number-rows-repeated").unwrap_or(1);
                    column = 0;
                    if empty {
                        row = row.saturating_add(row_repeat);
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let repeat = attribute(element, "table:number-columns-repeated").unwrap_or(1);
                    if !empty || has_value(element) {
                        cells = cells.saturating_add(repeat.saturating_mul(row_repeat));
                        if cells > MAX_CELLS || row >= MAX_ROWS as u64 {
                            return Err(too_large());
                        }
                    }
                    let down = attribute(element, "table:number-rows-spanned").unwrap_or(1);
                    let across = attribute(element, "table:number-columns-spanned").unwrap_or(1);
                    if (down > 1 || across > 1)
                        && let Some(sheet) = sheets.last_mut()
                    {
                        let end_row = row.saturating_add(down - 1).min(MAX_ROWS as u64);
                        let end_column = column.saturating_add(across.saturating_sub(1));
                        sheets_push(sheet, row, column, end_row, end_column);
                    }
                    column = column.saturating_add(repeat);
                }
                _ => {}
            }
        }
        buffer.clear();
    }
    Ok(sheets)
}

fn sheets_push(sheet: &mut Vec<Dimensions>, row: u64, column: u64, end_row: u64, end_column: u64) {
    let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    sheet.push(Dimensions::new(
        (clamp(row), clamp(column)),
        (clamp(end_row), clamp(end_column)),
    ));
}
