//! Attachments (附件) of challenges and bids: PDF and Office files, checked by their
//! content, stored in the database under a random key (so that every web node serves
//! them) and served only to those who may see what they are attached to.
//!
//! The type of a file is decided here from its bytes (magic numbers, and for the
//! Office Open XML formats the zip's central directory, never extracted); the
//! extension must agree, and the stored content type is the detected one, never the
//! client's. The row and the content are written in one transaction: neither exists
//! without the other. Attachments uploaded before contents moved into the database are
//! read from the files they were stored in ([`Store`]).
//!
//! Who may see attachments follows what they belong to: those who may see the
//! challenge ([`challenges::may_see`]) or read the bid ([`bids::may_read`]); everyone
//! else is told the attachment does not exist. Who may add or remove them: for a
//! challenge the bureau, and the publisher while it is a draft or under review; for a
//! bid its bidder while the bid is editable.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, ModelTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
    TransactionTrait,
};
use sha2::{Digest, Sha256};

use crate::challenge::bid::BidStatus;
use crate::challenge::lifecycle::ChallengeStatus;
use crate::entities::{attachment, attachment_content, organisation};
use crate::services::challenges::{self, record_event};
use crate::services::{bids, users::User};
use crate::{CoreError, CoreResult, t};

/// The largest attachment accepted, in bytes.
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;

/// How many attachments one challenge or one bid may carry.
pub const MAX_ATTACHMENTS_PER_OWNER: u64 = 20;

/// How many bytes of attachments one organisation may hold, across its challenges and
/// bids, unless the operator configures otherwise: 25 full-size files.
pub const DEFAULT_ORG_QUOTA_BYTES: u64 = 500 * 1024 * 1024;

/// The most an Office Open XML package may expand to, all parts together.
const MAX_UNCOMPRESSED_BYTES: u64 = 100 * 1024 * 1024;

/// The highest compression ratio of any part of an Office Open XML package.
const MAX_COMPRESSION_RATIO: u64 = 100;

/// The longest display name kept, in characters, extension included.
const MAX_FILE_NAME_CHARS: usize = 120;

/// The longest extension kept as one; anything longer is part of the name.
const MAX_EXTENSION_CHARS: usize = 16;

const OLE2_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Characters no file name keeps: path separators and what Windows refuses.
const FORBIDDEN_IN_NAMES: &[char] = &['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

/// What an attachment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerKind {
    Challenge,
    Bid,
}

impl OwnerKind {
    pub fn code(self) -> &'static str {
        match self {
            OwnerKind::Challenge => "challenge",
            OwnerKind::Bid => "bid",
        }
    }

    /// # Errors
    /// A stored code that is not one is a broken invariant.
    pub fn from_code(code: &str) -> CoreResult<OwnerKind> {
        match code {
            "challenge" => Ok(OwnerKind::Challenge),
            "bid" => Ok(OwnerKind::Bid),
            other => Err(CoreError::Internal(format!(
                "unknown attachment owner kind {other}"
            ))),
        }
    }
}

/// The challenge or bid an attachment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub kind: OwnerKind,
    pub id: i64,
}

impl Owner {
    pub fn challenge(id: i64) -> Owner {
        Owner {
            kind: OwnerKind::Challenge,
            id,
        }
    }

    pub fn bid(id: i64) -> Owner {
        Owner {
            kind: OwnerKind::Bid,
            id,
        }
    }

    /// The owner of a stored attachment.
    ///
    /// # Errors
    /// As [`OwnerKind::from_code`].
    pub fn of(row: &attachment::Model) -> CoreResult<Owner> {
        Ok(Owner {
            kind: OwnerKind::from_code(&row.owner_kind)?,
            id: row.owner_id,
        })
    }
}

/// The file types accepted as attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Doc,
    Xls,
    Ppt,
    Docx,
    Xlsx,
    Pptx,
}

impl FileType {
    pub const ALL: [FileType; 7] = [
        FileType::Pdf,
        FileType::Doc,
        FileType::Xls,
        FileType::Ppt,
        FileType::Docx,
        FileType::Xlsx,
        FileType::Pptx,
    ];

