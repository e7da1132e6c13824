//! Exporting lists with the same headers the importer reads, so that an export
//! re-imports to the same data.
//!
//! An export is the bureau's (the command line): a posting that came from one of the
//! bureau's lists is shown by that list's identifier, which re-importing matches, and
//! any other posting by its public id. Nothing here may be offered for download to
//! anyone else: the list's identifiers are private (see [`crate::posting::ids`]).

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Map, Value, json};

use crate::domain::{AskingPrice, Trl, Wan, budget_list_text};
use crate::entities::{achievement, batch_posting, need, organisation};
use crate::lists::columns::{
    ACHIEVEMENT_COLUMNS, Column, FLAG_NO, FLAG_YES, ITEM_SEPARATOR, NEED_COLUMNS,
};
use crate::lists::write::{TableFormat, write_table};
use crate::posting::{KEYWORD_SEPARATOR, PostingKind, Status, ids, stored_keywords};
use crate::services::postings::{stored_coop_modes, stored_transfer_modes};
use crate::{CoreError, CoreResult, t};

/// The file formats an export can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Jsonl,
}

impl ExportFormat {
    pub fn parse(text: &str) -> Result<ExportFormat, CoreError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(ExportFormat::Csv),
            "xlsx" => Ok(ExportFormat::Xlsx),
            "jsonl" | "ndjson" => Ok(ExportFormat::Jsonl),
            other => Err(CoreError::invalid(
                "format",
                t!("export-format-unknown", format = other),
            )),
        }
    }
}

