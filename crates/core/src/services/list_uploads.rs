//! Uploading a list through the pages or the API: an organisation's own list, or a batch
//! the bureau uploads on behalf of many. Both surfaces call this one function, so who
//! may upload, which files they may send, the columns placed by hand (remembered for the
//! next list), the upload kept while its columns are placed, and the audit line are
//! decided once.

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::domain::IndustryCatalogue;
use crate::lists::columns::{ColumnMapping, mapping_from_pairs, normalise};
use crate::lists::read::{ListFormat, read_list_bytes, reader_trusts_declared_sizes};
use crate::posting::PostingKind;
use crate::services::import::{ImportOptions, ImportReport, ImportScope, columns_of, import_list};
use crate::services::list_batches::{self, NewBatch};
use crate::services::users::User;
use crate::services::{audit, column_mappings, workflow};
use crate::{CoreError, CoreResult, t};

/// Whose list it is.
#[derive(Debug, Clone)]
pub enum UploadTarget {
    /// The uploader's own organisation's: its new rows wait for moderation.
    Own,
    /// A batch (第N批) of the bureau's, its rows naming their organisations.
    Batch {
        kind: PostingKind,
        /// Empty for the next number of the list's year.
        name: String,
        list_date: NaiveDate,
    },
}

/// Where the file comes from.
#[derive(Debug, Clone)]
pub enum ListSource {
    File {
        name: String,
        bytes: Vec<u8>,
    },
    /// An upload kept while its columns are placed by hand, by its token.
    Kept(String),
}

/// One upload of a list.
#[derive(Debug, Clone)]
pub struct ListUpload {
    pub target: UploadTarget,
    pub source: ListSource,
    /// Columns placed by hand now, as `header=field`.
    pub map: Vec<String>,
    /// Whether a list refused for a missing column is kept for its columns to be placed
    /// on a form (the pages), rather than sent again with `map` fields (the API).
    pub keep_if_refused: bool,
}

/// What came of an upload.
#[derive(Debug)]
pub struct Uploaded {
    pub kind: PostingKind,
    pub file_name: String,
    /// The batch written, for the bureau's uploads that were not refused.
    pub batch: Option<i64>,
    pub report: ImportReport,
    /// The token of the upload kept for placing its columns, when it was refused.
    pub kept: Option<String>,
}

/// How many uploads a server reads and writes at once: each holds its cells in memory,
/// so further ones wait.
const SIMULTANEOUS_UPLOADS: usize = 2;

static TURNS: LazyLock<Arc<Semaphore>> =
    LazyLock::new(|| Arc::new(Semaphore::new(SIMULTANEOUS_UPLOADS)));
/// The bureau's batches take turns of their own, one at a time (they are numbered in
/// the order they complete), so that they never hold back organisations' uploads.
static BUREAU_TURNS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| Arc::new(Semaphore::new(1)));

/// Whose list a request is about to send, as far as is known before its body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOwner {
    /// The sender's own organisation.
    Own,
    /// The bureau, as a batch.
    Bureau,
}

/// A turn to read and write a list, held until its last row is written (or, if the
/// request is dropped meanwhile, until its file has been read).
#[derive(Debug)]
pub struct UploadTurn {
    _permit: OwnedSemaphorePermit,
}

/// Whether `actor` may upload a list of `owner`'s: checked before the file is received,
/// so that nobody who may not upload makes the server hold a file.
///
/// # Errors
/// `Forbidden` as [`upload_list`].
pub fn may_upload(actor: &User, owner: ListOwner) -> CoreResult<()> {
    match owner {
        ListOwner::Own => own_uploader(actor).map(|_| ()),
        ListOwner::Bureau => require_bureau(actor),
    }
}

/// Waits for a turn to read and write a list received from `actor`: at most
/// [`SIMULTANEOUS_UPLOADS`] at once on a server.
///
/// # Errors
/// `Forbidden` as [`may_upload`].
pub async fn take_turn(actor: &User, owner: ListOwner) -> CoreResult<UploadTurn> {
    may_upload(actor, owner)?;
    let turns: Arc<Semaphore> = match owner {
        ListOwner::Own => Arc::clone(&TURNS),
        ListOwner::Bureau => Arc::clone(&BUREAU_TURNS),
    };
    let permit = turns
        .acquire_owned()
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))?;
    Ok(UploadTurn { _permit: permit })
}

/// Who an upload is for, once authorized.
#[derive(Debug, Clone)]
enum Uploader {
    /// A member of `org`, confirmed by the bureau, uploading its own list.
    Organisation { kind: PostingKind, org: i64 },
    /// Bureau staff uploading a batch.
    Bureau {
        kind: PostingKind,
        name: String,
        list_date: NaiveDate,
    },
}

