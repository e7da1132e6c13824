//! `techmatch match need|achievement ID` and `techmatch match --all-needs`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, ValueEnum};
use techmatch_core::posting::{PostingKind, PostingView, Status};
use techmatch_core::services::postings;
use techmatch_search::fit::HardFilters;
use techmatch_search::{Match, MatchOptions, find_matches};

use crate::app::App;

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Need,
    Achievement,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// Same industry / field.
    Industry,
    /// Achievement maturity at least the wanted level.
    Maturity,
    /// Asking price within budget.
    Budget,
    /// Some cooperation mode in common.
    Mode,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchFormat {
    Trec,
    Jsonl,
}

#[derive(Args, Debug)]
pub struct MatchArgs {
    /// Whose matches: a need's achievements or an achievement's needs.
    pub side: Option<Side>,
    /// The posting's external id (the list's own identifier).
    pub id: Option<String>,
    /// Match every published need instead of one posting.
    #[arg(long, conflicts_with_all = ["side", "id"])]
    pub all_needs: bool,
    /// How many matches to list per posting.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Print JSON instead of text (single posting).
    #[arg(long)]
    pub json: bool,
    /// Output format for --all-needs.
    #[arg(long, value_enum, default_value = "trec")]
    pub format: BatchFormat,
    /// Exclude candidates that clearly mismatch on these (repeatable or comma-separated).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub require: Vec<Requirement>,
}

fn options(args: &MatchArgs) -> MatchOptions {
    let wants = |r| args.require.contains(&r);
    MatchOptions {
        top: args.top.clamp(1, 1000),
        hard: HardFilters {
            industry: wants(Requirement::Industry),
            maturity: wants(Requirement::Maturity),
            budget: wants(Requirement::Budget),
            mode: wants(Requirement::Mode),
        },
        ..Default::default()
    }
}

pub async fn run(app: &App, args: MatchArgs) -> anyhow::Result<ExitCode> {
    let options = options(&args);
    if args.all_needs {
        return all_needs(app, &options, args.format).await;
    }
    let (Some(side), Some(id)) = (args.side, args.id.as_deref()) else {
        bail!("name a posting (`techmatch match need ID`) or use --all-needs");
    };
    let kind = match side {
        Side::Need => PostingKind::Need,
        Side::Achievement => PostingKind::Achievement,
    };
    let view = postings::view_by_external_id(&app.db, kind, id).await?;
    let matches = find_matches(&app.index, &view, &options)?;
    if args.json {
        let out = serde_json::json!({ "posting": view.external_id, "title": view.title, "matches": matches });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_matches(&view, &matches);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_matches(view: &PostingView, matches: &[Match]) {
    println!(
        "{}「{}」（{}）的匹配结果：{} 条",
        view.kind.label(),
        view.title,
        view.external_id,
        matches.len()
    );
    if view.status != Status::Published {
        println!(
            "注意：该{}当前状态为「{}」",
            view.kind.label(),
            view.status.label()
        );
    }
    for (rank, m) in matches.iter().enumerate() {
        println!();
        println!(
            "{:>2}. [{:.3}] {}（{}）{}",
            rank + 1,
            m.score,
            m.title,
            m.external_id,
            m.org_name
                .as_deref()
                .map(|o| format!(" — {o}"))
                .unwrap_or_default()
        );
        let factors: Vec<String> = m
            .factors
            .iter()
            .map(|f| format!("{} {:+.3}（{}）", f.label, f.contribution, f.detail))
            .collect();
        println!("    得分构成：{}", factors.join("；"));
        if !m.matched_terms.is_empty() {
            let terms: Vec<String> = m
                .matched_terms
                .iter()
                .map(|t| {
                    if t.partial {
                        format!("{}（部分）", t.term)
                    } else {
                        t.term.clone()
                    }
                })
                .collect();
            println!("    匹配词：{}", terms.join("、"));
        }
    }
}

async fn all_needs(
    app: &App,
    options: &MatchOptions,
    format: BatchFormat,
) -> anyhow::Result<ExitCode> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut after = 0;
    loop {
        let page = postings::views_page(
            &app.db,
            PostingKind::Need,
            Some(Status::Published),
            after,
            500,
        )
        .await?;
        let Some(last) = page.last().map(|v| v.id) else {
            break;
        };
        for need in &page {
            let matches = find_matches(&app.index, need, options)?;
            match format {
                BatchFormat::Trec => {
                    for (rank, m) in matches.iter().enumerate() {
                        writeln!(
                            out,
                            "{} Q0 {} {} {:.6} techmatch",
                            need.external_id,
                            m.external_id,
                            rank + 1,
                            m.score
                        )?;
                    }
                }
                BatchFormat::Jsonl => {
                    let line = serde_json::json!({ "need": need.external_id, "matches": matches });
                    writeln!(out, "{line}")?;
                }
            }
        }
        after = last;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
