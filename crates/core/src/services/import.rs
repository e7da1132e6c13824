//! Importing lists: every row is validated first, good rows are written in batches,
//! each batch in one transaction, and a batch that fails is retried row by row so that
//! one bad row never stops the others and no row is ever half-written.

use std::collections::{HashMap, HashSet, VecDeque};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, Statement, TransactionTrait,
};
use serde::{Deserialize, Serialize};

use crate::domain::IndustryCatalogue;
use crate::entities::batch_posting;
use crate::lists::RowProblem;
use crate::lists::columns::{self, ACHIEVEMENT_COLUMNS, Column, ColumnMapping, NEED_COLUMNS};
use crate::lists::layout::{Layout, Placements, tabulate};
use crate::lists::read::{RawList, RawRow};
use crate::lists::rows::{achievement_from_row, need_from_row};
use crate::posting::duplicates::{Fingerprint, title_key_of};
use crate::posting::{AchievementInput, NeedInput, OrgRef, PostingKind, Status, ids};
use crate::services::postings::{self, Placement, UpsertOutcome};
use crate::services::statistics::placeholders;
use crate::services::{changes, organisations};
use crate::{CoreError, CoreResult, t};

/// Rows written per transaction: large enough to amortise the commit, small enough that
/// a killed import loses little work and readers are not starved.
const BATCH_ROWS: usize = 500;

/// What an import did, row by row.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImportReport {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Every rejected row with the reason; those rows changed nothing.
    pub problems: Vec<RowProblem>,
    /// Headers that name no known column (their cells were ignored).
    pub ignored_columns: Vec<String>,
    /// Why nothing was imported at all (a column without which no row could be
    /// matched is missing), said before anything was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    /// Where the table was found: header, title and notes rows of each sheet, the
    /// sheets skipped, and what became of each column.
    pub layout: Layout,
    /// New rows held for the bureau because they repeat a posting their organisation
    /// has (in the platform or earlier in the same file).
    #[serde(default)]
    pub repeated: Vec<RepeatedRow>,
}

impl ImportReport {
    /// What the audit log says of an import of `file_name`.
    pub fn audit_detail(&self, file_name: &str) -> String {
        t!(
            "upload-audit-detail",
            file = file_name,
            rows = self.rows,
            created = self.created,
            rejected = self.problems.len()
        )
    }

    fn count<T: Importable>(&mut self, pending: &Pending<T>, written: Written) {
        let outcome = written.outcome;
        if let Some((repeats, repeats_title)) = written.repeats {
            self.repeated.push(RepeatedRow {
                sheet: pending.sheet.clone(),
                row: pending.row,
                title: pending.input.title().to_owned(),
                repeats,
                repeats_title,
            });
        }
        match outcome {
            UpsertOutcome::Created(_) => self.created += 1,
            UpsertOutcome::Updated(_) => self.updated += 1,
            UpsertOutcome::Unchanged(_) => self.unchanged += 1,
        }
    }
}

/// On whose behalf a list is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportScope {
    /// The bureau (command line): rows name their organisations and are published at once;
    /// a row whose id the bureau's lists had before updates that posting in place (a row
    /// may also name a posting by its public id, as the bureau's export shows postings
    /// that came from no list).
    Bureau,
    /// An organisation's user uploading its own list: every row belongs to that
    /// organisation and goes to the moderation queue. Ids are the organisation's own, so
    /// they are kept apart from every other list's; a row whose id exists already is
    /// reported (edit it on its page), because an upload must not bypass moderation.
    Organisation(i64),
}

impl ImportScope {
    fn status_on_create(self) -> Status {
        match self {
            ImportScope::Bureau => Status::Published,
            ImportScope::Organisation(_) => Status::PendingReview,
        }
    }

    /// The private key a row's own id is kept under (see [`crate::posting::ids`]): the
    /// public id of a posting is random whoever imports it, so that it says nothing
    /// about the list's order or who uploaded it.
    fn source_key(self, row_id: &str) -> String {
        match self {
            ImportScope::Bureau => ids::bureau_source_key(row_id),
            ImportScope::Organisation(org) => ids::organisation_source_key(org, row_id),
        }
    }
}

/// A posting of an organisation, as a new row of the same organisation is compared with it.
struct Known {
    id: i64,
    public_id: String,
    title: String,
}

/// The postings of one organisation a list's rows are compared with, read once an import.
#[derive(Default)]
struct KnownOrg {
    /// By title key: a repeated title is found among all of them at once.
    by_title: HashMap<String, usize>,
    list: Vec<Known>,
    /// The latest postings' places in `list` and fingerprints, oldest first.
    recent: VecDeque<(usize, Fingerprint)>,
}

/// How many of an organisation's latest postings a row is compared with in full: a
/// repeated title is found among all of them, a nearly alike one among these, so that
/// an organisation with thousands of postings costs no more per row than one with few.
const REPEAT_WINDOW: usize = 50;

