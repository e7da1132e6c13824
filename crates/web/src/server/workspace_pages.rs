//! Pages where an organisation's users manage their own postings.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use techmatch_core::accounts::Role;
use techmatch_core::domain::{CoopMode, TransferMode};
use techmatch_core::posting::{Action, PostingKind, PostingView, Status};
use techmatch_core::services::workflow;
use techmatch_core::t;
use techmatch_search::Match;

use super::auth::{CsrfForm, PageUser};
use super::forms::PostingForm;
use super::i18n::filters;
use super::nav::{ContactFrom, Nav};
use super::workspace_api::{own_kind, own_posting, save, take_action};
use super::{AppState, PageError, WebError};

#[derive(Template, WebTemplate)]
#[template(path = "me.html")]
pub struct DashboardPage {
    pub nav: Nav,
    pub kind_label: String,
    pub postings: Vec<PostingView>,
}

pub async fn dashboard(
    State(app): State<AppState>,
    page_user: PageUser,
) -> Result<Response, PageError> {
    let user = &page_user.0.user;
    // A broker first chooses which assigned organisation to act for.
    if user.role == Role::Broker && user.acting_as.is_none() {
        return Ok(Redirect::to("/me/acting").into_response());
    }
    let kind = own_kind(user)?;
    Ok(DashboardPage {
        nav: Nav::of_user(&page_user),
        kind_label: kind.label(),
        postings: workflow::own_postings(&app.db, user).await?,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "posting_form.html")]
pub struct FormPage {
    pub nav: Nav,
    pub is_need: bool,
    pub kind_label: String,
    /// Where the form posts to.
    pub action: String,
    pub form: PostingForm,
    pub errors: Vec<String>,
    pub industries: Vec<String>,
    pub modes: Vec<&'static str>,
}

fn form_page(
    app: &AppState,
    page_user: &PageUser,
    action: String,
    form: PostingForm,
    errors: Vec<String>,
) -> Result<FormPage, WebError> {
    let kind = own_kind(&page_user.0.user)?;
    Ok(FormPage {
        nav: Nav::of_user(page_user),
        is_need: kind == PostingKind::Need,
        kind_label: kind.label(),
        action,
        form,
        errors,
        industries: app
            .industries()
            .all()
            .iter()
            .map(|i| i.name.clone())
            .collect(),
        modes: match kind {
            PostingKind::Need => CoopMode::ALL.iter().map(|m| m.label()).collect(),
            PostingKind::Achievement => TransferMode::ALL.iter().map(|m| m.label()).collect(),
        },
    })
}

pub async fn new_form(
    State(app): State<AppState>,
    page_user: PageUser,
) -> Result<FormPage, PageError> {
    Ok(form_page(
        &app,
        &page_user,
        "/me/new".to_owned(),
        PostingForm::default(),
        Vec::new(),
    )?)
}

/// Saves the form; a form with mistakes comes back with every problem listed.
async fn save_or_show(
    app: &AppState,
    page_user: &PageUser,
    existing: Option<i64>,
    form: PostingForm,
    action: String,
) -> Result<Response, PageError> {
    match save(app, &page_user.0.user, existing, &form).await {
        Ok((id, _)) => Ok(Redirect::to(&format!("/me/postings/{id}")).into_response()),
        Err(WebError::Core(techmatch_core::CoreError::Invalid { reason, .. })) => {
            let errors = reason
                .split(t!("separator-semicolon").as_str())
                .map(str::to_owned)
                .collect();
            let page = form_page(app, page_user, action, form, errors)?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn create(
    State(app): State<AppState>,
    page_user: PageUser,
    CsrfForm { form, .. }: CsrfForm<PostingForm>,
) -> Result<Response, PageError> {
    save_or_show(&app, &page_user, None, form, "/me/new".to_owned()).await
}

#[derive(Template, WebTemplate)]
#[template(path = "my_posting.html")]
pub struct MyPostingPage {
    pub nav: Nav,
    pub contact_from: Option<ContactFrom>,
    pub posting: PostingView,
    pub matches: Vec<Match>,
    pub counterpart_path: &'static str,
    /// Lifecycle actions the owner may take now: (code, label).
    pub actions: Vec<(&'static str, String)>,
    pub editable: bool,
}

/// The owner's actions that the lifecycle allows from `status`.
fn owner_actions(status: Status) -> Vec<(&'static str, String)> {
    [
        Action::Submit,
        Action::Recall,
        Action::Close,
        Action::Withdraw,
    ]
    .into_iter()
    .filter(|a| techmatch_core::posting::status::transition(status, a).is_ok())
    .map(|a| (a.code(), a.label()))
    .collect()
}

pub async fn show(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
) -> Result<MyPostingPage, PageError> {
    let (posting, matches) = own_posting(&app, &page_user.0.user, id).await?;
    Ok(MyPostingPage {
        nav: Nav::of_user(&page_user),
        contact_from: (!posting.status.is_final()).then_some(ContactFrom {
            is_need: posting.kind == PostingKind::Need,
            external_id: posting.external_id.clone(),
        }),
        actions: owner_actions(posting.status),
        editable: !matches!(posting.status, Status::PendingReview) && !posting.status.is_final(),
        counterpart_path: match posting.kind {
            PostingKind::Need => "achievements",
            PostingKind::Achievement => "needs",
        },
        posting,
        matches,
    })
}

pub async fn edit_form(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
) -> Result<FormPage, PageError> {
    let (posting, _) = own_posting(&app, &page_user.0.user, id).await?;
    Ok(form_page(
        &app,
        &page_user,
        format!("/me/postings/{id}/edit"),
        PostingForm::from_view(&posting),
        Vec::new(),
    )?)
}

pub async fn edit(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<PostingForm>,
) -> Result<Response, PageError> {
    save_or_show(
        &app,
        &page_user,
        Some(id),
        form,
        format!("/me/postings/{id}/edit"),
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct ActionForm {
    pub action: String,
}

pub async fn act(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<ActionForm>,
) -> Result<Response, PageError> {
    let user = &page_user.0.user;
    let kind = own_kind(user)?;
    let action = Action::parse(&form.action, None, "")?;
    if action.is_moderation() {
        return Err(
            techmatch_core::CoreError::Forbidden(t!("posting-error-moderation-by-bureau")).into(),
        );
    }
    take_action(&app, user, kind, id, &action).await?;
    Ok(Redirect::to(&format!("/me/postings/{id}")).into_response())
}
