//! Full-text search of postings with facets, pagination and highlighted snippets.

use std::collections::BTreeMap;

use serde::Serialize;
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::{AggContextParams, AggregationCollector, AggregationLimitsGuard};
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue, SortByString};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, RangeQuery, TermQuery, TermSetQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::{DocAddress, Order, TantivyDocument, Term};
use techmatch_core::posting::{PostingKind, Status};

use crate::error::{SearchError, SearchResult};
use crate::index::SearchIndex;
use crate::query::{QueryPart, TextTuning, highlight_query, text_query};

/// The most a page may hold, so a request cannot ask the server for everything at once.
pub const MAX_PAGE_SIZE: usize = 100;
const SNIPPET_CHARS: usize = 120;

/// How results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortOrder {
    #[default]
    Relevance,
    /// Latest write first, by day (China Standard Time); postings written on the same
    /// day by descending public id, so that approvals of one moderation sitting show in
    /// no order of their own. A search without text is ordered so too.
    Newest,
}

/// A search over one kind of posting.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub kind: PostingKind,
    pub text: String,
    pub industry: Option<String>,
    /// Only postings at or above this TRL (for needs: wanting at least this).
    pub min_trl: Option<u8>,
    /// A cooperation or transfer mode code.
    pub mode: Option<String>,
    /// A province code such as `140000`.
    pub province: Option<String>,
    pub status: Status,
    pub offset: usize,
    pub limit: usize,
    pub sort: SortOrder,
    /// Only among these postings (by database id): saved searches test new postings.
    pub only_ids: Option<Vec<i64>>,
}

impl SearchRequest {
    /// A first page of published postings of `kind` matching `text`.
    pub fn new(kind: PostingKind, text: impl Into<String>) -> SearchRequest {
        SearchRequest {
            kind,
            text: text.into(),
            industry: None,
            min_trl: None,
            mode: None,
            province: None,
            status: Status::Published,
            offset: 0,
            limit: 20,
            sort: SortOrder::Relevance,
            only_ids: None,
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    /// The database's sequence number, for the server's own use; never serialised (see
    /// `PostingView::id`).
    #[serde(skip)]
    pub id: i64,
    pub external_id: String,
    pub title: String,
    /// The title with matched words in `<b>`, HTML-escaped.
    pub title_html: String,
    /// A passage of the body with matched words in `<b>`, HTML-escaped.
    pub snippet_html: String,
    pub score: f32,
    pub industry: Option<String>,
    pub trl: Option<u8>,
    pub org_name: Option<String>,
    /// Whether the bureau has verified the organisation (已核验).
    pub org_verified: bool,
}

/// Counts of the matching postings by facet value.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = SearchFacets))]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Facets {
    #[cfg_attr(feature = "openapi", schema(schema_with = value_counts))]
    pub industry: Vec<(String, u64)>,
    #[cfg_attr(feature = "openapi", schema(schema_with = value_counts))]
    pub trl: Vec<(String, u64)>,
    #[cfg_attr(feature = "openapi", schema(schema_with = value_counts))]
    pub mode: Vec<(String, u64)>,
    #[cfg_attr(feature = "openapi", schema(schema_with = value_counts))]
    pub province: Vec<(String, u64)>,
    #[cfg_attr(feature = "openapi", schema(schema_with = value_counts))]
    pub status: Vec<(String, u64)>,
}

#[cfg(feature = "openapi")]
fn value_counts() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::Type;
    techmatch_core::openapi::pairs(Type::String, Type::Integer, "[value, how many postings]")
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<SearchHit>,
    pub facets: Facets,
}

fn term_query(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::Basic,
    ))
}

/// Search answers what a person typed, so it leaves out the recall aids that matching
/// uses (single characters, feedback): a search for 量子计算机 must not list postings that
/// only share the character 机. What was typed includes numbers: a search for 304 wants
/// 304 stainless steel.
fn search_tuning() -> TextTuning {
    TextTuning {
        char_weight: 0.0,
        feedback_docs: 0,
        number_terms: true,
        ..TextTuning::default()
    }
}

/// Characters of query text that are parsed.
pub const MAX_QUERY_CHARS: usize = 500;
/// Hits that can be skipped by paging (500 pages of 20).
pub const MAX_OFFSET: usize = 10_000;