impl KnownOrg {
    /// Reads an organisation's postings: every title, and the texts of the latest.
    async fn read<T: Importable>(
        conn: &impl sea_orm::ConnectionTrait,
        org: i64,
    ) -> CoreResult<KnownOrg> {
        let backend = conn.get_database_backend();
        let (table, text) = (T::KIND.table(), T::TEXT_COLUMN);
        let titles = placeholders(
            backend,
            &format!("SELECT id, external_id, title FROM {table} WHERE org_id = ? ORDER BY id"),
        );
        let latest = placeholders(
            backend,
            &format!(
                "SELECT id, {text} FROM {table} WHERE org_id = ? ORDER BY id DESC \
                 LIMIT {REPEAT_WINDOW}"
            ),
        );
        let mut texts: HashMap<i64, String> = HashMap::new();
        for row in conn
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                latest,
                [org.into()],
            ))
            .await?
        {
            texts.insert(row.try_get_by_index(0)?, row.try_get_by_index(1)?);
        }
        let mut known = KnownOrg::default();
        for row in conn
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                titles,
                [org.into()],
            ))
            .await?
        {
            let posting = Known {
                id: row.try_get_by_index(0)?,
                public_id: row.try_get_by_index(1)?,
                title: row.try_get_by_index(2)?,
            };
            match texts.remove(&posting.id) {
                Some(text) => {
                    let fingerprint = Fingerprint::of(&posting.title, &text);
                    known.push(posting, fingerprint);
                }
                None => known.push_title(posting),
            }
        }
        Ok(known)
    }

    /// Adds an older posting, found by its title alone.
    fn push_title(&mut self, posting: Known) {
        self.by_title
            .entry(title_key_of(&posting.title))
            .or_insert(self.list.len());
        self.list.push(posting);
    }

    /// Adds the organisation's latest posting; what it changed is returned so that a
    /// rolled-back transaction can take it back.
    fn push(&mut self, posting: Known, fingerprint: Fingerprint) -> Added {
        let title_key = match self.by_title.entry(fingerprint.title_key().to_owned()) {
            std::collections::hash_map::Entry::Vacant(entry) => {
                let key = entry.key().clone();
                entry.insert(self.list.len());
                Some(key)
            }
            std::collections::hash_map::Entry::Occupied(_) => None,
        };
        self.recent.push_back((self.list.len(), fingerprint));
        let dropped = if self.recent.len() > REPEAT_WINDOW {
            self.recent.pop_front()
        } else {
            None
        };
        self.list.push(posting);
        Added { title_key, dropped }
    }

    /// Takes back the latest [`KnownOrg::push`].
    fn undo(&mut self, added: Added) {
        self.list.pop();
        self.recent.pop_back();
        if let Some(dropped) = added.dropped {
            self.recent.push_front(dropped);
        }
        if let Some(key) = added.title_key {
            self.by_title.remove(&key);
        }
    }

    fn repeated_by(&self, fingerprint: &Fingerprint) -> Option<&Known> {
        if let Some(index) = self.by_title.get(fingerprint.title_key())
            && !fingerprint.title_key().is_empty()
        {
            return self.list.get(*index);
        }
        self.recent
            .iter()
            .rev()
            .find(|(_, known)| known.repeats(fingerprint))
            .and_then(|(index, _)| self.list.get(*index))
    }
}

/// What adding a posting to a [`KnownOrg`] changed.
struct Added {
    /// The title key it was the first posting under.
    title_key: Option<String>,
    /// The posting it pushed out of the window.
    dropped: Option<(usize, Fingerprint)>,
}

/// Each organisation's postings as far as this import has read them, and what the
/// transaction under way added to them. A rolled-back transaction takes back only its
/// own additions: clearing everything would make each failed row read all of its
/// organisation's titles again.
#[derive(Default)]
struct KnownPostings {
    orgs: HashMap<i64, KnownOrg>,
    uncommitted: Vec<(i64, Added)>,
    /// Whether the transaction under way has written a row yet.
    wrote: bool,
    /// Organisations first read after that: the read saw rows the rollback undoes.
    read_after_writing: Vec<i64>,
}

impl KnownPostings {
    fn committed(&mut self) {
        self.uncommitted.clear();
        self.read_after_writing.clear();
        self.wrote = false;
    }

    fn rolled_back(&mut self) {
        while let Some((org, added)) = self.uncommitted.pop() {
            if let Some(known) = self.orgs.get_mut(&org) {
                known.undo(added);
            }
        }
        for org in self.read_after_writing.drain(..) {
            self.orgs.remove(&org);
        }
        self.wrote = false;
    }
}

/// A row held for the bureau because it repeats a posting its organisation has.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepeatedRow {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub row: usize,
    pub title: String,
    /// The public id and title of the posting it repeats.
    pub repeats: String,
    pub repeats_title: String,
}

/// What writing one row came to, and what it repeats if anything.
struct Written {
    outcome: UpsertOutcome,
    repeats: Option<(String, String)>,
}

