//! Accounts: registration and its confirmation, login and logout, password resets,
//! the user's own record and API tokens.
//!
//! Each area owns its pages and its `/api/v1` routes; both call the same use cases in
//! `techmatch_app`.

pub(crate) mod api;
pub(crate) mod pages;
pub(crate) mod password;
pub(crate) mod registration;

use axum::Router;
use axum::routing::{get, post};

use crate::server::AppState;

/// The area's pages and API routes.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        // Accounts.
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route(
            "/password/forgot",
            get(password::forgot_form).post(password::forgot),
        )
        .route(
            "/password/reset",
            get(password::reset_form).post(password::reset),
        )
        .route("/register", get(pages::register_form).post(pages::register))
        .route(
            "/register/confirm",
            get(pages::confirm_form).post(pages::confirm),
        )
        .route("/api/v1/users", post(api::register))
        .route("/api/v1/users/confirmations", post(api::confirm))
        .route("/api/v1/session", post(api::login).delete(api::logout))
        .route("/api/v1/me", get(api::me))
        .route(
            "/api/v1/me/tokens",
            get(api::tokens).post(api::create_token),
        )
        .route(
            "/api/v1/me/tokens/{id}",
            axum::routing::delete(api::revoke_token),
        )
}
