//! The web server: pages, the JSON API and the index follower.

mod account_api;
mod account_pages;
mod alerts;
mod api;
mod attachments_api;
pub mod auth;
mod background;
mod broker_pages;
mod bureau_lists;
mod bureau_pages;
mod challenge_bureau_pages;
mod challenge_pages;
mod challenge_solvers;
mod challenges_api;
mod charts;
mod contacts_api;
mod contacts_pages;
mod cpu;
mod dashboard_pages;
pub mod delivery;
mod ecosystem_map;
mod error;
mod extract;
mod forms;
mod i18n;
mod nav;
mod notices;
mod openapi;
mod outbox_pages;
mod pages;
mod password_pages;
mod preferences_pages;
mod public_stats;
mod registration;
mod searches_pages;
mod security_headers;
mod settings_pages;
mod upload;
mod webhook_reach;
mod webhooks_pages;
mod workspace_api;
mod workspace_pages;

use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tower_http::services::ServeDir;

use techmatch_core::services::webhook_addresses::AddressPolicy;

use crate::app::App;
use crate::clock::Clock;

pub use error::{PageError, WebError};

/// What every request handler shares: the platform and the server's own state.
pub struct Shared {
    pub app: App,
    pub login_limiter: auth::LoginLimiter,
    /// Registrations, with the same quotas as logins but a budget of their own: a new
    /// user's first logins must not pay for their registration.
    pub registration_limiter: auth::LoginLimiter,
    /// The address people reach the platform at, for links in mails (no trailing `/`).
    pub public_url: String,
    /// What deadlines are decided by.
    pub clock: Clock,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The addresses webhooks may reach, checked when one is registered.
    pub webhook_reach: AddressPolicy,
    /// How many bytes of attachments one organisation may hold.
    pub attachment_quota_bytes: u64,
}

/// How the server reaches the outside world.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Defaults to `http://` and the bound address.
    pub public_url: Option<String>,
    /// Extra trusted roots (PEM) for webhooks on a private network.
    pub webhook_ca_file: Option<std::path::PathBuf>,
    /// The addresses webhooks may reach.
    pub webhook_reach: AddressPolicy,
    pub clock: Clock,
    /// Login attempts per minute per email address and per client address.
    pub login_attempts: (u32, u32),
    /// Reverse proxies whose `X-Forwarded-For` header is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// How many bytes of attachments one organisation may hold.
    pub attachment_quota_bytes: u64,
}

impl Deref for Shared {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}

pub type AppState = Arc<Shared>;

/// Builds the router over a shared platform; the tests build the same one.
///
/// Who may use a route is decided by its extractor: `PageUser`/`ApiUser` require a
/// login, and the services refuse what the user's role may not do (403).
pub fn router(state: AppState) -> Router {
    let behind_tls = state.public_url.starts_with("https://");
    security_headers::apply(routes(), behind_tls).with_state(state)
}

