//! What publishers, the bureau and the public do with a call: each action in its own
//! transaction, refused whole.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use techmatch_core::challenge::lifecycle::{ChallengeAction, ChallengeStatus};
use techmatch_core::domain::IndustryCatalogue;
use techmatch_core::entities::challenge;
use techmatch_core::services::challenges::{self, ActionInput, ChallengeInput};
use techmatch_core::services::users::User;
use techmatch_core::{CoreError, t};

use super::detail::visible;
use crate::AppResult;
use crate::txn::in_transaction;

/// Refuses `actor` unless they may publish calls, naming what is missing.
///
/// # Errors
/// `Forbidden`.
pub fn check_may_publish(actor: &User) -> AppResult<()> {
    challenges::may_publish(actor)?;
    Ok(())
}

/// The catalogue's name for an industry typed by name or alias; `None` when left empty.
///
/// # Errors
/// `Invalid` listing the names accepted.
pub fn industry_named(
    industries: &IndustryCatalogue,
    typed: Option<&str>,
) -> AppResult<Option<String>> {
    match typed.map(str::trim) {
        Some(name) if !name.is_empty() => Ok(Some(industries.resolve(name)?.name.clone())),
        _ => Ok(None),
    }
}

/// A new draft call of the actor's organisation; returns its id.
///
/// # Errors
/// `Forbidden` for someone who may not publish; `Conflict` at the drafts quota;
/// `Invalid` for bad content.
pub async fn create(
    db: &DatabaseConnection,
    actor: &User,
    input: &ChallengeInput,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    in_transaction(db, async |txn| {
        Ok(challenges::create(txn, actor, input, now).await?)
    })
    .await
}

/// The publisher's draft `id`, for its edit form.
///
/// # Errors
/// `NotFound` for a call the actor may not see; `Forbidden` for anyone but its
/// publisher; `IllegalTransition` once it is no longer a draft.
pub async fn own_draft(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<challenge::Model> {
    let found = visible(conn, Some(actor), id, now).await?;
    if !challenges::is_publisher(actor, &found) {
        return Err(CoreError::Forbidden(t!("challenge-publisher-only")).into());
    }
    if found.status != ChallengeStatus::Draft.code() {
        return Err(CoreError::IllegalTransition {
            from: found.status.clone(),
            to: "edit".to_owned(),
            reason: t!("challenge-edit-not-draft"),
        }
        .into());
    }
    Ok(found)
}

/// Saves the publisher's draft `id`.
///
/// # Errors
/// As [`own_draft`]; `Invalid` for bad content.
pub async fn edit(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    input: &ChallengeInput,
    now: DateTime<Utc>,
) -> AppResult<()> {
    in_transaction(db, async |txn| {
        own_draft(txn, actor, id, now).await?;
        Ok(challenges::edit(txn, actor, id, input, now).await?)
    })
    .await
}

/// Takes a lifecycle action that needs nothing but a reason or a new deadline (submit,
/// approve, reject, republish, close, declare unfilled, withdraw, terminate, revoke the
/// 公示); returns the new status. The other steps have use cases of their own.
///
/// # Errors
/// `NotFound` for a call the actor may not see; `Forbidden`/`IllegalTransition` with
/// the lifecycle's reason; `Invalid` for a step with a form of its own.
pub async fn act(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    action: ChallengeAction,
    input: &ActionInput,
    now: DateTime<Utc>,
) -> AppResult<ChallengeStatus> {
    in_transaction(db, async |txn| {
        visible(txn, Some(actor), id, now).await?;
        Ok(challenges::act(txn, actor, id, action, input, now).await?)
    })
    .await
}

/// Lodges an objection to the running 公示, against one proposed winner or the call as
/// a whole; returns its id.
///
/// # Errors
/// `NotFound` for a call the actor may not see; `IllegalTransition` outside the 公示;
/// `Invalid` for an empty reason or a bid that is not a proposed winner.
pub async fn object(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    bid_id: Option<i64>,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    in_transaction(db, async |txn| {
        visible(txn, Some(actor), id, now).await?;
        Ok(challenges::object(txn, actor, id, bid_id, reason, now).await?)
    })
    .await
}
