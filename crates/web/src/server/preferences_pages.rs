//! Notification preferences (`techmatch_core::services::preferences`): the logged-in
//! user's page with one choice per kind of notice, and the one-click unsubscribe link
//! every switchable mail carries. The link needs no login and no CSRF cookie: its
//! HMAC signature is the authority, and RFC 8058 one-click POSTs come from mail
//! clients that have no cookies.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::TransactionTrait;
use serde::Deserialize;
use techmatch_core::services::outbox::NoticeKind;
use techmatch_core::services::preferences::{self, Frequency};
use techmatch_core::{CoreError, t};

use super::auth::{CsrfForm, PageUser, Viewer};
use super::i18n::filters;
use super::nav::Nav;
use super::{AppState, PageError, WebError};

/// One kind of notice as the page shows it.
pub struct KindRow {
    pub code: &'static str,
    pub name: String,
    pub description: String,
    pub frequency: &'static str,
    pub switchable: bool,
}

/// One choice of a select.
pub struct Choice {
    pub code: &'static str,
    pub label: String,
}

pub(super) fn name_of(kind: NoticeKind) -> String {
    match kind {
        NoticeKind::Workflow => t!("preferences-kind-workflow"),
        NoticeKind::MatchAlert => t!("preferences-kind-match-alert"),
        NoticeKind::SavedSearch => t!("preferences-kind-saved-search"),
        NoticeKind::Account => t!("preferences-kind-account"),
    }
}

fn description_of(kind: NoticeKind) -> String {
    match kind {
        NoticeKind::Workflow => t!("preferences-kind-workflow-hint"),
        NoticeKind::MatchAlert => t!("preferences-kind-match-alert-hint"),
        NoticeKind::SavedSearch => t!("preferences-kind-saved-search-hint"),
        NoticeKind::Account => t!("preferences-kind-account-hint"),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "notification_preferences.html")]
pub struct PreferencesPage {
    pub nav: Nav,
    pub kinds: Vec<KindRow>,
    pub choices: Vec<Choice>,
    pub saved: bool,
    /// Whether the user may manage their organisation's webhooks.
    pub webhooks: bool,
}

#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    pub saved: Option<String>,
}

pub async fn show(
    State(app): State<AppState>,
    page_user: PageUser,
    Query(query): Query<ShowQuery>,
) -> Result<PreferencesPage, PageError> {
    let current = preferences::get(&app.db, page_user.0.user.id).await?;
    Ok(PreferencesPage {
        nav: Nav::of_user(&page_user),
        kinds: current
            .into_iter()
            .map(|(kind, frequency)| KindRow {
                code: kind.code(),
                name: name_of(kind),
                description: description_of(kind),
                frequency: frequency.code(),
                switchable: preferences::switchable(kind),
            })
            .collect(),
        choices: Frequency::ALL
            .into_iter()
            .map(|f| Choice {
                code: f.code(),
                label: f.label(),
            })
            .collect(),
        saved: query.saved.is_some(),
        webhooks: techmatch_core::services::webhooks::own_org(&page_user.0.user).is_ok(),
    })
}

#[derive(Debug, Deserialize)]
pub struct PreferencesForm {
    pub workflow: Option<String>,
    pub match_alert: Option<String>,
    pub saved_search: Option<String>,
}

pub async fn save(
    State(app): State<AppState>,
    page_user: PageUser,
    CsrfForm { form, .. }: CsrfForm<PreferencesForm>,
) -> Result<Response, PageError> {
    let user_id = page_user.0.user.id;
    let chosen = [
        (NoticeKind::Workflow, &form.workflow),
        (NoticeKind::MatchAlert, &form.match_alert),
        (NoticeKind::SavedSearch, &form.saved_search),
    ];
    let now = app.clock.now();
    let txn = app.db.begin().await.map_err(CoreError::from)?;
    for (kind, code) in chosen {
        let Some(code) = code else { continue };
        let frequency = Frequency::parse(code).ok_or_else(|| {
            WebError::from(CoreError::invalid(
                kind.code(),
                t!("preferences-unknown-frequency"),
            ))
        })?;
        preferences::set(&txn, user_id, kind, frequency, now).await?;
    }
    txn.commit().await.map_err(CoreError::from)?;
    Ok(Redirect::to("/me/notifications?saved=1").into_response())
}

/// The parameters of an unsubscribe link; a one-click POST sends them in the query and
/// `List-Unsubscribe=One-Click` as its body, the confirmation page as its form.
#[derive(Debug, Default, Deserialize)]
pub struct LinkParams {
    pub u: Option<i64>,
    pub k: Option<String>,
    pub s: Option<String>,
}

impl LinkParams {
    fn or(self, other: LinkParams) -> LinkParams {
        LinkParams {
            u: self.u.or(other.u),
            k: self.k.or(other.k),
            s: self.s.or(other.s),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "unsubscribe.html")]
pub struct UnsubscribePage {
    pub nav: Nav,
    pub user_id: i64,
    pub kind_code: String,
    pub kind_name: String,
    pub signature: String,
    pub done: bool,
}

fn refused() -> WebError {
    CoreError::NotFound {
        what: t!("what-unsubscribe-link"),
        id: String::new(),
    }
    .into()
}

pub async fn confirm(
    State(app): State<AppState>,
    viewer: Viewer,
    Query(params): Query<LinkParams>,
) -> Result<UnsubscribePage, PageError> {
    let (Some(user_id), Some(kind_code), Some(signature)) = (params.u, params.k, params.s) else {
        return Err(refused().into());
    };
    let kind =
        preferences::verify(&app.db, user_id, &kind_code, &signature, app.clock.now()).await?;
    Ok(UnsubscribePage {
        nav: Nav::of(&viewer),
        user_id,
        kind_name: name_of(kind),
        kind_code,
        signature,
        done: false,
    })
}

pub async fn unsubscribe(
    State(app): State<AppState>,
    viewer: Viewer,
    Query(query): Query<LinkParams>,
    Form(form): Form<LinkParams>,
) -> Result<UnsubscribePage, PageError> {
    let params = form.or(query);
    let (Some(user_id), Some(kind_code), Some(signature)) = (params.u, params.k, params.s) else {
        return Err(refused().into());
    };
    let txn = app.db.begin().await.map_err(CoreError::from)?;
    let kind =
        preferences::unsubscribe(&txn, user_id, &kind_code, &signature, app.clock.now()).await?;
    txn.commit().await.map_err(CoreError::from)?;
    Ok(UnsubscribePage {
        nav: Nav::of(&viewer),
        user_id,
        kind_name: name_of(kind),
        kind_code,
        signature,
        done: true,
    })
}