    /// The extension, lower case, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Doc => "doc",
            FileType::Xls => "xls",
            FileType::Ppt => "ppt",
            FileType::Docx => "docx",
            FileType::Xlsx => "xlsx",
            FileType::Pptx => "pptx",
        }
    }

    /// The media type the file is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Doc => "application/msword",
            FileType::Xls => "application/vnd.ms-excel",
            FileType::Ppt => "application/vnd.ms-powerpoint",
            FileType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
        }
    }

    fn from_extension(extension: &str) -> Option<FileType> {
        let lower = extension.to_ascii_lowercase();
        FileType::ALL.into_iter().find(|t| t.extension() == lower)
    }

    /// Whether content of this kind may carry this extension.
    fn fits(self, content: Content) -> bool {
        match (self, content) {
            (FileType::Pdf, Content::Pdf) => true,
            (FileType::Doc | FileType::Xls | FileType::Ppt, Content::Compound) => true,
            (FileType::Docx, Content::OpenXml(parts)) => parts.word,
            (FileType::Xlsx, Content::OpenXml(parts)) => parts.excel,
            (FileType::Pptx, Content::OpenXml(parts)) => parts.slides,
            _ => false,
        }
    }
}

/// The main parts found in an Office Open XML package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct OpenXmlParts {
    word: bool,
    excel: bool,
    slides: bool,
}

/// What some bytes are, by their content alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Content {
    Pdf,
    /// An OLE2 compound file: a .doc, .xls or .ppt.
    Compound,
    /// An Office Open XML package (a zip with `[Content_Types].xml`).
    OpenXml(OpenXmlParts),
    /// A zip that would expand too far or too steeply: refused without reading it.
    Bomb,
    Unknown,
}

impl Content {
    /// Names the content for a person told that the extension does not fit.
    fn describe(self) -> String {
        match self {
            Content::Pdf => "PDF".to_owned(),
            Content::Compound => "DOC/XLS/PPT".to_owned(),
            Content::OpenXml(parts) => {
                let mut names = Vec::new();
                for (present, name) in [
                    (parts.word, "DOCX"),
                    (parts.excel, "XLSX"),
                    (parts.slides, "PPTX"),
                ] {
                    if present {
                        names.push(name);
                    }
                }
                names.join("/")
            }
            Content::Bomb | Content::Unknown => String::new(),
        }
    }
}

fn sniff(bytes: &[u8]) -> Content {
    if bytes.starts_with(b"%PDF-") {
        Content::Pdf
    } else if bytes.starts_with(&OLE2_MAGIC) {
        Content::Compound
    } else if bytes.starts_with(b"PK\x03\x04") {
        open_xml(bytes)
    } else {
        Content::Unknown
    }
}

/// Looks into a zip's central directory only: the sizes it declares and the names of
/// its parts. Nothing is decompressed.
fn open_xml(bytes: &[u8]) -> Content {
    let Ok(archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Content::Unknown;
    };
    let mut total: u64 = 0;
    let mut content_types = false;
    let mut parts = OpenXmlParts::default();
    for index in 0..archive.len() {
        let Ok(entry) = archive.by_index_data(index) else {
            return Content::Unknown;
        };
        let size = entry.size();
        total = total.saturating_add(size);
        let steep = size
            > entry
                .compressed_size()
                .saturating_mul(MAX_COMPRESSION_RATIO);
        if total > MAX_UNCOMPRESSED_BYTES || steep {
            return Content::Bomb;
        }
        let name = entry.name_raw();
        if name == b"[Content_Types].xml" {
            content_types = true;
        } else if name.starts_with(b"word/") {
            parts.word = true;
        } else if name.starts_with(b"xl/") {
            parts.excel = true;
        } else if name.starts_with(b"ppt/") {
            parts.slides = true;
        }
    }
    if content_types && (parts.word || parts.excel || parts.slides) {
        Content::OpenXml(parts)
    } else {
        Content::Unknown
    }
}

/// Characters that change how text is displayed without being seen (bidirectional
/// overrides, zero-width characters): they could disguise `exe.pdf` as `fdp.exe`.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}')
}