/// A validated row waiting to be written, with its place for the report.
struct Pending<T> {
    sheet: Option<String>,
    row: usize,
    input: T,
    /// Whether the file names columns by English field name, for the report.
    field_names: bool,
    /// The row's own id, as the list gives it (or derives it).
    list_id: String,
    /// The private key of that id (see [`ImportScope::source_key`]).
    source_key: String,
}

/// What the import loop needs to know of a kind of posting.
trait Importable: Sized + Clone {
    const KIND: PostingKind;
    /// The column of the text a repeat is recognised by, beside the title.
    const TEXT_COLUMN: &str;
    type Stored;
    fn organisation(&self) -> Option<&OrgRef>;
    fn external_id(&self) -> &str;
    fn set_external_id(&mut self, id: String);
    fn stored_external_id(stored: &Self::Stored) -> &str;
    fn stored_source_key(stored: &Self::Stored) -> Option<&str>;
    fn stored_org_id(stored: &Self::Stored) -> Option<i64>;
    /// Whether writing `self` over `stored` would make a need confidential or public.
    fn flips_confidential(&self, stored: &Self::Stored) -> bool;
    /// The title and text a repeat is recognised by.
    fn fingerprint(&self) -> Fingerprint;
    fn title(&self) -> &str;
    async fn find_by_external_ids(
        conn: &impl sea_orm::ConnectionTrait,
        ids: &[String],
    ) -> CoreResult<Vec<Self::Stored>>;
    async fn find_by_source_keys(
        conn: &impl sea_orm::ConnectionTrait,
        keys: &[String],
    ) -> CoreResult<Vec<Self::Stored>>;
    async fn write(
        conn: &impl sea_orm::ConnectionTrait,
        input: &Self,
        existing: Option<Self::Stored>,
        placement: &Placement<'_>,
    ) -> CoreResult<UpsertOutcome>;
}

impl Importable for NeedInput {
    const KIND: PostingKind = PostingKind::Need;
    const TEXT_COLUMN: &str = "description";
    type Stored = crate::entities::need::Model;

    fn external_id(&self) -> &str {
        &self.external_id
    }

    fn set_external_id(&mut self, id: String) {
        self.external_id = id;
    }

    fn stored_external_id(stored: &Self::Stored) -> &str {
        &stored.external_id
    }

    fn stored_source_key(stored: &Self::Stored) -> Option<&str> {
        stored.source_key.as_deref()
    }

    fn stored_org_id(stored: &Self::Stored) -> Option<i64> {
        stored.org_id
    }

    fn flips_confidential(&self, stored: &Self::Stored) -> bool {
        self.confidential != stored.confidential
    }

    fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.title, &self.description)
    }

    fn title(&self) -> &str {
        &self.title
    }

    fn organisation(&self) -> Option<&OrgRef> {
        self.organisation.as_ref()
    }

    async fn find_by_external_ids(
        conn: &impl sea_orm::ConnectionTrait,
        ids: &[String],
    ) -> CoreResult<Vec<Self::Stored>> {
        postings::needs_by_external_ids(conn, ids).await
    }

    async fn find_by_source_keys(
        conn: &impl sea_orm::ConnectionTrait,
        keys: &[String],
    ) -> CoreResult<Vec<Self::Stored>> {
        postings::needs_by_source_keys(conn, keys).await
    }

    async fn write(
        conn: &impl sea_orm::ConnectionTrait,
        input: &Self,
        existing: Option<Self::Stored>,
        placement: &Placement<'_>,
    ) -> CoreResult<UpsertOutcome> {
        postings::write_need(conn, input, existing, placement).await
    }
}

impl Importable for AchievementInput {
    const KIND: PostingKind = PostingKind::Achievement;
    const TEXT_COLUMN: &str = "summary";
    type Stored = crate::entities::achievement::Model;

    fn external_id(&self) -> &str {
        &self.external_id
    }

    fn set_external_id(&mut self, id: String) {
        self.external_id = id;
    }

    fn stored_external_id(stored: &Self::Stored) -> &str {
        &stored.external_id
    }

    fn stored_source_key(stored: &Self::Stored) -> Option<&str> {
        stored.source_key.as_deref()
    }

    fn stored_org_id(stored: &Self::Stored) -> Option<i64> {
        stored.org_id
    }

    fn flips_confidential(&self, _stored: &Self::Stored) -> bool {
        false
    }

    fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.title, &self.summary)
    }

    fn title(&self) -> &str {
        &self.title
    }

    fn organisation(&self) -> Option<&OrgRef> {
        self.organisation.as_ref()
    }

    async fn find_by_external_ids(
        conn: &impl sea_orm::ConnectionTrait,
        ids: &[String],
    ) -> CoreResult<Vec<Self::Stored>> {
        postings::achievements_by_external_ids(conn, ids).await
    }

    async fn find_by_source_keys(
        conn: &impl sea_orm::ConnectionTrait,
        keys: &[String],
    ) -> CoreResult<Vec<Self::Stored>> {
        postings::achievements_by_source_keys(conn, keys).await
    }

    async fn write(
        conn: &impl sea_orm::ConnectionTrait,
        input: &Self,
        existing: Option<Self::Stored>,
        placement: &Placement<'_>,
    ) -> CoreResult<UpsertOutcome> {
        postings::write_achievement(conn, input, existing, placement).await
    }
}

