//! The transaction a handler opens around a use case of several services, until the
//! application layer owns each action's transaction (issue 17).

use sea_orm::{DatabaseTransaction, TransactionTrait};
use techmatch_core::CoreError;

use super::{AppState, WebError};

pub(super) async fn begin(app: &AppState) -> Result<DatabaseTransaction, WebError> {
    Ok(app.db.begin().await.map_err(CoreError::from)?)
}

pub(super) async fn commit(txn: DatabaseTransaction) -> Result<(), WebError> {
    txn.commit().await.map_err(CoreError::from)?;
    Ok(())
}
