//! Headers an organisation placed by hand, remembered so that its next list in the
//! same shape imports without asking again; and the upload waiting for that mapping,
//! kept for an hour so the file need not be chosen again.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Statement, TransactionTrait,
};

use crate::entities::{column_mapping, pending_upload};
use crate::lists::columns::{ColumnMapping, is_about_secrecy, mappable, normalise};
use crate::posting::PostingKind;
use crate::services::import::columns_of;
use crate::services::sessions::random_token;
use crate::services::statistics::placeholders;
use crate::{CoreError, CoreResult, t};

/// How long an upload waits for its mapping.
const PENDING_FOR: Duration = Duration::hours(1);
/// How many uploads one person may leave waiting: each holds a whole file.
const MAX_PENDING_PER_USER: usize = 5;
/// How many bytes of uploads one person may leave waiting.
const MAX_PENDING_BYTES_PER_USER: i64 = 40 * 1024 * 1024;
/// How many bytes of uploads may wait for everyone together: registering is open, so
/// accounts alone do not bound what the database keeps. The bureau's are not held back.
const MAX_PENDING_BYTES: i64 = 1024 * 1024 * 1024;

/// The mappings `org` made for lists of `kind`.
///
/// # Errors
/// Database errors.
pub async fn load(
    conn: &impl ConnectionTrait,
    org: i64,
    kind: PostingKind,
) -> CoreResult<ColumnMapping> {
    let (columns, _) = columns_of(kind);
    let rows = column_mapping::Entity::find()
        .filter(column_mapping::Column::OrgId.eq(org))
        .filter(column_mapping::Column::Kind.eq(kind.code()))
        .all(conn)
        .await?;
    // A field that is no longer a column (renamed since) is dropped, and so is one a
    // hand mapping may no longer fill (remembered before the rule): not trusted.
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let field = columns.iter().find(|c| c.field == row.field)?.field;
            (mappable(field) && !is_about_secrecy(&normalise(&row.header)))
                .then_some((row.header, field))
        })
        .collect())
}

/// Remembers `mapping` for `org`'s next list of `kind`, over what it chose before for
/// the same headers.
///
/// # Errors
/// Database errors.
pub async fn remember(
    db: &DatabaseConnection,
    org: i64,
    kind: PostingKind,
    mapping: &ColumnMapping,
) -> CoreResult<()> {
    if mapping.is_empty() {
        return Ok(());
    }
    let txn = db.begin().await?;
    let headers: Vec<String> = mapping.keys().cloned().collect();
    column_mapping::Entity::delete_many()
        .filter(column_mapping::Column::OrgId.eq(org))
        .filter(column_mapping::Column::Kind.eq(kind.code()))
        .filter(column_mapping::Column::Header.is_in(headers))
        .exec(&txn)
        .await?;
    let now = Utc::now();
    let rows = mapping
        .iter()
        .map(|(header, field)| column_mapping::ActiveModel {
            org_id: Set(org),
            kind: Set(kind.code().to_owned()),
            header: Set(header.clone()),
            field: Set((*field).to_owned()),
            updated_at: Set(now),
        });
    column_mapping::Entity::insert_many(rows).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Forgets the column `org` placed by hand under `header` (normalised) in lists of
/// `kind`. Returns whether there was one.
///
/// # Errors
/// Database errors.
pub async fn forget(
    conn: &impl ConnectionTrait,
    org: i64,
    kind: PostingKind,
    header: &str,
) -> CoreResult<bool> {
    let deleted = column_mapping::Entity::delete_many()
        .filter(column_mapping::Column::OrgId.eq(org))
        .filter(column_mapping::Column::Kind.eq(kind.code()))
        .filter(column_mapping::Column::Header.eq(header))
        .exec(conn)
        .await?;
    Ok(deleted.rows_affected > 0)
}

/// An upload kept for its mapping.
#[derive(Debug, Clone)]
pub struct PendingUpload {
    pub token: String,
    pub kind: PostingKind,
    pub file_name: String,
    pub contents: Vec<u8>,
}

/// An upload to keep while its columns are placed by hand.
#[derive(Debug, Clone, Copy)]
pub struct NewPendingUpload<'a> {
    pub user: i64,
    pub kind: PostingKind,
    pub file_name: &'a str,
    pub contents: &'a [u8],
    /// Bureau staff's uploads are not held back by the room others' take.
    pub for_bureau: bool,
}

