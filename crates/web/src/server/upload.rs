//! Uploading a need or achievement list (CSV, XLSX, JSONL) through the page or the API:
//! the same importer as `techmatch import`, on the organisation's behalf, with the row
//! report shown to the person who uploaded it.

use std::path::Path;

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Multipart, State};
use techmatch_core::lists::read::{ListFormat, read_list_bytes};
use techmatch_core::posting::PostingKind;
use techmatch_core::services::import::{
    ImportReport, ImportScope, import_achievements_as, import_needs_as,
};
use techmatch_core::services::users::User;
use techmatch_core::services::workflow;
use techmatch_core::{CoreError, t};

use super::auth::{ApiUser, PageUser, check_csrf};
use super::error::ErrorBody;
use super::i18n::filters;
use super::nav::Nav;
use super::workspace_api::own_kind;
use super::{AppState, PageError, WebError};

/// The largest list accepted through the web; bigger lists go through the command line.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// The fields of an upload form.
struct Upload {
    csrf: String,
    file_name: String,
    bytes: Vec<u8>,
}

async fn read_upload(mut multipart: Multipart) -> Result<Upload, WebError> {
    let bad = |e: axum::extract::multipart::MultipartError| WebError::BadForm(e.body_text());
    let mut upload = Upload {
        csrf: String::new(),
        file_name: String::new(),
        bytes: Vec::new(),
    };
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name() {
            Some("csrf") => upload.csrf = field.text().await.map_err(bad)?,
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

/// Imports an uploaded list for the user's organisation.
async fn import(app: &AppState, user: &User, upload: &Upload) -> Result<ImportReport, WebError> {
    let kind = own_kind(user)?;
    // The same check as a single posting: an unconfirmed member imports nothing.
    let org = workflow::check_poster(user, kind)?;
    let format = ListFormat::from_path(Path::new(&upload.file_name))?;
    let list = read_list_bytes(format, &upload.file_name, &upload.bytes)?;
    let scope = ImportScope::Organisation(org);
    let report = match kind {
        PostingKind::Need => import_needs_as(&app.db, list, &app.industries(), scope).await?,
        PostingKind::Achievement => {
            import_achievements_as(&app.db, list, &app.industries(), scope).await?
        }
    };
    let detail = t!(
        "upload-audit-detail",
        file = upload.file_name.as_str(),
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

#[derive(Template, WebTemplate)]
#[template(path = "upload.html")]
pub struct UploadPage {
    pub nav: Nav,
    pub kind_label: String,
    pub report: Option<ImportReport>,
    pub error: Option<String>,
}

fn page(page_user: &PageUser) -> Result<UploadPage, WebError> {
    let kind = own_kind(&page_user.0.user)?;
    Ok(UploadPage {
        nav: Nav::of_user(page_user),
        kind_label: kind.label(),
        report: None,
        error: None,
    })
}

pub async fn form(page_user: PageUser) -> Result<UploadPage, PageError> {
    Ok(page(&page_user)?)
}

/// Shows the row report; a file that cannot be read at all is shown as one error.
pub async fn submit(
    State(app): State<AppState>,
    page_user: PageUser,
    multipart: Multipart,
) -> Result<UploadPage, PageError> {
    let upload = read_upload(multipart).await?;
    check_csrf(&page_user.0.csrf_token, &upload.csrf)?;
    let mut shown = page(&page_user)?;
    match import(&app, &page_user.0.user, &upload).await {
        Ok(report) => shown.report = Some(report),
        Err(WebError::Core(CoreError::ListFile { reason, .. })) => shown.error = Some(reason),
        Err(WebError::Core(CoreError::Invalid { reason, .. })) => shown.error = Some(reason),
        Err(other) => return Err(other.into()),
    }
    Ok(shown)
}

/// `POST /api/v1/me/postings/import`: multipart with a `file` field; answers the report.
#[utoipa::path(post, path = "/api/v1/me/postings/import", tag = "postings",
    request_body(content_type = "multipart/form-data", description = "file: a list as CSV, XLSX or JSONL"),
    responses((status = 200, description = "Import report, row by row (rows, created, problems)"),
        (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed", body = ErrorBody),
        (status = 422, description = "The file cannot be read", body = ErrorBody)))]
pub async fn api(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    multipart: Multipart,
) -> Result<Json<ImportReport>, WebError> {
    let upload = read_upload(multipart).await?;
    Ok(Json(import(&app, &user, &upload).await?))
}
