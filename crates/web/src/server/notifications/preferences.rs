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
use serde::Deserialize;
use techmatch_core::services::alerts;
use techmatch_core::services::outbox::NoticeKind;
use techmatch_core::services::preferences::{self, Frequency};
use techmatch_core::{CoreError, t};

use axum::Json;
use serde::Serialize;
use std::collections::BTreeMap;

use crate::server::auth::{ApiUser, CsrfForm, PageUser, Viewer};
use crate::server::error::ErrorBody;
use crate::server::extract::ApiJson;
use crate::server::i18n::filters;
use crate::server::nav::{AfterSave, Nav};
use crate::server::{AppState, PageError, WebError};

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

pub(crate) fn name_of(kind: NoticeKind) -> String {
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
    /// The lowest match strength the user is told of.
    pub min_strength: u8,
    pub default_min_strength: u8,
    /// Whether the user may manage their organisation's webhooks.
    pub webhooks: bool,
}

pub async fn show(
    State(app): State<AppState>,
    page_user: PageUser,
    Query(query): Query<AfterSave>,
) -> Result<PreferencesPage, PageError> {
    let current = preferences::get(&app.db, page_user.0.user.id).await?;
    let min_strength = alerts::min_strength(&app.db, page_user.0.user.id).await?;
    Ok(PreferencesPage {
        min_strength,
        default_min_strength: alerts::DEFAULT_MIN_STRENGTH,
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
        saved: query.saved(),
        webhooks: techmatch_core::services::webhooks::own_org(&page_user.0.user).is_ok(),
    })
}

#[derive(Debug, Deserialize)]
pub struct PreferencesForm {
    pub workflow: Option<String>,
    pub match_alert: Option<String>,
    pub saved_search: Option<String>,
    /// The lowest match strength to be told of, 0 to 100.
    pub min_strength: Option<String>,
}

pub async fn save(
    State(app): State<AppState>,
    page_user: PageUser,
    CsrfForm { form, .. }: CsrfForm<PreferencesForm>,
) -> Result<Response, PageError> {
    let chosen = [
        (NoticeKind::Workflow, &form.workflow),
        (NoticeKind::MatchAlert, &form.match_alert),
        (NoticeKind::SavedSearch, &form.saved_search),
    ];
    let frequencies = chosen
        .iter()
        .filter_map(|(kind, code)| Some((kind.code(), code.as_deref()?)));
    let min_strength = match form.min_strength.as_deref().map(str::trim) {
        Some(given) if !given.is_empty() => Some(given.parse::<i64>().map_err(|_| {
            WebError::from(CoreError::invalid(
                "min_strength",
                t!("alerts-strength-range"),
            ))
        })?),
        _ => None,
    };
    let user = &page_user.0.user;
    let now = app.clock.now();
    techmatch_app::preferences::change(&app.db, user, frequencies, min_strength, now).await?;
    Ok(Redirect::to("/me/notifications?saved=1").into_response())
}

/// A user's notification settings.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NotificationSettings {
    /// Kind code (workflow, match_alert, saved_search, …) to frequency code (immediate,
    /// daily, weekly, off).
    pub frequencies: BTreeMap<String, String>,
    /// The lowest match strength (0 to 100) a match alert is sent for.
    pub min_strength: u8,
    pub default_min_strength: u8,
}

async fn settings_of(app: &AppState, user_id: i64) -> Result<NotificationSettings, WebError> {
    let frequencies = preferences::get(&app.db, user_id)
        .await?
        .into_iter()
        .map(|(kind, frequency)| (kind.code().to_owned(), frequency.code().to_owned()))
        .collect();
    Ok(NotificationSettings {
        frequencies,
        min_strength: alerts::min_strength(&app.db, user_id).await?,
        default_min_strength: alerts::DEFAULT_MIN_STRENGTH,
    })
}

#[utoipa::path(get, operation_id = "show_notification_settings", path = "/api/v1/me/notifications", tag = "notifications", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "How often each kind of notice is sent (immediate, daily, weekly, off) and the match-alert threshold (0 to 100)", body = NotificationSettings),
        (status = 401, description = "Not logged in", body = ErrorBody)))]
/// The caller's notification settings
pub async fn api_show(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<NotificationSettings>, WebError> {
    Ok(Json(settings_of(&app, user.id).await?))
}

/// Changes to the notification settings; what is left out stays as it is.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct SettingsChange {
    /// Kind code (workflow, match_alert, saved_search) to frequency code (immediate,
    /// daily, weekly, off).
    #[serde(default)]
    pub frequencies: std::collections::BTreeMap<String, String>,
    /// The lowest match strength (0 to 100) a match alert is sent for.
    pub min_strength: Option<i64>,
}

#[utoipa::path(put, operation_id = "change_notification_settings", path = "/api/v1/me/notifications", tag = "notifications", security(("token" = []), ("session" = [])), request_body = SettingsChange,
    responses((status = 200, description = "The settings after the change", body = NotificationSettings), (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 422, description = "Unknown kind or frequency, or a threshold outside 0 to 100; nothing is changed", body = ErrorBody)))]
/// Changes the caller's notification settings
pub async fn api_change(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<SettingsChange>,
) -> Result<Json<NotificationSettings>, WebError> {
    let frequencies = body
        .frequencies
        .iter()
        .map(|(kind, frequency)| (kind.as_str(), frequency.as_str()));
    let now = app.clock.now();
    techmatch_app::preferences::change(&app.db, &user, frequencies, body.min_strength, now).await?;
    Ok(Json(settings_of(&app, user.id).await?))
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
    let now = app.clock.now();
    let kind =
        techmatch_app::preferences::unsubscribe(&app.db, user_id, &kind_code, &signature, now)
            .await?;
    Ok(UnsubscribePage {
        nav: Nav::of(&viewer),
        user_id,
        kind_name: name_of(kind),
        kind_code,
        signature,
        done: true,
    })
}
