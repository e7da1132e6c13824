//! The one mapping from errors to HTTP responses. 5xx details are logged, never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use techmatch_core::{CoreError, ErrorKind};
use techmatch_search::SearchError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

impl WebError {
    fn kind(&self) -> ErrorKind {
        match self {
            WebError::Core(e) => e.kind(),
            WebError::Search(e) => e.kind(),
            WebError::Join(_) => ErrorKind::Internal,
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, code, message) = match self.kind() {
            ErrorKind::Invalid => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                self.to_string(),
            ),
            ErrorKind::Conflict => (StatusCode::CONFLICT, "conflict", self.to_string()),
            ErrorKind::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "未找到该记录".to_owned(),
            ),
            ErrorKind::Internal => {
                tracing::error!(error = %self, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "服务器内部错误，请稍后再试".to_owned(),
                )
            }
        };
        (
            status,
            Json(json!({ "error": { "code": code, "message": message } })),
        )
            .into_response()
    }
}
