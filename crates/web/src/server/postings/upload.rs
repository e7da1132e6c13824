//! Uploading a need or achievement list through the page or the API: the same importer
//! as `techmatch import`, on the organisation's behalf, with the report shown to the
//! person who uploaded it. A list whose description column cannot be found is not
//! imported: the page offers to map its columns by hand, and the organisation's
//! choices are remembered for its next upload.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Multipart, State};
use serde::Deserialize;
use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;
use techmatch_core::lists::columns::{Column, is_about_secrecy, mappable, normalise};
use techmatch_core::posting::PostingKind;
use techmatch_core::services::import::{ImportReport, columns_of};
use techmatch_core::services::list_uploads::{
    ListOwner, ListSource, ListUpload, RememberedColumn, UploadTarget, UploadTurn, Uploaded,
    forget_own_mapping, may_upload, own_mappings, take_turn, upload_list,
};

use techmatch_core::services::users::User;
use techmatch_core::{CoreError, t};
use tokio::sync::Semaphore;

use crate::server::auth::{ApiUser, CsrfForm, PageUser, check_csrf};
use crate::server::error::ErrorBody;
use crate::server::extract::ApiMultipart;
use crate::server::extract::ApiQuery;
use crate::server::i18n::filters;
use crate::server::nav::Nav;
use crate::server::{AppState, PageError, WebError};
use techmatch_app::postings::own_kind;

/// The largest list accepted through the web; bigger lists go through the command line.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// What the file chooser offers; the importer reads the content, whatever the name.
pub const ACCEPTED_FILES: &str = ".xlsx,.ods,.csv,.jsonl";

/// What the bureau's list page offers: county offices' Excel 97 and WPS files too.
pub const BUREAU_ACCEPTED_FILES: &str = ".xlsx,.xls,.xlsb,.ods,.et,.csv,.jsonl";

/// The fields of a list upload, an organisation's or the bureau's (which names the
/// batch: its kind, name and date).
#[derive(Default)]
pub(crate) struct Upload {
    pub csrf: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// `header=field` pairs placing columns by hand (the API's `map` fields).
    pub map: Vec<String>,
    pub kind: String,
    pub name: String,
    pub list_date: String,
}

/// How many files the server receives and holds at once (organisations' and the
/// bureau's apart, so that senders cannot crowd out the bureau), how long one may take
/// to arrive (a sender trickling its bytes must not hold a place for ever), and how long
/// a received file waits for its turn before the sender is asked to try again.
const SIMULTANEOUS_RECEIPTS: usize = 8;
const SIMULTANEOUS_BUREAU_RECEIPTS: usize = 2;
const RECEIVE_WITHIN: Duration = Duration::from_secs(300);
const WAIT_FOR_TURN: Duration = Duration::from_secs(60);

static RECEIVING: Semaphore = Semaphore::const_new(SIMULTANEOUS_RECEIPTS);
static BUREAU_RECEIVING: Semaphore = Semaphore::const_new(SIMULTANEOUS_BUREAU_RECEIPTS);

/// The people with an upload under way: one at a time each.
static SENDING: LazyLock<Mutex<HashSet<i64>>> = LazyLock::new(Mutex::default);

/// A person's upload under way; they may start another once it is dropped.
pub(crate) struct Sending(i64);

impl Sending {
    fn start(user: i64) -> Result<Sending, WebError> {
        let mut sending = SENDING
            .lock()
            .map_err(|e| CoreError::Internal(e.to_string()))?;
        if !sending.insert(user) {
            return Err(WebError::Busy(t!("upload-already-sending")));
        }
        Ok(Sending(user))
    }
}

impl Drop for Sending {
    fn drop(&mut self) {
        if let Ok(mut sending) = SENDING.lock() {
            sending.remove(&self.0);
        }
    }
}

/// Receives a list upload from `actor`: who may send it is checked before a byte of the
/// file is taken, then its CSRF field (pages) before it queues; the file holds its place
/// among the files received until its turn to be read and written comes.
pub(crate) async fn receive_upload(
    actor: &User,
    owner: ListOwner,
    multipart: Multipart,
    csrf: Option<&str>,
) -> Result<(Upload, UploadTurn, Sending), WebError> {
    may_upload(actor, owner)?;
    let sending = Sending::start(actor.id)?;
    let places = match owner {
        ListOwner::Own => &RECEIVING,
        ListOwner::Bureau => &BUREAU_RECEIVING,
    };
    let _place = places
        .try_acquire()
        .map_err(|_| WebError::Busy(t!("upload-busy")))?;
    let upload = tokio::time::timeout(RECEIVE_WITHIN, read_upload(multipart))
        .await
        .map_err(|_| CoreError::invalid("file", t!("upload-too-slow")))??;
    if let Some(expected) = csrf {
        check_csrf(expected, &upload.csrf)?;
    }
    let turn = tokio::time::timeout(WAIT_FOR_TURN, take_turn(actor, owner))
        .await
        .map_err(|_| WebError::Busy(t!("upload-busy")))??;
    Ok((upload, turn, sending))
}

