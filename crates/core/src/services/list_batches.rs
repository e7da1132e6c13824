//! The bureau's list batches (第N批): a list uploaded on the web on behalf of many
//! organisations is imported as the bureau's and kept as a batch with a name, a date,
//! its report and the postings its rows wrote, so the bureau can see what came of it
//! (how many of its postings found matches) and export it again.

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Statement, TransactionTrait,
};

use crate::domain::IndustryCatalogue;
use crate::entities::list_batch;
use crate::lists::read::RawList;
use crate::posting::PostingKind;
use crate::services::audit;
use crate::services::import::{ImportOptions, ImportReport, Prepared, prepare_import};
use crate::services::statistics::placeholders;
use crate::{CoreError, CoreResult, t};

/// Held while a batch is numbered and imported (see [`import_batch`]).
static NUMBERING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The most characters a batch's name keeps.
const MAX_NAME_CHARS: usize = 60;

/// What the bureau says of a list it uploads.
#[derive(Debug, Clone)]
pub struct NewBatch {
    pub kind: PostingKind,
    /// 第N批, or the bureau's own name; empty for the next number of the list's year.
    pub name: String,
    pub list_date: NaiveDate,
    pub file_name: String,
    pub uploaded_by: Option<i64>,
}

/// A batch as the bureau's pages list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchSummary {
    pub id: i64,
    pub kind: PostingKind,
    pub name: String,
    pub list_date: NaiveDate,
    pub file_name: String,
    pub rows: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub rejected: i64,
    /// Whether all its rows were written; an import that stopped half-way leaves the
    /// batch with the postings it wrote and no report.
    pub complete: bool,
    /// The postings its rows created, updated or found unchanged.
    pub postings: i64,
    /// Of those, the ones the platform has proposed at least one match for.
    pub matched: i64,
}

/// One posting of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchLine {
    pub posting_id: i64,
    pub public_id: String,
    pub title: String,
    pub organisation: Option<String>,
    pub status: String,
    pub sheet: Option<String>,
    pub row: i64,
    /// Matches the platform proposed for it.
    pub matches: i64,
}

/// The name the next batch of `kind` in `year` gets: 第N批.
///
/// # Errors
/// Database errors.
pub async fn next_name(
    conn: &impl ConnectionTrait,
    kind: PostingKind,
    year: i32,
) -> CoreResult<String> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1);
    let end = NaiveDate::from_ymd_opt(year + 1, 1, 1);
    let (Some(start), Some(end)) = (start, end) else {
        return Err(CoreError::invalid("list_date", t!("batch-bad-date")));
    };
    // A batch whose import stopped does not take a number: the list imported again
    // gets the one it should have had.
    let earlier = list_batch::Entity::find()
        .filter(list_batch::Column::Kind.eq(kind.code()))
        .filter(list_batch::Column::CompletedAt.is_not_null())
        .filter(list_batch::Column::ListDate.gte(start))
        .filter(list_batch::Column::ListDate.lt(end))
        .count(conn)
        .await?;
    Ok(t!("batch-default-name", number = ordinal(earlier + 1)))
}

/// A batch's number as offices write it: 一, 十二, 二十; past 99 in digits.
fn ordinal(number: u64) -> String {
    let digit = |d: u64| t!("batch-numeral-digit", digit = d);
    let (tens, units) = (number / 10, number % 10);
    match (tens, units) {
        (0, units) => digit(units),
        (1, 0) => t!("batch-numeral-ten"),
        (1, units) => format!("{}{}", t!("batch-numeral-ten"), digit(units)),
        (tens, 0) if tens < 10 => format!("{}{}", digit(tens), t!("batch-numeral-ten")),
        (tens, units) if tens < 10 => {
            format!("{}{}{}", digit(tens), t!("batch-numeral-ten"), digit(units))
        }
        _ => number.to_string(),
    }
}

