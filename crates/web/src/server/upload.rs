//! Uploading a need or achievement list through the page or the API: the same importer
//! as `techmatch import`, on the organisation's behalf, with the report shown to the
//! person who uploaded it. A list whose description column cannot be found is not
//! imported: the page offers to map its columns by hand, and the organisation's
//! choices are remembered for its next upload.

use std::path::Path;

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Multipart, State};
use serde::Deserialize;
use techmatch_core::lists::columns::{Column, ColumnMapping, mapping_from_pairs, normalise};
use techmatch_core::lists::read::{ListFormat, is_legacy_container, read_list_bytes};
use techmatch_core::posting::PostingKind;
use techmatch_core::services::column_mappings;
use techmatch_core::services::import::{
    ImportOptions, ImportReport, ImportScope, columns_of, import_list,
};
use techmatch_core::services::users::User;
use techmatch_core::services::workflow;
use techmatch_core::{CoreError, t};

use super::auth::{ApiUser, CsrfForm, PageUser, check_csrf};
use super::error::ErrorBody;
use super::i18n::filters;
use super::nav::Nav;
use super::workspace_api::own_kind;
use super::{AppState, PageError, WebError};

/// The largest list accepted through the web; bigger lists go through the command line.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// What the file chooser offers; the importer reads the content, whatever the name.
pub const ACCEPTED_FILES: &str = ".xlsx,.xlsb,.ods,.csv,.jsonl";

/// What the bureau's list page offers: county offices' Excel 97 and WPS files too.
pub const BUREAU_ACCEPTED_FILES: &str = ".xlsx,.xls,.xlsb,.ods,.et,.csv,.jsonl";

/// The fields of a list upload, an organisation's or the bureau's (which names the
/// batch: its kind, name and date).
#[derive(Default)]
pub(super) struct Upload {
    pub csrf: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// `header=field` pairs placing columns by hand (the API's `map` fields).
    pub map: Vec<String>,
    pub kind: String,
    pub name: String,
    pub list_date: String,
}

