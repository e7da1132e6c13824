//! Reading list files (CSV, the spreadsheet formats, JSONL) into cells.
//!
//! Nothing here knows what a need or an achievement is: this layer turns a file into
//! its sheets of cells by position (which row is the header is
//! [`super::layout`]'s to find), or, for JSONL, into rows keyed by their own field
//! names, and reports what it cannot read in words the person who made the file
//! understands. Row numbers are the ones that person sees in a spreadsheet program (or
//! the line numbers of a JSONL file), so a report can say "row 14" and they can find it.
//!
//! A file that cannot be read as a whole is a [`CoreError::ListFile`]; a row that
//! cannot be read is a [`RowProblem`] and is left out of the rows, so the rows and the
//! problems of a file never describe the same row twice.

mod csv;
mod jsonl;
mod ods;
mod workbook;

use std::path::Path;

use crate::error::CoreError;
use crate::lists::RowProblem;
use crate::t;

/// The highest row (or line) number a list may use; larger files are refused
/// before they exhaust memory.
pub const MAX_ROWS: usize = 1_000_000;

/// How much of an offending value a [`RowProblem`] quotes.
const PROBLEM_VALUE_CHARS: usize = 80;

/// The file formats a list can arrive in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    Csv,
    /// Any spreadsheet: `.xlsx`, `.xls`, `.xlsb`, `.ods` or WPS's `.et`. Which one a file
    /// really is is read from its first bytes, since offices rename them freely.
    Spreadsheet,
    Jsonl,
}

