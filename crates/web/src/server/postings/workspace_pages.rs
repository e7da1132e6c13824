//! Pages where an organisation's users manage their own postings.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use techmatch_app::postings::{self as app_postings, PostingDetail, PostingForm, own_kind};
use techmatch_app::values::Offer;
use techmatch_core::accounts::Role;
use techmatch_core::domain::{CoopMode, TransferMode};
use techmatch_core::posting::{Action, PostingKind, PostingView};
use techmatch_core::t;
use techmatch_search::Match;

use crate::server::auth::{CsrfForm, PageUser};
use crate::server::i18n::filters;
use crate::server::nav::{ContactFrom, Nav};
use crate::server::{AppState, PageError, WebError};

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
        postings: app_postings::own(&app.db, user).await?,
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
        industries: app.industry_names(),
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
    let user = &page_user.0.user;
    match app_postings::save(&app.db, &app.industries(), user, existing, &form).await {
        Ok(saved) => Ok(Redirect::to(&format!("/me/postings/{}", saved.id)).into_response()),
        Err(techmatch_app::AppError::Core(techmatch_core::CoreError::Invalid {
            reason, ..
        })) => {
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
    /// The owner's moves the lifecycle allows now.
    pub offered: Vec<Offer>,
    pub editable: bool,
}

pub async fn show(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
) -> Result<MyPostingPage, PageError> {
    let PostingDetail {
        card,
        matches,
        offered,
        editable,
    } = app_postings::own_detail(&app.db, &app.index, &page_user.0.user, id).await?;
    let posting = card.posting;
    Ok(MyPostingPage {
        nav: Nav::of_user(&page_user),
        contact_from: (!posting.status.is_final()).then_some(ContactFrom {
            is_need: posting.kind == PostingKind::Need,
            external_id: posting.external_id.clone(),
        }),
        counterpart_path: posting.kind.counterpart().section(),
        posting,
        matches,
        offered,
        editable,
    })
}

pub async fn edit_form(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
) -> Result<FormPage, PageError> {
    let d = app_postings::own_detail(&app.db, &app.index, &page_user.0.user, id).await?;
    Ok(form_page(
        &app,
        &page_user,
        format!("/me/postings/{id}/edit"),
        PostingForm::from_view(&d.card.posting),
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
    let action = Action::parse(&form.action, None, "")?;
    app_postings::act(&app.db, &page_user.0.user, id, &action).await?;
    Ok(Redirect::to(&format!("/me/postings/{id}")).into_response())
}
