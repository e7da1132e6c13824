//! A research achievement (科技成果) as validated input.

use crate::domain::{AskingPrice, PatentNo, Region, TransferMode, Trl};
use crate::posting::{ContactDetails, OrgRef};

/// Everything an achievement can say, already validated.
#[derive(Debug, Clone, PartialEq)]
pub struct AchievementInput {
    /// The list's own identifier of the row; re-importing it updates the same achievement.
    pub external_id: String,
    pub title: String,
    pub summary: String,
    pub keywords: Vec<String>,
    /// The canonical industry name from the catalogue.
    pub field: Option<String>,
    pub trl: Option<Trl>,
    pub patents: Vec<PatentNo>,
    pub transfer_modes: Vec<TransferMode>,
    pub price: Option<AskingPrice>,
    /// The owning institution.
    pub organisation: Option<OrgRef>,
    pub team_lead: Option<String>,
    pub region: Option<Region>,
    /// Who to contact; `None` when the input says nothing of it (a form without the
    /// fields, a list without the columns), which keeps what is stored.
    pub contact: Option<ContactDetails>,
}
