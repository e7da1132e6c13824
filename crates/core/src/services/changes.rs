//! The change log: every write to a posting appends a row in the same transaction, and
//! followers (the search index of every node, the alert builder) apply the log from their
//! own saved position.
//!
//! A follower reads "everything after the position I saved", so a row must never become
//! visible after a row with a higher number. SQLite has one writer and cannot do that.
//! PostgreSQL hands out sequence numbers at insert but makes rows visible at commit, so two
//! writers could commit out of order and a follower would skip the lower number for good.
//! On PostgreSQL every append therefore takes one transaction-scoped advisory lock before
//! it draws its number: appends are numbered in commit order. The lock is held to the end
//! of the writer's transaction, which serialises posting writes (not reads), the same
//! discipline SQLite imposes everywhere.

use chrono::Utc;
use sea_orm::{
    ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
    prelude::*,
};

use crate::CoreResult;
use crate::entities::change;
use crate::posting::PostingKind;

/// The advisory lock key of the change log (an arbitrary constant, "TMCHGLOG"). The
/// 揭榜挂帅 timeline, which the notice follower reads the same way, takes the same lock
/// (see `challenges::record_event`): one lock, so two logs never wait on each other in
/// opposite orders.
pub(crate) const APPEND_LOCK: i64 = 0x544D_4348_474C_4F47;

/// Appends a change for one posting.
///
/// # Errors
/// Fails on a database error.
pub async fn record(conn: &impl ConnectionTrait, kind: PostingKind, id: i64) -> CoreResult<()> {
    record_many(conn, kind, &[id]).await
}

/// Appends one change per posting, in one statement.
///
/// # Errors
/// Fails on a database error.
pub async fn record_many(
    conn: &impl ConnectionTrait,
    kind: PostingKind,
    ids: &[i64],
) -> CoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    if conn.get_database_backend() == DbBackend::Postgres {
        for chunk in ids.chunks(PG_APPEND_CHUNK) {
            append_in_commit_order(conn, kind, chunk, now).await?;
        }
        return Ok(());
    }
    change::Entity::insert_many(ids.iter().map(|id| change::ActiveModel {
        entity: Set(kind.code().to_owned()),
        entity_id: Set(*id),
        at: Set(now),
        ..Default::default()
    }))
    .exec(conn)
    .await?;
    Ok(())
}

/// Ids per PostgreSQL statement, well under its 65,535 bind parameters.
const PG_APPEND_CHUNK: usize = 1000;

async fn append_in_commit_order(
    conn: &impl ConnectionTrait,
    kind: PostingKind,
    ids: &[i64],
    now: chrono::DateTime<Utc>,
) -> CoreResult<()> {
    let rows: Vec<String> = (0..ids.len())
        .map(|i| format!("(${}::bigint, {i})", i + 4))
        .collect();
    // One statement, so that even a caller outside a transaction holds the lock from
    // before the numbers are drawn until its commit: the CTE's row exists only once the
    // lock is granted, and each inserted row draws its number after that.
    let sql = format!(
        "WITH appending AS (SELECT pg_advisory_xact_lock($1)) \
         INSERT INTO changes (entity, entity_id, at) \
         SELECT $2, v.id, $3 FROM appending, (VALUES {}) AS v(id, n) ORDER BY v.n",
        rows.join(", ")
    );
    let mut values: Vec<sea_orm::Value> = vec![APPEND_LOCK.into(), kind.code().into(), now.into()];
    values.extend(ids.iter().map(|id| sea_orm::Value::from(*id)));
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        values,
    ))
    .await?;
    Ok(())
}

/// The changes after `after_seq`, oldest first, at most `limit`.
///
/// # Errors
/// Fails on a database error.
pub async fn since(
    conn: &impl ConnectionTrait,
    after_seq: i64,
    limit: u64,
) -> CoreResult<Vec<change::Model>> {
    Ok(change::Entity::find()
        .filter(change::Column::Seq.gt(after_seq))
        .order_by_asc(change::Column::Seq)
        .limit(limit)
        .all(conn)
        .await?)
}

/// The newest sequence number, or 0 for an empty log.
///
/// # Errors
/// Fails on a database error.
pub async fn head(conn: &impl ConnectionTrait) -> CoreResult<i64> {
    let newest = change::Entity::find()
        .order_by_desc(change::Column::Seq)
        .one(conn)
        .await?;
    Ok(newest.map_or(0, |c| c.seq))
}
