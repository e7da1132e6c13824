//! One call as its reader may see it, with what they may do now.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use techmatch_core::challenge::bid::BidStatus;
use techmatch_core::challenge::lifecycle::ChallengeStatus;
use techmatch_core::challenge::scoring::Criterion;
use techmatch_core::challenge::{is_public_step, timeline_label};
use techmatch_core::entities::challenge;
use techmatch_core::services::users::User;
use techmatch_core::services::{bids, challenges, organisations};
use techmatch_core::{CoreError, t};

use super::card::ChallengeCard;
use crate::AppResult;
use crate::bids::BidCard;
use crate::values::Offer;

/// A proposed or awarded winner, as the 公示 names it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Winner {
    pub bid_id: i64,
    pub lead_org: String,
    pub status: String,
    pub status_label: String,
}

/// One step of the call's timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Step {
    /// The step's code, e.g. `challenge.approve`.
    pub action: String,
    pub label: String,
    /// The bid it concerns (the bureau's timeline only).
    pub bid_id: Option<i64>,
    pub detail: Option<String>,
    pub at: DateTime<Utc>,
}

/// An objection to the 公示 (the bureau's view only).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Objection {
    pub id: i64,
    pub bid_id: Option<i64>,
    pub reason: String,
    pub answer: Option<String>,
    pub upheld: Option<bool>,
    pub created_at: DateTime<Utc>,
}

/// A scoring criterion and its weight (the bureau's view only).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CriterionWeight {
    pub name: String,
    pub weight: u32,
}

impl From<&Criterion> for CriterionWeight {
    fn from(criterion: &Criterion) -> CriterionWeight {
        CriterionWeight {
            name: criterion.name.clone(),
            weight: criterion.weight,
        }
    }
}

/// What the reader may do now. The lifecycle decides each move; taking one may still
/// be refused for a fact its offer names.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Actions {
    /// The lifecycle's moves the reader's role may take from the current status.
    pub offered: Vec<Offer>,
    /// The publisher may still edit the draft.
    pub may_edit: bool,
    /// The reader's organisation may bid.
    pub may_bid: bool,
    /// The 公示 is running and the reader is logged in.
    pub may_object: bool,
}

impl Actions {
    /// Whether the move `code` is offered and nothing stands in its way.
    pub fn open(&self, code: &str) -> bool {
        self.offered
            .iter()
            .any(|offer| offer.code == code && offer.refused.is_none())
    }
}

/// A call as its reader may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChallengeDetail {
    #[serde(flatten)]
    pub challenge: ChallengeCard,
    /// Whether the winners are named: during the 公示 and after it.
    pub winners_named: bool,
    /// The proposed or awarded winners; empty until they are named.
    pub winners: Vec<Winner>,
    /// The 公示 is running: objections may be lodged.
    pub publicity_open: bool,
    /// Bids submitted (and not withdrawn).
    pub bid_count: usize,
    /// The bids the reader may read: every bid for the bureau, the reader's own, and
    /// for a panel expert those the panel reads.
    pub bids: Vec<BidCard>,
    /// The reader's organisation's bid.
    pub own_bid: Option<i64>,
    pub objection_count: usize,
    /// Every objection (the bureau only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objections: Option<Vec<Objection>>,
    /// The scoring criteria (the bureau only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criteria: Option<Vec<CriterionWeight>>,
    /// Whether each bid's highest and lowest scores are dropped (the bureau only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_extremes: Option<bool>,
    /// The public stages for everyone; every step for the bureau.
    pub timeline: Vec<Step>,
    /// The reader publishes the call (for the bureau: a government call).
    pub reader_publishes: bool,
    pub actions: Actions,
}

/// Statuses in which the winners are named: the 公示 and everything after an award.
fn names_winners(status: ChallengeStatus) -> bool {
    matches!(
        status,
        ChallengeStatus::Publicity
            | ChallengeStatus::Awarded
            | ChallengeStatus::InExecution
            | ChallengeStatus::Accepted
            | ChallengeStatus::Failed
            | ChallengeStatus::Terminated
    )
}

pub(super) fn not_found(id: i64) -> CoreError {
    CoreError::NotFound {
        what: t!("what-challenge"),
        id: id.to_string(),
    }
}

