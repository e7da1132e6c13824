//! Lists (清单) as files: reading CSV, spreadsheets and JSONL into cells, finding the
//! table in them, writing them back, and mapping rows to validated postings.

pub mod columns;
pub mod contacts;
pub mod fuzzing;
pub mod layout;
pub mod read;
pub mod rows;
pub mod write;

use serde::{Deserialize, Serialize};

/// One rejected row of an import, in words the person who made the file understands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    /// The sheet the row is on, for workbooks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// The row number as a spreadsheet program shows it (header = row 1) or the JSONL line number.
    pub row: usize,
    /// The column header as written in the file, when the problem is in one cell.
    pub column: Option<String>,
    /// The offending value, as found.
    pub value: String,
    /// What is wrong and, where useful, what would be accepted.
    pub reason: String,
}
