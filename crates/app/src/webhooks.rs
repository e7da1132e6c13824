//! An organisation's webhooks: group robots and signed JSON receivers.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use techmatch_core::services::users::User;
use techmatch_core::services::webhook_addresses::AddressPolicy;
use techmatch_core::services::webhooks::{self, Webhook, WebhookInput};

use crate::AppResult;
use crate::txn::in_transaction;

/// The webhooks of the caller's organisation, oldest first, never with their secrets.
///
/// # Errors
/// `Forbidden` without an organisation whose membership is confirmed.
pub async fn list(db: &DatabaseConnection, actor: &User) -> AppResult<Vec<Webhook>> {
    let org = webhooks::own_org(actor)?;
    Ok(webhooks::list(db, actor, org).await?)
}

/// Registers a webhook of the caller's organisation. Its address is checked (it must
/// resolve to public addresses only, see `reach`) before the transaction takes a
/// connection: resolving a host may take seconds.
///
/// # Errors
/// `Forbidden` without a confirmed organisation; `Invalid` for a refused address,
/// format, kind or secret; `Conflict` at the most webhooks an organisation may have.
pub async fn register(
    db: &DatabaseConnection,
    actor: &User,
    input: &WebhookInput,
    reach: &AddressPolicy,
    now: DateTime<Utc>,
) -> AppResult<Webhook> {
    let org = webhooks::own_org(actor)?;
    let checked = webhooks::check(actor, org, input, reach).await?;
    in_transaction(db, async |txn| {
        Ok(webhooks::store(txn, actor, org, checked, now).await?)
    })
    .await
}

/// Deletes a webhook of the caller's organisation; posts still queued for it are
/// dropped.
///
/// # Errors
/// `NotFound` for a webhook of another organisation, or none.
pub async fn delete(db: &DatabaseConnection, actor: &User, id: i64) -> AppResult<()> {
    in_transaction(db, async |txn| Ok(webhooks::delete(txn, actor, id).await?)).await
}
