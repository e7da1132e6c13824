//! 对接 over JSON: adapters over `techmatch_app::contacts`, which the pages call too.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use techmatch_app::contacts::{
    self as app_contacts, ActionBody, ContactList, ContactMoved, DealAnswerBody, DealAnswered,
    MessageBody, RequestBody,
};
use techmatch_core::services::contacts::ContactView;

use crate::server::auth::ApiUser;
use crate::server::error::ErrorBody;
use crate::server::extract::{ApiJson, ApiPath};
use crate::server::{AppState, WebError};

#[utoipa::path(post, operation_id = "create_contact", path = "/api/v1/contacts", tag = "contacts", security(("token" = []), ("session" = [])), request_body = RequestBody,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 201, description = "Contact request sent", body = ContactMoved), (status = 404, description = "The other posting does not exist or is not published", body = ErrorBody), (status = 409, description = "This need and achievement already have a contact", body = ErrorBody)))]
/// Asks the other side of a need and an achievement for contact
pub async fn create(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<RequestBody>,
) -> Result<(StatusCode, Json<ContactMoved>), WebError> {
    let sent =
        app_contacts::request(&app.db, &app.public_url, &user, &body, app.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(sent)))
}

#[utoipa::path(get, operation_id = "list_contacts", path = "/api/v1/contacts", tag = "contacts", security(("token" = []), ("session" = [])),
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "Contacts of the user's organisation (the bureau: all)", body = ContactList)))]
/// The contacts of the caller's organisation
pub async fn list(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<ContactList>, WebError> {
    Ok(Json(app_contacts::list(&app.db, &user).await?))
}

#[utoipa::path(get, operation_id = "show_contact", path = "/api/v1/contacts/{id}", tag = "contacts", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "Contact id")),
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "The contact, its messages and the registered contract", body = ContactView), (status = 404, description = "Does not exist, or the user is not a party", body = ErrorBody)))]
/// A contact with its messages and deal
pub async fn show(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ContactView>, WebError> {
    Ok(Json(app_contacts::get(&app.db, &user, id).await?))
}

#[utoipa::path(post, operation_id = "act_on_contact", path = "/api/v1/contacts/{id}/actions", tag = "contacts", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "Contact id")), request_body = ActionBody,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "The new status", body = ContactMoved), (status = 409, description = "Not possible in the current status", body = ErrorBody), (status = 422, description = "Reason missing or contract details invalid", body = ErrorBody)))]
/// Moves a contact on: accept, decline, negotiate, sign, close
pub async fn act(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ActionBody>,
) -> Result<Json<ContactMoved>, WebError> {
    let now = app.clock.now();
    Ok(Json(
        app_contacts::act(&app.db, &app.public_url, &user, id, &body, now).await?,
    ))
}

#[utoipa::path(post, operation_id = "post_contact_message", path = "/api/v1/contacts/{id}/messages", tag = "contacts", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "Contact id")), request_body = MessageBody,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 201, description = "Sent"), (status = 409, description = "Not possible before the other side accepts", body = ErrorBody)))]
/// Posts a message to a contact
pub async fn message(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MessageBody>,
) -> Result<StatusCode, WebError> {
    app_contacts::message(&app.db, &user, id, &body).await?;
    Ok(StatusCode::CREATED)
}

#[utoipa::path(post, operation_id = "answer_deal", path = "/api/v1/contacts/{id}/deal", tag = "contacts", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "Contact id")), request_body = DealAnswerBody,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not the other side of the contact: the side that recorded the deal, the person who recorded it and third parties may not answer", body = ErrorBody), (status = 200, description = "The deal's confirmation: only confirmed deals count in the figures", body = DealAnswered), (status = 409, description = "No deal, or already answered", body = ErrorBody), (status = 422, description = "Unknown answer, or a dispute without a reason", body = ErrorBody)))]
/// Confirms or disputes the deal the other side recorded
pub async fn deal(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DealAnswerBody>,
) -> Result<Json<DealAnswered>, WebError> {
    Ok(Json(
        app_contacts::answer_deal(&app.db, &user, id, &body).await?,
    ))
}
