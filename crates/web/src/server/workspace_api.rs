//! An organisation's own postings and the bureau's moderation, over JSON. The pages in
//! `workspace_pages` and `bureau_pages` call the same functions.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sea_orm::TransactionTrait;
use serde::Deserialize;
use serde_json::{Value, json};
use techmatch_core::posting::{Action, PostingKind, PostingView, Status};
use techmatch_core::services::users::User;
use techmatch_core::services::{audit, postings, workflow};
use techmatch_core::{CoreError, t};
use techmatch_search::{Match, MatchOptions, find_matches};

use super::auth::ApiUser;
use super::error::ErrorBody;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::forms::{PostingForm, describe};
use super::{AppState, WebError};
use crate::app::App;

/// The kind of posting a user creates, or 403.
pub fn own_kind(user: &User) -> Result<PostingKind, WebError> {
    user.posts().ok_or_else(|| {
        let role = user.role.label();
        CoreError::Forbidden(t!("posting-error-no-own-postings", role = role)).into()
    })
}

/// Parses a form into the input of the user's kind and creates or edits the posting in
/// one transaction. Returns the posting's id and status.
pub async fn save(
    app: &App,
    user: &User,
    existing: Option<i64>,
    form: &PostingForm,
) -> Result<(i64, Status), WebError> {
    let kind = own_kind(user)?;
    let invalid = |problems: Vec<techmatch_core::lists::RowProblem>| -> WebError {
        CoreError::invalid(
            "form",
            describe(kind, &problems).join(&t!("separator-semicolon")),
        )
        .into()
    };
    let txn = app.db.begin().await.map_err(CoreError::from)?;
    let saved = match (kind, existing) {
        (PostingKind::Need, None) => {
            let input = form.need(&app.industries()).map_err(invalid)?;
            let id = workflow::create_need(&txn, user, &input).await?;
            (id, Status::Draft)
        }
        (PostingKind::Need, Some(id)) => {
            let input = form.need(&app.industries()).map_err(invalid)?;
            (id, workflow::edit_need(&txn, user, id, &input).await?)
        }
        (PostingKind::Achievement, None) => {
            let input = form.achievement(&app.industries()).map_err(invalid)?;
            let id = workflow::create_achievement(&txn, user, &input).await?;
            (id, Status::Draft)
        }
        (PostingKind::Achievement, Some(id)) => {
            let input = form.achievement(&app.industries()).map_err(invalid)?;
            (
                id,
                workflow::edit_achievement(&txn, user, id, &input).await?,
            )
        }
    };
    txn.commit().await.map_err(CoreError::from)?;
    Ok(saved)
}

/// Takes a lifecycle action in one transaction (the change and its audit entry).
pub async fn take_action(
    app: &super::Shared,
    user: &User,
    kind: PostingKind,
    id: i64,
    action: &Action,
) -> Result<Status, WebError> {
    let txn = app.db.begin().await.map_err(CoreError::from)?;
    let to = workflow::act(&txn, user, kind, id, action).await?;
    if action.is_moderation() {
        // Told in the same transaction: no outcome without its notice, and the reverse.
        if let Some(view) = postings::views_by_ids(&txn, kind, &[id]).await?.pop() {
            super::notices::posting_moderated(
                &txn,
                &app.public_url,
                &view,
                action,
                app.clock.now(),
            )
            .await?;
        }
    }
    txn.commit().await.map_err(CoreError::from)?;
    Ok(to)
}

/// One of the user's own postings with its matches (even before it is published, so
/// that an enterprise sees what its need would find).
pub async fn own_posting(
    app: &App,
    user: &User,
    id: i64,
) -> Result<(PostingView, Vec<Match>), WebError> {
    let kind = own_kind(user)?;
    let view = postings::views_by_ids(&app.db, kind, &[id])
        .await?
        .pop()
        .filter(|v| workflow::may_see_unpublished(Some(user), v))
        .ok_or_else(|| CoreError::NotFound {
            what: kind.label().to_owned(),
            id: id.to_string(),
        })?;
    let options = MatchOptions {
        top: 10,
        ..Default::default()
    };
    let matches = super::cpu::index_work(|| find_matches(&app.index, &view, &options))?;
    Ok((view, matches))
}

