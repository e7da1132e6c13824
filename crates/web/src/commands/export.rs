//! `techmatch export needs|achievements --format csv|xlsx|jsonl [--output FILE]`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use techmatch_core::posting::Status;
use techmatch_core::services::export::{ExportFormat, export};

use crate::app::App;
use crate::cli::ListKind;

#[derive(Args, Debug)]
pub struct ExportArgs {
    pub list: ListKind,
    /// csv, xlsx or jsonl.
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// Write here instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Include postings in every status, not only published ones.
    #[arg(long)]
    pub all: bool,
}

pub async fn run(app: &App, args: ExportArgs) -> anyhow::Result<ExitCode> {
    let format = ExportFormat::parse(&args.format)?;
    let statuses: &[Status] = if args.all { &[] } else { &[Status::Published] };
    let bytes = export(&app.db, args.list.posting_kind(), statuses, format).await?;
    match args.output {
        Some(path) => std::fs::write(&path, bytes)?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
