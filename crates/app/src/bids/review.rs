//! The bureau's and the panel's steps on a bid: the formal review, the consortium's
//! links, the scores, voiding a sheet, the final acceptance and registering the result
//! as an achievement. Core decides who may and when; each step here is one transaction,
//! the same for the console and the API.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::Serialize;
use techmatch_core::challenge::bid::BidStatus;
use techmatch_core::services::bids::{
    self, FormalDecision, LinkDecision, MemberReview, MemberState,
};
use techmatch_core::services::challenges;
use techmatch_core::services::users::User;

use crate::AppResult;
use crate::txn::in_transaction;

/// Passes, returns for correction or rejects a submitted bid; returns its new status.
///
/// # Errors
/// The refusals of [`bids::formal_review`].
pub async fn formal_review(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    decision: &FormalDecision,
    now: DateTime<Utc>,
) -> AppResult<BidStatus> {
    in_transaction(db, async |txn| {
        Ok(bids::formal_review(txn, actor, id, decision, now).await?)
    })
    .await
}

/// Links a consortium member to a registry organisation or declines to, if the member
/// is still as `expected`.
///
/// # Errors
/// The refusals of [`bids::link_member`].
pub async fn link_member(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    index: usize,
    decision: LinkDecision,
    expected: MemberState,
    now: DateTime<Utc>,
) -> AppResult<()> {
    in_transaction(db, async |txn| {
        Ok(bids::link_member(txn, actor, id, index, decision, expected, now).await?)
    })
    .await
}

/// A panel expert's score sheet for a bid.
///
/// # Errors
/// The refusals of [`bids::score`].
pub async fn score(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    scores: &[(String, String)],
    comment: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    in_transaction(db, async |txn| {
        Ok(bids::score(txn, actor, id, scores, comment, now).await?)
    })
    .await
}

/// Voids an expert's sheet for a bid of the call, with the reason.
///
/// # Errors
/// The refusals of [`bids::void_sheet`].
pub async fn void_sheet(
    db: &DatabaseConnection,
    actor: &User,
    challenge_id: i64,
    bid_id: i64,
    expert_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    in_transaction(db, async |txn| {
        Ok(bids::void_sheet(txn, actor, challenge_id, bid_id, expert_id, reason, now).await?)
    })
    .await
}

/// Decides a winner's final acceptance (验收); returns the bid's new status.
///
/// # Errors
/// The refusals of [`bids::final_acceptance`].
pub async fn final_acceptance(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    passed: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<BidStatus> {
    in_transaction(db, async |txn| {
        Ok(bids::final_acceptance(txn, actor, id, passed, reason, now).await?)
    })
    .await
}

/// Registers an accepted result as an achievement of the lead organisation; returns
/// the achievement's id.
///
/// # Errors
/// The refusals of [`bids::register_as_achievement`].
pub async fn register_as_achievement(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    in_transaction(db, async |txn| {
        Ok(bids::register_as_achievement(txn, actor, id, now).await?)
    })
    .await
}

/// A bid's consortium as the bureau reviews it: each member as typed, its link, the
/// verified organisations it may stand for, and whether links may change now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConsortiumReview {
    pub members: Vec<MemberReview>,
    pub links_open: bool,
}

/// The consortium of bid `id` for the bureau's review.
///
/// # Errors
/// `Forbidden` unless bureau; `NotFound`; database errors.
pub async fn consortium(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<ConsortiumReview> {
    let members = bids::consortium_review(conn, actor, id).await?;
    let row = bids::model(conn, id).await?;
    let call = challenges::model_as_of(conn, row.challenge_id, now).await?;
    Ok(ConsortiumReview {
        members,
        links_open: bids::links_open(&row, &call.status),
    })
}