impl ListFormat {
    /// Picks the format from the file extension, ignoring case.
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::ListFile`] when the extension is missing or not one of
    /// `.csv`, `.xlsx`, `.xlsm`, `.xls`, `.xlsb`, `.ods`, `.et`, `.jsonl`, `.ndjson`.
    pub fn from_path(path: &Path) -> Result<ListFormat, CoreError> {
        let extension = path
            .extension()
            .and_then(|extension| extension.to_str())
            .map(str::to_ascii_lowercase);
        let reason = match extension.as_deref() {
            Some("csv" | "txt") => return Ok(ListFormat::Csv),
            Some("xlsx" | "xlsm" | "xls" | "xlsb" | "ods" | "et") => {
                return Ok(ListFormat::Spreadsheet);
            }
            Some("jsonl" | "ndjson") => return Ok(ListFormat::Jsonl),
            Some(other) => t!("list-extension-unsupported", extension = other),
            None => t!("list-extension-missing"),
        };
        Err(list_file(&path.display().to_string(), reason))
    }
}

/// One non-empty value of a row, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    /// Only JSON arrays produce lists; spreadsheets have no way to write one.
    List(Vec<String>),
}

/// One readable data row of a list, its cells named by the headers of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    /// The sheet the row is on, for workbooks.
    pub sheet: Option<String>,
    /// The row number as a spreadsheet program shows it or the JSONL line number.
    pub row: usize,
    /// (header as written in the file, trimmed; value), in file order; empty cells are absent.
    pub cells: Vec<(String, Cell)>,
}

impl RawRow {
    /// Returns the value under `header`, if the row has one.
    pub fn get(&self, header: &str) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|(name, _)| name == header)
            .map(|(_, cell)| cell)
    }
}

/// A cell of a sheet before its header is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GridCell {
    Text(String),
    /// A cell that holds something, but nothing usable (an Excel error value).
    Unreadable {
        shown: String,
        reason: String,
    },
}

/// One non-empty row of a sheet: its cells by column (0-based), in column order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridRow {
    /// The row number as a spreadsheet program shows it (the first row is 1).
    pub row: usize,
    pub cells: Vec<(usize, GridCell)>,
}

/// How messages name a column: CSV columns by number, spreadsheet columns by letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnNames {
    Numbers,
    Letters,
}

impl ColumnNames {
    pub fn label(self, column: usize) -> String {
        match self {
            ColumnNames::Numbers => t!("list-column", column = column + 1),
            ColumnNames::Letters => t!("list-column", column = column_letters(column)),
        }
    }
}

fn column_letters(column: usize) -> String {
    let mut letters = Vec::new();
    let mut rest = column + 1;
    while rest > 0 {
        let digit = (rest - 1) % 26;
        // `digit` is below 26, so the addition stays inside ASCII upper case.
        letters.push(char::from(b'A' + digit as u8));
        rest = (rest - 1) / 26;
    }
    letters.reverse();
    letters.into_iter().collect()
}

/// One sheet of a workbook, or the whole of a CSV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// The sheet's name; a CSV file has none.
    pub name: Option<String>,
    /// The non-empty rows, top to bottom, with merged cells already filled in.
    pub rows: Vec<GridRow>,
    pub columns: ColumnNames,
    /// The separator of a CSV file, to quote a row that has too many cells.
    pub delimiter: Option<char>,
}

/// What a list file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// CSV and spreadsheets: cells by position, sheet by sheet.
    Sheets {
        sheets: Vec<Sheet>,
        /// Sheets left out whole, with the reason (hidden, a chart).
        skipped: Vec<(String, String)>,
    },
    /// JSONL: each row's values named by its own keys.
    Keyed {
        rows: Vec<RawRow>,
        problems: Vec<RowProblem>,
        /// Every key any line named, empty values included: a list names a field if
        /// any line has its key, even when every value is empty.
        keys: Vec<String>,
    },
}

/// A list file as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawList {
    pub format: ListFormat,
    pub content: Content,
}

/// Reads a list file from disk, picking the format from its extension.
///
/// # Errors
///
/// Returns [`CoreError::ListFile`] when the extension is not supported, the file
/// cannot be read, or its content is not the format its extension claims.
pub fn read_list(path: &Path) -> Result<RawList, CoreError> {
    let format = ListFormat::from_path(path)?;
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|error| {
        tracing::debug!(path = %name, %error, "cannot read list file");
        list_file(&name, io_reason(&error))
    })?;
    read_list_bytes(format, &name, &bytes)
}

/// Reads a list from bytes already in memory (an upload); `name` only appears in errors,
/// and its extension tells a WPS `.et` file apart.
///
/// # Errors
///
/// Returns [`CoreError::ListFile`] when the content is not the given format, is
/// empty or has more than [`MAX_ROWS`] rows.
pub fn read_list_bytes(format: ListFormat, name: &str, bytes: &[u8]) -> Result<RawList, CoreError> {
    let content = match format {
        ListFormat::Csv => Content::Sheets {
            sheets: vec![csv::read(name, bytes)?],
            skipped: Vec::new(),
        },
        ListFormat::Spreadsheet => workbook::read(name, bytes)?,
        ListFormat::Jsonl => {
            let (rows, problems, keys) = jsonl::read(name, bytes)?;
            Content::Keyed {
                rows,
                problems,
                keys,
            }
        }
    };
    Ok(RawList { format, content })
}

pub use workbook::reader_trusts_declared_sizes;

fn list_file(name: &str, reason: impl Into<String>) -> CoreError {
    CoreError::ListFile {
        path: name.to_owned(),
        reason: reason.into(),
    }
}

fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => t!("list-file-not-found"),
        std::io::ErrorKind::PermissionDenied => t!("list-file-permission-denied"),
        std::io::ErrorKind::IsADirectory => t!("list-file-is-directory"),
        _ => t!("list-file-unreadable"),
    }
}

fn too_many_rows(name: &str) -> CoreError {
    list_file(name, t!("list-file-too-many-rows", max = MAX_ROWS))
}

fn empty_file(name: &str) -> CoreError {
    list_file(name, t!("list-file-empty"))
}

/// The start of an offending value, as a report quotes it.
pub fn excerpt(value: &str) -> String {
    value.chars().take(PROBLEM_VALUE_CHARS).collect()
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    pub fn list_file_reason(result: Result<RawList, CoreError>) -> String {
        match result {
            Err(CoreError::ListFile { reason, .. }) => reason,
            other => panic!("expected a ListFile error, got {other:?}"),
        }
    }

    /// One row of a sheet as text: its number and its cells by column.
    pub type TextRow = (usize, Vec<(usize, String)>);

    /// The sheets of a list, as rows of text per sheet.
    pub fn grid(list: &RawList) -> Vec<Vec<TextRow>> {
        let Content::Sheets { sheets, .. } = &list.content else {
            panic!("not a sheet list")
        };
        sheets
            .iter()
            .map(|sheet| {
                sheet
                    .rows
                    .iter()
                    .map(|row| {
                        let cells = row
                            .cells
                            .iter()
                            .map(|(column, cell)| match cell {
                                GridCell::Text(text) => (*column, text.clone()),
                                GridCell::Unreadable { shown, .. } => {
                                    (*column, format!("!{shown}"))
                                }
                            })
                            .collect();
                        (row.row, cells)
                    })
                    .collect()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::list_file_reason;
    use super::*;

    #[test]
    fn read_list_reads_from_disk_by_extension() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("清单.CSV");
        std::fs::write(&path, "名称\n甲\n").unwrap();
        let list = read_list(&path).unwrap();
        assert_eq!(list.format, ListFormat::Csv);
        assert_eq!(
            test_support::grid(&list),
            vec![vec![
                (1, vec![(0, "名称".to_owned())]),
                (2, vec![(0, "甲".to_owned())])
            ]]
        );

        let missing = dir.path().join("missing.csv");
        let reason = list_file_reason(read_list(&missing));
        assert_eq!(reason, "文件不存在");
    }

    #[test]
    fn every_spreadsheet_extension_is_a_spreadsheet() {
        for name in ["a.xlsx", "a.XLS", "a.xlsb", "a.ods", "a.et", "a.xlsm"] {
            assert_eq!(
                ListFormat::from_path(Path::new(name)).unwrap(),
                ListFormat::Spreadsheet,
                "{name}"
            );
        }
        assert!(ListFormat::from_path(Path::new("a.docx")).is_err());
        assert!(ListFormat::from_path(Path::new("a")).is_err());
    }

    #[test]
    fn spreadsheet_columns_are_named_by_letter() {
        assert_eq!(ColumnNames::Letters.label(0), "第 A 列");
        assert_eq!(ColumnNames::Letters.label(27), "第 AB 列");
        assert_eq!(ColumnNames::Numbers.label(2), "第 3 列");
    }
}
