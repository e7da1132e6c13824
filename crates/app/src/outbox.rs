//! The outbox as administrators tend it.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use techmatch_core::services::outbox;
use techmatch_core::services::users::User;

use crate::AppResult;
use crate::txn::in_transaction;

/// Puts dead letter `id` back in the queue, its attempts counted afresh.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `NotFound` for no dead letter of that
/// id; `Conflict` for an account mail whose link has died with it.
pub async fn retry(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    in_transaction(
        db,
        async |txn| Ok(outbox::retry(txn, actor, id, now).await?),
    )
    .await
}
