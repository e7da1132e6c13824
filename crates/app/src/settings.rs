//! The platform's settings, which administrators change.

use sea_orm::DatabaseConnection;
use techmatch_core::domain::IndustryCatalogue;
use techmatch_core::services::settings::{self, Settings, SettingsChange};
use techmatch_core::services::users::User;

use crate::AppResult;
use crate::txn::in_transaction;

/// Checks and stores a change whole: nothing is written when any part is refused.
/// The caller reloads its copy of the industry catalogue afterwards.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `Invalid` for an ambiguous catalogue,
/// one dropping an industry still in use, or a bad amount.
pub async fn change(
    db: &DatabaseConnection,
    actor: &User,
    fallback_industries: &IndustryCatalogue,
    change: &SettingsChange,
) -> AppResult<Settings> {
    in_transaction(db, async |txn| {
        Ok(settings::change(txn, actor, fallback_industries, change).await?)
    })
    .await
}