fn truncate_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// The display name of an uploaded file: its last path component without control,
/// invisible or reserved characters, trimmed, at most 120 characters with its
/// extension kept; a name left empty becomes `attachment.<ext>`.
pub fn sanitise_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_invisible_format(*c) && !FORBIDDEN_IN_NAMES.contains(c))
        .collect();
    let cleaned = cleaned.trim();
    let split = cleaned.rfind('.').and_then(|dot| {
        let extension = cleaned[dot + 1..].trim();
        let chars = extension.chars().count();
        (1..=MAX_EXTENSION_CHARS)
            .contains(&chars)
            .then(|| (cleaned[..dot].trim(), extension))
    });
    let empty = |stem: &str| stem.chars().all(|c| c == '.' || c.is_whitespace());
    match split {
        Some((stem, extension)) => {
            let budget = MAX_FILE_NAME_CHARS - 1 - extension.chars().count();
            let stem = truncate_chars(stem, budget).trim();
            let stem = if empty(stem) { "attachment" } else { stem };
            format!("{stem}.{extension}")
        }
        None => {
            let whole = truncate_chars(cleaned, MAX_FILE_NAME_CHARS).trim();
            if empty(whole) {
                "attachment".to_owned()
            } else {
                whole.to_owned()
            }
        }
    }
}

/// An upload that passed every check: what is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    /// The sanitised display name.
    pub file_name: String,
    pub file_type: FileType,
    pub size_bytes: usize,
    /// Hex SHA-256 of the content.
    pub sha256: String,
}

/// Checks an upload: its size, its type by content, and that its extension agrees.
///
/// # Errors
/// `Invalid` (field `file`) naming the file and what is allowed.
pub fn check_file(raw_name: &str, bytes: &[u8]) -> CoreResult<CheckedFile> {
    let file_name = sanitise_file_name(raw_name);
    let file = file_name.as_str();
    if bytes.is_empty() {
        return Err(CoreError::invalid(
            "file",
            t!("attachment-empty", file = file),
        ));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(too_large(file));
    }
    let claimed = file_name
        .rsplit_once('.')
        .and_then(|(_, extension)| FileType::from_extension(extension))
        .ok_or_else(|| CoreError::invalid("file", t!("attachment-type-refused", file = file)))?;
    let content = sniff(bytes);
    match content {
        Content::Unknown => {
            return Err(CoreError::invalid(
                "file",
                t!("attachment-content-refused", file = file),
            ));
        }
        Content::Bomb => {
            return Err(CoreError::invalid(
                "file",
                t!(
                    "attachment-archive-refused",
                    file = file,
                    max = MAX_UNCOMPRESSED_BYTES / (1024 * 1024),
                    ratio = MAX_COMPRESSION_RATIO
                ),
            ));
        }
        _ if !claimed.fits(content) => {
            return Err(CoreError::invalid(
                "file",
                t!(
                    "attachment-extension-mismatch",
                    file = file,
                    detected = content.describe()
                ),
            ));
        }
        _ => {}
    }
    Ok(CheckedFile {
        size_bytes: bytes.len(),
        sha256: format!("{:x}", Sha256::digest(bytes)),
        file_type: claimed,
        file_name,
    })
}

/// The refusal of a file over [`MAX_ATTACHMENT_BYTES`], also when the web server stops
/// reading it before it ends.
pub fn too_large(file_name: &str) -> CoreError {
    CoreError::invalid(
        "file",
        t!(
            "attachment-too-large",
            file = sanitise_file_name(file_name),
            max = MAX_ATTACHMENT_BYTES / (1024 * 1024)
        ),
    )
}

/// Where attachment files lived before their contents moved into the database:
/// `<data_dir>/attachments/<first two>/<key>`. Read (and removed) only for those.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    pub fn under(data_dir: &Path) -> Store {
        Store {
            root: data_dir.join("attachments"),
        }
    }

    /// The path of a stored file.
    ///
    /// # Errors
    /// `Internal` for a key that is not 32 lower-case hex digits: stored keys are
    /// generated here, so anything else is a broken invariant (or a tampered row) and
    /// never becomes a path.
    pub fn path(&self, key: &str) -> CoreResult<PathBuf> {
        let valid = key.len() == 32 && key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !valid {
            return Err(CoreError::Internal(format!(
                "malformed attachment storage key {key:?}"
            )));
        }
        Ok(self.root.join(&key[..2]).join(key))
    }

    /// Removes a stored file; a failure is logged, the file is then an orphan that
    /// no row points to.
    pub fn remove(&self, key: &str) {
        let removed = self
            .path(key)
            .and_then(|path| std::fs::remove_file(path).map_err(CoreError::from));
        if let Err(error) = removed {
            tracing::warn!(%error, key, "cannot remove an attachment file");
        }
    }

    /// Opens a stored file for reading, with its length.
    ///
    /// # Errors
    /// `Io` when the file is missing or unreadable.
    pub async fn open(&self, key: &str) -> CoreResult<(tokio::fs::File, u64)> {
        let file = tokio::fs::File::open(self.path(key)?).await?;
        let length = file.metadata().await?.len();
        Ok((file, length))
    }
}