pub(super) async fn read_upload(mut multipart: Multipart) -> Result<Upload, WebError> {
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

/// Imports an uploaded list for the user's organisation, with the columns it placed by
/// hand before and `extra` placed now; what was placed now is remembered.
async fn import(
    app: &AppState,
    user: &User,
    file_name: &str,
    bytes: &[u8],
    extra: &ColumnMapping,
) -> Result<ImportReport, WebError> {
    let kind = own_kind(user)?;
    // The same check as a single posting: an unconfirmed member imports nothing.
    let org = workflow::check_poster(user, kind)?;
    // The Excel 97 reader trusts the sizes a file declares: a crafted `.xls` can ask
    // for more memory than the server has. Anyone may register and upload, so their
    // lists come as `.xlsx`, `.ods` or CSV; the bureau imports county `.xls` files.
    if is_legacy_container(bytes) {
        return Err(CoreError::invalid("file", t!("upload-legacy-excel")).into());
    }
    let format = ListFormat::from_path(Path::new(file_name))?;
    let name = file_name.to_owned();
    let owned = bytes.to_vec();
    // Reading a workbook is work for a blocking thread, not for the server's workers.
    let list = tokio::task::spawn_blocking(move || read_list_bytes(format, &name, &owned))
        .await
        .map_err(|e| WebError::Core(CoreError::Internal(e.to_string())))??;
    let mut options = ImportOptions::new(ImportScope::Organisation(org), file_name);
    options.mapping = column_mappings::load(&app.db, org, kind).await?;
    options
        .mapping
        .extend(extra.iter().map(|(h, f)| (h.clone(), *f)));
    let report = import_list(&app.db, kind, list, &app.industries(), &options).await?;
    if report.refused.is_none() {
        column_mappings::remember(&app.db, org, kind, &used_mappings(&report, extra)).await?;
    }
    let detail = t!(
        "upload-audit-detail",
        file = file_name,
        rows = report.rows,
        created = report.created,
        rejected = report.problems.len()
    );
    techmatch_core::services::audit::record(
        &app.db,
        techmatch_core::services::audit::Record {
            actor_user_id: Some(user.id),
            action: &format!("{}.upload", kind.code()),
            entity: "organisation",
            entity_id: org,
            reason: None,
            detail: Some(&detail),
        },
    )
    .await?;
    Ok(report)
}

/// The hand mappings a list used: only headers of this file are remembered, so a
/// request cannot plant mappings for columns it never had.
pub(super) fn used_mappings(report: &ImportReport, extra: &ColumnMapping) -> ColumnMapping {
    let in_file: std::collections::HashSet<String> = report
        .layout
        .columns
        .iter()
        .map(|c| normalise(&c.header))
        .collect();
    extra
        .iter()
        .filter(|(header, _)| in_file.contains(*header))
        .map(|(header, field)| (header.clone(), *field))
        .collect()
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
    pub(super) fn of(report: ImportReport, columns: &[Column]) -> ReportView {
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
}

fn page(page_user: &PageUser) -> Result<UploadPage, WebError> {
    let kind = own_kind(&page_user.0.user)?;
    Ok(UploadPage {
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

/// The mapping form for a refused report: every column not placed, with the likely
/// fields first and the missing one preselected where it is the likeliest.
pub(super) fn mapping_form(
    report: &ImportReport,
    kind: PostingKind,
    token: String,
    file_name: &str,
) -> MappingForm {
    let (columns, required) = columns_of(kind);
    let mut rows: Vec<MappingRow> = Vec::new();
    let mut required_offered = false;
    for column in report.layout.columns.iter().filter(|c| c.field.is_none()) {
        if rows.iter().any(|r| r.header == column.header) {
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
            if field == "status" || options.iter().any(|(f, _, _)| f == field) {
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

pub async fn form(page_user: PageUser) -> Result<UploadPage, PageError> {
    Ok(page(&page_user)?)
}

/// Shows the report, or the form to map the columns when the list was refused for a
/// missing one; a file that cannot be read at all is shown as one error.
async fn show(
    app: &AppState,
    page_user: &PageUser,
    file_name: &str,
    bytes: &[u8],
    extra: &ColumnMapping,
    token: Option<String>,
) -> Result<UploadPage, PageError> {
    let user = &page_user.0.user;
    let mut shown = page(page_user)?;
    let kind = own_kind(user)?;
    let (columns, _) = columns_of(kind);
    match import(app, user, file_name, bytes, extra).await {
        Ok(report) if report.refused.is_some() => {
            let token = match token {
                Some(token) => token,
                None => {
                    column_mappings::keep_upload(&app.db, user.id, kind, file_name, bytes).await?
                }
            };
            shown.mapping = Some(mapping_form(&report, kind, token, file_name));
            shown.report = Some(ReportView::of(report, columns));
        }
        Ok(report) => {
            if let Some(token) = token {
                column_mappings::forget_upload(&app.db, &token).await?;
            }
            shown.report = Some(ReportView::of(report, columns));
        }
        Err(WebError::Core(CoreError::ListFile { reason, .. })) => shown.error = Some(reason),
        Err(WebError::Core(CoreError::Invalid { reason, .. })) => shown.error = Some(reason),
        Err(other) => return Err(other.into()),
    }
    Ok(shown)
}

pub async fn submit(
    State(app): State<AppState>,
    page_user: PageUser,
    multipart: Multipart,
) -> Result<UploadPage, PageError> {
    let upload = read_upload(multipart).await?;
    check_csrf(&page_user.0.csrf_token, &upload.csrf)?;
    show(
        &app,
        &page_user,
        &upload.file_name,
        &upload.bytes,
        &ColumnMapping::new(),
        None,
    )
    .await
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

/// `POST /me/upload/map`: imports the kept upload with the columns placed by hand.
pub async fn map(
    State(app): State<AppState>,
    page_user: PageUser,
    CsrfForm { form, .. }: CsrfForm<MappingSubmission>,
) -> Result<UploadPage, PageError> {
    let user = &page_user.0.user;
    let pending = column_mappings::pending_upload(&app.db, user.id, &form.token).await;
    let pending = match pending {
        Ok(pending) => pending,
        Err(CoreError::Invalid { reason, .. }) => {
            let mut shown = page(&page_user)?;
            shown.error = Some(reason);
            return Ok(shown);
        }
        Err(other) => return Err(WebError::from(other).into()),
    };
    let (columns, _) = columns_of(pending.kind);
    let pairs: Vec<String> = form
        .header
        .iter()
        .zip(&form.field)
        .filter(|(_, field)| !field.is_empty())
        .map(|(header, field)| format!("{header}={field}"))
        .collect();
    let extra = mapping_from_pairs(columns, &pairs).map_err(WebError::from)?;
    show(
        &app,
        &page_user,
        &pending.file_name,
        &pending.contents,
        &extra,
        Some(pending.token),
    )
    .await
}

/// `POST /api/v1/me/postings/import`: multipart with a `file` field and any number of
/// `map` fields (`header=field`); answers the report.
#[utoipa::path(post, path = "/api/v1/me/postings/import", tag = "postings",
    request_body(content_type = "multipart/form-data", description = "file: a list as XLSX, XLS, XLSB, ODS, ET, CSV or JSONL; map (repeatable): header=field, placing a column by hand"),
    responses((status = 200, description = "Import report, row by row (rows, created, problems; refused and layout.missing when a column without which no row can be matched is missing: nothing was written)"),
        (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed", body = ErrorBody),
        (status = 422, description = "The file cannot be read, or a map field names no column", body = ErrorBody)))]
pub async fn api(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    multipart: Multipart,
) -> Result<Json<ImportReport>, WebError> {
    let upload = read_upload(multipart).await?;
    let kind = own_kind(&user)?;
    let (columns, _) = columns_of(kind);
    let extra = mapping_from_pairs(columns, &upload.map)?;
    Ok(Json(
        import(&app, &user, &upload.file_name, &upload.bytes, &extra).await?,
    ))
}
