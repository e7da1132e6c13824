//! The JSON API under `/api/v1`.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};
use techmatch_core::CoreError;
use techmatch_core::posting::{PostingKind, PostingView, Status};
use techmatch_core::services::{changes, postings, workflow};
use techmatch_search::search::SortOrder;
use techmatch_search::{MatchOptions, SearchRequest, find_matches, search as run_search};

use super::auth::{MaybeApiUser, Viewer};
use super::error::ErrorBody;
use super::extract::{ApiPath, ApiQuery};
use super::{AppState, WebError};
use crate::app::App;

/// Query parameters of a search.
#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    /// `needs` or `achievements` (default).
    pub kind: Option<String>,
    pub q: Option<String>,
    pub industry: Option<String>,
    pub min_trl: Option<u8>,
    pub mode: Option<String>,
    pub province: Option<String>,
    pub page: Option<usize>,
    pub per_page: Option<usize>,
    /// `relevance` (default) or `newest`.
    pub sort: Option<String>,
}

impl SearchParams {
    pub fn kind(&self) -> PostingKind {
        match self.kind.as_deref() {
            Some("needs" | "need") => PostingKind::Need,
            _ => PostingKind::Achievement,
        }
    }

    pub fn to_request(&self, app: &App) -> Result<SearchRequest, WebError> {
        let mut request = SearchRequest::new(self.kind(), self.q.clone().unwrap_or_default());
        if let Some(industry) = self.industry.as_deref().filter(|i| !i.is_empty()) {
            request.industry = Some(app.industries().resolve(industry)?.name.clone());
        }
        request.min_trl = self.min_trl.filter(|t| (1..=9).contains(t));
        request.mode = self.mode.clone().filter(|m| !m.is_empty());
        request.province = self.province.clone().filter(|p| !p.is_empty());
        request.limit = self
            .per_page
            .unwrap_or(20)
            .clamp(1, techmatch_search::search::MAX_PAGE_SIZE);
        request.offset = self.page.unwrap_or(1).saturating_sub(1) * request.limit;
        request.sort = if self.sort.as_deref() == Some("newest") {
            SortOrder::Newest
        } else {
            SortOrder::Relevance
        };
        Ok(request)
    }
}

#[utoipa::path(get, path = "/api/v1/search", tag = "public",
    params(("kind" = Option<String>, Query, description = "needs or achievements (default)"), ("q" = Option<String>, Query, description = "Words to search for"),
        ("industry" = Option<String>, Query), ("min_trl" = Option<u8>, Query), ("mode" = Option<String>, Query), ("province" = Option<String>, Query),
        ("page" = Option<usize>, Query), ("per_page" = Option<usize>, Query), ("sort" = Option<String>, Query, description = "relevance or newest")),
    responses((status = 200, description = "Results, facets and highlighted snippets"), (status = 422, description = "An unknown kind, industry, mode, region or sort, or a query the parser refuses", body = ErrorBody)))]
pub async fn search(
    State(app): State<AppState>,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<Value>, WebError> {
    let request = params.to_request(&app)?;
    let results = super::cpu::index_work(|| run_search(&app.index, &request))?;
    Ok(Json(json!(results)))
}

#[utoipa::path(get, path = "/api/v1/needs/{id}/matches", tag = "public", params(("id" = String, Path, description = "The need's external id")),
    responses((status = 200, description = "Recommended achievements, with explanations"), (status = 404, description = "Does not exist or is not published", body = ErrorBody)))]
pub async fn need_matches(
    State(app): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, WebError> {
    matches(&app, &viewer, PostingKind::Need, &id).await
}

#[utoipa::path(get, path = "/api/v1/achievements/{id}/matches", tag = "public", params(("id" = String, Path, description = "The achievement's external id")),
    responses((status = 200, description = "Recommended needs, with explanations"), (status = 404, description = "Does not exist or is not published", body = ErrorBody)))]
pub async fn achievement_matches(
    State(app): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, WebError> {
    matches(&app, &viewer, PostingKind::Achievement, &id).await
}

/// A posting by external id, if the viewer may see it: published postings are public,
/// others only to their owners and the bureau (anyone else is told it does not exist).
pub async fn visible_posting(
    app: &App,
    viewer: &Viewer,
    kind: PostingKind,
    id: &str,
) -> Result<PostingView, WebError> {
    let view = postings::view_by_external_id(&app.db, kind, id).await?;
    if view.status == Status::Published || workflow::may_see_unpublished(viewer.user(), &view) {
        Ok(view)
    } else {
        Err(CoreError::NotFound {
            what: kind.label().to_owned(),
            id: id.to_owned(),
        }
        .into())
    }
}

async fn matches(
    app: &App,
    viewer: &Viewer,
    kind: PostingKind,
    id: &str,
) -> Result<Json<Value>, WebError> {
    let view = visible_posting(app, viewer, kind, id).await?;
    let options = MatchOptions {
        top: 20,
        ..Default::default()
    };
    let found = super::cpu::index_work(|| find_matches(&app.index, &view, &options))?;
    Ok(Json(json!({ "posting": view, "matches": found })))
}

/// Health: the database answers and whether the index has caught up with it. How far
/// (the index's position and the change log's head) only for the bureau: the head
/// counts every write to the platform's postings, and read before and after someone
/// else's action it would tell how many postings that action touched.
#[utoipa::path(get, path = "/healthz", tag = "public", responses((status = 200, description = "State of the database and the index: `index.current`; for the bureau (session or token) also `index.position` and `index.change_log_head`"), (status = 503, description = "The database does not answer", body = ErrorBody)))]
pub async fn health(
    State(app): State<AppState>,
    MaybeApiUser(caller): MaybeApiUser,
) -> Result<Json<Value>, WebError> {
    let head = changes::head(&app.db).await?;
    let position = app.index.applied_seq();
    let index = if caller.is_some_and(|u| u.role.is_bureau() && !u.suspended) {
        json!({ "position": position, "change_log_head": head, "current": position >= head })
    } else {
        json!({ "current": position >= head })
    };
    Ok(Json(json!({
        "status": "ok",
        "database": "ok",
        "index": index,
    })))
}