/// Runs a search.
///
/// # Errors
/// Index errors only.
pub fn search(index: &SearchIndex, request: &SearchRequest) -> SearchResult<SearchResults> {
    let searcher = index.searcher();
    let f = index.fields();
    let mut filters: Vec<(Occur, Box<dyn Query>)> = vec![
        (Occur::Must, term_query(f.kind, request.kind.code())),
        (Occur::Must, term_query(f.status, request.status.code())),
    ];
    if let Some(industry) = &request.industry {
        filters.push((Occur::Must, term_query(f.industry, industry)));
    }
    if let Some(mode) = &request.mode {
        filters.push((Occur::Must, term_query(f.mode_codes, mode)));
    }
    if let Some(province) = &request.province {
        filters.push((Occur::Must, term_query(f.province, province)));
    }
    if let Some(ids) = &request.only_ids {
        let terms = ids.iter().map(|id| Term::from_field_i64(f.db_id, *id));
        filters.push((Occur::Must, Box::new(TermSetQuery::new(terms))));
    }
    if let Some(min) = request.min_trl {
        let range = RangeQuery::new(
            std::ops::Bound::Included(Term::from_field_u64(f.trl, u64::from(min))),
            std::ops::Bound::Included(Term::from_field_u64(f.trl, 9)),
        );
        filters.push((Occur::Must, Box::new(range)));
    }
    let filter: Box<dyn Query> = Box::new(tantivy::query::ConstScoreQuery::new(
        Box::new(BooleanQuery::new(filters)),
        0.0,
    ));

    let text = if request.text.trim().is_empty() {
        None
    } else {
        // Nobody types more than this into a search box; a pasted book is cut, not parsed.
        let typed = match request.text.char_indices().nth(MAX_QUERY_CHARS) {
            Some((end, _)) => &request.text[..end],
            None => request.text.as_str(),
        };
        let parts = [QueryPart {
            text: typed,
            weight: 1.0,
        }];
        text_query(&searcher, f, &parts, &search_tuning())
    };
    let has_text = text.is_some();
    let query: Box<dyn Query> = match &text {
        Some(text) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, filter.box_clone()),
            (Occur::Must, text.query.box_clone()),
        ])),
        // Text that occurs nowhere in the index matches nothing, rather than everything.
        None if !request.text.trim().is_empty() => {
            return Ok(SearchResults {
                total: 0,
                hits: Vec::new(),
                facets: Facets::default(),
            });
        }
        None => Box::new(BooleanQuery::new(vec![
            (Occur::Must, filter.box_clone()),
            (Occur::Must, Box::new(AllQuery)),
        ])),
    };

    let limit = request.limit.clamp(1, MAX_PAGE_SIZE);
    // The collector keeps offset + limit hits in memory: a page far beyond any real
    // result list must not make it allocate for a billion.
    let top = TopDocs::with_limit(limit).and_offset(request.offset.min(MAX_OFFSET));
    // The page and the total come from one pass over the matches.
    let (addresses, total): (Vec<(f32, DocAddress)>, usize) =
        if request.sort == SortOrder::Newest || !has_text {
            // Postings of one day share their place; among them the random public id
            // decides, not the order they were written or indexed in, which is a list's
            // or a moderation sitting's and would place a confidential need among its
            // enterprise's public ones.
            let by_date = top.order_by((
                (
                    SortByStaticFastValue::<i64>::for_field("listed_day"),
                    Order::Desc,
                ),
                (SortByString::for_field("external_id"), Order::Desc),
            ));
            let (newest, total) = searcher.search(&*query, &(by_date, Count))?;
            (
                newest
                    .into_iter()
                    .map(|(_, a): (_, DocAddress)| (0.0, a))
                    .collect(),
                total,
            )
        } else {
            // Equal scores are common (a list's rows often share their words); tantivy
            // would break the tie by index order, which is the list's order.
            let by_score = top.order_by((
                (SortBySimilarityScore, Order::Desc),
                (SortByString::for_field("external_id"), Order::Desc),
            ));
            let (ranked, total) = searcher.search(&*query, &(by_score, Count))?;
            (
                ranked
                    .into_iter()
                    .map(|((score, _), a): (_, DocAddress)| (score, a))
                    .collect(),
                total,
            )
        };
    let facets = facets(index, &*query)?;

    let body_snippets = text
        .as_ref()
        .map(|t| SnippetGenerator::create(&searcher, &*highlight_query(f.body, &t.terms), f.body))
        .transpose()?
        .map(|mut g| {
            g.set_max_num_chars(SNIPPET_CHARS);
            g
        });
    let title_snippets = text
        .as_ref()
        .map(|t| SnippetGenerator::create(&searcher, &*highlight_query(f.title, &t.terms), f.title))
        .transpose()?;

    let mut hits = Vec::with_capacity(addresses.len());
    for (score, address) in addresses {
        let doc: TantivyDocument = searcher.doc(address)?;
        let text_of = |field| f.stored_text(&doc, field);
        let title = text_of(f.title);
        let body = text_of(f.body);
        let title_html = match &title_snippets {
            Some(g) => {
                let snippet = g.snippet(&title);
                if snippet.is_empty() {
                    escape(&title)
                } else {
                    snippet_html(&snippet)
                }
            }
            None => escape(&title),
        };
        let snippet_html = match &body_snippets {
            Some(g) => {
                let snippet = g.snippet(&body);
                if snippet.is_empty() {
                    escape(&lead(&body))
                } else {
                    snippet_html(&snippet)
                }
            }
            None => escape(&lead(&body)),
        };
        let industry = text_of(f.industry);
        hits.push(SearchHit {
            id: doc.get_first(f.db_id).and_then(|v| v.as_i64()).unwrap_or(0),
            external_id: text_of(f.external_id),
            title_html,
            snippet_html,
            title,
            score,
            industry: Some(industry).filter(|i| !i.is_empty()),
            trl: doc
                .get_first(f.trl)
                .and_then(|v| v.as_u64())
                .and_then(|t| u8::try_from(t).ok())
                .filter(|t| *t > 0),
            org_name: Some(text_of(f.org_name)).filter(|n| !n.is_empty()),
            org_verified: doc.get_first(f.org_verified).and_then(|v| v.as_u64()) == Some(1),
        });
    }
    Ok(SearchResults {
        total,
        hits,
        facets,
    })
}