/// The postings a batch's rows name: by their rows' source keys, and for the bureau,
/// failing that, by public id.
async fn existing_of<T: Importable>(
    conn: &impl sea_orm::ConnectionTrait,
    batch: &[Pending<T>],
    scope: ImportScope,
) -> CoreResult<(HashMap<String, T::Stored>, HashMap<String, T::Stored>)> {
    let keys: Vec<String> = batch.iter().map(|p| p.source_key.clone()).collect();
    let by_key: HashMap<String, T::Stored> = T::find_by_source_keys(conn, &keys)
        .await?
        .into_iter()
        .filter_map(|m| T::stored_source_key(&m).map(str::to_owned).map(|k| (k, m)))
        .collect();
    if scope != ImportScope::Bureau {
        return Ok((by_key, HashMap::new()));
    }
    let unmatched: Vec<String> = batch
        .iter()
        .filter(|p| !by_key.contains_key(&p.source_key))
        .map(|p| p.list_id.clone())
        .collect();
    let by_public_id = if unmatched.is_empty() {
        HashMap::new()
    } else {
        T::find_by_external_ids(conn, &unmatched)
            .await?
            .into_iter()
            .map(|m| (T::stored_external_id(&m).to_owned(), m))
            .collect()
    };
    Ok((by_key, by_public_id))
}

/// Writes a batch: one query for the rows that exist already, each organisation resolved
/// once however many rows name it, one write per row and one append to the change log.
async fn write_batch<T: Importable>(
    conn: &impl sea_orm::ConnectionTrait,
    batch: &[Pending<T>],
    scope: ImportScope,
    at: DateTime<Utc>,
    known: &mut KnownPostings,
) -> CoreResult<Vec<Written>> {
    let (mut by_key, mut by_public_id) = existing_of(conn, batch, scope).await?;
    let mut batch_orgs = if scope == ImportScope::Bureau {
        let own: Vec<i64> = by_key
            .values()
            .chain(by_public_id.values())
            .filter_map(T::stored_org_id)
            .collect();
        let named: Vec<&OrgRef> = batch
            .iter()
            .filter_map(|p| p.input.organisation())
            .collect();
        organisations::for_batch(conn, &own, &named).await?
    } else {
        organisations::BatchOrgs::default()
    };
    let mut org_ids: HashMap<&OrgRef, Option<i64>> = HashMap::new();
    let mut outcomes = Vec::with_capacity(batch.len());
    for p in batch {
        let (current, by_its_public_id) = match scope {
            // An upload must not bypass moderation: an existing posting is edited on
            // its page.
            ImportScope::Organisation(_) if by_key.contains_key(&p.source_key) => {
                return Err(CoreError::invalid("id", t!("import-upload-exists")));
            }
            ImportScope::Organisation(_) => (None, false),
            ImportScope::Bureau => match by_key.remove(&p.source_key) {
                Some(current) => (Some(current), false),
                None => {
                    let current = by_public_id.remove(&p.list_id);
                    let found = current.is_some();
                    (current, found)
                }
            },
        };
        // A row naming the posting's own organisation as it is, and no other, keeps the
        // posting there: the export of a provisional organisation's posting re-imports
        // in place (imports never give rows to a provisional organisation, but neither
        // do they take its own away).
        let stays = match (&current, p.input.organisation()) {
            (Some(current), Some(org)) if scope == ImportScope::Bureau => {
                match T::stored_org_id(current) {
                    Some(id) => batch_orgs.keeps(id, org)?,
                    None => None,
                }
            }
            _ => None,
        };
        let org_id = match (scope, p.input.organisation()) {
            _ if stays.is_some() => stays,
            (ImportScope::Organisation(org), _) => Some(org),
            (ImportScope::Bureau, None) => None,
            (ImportScope::Bureau, Some(org)) => match org_ids.get(org) {
                Some(id) => *id,
                None => {
                    let id = postings::org_id_of(conn, Some(org)).await?;
                    if let Some(id) = id {
                        batch_orgs.note_resolved(conn, id).await?;
                    }
                    org_ids.insert(org, id);
                    id
                }
            },
        };
        // A public id is easily copied into the wrong row: naming a posting by it
        // must not move the posting to another organisation, nor make a need public
        // or confidential, without the bureau hearing of it.
        if by_its_public_id && let Some(current) = &current {
            if T::stored_org_id(current) != org_id {
                return Err(CoreError::invalid(
                    "org_name",
                    t!("import-public-id-other-org"),
                ));
            }
            if p.input.flips_confidential(current) {
                return Err(CoreError::invalid(
                    "confidential",
                    t!("import-public-id-confidential"),
                ));
            }
        }
        // A new posting repeating one its organisation has waits for the bureau.
        let fingerprint = match (&current, org_id) {
            (None, Some(org)) => {
                if let std::collections::hash_map::Entry::Vacant(entry) = known.orgs.entry(org) {
                    entry.insert(KnownOrg::read::<T>(conn, org).await?);
                    if known.wrote {
                        known.read_after_writing.push(org);
                    }
                }
                Some(p.input.fingerprint())
            }
            _ => None,
        };
        let repeats = match (org_id, &fingerprint) {
            (Some(org), Some(fingerprint)) => known
                .orgs
                .get(&org)
                .and_then(|known| known.repeated_by(fingerprint))
                .map(|k| (k.id, k.public_id.clone(), k.title.clone())),
            _ => None,
        };
        let placement = Placement {
            status_on_create: match repeats {
                Some(_) => Status::PendingReview,
                None => scope.status_on_create(),
            },
            org_id,
            at,
            source_key: Some(&p.source_key),
            duplicate_of: repeats.as_ref().map(|(id, _, _)| *id),
        };
        let outcome = match current {
            // A posting keeps its public id: links to it must keep working.
            Some(current) => {
                let mut input = p.input.clone();
                input.set_external_id(T::stored_external_id(&current).to_owned());
                T::write(conn, &input, Some(current), &placement).await?
            }
            None => T::write(conn, &p.input, None, &placement).await?,
        };
        known.wrote = true;
        if let (UpsertOutcome::Created(id), Some(org), Some(fingerprint)) =
            (outcome, org_id, fingerprint)
            && let Some(list) = known.orgs.get_mut(&org)
        {
            let posting = Known {
                id,
                public_id: p.input.external_id().to_owned(),
                title: p.input.title().to_owned(),
            };
            let added = list.push(posting, fingerprint);
            known.uncommitted.push((org, added));
        }
        outcomes.push(Written {
            outcome,
            repeats: repeats.map(|(_, public_id, title)| (public_id, title)),
        });
    }
    let changed: Vec<i64> = outcomes
        .iter()
        .filter_map(|w| w.outcome.changed_id())
        .collect();
    changes::record_many(conn, T::KIND, &changed).await?;
    Ok(outcomes)
}