/// Imports `list` as the bureau's, and keeps it as a batch unless it was refused whole.
/// Returns the batch's id (none for a refused list) and the report.
///
/// # Errors
/// `Invalid` for a name that is too long; `ListFile` for a file with no table of this
/// kind; database errors.
pub async fn import_batch(
    db: &DatabaseConnection,
    batch: NewBatch,
    list: RawList,
    industries: &IndustryCatalogue,
    options: &ImportOptions,
) -> CoreResult<(Option<i64>, ImportReport)> {
    let name = batch.name.trim().to_owned();
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(CoreError::invalid(
            "name",
            t!("batch-name-too-long", max = MAX_NAME_CHARS),
        ));
    }
    let file_name = batch.file_name.clone();
    let ready = match prepare_import(batch.kind, list, industries, options)? {
        Prepared::Refused(report) => return Ok((None, report)),
        Prepared::Ready(ready) => ready,
    };
    // One batch imports at a time on a server: the next number is taken from the batches
    // completed before it, so two uploads at once would otherwise get the same one.
    let _numbering = NUMBERING.lock().await;
    let name = if name.is_empty() {
        next_name(db, batch.kind, batch.list_date.year()).await?
    } else {
        name
    };
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    // Recorded before its rows, each row's line written with the row: a batch whose
    // import stops half-way shows what it wrote and that it did not finish.
    let txn = db.begin().await?;
    let stored = list_batch::Entity::insert(list_batch::ActiveModel {
        id: NotSet,
        kind: Set(batch.kind.code().to_owned()),
        name: Set(name),
        list_date: Set(batch.list_date),
        file_name: Set(file_name.clone()),
        uploaded_by: Set(batch.uploaded_by),
        report: Set(String::new()),
        rows: Set(0),
        created: Set(0),
        updated: Set(0),
        unchanged: Set(0),
        rejected: Set(0),
        created_at: Set(Utc::now()),
        completed_at: Set(None),
    })
    .exec(&txn)
    .await?;
    let id = stored.last_insert_id;
    // Its rows are published as they are written: the record says so from the start,
    // whether or not the import finishes.
    audit::record(
        &txn,
        audit::Record {
            actor_user_id: batch.uploaded_by,
            action: &format!("{}.batch_started", batch.kind.code()),
            entity: "list_batch",
            entity_id: id,
            reason: None,
            detail: Some(&file_name),
        },
    )
    .await?;
    txn.commit().await?;
    let report = ready.write(db, Some(id)).await?;
    let json = serde_json::to_string(&report).map_err(|e| CoreError::Internal(e.to_string()))?;
    let txn = db.begin().await?;
    list_batch::Entity::update(list_batch::ActiveModel {
        id: Set(id),
        report: Set(json),
        rows: Set(count(report.rows)),
        created: Set(count(report.created)),
        updated: Set(count(report.updated)),
        unchanged: Set(count(report.unchanged)),
        rejected: Set(count(report.problems.len())),
        completed_at: Set(Some(Utc::now())),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    let detail = report.audit_detail(&file_name);
    audit::record(
        &txn,
        audit::Record {
            actor_user_id: batch.uploaded_by,
            action: &format!("{}.batch", batch.kind.code()),
            entity: "list_batch",
            entity_id: id,
            reason: None,
            detail: Some(&detail),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((Some(id), report))
}

fn summary_sql() -> &'static str {
    "SELECT b.id, b.kind, b.name, b.list_date, b.file_name, b.rows, b.created, b.updated, \
     b.unchanged, b.rejected, b.completed_at, \
     (SELECT COUNT(*) FROM batch_postings bp WHERE bp.batch_id = b.id), \
     (SELECT COUNT(*) FROM batch_postings bp WHERE bp.batch_id = b.id AND ( \
        (bp.kind = 'need' AND EXISTS (SELECT 1 FROM match_proposals m WHERE m.need_id = bp.posting_id)) \
        OR (bp.kind = 'achievement' AND EXISTS (SELECT 1 FROM match_proposals m WHERE m.achievement_id = bp.posting_id)))) \
     FROM list_batches b"
}

fn summary_of(row: &sea_orm::QueryResult) -> CoreResult<BatchSummary> {
    let kind: String = row.try_get_by_index(1)?;
    Ok(BatchSummary {
        id: row.try_get_by_index(0)?,
        kind: PostingKind::from_code(&kind)
            .ok_or_else(|| CoreError::Internal(format!("batch of kind {kind}")))?,
        name: row.try_get_by_index(2)?,
        list_date: row.try_get_by_index(3)?,
        file_name: row.try_get_by_index(4)?,
        rows: row.try_get_by_index(5)?,
        created: row.try_get_by_index(6)?,
        updated: row.try_get_by_index(7)?,
        unchanged: row.try_get_by_index(8)?,
        rejected: row.try_get_by_index(9)?,
        complete: row
            .try_get_by_index::<Option<chrono::DateTime<Utc>>>(10)?
            .is_some(),
        postings: row.try_get_by_index(11)?,
        matched: row.try_get_by_index(12)?,
    })
}

/// Every batch, newest list first.
///
/// # Errors
/// Database errors.
pub async fn batches(conn: &impl ConnectionTrait) -> CoreResult<Vec<BatchSummary>> {
    let sql = format!("{} ORDER BY b.list_date DESC, b.id DESC", summary_sql());
    let statement = Statement::from_string(conn.get_database_backend(), sql);
    conn.query_all_raw(statement)
        .await?
        .iter()
        .map(summary_of)
        .collect()
}

/// One batch, with its report.
///
/// # Errors
/// `NotFound` for no such batch; database errors.
pub async fn batch(
    conn: &impl ConnectionTrait,
    id: i64,
) -> CoreResult<(BatchSummary, ImportReport)> {
    let backend = conn.get_database_backend();
    let sql = placeholders(backend, &format!("{} WHERE b.id = ?", summary_sql()));
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [id.into()]))
        .await?
        .ok_or_else(|| CoreError::NotFound {
            what: t!("batch-what"),
            id: id.to_string(),
        })?;
    let summary = summary_of(&row)?;
    let stored = list_batch::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| CoreError::NotFound {
            what: t!("batch-what"),
            id: id.to_string(),
        })?;
    let report: ImportReport = match stored.completed_at {
        Some(_) => serde_json::from_str(&stored.report)
            .map_err(|e| CoreError::Internal(format!("batch {id}'s report: {e}")))?,
        None => ImportReport::default(),
    };
    Ok((summary, report))
}

