//! What a bidder does with its bid: each action in its own transaction, refused whole.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};
use techmatch_core::challenge::bid::{BidAction, BidStatus};
use techmatch_core::challenge::milestone::MilestoneStatus;
use techmatch_core::entities::{bid, bid_milestone, challenge};
use techmatch_core::services::bids::{self, BidInput, MilestoneStep};
use techmatch_core::services::challenges;
use techmatch_core::services::users::User;
use techmatch_core::{CoreError, t};

use super::detail::readable;
use crate::AppResult;
use crate::challenges::visible;
use crate::txn::in_transaction;

/// A new draft bid of the actor's organisation on the call `challenge_id`; returns its
/// id.
///
/// # Errors
/// `NotFound` for a call the actor may not see; `Forbidden` for someone who does not
/// speak for an organisation that may bid; `Conflict` when the call is not open or the
/// organisation has a bid already; `Invalid` for bad content.
pub async fn create(
    db: &DatabaseConnection,
    actor: &User,
    challenge_id: i64,
    input: &BidInput,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    in_transaction(db, async |txn| {
        visible(txn, Some(actor), challenge_id, now).await?;
        Ok(bids::create(txn, actor, challenge_id, input, now).await?)
    })
    .await
}

/// The bid of the actor's organisation on the call `challenge_id`, if any.
///
/// # Errors
/// Database errors.
pub async fn own_bid_on(
    conn: &impl ConnectionTrait,
    actor: &User,
    challenge_id: i64,
) -> AppResult<Option<i64>> {
    Ok(bids::of_challenge(conn, challenge_id)
        .await?
        .iter()
        .find(|b| bids::is_bidder(actor, b))
        .map(|b| b.id))
}

/// The actor's own bid `id` that may still be changed, with its call.
///
/// # Errors
/// `NotFound` for a bid the actor may not read; `Forbidden` for a reader who is not its
/// bidder; `IllegalTransition` once it is neither a draft nor returned for correction.
pub async fn own_editable(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<(bid::Model, challenge::Model)> {
    let found = readable(conn, actor, id, now).await?;
    if !bids::is_bidder(actor, &found) {
        return Err(CoreError::Forbidden(t!("bid-bidder-only")).into());
    }
    if !BidStatus::from_code(&found.status)?.is_editable() {
        return Err(CoreError::IllegalTransition {
            from: found.status.clone(),
            to: "edit".to_owned(),
            reason: t!("bid-not-editable"),
        }
        .into());
    }
    let call = challenges::model_as_of(conn, found.challenge_id, now).await?;
    Ok((found, call))
}

/// Saves the bidder's bid `id`.
///
/// # Errors
/// As [`own_editable`]; `Conflict` for a change to the consortium of a bid submitted
/// before; `Invalid` for bad content.
pub async fn edit(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    input: &BidInput,
    now: DateTime<Utc>,
) -> AppResult<()> {
    in_transaction(db, async |txn| {
        own_editable(txn, actor, id, now).await?;
        Ok(bids::edit(txn, actor, id, input, now).await?)
    })
    .await
}

/// The bidder submits, resubmits after correction, or withdraws; returns the new
/// status. The bureau's steps have use cases of their own.
///
/// # Errors
/// `NotFound` for a bid the actor may not read; `Invalid` for a step that is not the
/// bidder's; `Forbidden` for a reader who is not its bidder; the lifecycle's refusals.
pub async fn act(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    action: BidAction,
    now: DateTime<Utc>,
) -> AppResult<BidStatus> {
    if !matches!(
        action,
        BidAction::Submit | BidAction::Withdraw | BidAction::Resubmit
    ) {
        return Err(CoreError::invalid("action", t!("challenge-action-dedicated")).into());
    }
    in_transaction(db, async |txn| {
        readable(txn, actor, id, now).await?;
        Ok(bids::act(txn, actor, id, action, now).await?)
    })
    .await
}

/// A step on a milestone of a bid being carried out: the winner reports, the bureau
/// passes, orders rectification or fails it. Returns the new status and the bid's id.
///
/// # Errors
/// `NotFound` for a milestone whose bid the actor may not read; `Forbidden` for the
/// wrong person; the milestone's lifecycle's refusals.
pub async fn milestone_step(
    db: &DatabaseConnection,
    actor: &User,
    milestone_id: i64,
    step: &MilestoneStep,
    now: DateTime<Utc>,
) -> AppResult<(MilestoneStatus, i64)> {
    let milestone_not_found = || CoreError::NotFound {
        what: t!("what-milestone"),
        id: milestone_id.to_string(),
    };
    in_transaction(db, async |txn| {
        let found = bid_milestone::Entity::find_by_id(milestone_id)
            .one(txn)
            .await?
            .ok_or_else(milestone_not_found)?;
        match readable(txn, actor, found.bid_id, now).await {
            Err(crate::AppError::Core(CoreError::NotFound { .. })) => {
                return Err(milestone_not_found().into());
            }
            other => other?,
        };
        let to = bids::milestone_step(txn, actor, milestone_id, step, now).await?;
        Ok((to, found.bid_id))
    })
    .await
}
