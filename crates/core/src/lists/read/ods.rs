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

/// The most cells an ODS workbook may expand to, repeats and the empty cells before a
/// filled one counted, and the largest rectangle a sheet's filled cells may span (calamine
/// fills it in): far more than any list, far less than what would exhaust memory.
const MAX_CELLS: u64 = 2_000_000;
/// The most text the cells may hold once repeats are copied out.
const MAX_TEXT_BYTES: u64 = 200 * 1024 * 1024;
/// The most spaces one `<text:s>` may stand for.
const MAX_SPACES: u64 = 1_000;

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
    // Empty cells since the last filled one in this row: calamine makes each of them.
    let mut gap = 0_u64;
    // The copies the text of the cell being read will make, and the text so far.
    let (mut copies, mut text_bytes) = (0_u64, 0_u64);
    let (mut last_row, mut last_column) = (0_u64, 0_u64);
    let mut buffer = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buffer).map_err(|_| broken())?;
        let (element, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            Event::Text(text) => {
                text_bytes = text_bytes.saturating_add((text.len() as u64).saturating_mul(copies));
                if text_bytes > MAX_TEXT_BYTES {
                    return Err(too_large());
                }
                buffer.clear();
                continue;
            }
            Event::End(e) => {
                match e.name().as_ref() {
                    "table:table-row" => row = row.saturating_add(row_repeat),
                    "table:table-cell" | "table:covered-table-cell" => copies = 0,
                    _ => {}
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
                    (row, last_row, last_column) = (0, 0, 0);
                }
                "table:table-row" => {
                    row_repeat = attribute(element, "table:number-rows-repeated").unwrap_or(1);
                    (column, gap) = (0, 0);
                    if empty {
                        row = row.saturating_add(row_repeat);
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let repeat = attribute(element, "table:number-columns-repeated").unwrap_or(1);
                    if !empty || has_value(element) {
                        let made = gap.saturating_add(repeat).saturating_mul(row_repeat);
                        cells = cells.saturating_add(made);
                        gap = 0;
                        last_row = last_row.max(row.saturating_add(row_repeat - 1));
                        last_column = last_column.max(column.saturating_add(repeat - 1));
                        let spanned = last_row.saturating_add(1).saturating_mul(last_column + 1);
                        if cells > MAX_CELLS || spanned > MAX_CELLS || row >= MAX_ROWS as u64 {
                            return Err(too_large());
                        }
                        copies = if empty {
                            0
                        } else {
                            repeat.saturating_mul(row_repeat)
                        };
                    } else {
                        gap = gap.saturating_add(repeat);
                    }
                    let down = attribute(element, "table:number-rows-spanned").unwrap_or(1);
                    let across = attribute(element, "table:number-columns-spanned").unwrap_or(1);
                    if (down > 1 || across > 1)
                        && let Some(sheet) = sheets.last_mut()
                    {
                        let end_row = row
                            .saturating_add(down.saturating_sub(1))
                            .min(MAX_ROWS as u64);
                        let end_column = column.saturating_add(across.saturating_sub(1));
                        sheets_push(sheet, row, column, end_row, end_column);
                    }
                    column = column.saturating_add(repeat);
                }
                "text:s" => {
                    let spaces = attribute(element, "text:c").unwrap_or(1);
                    if spaces > MAX_SPACES {
                        return Err(too_large());
                    }
                    text_bytes = text_bytes.saturating_add(spaces.saturating_mul(copies));
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
