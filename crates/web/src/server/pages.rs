//! Server-rendered pages.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use techmatch_core::posting::{PostingKind, PostingView};
use techmatch_search::search::SearchResults;
use techmatch_search::{Match, MatchOptions, find_matches, search as run_search};

use super::api::{SearchParams, visible_posting};
use super::auth::Viewer;
use super::i18n::filters;
use super::nav::{ContactFrom, Nav};
use super::{AppState, PageError};
use crate::app::App;

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    pub nav: Nav,
    pub q: String,
    pub kind: &'static str,
    pub industry: String,
    pub industries: Vec<String>,
    pub results: SearchResults,
    pub page: usize,
    pub pages: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "posting.html")]
pub struct PostingPage {
    pub nav: Nav,
    pub contact_from: Option<ContactFrom>,
    pub posting: PostingView,
    pub matches: Vec<Match>,
    pub counterpart_path: &'static str,
}

pub async fn home(
    State(app): State<AppState>,
    viewer: Viewer,
    Query(params): Query<SearchParams>,
) -> Result<HomePage, PageError> {
    let request = params.to_request(&app)?;
    let results = super::cpu::index_work(|| run_search(&app.index, &request))?;
    let pages = results.total.div_ceil(request.limit).max(1);
    Ok(HomePage {
        nav: Nav::of(&viewer),
        q: params.q.clone().unwrap_or_default(),
        kind: match request.kind {
            PostingKind::Need => "needs",
            PostingKind::Achievement => "achievements",
        },
        industry: request.industry.clone().unwrap_or_default(),
        industries: app
            .industries()
            .all()
            .iter()
            .map(|i| i.name.clone())
            .collect(),
        page: request.offset / request.limit + 1,
        pages,
        results,
    })
}

pub async fn need(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<PostingPage, PageError> {
    posting_page(&app, &viewer, PostingKind::Need, &id).await
}

pub async fn achievement(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<PostingPage, PageError> {
    posting_page(&app, &viewer, PostingKind::Achievement, &id).await
}

async fn posting_page(
    app: &App,
    viewer: &Viewer,
    kind: PostingKind,
    id: &str,
) -> Result<PostingPage, PageError> {
    let posting = visible_posting(app, viewer, kind, id).await?;
    let options = MatchOptions {
        top: 10,
        ..Default::default()
    };
    let matches = super::cpu::index_work(|| find_matches(&app.index, &posting, &options))?;
    Ok(PostingPage {
        nav: Nav::of(viewer),
        contact_from: None,
        counterpart_path: match kind {
            PostingKind::Need => "achievements",
            PostingKind::Achievement => "needs",
        },
        posting,
        matches,
    })
}