impl Uploader {
    fn kind(&self) -> PostingKind {
        match self {
            Uploader::Organisation { kind, .. } | Uploader::Bureau { kind, .. } => *kind,
        }
    }
}

/// Uploads a list as `actor`.
///
/// # Errors
/// `Forbidden` for someone who may not upload this list (an unconfirmed member, a
/// role without postings of its own, anyone but the bureau for a batch); `Invalid` for
/// an Excel 97 or Excel binary file from an organisation, a kept upload that is gone or
/// of another kind, a `map` pair naming no column, or a bad batch name; `ListFile` for a
/// file that cannot be read; database errors. A list refused for a missing column is no
/// error: its report says why, and nothing was written.
pub async fn upload_list(
    db: &DatabaseConnection,
    industries: &IndustryCatalogue,
    actor: &User,
    upload: ListUpload,
    turn: UploadTurn,
) -> CoreResult<Uploaded> {
    let uploader = authorize(actor, upload.target)?;
    let kind = uploader.kind();
    let (file_name, bytes, kept) = match upload.source {
        ListSource::File { name, bytes } => (name, bytes, None),
        ListSource::Kept(token) => {
            let pending = column_mappings::pending_upload(db, actor.id, &token).await?;
            if pending.kind != kind {
                return Err(CoreError::invalid("token", t!("upload-pending-gone")));
            }
            (pending.file_name, pending.contents, Some(token))
        }
    };
    if bytes.is_empty() {
        return Err(CoreError::invalid("file", t!("upload-error-no-file")));
    }
    // Anyone may register and upload, so their lists come in formats whose readers
    // check what they are told; the bureau imports county `.xls` files.
    if matches!(uploader, Uploader::Organisation { .. }) && reader_trusts_declared_sizes(&bytes) {
        return Err(CoreError::invalid("file", t!("upload-legacy-excel")));
    }
    let (columns, _) = columns_of(kind);
    let placed_now = mapping_from_pairs(columns, &upload.map)?;
    let format = ListFormat::from_path(Path::new(&file_name))?;
    let name = file_name.clone();
    // Reading a workbook is work for a blocking thread, not for the server's workers. The
    // turn goes with it: a request dropped meanwhile does not end the reading.
    let (list, bytes, _turn) = tokio::task::spawn_blocking(move || {
        let list = read_list_bytes(format, &name, &bytes);
        (list, bytes, turn)
    })
    .await
    .map_err(|e| CoreError::Internal(e.to_string()))?;
    let list = list?;

    let (batch, report) = match &uploader {
        Uploader::Organisation { org, .. } => {
            let org = *org;
            // Its rows wait for moderation as they are written: the record says so from
            // the start, whether or not the upload finishes.
            audit::record(
                db,
                audit::Record {
                    actor_user_id: Some(actor.id),
                    action: &format!("{}.upload_started", kind.code()),
                    entity: "organisation",
                    entity_id: org,
                    reason: None,
                    detail: Some(&file_name),
                },
            )
            .await?;
            let mut options = ImportOptions::new(ImportScope::Organisation(org), &file_name);
            options.mapping = column_mappings::load(db, org, kind).await?;
            options
                .mapping
                .extend(placed_now.iter().map(|(h, f)| (h.clone(), *f)));
            (
                None,
                import_list(db, kind, list, industries, &options).await?,
            )
        }
        // The bureau's lists come from many offices, each in its own shape: columns are
        // placed for the list at hand and not remembered for the next one.
        Uploader::Bureau {
            name, list_date, ..
        } => {
            let mut options = ImportOptions::new(ImportScope::Bureau, &file_name);
            options.mapping = placed_now.clone();
            let batch = NewBatch {
                kind,
                name: name.clone(),
                list_date: *list_date,
                file_name: file_name.clone(),
                uploaded_by: Some(actor.id),
            };
            list_batches::import_batch(db, batch, list, industries, &options).await?
        }
    };

    if report.refused.is_some() {
        let kept = match (kept, upload.keep_if_refused) {
            (_, false) => None,
            (Some(token), true) => Some(token),
            (None, true) => {
                let for_bureau = matches!(uploader, Uploader::Bureau { .. });
                let upload = column_mappings::NewPendingUpload {
                    user: actor.id,
                    kind,
                    file_name: &file_name,
                    contents: &bytes,
                    for_bureau,
                };
                Some(column_mappings::keep_upload(db, &upload).await?)
            }
        };
        return Ok(Uploaded {
            kind,
            file_name,
            batch: None,
            report,
            kept,
        });
    }
    if let Some(token) = kept {
        column_mappings::forget_upload(db, &token).await?;
    }
    // A batch's record is kept by the batch itself (see `list_batches::import_batch`).
    if let Uploader::Organisation { org, .. } = uploader {
        column_mappings::remember(db, org, kind, &used_mappings(&report, &placed_now)).await?;
        let detail = report.audit_detail(&file_name);
        audit::record(
            db,
            audit::Record {
                actor_user_id: Some(actor.id),
                action: &format!("{}.upload", kind.code()),
                entity: "organisation",
                entity_id: org,
                reason: None,
                detail: Some(&detail),
            },
        )
        .await?;
    }
    Ok(Uploaded {
        kind,
        file_name,
        batch,
        report,
        kept: None,
    })
}

