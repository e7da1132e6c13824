//! 技术经理人: the bureau assigns brokers the organisations they act for.

use sea_orm::DatabaseConnection;
use techmatch_core::services::brokers::{self, Assignment};
use techmatch_core::services::users::User;

use crate::AppResult;
use crate::txn::in_transaction;

/// Lets broker `broker_id` act for organisation `org_id`, audited.
///
/// # Errors
/// `Forbidden` for anyone but the bureau; `NotFound`; `Conflict` when already
/// assigned; `Invalid` for a user who is no broker or an organisation a broker may not
/// act for.
pub async fn assign(
    db: &DatabaseConnection,
    actor: &User,
    broker_id: i64,
    org_id: i64,
) -> AppResult<Assignment> {
    in_transaction(db, async |txn| {
        Ok(brokers::assign(txn, actor, broker_id, org_id).await?)
    })
    .await
}

/// Ends a broker's acting for an organisation, from its next request on, audited.
///
/// # Errors
/// `Forbidden` for anyone but the bureau; `NotFound` for no such assignment.
pub async fn unassign(
    db: &DatabaseConnection,
    actor: &User,
    broker_id: i64,
    org_id: i64,
) -> AppResult<()> {
    in_transaction(db, async |txn| {
        Ok(brokers::unassign(txn, actor, broker_id, org_id).await?)
    })
    .await
}