fn routes() -> Router<AppState> {
    let static_dir = std::env::var("TECHMATCH_STATIC_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/static").to_owned());
    Router::new()
        // Public pages.
        .route("/", get(pages::home))
        .route("/needs/{id}", get(pages::need))
        .route("/achievements/{id}", get(pages::achievement))
        // Accounts.
        .route(
            "/login",
            get(account_pages::login_form).post(account_pages::login),
        )
        .route("/logout", post(account_pages::logout))
        .route(
            "/password/forgot",
            get(password_pages::forgot_form).post(password_pages::forgot),
        )
        .route(
            "/password/reset",
            get(password_pages::reset_form).post(password_pages::reset),
        )
        .route(
            "/register",
            get(account_pages::register_form).post(account_pages::register),
        )
        .route(
            "/register/confirm",
            get(account_pages::confirm_form).post(account_pages::confirm),
        )
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
        // 对接.
        .route(
            "/contacts",
            get(contacts_pages::list).post(contacts_pages::create),
        )
        .route("/contacts/{id}", get(contacts_pages::show))
        .route("/contacts/{id}/action", post(contacts_pages::act))
        .route("/contacts/{id}/deal", post(contacts_pages::deal))
        .route("/contacts/{id}/messages", post(contacts_pages::message))
        // The bureau.
        .route("/bureau/queue", get(bureau_pages::queue))
        .route(
            "/bureau/lists",
            get(bureau_lists::list)
                .post(bureau_lists::upload)
                .layer(DefaultBodyLimit::max(upload::MAX_UPLOAD_BYTES)),
        )
        .route("/bureau/lists/map", post(bureau_lists::map))
        .route("/bureau/lists/{id}", get(bureau_lists::show))
        .route("/bureau/postings/export", get(bureau_lists::export_page))
        .route("/bureau/{kind}/{id}/decide", post(bureau_pages::decide))
        .route("/bureau/audit", get(bureau_pages::audit))
        .route("/bureau/users", get(bureau_pages::users))
        .route("/bureau/users/appoint", post(bureau_pages::appoint))
        .route("/bureau/users/{id}/suspend", post(bureau_pages::suspend))
        .route(
            "/bureau/users/{id}/confirm-membership",
            post(bureau_pages::confirm_membership),
        )
        .route("/bureau/brokers", get(broker_pages::list))
        .route(
            "/bureau/brokers/{id}/assignments",
            post(broker_pages::assign),
        )
        .route(
            "/bureau/brokers/{id}/assignments/{org_id}/remove",
            post(broker_pages::unassign),
        )
        .route(
            "/bureau/settings",
            get(settings_pages::show).post(settings_pages::save),
        )
        .route(
            "/me/acting",
            get(broker_pages::acting_page).post(broker_pages::choose_acting),
        )
        .route("/bureau/orgs", get(bureau_pages::orgs))
        .route("/bureau/orgs/{id}/verify", post(bureau_pages::verify))
        .route("/bureau/orgs/{id}/merge", post(bureau_pages::merge))
        // Notifications: the administrator's view of the outbox and its mail files.
        .route("/bureau/outbox", get(outbox_pages::show))
        .route("/bureau/dashboard", get(dashboard_pages::show))
        .route("/statistics", get(public_stats::show))
        .route("/api/v1/public/statistics", get(public_stats::api_show))
        .route("/api/v1/statistics", get(dashboard_pages::api_show))
        .route("/api/v1/statistics/report", get(dashboard_pages::report))
        .route("/bureau/outbox/{id}/retry", post(outbox_pages::retry))
        .route("/bureau/outbox/mail/{name}", get(outbox_pages::mail_file))
        .route("/api/v1/outbox", get(outbox_pages::api_show))
        .route("/api/v1/outbox/{id}/retry", post(outbox_pages::api_retry))
        // Notification preferences, and the signed one-click unsubscribe link of every
        // switchable mail (RFC 8058): no login and no CSRF form, the signature decides.
        .route(
            "/me/notifications",
            get(preferences_pages::show).post(preferences_pages::save),
        )
        .route(
            "/me/searches",
            get(searches_pages::show).post(searches_pages::create),
        )
        .route("/me/searches/{id}/delete", post(searches_pages::delete))
        .route(
            "/unsubscribe",
            get(preferences_pages::confirm).post(preferences_pages::unsubscribe),
        )
        // An organisation's webhooks (group robots, signed JSON receivers).
        .route(
            "/me/webhooks",
            get(webhooks_pages::show).post(webhooks_pages::create),
        )
        .route("/me/webhooks/{id}/delete", post(webhooks_pages::delete))
        .route(
            "/api/v1/me/webhooks",
            get(webhooks_pages::api_list).post(webhooks_pages::api_create),
        )
        .route(
            "/api/v1/me/webhooks/{id}",
            axum::routing::delete(webhooks_pages::api_delete),
        )
        // 揭榜挂帅: the bureau's console and the experts' review.
        .route("/bureau/challenges", get(challenge_bureau_pages::list))
        .route(
            "/bureau/challenges/{id}",
            get(challenge_bureau_pages::console),
        )
        .route(
            "/bureau/challenges/{id}/act",
            post(challenge_bureau_pages::act),
        )
        .route(
            "/bureau/challenges/{id}/experts",
            post(challenge_bureau_pages::assign_expert),
        )
        .route(
            "/bureau/challenges/{id}/experts/{expert_id}/remove",
            post(challenge_bureau_pages::unassign_expert),
        )
        .route(
            "/bureau/challenges/{id}/consortium",
            post(challenge_bureau_pages::link_member),
        )
        .route(
            "/bureau/challenges/{id}/void-sheet",
            post(challenge_bureau_pages::void_sheet),
        )
        .route(
            "/bureau/challenges/{id}/criteria",
            post(challenge_bureau_pages::set_criteria),
        )
        .route(
            "/bureau/challenges/{id}/formal-review",
            post(challenge_bureau_pages::formal_review),
        )
        .route(
            "/bureau/challenges/{id}/winners",
            post(challenge_bureau_pages::propose_winners),
        )
        .route(
            "/bureau/challenges/{id}/objections",
            post(challenge_bureau_pages::answer_objection),
        )
        .route(
            "/bureau/challenges/{id}/award",
            post(challenge_bureau_pages::award),
        )
        .route(
            "/bureau/challenges/{id}/execution",
            post(challenge_bureau_pages::start_execution),
        )
        .route(
            "/bureau/challenges/{id}/milestones",
            post(challenge_bureau_pages::milestone),
        )
        .route(
            "/bureau/challenges/{id}/acceptance",
            post(challenge_bureau_pages::acceptance),
        )
        .route("/expert", get(challenge_bureau_pages::expert_home))
        .route(
            "/expert/challenges/{id}/conflict",
            post(challenge_bureau_pages::declare_conflict),
        )
        .route(
            "/bids/{id}/score",
            get(challenge_bureau_pages::score_form).post(challenge_bureau_pages::score),
        )
        // 揭榜挂帅 pages of the public, the publisher and the bidder.
        .route("/challenges", get(challenge_pages::list))
        .route(
            "/challenges/new",
            get(challenge_pages::new_form).post(challenge_pages::create),
        )
        .route("/challenges/{id}", get(challenge_pages::show))
        .route(
            "/challenges/{id}/edit",
            get(challenge_pages::edit_form).post(challenge_pages::edit),
        )
        .route("/challenges/{id}/action", post(challenge_pages::act))
        .route("/challenges/{id}/objections", post(challenge_pages::object))
        .route(
            "/challenges/{id}/bid",
            get(challenge_pages::new_bid_form).post(challenge_pages::create_bid),
        )
        .route("/bids/{id}", get(challenge_pages::show_bid))
        .route(
            "/bids/{id}/edit",
            get(challenge_pages::edit_bid_form).post(challenge_pages::edit_bid),
        )
        .route("/bids/{id}/action", post(challenge_pages::act_on_bid))
        .route(
            "/milestones/{id}/report",
            post(challenge_pages::report_milestone),
        )
        // The JSON API.
        .route("/healthz", get(api::health))
        .route("/api/v1/search", get(api::search))
        .route("/api/v1/needs/{id}/matches", get(api::need_matches))
        .route(
            "/api/v1/achievements/{id}/matches",
            get(api::achievement_matches),
        )
        .route("/api/v1/users", post(account_api::register))
        .route("/api/v1/users/confirmations", post(account_api::confirm))
        .route(
            "/api/v1/session",
            post(account_api::login).delete(account_api::logout),
        )
        .route("/api/v1/me", get(account_api::me))
        .route(
            "/api/v1/me/notifications",
            get(preferences_pages::api_show).put(preferences_pages::api_change),
        )
        .route(
            "/api/v1/me/searches",
            get(searches_pages::api_list).post(searches_pages::api_create),
        )
        .route(
            "/api/v1/me/searches/{id}",
            axum::routing::delete(searches_pages::api_delete),
        )
        .route(
            "/api/v1/me/tokens",
            get(account_api::tokens).post(account_api::create_token),
        )
        .route(
            "/api/v1/me/tokens/{id}",
            axum::routing::delete(account_api::revoke_token),
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
            "/api/v1/bureau/lists",
            get(bureau_lists::list_api)
                .post(bureau_lists::upload_api)
                .layer(DefaultBodyLimit::max(upload::MAX_UPLOAD_BYTES)),
        )
        .route(
            "/api/v1/bureau/postings/export",
            get(bureau_lists::export_api),
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
        .route("/api/v1/audit", get(workspace_api::audit))
        .route("/api/v1/organisations", get(workspace_api::orgs))
        .route(
            "/api/v1/organisations/{id}/verify",
            post(workspace_api::verify_org),
        )
        .route(
            "/api/v1/organisations/{id}/merge",
            post(workspace_api::merge_org),
        )
        .route(
            "/api/v1/me/assignments",
            get(broker_pages::api_own_assignments),
        )
        .route(
            "/api/v1/me/acting",
            axum::routing::put(broker_pages::api_choose_acting),
        )
        .route(
            "/api/v1/brokers/{id}/assignments",
            get(broker_pages::api_assignments).post(broker_pages::api_assign),
        )
        .route(
            "/api/v1/brokers/{id}/assignments/{org_id}",
            axum::routing::delete(broker_pages::api_unassign),
        )
        .route(
            "/api/v1/settings",
            get(settings_pages::api_show).put(settings_pages::api_change),
        )
        // 揭榜挂帅.
        .route(
            "/api/v1/challenges",
            get(challenges_api::list).post(challenges_api::create),
        )
        .route(
            "/api/v1/challenges/{id}",
            get(challenges_api::show).put(challenges_api::edit),
        )
        .route("/api/v1/challenges/{id}/actions", post(challenges_api::act))
        .route(
            "/api/v1/challenges/{id}/criteria",
            axum::routing::put(challenges_api::set_criteria),
        )
        .route(
            "/api/v1/challenges/{id}/publicity",
            axum::routing::put(challenges_api::set_publicity_days),
        )
        .route(
            "/api/v1/challenges/{id}/experts",
            post(challenges_api::assign_expert),
        )
        .route(
            "/api/v1/challenges/{id}/experts/{user_id}",
            axum::routing::delete(challenges_api::unassign_expert),
        )
        .route(
            "/api/v1/challenges/{id}/conflict",
            post(challenges_api::declare_conflict),
        )
        .route(
            "/api/v1/challenges/{id}/sheets/void",
            post(challenges_api::void_sheet),
        )
        .route(
            "/api/v1/challenges/{id}/ranking",
            get(challenges_api::ranking),
        )
        .route(
            "/api/v1/challenges/{id}/solvers",
            get(challenge_solvers::list),
        )
        .route(
            "/api/v1/challenges/{id}/invitations",
            post(challenge_solvers::invite),
        )
        .route(
            "/api/v1/challenges/{id}/record.xlsx",
            get(challenges_api::selection_record),
        )
        .route(
            "/api/v1/challenges/{id}/winners",
            post(challenges_api::propose_winners),
        )
        .route(
            "/api/v1/challenges/{id}/objections",
            post(challenges_api::object),
        )
        .route(
            "/api/v1/objections/{id}/answer",
            post(challenges_api::answer_objection),
        )
        .route("/api/v1/challenges/{id}/award", post(challenges_api::award))
        .route(
            "/api/v1/challenges/{id}/execution",
            post(challenges_api::start_execution),
        )
        .route(
            "/api/v1/challenges/{id}/bids",
            post(challenges_api::create_bid),
        )
        .route(
            "/api/v1/bids/{id}",
            get(challenges_api::show_bid).put(challenges_api::edit_bid),
        )
        .route(
            "/api/v1/bids/{id}/actions",
            post(challenges_api::act_on_bid),
        )
        .route(
            "/api/v1/bids/{id}/formal-review",
            post(challenges_api::formal_review),
        )
        .route(
            "/api/v1/bids/{id}/consortium",
            get(challenges_api::consortium),
        )
        .route(
            "/api/v1/bids/{id}/consortium/{index}/link",
            post(challenges_api::link_member),
        )
        .route(
            "/api/v1/bids/{id}/consortium/{index}/unlink",
            post(challenges_api::unlink_member),
        )
        .route("/api/v1/bids/{id}/scores", post(challenges_api::score))
        .route(
            "/api/v1/bids/{id}/achievement",
            post(challenges_api::register_achievement),
        )
        .route(
            "/api/v1/bids/{id}/acceptance",
            post(challenges_api::final_acceptance),
        )
        .route(
            "/api/v1/milestones/{id}/steps",
            post(challenges_api::milestone_step),
        )
        // Attachments (附件) of challenges and bids: PDF and Office files, at most 20 MB.
        .route(
            "/api/v1/challenges/{id}/attachments",
            get(attachments_api::list_of_challenge)
                .post(attachments_api::upload_to_challenge)
                .layer(DefaultBodyLimit::max(attachments_api::BODY_LIMIT)),
        )
        .route(
            "/api/v1/bids/{id}/attachments",
            get(attachments_api::list_of_bid)
                .post(attachments_api::upload_to_bid)
                .layer(DefaultBodyLimit::max(attachments_api::BODY_LIMIT)),
        )
        .route(
            "/api/v1/attachments/{id}",
            get(attachments_api::download).delete(attachments_api::delete),
        )
        .route(
            "/api/v1/contacts",
            get(contacts_api::list).post(contacts_api::create),
        )
        .route("/api/v1/contacts/{id}", get(contacts_api::show))
        .route("/api/v1/contacts/{id}/actions", post(contacts_api::act))
        .route("/api/v1/contacts/{id}/deal", post(contacts_api::deal))
        .route(
            "/api/v1/contacts/{id}/messages",
            post(contacts_api::message),
        )
        .merge(
            utoipa_swagger_ui::SwaggerUi::new("/api/v1/docs")
                .url(
                    "/api/v1/openapi.json",
                    <openapi::ApiDoc as utoipa::OpenApi>::openapi(),
                )
                // Swagger UI would otherwise ask validator.swagger.io about the document.
                .config(
                    utoipa_swagger_ui::Config::from("/api/v1/openapi.json").validator_url("none"),
                ),
        )
        .nest_service("/static", ServeDir::new(static_dir))
        .layer(axum::middleware::from_fn(auth::ensure_csrf_cookie))
}

