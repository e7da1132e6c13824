//! The bureau's lists on the web: a list uploaded on behalf of many organisations as a
//! named batch (第N批), its report, its postings and how many found matches; a batch or
//! any filtered set of postings exported again with the importer's headers.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use techmatch_core::challenge::calendar::china_standard_time;
use techmatch_core::posting::{PostingKind, Status};
use techmatch_core::services::export::{ExportFilter, ExportFormat, export_filtered};
use techmatch_core::services::import::{ImportReport, columns_of};
use techmatch_core::services::list_batches::{self, BatchLine, BatchSummary};
use techmatch_core::services::list_uploads::{
    ListOwner, ListSource, ListUpload, UploadTarget, UploadTurn, Uploaded, require_bureau,
    take_turn, upload_list,
};
use techmatch_core::services::users::User;
use techmatch_core::{CoreError, t};

use crate::server::auth::{ApiUser, CsrfForm, PageUser};
use crate::server::challenges::attachments::content_disposition;
use crate::server::error::ErrorBody;
use crate::server::extract::ApiMultipart;
use crate::server::extract::ApiQuery;
use crate::server::i18n::filters;
use crate::server::nav::Nav;
use crate::server::postings::upload::{
    BUREAU_ACCEPTED_FILES, MappingForm, ReportView, placed_pairs, receive_upload, report_and_form,
};
use crate::server::{AppState, PageError, WebError};

fn kind_of(text: &str) -> Result<PostingKind, CoreError> {
    PostingKind::from_code(text.trim())
        .ok_or_else(|| CoreError::invalid("kind", t!("batch-bad-kind")))
}

fn date_of(text: &str, today: NaiveDate) -> Result<NaiveDate, CoreError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(today);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| CoreError::invalid("list_date", t!("batch-date-malformed")))
}

/// The batch a form names: its kind, name and date (today's when left empty).
fn batch_of(
    app: &AppState,
    kind: &str,
    name: &str,
    list_date: &str,
) -> Result<UploadTarget, CoreError> {
    Ok(UploadTarget::Batch {
        kind: kind_of(kind)?,
        name: name.to_owned(),
        list_date: date_of(list_date, today(app))?,
    })
}

/// A batch as the pages show it.
pub struct BatchRow {
    pub summary: BatchSummary,
    pub kind_label: String,
    /// How the export form offers it: name, kind and date.
    pub option_label: String,
}