/// How a list is imported.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub scope: ImportScope,
    /// Headers placed by hand, before the importer's own reading of them.
    pub mapping: ColumnMapping,
    /// The file's name, for messages.
    pub file_name: String,
}

impl ImportOptions {
    pub fn new(scope: ImportScope, file_name: &str) -> ImportOptions {
        ImportOptions {
            scope,
            mapping: ColumnMapping::new(),
            file_name: file_name.to_owned(),
        }
    }
}

/// The columns of a kind of list, and the one without which its rows cannot be matched.
pub fn columns_of(kind: PostingKind) -> (&'static [Column], &'static str) {
    match kind {
        PostingKind::Need => (NEED_COLUMNS, "description"),
        PostingKind::Achievement => (ACHIEVEMENT_COLUMNS, "abstract"),
    }
}

/// Imports a need list. Rows imported this way are on the bureau's behalf and so are
/// published at once.
///
/// # Errors
/// `ListFile` when no table is found in the file; failures of the database as a whole.
/// Bad rows land in the report.
pub async fn import_needs(
    db: &DatabaseConnection,
    list: RawList,
    industries: &IndustryCatalogue,
) -> CoreResult<ImportReport> {
    import_needs_as(db, list, industries, ImportScope::Bureau).await
}

/// Imports a list of needs on behalf of `scope` (see [`ImportScope`]).
///
/// # Errors
/// As [`import_list`].
pub async fn import_needs_as(
    db: &DatabaseConnection,
    list: RawList,
    industries: &IndustryCatalogue,
    scope: ImportScope,
) -> CoreResult<ImportReport> {
    let options = ImportOptions::new(scope, "list");
    import_list(db, PostingKind::Need, list, industries, &options).await
}

/// Imports an achievement list, published at once (see [`import_needs`]).
///
/// # Errors
/// As [`import_list`].
pub async fn import_achievements(
    db: &DatabaseConnection,
    list: RawList,
    industries: &IndustryCatalogue,
) -> CoreResult<ImportReport> {
    import_achievements_as(db, list, industries, ImportScope::Bureau).await
}

/// Imports a list of achievements on behalf of `scope` (see [`ImportScope`]).
///
/// # Errors
/// As [`import_list`].
pub async fn import_achievements_as(
    db: &DatabaseConnection,
    list: RawList,
    industries: &IndustryCatalogue,
    scope: ImportScope,
) -> CoreResult<ImportReport> {
    let options = ImportOptions::new(scope, "list");
    import_list(db, PostingKind::Achievement, list, industries, &options).await
}