/// Keeps an upload for its uploader to map, dropping what has waited too long and, to
/// make room, the uploader's own oldest.
///
/// # Errors
/// `Invalid` when the uploads others keep leave no room for it (never for the bureau);
/// database errors.
pub async fn keep_upload(
    db: &DatabaseConnection,
    upload: &NewPendingUpload<'_>,
) -> CoreResult<String> {
    let now = Utc::now();
    let size = i64::try_from(upload.contents.len()).unwrap_or(i64::MAX);
    let txn = db.begin().await?;
    pending_upload::Entity::delete_many()
        .filter(pending_upload::Column::CreatedAt.lt(now - PENDING_FOR))
        .exec(&txn)
        .await?;
    // The uploader's own, newest first: what fits in their room stays.
    let backend = txn.get_database_backend();
    let own_sql = placeholders(
        backend,
        "SELECT token, CAST(LENGTH(contents) AS BIGINT) FROM pending_uploads \
         WHERE user_id = ? ORDER BY created_at DESC",
    );
    let mut kept_bytes = size;
    let mut kept_count = 1;
    let mut give_way: Vec<String> = Vec::new();
    for row in txn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            own_sql,
            [upload.user.into()],
        ))
        .await?
    {
        let token: String = row.try_get_by_index(0)?;
        let bytes: i64 = row.try_get_by_index::<Option<i64>>(1)?.unwrap_or(0);
        if kept_count < MAX_PENDING_PER_USER && kept_bytes + bytes <= MAX_PENDING_BYTES_PER_USER {
            kept_count += 1;
            kept_bytes += bytes;
        } else {
            give_way.push(token);
        }
    }
    if !upload.for_bureau {
        let others = waiting_bytes(&txn, upload.user).await?;
        if others.saturating_add(kept_bytes) > MAX_PENDING_BYTES {
            txn.rollback().await?;
            return Err(CoreError::invalid("file", t!("upload-pending-full")));
        }
    }
    // The oldest give way: a person trying again should not be blocked by their own
    // abandoned attempts, nor keep more than a few files at once.
    if !give_way.is_empty() {
        pending_upload::Entity::delete_many()
            .filter(pending_upload::Column::Token.is_in(give_way))
            .exec(&txn)
            .await?;
    }
    let token = random_token();
    pending_upload::Entity::insert(pending_upload::ActiveModel {
        token: Set(token.clone()),
        user_id: Set(upload.user),
        kind: Set(upload.kind.code().to_owned()),
        file_name: Set(upload.file_name.to_owned()),
        contents: Set(upload.contents.to_vec()),
        created_at: Set(now),
    })
    .exec(&txn)
    .await?;
    txn.commit().await?;
    Ok(token)
}

/// The bytes of the uploads waiting for their mapping, but `user`'s.
async fn waiting_bytes(conn: &impl ConnectionTrait, user: i64) -> CoreResult<i64> {
    let backend = conn.get_database_backend();
    let sql = placeholders(
        backend,
        "SELECT CAST(COALESCE(SUM(LENGTH(contents)), 0) AS BIGINT) FROM pending_uploads \
         WHERE user_id <> ?",
    );
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [user.into()]))
        .await?;
    Ok(match row {
        Some(row) => row.try_get_by_index::<i64>(0)?,
        None => 0,
    })
}

/// The upload `token` names, if it is `user`'s and has not expired.
///
/// # Errors
/// `Invalid` when there is no such upload waiting for this user; database errors.
pub async fn pending_upload(
    conn: &impl ConnectionTrait,
    user: i64,
    token: &str,
) -> CoreResult<PendingUpload> {
    let found = pending_upload::Entity::find_by_id(token.to_owned())
        .one(conn)
        .await?
        .filter(|p| p.user_id == user && p.created_at >= Utc::now() - PENDING_FOR);
    let Some(found) = found else {
        return Err(CoreError::invalid("token", t!("upload-pending-gone")));
    };
    let kind = PostingKind::from_code(&found.kind)
        .ok_or_else(|| CoreError::Internal(format!("pending upload of kind {}", found.kind)))?;
    Ok(PendingUpload {
        token: found.token,
        kind,
        file_name: found.file_name,
        contents: found.contents,
    })
}

/// Drops an upload once it has been imported.
///
/// # Errors
/// Database errors.
pub async fn forget_upload(conn: &impl ConnectionTrait, token: &str) -> CoreResult<()> {
    pending_upload::Entity::delete_by_id(token.to_owned())
        .exec(conn)
        .await?;
    Ok(())
}
