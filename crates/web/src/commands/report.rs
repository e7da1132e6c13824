//! `techmatch report --year 2026 --format xlsx|csv --output FILE`: the bureau's yearly
//! report (see `techmatch_core::services::report`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};
use techmatch_core::lists::write::TableFormat;
use techmatch_core::services::{report, settings};

use crate::app::App;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Xlsx,
    Csv,
}

impl ReportFormat {
    pub fn table_format(self) -> TableFormat {
        match self {
            ReportFormat::Xlsx => TableFormat::Xlsx,
            ReportFormat::Csv => TableFormat::Csv,
        }
    }
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The calendar year (Beijing time).
    #[arg(long)]
    pub year: i32,
    #[arg(long, value_enum, default_value = "xlsx")]
    pub format: ReportFormat,
    /// The file to write.
    #[arg(long)]
    pub output: PathBuf,
}

pub async fn run(app: &App, args: ReportArgs) -> anyhow::Result<ExitCode> {
    let target = settings::current(&app.db, &app.industries())
        .await?
        .yearly_target
        .yuan();
    let bytes = report::build(&app.db, args.year, target, args.format.table_format()).await?;
    // Written beside the target and renamed, so a failed run leaves no half a report.
    let partial = args.output.with_extension("partial");
    std::fs::write(&partial, &bytes)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, &args.output)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    println!(
        "report {}: {} bytes written to {}",
        args.year,
        bytes.len(),
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}
