//! How read models write their value types: money as the 万元 text people read
//! ("12.5"), exact where a float would not be.

use serde::Serializer;
use techmatch_core::domain::Wan;

/// Writes an amount in 万元 as text, as [`Wan`] displays it.
///
/// # Errors
/// Those of the serializer.
pub fn wan_text<S: Serializer>(amount: &Wan, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(amount)
}