async fn read_upload(mut multipart: Multipart) -> Result<Upload, WebError> {
    let bad = |e: axum::extract::multipart::MultipartError| WebError::BadForm(e.body_text());
    let mut upload = Upload::default();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name() {
            Some("csrf") => upload.csrf = field.text().await.map_err(bad)?,
            Some("map") => upload.map.push(field.text().await.map_err(bad)?),
            Some("kind") => upload.kind = field.text().await.map_err(bad)?,
            Some("name") => upload.name = field.text().await.map_err(bad)?,
            Some("list_date") => upload.list_date = field.text().await.map_err(bad)?,
            Some("file") => {
                upload.file_name = field.file_name().unwrap_or_default().to_owned();
                upload.bytes = field.bytes().await.map_err(bad)?.to_vec();
            }
            _ => {}
        }
    }
    if upload.bytes.is_empty() {
        return Err(CoreError::invalid("file", t!("upload-error-no-file")).into());
    }
    Ok(upload)
}

/// One column the person may place by hand.
pub struct MappingRow {
    pub header: String,
    /// (field, label, preselected): the likely fields first, then every other.
    pub options: Vec<(String, String, bool)>,
}

/// The form that places a refused list's columns by hand.
pub struct MappingForm {
    pub token: String,
    pub file_name: String,
    pub rows: Vec<MappingRow>,
}

/// A report as the page shows it.
pub struct ReportView {
    pub report: ImportReport,
    pub sheets: Vec<String>,
    pub skipped_sheets: Vec<String>,
    /// Columns not imported, with the fields they might be.
    pub unplaced: Vec<String>,
}