/// Renders a snippet with matched words in `<b>`. Search-mode segmentation yields
/// overlapping words (煤层 inside 煤层气), so overlapping highlights are merged first;
/// rendering them one by one would repeat the text.
fn snippet_html(snippet: &Snippet) -> String {
    let fragment = snippet.fragment();
    let mut ranges: Vec<std::ops::Range<usize>> = snippet.highlighted().to_vec();
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<std::ops::Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    let mut html = String::with_capacity(fragment.len() + merged.len() * 7);
    let mut at = 0;
    for range in merged {
        let (Some(before), Some(marked)) =
            (fragment.get(at..range.start), fragment.get(range.clone()))
        else {
            continue;
        };
        html.push_str(&escape(before));
        html.push_str("<b>");
        html.push_str(&escape(marked));
        html.push_str("</b>");
        at = range.end;
    }
    html.push_str(&escape(fragment.get(at..).unwrap_or("")));
    html
}

/// The start of a text, for results that matched no word of the body.
fn lead(text: &str) -> String {
    let mut lead: String = text.chars().take(SNIPPET_CHARS).collect();
    if text.chars().count() > SNIPPET_CHARS {
        lead.push('…');
    }
    lead
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn facets(index: &SearchIndex, query: &dyn Query) -> SearchResult<Facets> {
    let request = serde_json::json!({
        "industry": { "terms": { "field": "industry", "size": 100 } },
        "trl": { "terms": { "field": "trl", "size": 10 } },
        "mode": { "terms": { "field": "mode_codes", "size": 20 } },
        "province": { "terms": { "field": "province", "size": 50 } },
        "status": { "terms": { "field": "status", "size": 10 } },
    });
    let aggregations: Aggregations =
        serde_json::from_value(request).map_err(|e| SearchError::Io(std::io::Error::other(e)))?;
    let collector = AggregationCollector::from_aggs(
        aggregations,
        AggContextParams::new(
            AggregationLimitsGuard::default(),
            index.index().tokenizers().clone(),
        ),
    );
    let results = index.searcher().search(query, &collector)?;
    let json =
        serde_json::to_value(results).map_err(|e| SearchError::Io(std::io::Error::other(e)))?;
    let buckets = |name: &str| -> Vec<(String, u64)> {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for bucket in json[name]["buckets"].as_array().into_iter().flatten() {
            let key = match &bucket["key"] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n
                    .as_f64()
                    .map_or_else(|| n.to_string(), |v| format!("{v:.0}")),
                other => other.to_string(),
            };
            // Empty values and TRL 0 stand for "not stated".
            if key.is_empty() || (name == "trl" && key == "0") {
                continue;
            }
            counts.insert(key, bucket["doc_count"].as_u64().unwrap_or(0));
        }
        let mut list: Vec<(String, u64)> = counts.into_iter().collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        list
    };
    Ok(Facets {
        industry: buckets("industry"),
        trl: buckets("trl"),
        mode: buckets("mode"),
        province: buckets("province"),
        status: buckets("status"),
    })
}
