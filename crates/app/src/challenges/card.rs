//! A call and a bid as every view shows them: the one projection of their rows.

use chrono::{DateTime, Utc};
use serde::Serialize;
use techmatch_core::CoreResult;
use techmatch_core::challenge::bid::BidStatus;
use techmatch_core::challenge::lifecycle::ChallengeStatus;
use techmatch_core::domain::Wan;
use techmatch_core::entities::{bid, challenge};
use techmatch_core::services::bids;
use techmatch_core::services::challenges::ChallengeKind;

use crate::values::wan_text;

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

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A stored amount; none is negative, and a row that somehow held one shows nothing
/// rather than failing the page.
fn stored_wan(yuan: i64) -> Wan {
    Wan::from_yuan(yuan).unwrap_or_default()
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

/// A consortium member as its reader may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberCard {
    pub name: String,
    pub uscc: Option<String>,
    /// The registry organisation the bureau linked the member to; the bureau's views
    /// only, since which members stand for which organisation shapes the panel and a
    /// bidder who saw it could steer the next bid around it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_id: Option<i64>,
    /// The bureau decided the member stands for no registry organisation (bureau only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declined: Option<bool>,
}

/// A bid as the people who may read it see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BidCard {
    pub id: i64,
    pub challenge_id: i64,
    pub lead_org_id: i64,
    pub lead_org: Option<String>,
    pub consortium: Vec<MemberCard>,
    pub team_leader: String,
    pub team: String,
    pub technical_plan: String,
    /// In 万元.
    #[serde(rename = "budget_wan", serialize_with = "wan_text")]
    #[schema(value_type = String, example = "280")]
    pub budget: Wan,
    pub existing_base: String,
    pub patents: Vec<String>,
    pub achievement_ids: Vec<i64>,
    pub pledge_signed: bool,
    pub status: String,
    pub status_label: String,
    pub status_reason: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
}

impl BidCard {
    /// The bid as `bureau` staff or another reader sees it; `lead_org` is its lead
    /// organisation's name.
    ///
    /// # Errors
    /// A stored consortium that does not parse.
    pub fn of(row: &bid::Model, lead_org: Option<String>, bureau: bool) -> CoreResult<BidCard> {
        let consortium = bids::consortium(row)?
            .into_iter()
            .map(|member| MemberCard {
                name: member.name,
                uscc: member.uscc,
                org_id: if bureau { member.org_id } else { None },
                declined: bureau.then_some(member.declined),
            })
            .collect();
        Ok(BidCard {
            id: row.id,
            challenge_id: row.challenge_id,
            lead_org_id: row.lead_org_id,
            lead_org,
            consortium,
            team_leader: row.team_leader.clone(),
            team: row.team.clone(),
            technical_plan: row.technical_plan.clone(),
            budget: stored_wan(row.budget_yuan),
            existing_base: row.existing_base.clone(),
            patents: lines(&row.patents),
            achievement_ids: row
                .achievement_ids
                .split(',')
                .filter_map(|id| id.trim().parse().ok())
                .collect(),
            pledge_signed: row.pledge_signed_at.is_some(),
            status: row.status.clone(),
            status_label: BidStatus::from_code(&row.status)
                .map(BidStatus::label)
                .unwrap_or_default(),
            status_reason: row.status_reason.clone(),
            submitted_at: row.submitted_at,
        })
    }
}