impl ReportView {
    pub(crate) fn of(report: ImportReport, columns: &[Column]) -> ReportView {
        let sheets = report.layout.sheets.iter().map(|s| s.summary()).collect();
        let skipped_sheets = report
            .layout
            .skipped_sheets
            .iter()
            .map(|s| {
                t!(
                    "cli-import-skipped-sheet",
                    sheet = s.sheet.as_str(),
                    reason = s.reason.as_str()
                )
            })
            .collect();
        let mut unplaced: Vec<String> = Vec::new();
        for column in report.layout.columns.iter().filter(|c| c.field.is_none()) {
            let candidates = column.candidate_headers(columns);
            let line = if candidates.is_empty() {
                column.header.clone()
            } else {
                t!(
                    "upload-column-candidates",
                    column = column.header.as_str(),
                    candidates = candidates.join(&t!("list-separator"))
                )
            };
            if !unplaced.contains(&line) {
                unplaced.push(line);
            }
        }
        ReportView {
            report,
            sheets,
            skipped_sheets,
            unplaced,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "upload.html")]
pub struct UploadPage {
    pub nav: Nav,
    pub kind_label: String,
    pub accepted: &'static str,
    pub report: Option<ReportView>,
    pub mapping: Option<MappingForm>,
    /// Where the mapping form goes, and the fields it carries besides the columns.
    pub map_action: &'static str,
    pub kept: Vec<(&'static str, String)>,
    pub error: Option<String>,
    pub notice: Option<String>,
    /// The columns the organisation placed by hand before: (header, field's label).
    pub remembered: Vec<(String, String)>,
}

/// The upload page, with the columns the organisation placed by hand before.
async fn page(app: &AppState, page_user: &PageUser) -> Result<UploadPage, WebError> {
    let user = &page_user.0.user;
    let kind = own_kind(user)?;
    let (columns, _) = columns_of(kind);
    // A member the bureau has not confirmed uploads nothing, so has nothing remembered.
    let remembered = match own_mappings(&app.db, user).await {
        Ok(remembered) => remembered,
        Err(CoreError::Forbidden(_)) => Vec::new(),
        Err(other) => return Err(other.into()),
    };
    Ok(UploadPage {
        notice: None,
        remembered: remembered
            .into_iter()
            .map(|r| {
                let label = techmatch_core::lists::columns::display_name(columns, r.field, false);
                (r.header, label)
            })
            .collect(),
        nav: Nav::of_user(page_user),
        kind_label: kind.label(),
        accepted: ACCEPTED_FILES,
        report: None,
        mapping: None,
        map_action: "/me/upload/map",
        kept: Vec::new(),
        error: None,
    })
}

/// What an upload shows: its report, and the form to place its columns by hand when it
/// was refused and kept for that.
pub(crate) fn report_and_form(uploaded: Uploaded) -> (ReportView, Option<MappingForm>) {
    let mapping = uploaded
        .kept
        .map(|token| mapping_form(&uploaded.report, uploaded.kind, token, &uploaded.file_name));
    let (columns, _) = columns_of(uploaded.kind);
    (ReportView::of(uploaded.report, columns), mapping)
}

/// The mapping form for a refused report: every column not placed, with the likely
/// fields first and the missing one preselected where it is the likeliest.
fn mapping_form(
    report: &ImportReport,
    kind: PostingKind,
    token: String,
    file_name: &str,
) -> MappingForm {
    let (columns, required) = columns_of(kind);
    let mut rows: Vec<MappingRow> = Vec::new();
    let mut required_offered = false;
    for column in report.layout.columns.iter().filter(|c| c.field.is_none()) {
        // A secrecy column is never placed by hand: the list is refused for it instead.
        if rows.iter().any(|r| r.header == column.header)
            || is_about_secrecy(&normalise(&column.header))
        {
            continue;
        }
        let mut options = vec![(String::new(), t!("upload-map-skip"), false)];
        let preselect =
            !required_offered && column.candidates.first().map(String::as_str) == Some(required);
        required_offered |= preselect;
        for field in column
            .candidates
            .iter()
            .map(String::as_str)
            .chain(columns.iter().map(|c| c.field))
        {
            if !mappable(field) || options.iter().any(|(f, _, _)| f == field) {
                continue;
            }
            let label = techmatch_core::lists::columns::display_name(columns, field, false);
            options.push((field.to_owned(), label, preselect && field == required));
        }
        rows.push(MappingRow {
            header: column.header.clone(),
            options,
        });
    }
    MappingForm {
        token,
        file_name: file_name.to_owned(),
        rows,
    }
}

pub async fn form(
    State(app): State<AppState>,
    page_user: PageUser,
) -> Result<UploadPage, PageError> {
    Ok(page(&app, &page_user).await?)
}

/// A remembered column to forget.
#[derive(Debug, Deserialize)]
pub struct ForgetMapping {
    header: String,
}

/// `POST /me/upload/mappings/forget`.
pub async fn forget_mapping(
    State(app): State<AppState>,
    page_user: PageUser,
    CsrfForm { form, .. }: CsrfForm<ForgetMapping>,
) -> Result<UploadPage, PageError> {
    let result = forget_own_mapping(&app.db, &page_user.0.user, &form.header).await;
    let mut shown = page(&app, &page_user).await?;
    match result {
        Ok(()) => {
            shown.notice = Some(t!(
                "upload-remembered-forgotten",
                header = form.header.as_str()
            ));
        }
        Err(CoreError::NotFound { .. }) => {}
        Err(other) => return Err(WebError::from(other).into()),
    }
    Ok(shown)
}

/// The columns the organisation placed by hand, remembered for its next lists
#[utoipa::path(get, operation_id = "list_column_mappings", path = "/api/v1/me/column-mappings", tag = "postings", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "The remembered columns: header and field", body = [RememberedColumnJson]),
        (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "No list of one's own to upload", body = ErrorBody)))]
pub async fn mappings_api(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<RememberedColumnJson>>, WebError> {
    let remembered = own_mappings(&app.db, &user).await?;
    Ok(Json(
        remembered
            .into_iter()
            .map(RememberedColumnJson::from)
            .collect(),
    ))
}

/// A remembered column as the API shows it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RememberedColumnJson {
    /// The header as compared (spaces and case folded).
    pub header: String,
    /// The field its cells are read as (the importer's English column name).
    pub field: String,
}

impl From<RememberedColumn> for RememberedColumnJson {
    fn from(r: RememberedColumn) -> RememberedColumnJson {
        RememberedColumnJson {
            header: r.header,
            field: r.field.to_owned(),
        }
    }
}

/// The header of a remembered column to forget.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForgetQuery {
    /// The header as listed.
    header: String,
}

/// Forgets a remembered column: the next list asks again
#[utoipa::path(delete, operation_id = "forget_column_mapping", path = "/api/v1/me/column-mappings", tag = "postings", security(("token" = []), ("session" = [])), params(ForgetQuery),
    responses((status = 204, description = "Forgotten"),
        (status = 400, description = "No header given", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "No list of one's own to upload, or no CSRF token with a session cookie", body = ErrorBody),
        (status = 404, description = "No such remembered column", body = ErrorBody)))]
