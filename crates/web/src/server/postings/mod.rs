//! Needs and achievements: the public search and posting pages with their matches, an
//! organisation's own postings and list imports, and the bureau's moderation of them.
//!
//! Each area owns its pages and its `/api/v1` routes; both call the same use cases in
//! `techmatch_app`.

pub(crate) mod public_api;
pub(crate) mod public_pages;
pub(crate) mod upload;
pub(crate) mod workspace_api;
pub(crate) mod workspace_pages;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use techmatch_core::posting::PostingKind;
use techmatch_core::{CoreError, t};

use crate::server::{AppState, WebError};

/// The area's pages and API routes.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        // Public pages.
        .route("/", get(public_pages::home))
        .route("/needs/{id}", get(public_pages::need))
        .route("/achievements/{id}", get(public_pages::achievement))
        // An organisation's own postings.
        .route("/me", get(workspace_pages::dashboard))
        .route(
            "/me/new",
            get(workspace_pages::new_form).post(workspace_pages::create),
        )
        .route(
            "/me/upload",
            get(upload::form)
                .post(upload::submit)
                .layer(DefaultBodyLimit::max(upload::MAX_UPLOAD_BYTES)),
        )
        .route("/me/upload/map", post(upload::map))
        .route("/me/upload/mappings/forget", post(upload::forget_mapping))
        .route("/me/postings/{id}", get(workspace_pages::show))
        .route(
            "/me/postings/{id}/edit",
            get(workspace_pages::edit_form).post(workspace_pages::edit),
        )
        .route("/me/postings/{id}/action", post(workspace_pages::act))
        // The JSON API.
        .route("/healthz", get(public_api::health))
        .route("/api/v1/search", get(public_api::search))
        .route("/api/v1/needs/{id}/matches", get(public_api::need_matches))
        .route(
            "/api/v1/achievements/{id}/matches",
            get(public_api::achievement_matches),
        )
        .route(
            "/api/v1/me/postings",
            get(workspace_api::own).post(workspace_api::create),
        )
        .route(
            "/api/v1/me/postings/import",
            post(upload::api).layer(DefaultBodyLimit::max(upload::MAX_UPLOAD_BYTES)),
        )
        .route(
            "/api/v1/me/column-mappings",
            get(upload::mappings_api).delete(upload::forget_mapping_api),
        )
        .route(
            "/api/v1/me/postings/{id}",
            get(workspace_api::show).put(workspace_api::edit),
        )
        .route("/api/v1/me/postings/{id}/actions", post(workspace_api::act))
        .route("/api/v1/moderation/queue", get(workspace_api::queue))
        .route(
            "/api/v1/moderation/{kind}/{id}",
            post(workspace_api::decide),
        )
}

/// `needs` / `achievements` as a path names them.
///
/// # Errors
/// `NotFound` for any other section.
pub(crate) fn kind_of_path(segment: &str) -> Result<PostingKind, WebError> {
    PostingKind::from_section(segment).ok_or_else(|| {
        CoreError::NotFound {
            what: t!("what-section"),
            id: segment.to_owned(),
        }
        .into()
    })
}