/// The call `id` as the clock has it at `now`, or `NotFound` for a reader who may not
/// see it (as if it did not exist).
///
/// # Errors
/// `NotFound`; database errors.
pub async fn visible(
    conn: &impl ConnectionTrait,
    reader: Option<&User>,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<challenge::Model> {
    let found = challenges::model_as_of(conn, id, now).await?;
    if !challenges::may_see(reader, &found) {
        return Err(not_found(id).into());
    }
    Ok(found)
}

/// The call `id` as `reader` (`None`: the anonymous public) may see it at `now`.
///
/// # Errors
/// `NotFound` for a call that does not exist or that the reader may not see; database
/// errors.
pub async fn detail(
    conn: &impl ConnectionTrait,
    reader: Option<&User>,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<ChallengeDetail> {
    let found = visible(conn, reader, id, now).await?;
    let status = ChallengeStatus::from_code(&found.status)?;
    let bureau = reader.is_some_and(|r| r.role.is_bureau());
    let all_bids = bids::of_challenge(conn, id).await?;
    let names = organisations::names_by_id(
        conn,
        all_bids
            .iter()
            .map(|b| b.lead_org_id)
            .chain([found.publisher_org_id]),
    )
    .await?;
    let name = |org: i64| names.get(&org).cloned().unwrap_or_default();

    let winners_named = found.publicity_starts.is_some() && names_winners(status);
    let winners = if winners_named {
        all_bids
            .iter()
            .filter_map(|b| {
                let bid_status = BidStatus::from_code(&b.status).ok()?;
                bid_status.was_chosen().then(|| Winner {
                    bid_id: b.id,
                    lead_org: name(b.lead_org_id),
                    status: b.status.clone(),
                    status_label: bid_status.label(),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let publicity_open = challenges::objections_open(&found, now);

    let mut readable = Vec::new();
    if let Some(reader) = reader {
        for b in &all_bids {
            if bids::may_read_in(conn, reader, b, &found).await? {
                readable.push(BidCard::of(b, names.get(&b.lead_org_id).cloned(), bureau)?);
            }
        }
    }
    let own_bid = reader.and_then(|r| {
        all_bids
            .iter()
            .find(|b| bids::is_bidder(r, b))
            .map(|b| b.id)
    });
    let bid_count = all_bids
        .iter()
        .filter(|b| BidStatus::from_code(&b.status).is_ok_and(BidStatus::counts_as_submitted))
        .count();

    let objections = challenges::objections(conn, id).await?;
    let objection_count = objections.len();
    let objections = bureau.then(|| {
        objections
            .into_iter()
            .map(|o| Objection {
                id: o.id,
                bid_id: o.bid_id,
                reason: o.reason,
                answer: o.answer,
                upheld: o.upheld,
                created_at: o.created_at,
            })
            .collect()
    });
    let criteria = if bureau {
        Some(
            challenges::criteria_of(&found)?
                .criteria()
                .iter()
                .map(CriterionWeight::from)
                .collect(),
        )
    } else {
        None
    };

    let timeline = challenges::timeline(conn, id)
        .await?
        .into_iter()
        .filter(|e| bureau || (e.bid_id.is_none() && is_public_step(&e.action)))
        .map(|e| Step {
            label: timeline_label(&e.action),
            // The proposal's detail is the winning bids' internal numbers: the public
            // reads the winners by name instead.
            detail: e
                .detail
                .filter(|_| bureau || e.action != "challenge.propose_winners"),
            action: e.action,
            bid_id: e.bid_id,
            at: e.at,
        })
        .collect();

    let reader_publishes = reader.is_some_and(|r| challenges::is_publisher(r, &found));
    let offered = match reader {
        Some(r) => challenges::offers(conn, r, &found, now)
            .await?
            .into_iter()
            .map(|offer| Offer::new(offer.action.code(), offer.action.label(), offer.refused))
            .collect(),
        None => Vec::new(),
    };
    let actions = Actions {
        offered,
        may_edit: status == ChallengeStatus::Draft && reader_publishes,
        may_bid: own_bid.is_none()
            && reader.is_some_and(|r| bids::check_may_bid(r, &found, now).is_ok()),
        may_object: reader.is_some() && publicity_open,
    };

    Ok(ChallengeDetail {
        challenge: ChallengeCard::of(&found, &name(found.publisher_org_id)),
        winners_named,
        winners,
        publicity_open,
        bid_count,
        bids: readable,
        own_bid,
        objection_count,
        objections,
        drop_extremes: bureau.then_some(found.drop_extremes),
        criteria,
        timeline,
        reader_publishes,
        actions,
    })
}
