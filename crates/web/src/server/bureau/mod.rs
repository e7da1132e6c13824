//! The bureau's desk: users, organisations and brokers, list batches and exports, the
//! platform's settings, the outbox, the dashboard and the statistics it publishes.
//!
//! Each area owns its pages and its `/api/v1` routes; both call the same use cases in
//! `techmatch_app`.

pub(crate) mod brokers;
pub(crate) mod charts;
pub(crate) mod dashboard;
pub(crate) mod ecosystem_map;
pub(crate) mod lists;
pub(crate) mod organisations_api;
pub(crate) mod outbox;
pub(crate) mod pages;
pub(crate) mod public_stats;
pub(crate) mod settings;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::server::AppState;

/// The area's pages and API routes.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        // The bureau.
        .route("/bureau/queue", get(pages::queue))
        .route(
            "/bureau/lists",
            get(lists::list)
                .post(lists::upload)
                .layer(DefaultBodyLimit::max(
                    crate::server::postings::upload::MAX_UPLOAD_BYTES,
                )),
        )
        .route("/bureau/lists/map", post(lists::map))
        .route("/bureau/lists/{id}", get(lists::show))
        .route("/bureau/postings/export", get(lists::export_page))
        .route("/bureau/{kind}/{id}/decide", post(pages::decide))
        .route("/bureau/audit", get(pages::audit))
        .route("/bureau/users", get(pages::users))
        .route("/bureau/users/appoint", post(pages::appoint))
        .route("/bureau/users/{id}/suspend", post(pages::suspend))
        .route(
            "/bureau/users/{id}/confirm-membership",
            post(pages::confirm_membership),
        )
        .route("/bureau/brokers", get(brokers::list))
        .route("/bureau/brokers/{id}/assignments", post(brokers::assign))
        .route(
            "/bureau/brokers/{id}/assignments/{org_id}/remove",
            post(brokers::unassign),
        )
        .route("/bureau/settings", get(settings::show).post(settings::save))
        .route(
            "/me/acting",
            get(brokers::acting_page).post(brokers::choose_acting),
        )
        .route("/bureau/orgs", get(pages::orgs))
        .route("/bureau/orgs/{id}/verify", post(pages::verify))
        .route("/bureau/orgs/{id}/merge", post(pages::merge))
        // Notifications: the administrator's view of the outbox and its mail files.
        .route("/bureau/outbox", get(outbox::show))
        .route("/bureau/dashboard", get(dashboard::show))
        .route("/statistics", get(public_stats::show))
        .route("/api/v1/public/statistics", get(public_stats::api_show))
        .route("/api/v1/statistics", get(dashboard::api_show))
        .route("/api/v1/statistics/report", get(dashboard::report))
        .route("/bureau/outbox/{id}/retry", post(outbox::retry))
        .route("/bureau/outbox/mail/{name}", get(outbox::mail_file))
        .route("/api/v1/outbox", get(outbox::api_show))
        .route("/api/v1/outbox/{id}/retry", post(outbox::api_retry))
        .route(
            "/api/v1/bureau/lists",
            get(lists::list_api)
                .post(lists::upload_api)
                .layer(DefaultBodyLimit::max(
                    crate::server::postings::upload::MAX_UPLOAD_BYTES,
                )),
        )
        .route("/api/v1/bureau/postings/export", get(lists::export_api))
        .route("/api/v1/me/assignments", get(brokers::api_own_assignments))
        .route(
            "/api/v1/me/acting",
            axum::routing::put(brokers::api_choose_acting),
        )
        .route(
            "/api/v1/brokers/{id}/assignments",
            get(brokers::api_assignments).post(brokers::api_assign),
        )
        .route(
            "/api/v1/brokers/{id}/assignments/{org_id}",
            axum::routing::delete(brokers::api_unassign),
        )
        .route(
            "/api/v1/settings",
            get(settings::api_show).put(settings::api_change),
        )
        .route("/api/v1/audit", get(organisations_api::audit))
        .route("/api/v1/organisations", get(organisations_api::orgs))
        .route(
            "/api/v1/organisations/{id}/verify",
            post(organisations_api::verify_org),
        )
        .route(
            "/api/v1/organisations/{id}/merge",
            post(organisations_api::merge_org),
        )
}