fn not_found(id: i64) -> CoreError {
    CoreError::NotFound {
        what: t!("what-attachment"),
        id: id.to_string(),
    }
}

/// Whether `viewer` (`None`: the anonymous public) may see the attachments of `owner`.
///
/// # Errors
/// `NotFound` for an owner that does not exist; database errors.
pub async fn may_read(
    conn: &impl ConnectionTrait,
    viewer: Option<&User>,
    owner: Owner,
    now: DateTime<Utc>,
) -> CoreResult<bool> {
    match owner.kind {
        OwnerKind::Challenge => {
            let found = challenges::model(conn, owner.id).await?;
            Ok(challenges::may_see(viewer, &found))
        }
        OwnerKind::Bid => {
            let Some(viewer) = viewer else {
                return Ok(false);
            };
            let found = bids::model(conn, owner.id).await?;
            bids::may_read(conn, viewer, &found, now).await
        }
    }
}

/// Where a change to the attachments of an owner is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeline {
    pub challenge_id: i64,
    pub bid_id: Option<i64>,
}

/// Checks that `actor` may add or remove attachments of `owner` now.
///
/// # Errors
/// `NotFound` for an owner the actor may not see at all (as if it did not exist);
/// `Forbidden` for someone who sees it but is not its side; `Conflict` when the
/// challenge is published or the bid no longer editable.
pub async fn check_may_change(
    conn: &impl ConnectionTrait,
    actor: &User,
    owner: Owner,
    now: DateTime<Utc>,
) -> CoreResult<Timeline> {
    match owner.kind {
        OwnerKind::Challenge => {
            let found = challenges::model(conn, owner.id).await?;
            if !challenges::may_see(Some(actor), &found) {
                return Err(challenges_not_found(owner.id));
            }
            let timeline = Timeline {
                challenge_id: found.id,
                bid_id: None,
            };
            if actor.role.is_bureau() {
                return Ok(timeline);
            }
            if !challenges::is_publisher(actor, &found) {
                return Err(CoreError::Forbidden(t!("attachment-challenge-forbidden")));
            }
            let status = ChallengeStatus::from_code(&found.status)?;
            if !matches!(
                status,
                ChallengeStatus::Draft | ChallengeStatus::UnderReview
            ) {
                return Err(CoreError::Conflict(t!("attachment-challenge-locked")));
            }
            Ok(timeline)
        }
        OwnerKind::Bid => {
            let found = bids::model(conn, owner.id).await?;
            if !bids::may_read(conn, actor, &found, now).await? {
                return Err(bids_not_found(owner.id));
            }
            if !bids::is_bidder(actor, &found) {
                return Err(CoreError::Forbidden(t!("attachment-bid-forbidden")));
            }
            if !BidStatus::from_code(&found.status)?.is_editable() {
                return Err(CoreError::Conflict(t!("attachment-bid-locked")));
            }
            Ok(Timeline {
                challenge_id: found.challenge_id,
                bid_id: Some(found.id),
            })
        }
    }
}

fn challenges_not_found(id: i64) -> CoreError {
    CoreError::NotFound {
        what: t!("what-challenge"),
        id: id.to_string(),
    }
}

fn bids_not_found(id: i64) -> CoreError {
    CoreError::NotFound {
        what: t!("what-bid"),
        id: id.to_string(),
    }
}

/// The attachments of `owner`, oldest first, for a viewer who may see them.
///
/// # Errors
/// `NotFound` for an owner that does not exist or that the viewer may not see.
pub async fn list(
    conn: &impl ConnectionTrait,
    viewer: Option<&User>,
    owner: Owner,
    now: DateTime<Utc>,
) -> CoreResult<Vec<attachment::Model>> {
    if !may_read(conn, viewer, owner, now).await? {
        return Err(match owner.kind {
            OwnerKind::Challenge => challenges_not_found(owner.id),
            OwnerKind::Bid => bids_not_found(owner.id),
        });
    }
    Ok(attachment::Entity::find()
        .filter(attachment::Column::OwnerKind.eq(owner.kind.code()))
        .filter(attachment::Column::OwnerId.eq(owner.id))
        .order_by_asc(attachment::Column::Id)
        .all(conn)
        .await?)
}

