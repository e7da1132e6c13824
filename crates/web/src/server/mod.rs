//! The web server: pages, the JSON API and the index follower.

mod api;
mod error;
mod pages;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tower_http::services::ServeDir;

use crate::app::App;

pub use error::WebError;

/// How often the server applies database changes to its index. Short enough that a
/// posting is searchable within a second or two of being written by any process.
const FOLLOW_INTERVAL: Duration = Duration::from_millis(500);

/// Builds the router over a shared platform; the tests build the same one.
pub fn router(app: Arc<App>) -> Router {
    let static_dir = std::env::var("TECHMATCH_STATIC_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/static").to_owned());
    Router::new()
        .route("/", get(pages::home))
        .route("/needs/{id}", get(pages::need))
        .route("/achievements/{id}", get(pages::achievement))
        .route("/healthz", get(api::health))
        .route("/api/v1/search", get(api::search))
        .route("/api/v1/needs/{id}/matches", get(api::need_matches))
        .route(
            "/api/v1/achievements/{id}/matches",
            get(api::achievement_matches),
        )
        .nest_service("/static", ServeDir::new(static_dir))
        .with_state(app)
}

/// Serves until SIGINT or SIGTERM, then finishes in-flight requests and stops.
///
/// # Errors
/// Fails when the address cannot be bound.
pub async fn serve(app: App, bind: SocketAddr) -> anyhow::Result<()> {
    let app = Arc::new(app);
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let local = listener.local_addr()?;
    tracing::info!(address = %local, "techmatch is listening");
    println!("techmatch: http://{local}/");
    let follower = tokio::spawn(follow_changes(app.clone()));
    axum::serve(listener, router(app.clone()))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    follower.abort();
    // A final catch-up so that nothing written before the stop waits for the next start.
    if let Err(error) = app.catch_up().await {
        tracing::warn!(%error, "final index catch-up failed; the next start will redo it");
    }
    Ok(())
}

async fn follow_changes(app: Arc<App>) {
    let mut tick = tokio::time::interval(FOLLOW_INTERVAL);
    loop {
        tick.tick().await;
        if let Err(error) = app.catch_up().await {
            tracing::warn!(%error, "index catch-up failed, retrying");
        }
    }
}

async fn shutdown_signal() {
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
