//! `techmatch eval`: match quality on the csl-dev corpus, through the real path —
//! achievements stored in a fresh database, indexed from its change log, and every
//! query run as a need by the matcher.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::Utc;
use clap::{Args, ValueEnum};
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use techmatch_core::db;
use techmatch_core::posting::{AchievementInput, PostingKind, PostingView, Status};
use techmatch_core::services::postings;
use techmatch_search::query::TextTuning;
use techmatch_search::tokenizer::SegmentMode;
use techmatch_search::{MatchOptions, SearchIndex, find_matches};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    Title,
    Keywords,
    KeywordsHard,
    All,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModeArg {
    Precise,
    Search,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// The csl-dev folder (achievements.jsonl, queries-*.jsonl, qrels-*.txt).
    #[arg(
        long,
        env = "TECHMATCH_EVAL_DATA",
        default_value = "../shared/data/csl-dev"
    )]
    pub data: PathBuf,
    #[arg(long, value_enum, default_value = "all")]
    pub task: Task,
    /// Print the results as JSON.
    #[arg(long)]
    pub json: bool,
    /// Override how queries are segmented.
    #[arg(long, value_enum)]
    pub query_mode: Option<ModeArg>,
    /// Override the weight of bigram clauses (0 turns them off).
    #[arg(long)]
    pub bigram_weight: Option<f32>,
    #[arg(long)]
    pub title_boost: Option<f32>,
    #[arg(long)]
    pub body_boost: Option<f32>,
    #[arg(long)]
    pub keywords_boost: Option<f32>,
    #[arg(long)]
    pub max_word_terms: Option<usize>,
    #[arg(long)]
    pub max_bigram_terms: Option<usize>,
    /// Weight of single-character clauses (0 turns them off).
    #[arg(long)]
    pub char_weight: Option<f32>,
    /// Score each section on its own instead of the whole posting plus title/keywords extra.
    #[arg(long)]
    pub separate_sections: bool,
    /// How postings are segmented when indexed.
    #[arg(long, value_enum, default_value = "search")]
    pub index_mode: ModeArg,
    /// Characters in more than this share of postings are left out.
    #[arg(long)]
    pub common_char_share: Option<f32>,
    /// Pseudo-relevance feedback documents (0 turns feedback off).
    #[arg(long)]
    pub feedback_docs: Option<usize>,
    #[arg(long)]
    pub feedback_terms: Option<usize>,
    #[arg(long)]
    pub feedback_weight: Option<f32>,
    /// Let bare numbers (50, 2026) be query terms.
    #[arg(long)]
    pub number_terms: bool,
    /// Share of the best text score below which candidates are dropped.
    #[arg(long)]
    pub min_text_share: Option<f32>,
}

#[derive(Debug, Deserialize)]
struct Paper {
    id: String,
    #[serde(default)]
    title: String,
    #[serde(rename = "abstract", default)]
    summary: String,
    #[serde(default)]
    keywords: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct QueryLine {
    qid: String,
    query: String,
}

/// The figures of one run.
#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    pub task: String,
    pub corpus: String,
    pub queries: usize,
    pub mrr_at_10: f64,
    pub ndcg_at_10: f64,
    pub recall_at_10: f64,
    pub recall_at_50: f64,
}

fn read_jsonl<T: for<'de> Deserialize<'de>>(path: &Path) -> anyhow::Result<Vec<T>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l).with_context(|| format!("{} line {}", path.display(), i + 1))
        })
        .collect()
}

fn read_qrels(path: &Path) -> anyhow::Result<HashMap<String, Vec<String>>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut qrels: HashMap<String, Vec<String>> = HashMap::new();
    for line in text.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if let [qid, _, doc, rel] = parts[..]
            && rel != "0"
        {
            qrels
                .entry(qid.to_owned())
                .or_default()
                .push(doc.to_owned());
        }
    }
    Ok(qrels)
}

