//! The API's request extractors: axum's `Json`, `Path` and `Query`, whose refusals are
//! answered as every other API error is (an `ErrorBody` with the status the OpenAPI
//! document declares) instead of axum's plain text.

use axum::extract::FromRequest;
use axum::extract::FromRequestParts;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;

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

impl From<JsonRejection> for WebError {
    fn from(rejection: JsonRejection) -> WebError {
        let status = match &rejection {
            JsonRejection::MissingJsonContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            // Well-formed JSON of the wrong shape: the content is refused, as the
            // services refuse content.
            JsonRejection::JsonDataError(_) => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::BAD_REQUEST,
        };
        WebError::Unreadable {
            status,
            detail: rejection.body_text(),
        }
    }
}

impl From<PathRejection> for WebError {
    fn from(rejection: PathRejection) -> WebError {
        WebError::Unreadable {
            status: StatusCode::BAD_REQUEST,
            detail: rejection.body_text(),
        }
    }
}

impl From<QueryRejection> for WebError {
    fn from(rejection: QueryRejection) -> WebError {
        WebError::Unreadable {
            status: StatusCode::BAD_REQUEST,
            detail: rejection.body_text(),
        }
    }
}

/// A `multipart/form-data` body (an uploaded file).
pub struct ApiMultipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for ApiMultipart {
    type Rejection = WebError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, WebError> {
        axum::extract::Multipart::from_request(request, state)
            .await
            .map(ApiMultipart)
            .map_err(|rejection| WebError::Unreadable {
                status: rejection.status(),
                detail: rejection.body_text(),
            })
    }
}
