//! `techmatch import needs|achievements FILE`.

use std::path::Path;
use std::process::ExitCode;

use techmatch_core::lists::read::read_list;
use techmatch_core::services::import::{ImportReport, import_achievements, import_needs};

use crate::app::App;
use crate::cli::{EXIT_REJECTED, ListKind};

pub async fn run(app: &App, list: ListKind, file: &Path, json: bool) -> anyhow::Result<ExitCode> {
    // A file that is not what it claims to be is one clear error, before anything changes.
    let raw = read_list(file)?;
    let report = match list {
        ListKind::Needs => import_needs(&app.db, raw, &app.industries).await?,
        ListKind::Achievements => import_achievements(&app.db, raw, &app.industries).await?,
    };
    let sync = app.catch_up().await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(file, &report);
        if sync.changes > 0 || sync.rebuilt {
            println!("搜索索引已更新（变更日志位置 {}）", sync.seq);
        }
    }
    Ok(if report.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_REJECTED)
    })
}

fn print_report(file: &Path, report: &ImportReport) {
    println!(
        "{}：共 {} 行，新增 {}，更新 {}，未变 {}，拒绝 {}",
        file.display(),
        report.rows,
        report.created,
        report.updated,
        report.unchanged,
        report.problems.len()
    );
    if !report.ignored_columns.is_empty() {
        println!(
            "未识别的列（已忽略）：{}",
            report.ignored_columns.join("、")
        );
    }
    for p in &report.problems {
        let column = p.column.as_deref().unwrap_or("-");
        println!(
            "第 {} 行\t列「{}」\t值「{}」\t{}",
            p.row, column, p.value, p.reason
        );
    }
}
