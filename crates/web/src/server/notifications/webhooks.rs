//! An organisation's webhooks (`techmatch_core::services::webhooks`): the page
//! `/me/webhooks` where its members list, add and delete them, and the same under
//! `/api/v1/me/webhooks`. A broker acting for an organisation manages its webhooks as
//! a member does; secrets are written, never shown again.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use techmatch_core::services::users::User;
use techmatch_core::services::webhooks::{self, Format, Webhook, WebhookInput};
use techmatch_core::{CoreError, ErrorKind, t};

use crate::server::auth::{ApiUser, CsrfForm, PageUser};
use crate::server::error::ErrorBody;
use crate::server::extract::{ApiJson, ApiPath};
use crate::server::i18n::filters;
use crate::server::nav::Nav;
use crate::server::notifications::preferences::name_of;
use crate::server::{AppState, PageError, WebError};

/// One choice of a select or a set of checkboxes.
pub struct Choice {
    pub code: &'static str,
    pub label: String,
    pub chosen: bool,
}

/// One webhook as the page lists it.
pub struct Row {
    pub id: i64,
    pub url: String,
    pub format: String,
    pub kinds: String,
    pub has_secret: bool,
    /// The newest post: its state and when it was made.
    pub last_status: Option<String>,
    pub last_at: Option<String>,
    pub last_error: Option<String>,
}

fn status_label(status: &str) -> String {
    match status {
        "pending" => t!("outbox-status-pending"),
        "sending" => t!("outbox-status-sending"),
        "sent" => t!("outbox-status-sent"),
        "dead" => t!("outbox-status-dead"),
        "dropped" => t!("outbox-status-dropped"),
        other => other.to_owned(),
    }
}

fn row_of(hook: Webhook) -> Row {
    let kinds: Vec<String> = hook
        .kinds
        .iter()
        .filter_map(|code| techmatch_core::services::preferences::kind_of(code))
        .map(name_of)
        .collect();
    let last = hook.last_delivery;
    Row {
        id: hook.id,
        url: hook.url,
        format: hook.format.label(),
        kinds: kinds.join(t!("webhook-list-separator").as_str()),
        has_secret: hook.has_secret,
        last_status: last.as_ref().map(|d| status_label(&d.status)),
        last_at: last.as_ref().map(|d| {
            d.sent_at
                .unwrap_or(d.created_at)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        }),
        last_error: last.and_then(|d| d.last_error),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "webhooks.html")]
pub struct WebhooksPage {
    pub nav: Nav,
    pub webhooks: Vec<Row>,
    pub formats: Vec<Choice>,
    pub kinds: Vec<Choice>,
    /// What was typed, when the form is shown again with an error.
    pub url: String,
    pub error: Option<String>,
    pub saved: bool,
    pub deleted: bool,
    pub max: u64,
}

#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    pub saved: Option<String>,
    pub deleted: Option<String>,
}

/// The form as first shown: the first format, workflow notices.
fn blank_form() -> WebhookForm {
    WebhookForm {
        url: String::new(),
        format: Format::WeCom.code().to_owned(),
        secret: None,
        kinds: vec![
            techmatch_core::services::outbox::NoticeKind::Workflow
                .code()
                .to_owned(),
        ],
    }
}

async fn page(
    app: &AppState,
    page_user: &PageUser,
    form: WebhookForm,
    error: Option<String>,
    query: &ShowQuery,
) -> Result<WebhooksPage, WebError> {
    let user = &page_user.0.user;
    let listed = techmatch_app::webhooks::list(&app.db, user).await?;
    Ok(WebhooksPage {
        nav: Nav::of_user(page_user),
        webhooks: listed.into_iter().map(row_of).collect(),
        formats: Format::ALL
            .into_iter()
            .map(|f| Choice {
                code: f.code(),
                label: f.label(),
                chosen: f.code() == form.format,
            })
            .collect(),
        kinds: webhooks::KINDS
            .into_iter()
            .map(|k| Choice {
                code: k.code(),
                label: name_of(k),
                chosen: form.kinds.iter().any(|c| c == k.code()),
            })
            .collect(),
        url: form.url,
        error,
        saved: query.saved.is_some(),
        deleted: query.deleted.is_some(),
        max: webhooks::MAX_PER_ORG,
    })
}

/// `GET /me/webhooks`: the organisation's webhooks and the form to add one.
pub async fn show(
    State(app): State<AppState>,
    page_user: PageUser,
    Query(query): Query<ShowQuery>,
) -> Result<WebhooksPage, PageError> {
    Ok(page(&app, &page_user, blank_form(), None, &query).await?)
}

/// The add form; `kinds` repeats once per ticked checkbox.
#[derive(Debug, Deserialize)]
pub struct WebhookForm {
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub format: String,
    pub secret: Option<String>,
    #[serde(default)]
    pub kinds: Vec<String>,
}

impl WebhookForm {
    fn input(&self) -> WebhookInput {
        WebhookInput {
            url: self.url.clone(),
            format: self.format.clone(),
            secret: self.secret.clone(),
            kinds: self.kinds.clone(),
        }
    }
}

