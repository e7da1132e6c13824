//! `techmatch search needs|achievements TEXT`.

use std::process::ExitCode;

use clap::Args;
use techmatch_core::services::postings;
use techmatch_core::t;
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

pub async fn run(app: &App, args: SearchArgs) -> anyhow::Result<ExitCode> {
    let mut request = SearchRequest::new(args.list.posting_kind(), args.text);
    if let Some(industry) = args.industry {
        request.industry = Some(app.industries().resolve(&industry)?.name.clone());
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
    let mut results = search(&app.index, &request)?;
    // The command line shows the bureau's own identifiers (see
    // `techmatch_core::posting::ids`); the index holds public ids.
    let ids: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
    let shown = postings::bureau_facing_ids(&app.db, request.kind, &ids).await?;
    for hit in &mut results.hits {
        if let Some(id) = shown.get(&hit.id) {
            hit.external_id.clone_from(id);
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}", t!("cli-search-total", total = results.total));
    for (i, hit) in results.hits.iter().enumerate() {
        let rank = format!("{:>3}", request.offset + i + 1);
        let (title, id) = (hit.title.as_str(), hit.external_id.as_str());
        let line = t!("cli-search-hit", rank = rank, title = title, id = id);
        println!("{line}");
        println!("     {}", plain_snippet(&hit.snippet_html));
    }
    let industries: Vec<String> = results
        .facets
        .industry
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    if !industries.is_empty() {
        let industries = industries.join(&t!("separator-comma"));
        println!("{}", t!("cli-search-industries", industries = industries));
    }
    Ok(ExitCode::SUCCESS)
}

/// A snippet's `<b>` highlights as marks a terminal can show.
fn plain_snippet(html: &str) -> String {
    let mut plain = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<b>") {
        plain.push_str(&rest[..start]);
        let marked = &rest[start + "<b>".len()..];
        let end = marked.find("</b>").unwrap_or(marked.len());
        plain.push_str(&t!("cli-search-highlight", term = &marked[..end]));
        rest = marked.get(end + "</b>".len()..).unwrap_or("");
    }
    plain.push_str(rest);
    plain
}

#[cfg(test)]
mod tests {
    #[test]
    fn highlights_become_corner_brackets() {
        assert_eq!(
            super::plain_snippet("纳米<b>碳酸钙</b>表面<b>改性</b>。"),
            "纳米【碳酸钙】表面【改性】。"
        );
        assert_eq!(super::plain_snippet("无高亮"), "无高亮");
        assert_eq!(super::plain_snippet("未闭合<b>标记"), "未闭合【标记】");
    }
}
