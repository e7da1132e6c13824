//! 对接: contact requests between a need and an achievement, the conversation and the
//! deal.
//!
//! Each area owns its pages and its `/api/v1` routes; both call the same use cases in
//! `techmatch_app`.

pub(crate) mod api;
pub(crate) mod pages;

use axum::Router;
use axum::routing::{get, post};

use crate::server::AppState;

/// The area's pages and API routes.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        // 对接.
        .route("/contacts", get(pages::list).post(pages::create))
        .route("/contacts/{id}", get(pages::show))
        .route("/contacts/{id}/action", post(pages::act))
        .route("/contacts/{id}/deal", post(pages::deal))
        .route("/contacts/{id}/messages", post(pages::message))
        .route("/api/v1/contacts", get(api::list).post(api::create))
        .route("/api/v1/contacts/{id}", get(api::show))
        .route("/api/v1/contacts/{id}/actions", post(api::act))
        .route("/api/v1/contacts/{id}/deal", post(api::deal))
        .route("/api/v1/contacts/{id}/messages", post(api::message))
}
