//! How read models read and write their value types: money as the 万元 text people
//! read ("12.5"), exact where a float would not be; lists kept one item a line.

use serde::Serializer;
use techmatch_core::domain::Wan;

/// Writes an amount in 万元 as text, as [`Wan`] displays it.
///
/// # Errors
/// Those of the serializer.
pub fn wan_text<S: Serializer>(amount: &Wan, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(amount)
}

/// The non-empty lines of a stored list, trimmed.
pub(crate) fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A stored amount; none is negative, and a row that somehow held one shows nothing
/// rather than failing the page.
pub(crate) fn stored_wan(yuan: i64) -> Wan {
    Wan::from_yuan(yuan).unwrap_or_default()
}
