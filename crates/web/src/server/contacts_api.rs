//! 对接 over JSON; the pages in `contacts_pages` call the same functions.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use sea_orm::TransactionTrait;
use serde::Deserialize;
use serde_json::{Value, json};
use techmatch_core::CoreError;
use techmatch_core::contact::{ContactAction, ContactStatus, Deal};
use techmatch_core::services::contacts;
use techmatch_core::services::users::User;

use super::auth::ApiUser;
use super::{AppState, WebError};
use crate::app::App;

#[derive(Debug, Deserialize)]
pub struct RequestBody {
    pub need_id: i64,
    pub achievement_id: i64,
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Default, Deserialize)]
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

#[derive(Debug, Deserialize)]
pub struct ActionBody {
    pub action: String,
    pub close_reason: Option<String>,
    pub deal: Option<DealBody>,
}

#[derive(Debug, Deserialize)]
pub struct MessageBody {
    #[serde(default)]
    pub body: String,
}

/// Sends a contact request in one transaction with its audit entry.
pub async fn send_request(app: &App, user: &User, body: &RequestBody) -> Result<i64, WebError> {
    let txn = app.db.begin().await.map_err(CoreError::from)?;
    let id =
        contacts::request(&txn, user, body.need_id, body.achievement_id, &body.message).await?;
    txn.commit().await.map_err(CoreError::from)?;
    Ok(id)
}

/// Applies an action (with the deal when signing) in one transaction.
pub async fn take_action(
    app: &App,
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
    txn.commit().await.map_err(CoreError::from)?;
    Ok(status)
}

pub async fn create(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    Json(body): Json<RequestBody>,
) -> Result<(StatusCode, Json<Value>), WebError> {
    let id = send_request(&app, &user, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "status": ContactStatus::Requested })),
    ))
}

pub async fn list(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Value>, WebError> {
    Ok(Json(
        json!({ "contacts": contacts::list(&app.db, &user).await? }),
    ))
}

pub async fn show(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, WebError> {
    Ok(Json(json!(contacts::get(&app.db, &user, id).await?)))
}

pub async fn act(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<ActionBody>,
) -> Result<Json<Value>, WebError> {
    let status = take_action(&app, &user, id, &body).await?;
    Ok(Json(json!({ "id": id, "status": status })))
}

pub async fn message(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<MessageBody>,
) -> Result<StatusCode, WebError> {
    contacts::post_message(&app.db, &user, id, &body.body).await?;
    Ok(StatusCode::CREATED)
}
