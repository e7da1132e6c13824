//! Attachments (附件) of calls and bids: uploading, listing and what a reader is told
//! of them. Who may do what, the type check by content and the storage are in
//! `techmatch_core::services::attachments`.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use techmatch_core::CoreError;
use techmatch_core::entities::attachment;
use techmatch_core::services::attachments::{
    self, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_OWNER, Owner,
};
use techmatch_core::services::users::User;

use crate::AppResult;

/// An attachment as its readers see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttachmentCard {
    pub id: i64,
    /// `challenge` or `bid`.
    pub owner_kind: String,
    pub owner_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// The SHA-256 of its content, hex.
    pub sha256: String,
    pub uploaded_by: i64,
    pub created_at: DateTime<Utc>,
    /// Where it is downloaded.
    pub url: String,
}

impl AttachmentCard {
    fn of(stored: attachment::Model) -> AttachmentCard {
        AttachmentCard {
            url: format!("/api/v1/attachments/{}", stored.id),
            id: stored.id,
            owner_kind: stored.owner_kind,
            owner_id: stored.owner_id,
            file_name: stored.file_name,
            content_type: stored.content_type,
            size_bytes: stored.size_bytes,
            sha256: stored.sha256,
            uploaded_by: stored.uploaded_by,
            created_at: stored.created_at,
        }
    }
}

/// The attachments of a call or bid, and whether the reader may add or delete some.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttachmentList {
    pub attachments: Vec<AttachmentCard>,
    pub may_change: bool,
    pub max_files: u64,
    pub max_bytes: u64,
}

/// The attachments of `owner` the reader may see.
///
/// # Errors
/// `NotFound` for a call or bid the reader may not see.
pub async fn list(
    db: &DatabaseConnection,
    reader: Option<&User>,
    owner: Owner,
    now: DateTime<Utc>,
) -> AppResult<AttachmentList> {
    let found = attachments::list(db, reader, owner, now).await?;
    let may_change = match reader {
        Some(user) => match attachments::check_may_change(db, user, owner, now).await {
            Ok(_) => true,
            Err(CoreError::Forbidden(_) | CoreError::Conflict(_) | CoreError::NotFound { .. }) => {
                false
            }
            Err(other) => return Err(other.into()),
        },
        None => false,
    };
    Ok(AttachmentList {
        attachments: found.into_iter().map(AttachmentCard::of).collect(),
        may_change,
        max_files: MAX_ATTACHMENTS_PER_OWNER,
        max_bytes: u64::try_from(MAX_ATTACHMENT_BYTES).unwrap_or(u64::MAX),
    })
}

/// Stores an uploaded file as an attachment of `owner`.
///
/// # Errors
/// `NotFound`/`Forbidden`/`Conflict` for an owner the uploader may not change now;
/// `Invalid` for a refused file (type, size, count, quota).
pub async fn upload(
    db: &DatabaseConnection,
    uploader: &User,
    owner: Owner,
    file: (&str, Vec<u8>),
    now: DateTime<Utc>,
    quota_bytes: u64,
) -> AppResult<AttachmentCard> {
    let (file_name, bytes) = file;
    let saved =
        attachments::upload(db, uploader, owner, file_name, bytes, now, quota_bytes).await?;
    Ok(AttachmentCard::of(saved))
}