impl BatchRow {
    fn of(summary: BatchSummary) -> BatchRow {
        let kind_label = summary.kind.label();
        let option_label = t!(
            "batch-option",
            name = summary.name.as_str(),
            kind = kind_label.as_str(),
            date = summary.list_date.format("%Y-%m-%d").to_string()
        );
        BatchRow {
            summary,
            kind_label,
            option_label,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "bureau_lists.html")]
pub struct ListsPage {
    pub nav: Nav,
    pub accepted: &'static str,
    pub today: String,
    pub batches: Vec<BatchRow>,
    pub clusters: Vec<String>,
    /// The upload just refused, with the form to place its columns by hand.
    pub report: Option<ReportView>,
    pub mapping: Option<MappingForm>,
    /// Where the mapping form goes, and the batch's name and date it carries.
    pub map_action: &'static str,
    pub kept: Vec<(&'static str, String)>,
    pub error: Option<String>,
}

async fn lists_page(app: &AppState, page_user: &PageUser) -> Result<ListsPage, WebError> {
    require_bureau(&page_user.0.user)?;
    let today = app
        .clock
        .now()
        .with_timezone(&china_standard_time())
        .date_naive();
    let batches = list_batches::batches(&app.db)
        .await?
        .into_iter()
        .map(BatchRow::of)
        .collect();
    Ok(ListsPage {
        nav: Nav::of_user(page_user),
        accepted: BUREAU_ACCEPTED_FILES,
        today: today.format("%Y-%m-%d").to_string(),
        batches,
        clusters: app.industry_names(),
        report: None,
        mapping: None,
        map_action: "/bureau/lists/map",
        kept: Vec::new(),
        error: None,
    })
}

/// `GET /bureau/lists`.
pub async fn list(
    State(app): State<AppState>,
    page_user: PageUser,
) -> Result<ListsPage, PageError> {
    Ok(lists_page(&app, &page_user).await?)
}

/// Imports and goes to the batch, or shows why not on the same page: a bad kind or date,
/// a file that cannot be read, or a list refused for a missing column (with the form to
/// place its columns by hand, carrying the batch's kind, name and date).
async fn upload_and_show(
    app: &AppState,
    page_user: &PageUser,
    form: (&str, String, String),
    source: ListSource,
    map: Vec<String>,
    turn: UploadTurn,
) -> Result<Response, PageError> {
    let (kind, name, date) = form;
    let upload = batch_of(app, kind, &name, &date).map(|target| ListUpload {
        target,
        source,
        map,
        keep_if_refused: true,
    });
    let result = match upload {
        Ok(upload) => {
            upload_list(&app.db, &app.industries(), &page_user.0.user, upload, turn).await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(Uploaded {
            batch: Some(id), ..
        }) => Ok(Redirect::to(&format!("/bureau/lists/{id}")).into_response()),
        Ok(uploaded) => {
            let mut page = lists_page(app, page_user).await?;
            page.kept = vec![
                ("kind", uploaded.kind.code().to_owned()),
                ("name", name),
                ("list_date", date),
            ];
            let (report, mapping) = report_and_form(uploaded);
            page.report = Some(report);
            page.mapping = mapping;
            Ok(page.into_response())
        }
        Err(CoreError::ListFile { reason, .. } | CoreError::Invalid { reason, .. }) => {
            let mut page = lists_page(app, page_user).await?;
            page.error = Some(reason);
            Ok(page.into_response())
        }
        Err(other) => Err(WebError::from(other).into()),
    }
}

fn today(app: &AppState) -> NaiveDate {
    app.clock
        .now()
        .with_timezone(&china_standard_time())
        .date_naive()
}

/// `POST /bureau/lists`: multipart with kind, name, list_date and the file.
pub async fn upload(
    State(app): State<AppState>,
    page_user: PageUser,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let csrf = Some(page_user.0.csrf_token.as_str());
    let (form, turn, _sending) =
        receive_upload(&page_user.0.user, ListOwner::Bureau, multipart, csrf).await?;
    let source = ListSource::File {
        name: form.file_name,
        bytes: form.bytes,
    };
    let batch = (form.kind.as_str(), form.name, form.list_date);
    upload_and_show(&app, &page_user, batch, source, Vec::new(), turn).await
}

/// The mapping form of a refused batch upload.
#[derive(Debug, Deserialize)]
pub struct BatchMapping {
    token: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    list_date: String,
    #[serde(default)]
    header: Vec<String>,
    #[serde(default)]
    field: Vec<String>,
}

/// `POST /bureau/lists/map`: imports the kept upload with the columns placed by hand.
pub async fn map(
    State(app): State<AppState>,
    page_user: PageUser,
    CsrfForm { form, .. }: CsrfForm<BatchMapping>,
) -> Result<Response, PageError> {
    let turn = take_turn(&page_user.0.user, ListOwner::Bureau).await?;
    let map = placed_pairs(&form.header, &form.field);
    let batch = (form.kind.as_str(), form.name, form.list_date);
    let source = ListSource::Kept(form.token);
    upload_and_show(&app, &page_user, batch, source, map, turn).await
}

#[derive(Template, WebTemplate)]
#[template(path = "bureau_batch.html")]
pub struct BatchPage {
    pub nav: Nav,
    pub batch: BatchRow,
    pub report: ReportView,
    pub lines: Vec<BatchLine>,
    pub status_labels: Vec<String>,
    pub summary_line: String,
    pub counts_line: String,
}

/// `GET /bureau/lists/{id}`: the batch's report, postings and matches.
pub async fn show(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
) -> Result<BatchPage, PageError> {
    require_bureau(&page_user.0.user)?;
    let (summary, report) = list_batches::batch(&app.db, id).await?;
    let lines = list_batches::lines(&app.db, &summary).await?;
    let (columns, _) = columns_of(summary.kind);
    let status_labels = lines
        .iter()
        .map(|l| Status::from_code(&l.status).map_or(l.status.clone(), |s| s.label()))
        .collect();
    let summary_line = t!(
        "batch-summary",
        date = summary.list_date.format("%Y-%m-%d").to_string(),
        file = summary.file_name.as_str(),
        uploaded = summary.postings
    );
    let counts_line = t!(
        "cli-import-summary",
        file = summary.file_name.as_str(),
        rows = summary.rows,
        created = summary.created,
        updated = summary.updated,
        unchanged = summary.unchanged,
        rejected = summary.rejected
    );
    Ok(BatchPage {
        summary_line,
        counts_line,
        nav: Nav::of_user(&page_user),
        batch: BatchRow::of(summary),
        report: ReportView::of(report, columns),
        lines,
        status_labels,
    })
}

/// The filters of an export of postings; empty means "any".
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// need or achievement.
    pub kind: Option<String>,
    /// A list batch's id (its kind is then the batch's).
    pub batch: Option<String>,
    /// An industry cluster's name.
    pub cluster: Option<String>,
    /// A region code: 140000 for a province, 140400 for a city and its counties.
    pub region: Option<String>,
    /// A posting status code (published, pending_review, …).
    pub status: Option<String>,
    /// xlsx (default) or csv.
    pub format: Option<String>,
}

fn given(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// Builds the file of an export; the bureau's alone, since it carries contacts and the
/// lists' own identifiers.
async fn export_file(
    app: &AppState,
    user: &User,
    query: &ExportQuery,
) -> Result<Response, WebError> {
    require_bureau(user)?;
    // An empty `batch=` is what the form sends for "any".
    let batch = match given(&query.batch) {
        Some(id) => {
            let id: i64 = id.parse().map_err(|_| {
                CoreError::invalid("batch", t!("batch-bad-id", batch = id.as_str()))
            })?;
            Some(list_batches::batch(&app.db, id).await?.0)
        }
        None => None,
    };
    // A batch is of one kind: the form's kind selector does not contradict it.
    let kind = match (&batch, given(&query.kind)) {
        (Some(batch), _) => batch.kind,
        (None, Some(kind)) => kind_of(&kind)?,
        (None, None) => return Err(CoreError::invalid("kind", t!("batch-bad-kind")).into()),
    };
    let region = match given(&query.region) {
        Some(code) if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) => Some(code),
        Some(code) => {
            return Err(CoreError::invalid(
                "region",
                t!("batch-bad-region", region = code.as_str()),
            )
            .into());
        }
        None => None,
    };
    let status = match given(&query.status) {
        Some(code) => vec![Status::from_code(&code).map_err(|_| {
            CoreError::invalid("status", t!("batch-bad-status", status = code.as_str()))
        })?],
        None => Vec::new(),
    };
    let cluster = match given(&query.cluster) {
        Some(name) => Some(app.industries().resolve(&name)?.name.clone()),
        None => None,
    };
    let format = ExportFormat::parse(&given(&query.format).unwrap_or_else(|| "xlsx".to_owned()))?;
    let extension = match format {
        ExportFormat::Csv => "csv",
        ExportFormat::Xlsx => "xlsx",
        ExportFormat::Jsonl => {
            return Err(CoreError::invalid("format", t!("batch-bad-format")).into());
        }
    };
    let filter = ExportFilter {
        statuses: status,
        batch: batch.as_ref().map(|b| b.id),
        cluster,
        region,
    };
    let bytes = export_filtered(&app.db, kind, &filter, format).await?;
    let name = match &batch {
        Some(batch) => format!("{}-{}.{extension}", kind.label(), batch.name),
        None => format!("{}.{extension}", kind.label()),
    };
    let content_type = match format {
        ExportFormat::Csv => "text/csv; charset=utf-8",
        _ => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    };
    let disposition = HeaderValue::from_str(&content_disposition(&name))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /bureau/postings/export`: a filtered set of postings as XLSX or CSV.
pub async fn export_page(
    State(app): State<AppState>,
    page_user: PageUser,
    Query(query): Query<ExportQuery>,
) -> Result<Response, PageError> {
    Ok(export_file(&app, &page_user.0.user, &query).await?)
}

/// Exports postings as a list in the importer's columns
#[utoipa::path(get, operation_id = "export_postings", path = "/api/v1/bureau/postings/export", tag = "lists", security(("token" = []), ("session" = [])), params(ExportQuery),
    responses((status = 200, description = "The postings as XLSX or CSV with the importer's headers (a download)"),
        (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not the bureau", body = ErrorBody),
        (status = 404, description = "No such batch", body = ErrorBody),
        (status = 422, description = "An unknown kind, status, cluster or format", body = ErrorBody)))]
pub async fn export_api(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, WebError> {
    export_file(&app, &user, &query).await
}

/// A batch as the API lists it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchJson {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub list_date: String,
    pub file_name: String,
    pub rows: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub rejected: i64,
    /// False for an import that stopped half-way: the batch holds what it wrote.
    pub complete: bool,
    pub postings: i64,
    pub matched: i64,
}

impl From<&BatchSummary> for BatchJson {
    fn from(b: &BatchSummary) -> BatchJson {
        BatchJson {
            id: b.id,
            kind: b.kind.code().to_owned(),
            name: b.name.clone(),
            list_date: b.list_date.format("%Y-%m-%d").to_string(),
            file_name: b.file_name.clone(),
            rows: b.rows,
            created: b.created,
            updated: b.updated,
            unchanged: b.unchanged,
            rejected: b.rejected,
            complete: b.complete,
            postings: b.postings,
            matched: b.matched,
        }
    }
}

/// The bureau's list batches
#[utoipa::path(get, operation_id = "list_batches", path = "/api/v1/bureau/lists", tag = "lists", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "Every list batch, newest list first", body = [BatchJson]),
        (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not the bureau", body = ErrorBody)))]
pub async fn list_api(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<BatchJson>>, WebError> {
    require_bureau(&user)?;
    let batches = list_batches::batches(&app.db).await?;
    Ok(Json(batches.iter().map(BatchJson::from).collect()))
}

/// What an upload of a batch answers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchUploaded {
    /// The new batch; none when the list was refused whole (see `report.refused`).
    pub batch: Option<i64>,
    pub report: ImportReport,
}

/// The multipart body of a list batch, as the document describes it (the handler reads
/// the stream itself).
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "describes the multipart body; never built")]
pub struct BatchUpload {
    /// `need` or `achievement`.
    kind: String,
    /// The batch's name (default: the next number of the list's year).
    name: Option<String>,
    /// `YYYY-MM-DD` (default: today).
    list_date: Option<String>,
    /// The list.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `header=field`, once per column placed by hand.
    map: Option<Vec<String>>,
}

/// Imports a list as a new batch
#[utoipa::path(post, operation_id = "upload_batch", path = "/api/v1/bureau/lists", tag = "lists", security(("token" = []), ("session" = [])),
    request_body(content = BatchUpload, content_type = "multipart/form-data", description = "kind: need or achievement; name: the batch's name (default: the next number of the list's year, in Chinese); list_date: YYYY-MM-DD (default: today); file: the list; map (repeatable): header=field"),
    responses((status = 200, description = "The batch's id (none when refused whole) and the import report", body = BatchUploaded),
        (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not the bureau", body = ErrorBody),
        (status = 422, description = "The file cannot be read, or a field is invalid", body = ErrorBody)))]
pub async fn upload_api(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiMultipart(multipart): ApiMultipart,
) -> Result<Json<BatchUploaded>, WebError> {
    let (form, turn, _sending) = receive_upload(&user, ListOwner::Bureau, multipart, None).await?;
    let upload = ListUpload {
        target: batch_of(&app, &form.kind, &form.name, &form.list_date)?,
        source: ListSource::File {
            name: form.file_name,
            bytes: form.bytes,
        },
        map: form.map,
        keep_if_refused: false,
    };
    let uploaded = upload_list(&app.db, &app.industries(), &user, upload, turn).await?;
    Ok(Json(BatchUploaded {
        batch: uploaded.batch,
        report: uploaded.report,
    }))
}