pub async fn forget_mapping_api(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(query): ApiQuery<ForgetQuery>,
) -> Result<axum::http::StatusCode, WebError> {
    forget_own_mapping(&app.db, &user, &query.header).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Shows the report, or the form to map the columns when the list was refused for a
/// missing one; a file that cannot be read at all is shown as one error.
async fn show(
    app: &AppState,
    page_user: &PageUser,
    source: ListSource,
    map: Vec<String>,
    turn: UploadTurn,
) -> Result<UploadPage, PageError> {
    let upload = ListUpload {
        target: UploadTarget::Own,
        source,
        map,
        keep_if_refused: true,
    };
    let result = upload_list(&app.db, &app.industries(), &page_user.0.user, upload, turn).await;
    // After the upload: the columns it placed by hand are remembered now.
    let mut shown = page(app, page_user).await?;
    match result {
        Ok(uploaded) => {
            let (report, mapping) = report_and_form(uploaded);
            shown.report = Some(report);
            shown.mapping = mapping;
        }
        Err(CoreError::ListFile { reason, .. } | CoreError::Invalid { reason, .. }) => {
            shown.error = Some(reason);
        }
        Err(other) => return Err(WebError::from(other).into()),
    }
    Ok(shown)
}

pub async fn submit(
    State(app): State<AppState>,
    page_user: PageUser,
    multipart: Multipart,
) -> Result<UploadPage, PageError> {
    let csrf = Some(page_user.0.csrf_token.as_str());
    let (upload, turn, _sending) =
        receive_upload(&page_user.0.user, ListOwner::Own, multipart, csrf).await?;
    let source = ListSource::File {
        name: upload.file_name,
        bytes: upload.bytes,
    };
    show(&app, &page_user, source, Vec::new(), turn).await
}

/// The columns placed by hand on the mapping form, in the order shown.
#[derive(Debug, Deserialize)]
pub struct MappingSubmission {
    token: String,
    #[serde(default)]
    header: Vec<String>,
    #[serde(default)]
    field: Vec<String>,
}

/// The form's columns as `header=field` pairs, those left unplaced dropped.
pub(crate) fn placed_pairs(headers: &[String], fields: &[String]) -> Vec<String> {
    headers
        .iter()
        .zip(fields)
        .filter(|(_, field)| !field.is_empty())
        .map(|(header, field)| format!("{header}={field}"))
        .collect()
}

/// `POST /me/upload/map`: imports the kept upload with the columns placed by hand.
pub async fn map(
    State(app): State<AppState>,
    page_user: PageUser,
    CsrfForm { form, .. }: CsrfForm<MappingSubmission>,
) -> Result<UploadPage, PageError> {
    let turn = take_turn(&page_user.0.user, ListOwner::Own)
        .await
        .map_err(WebError::from)?;
    let map = placed_pairs(&form.header, &form.field);
    show(&app, &page_user, ListSource::Kept(form.token), map, turn).await
}

/// The multipart body of a list import, as the document describes it (the handler reads
/// the stream itself).
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "describes the multipart body; never built")]
pub struct ListImportBody {
    /// The list.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `header=field`, once per column placed by hand.
    map: Option<Vec<String>>,
}

#[utoipa::path(post, operation_id = "import_postings", summary = "Imports a list of the organisation's postings", path = "/api/v1/me/postings/import", tag = "postings", security(("token" = []), ("session" = [])),
    request_body(content = ListImportBody, content_type = "multipart/form-data", description = "file: a list as XLSX, ODS, CSV or JSONL (Excel 97, WPS and Excel binary workbooks are imported by the bureau); map (repeatable): header=field, placing a column by hand"),
    responses((status = 200, description = "Import report, row by row (rows, created, problems; refused and layout.missing when a column without which no row can be matched is missing: nothing was written)", body = ImportReport),
        (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed", body = ErrorBody),
        (status = 422, description = "The file cannot be read or is of a format only the bureau imports, or a map field names no column", body = ErrorBody)))]
pub async fn api(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiMultipart(multipart): ApiMultipart,
) -> Result<Json<ImportReport>, WebError> {
    let (upload, turn, _sending) = receive_upload(&user, ListOwner::Own, multipart, None).await?;
    let upload = ListUpload {
        target: UploadTarget::Own,
        source: ListSource::File {
            name: upload.file_name,
            bytes: upload.bytes,
        },
        map: upload.map,
        keep_if_refused: false,
    };
    let uploaded = upload_list(&app.db, &app.industries(), &user, upload, turn).await?;
    Ok(Json(uploaded.report))
}
