//! The web server: pages, the JSON API and the index follower.

mod accounts;
pub mod auth;
mod bureau;
mod challenges;
mod contacts;
mod notifications;
mod postings;

pub use notifications::delivery;
mod background;
mod error;
mod extract;
mod i18n;
mod nav;
mod openapi;
mod security_headers;

use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;

use axum::Router;
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
        .merge(accounts::routes())
        .merge(postings::routes())
        .merge(bureau::routes())
        .merge(challenges::routes())
        .merge(contacts::routes())
        .merge(notifications::routes())
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
    techmatch_app::notices::challenge_events(&app.db, &app.public_url, app.clock.now()).await?;
    notifications::alerts::start(&app, app.clock.now()).await?;
    tracing::info!(address = %local, "techmatch is listening");
    println!("techmatch: http://{local}/");
    let jobs = background::start(&app);
    let deliverer = notifications::delivery::Deliverer::new(
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
