//! Account lockout: after [`FAILURES_TO_LOCK`] failed logins within [`WINDOW_MINUTES`],
//! an email address cannot log in for [`LOCK_MINUTES`], whatever password it tries.
//!
//! Counted in the database, so that a cluster's nodes share one count and the lock
//! survives a restart (the per-minute limiter of each node only slows guessing down).
//! Every address is counted, registered or not, and a locked one answers exactly like a
//! rate-limited one: lockout does not tell whether an account exists.
//!
//! Guesses arrive concurrently, so a failure is counted inside a transaction that holds
//! the address's row (`FOR UPDATE` on PostgreSQL; SQLite has one writer): no failure is
//! lost, and a failure that was already in flight when the lock began cannot lift it.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Condition;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};

use crate::CoreResult;
use crate::entities::login_failure;

pub const FAILURES_TO_LOCK: i32 = 10;
pub const WINDOW_MINUTES: i64 = 15;
pub const LOCK_MINUTES: i64 = 15;

fn key(email: &str) -> String {
    super::sessions::token_hash(&email.trim().to_lowercase())
}

/// Until when the address is locked, if it is now.
///
/// # Errors
/// Database errors.
pub async fn locked_until(
    conn: &impl ConnectionTrait,
    email: &str,
    now: DateTime<Utc>,
) -> CoreResult<Option<DateTime<Utc>>> {
    let row = login_failure::Entity::find_by_id(key(email))
        .one(conn)
        .await?;
    Ok(row
        .and_then(|r| r.locked_until)
        .filter(|until| *until > now))
}

/// Counts a failed login. Returns the end of the lock when this failure started one (the
/// moment to tell the account's owner); of concurrent failures, exactly one does.
///
/// # Errors
/// Database errors.
pub async fn record_failure(
    db: &DatabaseConnection,
    email: &str,
    now: DateTime<Utc>,
) -> CoreResult<Option<DateTime<Utc>>> {
    let key = key(email);
    let txn = db.begin().await?;
    // The row exists before it is locked, so that two first failures do not both insert.
    login_failure::Entity::insert(login_failure::ActiveModel {
        email_hash: Set(key.clone()),
        failures: Set(0),
        first_failure_at: Set(now),
        locked_until: Set(None),
    })
    .on_conflict(
        OnConflict::column(login_failure::Column::EmailHash)
            .do_nothing()
            .to_owned(),
    )
    .try_insert()
    .exec(&txn)
    .await?;
    let Some(row) = login_failure::Entity::find_by_id(key)
        .lock_exclusive()
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    if row.locked_until.is_some_and(|until| until > now) {
        // Locked already: the lock stands as it is.
        return Ok(None);
    }
    let window_start = now - Duration::minutes(WINDOW_MINUTES);
    let fresh = row.first_failure_at <= window_start || row.locked_until.is_some();
    let (failures, first) = if fresh {
        (1, now)
    } else {
        (row.failures + 1, row.first_failure_at)
    };
    let until = (failures >= FAILURES_TO_LOCK).then(|| now + Duration::minutes(LOCK_MINUTES));
    let mut active: login_failure::ActiveModel = row.into();
    active.failures = Set(if until.is_some() { 0 } else { failures });
    active.first_failure_at = Set(first);
    active.locked_until = Set(until);
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(until)
}

/// Forgets the failures of an address: after a successful login or a password reset.
///
/// # Errors
/// Database errors.
pub async fn clear(conn: &impl ConnectionTrait, email: &str) -> CoreResult<()> {
    login_failure::Entity::delete_by_id(key(email))
        .exec(conn)
        .await?;
    Ok(())
}

/// Drops the counts nobody needs any more: failures older than the window and locks that
/// have ended. Every address tried gets a row, so without this the table only grows.
///
/// # Errors
/// Database errors.
pub async fn purge(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> CoreResult<u64> {
    let window_start = now - Duration::minutes(WINDOW_MINUTES);
    let purged = login_failure::Entity::delete_many()
        .filter(login_failure::Column::FirstFailureAt.lt(window_start))
        .filter(
            Condition::any()
                .add(login_failure::Column::LockedUntil.is_null())
                .add(login_failure::Column::LockedUntil.lt(now)),
        )
        .exec(conn)
        .await?;
    Ok(purged.rows_affected)
}