fn segment_mode(mode: ModeArg) -> SegmentMode {
    match mode {
        ModeArg::Precise => SegmentMode::Precise,
        ModeArg::Search => SegmentMode::Search,
    }
}

fn tuning(args: &EvalArgs) -> TextTuning {
    let mut t = TextTuning::default();
    if let Some(mode) = args.query_mode {
        t.query_mode = segment_mode(mode);
    }
    t.bigram_weight = args.bigram_weight.unwrap_or(t.bigram_weight);
    t.title_boost = args.title_boost.unwrap_or(t.title_boost);
    t.body_boost = args.body_boost.unwrap_or(t.body_boost);
    t.keywords_boost = args.keywords_boost.unwrap_or(t.keywords_boost);
    t.max_word_terms = args.max_word_terms.unwrap_or(t.max_word_terms);
    t.max_bigram_terms = args.max_bigram_terms.unwrap_or(t.max_bigram_terms);
    t.char_weight = args.char_weight.unwrap_or(t.char_weight);
    if args.separate_sections {
        t.layout = techmatch_search::query::SectionLayout::Separate;
    }
    t.common_char_share = args.common_char_share.unwrap_or(t.common_char_share);
    t.feedback_docs = args.feedback_docs.unwrap_or(t.feedback_docs);
    t.feedback_terms = args.feedback_terms.unwrap_or(t.feedback_terms);
    t.feedback_weight = args.feedback_weight.unwrap_or(t.feedback_weight);
    t.number_terms = args.number_terms;
    t
}