/// An attachment row for a viewer who may download it.
///
/// # Errors
/// `NotFound` for an attachment that does not exist or that the viewer may not see.
pub async fn readable(
    conn: &impl ConnectionTrait,
    viewer: Option<&User>,
    id: i64,
    now: DateTime<Utc>,
) -> CoreResult<attachment::Model> {
    let row = attachment::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| not_found(id))?;
    match may_read(conn, viewer, Owner::of(&row)?, now).await {
        Ok(true) => Ok(row),
        Ok(false) | Err(CoreError::NotFound { .. }) => Err(not_found(id)),
        Err(other) => Err(other),
    }
}

async fn count(conn: &impl ConnectionTrait, owner: Owner) -> CoreResult<u64> {
    Ok(attachment::Entity::find()
        .filter(attachment::Column::OwnerKind.eq(owner.kind.code()))
        .filter(attachment::Column::OwnerId.eq(owner.id))
        .count(conn)
        .await?)
}

/// The organisation whose storage an attachment of `owner` uses: the challenge's
/// publisher, the bid's lead organisation.
async fn owner_org(conn: &impl ConnectionTrait, owner: Owner) -> CoreResult<i64> {
    Ok(match owner.kind {
        OwnerKind::Challenge => challenges::model(conn, owner.id).await?.publisher_org_id,
        OwnerKind::Bid => bids::model(conn, owner.id).await?.lead_org_id,
    })
}

/// The bytes of attachments organisation `org_id` holds, on its challenges and bids.
async fn org_usage(conn: &impl ConnectionTrait, org_id: i64) -> CoreResult<u64> {
    let backend = conn.get_database_backend();
    let sql = "SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM attachments \
         WHERE (owner_kind = 'challenge' \
         AND owner_id IN (SELECT id FROM challenges WHERE publisher_org_id = ?)) \
         OR (owner_kind = 'bid' AND owner_id IN (SELECT id FROM bids WHERE lead_org_id = ?))";
    let statement = Statement::from_sql_and_values(
        backend,
        crate::services::statistics::placeholders(backend, sql),
        [org_id.into(), org_id.into()],
    );
    let used: i64 = match conn.query_one_raw(statement).await? {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    };
    Ok(u64::try_from(used).unwrap_or(0))
}

/// Refuses a file that would take the organisation's attachments over `quota_bytes`.
/// The organisation's row is locked first (on PostgreSQL; SQLite has one writer), so
/// that two uploads at once cannot both squeeze under the quota.
async fn check_quota(
    txn: &DatabaseTransaction,
    owner: Owner,
    checked: &CheckedFile,
    quota_bytes: u64,
) -> CoreResult<()> {
    let org_id = owner_org(txn, owner).await?;
    let provisional = organisation::Entity::find_by_id(org_id)
        .lock_exclusive()
        .one(txn)
        .await?
        .is_some_and(|o| o.provisional);
    let quota_bytes = super::organisations::allowance(quota_bytes, provisional);
    let used = org_usage(txn, org_id).await?;
    let size = u64::try_from(checked.size_bytes).unwrap_or(u64::MAX);
    if used.saturating_add(size) <= quota_bytes {
        return Ok(());
    }
    let megabytes = |bytes: u64| {
        const MIB: u64 = 1024 * 1024;
        if bytes.is_multiple_of(MIB) {
            (bytes / MIB).to_string()
        } else {
            format!("{:.1}", bytes as f64 / MIB as f64)
        }
    };
    let (used_mb, size_mb) = (megabytes(used), megabytes(size));
    let (name, quota_mb) = (checked.file_name.as_str(), megabytes(quota_bytes));
    let reason = if provisional {
        t!(
            "attachment-quota-exceeded-provisional",
            used_mb = used_mb,
            name = name,
            size_mb = size_mb,
            quota_mb = quota_mb,
            times = super::organisations::PROVISIONAL_ALLOWANCE_DIVISOR
        )
    } else {
        t!(
            "attachment-quota-exceeded",
            used_mb = used_mb,
            name = name,
            size_mb = size_mb,
            quota_mb = quota_mb
        )
    };
    Err(CoreError::invalid("file", reason))
}

