//! `techmatch import needs|achievements FILE`.

use std::path::Path;
use std::process::ExitCode;

use techmatch_core::lists::read::read_list;
use techmatch_core::services::import::{ImportReport, import_achievements, import_needs};
use techmatch_core::t;

use crate::app::App;
use crate::cli::{EXIT_REJECTED, ListKind};

pub async fn run(app: &App, list: ListKind, file: &Path, json: bool) -> anyhow::Result<ExitCode> {
    // A file that is not what it claims to be is one clear error, before anything changes.
    let raw = read_list(file)?;
    let report = match list {
        ListKind::Needs => import_needs(&app.db, raw, &app.industries()).await?,
        ListKind::Achievements => import_achievements(&app.db, raw, &app.industries()).await?,
    };
    let sync = app.catch_up().await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(file, &report);
        if sync.changes > 0 || sync.rebuilt {
            println!("{}", t!("cli-import-index-updated", seq = sync.seq));
        }
    }
    Ok(if report.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_REJECTED)
    })
}

fn print_report(file: &Path, report: &ImportReport) {
    let summary = t!(
        "cli-import-summary",
        file = file.display().to_string(),
        rows = report.rows,
        created = report.created,
        updated = report.updated,
        unchanged = report.unchanged,
        rejected = report.problems.len()
    );
    println!("{summary}");
    if !report.ignored_columns.is_empty() {
        let columns = report.ignored_columns.join(&t!("list-separator"));
        println!("{}", t!("cli-import-ignored-columns", columns = columns));
    }
    for p in &report.problems {
        let column = p.column.as_deref().unwrap_or("-");
        let line = t!(
            "cli-import-problem",
            row = p.row,
            column = column,
            value = p.value.as_str(),
            reason = p.reason.as_str()
        );
        println!("{line}");
    }
}

#[cfg(test)]
mod tests {
    use techmatch_core::t;

    #[test]
    fn a_rejected_row_is_one_tab_separated_line() {
        let line = t!(
            "cli-import-problem",
            row = 12,
            column = "预算",
            value = "很多",
            reason = "无法识别"
        );
        assert_eq!(line, "第 12 行\t列「预算」\t值「很多」\t无法识别");
    }
}