/// Imports a list of `kind`: finds the table in every sheet, refuses the whole file
/// before writing anything when a column no row can be matched without is missing,
/// and otherwise writes every good row.
///
/// # Errors
/// As [`prepare_import`] and [`ReadyImport::write`]. Bad rows land in the report.
pub async fn import_list(
    db: &DatabaseConnection,
    kind: PostingKind,
    list: RawList,
    industries: &IndustryCatalogue,
    options: &ImportOptions,
) -> CoreResult<ImportReport> {
    match prepare_import(kind, list, industries, options)? {
        Prepared::Refused(report) => Ok(report),
        Prepared::Ready(ready) => ready.write(db, None).await,
    }
}

/// A list read and checked, nothing written yet.
pub enum Prepared {
    /// Refused whole: the report says why.
    Refused(ImportReport),
    Ready(ReadyImport),
}

/// A list's rows parsed and ready to be written.
pub struct ReadyImport(ReadyRows);

enum ReadyRows {
    Needs(Ready<NeedInput>),
    Achievements(Ready<AchievementInput>),
}

struct Ready<T> {
    columns: &'static [Column],
    parsed: Vec<Parsed<T>>,
    read_problems: Vec<RowProblem>,
    ignored_columns: Vec<String>,
    layout: Layout,
    scope: ImportScope,
}

impl ReadyImport {
    /// Writes the rows. With `batch`, each written row's line of that batch is written in
    /// the row's own transaction, so the batch never lacks a posting its list wrote.
    ///
    /// # Errors
    /// Failures of the database as a whole; bad rows land in the report.
    pub async fn write(
        self,
        db: &DatabaseConnection,
        batch: Option<i64>,
    ) -> CoreResult<ImportReport> {
        match self.0 {
            ReadyRows::Needs(ready) => run(db, ready, batch).await,
            ReadyRows::Achievements(ready) => run(db, ready, batch).await,
        }
    }
}

/// Finds the table of a list of `kind` in every sheet and parses its rows, writing
/// nothing: a list missing a column no row can be matched without, or with a secrecy
/// column the importer cannot read, is refused whole.
///
/// # Errors
/// `ListFile` when no sheet has a table of this kind or a header names a field twice.
pub fn prepare_import(
    kind: PostingKind,
    list: RawList,
    industries: &IndustryCatalogue,
    options: &ImportOptions,
) -> CoreResult<Prepared> {
    let (columns, required) = columns_of(kind);
    let table = tabulate(
        list,
        &options.file_name,
        columns,
        &options.mapping,
        required,
    )?;
    let ignored: Vec<String> = table
        .layout
        .columns
        .iter()
        .filter(|c| c.field.is_none())
        .map(|c| c.header.clone())
        .fold(Vec::new(), |mut seen, header| {
            if !seen.contains(&header) {
                seen.push(header);
            }
            seen
        });
    let rows = table.rows.len() + table.problems.len();
    if !table.layout.missing.is_empty() {
        let reason = missing_reason(&table.layout);
        return Ok(Prepared::Refused(refused_report(
            table.layout,
            ignored,
            rows,
            reason,
        )));
    }
    // A secrecy column the importer cannot read would publish every need as public.
    let unread_secrecy: Vec<&str> = table
        .layout
        .columns
        .iter()
        .filter(|c| c.field.is_none() && columns::is_about_secrecy(&columns::normalise(&c.header)))
        .map(|c| c.header.as_str())
        .collect();
    if kind == PostingKind::Need && !unread_secrecy.is_empty() {
        let reason = t!(
            "import-refused-secrecy",
            columns = unread_secrecy.join(&t!("list-separator"))
        );
        return Ok(Prepared::Refused(refused_report(
            table.layout,
            ignored,
            rows,
            reason,
        )));
    }
    let rows = match kind {
        PostingKind::Need => ReadyRows::Needs(Ready {
            parsed: parse_rows(
                &table.rows,
                columns,
                &table.placements,
                |row, placements| need_from_row(row, placements, industries),
            ),
            columns,
            read_problems: table.problems,
            ignored_columns: ignored,
            layout: table.layout,
            scope: options.scope,
        }),
        PostingKind::Achievement => ReadyRows::Achievements(Ready {
            parsed: parse_rows(
                &table.rows,
                columns,
                &table.placements,
                |row, placements| achievement_from_row(row, placements, industries),
            ),
            columns,
            read_problems: table.problems,
            ignored_columns: ignored,
            layout: table.layout,
            scope: options.scope,
        }),
    };
    Ok(Prepared::Ready(ReadyImport(rows)))
}

/// The lines of a batch as its rows are written.
struct BatchLines {
    batch_id: i64,
    kind: PostingKind,
    /// Postings already on the batch: two rows naming one posting make one line, in
    /// the first row's place.
    seen: HashSet<i64>,
    next_position: i64,
}