async fn register(app: &AppState, user: &User, input: &WebhookInput) -> Result<Webhook, WebError> {
    let now = app.clock.now();
    let reach = &app.webhook_reach;
    Ok(techmatch_app::webhooks::register(&app.db, user, input, reach, now).await?)
}

/// `POST /me/webhooks`: adds a webhook, or shows the form again with the reason
/// (422 for bad input, 409 when the organisation has the most it may have).
pub async fn create(
    State(app): State<AppState>,
    page_user: PageUser,
    CsrfForm { form, .. }: CsrfForm<WebhookForm>,
) -> Result<Response, PageError> {
    match register(&app, &page_user.0.user, &form.input()).await {
        Ok(_) => Ok(Redirect::to("/me/webhooks?saved=1").into_response()),
        Err(WebError::Core(error))
            if matches!(error.kind(), ErrorKind::Invalid | ErrorKind::Conflict) =>
        {
            let status = match error.kind() {
                ErrorKind::Conflict => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let reason = match error {
                CoreError::Invalid { reason, .. } | CoreError::Conflict(reason) => reason,
                other => other.to_string(),
            };
            let query = ShowQuery {
                saved: None,
                deleted: None,
            };
            let shown = page(&app, &page_user, form, Some(reason), &query).await?;
            Ok((status, shown).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// The delete form carries nothing but its CSRF token.
#[derive(Debug, Deserialize)]
pub struct DeleteForm {}

async fn remove(app: &AppState, user: &User, id: i64) -> Result<(), WebError> {
    Ok(techmatch_app::webhooks::delete(&app.db, user, id).await?)
}

/// `POST /me/webhooks/{id}/delete`.
pub async fn delete(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm {
        form: DeleteForm {},
        ..
    }: CsrfForm<DeleteForm>,
) -> Result<Response, PageError> {
    remove(&app, &page_user.0.user, id).await?;
    Ok(Redirect::to("/me/webhooks?deleted=1").into_response())
}

/// A webhook to register through the API.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewWebhook {
    /// An https:// URL without credentials, at most 500 characters, whose host is or
    /// resolves to public addresses only (unless the operator allowed a private range).
    pub url: String,
    /// `wecom`, `dingtalk`, `feishu` or `generic`.
    pub format: String,
    /// Required for `generic` (at least 16 characters), optional for `dingtalk` and
    /// `feishu` (their robots' signing secret), refused for `wecom`.
    pub secret: Option<String>,
    /// The kinds of notice it receives: `workflow`, `match_alert` (personal kinds,
    /// `account` and `saved_search`, are refused).
    pub kinds: Vec<String>,
}

/// The webhooks of the caller's organisation
#[utoipa::path(get, operation_id = "list_webhooks", path = "/api/v1/me/webhooks", tag = "webhooks", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "The webhooks of the user's organisation, oldest first: id, url, format, has_secret (the secret itself is never returned), kinds, active, created_at, last_delivery (status, attempts, last_error, created_at, sent_at of the newest post, or null; last_error is a status code or a generic reason, never the receiver's answer)", body = WebhookList),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "No organisation, or its membership is not confirmed", body = ErrorBody)))]
pub async fn api_list(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<WebhookList>, WebError> {
    let listed = techmatch_app::webhooks::list(&app.db, &user).await?;
    Ok(Json(WebhookList { webhooks: listed }))
}

/// An organisation's webhooks.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookList {
    pub webhooks: Vec<Webhook>,
}

/// Registers a webhook of the caller's organisation
#[utoipa::path(post, operation_id = "create_webhook", path = "/api/v1/me/webhooks", tag = "webhooks", security(("token" = []), ("session" = [])), request_body = NewWebhook,
    responses((status = 201, description = "The registered webhook, as the list shows it", body = Webhook),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "No organisation, or its membership is not confirmed", body = ErrorBody),
        (status = 409, description = "The organisation has 10 webhooks already", body = ErrorBody),
        (status = 422, description = "Not an https:// URL, credentials in the URL, a host on loopback, a private or other internal network, an unknown or personal kind, an unknown format, a missing or useless secret", body = ErrorBody)))]
pub async fn api_create(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<NewWebhook>,
) -> Result<(StatusCode, Json<Webhook>), WebError> {
    let input = WebhookInput {
        url: body.url,
        format: body.format,
        secret: body.secret,
        kinds: body.kinds,
    };
    let created = register(&app, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Deletes a webhook
#[utoipa::path(delete, operation_id = "delete_webhook", path = "/api/v1/me/webhooks/{id}", tag = "webhooks", security(("token" = []), ("session" = [])),
    params(("id" = i64, Path, description = "The webhook")),
    responses((status = 204, description = "Deleted; posts still queued for it are dropped"),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "No such webhook in the user's organisation", body = ErrorBody)))]
pub async fn api_delete(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, WebError> {
    remove(&app, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
