//! An organisation's own postings and the bureau's moderation of them, over JSON:
//! adapters over `techmatch_app::postings`, which the pages call too.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use techmatch_app::postings::{
    self as app_postings, OwnPostings, PostingDetail, PostingForm, PostingSaved, ReviewQueue,
};
use techmatch_core::posting::Action;

use crate::server::auth::ApiUser;
use crate::server::error::ErrorBody;
use crate::server::extract::{ApiJson, ApiPath, ApiQuery};
use crate::server::{AppState, WebError};

#[utoipa::path(get, operation_id = "list_own_postings", path = "/api/v1/me/postings", tag = "postings", security(("token" = []), ("session" = [])),
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "Postings of the user's organisation", body = OwnPostings)))]
/// The postings of the caller's organisation
pub async fn own(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<OwnPostings>, WebError> {
    let views = app_postings::own(&app.db, &user).await?;
    Ok(Json(OwnPostings::of(views)))
}

#[utoipa::path(post, operation_id = "create_posting", path = "/api/v1/me/postings", tag = "postings", security(("token" = []), ("session" = [])), request_body = PostingForm,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 201, description = "Draft created: id and status", body = PostingSaved), (status = 422, description = "Invalid fields (each explained)", body = ErrorBody)))]
/// Drafts a need or achievement of the caller's organisation
pub async fn create(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(form): ApiJson<PostingForm>,
) -> Result<(StatusCode, Json<PostingSaved>), WebError> {
    let saved = app_postings::save(&app.db, &app.industries(), &user, None, &form).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

#[utoipa::path(get, operation_id = "show_own_posting", path = "/api/v1/me/postings/{id}", tag = "postings", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "Posting id")),
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "The posting, the owner's moves open now and its recommended matches (with explanations)", body = PostingDetail), (status = 404, description = "Does not exist or belongs to another organisation", body = ErrorBody)))]
/// One of the organisation's postings with its matches
pub async fn show(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PostingDetail>, WebError> {
    Ok(Json(
        app_postings::own_detail(&app.db, &app.index, &user, id).await?,
    ))
}

#[utoipa::path(put, operation_id = "edit_posting", path = "/api/v1/me/postings/{id}", tag = "postings", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "Posting id")), request_body = PostingForm,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "PostingSaved: the new status", body = PostingSaved), (status = 409, description = "Cannot be edited in the current status", body = ErrorBody), (status = 422, description = "Invalid fields", body = ErrorBody)))]
/// Edits one of the organisation's postings
pub async fn edit(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<PostingForm>,
) -> Result<Json<PostingSaved>, WebError> {
    let saved = app_postings::save(&app.db, &app.industries(), &user, Some(id), &form).await?;
    Ok(Json(saved))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ActionBody {
    /// The owner's `submit`, `recall`, `close` or `withdraw`; the bureau's
    /// `approve` or `reject`.
    pub action: String,
    /// A rejection's fixed reason code.
    pub reason: Option<String>,
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(post, operation_id = "act_on_posting", path = "/api/v1/me/postings/{id}/actions", tag = "postings", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "Posting id")), request_body = ActionBody,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "The new status", body = PostingSaved), (status = 409, description = "Not allowed by the lifecycle; the reason is given", body = ErrorBody)))]
/// An owner's move on a posting: submit, recall, close, withdraw
pub async fn act(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ActionBody>,
) -> Result<Json<PostingSaved>, WebError> {
    let action = Action::parse(&body.action, body.reason.as_deref(), &body.note)?;
    Ok(Json(app_postings::act(&app.db, &user, id, &action).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// How many of the oldest waiting postings (default 50, at most 200).
    pub limit: Option<u64>,
}

#[utoipa::path(get, operation_id = "list_moderation_queue", path = "/api/v1/moderation/queue", tag = "bureau", security(("token" = []), ("session" = [])), params(QueueParams),
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "Postings waiting for moderation", body = ReviewQueue)))]
/// The postings waiting for moderation
pub async fn queue(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(params): ApiQuery<QueueParams>,
) -> Result<Json<ReviewQueue>, WebError> {
    Ok(Json(
        app_postings::review_queue(&app.db, &user, params.limit).await?,
    ))
}

#[utoipa::path(post, operation_id = "moderate_posting", path = "/api/v1/moderation/{kind}/{id}", tag = "bureau", security(("token" = []), ("session" = [])),
    params(("kind" = String, Path, description = "needs or achievements"), ("id" = i64, Path, description = "Posting id")), request_body = ActionBody,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "The new status", body = PostingSaved), (status = 409, description = "Not allowed by the lifecycle", body = ErrorBody), (status = 422, description = "Reason for rejection missing", body = ErrorBody)))]
/// The bureau's moderation decision on a posting
pub async fn decide(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((kind, id)): ApiPath<(String, i64)>,
    ApiJson(body): ApiJson<ActionBody>,
) -> Result<Json<PostingSaved>, WebError> {
    let kind = crate::server::postings::kind_of_path(&kind)?;
    let action = Action::parse(&body.action, body.reason.as_deref(), &body.note)?;
    let now = app.clock.now();
    let saved =
        app_postings::decide(&app.db, &app.public_url, &user, kind, id, &action, now).await?;
    Ok(Json(saved))
}
