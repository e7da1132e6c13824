//! The bureau's pages: the moderation queue, users and the audit log.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use techmatch_core::posting::{Action, RejectReason};
use techmatch_core::services::audit::AuditEntry;
use techmatch_core::services::organisations;
use techmatch_core::services::users::{self, User};
use techmatch_core::{CoreError, t};

use techmatch_app::organisations::{self as app_orgs, MergeForm, VerifyForm};
use techmatch_app::postings::{self as app_postings, QueuedPosting};
use techmatch_app::users::{self as app_users, AppointForm};

use crate::server::auth::{CsrfForm, PageUser};
use crate::server::i18n::filters;
use crate::server::nav::Nav;
use crate::server::{AppState, PageError, WebError};

fn bureau(page_user: &PageUser) -> Result<(&User, Nav), WebError> {
    let user = &page_user.0.user;
    if !user.role.is_bureau() {
        return Err(CoreError::Forbidden(t!("bureau-error-staff-only")).into());
    }
    Ok((user, Nav::of_user(page_user)))
}

#[derive(Template, WebTemplate)]
#[template(path = "queue.html")]
pub struct QueuePage {
    pub nav: Nav,
    /// Each with the posting it may repeat.
    pub postings: Vec<QueuedPosting>,
    /// All postings waiting, of which `postings` are the oldest.
    pub total: u64,
    pub reasons: Vec<(&'static str, String)>,
}

pub async fn queue(
    State(app): State<AppState>,
    page_user: PageUser,
) -> Result<QueuePage, PageError> {
    let (user, nav) = bureau(&page_user)?;
    let queue = app_postings::review_queue(&app.db, user, None).await?;
    Ok(QueuePage {
        nav,
        total: queue.total,
        postings: queue.postings,
        reasons: RejectReason::ALL
            .iter()
            .map(|r| (r.code(), r.label()))
            .collect(),
    })
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    pub action: String,
    pub reason: Option<String>,
    #[serde(default)]
    pub note: String,
}

pub async fn decide(
    State(app): State<AppState>,
    page_user: PageUser,
    Path((kind, id)): Path<(String, i64)>,
    CsrfForm { form, .. }: CsrfForm<DecisionForm>,
) -> Result<Response, PageError> {
    let (user, _) = bureau(&page_user)?;
    let kind = crate::server::postings::kind_of_path(&kind)?;
    let action = Action::parse(&form.action, form.reason.as_deref(), &form.note)?;
    let now = app.clock.now();
    app_postings::decide(&app.db, &app.public_url, user, kind, id, &action, now).await?;
    Ok(Redirect::to("/bureau/queue").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub nav: Nav,
    pub entries: Vec<AuditEntry>,
}

pub async fn audit(
    State(app): State<AppState>,
    page_user: PageUser,
) -> Result<AuditPage, PageError> {
    let (actor, nav) = bureau(&page_user)?;
    Ok(AuditPage {
        nav,
        entries: techmatch_app::audit::audit_log(&app.db, actor, Some(200))
            .await?
            .entries,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "users.html")]
pub struct UsersPage {
    pub nav: Nav,
    pub users: Vec<users::Listed>,
}

pub async fn users(
    State(app): State<AppState>,
    page_user: PageUser,
) -> Result<UsersPage, PageError> {
    let (actor, nav) = bureau(&page_user)?;
    Ok(UsersPage {
        nav,
        users: app_users::list(&app.db, actor).await?,
    })
}

#[derive(Debug, Deserialize)]
pub struct SuspendForm {
    /// `true` to suspend, `false` to reinstate.
    pub suspended: bool,
}

/// Suspends or reinstates a user (see `techmatch_app::users::suspend`).
pub async fn suspend(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<SuspendForm>,
) -> Result<Response, PageError> {
    let (actor, _) = bureau(&page_user)?;
    app_users::suspend(&app.db, actor, id, form.suspended).await?;
    Ok(Redirect::to("/bureau/users").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs.html")]
pub struct OrgsPage {
    pub nav: Nav,
    pub orgs: Vec<organisations::OrgSummary>,
    pub conflicts: Vec<organisations::Conflict>,
}

pub async fn orgs(State(app): State<AppState>, page_user: PageUser) -> Result<OrgsPage, PageError> {
    let (actor, nav) = bureau(&page_user)?;
    let register = app_orgs::register(&app.db, actor).await?;
    Ok(OrgsPage {
        nav,
        conflicts: register.conflicts,
        orgs: register.organisations,
    })
}

pub async fn merge(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<MergeForm>,
) -> Result<Response, PageError> {
    let (actor, _) = bureau(&page_user)?;
    app_orgs::merge(&app.db, actor, id, &form, app.clock.now()).await?;
    Ok(Redirect::to("/bureau/orgs").into_response())
}

pub async fn verify(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<VerifyForm>,
) -> Result<Response, PageError> {
    let (actor, _) = bureau(&page_user)?;
    app_orgs::verify(&app.db, actor, id, &form).await?;
    Ok(Redirect::to("/bureau/orgs").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "appointed.html")]
pub struct AppointedPage {
    pub nav: Nav,
    pub user: User,
    /// Where the new user sets a password; also mailed when SMTP is configured.
    pub link: String,
}

/// Appoints staff, an expert or a broker (see `techmatch_app::users::appoint`); the
/// page shows the administrator the link to hand over where mail is not set up.
pub async fn appoint(
    State(app): State<AppState>,
    page_user: PageUser,
    CsrfForm { form, .. }: CsrfForm<AppointForm>,
) -> Result<AppointedPage, PageError> {
    let (actor, nav) = bureau(&page_user)?;
    let now = app.clock.now();
    let appointed = app_users::appoint(&app.db, &app.public_url, actor, &form, now).await?;
    Ok(AppointedPage {
        nav,
        user: appointed.user,
        link: appointed.shown_link,
    })
}

/// Confirms that a user who registered for an organisation the platform already knew
/// really belongs to it (checked by the bureau, for example by phone).
pub async fn confirm_membership(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { .. }: CsrfForm<crate::server::accounts::pages::Empty>,
) -> Result<Response, PageError> {
    let (actor, _) = bureau(&page_user)?;
    app_users::confirm_membership(&app.db, actor, id).await?;
    Ok(Redirect::to("/bureau/users").into_response())
}
