//! The change log: every write to a posting appends a row in the same transaction, and
//! followers (the search index) apply the log from their own saved position.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    prelude::*,
};

use crate::CoreResult;
use crate::entities::change;
use crate::posting::PostingKind;

/// Appends a change for one posting.
///
/// # Errors
/// Fails on a database error.
pub async fn record(conn: &impl ConnectionTrait, kind: PostingKind, id: i64) -> CoreResult<()> {
    change::ActiveModel {
        entity: Set(kind.code().to_owned()),
        entity_id: Set(id),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
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
