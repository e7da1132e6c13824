//! Importing lists: every row is validated first, good rows are written in batches,
//! each batch in one transaction, and a batch that fails is retried row by row so that
//! one bad row never stops the others and no row is ever half-written.

use std::collections::HashMap;

use sea_orm::{DatabaseConnection, TransactionTrait};
use serde::Serialize;

use crate::domain::IndustryCatalogue;
use crate::lists::RowProblem;
use crate::lists::columns::{self, ACHIEVEMENT_COLUMNS, Column, NEED_COLUMNS};
use crate::lists::read::{RawList, RawRow};
use crate::lists::rows::{achievement_from_row, need_from_row, unknown_headers};
use crate::posting::{AchievementInput, NeedInput, OrgRef, PostingKind, Status};
use crate::services::changes;
use crate::services::postings::{self, UpsertOutcome};
use crate::{CoreError, CoreResult, t};

/// Rows written per transaction: large enough to amortise the commit, small enough that
/// a killed import loses little work and readers are not starved.
const BATCH_ROWS: usize = 500;

/// What an import did, row by row.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Every rejected row with the reason; those rows changed nothing.
    pub problems: Vec<RowProblem>,
    /// Headers that name no known column (their cells were ignored).
    pub ignored_columns: Vec<String>,
}

impl ImportReport {
    fn count(&mut self, outcome: UpsertOutcome) {
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
    /// a row whose id exists updates it in place.
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

    /// The external id a row is stored under, and for an organisation's upload the
    /// private key of its own row id: the public id is random, so that it says nothing
    /// about who uploaded it (a confidential need must not be linkable to the others).
    fn ids(self, kind: PostingKind, row_id: &str) -> (String, Option<String>) {
        match self {
            ImportScope::Bureau => (row_id.to_owned(), None),
            ImportScope::Organisation(org) => {
                let prefix = match kind {
                    PostingKind::Need => "WN",
                    PostingKind::Achievement => "WA",
                };
                let random = crate::services::sessions::random_token();
                (
                    format!("{prefix}-{}", random[..12].to_uppercase()),
                    Some(format!("{org}:{row_id}")),
                )
            }
        }
    }
}

/// A validated row waiting to be written, with its row number for the report.
struct Pending<T> {
    row: usize,
    input: T,
    /// Whether the file names columns by English field name, for the report.
    field_names: bool,
    /// An organisation's own row id (see [`ImportScope::ids`]).
    source_key: Option<String>,
}

/// What the import loop needs to know of a kind of posting.
trait Importable: Sized {
    const KIND: PostingKind;
    type Stored;
    fn organisation(&self) -> Option<&OrgRef>;
    fn external_id(&self) -> &str;
    fn set_external_id(&mut self, id: String);
    fn stored_external_id(stored: &Self::Stored) -> &str;
    async fn find_existing(
        conn: &impl sea_orm::ConnectionTrait,
        ids: &[String],
    ) -> CoreResult<Vec<Self::Stored>>;
    async fn write(
        conn: &impl sea_orm::ConnectionTrait,
        input: &Self,
        existing: Option<Self::Stored>,
        status_on_create: Status,
        org_id: Option<i64>,
    ) -> CoreResult<UpsertOutcome>;
}

impl Importable for NeedInput {
    const KIND: PostingKind = PostingKind::Need;
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

    fn organisation(&self) -> Option<&OrgRef> {
        self.organisation.as_ref()
    }

    async fn find_existing(
        conn: &impl sea_orm::ConnectionTrait,
        ids: &[String],
    ) -> CoreResult<Vec<Self::Stored>> {
        postings::needs_by_external_ids(conn, ids).await
    }

    async fn write(
        conn: &impl sea_orm::ConnectionTrait,
        input: &Self,
        existing: Option<Self::Stored>,
        status_on_create: Status,
        org_id: Option<i64>,
    ) -> CoreResult<UpsertOutcome> {
        postings::write_need(conn, input, existing, status_on_create, org_id).await
    }
}

impl Importable for AchievementInput {
    const KIND: PostingKind = PostingKind::Achievement;
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

    fn organisation(&self) -> Option<&OrgRef> {
        self.organisation.as_ref()
    }

