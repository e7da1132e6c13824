//! The entry point the list fuzz targets (`fuzz/`) and the tests' corpus run share: any
//! bytes as a list file, read and every row turned into a need and an achievement.

use crate::domain::IndustryCatalogue;
use crate::lists::columns::ColumnMapping;
use crate::lists::layout::tabulate;
use crate::lists::read::{ListFormat, read_list_bytes};
use crate::lists::rows::{achievement_from_row, need_from_row};
use crate::posting::PostingKind;
use crate::services::import::columns_of;

/// What reading a file came to, as a need list and as an achievement list.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The file as a whole was refused (with its reason), as either kind.
    pub refused: bool,
    pub rows: usize,
    /// Rows that became a valid need or achievement.
    pub valid: usize,
    pub problems: usize,
}

/// Reads `bytes` as a list of `format` and validates every row both ways. Never panics
/// on any input: a refusal or row problems are answers.
pub fn read_and_convert(format: ListFormat, bytes: &[u8]) -> Outcome {
    let industries = IndustryCatalogue::default();
    let list = match read_list_bytes(format, "fuzz", bytes) {
        Ok(list) => list,
        Err(error) => {
            // The reason must be printable, as the upload page shows it.
            let _ = error.to_string();
            return Outcome {
                refused: true,
                ..Outcome::default()
            };
        }
    };
    let mut outcome = Outcome::default();
    for kind in [PostingKind::Need, PostingKind::Achievement] {
        let (columns, required) = columns_of(kind);
        let table = match tabulate(
            list.clone(),
            "fuzz",
            columns,
            &ColumnMapping::new(),
            required,
        ) {
            Ok(table) => table,
            Err(error) => {
                let _ = error.to_string();
                outcome.refused = true;
                continue;
            }
        };
        outcome.rows += table.rows.len();
        outcome.problems += table.problems.len();
        for row in &table.rows {
            let valid = match kind {
                PostingKind::Need => need_from_row(row, &table.placements, &industries).is_ok(),
                PostingKind::Achievement => {
                    achievement_from_row(row, &table.placements, &industries).is_ok()
                }
            };
            if valid {
                outcome.valid += 1;
            } else {
                outcome.problems += 1;
            }
        }
    }
    outcome
}