/// The postings of a batch in file order, with their matches.
///
/// # Errors
/// Database errors.
pub async fn lines(
    conn: &impl ConnectionTrait,
    batch: &BatchSummary,
) -> CoreResult<Vec<BatchLine>> {
    let table = batch.kind.table();
    let side = match batch.kind {
        PostingKind::Need => "need_id",
        PostingKind::Achievement => "achievement_id",
    };
    let backend = conn.get_database_backend();
    let sql = placeholders(
        backend,
        &format!(
            "SELECT p.id, p.external_id, p.title, o.name, p.status, bp.sheet, bp.row, \
             (SELECT COUNT(*) FROM match_proposals m WHERE m.{side} = p.id) \
             FROM batch_postings bp JOIN {table} p ON p.id = bp.posting_id \
             LEFT JOIN organisations o ON o.id = p.org_id \
             WHERE bp.batch_id = ? AND bp.kind = ? ORDER BY bp.position"
        ),
    );
    let statement =
        Statement::from_sql_and_values(backend, sql, [batch.id.into(), batch.kind.code().into()]);
    let mut lines = Vec::new();
    for row in conn.query_all_raw(statement).await? {
        lines.push(BatchLine {
            posting_id: row.try_get_by_index(0)?,
            public_id: row.try_get_by_index(1)?,
            title: row.try_get_by_index(2)?,
            organisation: row.try_get_by_index(3)?,
            status: row.try_get_by_index(4)?,
            sheet: row.try_get_by_index(5)?,
            row: row.try_get_by_index(6)?,
            matches: row.try_get_by_index(7)?,
        });
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::ordinal;

    #[test]
    fn batches_are_numbered_the_way_offices_write_them() {
        let names: Vec<String> = [1, 2, 10, 11, 19, 20, 23, 99, 100].map(ordinal).to_vec();
        assert_eq!(
            names,
            [
                "一",
                "二",
                "十",
                "十一",
                "十九",
                "二十",
                "二十三",
                "九十九",
                "100"
            ]
        );
    }
}