impl BatchLines {
    /// Writes the lines of rows just written, in their transaction; `accept` them once
    /// it commits.
    async fn write<T>(
        &self,
        conn: &impl ConnectionTrait,
        rows: &[Pending<T>],
        outcomes: &[Written],
    ) -> CoreResult<Vec<i64>> {
        let mut added: Vec<i64> = Vec::new();
        let mut in_these = HashSet::new();
        let mut lines = Vec::new();
        for (pending, written) in rows.iter().zip(outcomes) {
            let id = written.outcome.id();
            if self.seen.contains(&id) || !in_these.insert(id) {
                continue;
            }
            lines.push(batch_posting::ActiveModel {
                batch_id: Set(self.batch_id),
                kind: Set(self.kind.code().to_owned()),
                posting_id: Set(id),
                sheet: Set(pending.sheet.clone()),
                row: Set(i64::try_from(pending.row).unwrap_or(i64::MAX)),
                position: Set(self.next_position + i64::try_from(added.len()).unwrap_or(0)),
            });
            added.push(id);
        }
        if !lines.is_empty() {
            batch_posting::Entity::insert_many(lines).exec(conn).await?;
        }
        Ok(added)
    }

    fn accept(&mut self, added: Vec<i64>) {
        self.next_position += i64::try_from(added.len()).unwrap_or(0);
        self.seen.extend(added);
    }
}

/// Why a list is refused whole: which sheets lack which column.
fn missing_reason(layout: &Layout) -> String {
    let missing: Vec<String> = layout
        .missing
        .iter()
        .map(|m| match &m.sheet {
            Some(sheet) => t!(
                "import-missing-column-in-sheet",
                sheet = sheet.as_str(),
                column = m.header.as_str()
            ),
            None => t!("import-missing-column", column = m.header.as_str()),
        })
        .collect();
    t!(
        "import-refused-missing",
        missing = missing.join(&t!("list-separator"))
    )
}

/// The report of a list refused whole, before anything was written.
fn refused_report(
    layout: Layout,
    ignored: Vec<String>,
    rows: usize,
    reason: String,
) -> ImportReport {
    ImportReport {
        rows,
        refused: Some(reason),
        ignored_columns: ignored,
        layout,
        ..ImportReport::default()
    }
}

/// A row as parsed: where it is, whether its file names columns in English, and the
/// posting or its problems.
struct Parsed<T> {
    sheet: Option<String>,
    row: usize,
    field_names: bool,
    result: Result<T, Vec<RowProblem>>,
}

fn parse_rows<T>(
    rows: &[RawRow],
    columns: &[Column],
    placements: &Placements,
    parse: impl Fn(&RawRow, &Placements) -> Result<T, Vec<RowProblem>>,
) -> Vec<Parsed<T>> {
    rows.iter()
        .map(|r| Parsed {
            sheet: r.sheet.clone(),
            row: r.row,
            field_names: field_names(columns, r),
            result: parse(r, placements),
        })
        .collect()
}

fn field_names(columns: &[Column], row: &RawRow) -> bool {
    let headers: Vec<&str> = row.cells.iter().map(|(h, _)| h.as_str()).collect();
    columns::uses_field_names(columns, &headers)
}

async fn run<T: Importable>(
    db: &DatabaseConnection,
    ready: Ready<T>,
    batch: Option<i64>,
) -> CoreResult<ImportReport> {
    let Ready {
        columns,
        parsed,
        read_problems,
        ignored_columns,
        layout,
        scope,
    } = ready;
    let mut report = ImportReport {
        rows: parsed.len() + read_problems.len(),
        problems: read_problems,
        ignored_columns,
        layout,
        ..Default::default()
    };
    let mut seen: HashMap<String, (Option<String>, usize)> = HashMap::new();
    let mut pending = Vec::new();
    for Parsed {
        sheet,
        row,
        field_names,
        result,
    } in parsed
    {
        match result {
            Err(problems) => report.problems.extend(problems),
            Ok(mut input) => {
                if let Some((first_sheet, first)) = seen.get(input.external_id()) {
                    let reason = match first_sheet {
                        Some(first_sheet) if *first_sheet != sheet.clone().unwrap_or_default() => {
                            t!(
                                "import-duplicate-id-in-sheet",
                                sheet = first_sheet.as_str(),
                                row = *first
                            )
                        }
                        _ => t!("import-duplicate-id", row = *first),
                    };
                    report.problems.push(RowProblem {
                        sheet,
                        row,
                        column: Some(columns::display_name(columns, "id", field_names)),
                        value: input.external_id().to_owned(),
                        reason,
                    });
                    continue;
                }
                seen.insert(input.external_id().to_owned(), (sheet.clone(), row));
                let list_id = input.external_id().to_owned();
                input.set_external_id(ids::new_public_id(T::KIND));
                pending.push(Pending {
                    sheet,
                    row,
                    input,
                    field_names,
                    source_key: scope.source_key(&list_id),
                    list_id,
                });
            }
        }
    }

    // One time for the whole list (see [`Placement`]).
    let at = Utc::now();
    let mut known = KnownPostings::default();
    let mut lines = batch.map(|batch_id| BatchLines {
        batch_id,
        kind: T::KIND,
        seen: HashSet::new(),
        next_position: 0,
    });
    let mut writer = RowWriter {
        scope,
        at,
        known: &mut known,
        lines: lines.as_mut(),
    };
    for rows in pending.chunks(BATCH_ROWS) {
        match writer.write(db, rows).await {
            Ok(outcomes) => {
                for (pending, outcome) in rows.iter().zip(outcomes) {
                    report.count(pending, outcome);
                }
            }
            Err(batch_error) => {
                tracing::debug!(error = %batch_error, "batch failed, retrying row by row");
                for row in rows {
                    match writer.write(db, std::slice::from_ref(row)).await {
                        Ok(outcomes) => {
                            for outcome in outcomes {
                                report.count(row, outcome);
                            }
                        }
                        Err(error) => report.problems.push(row_problem(columns, row, error)?),
                    }
                }
            }
        }
    }
    let sheet_order: Vec<Option<String>> = report
        .layout
        .sheets
        .iter()
        .map(|s| s.sheet.clone())
        .collect();
    report.problems.sort_by_key(|p| {
        let sheet = sheet_order.iter().position(|s| *s == p.sheet).unwrap_or(0);
        (sheet, p.row)
    });
    Ok(report)
}

