//! 对接 over JSON; the pages in `contacts_pages` call the same functions.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sea_orm::TransactionTrait;
use serde::Deserialize;
use serde_json::{Value, json};
use techmatch_core::CoreError;
use techmatch_core::contact::{ContactAction, ContactStatus, Deal, DealAnswer, DealConfirmation};
use techmatch_core::services::contacts;
use techmatch_core::services::users::User;

use super::auth::ApiUser;
use super::error::ErrorBody;
use super::extract::{ApiJson, ApiPath};
use super::{AppState, WebError};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = ContactRequest)]
pub struct RequestBody {
    /// The need's public id (`external_id`).
    pub need: String,
    /// The achievement's public id (`external_id`).
    pub achievement: String,
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = Deal)]
pub struct DealBody {
    #[serde(default)]
    pub contract_type: String,
    #[serde(default)]
    pub contract_amount: String,
    #[serde(default)]
    pub technology_amount: String,
    #[serde(default)]
    pub researcher_share_percent: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = ContactAction)]
pub struct ActionBody {
    pub action: String,
    pub close_reason: Option<String>,
    pub deal: Option<DealBody>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = DealAnswer)]
pub struct DealAnswerBody {
    /// `confirm` or `dispute`.
    pub answer: String,
    /// Why the deal is disputed; required for `dispute`.
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = ContactMessage)]
pub struct MessageBody {
    #[serde(default)]
    pub body: String,
}

/// Sends a contact request in one transaction with its audit entry.
pub async fn send_request(
    app: &super::Shared,
    user: &User,
    body: &RequestBody,
) -> Result<i64, WebError> {
    let txn = app.db.begin().await.map_err(CoreError::from)?;
    let id = contacts::request(&txn, user, &body.need, &body.achievement, &body.message).await?;
    let event = super::notices::ContactEvent::Requested;
    super::notices::contact_changed(&txn, &app.public_url, id, user, event, app.clock.now())
        .await?;
    txn.commit().await.map_err(CoreError::from)?;
    Ok(id)
}

/// Applies an action (with the deal when signing) in one transaction.
pub async fn take_action(
    app: &super::Shared,
    user: &User,
    id: i64,
    body: &ActionBody,
) -> Result<ContactStatus, WebError> {
    let action = ContactAction::parse(&body.action)?;
    let deal = match (&body.deal, action) {
        (Some(d), ContactAction::Sign) => Some(Deal::parse(
            &d.contract_type,
            &d.contract_amount,
            &d.technology_amount,
            &d.researcher_share_percent,
        )?),
        _ => None,
    };
    let txn = app.db.begin().await.map_err(CoreError::from)?;
    let status = contacts::act(&txn, user, id, action, body.close_reason.as_deref(), deal).await?;
    let event = super::notices::ContactEvent::Moved(status);
    super::notices::contact_changed(&txn, &app.public_url, id, user, event, app.clock.now())
        .await?;
    txn.commit().await.map_err(CoreError::from)?;
    Ok(status)
}

/// Confirms or disputes the deal the other side recorded, in one transaction with its
/// audit entry.
pub async fn answer_deal(
    app: &super::Shared,
    user: &User,
    id: i64,
    body: &DealAnswerBody,
) -> Result<DealConfirmation, WebError> {
    let answer = DealAnswer::parse(&body.answer)?;
    let txn = app.db.begin().await.map_err(CoreError::from)?;
    let confirmation =
        contacts::answer_deal(&txn, user, id, answer, body.reason.as_deref()).await?;
    txn.commit().await.map_err(CoreError::from)?;
    Ok(confirmation)
}

#[utoipa::path(post, path = "/api/v1/contacts", tag = "contacts", security(("token" = []), ("session" = [])), request_body = RequestBody,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 201, description = "Contact request sent"), (status = 404, description = "The other posting does not exist or is not published", body = ErrorBody), (status = 409, description = "This need and achievement already have a contact", body = ErrorBody)))]
pub async fn create(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<RequestBody>,
) -> Result<(StatusCode, Json<Value>), WebError> {
    let id = send_request(&app, &user, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "status": ContactStatus::Requested })),
    ))
}

#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts", security(("token" = []), ("session" = [])),
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "Contacts of the user's organisation (the bureau: all)")))]
pub async fn list(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Value>, WebError> {
    Ok(Json(
        json!({ "contacts": contacts::list(&app.db, &user).await? }),
    ))
}

#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "contacts", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "Contact id")),
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "The contact, its messages and the registered contract"), (status = 404, description = "Does not exist, or the user is not a party", body = ErrorBody)))]
pub async fn show(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, WebError> {
    Ok(Json(json!(contacts::get(&app.db, &user, id).await?)))
}

#[utoipa::path(post, path = "/api/v1/contacts/{id}/actions", tag = "contacts", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "Contact id")), request_body = ActionBody,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "The new status"), (status = 409, description = "Not possible in the current status", body = ErrorBody), (status = 422, description = "Reason missing or contract details invalid", body = ErrorBody)))]
pub async fn act(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ActionBody>,
) -> Result<Json<Value>, WebError> {
    let status = take_action(&app, &user, id, &body).await?;
    Ok(Json(json!({ "id": id, "status": status })))
}

#[utoipa::path(post, path = "/api/v1/contacts/{id}/messages", tag = "contacts", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "Contact id")), request_body = MessageBody,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 201, description = "Sent"), (status = 409, description = "Not possible before the other side accepts", body = ErrorBody)))]
pub async fn message(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MessageBody>,
) -> Result<StatusCode, WebError> {
    contacts::post_message(&app.db, &user, id, &body.body).await?;
    Ok(StatusCode::CREATED)
}

#[utoipa::path(post, path = "/api/v1/contacts/{id}/deal", tag = "contacts", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "Contact id")), request_body = DealAnswerBody,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not the other side of the contact: the side that recorded the deal, the person who recorded it and third parties may not answer", body = ErrorBody), (status = 200, description = "The deal's confirmation: only confirmed deals count in the figures"), (status = 409, description = "No deal, or already answered", body = ErrorBody), (status = 422, description = "Unknown answer, or a dispute without a reason", body = ErrorBody)))]
pub async fn deal(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DealAnswerBody>,
) -> Result<Json<Value>, WebError> {
    let confirmation = answer_deal(&app, &user, id, &body).await?;
    Ok(Json(json!({ "id": id, "confirmation": confirmation })))
}