pub async fn run(args: EvalArgs) -> anyhow::Result<ExitCode> {
    if !args.data.join("achievements.jsonl").exists() {
        bail!(
            "no csl-dev corpus at {} (set --data or TECHMATCH_EVAL_DATA)",
            args.data.display()
        );
    }
    let tuning = tuning(&args);
    let min_text_share = args
        .min_text_share
        .unwrap_or(MatchOptions::default().min_text_share);
    let runs: Vec<(&str, bool)> = match args.task {
        Task::Title => vec![("title", false)],
        Task::Keywords => vec![("keywords", false)],
        Task::KeywordsHard => vec![("keywords-hard", false), ("keywords-hard", true)],
        Task::All => vec![
            ("title", false),
            ("keywords", false),
            ("keywords-hard", false),
            ("keywords-hard", true),
        ],
    };
    let mut all = Vec::new();
    for (task, distractors) in runs {
        let scores = evaluate(
            &args.data,
            task,
            distractors,
            &tuning,
            min_text_share,
            segment_mode(args.index_mode),
        )
        .await?;
        if !args.json {
            println!(
                "{:<14} {:<20} n={:<5} MRR@10 {:.3}  nDCG@10 {:.3}  R@10 {:.3}  R@50 {:.3}",
                scores.task,
                scores.corpus,
                scores.queries,
                scores.mrr_at_10,
                scores.ndcg_at_10,
                scores.recall_at_10,
                scores.recall_at_50
            );
        }
        all.push(scores);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&all)?);
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs one task on a fresh platform in a temporary directory.
pub async fn evaluate(
    data: &Path,
    task: &str,
    distractors: bool,
    tuning: &TextTuning,
    min_text_share: f32,
    index_mode: SegmentMode,
) -> anyhow::Result<Scores> {
    let dir = tempfile::tempdir()?;
    let conn = db::connect(&db::database_url(None, dir.path())).await?;
    let corpus_file = if task == "title" {
        "achievements-notitle.jsonl"
    } else {
        "achievements.jsonl"
    };
    let mut papers: Vec<Paper> = read_jsonl(&data.join(corpus_file))?;
    if distractors {
        papers.extend(read_jsonl::<Paper>(&data.join("distractors.jsonl"))?);
    }
    // The task fixes which fields are indexed: keyword tasks must not see the keywords.
    let keep_keywords = task == "title";
    let txn = conn.begin().await?;
    for paper in papers {
        let input = AchievementInput {
            external_id: paper.id,
            title: paper.title,
            summary: paper.summary,
            keywords: if keep_keywords {
                paper.keywords
            } else {
                Vec::new()
            },
            field: None,
            trl: None,
            patents: Vec::new(),
            transfer_modes: Vec::new(),
            price: None,
            organisation: None,
            team_lead: None,
            region: None,
            contact: None,
        };
        postings::upsert_achievement(&txn, &input, None, Status::Published).await?;
    }
    txn.commit().await?;
    let index = SearchIndex::open_with_mode(&dir.path().join("index"), index_mode)?;
    index.sync(&conn).await?;

    let queries: Vec<QueryLine> = read_jsonl(&data.join(format!("queries-{task}.jsonl")))?;
    let qrels = read_qrels(&data.join(format!("qrels-{task}.txt")))?;
    let options = MatchOptions {
        top: 50,
        tuning: tuning.clone(),
        min_text_share,
        ..Default::default()
    };
    let (mut mrr, mut ndcg, mut r10, mut r50) = (0.0, 0.0, 0.0, 0.0);
    let mut counted = 0usize;
    for q in &queries {
        let Some(relevant) = qrels.get(&q.qid) else {
            continue;
        };
        counted += 1;
        let need = need_from_query(task, &q.query);
        let ranked: Vec<String> = find_matches(&index, &need, &options)?
            .into_iter()
            .map(|m| m.external_id)
            .collect();
        let rank_of = |doc: &String| ranked.iter().position(|r| r == doc).map(|p| p + 1);
        let ranks: Vec<usize> = relevant.iter().filter_map(rank_of).collect();
        if let Some(first) = ranks.iter().copied().filter(|r| *r <= 10).min() {
            mrr += 1.0 / first as f64;
        }
        let dcg: f64 = ranks
            .iter()
            .filter(|r| **r <= 10)
            .map(|r| 1.0 / ((*r as f64) + 1.0).log2())
            .sum();
        let ideal: f64 = (1..=relevant.len().min(10))
            .map(|r| 1.0 / ((r as f64) + 1.0).log2())
            .sum();
        ndcg += if ideal > 0.0 { dcg / ideal } else { 0.0 };
        r10 += ranks.iter().filter(|r| **r <= 10).count() as f64 / relevant.len() as f64;
        r50 += ranks.iter().filter(|r| **r <= 50).count() as f64 / relevant.len() as f64;
    }
    let n = counted.max(1) as f64;
    Ok(Scores {
        task: task.to_owned(),
        corpus: if distractors {
            "core+distractors".into()
        } else {
            "core".into()
        },
        queries: counted,
        mrr_at_10: mrr / n,
        ndcg_at_10: ndcg / n,
        recall_at_10: r10 / n,
        recall_at_50: r50 / n,
    })
}

/// A query as the need an enterprise would post: a title for the title task, a keyword
/// list for the keyword tasks.
fn need_from_query(task: &str, query: &str) -> PostingView {
    let (title, keywords) = if task == "title" {
        (query.to_owned(), Vec::new())
    } else {
        (
            String::new(),
            query.split_whitespace().map(str::to_owned).collect(),
        )
    };
    PostingView {
        kind: PostingKind::Need,
        id: 0,
        external_id: String::new(),
        title,
        body: String::new(),
        keywords,
        industry: None,
        trl: None,
        modes: Vec::new(),
        mode_codes: Vec::new(),
        modes_mask: 0,
        price_min_yuan: None,
        price_max_yuan: None,
        price_negotiable: false,
        region_code: None,
        region_name: None,
        status: Status::Published,
        org_name: None,
        org_verified: false,
        confidential: false,
        updated_at: Utc::now(),
        org_id: None,
        reject_reason: None,
        reject_note: None,
        deadline: None,
        patents: Vec::new(),
        team_lead: None,
    }
}
