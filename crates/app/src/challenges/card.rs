//! A call as every view shows it: the one projection of its row.

use chrono::{DateTime, Utc};
use serde::Serialize;
use techmatch_core::challenge::lifecycle::ChallengeStatus;
use techmatch_core::domain::Wan;
use techmatch_core::entities::challenge;
use techmatch_core::services::challenges::ChallengeKind;

use crate::values::{lines, stored_wan, wan_text};

/// A 揭榜挂帅 call as the list and its page show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChallengeCard {
    pub id: i64,
    /// The number people quote, e.g. `JB-2026-0001`.
    pub public_id: String,
    /// `enterprise` or `government`.
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    /// The publishing organisation's name.
    pub publisher: String,
    pub industry: Option<String>,
    pub keywords: Vec<String>,
    pub background: String,
    pub problem: String,
    /// Quantified acceptance metrics.
    pub metrics: Vec<String>,
    pub scenario: String,
    pub final_user: String,
    /// The enterprise's money, in 万元.
    #[serde(rename = "reward_enterprise_wan", serialize_with = "wan_text")]
    #[schema(value_type = String, example = "300")]
    pub reward_enterprise: Wan,
    /// The fiscal subsidy, in 万元.
    #[serde(rename = "reward_subsidy_wan", serialize_with = "wan_text")]
    #[schema(value_type = String, example = "100")]
    pub reward_subsidy: Wan,
    /// Both together, in 万元.
    #[serde(rename = "reward_total_wan", serialize_with = "wan_text")]
    #[schema(value_type = String, example = "400")]
    pub reward_total: Wan,
    pub bid_deadline: DateTime<Utc>,
    pub completion_months: i32,
    pub eligibility: String,
    /// A 赛马 call: several teams race, up to `max_winners` win.
    pub horse_race: bool,
    pub max_winners: i32,
    /// `public`, or `restricted` (logged-in users only).
    pub confidentiality: String,
    pub contact_name: String,
    pub contact_phone: String,
    /// The status code as the clock has it now, e.g. `open`.
    pub status: String,
    pub status_label: String,
    /// Why the call was sent back, withdrawn or ended.
    pub status_reason: Option<String>,
    pub publicity_starts: Option<DateTime<Utc>>,
    pub publicity_ends: Option<DateTime<Utc>>,
}

impl ChallengeCard {
    pub(crate) fn of(row: &challenge::Model, publisher: &str) -> ChallengeCard {
        let kind = if row.kind == ChallengeKind::Government.code() {
            ChallengeKind::Government
        } else {
            ChallengeKind::Enterprise
        };
        ChallengeCard {
            id: row.id,
            public_id: row.public_id.clone(),
            kind: kind.code().to_owned(),
            kind_label: kind.label(),
            title: row.title.clone(),
            publisher: publisher.to_owned(),
            industry: row.industry.clone(),
            keywords: lines(&row.keywords),
            background: row.background.clone(),
            problem: row.problem.clone(),
            metrics: lines(&row.metrics),
            scenario: row.scenario.clone(),
            final_user: row.final_user.clone(),
            reward_enterprise: stored_wan(row.reward_enterprise_yuan),
            reward_subsidy: stored_wan(row.reward_subsidy_yuan),
            reward_total: stored_wan(
                row.reward_enterprise_yuan
                    .saturating_add(row.reward_subsidy_yuan),
            ),
            bid_deadline: row.bid_deadline,
            completion_months: row.completion_months,
            eligibility: row.eligibility.clone(),
            horse_race: row.horse_race,
            max_winners: row.max_winners,
            confidentiality: row.confidentiality.clone(),
            contact_name: row.contact_name.clone(),
            contact_phone: row.contact_phone.clone(),
            status: row.status.clone(),
            status_label: ChallengeStatus::from_code(&row.status)
                .map(ChallengeStatus::label)
                .unwrap_or_default(),
            status_reason: row.status_reason.clone(),
            publicity_starts: row.publicity_starts,
            publicity_ends: row.publicity_ends,
        }
    }

    /// Only logged-in users see the call.
    pub fn restricted(&self) -> bool {
        self.confidentiality == "restricted"
    }
}