/// Adds an attachment to a challenge or a bid, in its own transaction: the checks, the
/// file, the row and the timeline entry succeed together or not at all. The owner's
/// organisation may hold at most `quota_bytes` of attachments in all.
///
/// # Errors
/// As [`check_may_change`]; `Invalid` for a file refused by [`check_file`], one too
/// many, or one over the organisation's quota; `Io` and database errors (the file is
/// then removed again).
pub async fn upload(
    db: &DatabaseConnection,
    actor: &User,
    owner: Owner,
    raw_name: &str,
    bytes: Vec<u8>,
    now: DateTime<Utc>,
    quota_bytes: u64,
) -> CoreResult<attachment::Model> {
    // Checking and hashing up to 20 MB is work for a blocking thread.
    let (checked, bytes) = {
        let raw_name = raw_name.to_owned();
        tokio::task::spawn_blocking(move || check_file(&raw_name, &bytes).map(|c| (c, bytes)))
            .await
            .map_err(|e| CoreError::Internal(format!("attachment check failed: {e}")))??
    };
    let txn = db.begin().await?;
    let timeline = check_may_change(&txn, actor, owner, now).await?;
    if count(&txn, owner).await? >= MAX_ATTACHMENTS_PER_OWNER {
        return Err(CoreError::invalid(
            "file",
            t!("attachment-too-many", max = MAX_ATTACHMENTS_PER_OWNER),
        ));
    }
    check_quota(&txn, owner, &checked, quota_bytes).await?;
    let key = format!("{:032x}", rand::rng().random::<u128>());
    attachment_content::ActiveModel {
        storage_key: Set(key.clone()),
        content: Set(bytes),
    }
    .insert(&txn)
    .await?;
    let saved = insert(&txn, actor, owner, timeline, &checked, &key, now).await?;
    txn.commit().await?;
    Ok(saved)
}

/// The bytes of an attachment the caller may read (see [`readable`]).
///
/// # Errors
/// `Io` when neither the database nor the old file store holds them; database errors.
pub async fn content(
    conn: &impl ConnectionTrait,
    legacy: &Store,
    row: &attachment::Model,
) -> CoreResult<Vec<u8>> {
    if let Some(found) = attachment_content::Entity::find_by_id(row.storage_key.clone())
        .one(conn)
        .await?
    {
        return Ok(found.content);
    }
    let path = legacy.path(&row.storage_key)?;
    Ok(tokio::fs::read(path).await?)
}

