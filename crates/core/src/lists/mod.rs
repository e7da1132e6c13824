//! Lists (清单) as files: reading CSV, XLSX and JSONL into raw rows, writing them back,
//! and mapping raw rows to validated postings.

pub mod columns;
pub mod fuzzing;
pub mod read;
pub mod rows;
pub mod write;

use serde::Serialize;

/// One rejected row of an import, in words the person who made the file understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// The row number as a spreadsheet program shows it (header = row 1) or the JSONL line number.
    pub row: usize,
    /// The column header as written in the file, when the problem is in one cell.
    pub column: Option<String>,
    /// The offending value, as found.
    pub value: String,
    /// What is wrong and, where useful, what would be accepted.
    pub reason: String,
}
