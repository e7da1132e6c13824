//! A technical need (技术需求) as validated input.

use chrono::NaiveDate;

use crate::domain::{BudgetRange, CoopMode, Region, Trl};
use crate::posting::{ContactDetails, OrgRef};

/// Everything a need can say, already validated. Only `external_id` and `title` are
/// always present; the rest is optional because real lists are incomplete.
#[derive(Debug, Clone, PartialEq)]
pub struct NeedInput {
    /// The list's own identifier of the row; re-importing it updates the same need.
    pub external_id: String,
    pub title: String,
    pub description: String,
    /// The canonical industry name from the catalogue.
    pub industry: Option<String>,
    pub keywords: Vec<String>,
    pub budget: Option<BudgetRange>,
    pub deadline: Option<NaiveDate>,
    pub coop_modes: Vec<CoopMode>,
    pub min_trl: Option<Trl>,
    pub region: Option<Region>,
    /// Whether the enterprise's identity is hidden until it accepts a contact.
    pub confidential: bool,
    pub organisation: Option<OrgRef>,
    /// Who to contact; `None` when the input says nothing of it (a form without the
    /// fields, a list without the columns), which keeps what is stored.
    pub contact: Option<ContactDetails>,
}
