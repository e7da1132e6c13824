//! The bureau's pages: the moderation queue, users and the audit log.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::TransactionTrait;
use serde::Deserialize;
use techmatch_core::posting::{Action, RejectReason};
use techmatch_core::services::audit::{self, AuditEntry};
use techmatch_core::services::users::{self, User};
use techmatch_core::services::{organisations, sessions};
use techmatch_core::{CoreError, t};

use techmatch_app::organisations::{self as app_orgs, MergeForm, VerifyForm};
use techmatch_app::postings::{self as app_postings, QueuedPosting};

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
    let (_, nav) = bureau(&page_user)?;
    Ok(UsersPage {
        nav,
        users: users::listing(&app.db).await?,
    })
}

#[derive(Debug, Deserialize)]
pub struct SuspendForm {
    /// `true` to suspend, `false` to reinstate.
    pub suspended: bool,
}

/// Suspends or reinstates a user; a suspended user's sessions end at once. Bureau staff
/// cannot suspend themselves (the platform would lose its last moderator that way).
pub async fn suspend(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<SuspendForm>,
) -> Result<Response, PageError> {
    let (actor, _) = bureau(&page_user)?;
    if actor.id == id {
        return Err(CoreError::invalid("user", t!("bureau-error-suspend-self")).into());
    }
    // Otherwise one moderator could lock every administrator out.
    if users::get(&app.db, id).await?.role.is_bureau()
        && actor.role != techmatch_core::accounts::Role::Admin
    {
        return Err(CoreError::Forbidden(t!("bureau-error-suspend-staff")).into());
    }
    let txn = app.db.begin().await.map_err(CoreError::from)?;
    users::set_suspended(&txn, id, form.suspended).await?;
    if form.suspended {
        sessions::end_all(&txn, id).await?;
    }
    audit::record(
        &txn,
        audit::Record {
            actor_user_id: Some(actor.id),
            action: if form.suspended {
                "user.suspend"
            } else {
                "user.reinstate"
            },
            entity: "user",
            entity_id: id,
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await.map_err(CoreError::from)?;
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

#[derive(Debug, Deserialize)]
pub struct AppointForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: String,
    /// The organisation (bureau staff: the bureau; brokers: their agency).
    #[serde(default)]
    pub org: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "appointed.html")]
pub struct AppointedPage {
    pub nav: Nav,
    pub user: User,
    /// Where the new user sets a password; also mailed when SMTP is configured.
    pub link: String,
}

/// Bureau administrators appoint moderators, administrators, experts and brokers. The new
/// user gets no password from anyone: they set one through a single-use link, which is
/// mailed to them and shown to the administrator to hand over if mail is not set up.
pub async fn appoint(
    State(app): State<AppState>,
    page_user: PageUser,
    CsrfForm { form, .. }: CsrfForm<AppointForm>,
) -> Result<AppointedPage, PageError> {
    let (actor, nav) = bureau(&page_user)?;
    if actor.role != techmatch_core::accounts::Role::Admin {
        return Err(CoreError::Forbidden(t!("bureau-error-appoint-admin-only")).into());
    }
    let role = techmatch_core::accounts::Role::parse(&form.role)?;
    if role.may_self_register() {
        return Err(CoreError::invalid("role", t!("bureau-error-appoint-self-service")).into());
    }
    let organisation = match (form.org.trim(), role.org_kinds().first()) {
        ("", _) | (_, None) => None,
        (name, Some(first)) => {
            // An expert may come from a university, an institute or a company: the
            // name usually says which.
            let guessed = techmatch_core::posting::OrgKind::guess_from_name(name);
            let kind = if role.org_kinds().contains(&guessed) {
                guessed
            } else {
                *first
            };
            Some(users::org_ref(name, kind, None)?)
        }
    };
    let new = users::NewUser {
        email: form.email.clone(),
        // Never used: replaced through the link before the account can log in.
        password: sessions::random_token(),
        display_name: form.name.clone(),
        role,
        organisation,
    };
    users::check(&new)?;
    let secret = new.password.clone();
    let hash =
        tokio::task::spawn_blocking(move || techmatch_core::accounts::password::hash(&secret))
            .await
            .map_err(WebError::from)??;
    let txn = app.db.begin().await.map_err(CoreError::from)?;
    let user = users::create(&txn, &new, hash, true).await?;
    // Two links: the mailed one proves the mailbox when followed, the one on this page
    // (the administrator sees it) does not. Either sets the password; the other then
    // stops working.
    use techmatch_core::services::password_resets::{self, Route};
    let issue = |route| password_resets::issue(&txn, &user.email, route);
    let (_, mailed) = issue(Route::Mail)
        .await?
        .ok_or_else(|| CoreError::Internal("new user has no reset token".to_owned()))?;
    let (_, shown) = issue(Route::Page)
        .await?
        .ok_or_else(|| CoreError::Internal("new user has no reset token".to_owned()))?;
    audit::record(
        &txn,
        audit::Record {
            actor_user_id: Some(actor.id),
            action: "user.appoint",
            entity: "user",
            entity_id: user.id,
            reason: Some(role.code()),
            detail: None,
        },
    )
    .await?;
    let link = format!("{}/password/reset?token={mailed}", app.public_url);
    let now = app.clock.now();
    let text = t!(
        "mail-appoint-body",
        name = user.display_name.as_str(),
        role = role.label(),
        email = user.email.as_str(),
        minutes = techmatch_core::services::password_resets::VALID_MINUTES,
        link = link.as_str()
    );
    let letter = techmatch_app::notices::Letter {
        to: &user,
        kind: techmatch_core::services::outbox::NoticeKind::Account,
        cause: &format!("appointment:{}", user.id),
        subject: &t!("mail-appoint-subject"),
        text,
        link: &link,
    };
    techmatch_app::notices::send(&txn, &app.public_url, letter, now).await?;
    txn.commit().await.map_err(CoreError::from)?;
    let link = format!("{}/password/reset?token={shown}", app.public_url);
    Ok(AppointedPage { nav, user, link })
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
    let txn = app.db.begin().await.map_err(CoreError::from)?;
    users::confirm_membership(&txn, actor, id).await?;
    txn.commit().await.map_err(CoreError::from)?;
    Ok(Redirect::to("/bureau/users").into_response())
}