/// A column the actor's organisation placed by hand, remembered for its next lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RememberedColumn {
    /// The header as compared (annotations kept, spaces and case folded).
    pub header: String,
    /// The field it is read as.
    pub field: &'static str,
}

/// The columns the actor's organisation placed by hand for its own lists, by header.
///
/// # Errors
/// `Forbidden` for someone who may not upload a list of their own; database errors.
pub async fn own_mappings(
    db: &DatabaseConnection,
    actor: &User,
) -> CoreResult<Vec<RememberedColumn>> {
    let (kind, org) = own_uploader(actor)?;
    let mut columns: Vec<RememberedColumn> = column_mappings::load(db, org, kind)
        .await?
        .into_iter()
        .map(|(header, field)| RememberedColumn { header, field })
        .collect();
    columns.sort_by(|a, b| a.header.cmp(&b.header));
    Ok(columns)
}

/// Forgets a column the actor's organisation placed by hand: its next list asks again.
///
/// # Errors
/// `Forbidden` as [`own_mappings`]; `NotFound` when no such column is remembered;
/// database errors.
pub async fn forget_own_mapping(
    db: &DatabaseConnection,
    actor: &User,
    header: &str,
) -> CoreResult<()> {
    let header = normalise(header);
    let (kind, org) = own_uploader(actor)?;
    if !column_mappings::forget(db, org, kind, &header).await? {
        return Err(CoreError::NotFound {
            what: t!("upload-mapping-what"),
            id: header,
        });
    }
    audit::record(
        db,
        audit::Record {
            actor_user_id: Some(actor.id),
            action: &format!("{}.mapping_forgotten", kind.code()),
            entity: "organisation",
            entity_id: org,
            reason: None,
            detail: Some(&header),
        },
    )
    .await?;
    Ok(())
}

/// Who `actor` uploads `target` as, if they may.
fn authorize(actor: &User, target: UploadTarget) -> CoreResult<Uploader> {
    match target {
        UploadTarget::Own => {
            let (kind, org) = own_uploader(actor)?;
            Ok(Uploader::Organisation { kind, org })
        }
        UploadTarget::Batch {
            kind,
            name,
            list_date,
        } => require_bureau(actor).map(|()| Uploader::Bureau {
            kind,
            name,
            list_date,
        }),
    }
}

/// The kind of list `actor` uploads for its organisation, and the organisation.
fn own_uploader(actor: &User) -> CoreResult<(PostingKind, i64)> {
    let kind = actor.posts().ok_or_else(|| {
        let role = actor.role.label();
        CoreError::Forbidden(t!("posting-error-no-own-postings", role = role))
    })?;
    // The same check as a single posting: an unconfirmed member imports nothing.
    let org = workflow::check_poster(actor, kind)?;
    Ok((kind, org))
}

/// Only bureau staff upload batches and see or export the lists they made.
///
/// # Errors
/// `Forbidden` for anyone else.
pub fn require_bureau(actor: &User) -> CoreResult<()> {
    if actor.role.is_bureau() {
        Ok(())
    } else {
        Err(CoreError::Forbidden(t!("batch-bureau-only")))
    }
}

/// The hand mappings a list used: only headers of this file are remembered, so a
/// request cannot plant mappings for columns it never had.
fn used_mappings(report: &ImportReport, placed_now: &ColumnMapping) -> ColumnMapping {
    let in_file: HashSet<String> = report
        .layout
        .columns
        .iter()
        .map(|c| normalise(&c.header))
        .collect();
    placed_now
        .iter()
        .filter(|(header, _)| in_file.contains(*header))
        .map(|(header, field)| (header.clone(), *field))
        .collect()
}