async fn insert(
    txn: &DatabaseTransaction,
    actor: &User,
    owner: Owner,
    timeline: Timeline,
    checked: &CheckedFile,
    key: &str,
    now: DateTime<Utc>,
) -> CoreResult<attachment::Model> {
    let saved = attachment::ActiveModel {
        owner_kind: Set(owner.kind.code().to_owned()),
        owner_id: Set(owner.id),
        file_name: Set(checked.file_name.clone()),
        content_type: Set(checked.file_type.content_type().to_owned()),
        size_bytes: Set(i64::try_from(checked.size_bytes).unwrap_or(i64::MAX)),
        sha256: Set(checked.sha256.clone()),
        storage_key: Set(key.to_owned()),
        uploaded_by: Set(actor.id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    record_event(
        txn,
        timeline.challenge_id,
        timeline.bid_id,
        Some(actor),
        "attachment.upload",
        Some(&checked.file_name),
        now,
    )
    .await?;
    Ok(saved)
}

/// Removes an attachment, by the side that may add them and under the same
/// conditions; the file goes once the row is gone for good.
///
/// # Errors
/// `NotFound` for an attachment the actor may not see; otherwise as
/// [`check_may_change`].
pub async fn delete(
    db: &DatabaseConnection,
    legacy: &Store,
    actor: &User,
    id: i64,
    now: DateTime<Utc>,
) -> CoreResult<attachment::Model> {
    let txn = db.begin().await?;
    let row = readable(&txn, Some(actor), id, now).await?;
    let timeline = check_may_change(&txn, actor, Owner::of(&row)?, now).await?;
    row.clone().delete(&txn).await?;
    attachment_content::Entity::delete_by_id(row.storage_key.clone())
        .exec(&txn)
        .await?;
    record_event(
        &txn,
        timeline.challenge_id,
        timeline.bid_id,
        Some(actor),
        "attachment.delete",
        Some(&row.file_name),
        now,
    )
    .await?;
    txn.commit().await?;
    // An attachment from before contents moved into the database leaves its file.
    if legacy.path(&row.storage_key).is_ok_and(|p| p.exists()) {
        legacy.remove(&row.storage_key);
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;

    use super::*;

    const MINIMAL_PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

    fn ole_header() -> Vec<u8> {
        let mut bytes = OLE2_MAGIC.to_vec();
        bytes.resize(512, 0);
        bytes
    }

    fn package(parts: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(method);
        for (name, content) in parts {
            writer
                .start_file(*name, options)
                .unwrap_or_else(|e| panic!("{e}"));
            writer.write_all(content).unwrap_or_else(|e| panic!("{e}"));
        }
        writer
            .finish()
            .unwrap_or_else(|e| panic!("{e}"))
            .into_inner()
    }

    fn docx() -> Vec<u8> {
        package(
            &[
                (
                    "[Content_Types].xml",
                    br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
                ),
                (
                    "_rels/.rels",
                    br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
                ),
                (
                    "word/document.xml",
                    r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>技术方案</w:t></w:r></w:p></w:body></w:document>"#.as_bytes(),
                ),
            ],
            zip::CompressionMethod::Deflated,
        )
    }

    fn reason(result: CoreResult<CheckedFile>) -> String {
        match result {
            Err(CoreError::Invalid {
                field: "file",
                reason,
            }) => reason,
            other => panic!("expected a refusal of the file, got {other:?}"),
        }
    }

    #[test]
    fn names_keep_their_last_component_and_extension() {
        assert_eq!(sanitise_file_name("../../etc/passwd"), "passwd");
        assert_eq!(
            sanitise_file_name(r"C:\Users\张三\技术方案.PDF"),
            "技术方案.PDF"
        );
        assert_eq!(
            sanitise_file_name("  报告 (终稿).docx  "),
            "报告 (终稿).docx"
        );
        assert_eq!(
            sanitise_file_name("a\u{0}b\u{7}c<d>e:f*g?h\"i|j.pdf"),
            "abcdefghij.pdf"
        );
        assert_eq!(sanitise_file_name("合同\u{202E}fdp.exe"), "合同fdp.exe");
        assert_eq!(sanitise_file_name("<>.pdf"), "attachment.pdf");
        assert_eq!(sanitise_file_name(".pdf"), "attachment.pdf");
        assert_eq!(sanitise_file_name("  ...  "), "attachment");
        assert_eq!(sanitise_file_name(""), "attachment");
        assert_eq!(sanitise_file_name("dir/"), "attachment");
    }

    #[test]
    fn long_names_are_cut_before_the_extension() {
        let long = format!("{}.xlsx", "测".repeat(300));
        let kept = sanitise_file_name(&long);
        assert_eq!(kept.chars().count(), MAX_FILE_NAME_CHARS);
        assert!(kept.ends_with("测.xlsx"), "{kept}");
        let no_extension = "x".repeat(500);
        assert_eq!(sanitise_file_name(&no_extension).len(), MAX_FILE_NAME_CHARS);
    }

    #[test]
    fn a_real_pdf_is_accepted_with_its_type_and_hash() {
        let checked = check_file("方案.pdf", MINIMAL_PDF).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(checked.file_type, FileType::Pdf);
        assert_eq!(checked.file_name, "方案.pdf");
        assert_eq!(checked.size_bytes, MINIMAL_PDF.len());
        assert_eq!(checked.sha256.len(), 64);
        assert_eq!(checked.file_type.content_type(), "application/pdf");
    }

    #[test]
    fn an_ole_compound_file_is_a_doc_xls_or_ppt() {
        for (name, file_type) in [
            ("a.doc", FileType::Doc),
            ("a.xls", FileType::Xls),
            ("a.PPT", FileType::Ppt),
        ] {
            let checked = check_file(name, &ole_header()).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(checked.file_type, file_type);
        }
        let refused = reason(check_file("a.docx", &ole_header()));
        assert!(
            refused.contains("a.docx") && refused.contains("DOC/XLS/PPT"),
            "{refused}"
        );
    }

    #[test]
    fn a_real_docx_is_accepted_and_only_as_docx() {
        let bytes = docx();
        let checked = check_file("技术方案.docx", &bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(checked.file_type, FileType::Docx);
        assert_eq!(
            checked.file_type.content_type(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        for wrong in ["技术方案.xlsx", "技术方案.pdf", "技术方案.doc"] {
            let refused = reason(check_file(wrong, &bytes));
            assert!(refused.contains(wrong), "{refused}");
        }
    }

    #[test]
    fn a_workbook_written_by_rust_xlsxwriter_is_an_xlsx() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        workbook
            .add_worksheet()
            .write_string(0, 0, "预算")
            .unwrap_or_else(|e| panic!("{e}"));
        let bytes = workbook.save_to_buffer().unwrap_or_else(|e| panic!("{e}"));
        let checked = check_file("预算.xlsx", &bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(checked.file_type, FileType::Xlsx);
    }

    #[test]
    fn a_plain_zip_renamed_docx_is_refused() {
        let bytes = package(
            &[("word/document.xml", b"<w:document/>")],
            zip::CompressionMethod::Stored,
        );
        let refused = reason(check_file("plain.docx", &bytes));
        assert!(refused.contains("plain.docx"), "{refused}");
    }

    #[test]
    fn a_steeply_compressed_part_is_refused_unread() {
        let zeros = vec![0u8; 1024 * 1024];
        let bytes = package(
            &[
                ("[Content_Types].xml", b"<Types/>"),
                ("word/document.xml", &zeros),
            ],
            zip::CompressionMethod::Deflated,
        );
        assert!(bytes.len() < 20 * 1024, "deflated zeros are small");
        let refused = reason(check_file("bomb.docx", &bytes));
        assert!(
            refused.contains("bomb.docx") && refused.contains("100"),
            "{refused}"
        );
    }

    #[test]
    fn a_huge_declared_size_is_refused() {
        let mut bytes = package(
            &[
                ("[Content_Types].xml", b"<Types/>"),
                ("xl/workbook.xml", b"<workbook/>"),
            ],
            zip::CompressionMethod::Stored,
        );
        // Declare 2 GB uncompressed for the last part in the central directory.
        let central = bytes
            .windows(4)
            .rposition(|w| w == b"PK\x01\x02")
            .unwrap_or_else(|| panic!("a central directory"));
        bytes[central + 24..central + 28].copy_from_slice(&0x7FFF_0000u32.to_le_bytes());
        let refused = reason(check_file("huge.xlsx", &bytes));
        assert!(
            refused.contains("huge.xlsx") && refused.contains("100"),
            "{refused}"
        );
    }

    #[test]
    fn an_executable_renamed_pdf_is_refused() {
        let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
        exe.extend_from_slice(b"This program cannot be run in DOS mode.");
        let refused = reason(check_file("setup.pdf", &exe));
        assert!(
            refused.contains("setup.pdf") && refused.contains("PDF"),
            "{refused}"
        );
    }

    #[test]
    fn extension_and_content_must_agree() {
        let refused = reason(check_file("scan.docx", MINIMAL_PDF));
        assert!(
            refused.contains("scan.docx") && refused.contains("PDF"),
            "{refused}"
        );
        let refused = reason(check_file("notes.txt", MINIMAL_PDF));
        assert!(refused.contains("notes.txt"), "{refused}");
        let refused = reason(check_file("no-extension", MINIMAL_PDF));
        assert!(refused.contains("no-extension"), "{refused}");
    }

    #[test]
    fn empty_and_oversized_files_are_refused() {
        let refused = reason(check_file("empty.pdf", b""));
        assert!(refused.contains("empty.pdf"), "{refused}");
        let mut big = MINIMAL_PDF.to_vec();
        big.resize(MAX_ATTACHMENT_BYTES + 1, b' ');
        let refused = reason(check_file("big.pdf", &big));
        assert!(
            refused.contains("big.pdf") && refused.contains("20"),
            "{refused}"
        );
    }

    #[test]
    fn storage_keys_never_become_other_paths() {
        let store = Store::under(Path::new("/data"));
        let key = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            store.path(key).ok(),
            Some(PathBuf::from("/data/attachments/01").join(key))
        );
        for bad in [
            "../../etc/passwd",
            "0123456789ABCDEF0123456789ABCDEF",
            "",
            "ab",
        ] {
            assert!(store.path(bad).is_err(), "{bad}");
        }
    }
}
