//! Server-rendered pages.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use techmatch_app::postings::{self as app_postings, PublicPosting};
use techmatch_app::search::{self as app_search, SearchParams};
use techmatch_core::posting::{PostingKind, PostingView};
use techmatch_search::Match;
use techmatch_search::search::SearchResults;

use crate::server::auth::Viewer;
use crate::server::i18n::filters;
use crate::server::nav::{ContactFrom, Nav};
use crate::server::{AppState, PageError};

/// How many recommended counterparts a posting's page shows.
const MATCHES_SHOWN: usize = 10;

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
    let request = params.to_request(&app.industries())?;
    let results = app_search::find(&app.index, &request)?;
    let pages = results.total.div_ceil(request.limit).max(1);
    Ok(HomePage {
        nav: Nav::of(&viewer),
        q: params.q.clone().unwrap_or_default(),
        kind: request.kind.section(),
        industry: request.industry.clone().unwrap_or_default(),
        industries: app.industry_names(),
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
    app: &AppState,
    viewer: &Viewer,
    kind: PostingKind,
    id: &str,
) -> Result<PostingPage, PageError> {
    let PublicPosting { posting, matches } =
        app_postings::public_detail(&app.db, &app.index, viewer.user(), kind, id, MATCHES_SHOWN)
            .await?;
    Ok(PostingPage {
        nav: Nav::of(viewer),
        contact_from: None,
        counterpart_path: kind.counterpart().section(),
        posting,
        matches,
    })
}