/// Writes rows in one transaction, with their batch's lines if any.
struct RowWriter<'a> {
    scope: ImportScope,
    at: DateTime<Utc>,
    known: &'a mut KnownPostings,
    lines: Option<&'a mut BatchLines>,
}

impl RowWriter<'_> {
    /// Writes `rows` whole or not at all.
    async fn write<T: Importable>(
        &mut self,
        db: &DatabaseConnection,
        rows: &[Pending<T>],
    ) -> CoreResult<Vec<Written>> {
        let txn = db.begin().await?;
        let result = match self.write_in(&txn, rows).await {
            Ok(written) => txn
                .commit()
                .await
                .map(|()| written)
                .map_err(CoreError::from),
            Err(error) => match txn.rollback().await {
                Ok(()) => Err(error),
                Err(rollback) => Err(rollback.into()),
            },
        };
        match result {
            Ok((outcomes, added)) => {
                self.known.committed();
                if let (Some(lines), Some(added)) = (self.lines.as_deref_mut(), added) {
                    lines.accept(added);
                }
                Ok(outcomes)
            }
            Err(error) => {
                // What the rows added to the known postings was never written.
                self.known.rolled_back();
                Err(error)
            }
        }
    }

    async fn write_in<T: Importable>(
        &mut self,
        txn: &sea_orm::DatabaseTransaction,
        rows: &[Pending<T>],
    ) -> CoreResult<(Vec<Written>, Option<Vec<i64>>)> {
        let outcomes = write_batch::<T>(txn, rows, self.scope, self.at, self.known).await?;
        let added = match self.lines.as_deref() {
            Some(lines) => Some(lines.write(txn, rows, &outcomes).await?),
            None => None,
        };
        Ok((outcomes, added))
    }
}

/// Turns a row's write failure into a report line; a failure that is not the row's
/// fault (the database went away) aborts the import instead.
fn row_problem<T>(
    columns: &[Column],
    pending: &Pending<T>,
    error: CoreError,
) -> CoreResult<RowProblem> {
    let row = pending.row;
    let sheet = pending.sheet.clone();
    match error {
        CoreError::Invalid { field, reason } => Ok(RowProblem {
            sheet,
            row,
            column: Some(columns::display_name(columns, field, pending.field_names)),
            value: String::new(),
            reason,
        }),
        // A row the database refuses (it collides with what the platform holds, or holds
        // a character or number it cannot store) is the row's problem; the detail
        // (constraint names, SQL) is for the log, not for the uploader.
        CoreError::Db(db) if refused_row(&db).is_some() => {
            tracing::warn!(error = %db, row, "the database refused an imported row");
            Ok(RowProblem {
                sheet,
                row,
                column: None,
                value: String::new(),
                reason: refused_row(&db).unwrap_or_default(),
            })
        }
        other => Err(other),
    }
}

/// Why the database refused a row, when the refusal is about the row's data: a
/// constraint it breaks (unique, foreign key, not null, check: on either backend) or a
/// value it cannot store (PostgreSQL's SQLSTATE class 22, such as a NUL character in
/// text). Anything else (the connection gone, a lock not granted) is no fault of the row.
fn refused_row(error: &sea_orm::DbErr) -> Option<String> {
    use sea_orm::sqlx::error::ErrorKind;
    let (sea_orm::DbErr::Exec(sea_orm::RuntimeErr::SqlxError(driver))
    | sea_orm::DbErr::Query(sea_orm::RuntimeErr::SqlxError(driver))) = error
    else {
        return None;
    };
    let refusal = driver.as_database_error()?;
    match refusal.kind() {
        ErrorKind::UniqueViolation
        | ErrorKind::ForeignKeyViolation
        | ErrorKind::NotNullViolation
        | ErrorKind::CheckViolation => Some(t!("import-save-conflict")),
        // A SQLSTATE is five characters; SQLite's own codes are numbers of at most four.
        _ => refusal
            .code()
            .filter(|code| code.len() == 5 && code.starts_with("22"))
            .map(|_| t!("import-save-unstorable")),
    }
}
