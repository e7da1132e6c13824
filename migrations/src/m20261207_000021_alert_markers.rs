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
//! (`webhook:{id}|{cause}`) are carried over the same way. It runs in one transaction,
//! a page of rows at a time with one statement per page, and can run again.

use std::collections::HashMap;

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// How many outbox rows one page reads and one statement rewrites.
const PAGE: usize = 500;

/// The public ids of the postings of `table` among `ids`, by database id.
async fn public_ids(
    conn: &impl ConnectionTrait,
    backend: DbBackend,
    table: &str,
    ids: &[i64],
) -> Result<HashMap<i64, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let rows = conn
        .query_all_raw(Statement::from_string(
            backend,
            format!("SELECT id, external_id FROM {table} WHERE id IN ({list})"),
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

/// The database ids an old cause names: (needs, achievements).
fn named_ids(cause: &str) -> (Option<i64>, Option<i64>) {
    let parts: Vec<&str> = cause.split(':').collect();
    match parts.as_slice() {
        ["match", need, achievement] => (need.parse().ok(), achievement.parse().ok()),
        ["saved-search", _, "need", posting] => (posting.parse().ok(), None),
        ["saved-search", _, "achievement", posting] => (None, posting.parse().ok()),
        _ => (None, None),
    }
}

/// Rewrites one page of keys in one statement: `carried` holds (row id, new key).
/// A row whose new key exists already is left as it is.
async fn carry_page(
    conn: &impl ConnectionTrait,
    backend: DbBackend,
    carried: Vec<(i64, String)>,
) -> Result<(), DbErr> {
    if carried.is_empty() {
        return Ok(());
    }
    let placeholder = |n: usize| match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    };
    let mut values: Vec<Value> = Vec::with_capacity(carried.len() * 2);
    let mut rows = Vec::with_capacity(carried.len());
    for (id, key) in carried {
        let n = values.len();
        rows.push(format!(
            "(CAST({} AS BIGINT), {})",
            placeholder(n + 1),
            placeholder(n + 2)
        ));
        values.push(id.into());
        values.push(key.into());
    }
    let sql = format!(
        "WITH carried (id, new_key) AS (VALUES {}) \
         UPDATE outbox SET dedup_key = \
           (SELECT c.new_key FROM carried c WHERE c.id = outbox.id) \
         WHERE id IN (SELECT c.id FROM carried c) \
         AND NOT EXISTS (SELECT 1 FROM carried c, outbox o \
                         WHERE c.id = outbox.id AND o.dedup_key = c.new_key)",
        rows.join(", ")
    );
    conn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(())
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

    /// Page by page (keyset on the row id): each page reads the public ids of the
    /// postings it names and rewrites its keys in one statement, so neither a large
    /// outbox nor the posting tables are ever held in memory, nor written row by row.
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        let backend = manager.get_database_backend();
        let select = match backend {
            DbBackend::Postgres => {
                "SELECT id, dedup_key FROM outbox \
                 WHERE (dedup_key LIKE '%|match:%' OR dedup_key LIKE '%|saved-search:%') \
                 AND id > $1 ORDER BY id LIMIT $2"
            }
            _ => {
                "SELECT id, dedup_key FROM outbox \
                 WHERE (dedup_key LIKE '%|match:%' OR dedup_key LIKE '%|saved-search:%') \
                 AND id > ? ORDER BY id LIMIT ?"
            }
        };
        let page_size = <i64 as std::convert::TryFrom<usize>>::try_from(PAGE).unwrap_or(i64::MAX);
        let mut after = 0_i64;
        loop {
            let rows = conn
                .query_all_raw(Statement::from_sql_and_values(
                    backend,
                    select,
                    [Value::from(after), Value::from(page_size)],
                ))
                .await?;
            let Some(last) = rows.last() else {
                break;
            };
            after = last.try_get_by_index(0)?;
            let mut keys = Vec::with_capacity(rows.len());
            for row in &rows {
                let id: i64 = row.try_get_by_index(0)?;
                let key: String = row.try_get_by_index(1)?;
                keys.push((id, key));
            }
            let (mut need_ids, mut achievement_ids) = (Vec::new(), Vec::new());
            for (_, key) in &keys {
                if let Some((_, cause)) = key.rsplit_once('|') {
                    let (need, achievement) = named_ids(cause);
                    need_ids.extend(need);
                    achievement_ids.extend(achievement);
                }
            }
            let needs = public_ids(conn, backend, "needs", &need_ids).await?;
            let achievements = public_ids(conn, backend, "achievements", &achievement_ids).await?;
            let carried: Vec<(i64, String)> = keys
                .into_iter()
                .filter_map(|(id, key)| {
                    let (recipient, cause) = key.rsplit_once('|')?;
                    let cause = carried_cause(cause, &needs, &achievements)?;
                    Some((id, format!("{recipient}|{cause}")))
                })
                .collect();
            carry_page(conn, backend, carried).await?;
            if rows.len() < PAGE {
                break;
            }
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
