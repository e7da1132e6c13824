//! `techmatch match need|achievement ID` and `techmatch match --all-needs`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, ValueEnum};
use techmatch_core::posting::{PostingKind, PostingView, Status};
use techmatch_core::services::postings;
use techmatch_core::t;
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
    /// The posting's id in the bureau's list, or its public id.
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
    let mut view = postings::view_by_bureau_id(&app.db, kind, id).await?;
    let mut matches = find_matches(&app.index, &view, &options)?;
    let own = postings::bureau_facing_ids(&app.db, kind, &[view.id]).await?;
    if let Some(shown) = own.get(&view.id) {
        view.external_id.clone_from(shown);
    }
    to_bureau_ids(app, &mut matches).await?;
    if args.json {
        let out = serde_json::json!({ "posting": view.external_id, "title": view.title, "matches": matches });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_matches(&view, &matches);
    }
    Ok(ExitCode::SUCCESS)
}

/// The command line shows the bureau's own identifiers (see
/// `techmatch_core::posting::ids`): matches come from the index with public ids.
async fn to_bureau_ids(app: &App, matches: &mut [Match]) -> anyhow::Result<()> {
    for kind in [PostingKind::Need, PostingKind::Achievement] {
        let ids: Vec<i64> = matches
            .iter()
            .filter(|m| m.kind == kind)
            .map(|m| m.id)
            .collect();
        if ids.is_empty() {
            continue;
        }
        let shown = postings::bureau_facing_ids(&app.db, kind, &ids).await?;
        for m in matches.iter_mut().filter(|m| m.kind == kind) {
            if let Some(id) = shown.get(&m.id) {
                m.external_id.clone_from(id);
            }
        }
    }
    Ok(())
}

fn print_matches(view: &PostingView, matches: &[Match]) {
    let heading = t!(
        "cli-match-heading",
        kind = view.kind.label(),
        title = view.title.as_str(),
        id = view.external_id.as_str(),
        count = matches.len()
    );
    println!("{heading}");
    if view.status != Status::Published {
        let (kind, status) = (view.kind.label(), view.status.label());
        let note = t!("cli-match-not-published", kind = kind, status = status);
        println!("{note}");
    }
    for (rank, m) in matches.iter().enumerate() {
        println!();
        let rank = format!("{:>2}", rank + 1);
        let score = format!("{:.3}", m.score);
        let (title, id) = (m.title.as_str(), m.external_id.as_str());
        let item = match m.org_name.as_deref() {
            Some(organisation) => t!(
                "cli-match-item-with-organisation",
                rank = rank,
                score = score,
                title = title,
                id = id,
                organisation = organisation
            ),
            None => t!(
                "cli-match-item",
                rank = rank,
                score = score,
                title = title,
                id = id
            ),
        };
        println!("{item}");
        let factors: Vec<String> = m
            .factors
            .iter()
            .map(|f| {
                let contribution = format!("{:+.3}", f.contribution);
                t!(
                    "cli-match-factor",
                    label = f.label.as_str(),
                    contribution = contribution,
                    detail = f.detail.as_str()
                )
            })
            .collect();
        let factors = factors.join(&t!("separator-semicolon"));
        println!("    {}", t!("cli-match-factors", factors = factors));
        if !m.matched_terms.is_empty() {
            let terms: Vec<String> = m
                .matched_terms
                .iter()
                .map(|t| {
                    if t.partial {
                        t!("cli-match-partial-term", term = t.term.as_str())
                    } else {
                        t.term.clone()
                    }
                })
                .collect();
            let terms = terms.join(&t!("list-separator"));
            println!("    {}", t!("cli-match-terms", terms = terms));
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
        let page_ids: Vec<i64> = page.iter().map(|v| v.id).collect();
        let need_ids = postings::bureau_facing_ids(&app.db, PostingKind::Need, &page_ids).await?;
        for need in &page {
            let mut matches = find_matches(&app.index, need, options)?;
            to_bureau_ids(app, &mut matches).await?;
            let need_id = need_ids.get(&need.id).unwrap_or(&need.external_id);
            match format {
                BatchFormat::Trec => {
                    for (rank, m) in matches.iter().enumerate() {
                        writeln!(
                            out,
                            "{} Q0 {} {} {:.6} techmatch",
                            need_id,
                            m.external_id,
                            rank + 1,
                            m.score
                        )?;
                    }
                }
                BatchFormat::Jsonl => {
                    let line = serde_json::json!({ "need": need_id, "matches": matches });
                    writeln!(out, "{line}")?;
                }
            }
        }
        after = last;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
