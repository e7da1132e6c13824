//! The bureau administrator's view of notifications (`techmatch_core::services::outbox`):
//! how many notices are in each state, the dead letters with a button to send each
//! again, the recent sent ones, and, when the platform has no mail server, the `.eml`
//! files the worker wrote under `<data dir>/mail/` (see `delivery::Deliverer`).

use std::path::PathBuf;

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use techmatch_core::accounts::Role;
use techmatch_core::entities::outbox_entry;
use techmatch_core::services::outbox::{self, OutboxSummary};
use techmatch_core::services::users::User;
use techmatch_core::{CoreError, t};

use crate::server::auth::{ApiUser, CsrfForm, PageUser};
use crate::server::error::ErrorBody;
use crate::server::extract::ApiPath;
use crate::server::i18n::filters;
use crate::server::nav::Nav;
use crate::server::{AppState, PageError, WebError};

/// How many sent notices the page and the API show.
const RECENT_SENT: u64 = 50;

/// How many mail files the page lists.
const MAIL_FILES: usize = 100;

fn require_admin(user: &User) -> Result<(), WebError> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(CoreError::Forbidden(t!("outbox-page-admin-only")).into())
    }
}

/// Whether `name` is one the worker gives a mail file: eight digits and `.eml`. Nothing
/// else is served, so no name reaches outside the mail directory.
fn is_mail_file_name(name: &str) -> bool {
    name.len() == 12
        && name.ends_with(".eml")
        && name.as_bytes()[..8].iter().all(u8::is_ascii_digit)
}

fn mail_dir(app: &AppState) -> PathBuf {
    app.data_dir.join("mail")
}

/// The outbox id a mail file is named after.
fn notice_id_of(name: &str) -> Option<i64> {
    name.get(..8).and_then(|digits| digits.parse().ok())
}

/// One `.eml` file written without a mail server.
#[derive(Debug, Clone)]
pub struct MailFile {
    pub name: String,
    pub size: u64,
    pub modified: DateTime<Utc>,
    /// An account mail (a password reset, an appointment): listed, never served.
    pub withheld: bool,
}

/// The newest mail files first, at most [`MAIL_FILES`]; none when the directory does
/// not exist (the platform has a mail server, or nothing was sent yet).
async fn mail_files(app: &AppState) -> Result<Vec<MailFile>, WebError> {
    let mut entries = match tokio::fs::read_dir(mail_dir(app)).await {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(CoreError::from(error).into()),
    };
    let mut files = Vec::new();
    while let Some(entry) = entries.next_entry().await.map_err(CoreError::from)? {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_mail_file_name(&name) {
            continue;
        }
        // A file removed meanwhile is simply not listed.
        let Ok(metadata) = entry.metadata().await else {
            continue;
        };
        if !metadata.is_file() {
            continue;
        }
        let modified = metadata
            .modified()
            .map(DateTime::<Utc>::from)
            .unwrap_or_default();
        files.push(MailFile {
            name,
            size: metadata.len(),
            modified,
            withheld: true,
        });
    }
    files.sort_by(|a, b| {
        b.modified
            .cmp(&a.modified)
            .then_with(|| b.name.cmp(&a.name))
    });
    files.truncate(MAIL_FILES);
    let ids: Vec<i64> = files.iter().filter_map(|f| notice_id_of(&f.name)).collect();
    let readable = outbox::readable_by_administrator(&app.db, &ids).await?;
    for file in &mut files {
        file.withheld = !notice_id_of(&file.name).is_some_and(|id| readable.contains(&id));
    }
    Ok(files)
}

#[derive(Template, WebTemplate)]
#[template(path = "outbox.html")]
pub struct OutboxPage {
    pub nav: Nav,
    pub counts: OutboxSummary,
    pub dead: Vec<outbox_entry::Model>,
    pub sent: Vec<outbox_entry::Model>,
    pub files: Vec<MailFile>,
    pub retried: bool,
}

#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    /// Set by the redirect after a retry.
    pub retried: Option<String>,
}

/// `GET /bureau/outbox` (administrator).
pub async fn show(
    State(app): State<AppState>,
    page_user: PageUser,
    Query(query): Query<ShowQuery>,
) -> Result<OutboxPage, PageError> {
    require_admin(&page_user.0.user)?;
    Ok(OutboxPage {
        nav: Nav::of_user(&page_user),
        counts: outbox::summary(&app.db).await?,
        dead: outbox::dead_letters(&app.db).await?,
        sent: outbox::recent(&app.db, "sent", RECENT_SENT).await?,
        files: mail_files(&app).await?,
        retried: query.retried.is_some(),
    })
}

/// The retry form carries nothing but its CSRF token.
#[derive(Debug, Deserialize)]
pub struct RetryForm {}

async fn retry_notice(app: &AppState, user: &User, id: i64) -> Result<(), WebError> {
    require_admin(user)?;
    techmatch_app::outbox::retry(&app.db, user, id, app.clock.now()).await?;
    Ok(())
}

