//! 对接 pages: the list of an organisation's contacts and one contact's conversation.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use techmatch_core::contact::ContractType;
use techmatch_core::services::contacts::{self, ContactView};

use super::auth::{CsrfForm, PageUser};
use super::contacts_api::{
    ActionBody, DealAnswerBody, DealBody, RequestBody, answer_deal, send_request, take_action,
};
use super::i18n::filters;
use super::nav::Nav;
use super::{AppState, PageError};

#[derive(Template, WebTemplate)]
#[template(path = "contacts.html")]
pub struct ContactsPage {
    pub nav: Nav,
    pub contacts: Vec<ContactView>,
}

pub async fn list(
    State(app): State<AppState>,
    page_user: PageUser,
) -> Result<ContactsPage, PageError> {
    Ok(ContactsPage {
        nav: Nav::of_user(&page_user),
        contacts: contacts::list(&app.db, &page_user.0.user).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "contact.html")]
pub struct ContactPage {
    pub nav: Nav,
    pub contact: ContactView,
    pub actions: Vec<(&'static str, String)>,
    pub contract_types: Vec<(&'static str, String)>,
}

pub async fn show(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
) -> Result<ContactPage, PageError> {
    let contact = contacts::get(&app.db, &page_user.0.user, id).await?;
    Ok(ContactPage {
        nav: Nav::of_user(&page_user),
        actions: contact.actions(),
        contract_types: ContractType::ALL
            .iter()
            .map(|t| (t.code(), t.label()))
            .collect(),
        contact,
    })
}

#[derive(Debug, Deserialize)]
pub struct RequestForm {
    pub need: String,
    pub achievement: String,
    #[serde(default)]
    pub message: String,
}

pub async fn create(
    State(app): State<AppState>,
    page_user: PageUser,
    CsrfForm { form, .. }: CsrfForm<RequestForm>,
) -> Result<Response, PageError> {
    let body = RequestBody {
        need: form.need,
        achievement: form.achievement,
        message: form.message,
    };
    let id = send_request(&app, &page_user.0.user, &body).await?;
    Ok(Redirect::to(&format!("/contacts/{id}")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ActionForm {
    pub action: String,
    pub close_reason: Option<String>,
    #[serde(default)]
    pub contract_type: String,
    #[serde(default)]
    pub contract_amount: String,
    #[serde(default)]
    pub technology_amount: String,
    #[serde(default)]
    pub researcher_share_percent: String,
}

pub async fn act(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<ActionForm>,
) -> Result<Response, PageError> {
    let body = ActionBody {
        action: form.action,
        close_reason: form.close_reason,
        deal: Some(DealBody {
            contract_type: form.contract_type,
            contract_amount: form.contract_amount,
            technology_amount: form.technology_amount,
            researcher_share_percent: form.researcher_share_percent,
        }),
    };
    take_action(&app, &page_user.0.user, id, &body).await?;
    Ok(Redirect::to(&format!("/contacts/{id}")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    pub body: String,
}

pub async fn message(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<MessageForm>,
) -> Result<Response, PageError> {
    contacts::post_message(&app.db, &page_user.0.user, id, &form.body).await?;
    Ok(Redirect::to(&format!("/contacts/{id}")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct DealAnswerForm {
    pub answer: String,
    pub reason: Option<String>,
}

pub async fn deal(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<DealAnswerForm>,
) -> Result<Response, PageError> {
    let body = DealAnswerBody {
        answer: form.answer,
        reason: form.reason,
    };
    answer_deal(&app, &page_user.0.user, id, &body).await?;
    Ok(Redirect::to(&format!("/contacts/{id}")).into_response())
}
