//! The audit log: who did what to which record, when and why. Written in the same
//! transaction as the action it describes, so the log never claims what did not happen.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, QuerySelect, Set};
use serde::Serialize;

use crate::CoreResult;
use crate::entities::audit;

/// One audited action, as shown to the bureau.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub actor_user_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: i64,
    pub reason: Option<String>,
    pub detail: Option<String>,
    pub at: DateTime<Utc>,
}

/// What is being recorded.
#[derive(Debug, Clone, Default)]
pub struct Record<'a> {
    pub actor_user_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: i64,
    pub reason: Option<&'a str>,
    pub detail: Option<&'a str>,
}

/// # Errors
/// Database errors.
pub async fn record(conn: &impl ConnectionTrait, entry: Record<'_>) -> CoreResult<()> {
    audit::ActiveModel {
        actor_user_id: Set(entry.actor_user_id),
        action: Set(entry.action.to_owned()),
        entity: Set(entry.entity.to_owned()),
        entity_id: Set(entry.entity_id),
        reason: Set(entry.reason.map(str::to_owned)),
        detail: Set(entry.detail.map(str::to_owned)),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// The newest entries first.
///
/// # Errors
/// Database errors.
pub async fn recent(conn: &impl ConnectionTrait, limit: u64) -> CoreResult<Vec<AuditEntry>> {
    Ok(audit::Entity::find()
        .order_by_desc(audit::Column::Id)
        .limit(limit)
        .all(conn)
        .await?
        .into_iter()
        .map(|m| AuditEntry {
            id: m.id,
            actor_user_id: m.actor_user_id,
            action: m.action,
            entity: m.entity,
            entity_id: m.entity_id,
            reason: m.reason,
            detail: m.detail,
            at: m.at,
        })
        .collect())
}