/// `POST /bureau/outbox/{id}/retry` (administrator): a dead letter is sent again.
pub async fn retry(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm {
        form: RetryForm {}, ..
    }: CsrfForm<RetryForm>,
) -> Result<Response, PageError> {
    retry_notice(&app, &page_user.0.user, id).await?;
    Ok(Redirect::to("/bureau/outbox?retried=1").into_response())
}

/// `GET /bureau/outbox/mail/{name}` (administrator): one `.eml` file, as a download.
pub async fn mail_file(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(name): Path<String>,
) -> Result<Response, PageError> {
    require_admin(&page_user.0.user)?;
    let not_found = || -> PageError {
        WebError::from(CoreError::NotFound {
            what: t!("what-mail-file"),
            id: name.clone(),
        })
        .into()
    };
    let Some(id) = notice_id_of(&name).filter(|_| is_mail_file_name(&name)) else {
        return Err(not_found());
    };
    let bytes = match tokio::fs::read(mail_dir(&app).join(&name)).await {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Err(not_found()),
        Err(error) => return Err(WebError::from(CoreError::from(error)).into()),
    };
    // An account mail's link would sign the administrator in as its recipient.
    if !outbox::readable_by_administrator(&app.db, &[id])
        .await
        .map_err(WebError::from)?
        .contains(&id)
    {
        return Err(WebError::from(CoreError::Forbidden(t!("outbox-mail-withheld"))).into());
    }
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("message/rfc822"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A notice of the outbox as the administrator reads it (not its body).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OutboxNotice {
    pub id: i64,
    /// `email` or `webhook`.
    pub channel: String,
    pub webhook_id: Option<i64>,
    pub address: String,
    pub recipient_user_id: Option<i64>,
    pub kind: String,
    pub subject: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl OutboxNotice {
    fn of(entry: outbox_entry::Model) -> OutboxNotice {
        OutboxNotice {
            id: entry.id,
            channel: entry.channel,
            webhook_id: entry.webhook_id,
            address: entry.address,
            recipient_user_id: entry.recipient_user_id,
            kind: entry.kind,
            subject: entry.subject,
            status: entry.status,
            attempts: entry.attempts,
            last_error: entry.last_error,
            created_at: entry.created_at,
            sent_at: entry.sent_at,
        }
    }
}

/// The outbox's state: counts per state, the dead letters and the latest sent.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OutboxState {
    pub counts: OutboxSummary,
    pub dead: Vec<OutboxNotice>,
    pub sent: Vec<OutboxNotice>,
}

/// A dead letter put back in the queue.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Retried {
    pub id: i64,
    /// `pending`.
    pub status: &'static str,
}

/// The outbox: counts per state, dead letters and the latest sent (administrators)
#[utoipa::path(get, operation_id = "show_outbox", path = "/api/v1/outbox", tag = "bureau", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "Notices per state (counts: pending, sending, sent, dead, held, digested, dropped), the dead letters (dead) and the 50 most recent sent notices (sent), newest first; each notice with its channel (email or webhook)", body = OutboxState),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not a bureau administrator", body = ErrorBody)))]
pub async fn api_show(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<OutboxState>, WebError> {
    require_admin(&user)?;
    let counts = outbox::summary(&app.db).await?;
    let dead = outbox::dead_letters(&app.db).await?;
    let sent = outbox::recent(&app.db, "sent", RECENT_SENT).await?;
    Ok(Json(OutboxState {
        counts,
        dead: dead.into_iter().map(OutboxNotice::of).collect(),
        sent: sent.into_iter().map(OutboxNotice::of).collect(),
    }))
}

/// Puts a dead letter back in the queue (administrators)
#[utoipa::path(post, operation_id = "retry_notice", path = "/api/v1/outbox/{id}/retry", tag = "bureau", security(("token" = []), ("session" = [])),
    params(("id" = i64, Path, description = "The dead-lettered notice")),
    responses((status = 200, description = "The notice is pending again, its attempts counted afresh", body = Retried),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not a bureau administrator", body = ErrorBody),
        (status = 404, description = "No dead-lettered notice with this id", body = ErrorBody)))]
pub async fn api_retry(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Retried>, WebError> {
    retry_notice(&app, &user, id).await?;
    Ok(Json(Retried {
        id,
        status: "pending",
    }))
}

#[cfg(test)]
mod tests {
    use super::is_mail_file_name;

    #[test]
    fn only_the_worker_s_file_names_are_served() {
        assert!(is_mail_file_name("00000042.eml"));
        assert_eq!(super::notice_id_of("00000042.eml"), Some(42));
        for name in [
            "x.eml",
            "../techmatch.db",
            "0000004.eml",
            "000000042.eml",
            ".00000042.eml.tmp",
            "0000004a.eml",
            "00000042.emlx",
            "../000042.eml",
            "",
        ] {
            assert!(!is_mail_file_name(name), "{name}");
        }
    }
}
