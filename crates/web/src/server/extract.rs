//! The API's request extractors: axum's `Json`, `Path`, `Query` and `Multipart`, whose
//! refusals are answered as every other API error is (an `ErrorBody` with the status
//! axum decides, which the OpenAPI document declares) instead of axum's plain text.

use axum::extract::FromRequest;
use axum::extract::FromRequestParts;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use techmatch_core::CoreError;

use super::WebError;

/// A JSON request body.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(WebError))]
pub struct ApiJson<T>(pub T);

/// Path parameters.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(WebError))]
pub struct ApiPath<T>(pub T);

/// Query parameters.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(WebError))]
pub struct ApiQuery<T>(pub T);

/// A `multipart/form-data` body (an uploaded file).
pub struct ApiMultipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for ApiMultipart {
    type Rejection = WebError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, WebError> {
        axum::extract::Multipart::from_request(request, state)
            .await
            .map(ApiMultipart)
            .map_err(|rejection| unreadable(rejection.status(), rejection.body_text()))
    }
}

/// A request the server could not read, with axum's status. What axum says about it
/// (which may quote the request) is logged, not sent; a 5xx is the server's mistake (an
/// extractor that does not fit its route) and answered as one.
fn unreadable(status: StatusCode, detail: String) -> WebError {
    if status.is_server_error() {
        return WebError::Core(CoreError::Internal(detail));
    }
    tracing::debug!(%status, %detail, "unreadable API request");
    WebError::Unreadable { status }
}

impl From<JsonRejection> for WebError {
    fn from(rejection: JsonRejection) -> WebError {
        unreadable(rejection.status(), rejection.body_text())
    }
}

impl From<PathRejection> for WebError {
    fn from(rejection: PathRejection) -> WebError {
        unreadable(rejection.status(), rejection.body_text())
    }
}

impl From<QueryRejection> for WebError {
    fn from(rejection: QueryRejection) -> WebError {
        unreadable(rejection.status(), rejection.body_text())
    }
}