fn posting_json(view: &PostingView) -> Value {
    json!({
        "id": view.id,
        "kind": view.kind,
        "external_id": view.external_id,
        "title": view.title,
        "status": view.status,
        "status_label": view.status.label(),
        "reject_reason": view.reject_reason,
        "reject_note": view.reject_note,
        "posting": view,
    })
}

#[utoipa::path(get, path = "/api/v1/me/postings", tag = "postings", security(("token" = []), ("session" = [])),
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "Postings of the user's organisation")))]
pub async fn own(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Value>, WebError> {
    own_kind(&user)?;
    let views = workflow::own_postings(&app.db, &user).await?;
    Ok(Json(
        json!({ "postings": views.iter().map(posting_json).collect::<Vec<_>>() }),
    ))
}

#[utoipa::path(post, path = "/api/v1/me/postings", tag = "postings", security(("token" = []), ("session" = [])), request_body = PostingForm,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 201, description = "Draft created: id and status"), (status = 422, description = "Invalid fields (each explained)", body = ErrorBody)))]
pub async fn create(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(form): ApiJson<PostingForm>,
) -> Result<(StatusCode, Json<Value>), WebError> {
    let (id, status) = save(&app, &user, None, &form).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "status": status })),
    ))
}

#[utoipa::path(get, path = "/api/v1/me/postings/{id}", tag = "postings", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "Posting id")),
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "The posting and its recommended matches (with explanations)"), (status = 404, description = "Does not exist or belongs to another organisation", body = ErrorBody)))]
pub async fn show(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, WebError> {
    let (view, matches) = own_posting(&app, &user, id).await?;
    let mut body = posting_json(&view);
    body["matches"] = json!(matches);
    Ok(Json(body))
}

#[utoipa::path(put, path = "/api/v1/me/postings/{id}", tag = "postings", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "Posting id")), request_body = PostingForm,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "Saved: the new status"), (status = 409, description = "Cannot be edited in the current status", body = ErrorBody), (status = 422, description = "Invalid fields", body = ErrorBody)))]
pub async fn edit(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<PostingForm>,
) -> Result<Json<Value>, WebError> {
    let (id, status) = save(&app, &user, Some(id), &form).await?;
    Ok(Json(json!({ "id": id, "status": status })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ActionBody {
    pub action: String,
    pub reason: Option<String>,
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(post, path = "/api/v1/me/postings/{id}/actions", tag = "postings", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "Posting id")), request_body = ActionBody,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "The new status"), (status = 409, description = "Not allowed by the lifecycle; the reason is given", body = ErrorBody)))]
pub async fn act(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ActionBody>,
) -> Result<Json<Value>, WebError> {
    let kind = own_kind(&user)?;
    let action = Action::parse(&body.action, body.reason.as_deref(), &body.note)?;
    if action.is_moderation() {
        return Err(CoreError::Forbidden(t!("posting-error-moderation-in-queue")).into());
    }
    let status = take_action(&app, &user, kind, id, &action).await?;
    Ok(Json(json!({ "id": id, "status": status })))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct QueueParams {
    /// How many of the oldest waiting postings (default 50, at most 200).
    pub limit: Option<u64>,
}

/// Postings per page of the review queue, by default and at most.
pub const QUEUE_PAGE: u64 = 50;
const QUEUE_PAGE_MAX: u64 = 200;

#[utoipa::path(get, path = "/api/v1/moderation/queue", tag = "bureau", security(("token" = []), ("session" = [])), params(QueueParams),
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "Postings waiting for moderation")))]
pub async fn queue(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(params): ApiQuery<QueueParams>,
) -> Result<Json<Value>, WebError> {
    let limit = params.limit.unwrap_or(QUEUE_PAGE).clamp(1, QUEUE_PAGE_MAX);
    let queue = workflow::review_queue(&app.db, &user, limit).await?;
    let postings: Vec<Value> = queue
        .postings
        .iter()
        .zip(&queue.repeats)
        .map(|(view, repeat)| {
            let mut item = posting_json(view);
            if let Some(repeat) = repeat {
                item["repeats"] = json!({ "external_id": repeat.public_id, "title": repeat.title });
            }
            item
        })
        .collect();
    Ok(Json(json!({ "total": queue.total, "postings": postings })))
}

