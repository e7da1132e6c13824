//! 对接: an organisation asks another about a need and an achievement, they talk, and
//! they sign or close it. Each step is one transaction with its audit entry and the
//! notices to the other side.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use techmatch_core::contact::{ContactAction, ContactStatus, Deal, DealAnswer, DealConfirmation};
use techmatch_core::services::contacts::{self, ContactView};
use techmatch_core::services::users::User;

use crate::AppResult;
use crate::notices::{ContactEvent, contact_changed};
use crate::txn::in_transaction;

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
    /// 万元.
    #[serde(default)]
    pub contract_amount: String,
    /// 万元.
    #[serde(default)]
    pub technology_amount: String,
    #[serde(default)]
    pub researcher_share_percent: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = ContactAction)]
pub struct ActionBody {
    /// `accept`, `decline`, `negotiate`, `sign` or `close`.
    pub action: String,
    pub close_reason: Option<String>,
    /// The contract, when signing.
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

/// A contact and the status it now has.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct ContactMoved {
    pub id: i64,
    pub status: ContactStatus,
}

/// A deal's confirmation after the other side answered.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct DealAnswered {
    pub id: i64,
    pub confirmation: DealConfirmation,
}

/// The contacts of the caller's organisation; the bureau's: all.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContactList {
    pub contacts: Vec<ContactView>,
}

/// Sends a contact request.
///
/// # Errors
/// `NotFound` for a posting the actor may not see; `Conflict` for a pair already in
/// contact; `Forbidden` for someone who may not speak for either side.
pub async fn request(
    db: &DatabaseConnection,
    public_url: &str,
    actor: &User,
    body: &RequestBody,
    now: DateTime<Utc>,
) -> AppResult<ContactMoved> {
    in_transaction(db, async |txn| {
        let id =
            contacts::request(txn, actor, &body.need, &body.achievement, &body.message).await?;
        contact_changed(txn, public_url, id, actor, ContactEvent::Requested, now).await?;
        Ok(ContactMoved {
            id,
            status: ContactStatus::Requested,
        })
    })
    .await
}

/// Moves a contact on (with the deal when signing).
///
/// # Errors
/// `IllegalTransition` in the wrong status; `Invalid` for a missing reason or bad
/// contract details; `NotFound` for a contact the actor is no party to.
pub async fn act(
    db: &DatabaseConnection,
    public_url: &str,
    actor: &User,
    id: i64,
    body: &ActionBody,
    now: DateTime<Utc>,
) -> AppResult<ContactMoved> {
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
    in_transaction(db, async |txn| {
        let close_reason = body.close_reason.as_deref();
        let status = contacts::act(txn, actor, id, action, close_reason, deal).await?;
        contact_changed(txn, public_url, id, actor, ContactEvent::Moved(status), now).await?;
        Ok(ContactMoved { id, status })
    })
    .await
}

/// Confirms or disputes the deal the other side recorded.
///
/// # Errors
/// `Forbidden` for anyone but the other side; `IllegalTransition` with no deal or one
/// already answered; `Invalid` for a dispute without its reason.
pub async fn answer_deal(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    body: &DealAnswerBody,
) -> AppResult<DealAnswered> {
    let answer = DealAnswer::parse(&body.answer)?;
    in_transaction(db, async |txn| {
        let confirmation =
            contacts::answer_deal(txn, actor, id, answer, body.reason.as_deref()).await?;
        Ok(DealAnswered { id, confirmation })
    })
    .await
}

/// Posts a message to a contact's conversation.
///
/// # Errors
/// `IllegalTransition` before the other side accepts; `Invalid` for an empty or
/// overlong message; `NotFound` for a contact the actor is no party to.
pub async fn message(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    body: &MessageBody,
) -> AppResult<()> {
    Ok(contacts::post_message(db, actor, id, &body.body).await?)
}

/// # Errors
/// Database errors.
pub async fn list(db: &DatabaseConnection, actor: &User) -> AppResult<ContactList> {
    Ok(ContactList {
        contacts: contacts::list(db, actor).await?,
    })
}

/// A contact with its conversation and deal.
///
/// # Errors
/// `NotFound` for a contact the actor is no party to (the bureau reads all).
pub async fn get(db: &DatabaseConnection, actor: &User, id: i64) -> AppResult<ContactView> {
    Ok(contacts::get(db, actor, id).await?)
}
