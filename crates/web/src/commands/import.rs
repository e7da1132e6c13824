//! `techmatch import needs|achievements FILE [--map HEADER=FIELD]…`.

use std::path::Path;
use std::process::ExitCode;

use techmatch_core::lists::columns::mapping_from_pairs;
use techmatch_core::lists::read::read_list;
use techmatch_core::posting::PostingKind;
use techmatch_core::services::import::{
    ImportOptions, ImportReport, ImportScope, columns_of, import_list,
};
use techmatch_core::t;

use crate::app::App;
use crate::cli::{EXIT_REJECTED, ListKind};

pub async fn run(
    app: &App,
    list: ListKind,
    file: &Path,
    json: bool,
    map: &[String],
) -> anyhow::Result<ExitCode> {
    let kind = match list {
        ListKind::Needs => PostingKind::Need,
        ListKind::Achievements => PostingKind::Achievement,
    };
    let (columns, _) = columns_of(kind);
    let mut options = ImportOptions::new(ImportScope::Bureau, &file.display().to_string());
    options.mapping = mapping_from_pairs(columns, map)?;
    // A file that is not what it claims to be is one clear error, before anything changes.
    let raw = read_list(file)?;
    let report = import_list(&app.db, kind, raw, &app.industries(), &options).await?;
    let sync = app.catch_up().await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(file, kind, &report);
        if sync.changes > 0 || sync.rebuilt {
            println!("{}", t!("cli-import-index-updated", seq = sync.seq));
        }
    }
    Ok(if report.problems.is_empty() && report.refused.is_none() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_REJECTED)
    })
}

fn print_report(file: &Path, kind: PostingKind, report: &ImportReport) {
    let (columns, _) = columns_of(kind);
    for sheet in &report.layout.sheets {
        println!("{}", sheet.summary());
    }
    for skipped in &report.layout.skipped_sheets {
        let line = t!(
            "cli-import-skipped-sheet",
            sheet = skipped.sheet.as_str(),
            reason = skipped.reason.as_str()
        );
        println!("{line}");
    }
    let (plain, with_candidates) = unplaced_columns(report, columns);
    if !plain.is_empty() {
        let line = t!(
            "cli-import-column-ignored",
            column = plain.join(&t!("list-separator"))
        );
        println!("{line}");
    }
    for (column, candidates) in with_candidates {
        let line = t!(
            "cli-import-column-candidates",
            column = column.as_str(),
            candidates = candidates.join(&t!("list-separator"))
        );
        println!("{line}");
    }
    if let Some(refused) = &report.refused {
        println!("{refused}");
        println!("{}", t!("cli-import-map-hint"));
        return;
    }
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
    for p in &report.problems {
        let column = p.column.as_deref().unwrap_or("-");
        let line = t!(
            "cli-import-problem",
            row = p.row,
            column = column,
            value = p.value.as_str(),
            reason = p.reason.as_str()
        );
        match &p.sheet {
            Some(sheet) => println!("{sheet}\t{line}"),
            None => println!("{line}"),
        }
    }
}

/// The columns not imported, once each however many sheets have them: those nothing
/// resembles, and those with the fields they might be.
fn unplaced_columns(
    report: &ImportReport,
    columns: &[techmatch_core::lists::columns::Column],
) -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let mut plain: Vec<String> = Vec::new();
    let mut with_candidates: Vec<(String, Vec<String>)> = Vec::new();
    for column in report.layout.columns.iter().filter(|c| c.field.is_none()) {
        let candidates = column.candidate_headers(columns);
        if candidates.is_empty() {
            if !plain.contains(&column.header) {
                plain.push(column.header.clone());
            }
        } else if !with_candidates.iter().any(|(h, _)| *h == column.header) {
            with_candidates.push((column.header.clone(), candidates));
        }
    }
    (plain, with_candidates)
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
