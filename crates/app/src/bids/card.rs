//! A bid as every view shows it: the one projection of its row.

use chrono::{DateTime, Utc};
use serde::Serialize;
use techmatch_core::CoreResult;
use techmatch_core::challenge::bid::BidStatus;
use techmatch_core::domain::Wan;
use techmatch_core::entities::bid;
use techmatch_core::services::bids;

use crate::values::{lines, stored_wan, wan_text};

/// A consortium member as its reader may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberCard {
    pub name: String,
    pub uscc: Option<String>,
    /// The registry organisation the bureau linked the member to; the bureau's views
    /// only, since which members stand for which organisation shapes the panel and a
    /// bidder who saw it could steer the next bid around it.
    /// `null` for the bureau while the member is unlinked; absent for everyone else.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<i64>)]
    pub org_id: Option<Option<i64>>,
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
    pub pledge_signed_at: Option<DateTime<Utc>>,
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
                org_id: bureau.then_some(member.org_id),
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
            pledge_signed_at: row.pledge_signed_at,
            status: row.status.clone(),
            status_label: BidStatus::from_code(&row.status)
                .map(BidStatus::label)
                .unwrap_or_default(),
            status_reason: row.status_reason.clone(),
            submitted_at: row.submitted_at,
        })
    }
}
