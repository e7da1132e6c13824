//! The bureau's and the panel's steps on a call: the panel, the criteria, the winners,
//! the 公示's objections, the award and the task book. Core decides who may and when;
//! each step here is one transaction, the same for the console and the API.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use techmatch_core::challenge::calendar::WorkCalendar;
use techmatch_core::challenge::scoring::{BidRanking, Criteria};
use techmatch_core::services::challenges::{self, TaskBook};
use techmatch_core::services::users::User;
use techmatch_core::{CoreError, t};

use crate::AppResult;
use crate::txn::in_transaction;

/// The working days a 公示 runs are counted on: weekends are not working days. (The
/// State Council's holiday calendar is not built in.)
fn publicity_calendar() -> WorkCalendar {
    WorkCalendar::weekends_only()
}

/// Seats an expert on the call's panel.
///
/// # Errors
/// `Forbidden` unless bureau; the refusals of [`challenges::assign_expert`].
pub async fn assign_expert(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    expert_id: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    in_transaction(db, async |txn| {
        Ok(challenges::assign_expert(txn, actor, id, expert_id, now).await?)
    })
    .await
}

/// Takes an expert who has scored nothing off the panel.
///
/// # Errors
/// The refusals of [`challenges::unassign_expert`].
pub async fn unassign_expert(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    expert_id: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    in_transaction(db, async |txn| {
        Ok(challenges::unassign_expert(txn, actor, id, expert_id, now).await?)
    })
    .await
}

/// A panel expert declares a conflict of interest and leaves the panel.
///
/// # Errors
/// The refusals of [`challenges::declare_conflict`].
pub async fn declare_conflict(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    in_transaction(db, async |txn| {
        Ok(challenges::declare_conflict(txn, actor, id, reason, now).await?)
    })
    .await
}

/// Sets the scoring criteria and whether each bid's extreme scores are dropped.
///
/// # Errors
/// The refusals of [`challenges::set_criteria`].
pub async fn set_criteria(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    criteria: &Criteria,
    drop_extremes: bool,
    now: DateTime<Utc>,
) -> AppResult<()> {
    in_transaction(db, async |txn| {
        Ok(challenges::set_criteria(txn, actor, id, criteria, drop_extremes, now).await?)
    })
    .await
}

/// Sets how many working days the call's 公示 runs.
///
/// # Errors
/// The refusals of [`challenges::set_publicity_days`].
pub async fn set_publicity_days(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    working_days: u32,
    now: DateTime<Utc>,
) -> AppResult<()> {
    in_transaction(db, async |txn| {
        Ok(challenges::set_publicity_days(txn, actor, id, working_days, now).await?)
    })
    .await
}

/// Proposes the winners and starts the 公示; returns when it ends.
///
/// # Errors
/// The refusals of [`challenges::propose_winners`].
pub async fn propose_winners(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    winners: &[i64],
    now: DateTime<Utc>,
) -> AppResult<DateTime<Utc>> {
    let calendar = publicity_calendar();
    in_transaction(db, async |txn| {
        Ok(challenges::propose_winners(txn, actor, id, winners, &calendar, now).await?)
    })
    .await
}

/// Answers an objection to the 公示, upholding it or not.
///
/// # Errors
/// The refusals of [`challenges::answer_objection`].
pub async fn answer_objection(
    db: &DatabaseConnection,
    actor: &User,
    objection_id: i64,
    answer: &str,
    upheld: bool,
    now: DateTime<Utc>,
) -> AppResult<()> {
    in_transaction(db, async |txn| {
        Ok(challenges::answer_objection(txn, actor, objection_id, answer, upheld, now).await?)
    })
    .await
}

/// Awards the proposed winners once the 公示 is over, denying those named with reasons.
///
/// # Errors
/// The refusals of [`challenges::award`].
pub async fn award(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    denied: &[(i64, String)],
    now: DateTime<Utc>,
) -> AppResult<()> {
    in_transaction(db, async |txn| {
        Ok(challenges::award(txn, actor, id, denied, now).await?)
    })
    .await
}

/// Records the task book and starts the winners' execution.
///
/// # Errors
/// The refusals of [`challenges::start_execution`].
pub async fn start_execution(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    task_book: &TaskBook,
    now: DateTime<Utc>,
) -> AppResult<()> {
    in_transaction(db, async |txn| {
        Ok(challenges::start_execution(txn, actor, id, task_book, now).await?)
    })
    .await
}

/// The bids of a call ranked by their counted scores, with each bid's spread and the
/// experts far from the rest: the bureau's alone.
///
/// # Errors
/// `Forbidden` unless bureau; `NotFound`; database errors.
pub async fn ranking(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
) -> AppResult<Vec<BidRanking>> {
    if !actor.role.is_bureau() {
        return Err(CoreError::Forbidden(t!("challenge-bureau-only")).into());
    }
    Ok(challenges::ranking(conn, id).await?)
}
