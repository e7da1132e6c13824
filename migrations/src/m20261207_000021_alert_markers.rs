//! Carries the markers of alerts already sent over to the causes that name postings by
//! public id.
//!
//! The outbox keeps one notice per recipient and cause (`{recipient}|{cause}`), and that
//! key is what stops a match alert or a saved-search notice from going out twice. Until
//! `m20261207_000004_public_ids` the causes named postings by database id
//! (`match:12:34`, `saved-search:5:need:12`); they now name them by public id
//! (`match:WN-…:WA-…`, `saved-search:5:need:WN-…`). Without this, the alert follower,
//! replaying the changes the public-id upgrade wrote for the renumbered confidential
//! needs (or any later edit), would find no marker under the new cause and alert every
//! pair once more. Each old key is rewritten to the one today's code computes, from the
//! postings' current public ids; a key whose posting is gone, or whose new form exists
//! already (the pair was alerted again before this ran), is left as it is. Webhook rows
//! (`webhook:{id}|{cause}`) are carried over the same way. It runs in one transaction
//! and can run again.

use std::collections::HashMap;

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The public id of every posting of `table`, by database id.
async fn public_ids(
    conn: &impl ConnectionTrait,
    backend: DbBackend,
    table: &str,
) -> Result<HashMap<i64, String>, DbErr> {
    let rows = conn
        .query_all_raw(Statement::from_string(
            backend,
            format!("SELECT id, external_id FROM {table}"),
        ))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get_by_index::<i64>(0)?,
                row.try_get_by_index::<String>(1)?,
            ))
        })
        .collect()
}

/// The cause today's code writes for an old cause naming postings by database id, or
/// `None` when `cause` is not one (or names a posting that is gone).
pub(crate) fn carried_cause(
    cause: &str,
    needs: &HashMap<i64, String>,
    achievements: &HashMap<i64, String>,
) -> Option<String> {
    let parts: Vec<&str> = cause.split(':').collect();
    match parts.as_slice() {
        ["match", need, achievement] => {
            let need = needs.get(&need.parse::<i64>().ok()?)?;
            let achievement = achievements.get(&achievement.parse::<i64>().ok()?)?;
            Some(format!("match:{need}:{achievement}"))
        }
        ["saved-search", search, kind, posting] => {
            let search: i64 = search.parse().ok()?;
            let posting: i64 = posting.parse().ok()?;
            let public = match *kind {
                "need" => needs.get(&posting)?,
                "achievement" => achievements.get(&posting)?,
                _ => return None,
            };
            Some(format!("saved-search:{search}:{kind}:{public}"))
        }
        _ => None,
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        let backend = manager.get_database_backend();
        let rows = conn
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT id, dedup_key FROM outbox \
                 WHERE dedup_key LIKE '%|match:%' OR dedup_key LIKE '%|saved-search:%' \
                 ORDER BY id"
                    .to_owned(),
            ))
            .await?;
        if rows.is_empty() {
            return Ok(());
        }
        let needs = public_ids(conn, backend, "needs").await?;
        let achievements = public_ids(conn, backend, "achievements").await?;
        let update = match backend {
            DbBackend::Postgres => {
                "UPDATE outbox SET dedup_key = $1 WHERE id = $2 \
                 AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dedup_key = $3)"
            }
            _ => {
                "UPDATE outbox SET dedup_key = ? WHERE id = ? \
                 AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dedup_key = ?)"
            }
        };
        for row in rows {
            let id: i64 = row.try_get_by_index(0)?;
            let key: String = row.try_get_by_index(1)?;
            let Some((recipient, cause)) = key.rsplit_once('|') else {
                continue;
            };
            let Some(cause) = carried_cause(cause, &needs, &achievements) else {
                continue;
            };
            let carried = format!("{recipient}|{cause}");
            let values: Vec<Value> = vec![carried.clone().into(), id.into(), carried.into()];
            conn.execute_raw(Statement::from_sql_and_values(backend, update, values))
                .await?;
        }
        Ok(())
    }

    /// Nothing to undo: older code never reads the keys back, and a marker under either
    /// form keeps today's code from sending twice.
    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_causes_are_carried_to_public_ids_and_others_left_alone() {
        let needs = HashMap::from([(12, "WN-0A1B2C3D4E5F".to_owned())]);
        let achievements = HashMap::from([(34, "WA-AB12CD34EF56".to_owned())]);
        let carry = |cause: &str| carried_cause(cause, &needs, &achievements);
        assert_eq!(
            carry("match:12:34").as_deref(),
            Some("match:WN-0A1B2C3D4E5F:WA-AB12CD34EF56")
        );
        assert_eq!(
            carry("saved-search:5:need:12").as_deref(),
            Some("saved-search:5:need:WN-0A1B2C3D4E5F")
        );
        assert_eq!(
            carry("saved-search:5:achievement:34").as_deref(),
            Some("saved-search:5:achievement:WA-AB12CD34EF56")
        );
        for left in [
            "match:WN-0A1B2C3D4E5F:WA-AB12CD34EF56",
            "match:99:34",
            "saved-search:5:need:WN-0A1B2C3D4E5F",
            "moderation:need:12:approve:1",
            "digest:match_alert:daily:2026-12-07",
        ] {
            assert_eq!(carry(left), None, "{left}");
        }
    }
}
