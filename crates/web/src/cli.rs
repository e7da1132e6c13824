//! The command line: parsing, logging set-up, and exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use techmatch_core::services::webhook_addresses::{self, AddressPolicy};
use techmatch_core::t;

use crate::commands;

#[derive(Parser, Debug)]
#[command(
    name = "techmatch",
    version,
    about = t!("cli-about")
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Folder holding the SQLite database and the search index.
    #[arg(
        long,
        global = true,
        env = "TECHMATCH_DATA_DIR",
        default_value = "./data"
    )]
    pub data_dir: PathBuf,
    /// PostgreSQL URL (postgres://…); SQLite in the data directory when absent.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web platform.
    Serve(commands::serve::ServeArgs),
    /// Deliver queued notices (mail) without serving pages; stops on SIGINT or SIGTERM.
    Worker(commands::worker::WorkerArgs),
    /// Import a need or achievement list (XLSX, XLS, XLSB, ODS, ET, CSV or JSONL).
    Import {
        list: ListKind,
        file: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Read a column as a field: `--map 难题简述=需求描述` (repeatable).
        #[arg(long = "map", value_name = "HEADER=FIELD")]
        map: Vec<String>,
    },
    /// Export a list with the same headers the importer reads.
    Export(commands::export::ExportArgs),
    /// The bureau's yearly report: figures, deals and challenge outcomes, one sheet each.
    Report(commands::report::ReportArgs),
    /// Ranked, explained matches for one posting, or for every published need.
    Match(commands::matching::MatchArgs),
    /// Full-text search of published postings.
    Search(commands::search::SearchArgs),
    /// Write a consistent copy of the SQLite database while the platform runs.
    Backup(commands::backup::BackupArgs),
    /// Bring back a backup into the data directory (the platform must be stopped).
    Restore(commands::backup::RestoreArgs),
    /// Rebuild the search index from the database.
    Reindex,
    /// Database and index counts, and whether the index is current.
    Status(commands::status::StatusArgs),
    /// Manage organisations.
    #[command(subcommand)]
    Org(commands::org::OrgCommand),
    /// Manage user accounts.
    #[command(subcommand)]
    User(commands::user::UserCommand),
    /// Measure match quality on the csl-dev corpus (MRR@10, nDCG@10, Recall@10/50).
    Eval(commands::eval::EvalArgs),
    /// Measure import throughput, index size, match latency and memory on synthetic data.
    Bench(commands::bench::BenchArgs),
    /// Load a served platform of synthetic postings with many concurrent clients.
    Loadtest(commands::loadtest::LoadtestArgs),
}

/// How webhook posts reach their receivers: the same for `serve` and `worker`, since
/// either delivers.
#[derive(Args, Debug, Clone)]
pub struct WebhookArgs {
    /// Extra trusted root certificates (PEM) for webhooks on a private network, added
    /// to the usual roots.
    #[arg(long, env = "TECHMATCH_WEBHOOK_CA_FILE")]
    pub webhook_ca_file: Option<PathBuf>,
    /// Private address ranges webhooks may reach, comma-separated CIDRs (e.g.
    /// 10.20.0.0/16), for an intranet deployment; by default webhooks reach public
    /// addresses only, never loopback, private, link-local or other internal ones.
    #[arg(
        long,
        env = "TECHMATCH_WEBHOOK_ALLOW_PRIVATE",
        value_delimiter = ',',
        value_parser = webhook_addresses::parse_range
    )]
    pub webhook_allow_private: Vec<ipnet::IpNet>,
}

impl WebhookArgs {
    /// The addresses webhooks may reach.
    pub fn reach(&self) -> AddressPolicy {
        AddressPolicy::allowing(self.webhook_allow_private.clone())
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListKind {
    Needs,
    Achievements,
}

impl ListKind {
    pub fn posting_kind(self) -> techmatch_core::posting::PostingKind {
        match self {
            ListKind::Needs => techmatch_core::posting::PostingKind::Need,
            ListKind::Achievements => techmatch_core::posting::PostingKind::Achievement,
        }
    }
}

/// Exit code when a command finished but refused some input (rejected import rows).
pub const EXIT_REJECTED: u8 = 3;

/// Parses the command line, runs the command and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // One process-wide TLS provider (ring), shared by every TLS client the binary builds.
    let _ = rustls::crypto::ring::default_provider().install_default();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TECHMATCH_LOG").unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("warn,techmatch=info,techmatch_web=info")
            }),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
