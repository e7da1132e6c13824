//! One bid as its reader may see it: its milestones and what the reader may do now.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use techmatch_core::challenge::Actor;
use techmatch_core::challenge::bid::BidStatus;
use techmatch_core::challenge::milestone::{self, MilestoneAction, MilestoneStatus};
use techmatch_core::domain::Wan;
use techmatch_core::entities::bid;
use techmatch_core::services::users::User;
use techmatch_core::services::{bids, challenges, organisations};
use techmatch_core::{CoreError, t};

use super::card::BidCard;
use crate::AppResult;
use crate::values::{Offer, stored_wan, wan_text};

/// A milestone of a bid.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MilestoneCard {
    pub id: i64,
    pub seq: i32,
    pub title: String,
    pub metrics: String,
    pub due: DateTime<Utc>,
    /// The payment tied to it, in 万元.
    #[serde(rename = "amount_wan", serialize_with = "wan_text")]
    #[schema(value_type = String, example = "100")]
    pub amount: Wan,
    pub status: String,
    pub status_label: String,
    /// Due and not reported, while the bid is being carried out.
    pub overdue: bool,
    pub report: Option<String>,
    pub evidence: Option<String>,
    pub decision_reason: Option<String>,
    /// The reader (the winner) may report it now.
    pub may_report: bool,
}

/// A bid as its reader may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BidDetail {
    #[serde(flatten)]
    pub bid: BidCard,
    pub challenge_title: String,
    pub milestones: Vec<MilestoneCard>,
    /// Awarded and started: the milestones have a status of their own.
    pub executing: bool,
    /// The reader speaks for the bidding organisation.
    pub reader_is_bidder: bool,
    /// The bidder may still change it (a draft, or returned for correction).
    pub editable: bool,
    /// The bidder's moves for its bidder, the bureau's for the bureau.
    pub offered: Vec<Offer>,
}

pub(super) fn not_found(id: i64) -> CoreError {
    CoreError::NotFound {
        what: t!("what-bid"),
        id: id.to_string(),
    }
}

/// The bid `id`, or `NotFound` for a reader who may not read it (as if it did not
/// exist): its bidder, the bureau, and the call's panel once bidding has closed.
///
/// # Errors
/// `NotFound`; database errors.
pub async fn readable(
    conn: &impl ConnectionTrait,
    reader: &User,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<bid::Model> {
    let found = match bids::model(conn, id).await {
        Ok(found) => found,
        Err(CoreError::NotFound { .. }) => return Err(not_found(id).into()),
        Err(other) => return Err(other.into()),
    };
    if !bids::may_read(conn, reader, &found, now).await? {
        return Err(not_found(id).into());
    }
    Ok(found)
}

fn executing(status: BidStatus) -> bool {
    matches!(
        status,
        BidStatus::InExecution
            | BidStatus::DroppedOut
            | BidStatus::Accepted
            | BidStatus::AcceptanceFailed
    )
}

/// The bid `id` as `reader` may see it at `now`.
///
/// # Errors
/// `NotFound` for a bid that does not exist or that the reader may not read; database
/// errors.
pub async fn detail(
    conn: &impl ConnectionTrait,
    reader: &User,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<BidDetail> {
    let row = readable(conn, reader, id, now).await?;
    let status = BidStatus::from_code(&row.status)?;
    let call = challenges::model_as_of(conn, row.challenge_id, now).await?;
    let names = organisations::names_by_id(conn, [row.lead_org_id]).await?;
    let reader_is_bidder = bids::is_bidder(reader, &row);
    let executing = executing(status);
    let milestones = bids::milestones(conn, id)
        .await?
        .into_iter()
        .map(|m| {
            let milestone = MilestoneStatus::from_code(&m.status).ok();
            MilestoneCard {
                id: m.id,
                seq: m.seq,
                due: m.due_date,
                amount: stored_wan(m.amount_yuan),
                status_label: milestone.map(MilestoneStatus::label).unwrap_or_default(),
                overdue: executing && milestone.is_some_and(|s| s.is_overdue(m.due_date, now)),
                may_report: reader_is_bidder
                    && status == BidStatus::InExecution
                    && milestone.is_some_and(|from| {
                        let report = MilestoneAction::Report;
                        milestone::transition(from, report, Actor::Bidder, true, true).is_ok()
                    }),
                status: m.status,
                title: m.title,
                metrics: m.metrics,
                report: m.report,
                evidence: m.evidence,
                decision_reason: m.decision_reason,
            }
        })
        .collect();
    let offered = bids::offers(conn, reader, &row, now)
        .await?
        .into_iter()
        .map(|offer| Offer::new(offer.action.code(), offer.action.label(), offer.refused))
        .collect();
    Ok(BidDetail {
        bid: BidCard::of(
            &row,
            names.get(&row.lead_org_id).cloned(),
            reader.role.is_bureau(),
        )?,
        challenge_title: call.title,
        milestones,
        executing,
        editable: reader_is_bidder && status.is_editable(),
        reader_is_bidder,
        offered,
    })
}