/// One exported row: values by English field name, absent when empty.
type Record = Vec<(&'static str, Value)>;

fn wan(yuan: i64) -> String {
    // Stored amounts were validated on the way in; a negative one would be corruption,
    // shown as is rather than hidden.
    Wan::from_yuan(yuan).map_or_else(|_| format!("{}", yuan as f64 / 10_000.0), |w| w.to_string())
}

fn text(value: impl Into<String>) -> Value {
    Value::String(value.into())
}

fn budget_text(min: Option<i64>, max: Option<i64>) -> Option<String> {
    budget_list_text(min.map(wan).as_deref(), max.map(wan).as_deref())
}

fn need_record(m: &need::Model, orgs: &HashMap<i64, organisation::Model>) -> Record {
    let org = m.org_id.and_then(|id| orgs.get(&id));
    let id = ids::bureau_facing_id(m.source_key.as_deref(), &m.external_id);
    let mut r: Record = vec![("id", text(id)), ("title", text(&m.title))];
    // Written even when empty: a list without the column is refused on import.
    r.push(("description", text(&m.description)));
    if let Some(industry) = &m.industry {
        r.push(("industry", text(industry)));
    }
    let keywords = stored_keywords(&m.keywords);
    if !keywords.is_empty() {
        r.push(("keywords", json!(keywords)));
    }
    if let Some(budget) = budget_text(m.budget_min_yuan, m.budget_max_yuan) {
        r.push(("budget", text(budget)));
    }
    if let Some(deadline) = m.deadline {
        r.push(("deadline", text(deadline.format("%Y-%m-%d").to_string())));
    }
    let modes: Vec<&str> = stored_coop_modes(&m.coop_modes)
        .iter()
        .map(|c| c.label())
        .collect();
    if !modes.is_empty() {
        r.push(("coop_modes", json!(modes)));
    }
    if let Some(trl) = m.min_trl {
        r.push(("min_trl", json!(trl)));
    }
    if let Some(region) = m.region_name.as_ref().or(m.region_code.as_ref()) {
        r.push(("region", text(region)));
    }
    r.push((
        "confidential",
        text(if m.confidential { FLAG_YES } else { FLAG_NO }),
    ));
    push_org(&mut r, org, false);
    push_contact(
        &mut r,
        [&m.contact_person, &m.contact_phone, &m.contact_email],
    );
    r.push((
        "status",
        text(Status::from_code(&m.status).map_or(m.status.clone(), |s| s.label())),
    ));
    r
}

fn achievement_record(m: &achievement::Model, orgs: &HashMap<i64, organisation::Model>) -> Record {
    let org = m.org_id.and_then(|id| orgs.get(&id));
    let id = ids::bureau_facing_id(m.source_key.as_deref(), &m.external_id);
    let mut r: Record = vec![("id", text(id)), ("title", text(&m.title))];
    r.push(("abstract", text(&m.summary)));
    let keywords = stored_keywords(&m.keywords);
    if !keywords.is_empty() {
        r.push(("keywords", json!(keywords)));
    }
    if let Some(field) = &m.field {
        r.push(("field", text(field)));
    }
    if let Some(trl) = m
        .trl
        .and_then(|t| u8::try_from(t).ok())
        .and_then(|t| Trl::new(t).ok())
    {
        r.push(("trl", json!(trl.get())));
    }
    let patents: Vec<&str> = m.patents.split(',').filter(|p| !p.is_empty()).collect();
    if !patents.is_empty() {
        r.push(("patents", json!(patents)));
    }
    let modes: Vec<&str> = stored_transfer_modes(&m.transfer_modes)
        .iter()
        .map(|c| c.label())
        .collect();
    if !modes.is_empty() {
        r.push(("transfer_modes", json!(modes)));
    }
    if m.price_negotiable {
        r.push(("price", text(AskingPrice::Negotiable.to_string())));
    } else if let Some(price) = m.price_yuan {
        r.push(("price", text(wan(price))));
    }
    push_org(&mut r, org, true);
    if let Some(lead) = &m.team_lead {
        r.push(("team_lead", text(lead)));
    }
    if let Some(region) = m.region_name.as_ref().or(m.region_code.as_ref()) {
        r.push(("region", text(region)));
    }
    push_contact(
        &mut r,
        [&m.contact_person, &m.contact_phone, &m.contact_email],
    );
    r.push((
        "status",
        text(Status::from_code(&m.status).map_or(m.status.clone(), |s| s.label())),
    ));
    r
}

/// The contact columns: the export is the bureau's, which may see them.
fn push_contact(r: &mut Record, [person, phone, email]: [&Option<String>; 3]) {
    for (field, value) in [
        ("contact_person", person),
        ("contact_phone", phone),
        ("contact_email", email),
    ] {
        if let Some(value) = value {
            r.push((field, text(value)));
        }
    }
}

fn push_org(r: &mut Record, org: Option<&organisation::Model>, with_kind: bool) {
    let Some(org) = org else { return };
    r.push(("org_name", text(&org.name)));
    if let Some(uscc) = &org.uscc {
        r.push(("org_uscc", text(uscc)));
    }
    if with_kind
        && let Some(kind) = crate::posting::OrgKind::ALL
            .iter()
            .find(|k| k.code() == org.kind)
    {
        r.push(("org_kind", text(kind.label())));
    }
}

/// Renders a value for a spreadsheet cell: arrays joined the way the importer splits them.
fn cell_text(field: &str, value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(|v| cell_text(field, v)).collect();
            parts.join(if field == "keywords" {
                KEYWORD_SEPARATOR
            } else {
                ITEM_SEPARATOR
            })
        }
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Which postings an export holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportFilter {
    /// All statuses when empty.
    pub statuses: Vec<Status>,
    /// Only the postings a list batch wrote.
    pub batch: Option<i64>,
    /// Only this cluster (a need's industry, an achievement's field), by catalogue name.
    pub cluster: Option<String>,
    /// Only this region and the ones under it, by GB/T 2260 code (140000, 140400, 140429).
    pub region: Option<String>,
}

/// The code prefix a region code covers: a province's first two digits, a city's four.
fn region_prefix(code: &str) -> String {
    let code = code.trim();
    if code.len() == 6 && code.ends_with("0000") {
        code[..2].to_owned()
    } else if code.len() == 6 && code.ends_with("00") {
        code[..4].to_owned()
    } else {
        code.to_owned()
    }
}

/// Exports the postings of one kind, in `statuses` (all when empty), oldest first.
///
/// # Errors
/// Fails on a database error or when the file cannot be produced.
pub async fn export(
    conn: &impl ConnectionTrait,
    kind: PostingKind,
    statuses: &[Status],
    format: ExportFormat,
) -> CoreResult<Vec<u8>> {
    let filter = ExportFilter {
        statuses: statuses.to_vec(),
        ..ExportFilter::default()
    };
    export_filtered(conn, kind, &filter, format).await
}

/// Exports the postings of one kind that `filter` holds, oldest first.
///
/// # Errors
/// Fails on a database error or when the file cannot be produced.
pub async fn export_filtered(
    conn: &impl ConnectionTrait,
    kind: PostingKind,
    filter: &ExportFilter,
    format: ExportFormat,
) -> CoreResult<Vec<u8>> {
    let codes: Vec<&str> = filter.statuses.iter().map(|s| s.code()).collect();
    // The batch's postings by a subquery: a batch may hold more ids than a statement
    // may bind.
    let of_batch = filter.batch.map(|batch| {
        sea_orm::sea_query::Query::select()
            .column(batch_posting::Column::PostingId)
            .from(batch_posting::Entity)
            .and_where(batch_posting::Column::BatchId.eq(batch))
            .and_where(batch_posting::Column::Kind.eq(kind.code()))
            .to_owned()
    });
    let prefix = filter.region.as_deref().map(region_prefix);
    let orgs: HashMap<i64, organisation::Model> = organisation::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let (columns, records): (&[Column], Vec<Record>) = match kind {
        PostingKind::Need => {
            let mut q = need::Entity::find().order_by_asc(need::Column::Id);
            if !codes.is_empty() {
                q = q.filter(need::Column::Status.is_in(codes.iter().copied()));
            }
            if let Some(of_batch) = &of_batch {
                q = q.filter(need::Column::Id.in_subquery(of_batch.clone()));
            }
            if let Some(cluster) = &filter.cluster {
                q = q.filter(need::Column::Industry.eq(cluster.as_str()));
            }
            if let Some(prefix) = &prefix {
                q = q.filter(need::Column::RegionCode.starts_with(prefix.as_str()));
            }
            let rows = q.all(conn).await?;
            (
                NEED_COLUMNS,
                rows.iter().map(|m| need_record(m, &orgs)).collect(),
            )
        }
        PostingKind::Achievement => {
            let mut q = achievement::Entity::find().order_by_asc(achievement::Column::Id);
            if !codes.is_empty() {
                q = q.filter(achievement::Column::Status.is_in(codes.iter().copied()));
            }
            if let Some(of_batch) = &of_batch {
                q = q.filter(achievement::Column::Id.in_subquery(of_batch.clone()));
            }
            if let Some(cluster) = &filter.cluster {
                q = q.filter(achievement::Column::Field.eq(cluster.as_str()));
            }
            if let Some(prefix) = &prefix {
                q = q.filter(achievement::Column::RegionCode.starts_with(prefix.as_str()));
            }
            let rows = q.all(conn).await?;
            (
                ACHIEVEMENT_COLUMNS,
                rows.iter().map(|m| achievement_record(m, &orgs)).collect(),
            )
        }
    };
    match format {
        ExportFormat::Jsonl => {
            let mut out = Vec::new();
            for record in records {
                let object: Map<String, Value> =
                    record.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
                serde_json::to_writer(&mut out, &object)
                    .map_err(|e| CoreError::Internal(e.to_string()))?;
                out.push(b'\n');
            }
            Ok(out)
        }
        ExportFormat::Csv | ExportFormat::Xlsx => {
            let headers: Vec<&str> = columns.iter().map(|c| c.header).collect();
            let rows: Vec<Vec<String>> = records
                .iter()
                .map(|record| {
                    columns
                        .iter()
                        .map(|c| {
                            record
                                .iter()
                                .find(|(f, _)| *f == c.field)
                                .map(|(f, v)| cell_text(f, v))
                                .unwrap_or_default()
                        })
                        .collect()
                })
                .collect();
            let table = if format == ExportFormat::Csv {
                TableFormat::Csv
            } else {
                TableFormat::Xlsx
            };
            write_table(table, &kind.label(), &headers, &rows)
        }
    }
}
