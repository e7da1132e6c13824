//! Account lockout: after [`FAILURES_TO_LOCK`] failed logins within [`WINDOW_MINUTES`],
//! an email address cannot log in for [`LOCK_MINUTES`], whatever password it tries.
//!
//! Counted in the database, so that a cluster's nodes share one count and the lock
//! survives a restart (the per-minute limiter of each node only slows guessing down).
//! Every address is counted, registered or not, and a locked one answers exactly like a
//! rate-limited one: lockout does not tell whether an account exists.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

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
/// moment to tell the account's owner).
///
/// # Errors
/// Database errors.
pub async fn record_failure(
    conn: &impl ConnectionTrait,
    email: &str,
    now: DateTime<Utc>,
) -> CoreResult<Option<DateTime<Utc>>> {
    let key = key(email);
    let current = login_failure::Entity::find_by_id(key.clone())
        .one(conn)
        .await?;
    let window_start = now - Duration::minutes(WINDOW_MINUTES);
    let (failures, first) = match &current {
        Some(row) if row.first_failure_at > window_start && row.locked_until.is_none() => {
            (row.failures + 1, row.first_failure_at)
        }
        _ => (1, now),
    };
    let locks = failures >= FAILURES_TO_LOCK;
    let until = locks.then(|| now + Duration::minutes(LOCK_MINUTES));
    let row = login_failure::ActiveModel {
        email_hash: Set(key),
        failures: Set(if locks { 0 } else { failures }),
        first_failure_at: Set(first),
        locked_until: Set(until),
    };
    login_failure::Entity::insert(row)
        .on_conflict(
            OnConflict::column(login_failure::Column::EmailHash)
                .update_columns([
                    login_failure::Column::Failures,
                    login_failure::Column::FirstFailureAt,
                    login_failure::Column::LockedUntil,
                ])
                .to_owned(),
        )
        .exec(conn)
        .await?;
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
