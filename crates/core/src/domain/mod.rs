//! Parsed domain values: once constructed, a value is valid.
//!
//! Every type here is built by a `parse` function that accepts what people actually
//! type into forms and spreadsheets (full-width digits, prefixes, units, synonyms)
//! and rejects everything else with a Chinese reason meant for the person who typed it.

mod formula;
mod industry;
mod modes;
mod money;
mod patent;
mod region;
mod text;
mod trl;
mod uscc;

pub use formula::{begins_like_formula, check_org_name};
pub use industry::{Industry, IndustryCatalogue};
pub use modes::{CoopMode, TransferMode, compatible, compatible_masks};
pub(crate) use money::budget_list_text;
pub use money::{AskingPrice, BudgetRange, Wan};
pub use patent::{PatentKind, PatentNo};
pub use region::Region;
pub use text::identity_key;
pub use trl::Trl;
pub use uscc::Uscc;
