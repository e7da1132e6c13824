//! The one mapping from errors to HTTP responses. 5xx details are logged, never sent.
//! The API answers JSON (`{"error": {"code", "message"}}`); pages answer the same status
//! with an HTML page, through [`PageError`].

use super::i18n::filters;
use askama::Template;
use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use techmatch_core::{CoreError, ErrorKind, t};
use techmatch_search::SearchError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    /// A page that needs a login; `next` is where to return afterwards.
    #[error("login required")]
    LoginRequired { next: String },
    #[error("not logged in")]
    Unauthenticated,
    #[error("CSRF token missing or wrong")]
    Csrf,
    #[error("too many login attempts")]
    TooManyAttempts,
    #[error("wrong email or password")]
    BadCredentials,
    #[error("account suspended")]
    Suspended,
    #[error("malformed form: {0}")]
    BadForm(String),
    /// An API request the server could not read, with the status axum decides: a
    /// malformed body, path or query (400), a body too large (413), not JSON (415), JSON of
    /// the wrong shape (422). The message does not quote the request.
    #[error("unreadable request ({status})")]
    Unreadable { status: axum::http::StatusCode },
    /// The server is doing as much of this as it will at once: try again shortly.
    #[error("busy: {0}")]
    Busy(String),
}

/// The application layer's refusals are the core's, mapped as they are.
impl From<techmatch_app::AppError> for WebError {
    fn from(error: techmatch_app::AppError) -> WebError {
        match error {
            techmatch_app::AppError::Core(error) => WebError::Core(error),
            techmatch_app::AppError::Search(error) => WebError::Search(error),
        }
    }
}

impl WebError {
    /// Status, stable code and the Chinese message people see.
    pub fn describe(&self) -> (StatusCode, &'static str, String) {
        match self {
            WebError::LoginRequired { .. } | WebError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                t!("api-error-unauthenticated"),
            ),
            WebError::Csrf => (StatusCode::FORBIDDEN, "csrf", t!("api-error-csrf")),
            WebError::Busy(message) => (StatusCode::SERVICE_UNAVAILABLE, "busy", message.clone()),
            WebError::TooManyAttempts => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                t!("api-error-rate-limited"),
            ),
            WebError::BadCredentials => (
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                t!("api-error-bad-credentials"),
            ),
            WebError::Suspended => (
                StatusCode::FORBIDDEN,
                "suspended",
                t!("api-error-suspended"),
            ),
            WebError::BadForm(detail) => (
                StatusCode::BAD_REQUEST,
                "bad_request",
                t!("api-error-bad-request", detail = detail.as_str()),
            ),
            WebError::Unreadable { status } => {
                let (code, message) = match *status {
                    StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                        ("unsupported_media_type", t!("api-error-not-json"))
                    }
                    StatusCode::UNPROCESSABLE_ENTITY => ("invalid", t!("api-error-wrong-shape")),
                    StatusCode::PAYLOAD_TOO_LARGE => ("too_large", t!("api-error-too-large")),
                    _ => ("bad_request", t!("api-error-unreadable")),
                };
                (*status, code, message)
            }
            _ => self.describe_kind(),
        }
    }

    fn describe_kind(&self) -> (StatusCode, &'static str, String) {
        // Two requests racing for the same unique value (an email, a contact pair): the
        // loser is told it exists, not that the server failed.
        if let WebError::Core(CoreError::Db(db)) = self
            && matches!(
                db.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            )
        {
            return (
                StatusCode::CONFLICT,
                "conflict",
                t!("api-error-conflict-exists"),
            );
        }
        let kind = match self {
            WebError::Core(e) => e.kind(),
            WebError::Search(e) => e.kind(),
            _ => ErrorKind::Internal,
        };
        match (kind, self) {
            (ErrorKind::Invalid, WebError::Core(CoreError::Invalid { reason, .. })) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid", reason.clone())
            }
            (ErrorKind::Invalid, _) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                self.to_string(),
            ),
            (ErrorKind::Conflict, WebError::Core(CoreError::Conflict(message))) => {
                (StatusCode::CONFLICT, "conflict", message.clone())
            }
            (ErrorKind::Conflict, WebError::Core(CoreError::IllegalTransition { reason, .. })) => {
                (StatusCode::CONFLICT, "illegal_transition", reason.clone())
            }
            (ErrorKind::Conflict, _) => (StatusCode::CONFLICT, "conflict", self.to_string()),
            (ErrorKind::Forbidden, WebError::Core(CoreError::Forbidden(message))) => {
                (StatusCode::FORBIDDEN, "forbidden", message.clone())
            }
            (ErrorKind::Forbidden, _) => (
                StatusCode::FORBIDDEN,
                "forbidden",
                t!("api-error-forbidden"),
            ),
            (ErrorKind::NotFound, _) => (
                StatusCode::NOT_FOUND,
                "not_found",
                t!("api-error-not-found"),
            ),
            (ErrorKind::Unavailable, _) => {
                tracing::warn!(error = %self, "database unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    t!("api-error-unavailable"),
                )
            }
            (ErrorKind::Internal, _) => {
                tracing::error!(error = %self, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    t!("api-error-internal"),
                )
            }
        }
    }
}

/// The JSON of every API error.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable: `invalid`, `conflict`, `illegal_transition`, `forbidden`, `not_found`,
    /// `unauthenticated`, `csrf`, `rate_limited`, `bad_credentials`, `suspended`,
    /// `bad_request`, `unavailable` (503: the database cannot be reached for now; try
    /// again later), `internal`.
    pub code: String,
    /// For people, in Chinese.
    pub message: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.describe();
        let mut response = (
            status,
            Json(json!({ "error": { "code": code, "message": message } })),
        )
            .into_response();
        suggest_retry(&mut response);
        response
    }
}

/// An error on a page: the same status as the API would give, as HTML; a page that needs
/// a login redirects to it instead.
#[derive(Debug)]
pub struct PageError(pub WebError);

impl<E: Into<WebError>> From<E> for PageError {
    fn from(error: E) -> Self {
        PageError(error.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let WebError::LoginRequired { next } = &self.0 {
            let target = format!("/login?next={}", urlencode(next));
            return Redirect::to(&target).into_response();
        }
        let (status, _, message) = self.0.describe();
        let page = ErrorPage {
            status: status.as_u16(),
            message,
        };
        let mut response = match page.render() {
            Ok(html) => (
                status,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                html,
            )
                .into_response(),
            Err(_) => status.into_response(),
        };
        suggest_retry(&mut response);
        response
    }
}

/// A 503 tells clients and load balancers when to try again.
fn suggest_retry(response: &mut Response) {
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from_static(RETRY_AFTER_SECONDS),
        );
    }
}

const RETRY_AFTER_SECONDS: &str = "5";

/// Percent-encodes a path for a query parameter.
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
