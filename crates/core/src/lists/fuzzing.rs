//! The entry point the list fuzz targets (`fuzz/`) and the tests' corpus run share: any
//! bytes as a list file, read and every row turned into a need and an achievement.

use crate::domain::IndustryCatalogue;
use crate::lists::read::{ListFormat, read_list_bytes};
use crate::lists::rows::{achievement_from_row, need_from_row};

/// What reading a file came to.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The file as a whole was refused (with its reason).
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
    let mut outcome = Outcome {
        rows: list.rows.len(),
        problems: list.problems.len(),
        ..Outcome::default()
    };
    for row in &list.rows {
        for valid in [
            need_from_row(row, &industries).is_ok(),
            achievement_from_row(row, &industries).is_ok(),
        ] {
            if valid {
                outcome.valid += 1;
            } else {
                outcome.problems += 1;
            }
        }
    }
    outcome
}
