//! `techmatch search needs|achievements TEXT`.

use std::process::ExitCode;

use clap::Args;
use techmatch_search::search::SortOrder;
use techmatch_search::{SearchRequest, search};

use crate::app::App;
use crate::cli::ListKind;

#[derive(Args, Debug)]
pub struct SearchArgs {
    pub list: ListKind,
    /// Words to look for (empty lists everything, newest first).
    #[arg(default_value = "")]
    pub text: String,
    #[arg(long)]
    pub industry: Option<String>,
    #[arg(long)]
    pub min_trl: Option<u8>,
    /// Cooperation or transfer mode code (e.g. transfer, license).
    #[arg(long)]
    pub mode: Option<String>,
    /// Province code such as 140000.
    #[arg(long)]
    pub province: Option<String>,
    #[arg(long, default_value_t = 1)]
    pub page: usize,
    #[arg(long, default_value_t = 10)]
    pub per_page: usize,
    /// Newest first instead of by relevance.
    #[arg(long)]
    pub newest: bool,
    #[arg(long)]
    pub json: bool,
}

pub fn run(app: &App, args: SearchArgs) -> anyhow::Result<ExitCode> {
    let mut request = SearchRequest::new(args.list.posting_kind(), args.text);
    if let Some(industry) = args.industry {
        request.industry = Some(app.industries.resolve(&industry)?.name.clone());
    }
    request.min_trl = args.min_trl;
    request.mode = args.mode;
    request.province = args.province;
    request.limit = args.per_page;
    request.offset = args.page.saturating_sub(1) * args.per_page;
    request.sort = if args.newest {
        SortOrder::Newest
    } else {
        SortOrder::Relevance
    };
    let results = search(&app.index, &request)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("共 {} 条结果", results.total);
    for (i, hit) in results.hits.iter().enumerate() {
        println!(
            "{:>3}. {}（{}）",
            request.offset + i + 1,
            hit.title,
            hit.external_id
        );
        println!(
            "     {}",
            hit.snippet_html.replace("<b>", "【").replace("</b>", "】")
        );
    }
    let industries: Vec<String> = results
        .facets
        .industry
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    if !industries.is_empty() {
        println!("领域：{}", industries.join("，"));
    }
    Ok(ExitCode::SUCCESS)
}