    async fn find_existing(
        conn: &impl sea_orm::ConnectionTrait,
        ids: &[String],
    ) -> CoreResult<Vec<Self::Stored>> {
        postings::achievements_by_external_ids(conn, ids).await
    }

    async fn write(
        conn: &impl sea_orm::ConnectionTrait,
        input: &Self,
        existing: Option<Self::Stored>,
        status_on_create: Status,
        org_id: Option<i64>,
    ) -> CoreResult<UpsertOutcome> {
        postings::write_achievement(conn, input, existing, status_on_create, org_id).await
    }
}

/// Writes a batch: one query for the rows that exist already, each organisation resolved
/// once however many rows name it, one write per row and one append to the change log.
async fn write_batch<T: Importable>(
    conn: &impl sea_orm::ConnectionTrait,
    batch: &[Pending<T>],
    scope: ImportScope,
) -> CoreResult<Vec<UpsertOutcome>> {
    let ids: Vec<String> = batch
        .iter()
        .map(|p| p.input.external_id().to_owned())
        .collect();
    let mut existing: HashMap<String, T::Stored> = T::find_existing(conn, &ids)
        .await?
        .into_iter()
        .map(|m| (T::stored_external_id(&m).to_owned(), m))
        .collect();
    let keys: Vec<String> = batch.iter().filter_map(|p| p.source_key.clone()).collect();
    let uploaded_before = if keys.is_empty() {
        Default::default()
    } else {
        postings::existing_source_keys(conn, T::KIND, &keys).await?
    };
    let mut org_ids: HashMap<&OrgRef, Option<i64>> = HashMap::new();
    let mut outcomes = Vec::with_capacity(batch.len());
    for p in batch {
        let current = existing.remove(p.input.external_id());
        if p.source_key
            .as_ref()
            .is_some_and(|k| uploaded_before.contains(k))
        {
            return Err(CoreError::invalid("id", t!("import-upload-exists")));
        }
        let org_id = match (scope, p.input.organisation()) {
            (ImportScope::Organisation(org), _) => Some(org),
            (ImportScope::Bureau, None) => None,
            (ImportScope::Bureau, Some(org)) => match org_ids.get(org) {
                Some(id) => *id,
                None => {
                    let id = postings::org_id_of(conn, Some(org)).await?;
                    org_ids.insert(org, id);
                    id
                }
            },
        };
        let outcome = T::write(conn, &p.input, current, scope.status_on_create(), org_id).await?;
        if let (Some(key), UpsertOutcome::Created(id)) = (&p.source_key, outcome) {
            postings::set_source_key(conn, T::KIND, id, key).await?;
        }
        outcomes.push(outcome);
    }
    let changed: Vec<i64> = outcomes.iter().filter_map(|o| o.changed_id()).collect();
    changes::record_many(conn, T::KIND, &changed).await?;
    Ok(outcomes)
}

/// Imports a need list. Rows imported this way are on the bureau's behalf and so are
/// published at once.
///
/// # Errors
/// Only for failures of the database as a whole; bad rows land in the report.
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
/// Only for failures of the database as a whole; bad rows land in the report.
pub async fn import_needs_as(
    db: &DatabaseConnection,
    list: RawList,
    industries: &IndustryCatalogue,
    scope: ImportScope,
) -> CoreResult<ImportReport> {
    let ignored = unknown_headers(NEED_COLUMNS, &list.rows)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let parsed = list
        .rows
        .iter()
        .map(|r| {
            (
                r.row,
                field_names(NEED_COLUMNS, r),
                need_from_row(r, industries),
            )
        })
        .collect();
    run(db, NEED_COLUMNS, parsed, list.problems, ignored, scope).await
}

/// Imports an achievement list, published at once (see [`import_needs`]).
///
/// # Errors
/// Only for failures of the database as a whole; bad rows land in the report.
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
/// Only for failures of the database as a whole; bad rows land in the report.
pub async fn import_achievements_as(
    db: &DatabaseConnection,
    list: RawList,
    industries: &IndustryCatalogue,
    scope: ImportScope,
) -> CoreResult<ImportReport> {
    let ignored = unknown_headers(ACHIEVEMENT_COLUMNS, &list.rows)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let parsed = list
        .rows
        .iter()
        .map(|r| {
            (
                r.row,
                field_names(ACHIEVEMENT_COLUMNS, r),
                achievement_from_row(r, industries),
            )
        })
        .collect();
    run(
        db,
        ACHIEVEMENT_COLUMNS,
        parsed,
        list.problems,
        ignored,
        scope,
    )
    .await
}

fn field_names(columns: &[Column], row: &RawRow) -> bool {
    let headers: Vec<&str> = row.cells.iter().map(|(h, _)| h.as_str()).collect();
    columns::uses_field_names(columns, &headers)
}

async fn run<T: Importable>(
    db: &DatabaseConnection,
    columns: &[Column],
    parsed: Vec<(usize, bool, Result<T, Vec<RowProblem>>)>,
    read_problems: Vec<RowProblem>,
    ignored_columns: Vec<String>,
    scope: ImportScope,
) -> CoreResult<ImportReport> {
    let mut report = ImportReport {
        rows: parsed.len() + read_problems.len(),
        problems: read_problems,
        ignored_columns,
        ..Default::default()
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut pending = Vec::new();
    for (row, field_names, result) in parsed {
        match result {
            Err(problems) => report.problems.extend(problems),
            Ok(mut input) => {
                if let Some(first) = seen.get(input.external_id()) {
                    report.problems.push(RowProblem {
                        row,
                        column: Some(columns::display_name(columns, "id", field_names)),
                        value: input.external_id().to_owned(),
                        reason: t!("import-duplicate-id", row = *first),
                    });
                    continue;
                }
                seen.insert(input.external_id().to_owned(), row);
                let (stored_id, source_key) = scope.ids(T::KIND, input.external_id());
                input.set_external_id(stored_id);
                pending.push(Pending {
                    row,
                    input,
                    field_names,
                    source_key,
                });
            }
        }
    }

    for batch in pending.chunks(BATCH_ROWS) {
        let txn = db.begin().await?;
        match write_batch::<T>(&txn, batch, scope).await {
            Ok(outcomes) => {
                txn.commit().await?;
                outcomes.into_iter().for_each(|o| report.count(o));
            }
            Err(batch_error) => {
                txn.rollback().await?;
                tracing::debug!(error = %batch_error, "batch failed, retrying row by row");
                write_rows_one_by_one(db, columns, batch, scope, &mut report).await?;
            }
        }
    }
    report.problems.sort_by_key(|p| p.row);
    Ok(report)
}

async fn write_rows_one_by_one<T: Importable>(
    db: &DatabaseConnection,
    columns: &[Column],
    batch: &[Pending<T>],
    scope: ImportScope,
    report: &mut ImportReport,
) -> CoreResult<()> {
    for pending in batch {
        let txn = db.begin().await?;
        match write_batch::<T>(&txn, std::slice::from_ref(pending), scope).await {
            Ok(outcomes) => {
                txn.commit().await?;
                outcomes.into_iter().for_each(|o| report.count(o));
            }
            Err(error) => {
                txn.rollback().await?;
                report.problems.push(row_problem(columns, pending, error)?);
            }
        }
    }
    Ok(())
}

/// Turns a row's write failure into a report line; a failure that is not the row's
/// fault (the database went away) aborts the import instead.
fn row_problem<T>(
    columns: &[Column],
    pending: &Pending<T>,
    error: CoreError,
) -> CoreResult<RowProblem> {
    let row = pending.row;
    match error {
        CoreError::Invalid { field, reason } => Ok(RowProblem {
            row,
            column: Some(columns::display_name(columns, field, pending.field_names)),
            value: String::new(),
            reason,
        }),
        CoreError::Db(db) => Ok(RowProblem {
            row,
            column: None,
            value: String::new(),
            reason: t!("import-save-failed", error = db.to_string()),
        }),
        other => Err(other),
    }
}

/// The kind of list an import subcommand names.
pub fn kind_of_list(name: &str) -> Option<PostingKind> {
    match name {
        "needs" | "need" => Some(PostingKind::Need),
        "achievements" | "achievement" => Some(PostingKind::Achievement),
        _ => None,
    }
}
