//! How read models read and write their value types: money as the 万元 text people
//! read ("12.5"), exact where a float would not be; lists kept one item a line; the
//! moves a lifecycle offers.

use serde::{Serialize, Serializer};
use techmatch_core::domain::Wan;

/// Writes an amount in 万元 as text, as [`Wan`] displays it.
///
/// # Errors
/// Those of the serializer.
pub fn wan_text<S: Serializer>(amount: &Wan, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(amount)
}

/// The non-empty lines of a list kept or typed one item a line, trimmed.
pub fn lines(text: &str) -> Vec<String> {
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

/// A move of a lifecycle offered to a reader: of a call or of a bid.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Offer {
    /// The step's code, e.g. `submit`. The publisher's and the bidder's moves go to
    /// the `actions` endpoint of the call or bid; the bureau's steps with a form of their
    /// own (proposing winners, the award, execution, acceptance, the formal review) to
    /// theirs.
    pub code: String,
    pub label: String,
    /// Why taking it now would be refused; `None` when nothing stands in the way.
    pub refused: Option<String>,
}

impl Offer {
    pub(crate) fn new(code: &str, label: String, refused: Option<String>) -> Offer {
        Offer {
            code: code.to_owned(),
            label,
            refused,
        }
    }
}
