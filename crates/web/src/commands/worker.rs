//! `techmatch worker [--smtp-url URL] [--mail-from ADDR] [--webhook-ca-file PATH]
//! [--webhook-allow-private CIDR]`:
//! delivers the outbox's notices (mails and webhook posts) without serving pages, so
//! that a deployment can run more delivery than web nodes. Any number may run beside
//! `techmatch serve` on one PostgreSQL database: claims never overlap (see
//! `techmatch_core::services::outbox`).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use techmatch_core::{db, t};

use crate::clock::Clock;
use crate::server::delivery::Deliverer;

#[derive(Args, Debug)]
pub struct WorkerArgs {
    /// SMTP server for outgoing mail, as for `serve`; without one, notices are written
    /// as `.eml` files under `<data dir>/mail/`.
    #[arg(long, env = "TECHMATCH_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender of outgoing mail.
    #[arg(
        long,
        env = "TECHMATCH_MAIL_FROM",
        default_value_t = t!("mail-default-sender")
    )]
    pub mail_from: String,
    #[command(flatten)]
    pub webhooks: crate::cli::WebhookArgs,
    /// Tests only: read the current time from this file (an RFC 3339 timestamp), as for
    /// `serve`, so that retry delays can be crossed without waiting.
    #[arg(long, env = "TECHMATCH_CLOCK_FILE", hide = true)]
    pub clock_file: Option<std::path::PathBuf>,
}

/// Delivers until SIGINT or SIGTERM.
///
/// It opens the database only, not the whole platform: a long-lived process holding the
/// search index's single writer would leave the web node's index read-only.
///
/// # Errors
/// Fails when the database cannot be opened or the SMTP URL or sender is malformed.
pub async fn run(
    data_dir: &Path,
    database_url: Option<&str>,
    args: WorkerArgs,
) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
    let _data_lock = crate::data_lock::DataDirLock::shared(data_dir)?;
    let url = db::database_url(database_url, data_dir);
    let conn = db::connect(&url)
        .await
        .context("cannot open the database")?;
    let deliverer = Deliverer::new(
        args.smtp_url.as_deref(),
        &args.mail_from,
        data_dir,
        args.webhooks.webhook_ca_file.as_deref(),
        args.webhooks.reach(),
    )?;
    if let Some(dir) = deliverer.mail_dir() {
        tracing::warn!(dir = %dir.display(), "no --smtp-url: notices are written as files");
    }
    let clock = args.clock_file.map_or(Clock::System, Clock::File);
    println!("techmatch worker: delivering");
    tokio::select! {
        () = deliverer.run(conn.clone(), clock) => {}
        () = crate::server::shutdown_signal() => {}
    }
    // A notice being sent at the stop keeps its claim, which expires: the next worker
    // sends it again with the same Message-ID, so it is never lost.
    let _ = conn.close().await;
    Ok(ExitCode::SUCCESS)
}
