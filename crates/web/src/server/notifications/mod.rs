//! Notifications: preferences and unsubscribing, saved searches and match alerts,
//! webhooks, and the delivery of the outbox by mail and webhook.
//!
//! Each area owns its pages and its `/api/v1` routes; both call the same use cases in
//! `techmatch_app`.

pub(crate) mod alerts;
pub mod delivery;
pub(crate) mod preferences;
pub(crate) mod searches;
pub(crate) mod webhook_reach;
pub(crate) mod webhooks;

use axum::Router;
use axum::routing::{get, post};

use crate::server::AppState;

/// The area's pages and API routes.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        // Notification preferences, and the signed one-click unsubscribe link of every
        // switchable mail (RFC 8058): no login and no CSRF form, the signature decides.
        .route(
            "/me/notifications",
            get(preferences::show).post(preferences::save),
        )
        .route("/me/searches", get(searches::show).post(searches::create))
        .route("/me/searches/{id}/delete", post(searches::delete))
        .route(
            "/unsubscribe",
            get(preferences::confirm).post(preferences::unsubscribe),
        )
        // An organisation's webhooks (group robots, signed JSON receivers).
        .route("/me/webhooks", get(webhooks::show).post(webhooks::create))
        .route("/me/webhooks/{id}/delete", post(webhooks::delete))
        .route(
            "/api/v1/me/webhooks",
            get(webhooks::api_list).post(webhooks::api_create),
        )
        .route(
            "/api/v1/me/webhooks/{id}",
            axum::routing::delete(webhooks::api_delete),
        )
        .route(
            "/api/v1/me/notifications",
            get(preferences::api_show).put(preferences::api_change),
        )
        .route(
            "/api/v1/me/searches",
            get(searches::api_list).post(searches::api_create),
        )
        .route(
            "/api/v1/me/searches/{id}",
            axum::routing::delete(searches::api_delete),
        )
}