/// `needs` / `achievements` in a path.
pub fn kind_of_path(segment: &str) -> Result<PostingKind, WebError> {
    match segment {
        "needs" | "need" => Ok(PostingKind::Need),
        "achievements" | "achievement" => Ok(PostingKind::Achievement),
        other => Err(CoreError::NotFound {
            what: t!("what-section"),
            id: other.to_owned(),
        }
        .into()),
    }
}

#[utoipa::path(post, path = "/api/v1/moderation/{kind}/{id}", tag = "bureau", security(("token" = []), ("session" = [])),
    params(("kind" = String, Path, description = "needs or achievements"), ("id" = i64, Path, description = "Posting id")), request_body = ActionBody,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "The new status"), (status = 409, description = "Not allowed by the lifecycle", body = ErrorBody), (status = 422, description = "Reason for rejection missing", body = ErrorBody)))]
pub async fn decide(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((kind, id)): ApiPath<(String, i64)>,
    ApiJson(body): ApiJson<ActionBody>,
) -> Result<Json<Value>, WebError> {
    let kind = kind_of_path(&kind)?;
    let action = Action::parse(&body.action, body.reason.as_deref(), &body.note)?;
    if !action.is_moderation() {
        return Err(CoreError::invalid("action", t!("bureau-error-decision-code")).into());
    }
    let status = take_action(&app, &user, kind, id, &action).await?;
    Ok(Json(json!({ "id": id, "status": status })))
}

#[derive(Debug, Deserialize)]
pub struct AuditParams {
    pub limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "bureau", security(("token" = []), ("session" = [])), params(("limit" = Option<u64>, Query, description = "Number of entries: 100 by default, at most 1000")),
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "The audit log, newest first")))]
pub async fn audit(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Json<Value>, WebError> {
    if !user.role.is_bureau() {
        return Err(CoreError::Forbidden(t!("bureau-error-audit-log")).into());
    }
    let entries = audit::recent(&app.db, params.limit.unwrap_or(100).min(1000)).await?;
    Ok(Json(json!({ "entries": entries })))
}

#[utoipa::path(get, path = "/api/v1/organisations", tag = "bureau", security(("token" = []), ("session" = [])),
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "Organisations, unverified first")))]
pub async fn orgs(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Value>, WebError> {
    if !user.role.is_bureau() {
        return Err(CoreError::Forbidden(t!("bureau-error-organisation-list")).into());
    }
    use techmatch_core::services::organisations;
    let orgs = organisations::list(&app.db).await?;
    Ok(Json(json!({
        "conflicts": organisations::conflicts_among(&orgs),
        "organisations": orgs,
    })))
}

#[utoipa::path(post, path = "/api/v1/organisations/{id}/merge", tag = "bureau", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "The duplicate organisation, absorbed by the merge")), request_body = super::bureau_pages::MergeForm,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 404, description = "No such organisation", body = ErrorBody), (status = 200, description = "Merged: what moved"), (status = 409, description = "Both organisations bid on one call", body = ErrorBody), (status = 422, description = "The two are one, or the survivor is provisional", body = ErrorBody)))]
pub async fn merge_org(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<super::bureau_pages::MergeForm>,
) -> Result<Json<Value>, WebError> {
    let outcome = super::bureau_pages::merge_org(&app, &user, id, &form).await?;
    Ok(Json(json!(outcome)))
}

#[utoipa::path(post, path = "/api/v1/organisations/{id}/verify", tag = "bureau", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "Organisation id")), request_body = super::bureau_pages::VerifyForm,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "Verified"), (status = 409, description = "The code belongs to another organisation", body = ErrorBody), (status = 422, description = "Invalid code, or the reason for accepting it is missing", body = ErrorBody)))]
pub async fn verify_org(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<super::bureau_pages::VerifyForm>,
) -> Result<Json<Value>, WebError> {
    super::bureau_pages::verify_org(&app, &user, id, &form).await?;
    Ok(Json(json!({ "id": id, "verified": true })))
}
