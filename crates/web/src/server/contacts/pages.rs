//! 对接 pages: the list of an organisation's contacts and one contact's conversation.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use techmatch_app::contacts::{
    self as app_contacts, ActionBody, DealAnswerBody, DealBody, MessageBody, RequestBody,
};
use techmatch_core::contact::ContractType;
use techmatch_core::services::contacts::ContactView;

use crate::server::auth::{CsrfForm, PageUser};
use crate::server::i18n::filters;
use crate::server::nav::Nav;
use crate::server::{AppState, PageError};

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
        contacts: app_contacts::list(&app.db, &page_user.0.user)
            .await?
            .contacts,
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
    let contact = app_contacts::get(&app.db, &page_user.0.user, id).await?;
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

pub async fn create(
    State(app): State<AppState>,
    page_user: PageUser,
    CsrfForm { form, .. }: CsrfForm<RequestBody>,
) -> Result<Response, PageError> {
    let user = &page_user.0.user;
    let sent =
        app_contacts::request(&app.db, &app.public_url, user, &form, app.clock.now()).await?;
    Ok(Redirect::to(&format!("/contacts/{}", sent.id)).into_response())
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
    let user = &page_user.0.user;
    app_contacts::act(&app.db, &app.public_url, user, id, &body, app.clock.now()).await?;
    Ok(Redirect::to(&format!("/contacts/{id}")).into_response())
}

pub async fn message(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<MessageBody>,
) -> Result<Response, PageError> {
    app_contacts::message(&app.db, &page_user.0.user, id, &form).await?;
    Ok(Redirect::to(&format!("/contacts/{id}")).into_response())
}

pub async fn deal(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<DealAnswerBody>,
) -> Result<Response, PageError> {
    app_contacts::answer_deal(&app.db, &page_user.0.user, id, &form).await?;
    Ok(Redirect::to(&format!("/contacts/{id}")).into_response())
}
