//! The public JSON API under `/api/v1`: search, a posting's matches, health.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use techmatch_app::postings::{self as app_postings, PublicPosting};
use techmatch_app::search::{self as app_search, SearchParams};
use techmatch_core::posting::PostingKind;
use techmatch_core::services::changes;
use techmatch_search::SearchResults;

use crate::server::auth::{MaybeApiUser, Viewer};
use crate::server::error::ErrorBody;
use crate::server::extract::{ApiPath, ApiQuery};
use crate::server::{AppState, WebError};

/// How many recommended counterparts the API lists for a posting.
const MATCHES_LISTED: usize = 20;

/// Search the published needs or achievements
#[utoipa::path(get, operation_id = "search_postings", path = "/api/v1/search", tag = "public", params(SearchParams),
    responses((status = 200, description = "Results, facets and highlighted snippets", body = SearchResults), (status = 422, description = "An unknown kind, industry, mode, region or sort, or a query the parser refuses", body = ErrorBody)))]
pub async fn search(
    State(app): State<AppState>,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<SearchResults>, WebError> {
    let request = params.to_request(&app.industries())?;
    Ok(Json(app_search::find(&app.index, &request)?))
}

/// The achievements recommended for a need
#[utoipa::path(get, operation_id = "list_need_matches", path = "/api/v1/needs/{id}/matches", tag = "public", params(("id" = String, Path, description = "The need's external id")),
    responses((status = 200, description = "Recommended achievements, with explanations", body = PublicPosting), (status = 404, description = "Does not exist or is not published", body = ErrorBody)))]
pub async fn need_matches(
    State(app): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<PublicPosting>, WebError> {
    matches(&app, &viewer, PostingKind::Need, &id).await
}

/// The needs recommended for an achievement
#[utoipa::path(get, operation_id = "list_achievement_matches", path = "/api/v1/achievements/{id}/matches", tag = "public", params(("id" = String, Path, description = "The achievement's external id")),
    responses((status = 200, description = "Recommended needs, with explanations", body = PublicPosting), (status = 404, description = "Does not exist or is not published", body = ErrorBody)))]
pub async fn achievement_matches(
    State(app): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<PublicPosting>, WebError> {
    matches(&app, &viewer, PostingKind::Achievement, &id).await
}

async fn matches(
    app: &AppState,
    viewer: &Viewer,
    kind: PostingKind,
    id: &str,
) -> Result<Json<PublicPosting>, WebError> {
    let found =
        app_postings::public_detail(&app.db, &app.index, viewer.user(), kind, id, MATCHES_LISTED)
            .await?;
    Ok(Json(found))
}

/// Health: the database answers and whether the index has caught up with it. How far
/// (the index's position and the change log's head) only for the bureau: the head
/// counts every write to the platform's postings, and read before and after someone
/// else's action it would tell how many postings that action touched.
#[utoipa::path(get, operation_id = "check_health", summary = "Whether the node answers and its index is current", description = "How far the index has followed the database (its position and the change log head) is told only to the bureau: read before and after someone else's action, the head would tell how many postings that action touched.", path = "/healthz", tag = "public", responses((status = 200, description = "State of the database and the index: `index.current`; for the bureau (session or token) also `index.position` and `index.change_log_head`", body = Health), (status = 503, description = "The database does not answer", body = ErrorBody)))]
pub async fn health(
    State(app): State<AppState>,
    MaybeApiUser(caller): MaybeApiUser,
) -> Result<Json<Health>, WebError> {
    let head = changes::head(&app.db).await?;
    let position = app.index.applied_seq();
    let bureau = caller.is_some_and(|u| u.role.is_bureau() && !u.suspended);
    Ok(Json(Health {
        status: "ok",
        database: "ok",
        index: IndexHealth {
            current: position >= head,
            position: bureau.then_some(position),
            change_log_head: bureau.then_some(head),
        },
    }))
}

/// A node's health.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` whenever the node answers.
    pub status: &'static str,
    /// `ok`: the database answered (a node whose database does not answers 503).
    pub database: &'static str,
    pub index: IndexHealth,
}

/// How far this node's index has followed the change log.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IndexHealth {
    /// Whether it has applied every change.
    pub current: bool,
    /// For the bureau only: the last change applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    /// For the bureau only: the change log's head.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_log_head: Option<i64>,
}