/// Serves until SIGINT or SIGTERM, then finishes in-flight requests and stops.
///
/// # Errors
/// Fails when the address cannot be bound.
pub async fn serve(app: App, bind: SocketAddr, options: ServerOptions) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let local = listener.local_addr()?;
    let public_url = options
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{local}"))
        .trim_end_matches('/')
        .to_owned();
    let app: AppState = Arc::new(Shared {
        app,
        login_limiter: auth::LoginLimiter::new(options.login_attempts.0, options.login_attempts.1),
        registration_limiter: auth::LoginLimiter::new(
            options.login_attempts.0,
            options.login_attempts.1,
        ),
        public_url,
        clock: options.clock.clone(),
        trusted_proxies: options.trusted_proxies.clone(),
        webhook_reach: options.webhook_reach.clone(),
        attachment_quota_bytes: options.attachment_quota_bytes,
    });
    // Sets where the 揭榜挂帅 notices start (the newest step so far) before anyone can act.
    notices::challenge_events(&app.db, &app.public_url, app.clock.now()).await?;
    alerts::start(&app, app.clock.now()).await?;
    tracing::info!(address = %local, "techmatch is listening");
    println!("techmatch: http://{local}/");
    let jobs = background::start(&app);
    let deliverer = delivery::Deliverer::new(
        options.smtp_url.as_deref(),
        &options.mail_from,
        &app.data_dir,
        options.webhook_ca_file.as_deref(),
        options.webhook_reach.clone(),
    )?;
    let outbox_worker = tokio::spawn(deliverer.run(app.db.clone(), app.clock.clone()));
    let service = router(app.clone()).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    jobs.stop();
    // A notice being sent when the worker stops keeps its claim, which expires: it is
    // sent again (with the same Message-ID) by the next worker, never lost.
    outbox_worker.abort();
    // A final catch-up so that nothing written before the stop waits for the next start.
    if let Err(error) = app.catch_up().await {
        tracing::warn!(%error, "final index catch-up failed; the next start will redo it");
    }
    Ok(())
}

/// Resolves on SIGINT or SIGTERM: the server and `techmatch worker` stop on either.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
