//! The audit log, as the bureau reads it.

use sea_orm::DatabaseConnection;
use serde::Serialize;
use techmatch_core::services::audit::{self, AuditEntry};
use techmatch_core::services::users::User;
use techmatch_core::t;

use crate::AppResult;
use crate::organisations::check_bureau;

/// The audit log, newest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditLog {
    pub entries: Vec<AuditEntry>,
}

/// Entries of the audit log, newest first: `limit` of them, 100 by default, at most
/// 1,000.
///
/// # Errors
/// `Forbidden` for anyone but the bureau.
pub async fn audit_log(
    db: &DatabaseConnection,
    actor: &User,
    limit: Option<u64>,
) -> AppResult<AuditLog> {
    check_bureau(actor, || t!("bureau-error-audit-log"))?;
    let entries = audit::recent(db, limit.unwrap_or(100).min(1000)).await?;
    Ok(AuditLog { entries })
}
