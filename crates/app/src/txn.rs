//! The one place a use case's transaction is opened and committed.

use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};

use crate::AppResult;

/// Runs `work` in a transaction of its own and commits it; a refusal or failure rolls
/// everything back (the transaction is dropped uncommitted), so nothing is half-written.
///
/// # Errors
/// Those of `work`; database errors opening or committing.
pub(crate) async fn in_transaction<T>(
    db: &DatabaseConnection,
    work: impl AsyncFnOnce(&DatabaseTransaction) -> AppResult<T>,
) -> AppResult<T> {
    let txn = db.begin().await?;
    let done = work(&txn).await?;
    txn.commit().await?;
    Ok(done)
}
