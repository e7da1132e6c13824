//! The settings page and API of the bureau administrator
//! (`techmatch_core::services::settings`).

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use techmatch_core::accounts::Role;
use techmatch_core::domain::{Industry, Wan};
use techmatch_core::services::settings::{self, Settings, SettingsChange};
use techmatch_core::services::users::User;
use techmatch_core::{CoreError, t};

use crate::server::auth::{ApiUser, CsrfForm, PageUser};
use crate::server::extract::ApiJson;
use crate::server::i18n::filters;
use crate::server::nav::{AfterSave, Nav};
use crate::server::{AppState, PageError, WebError};

fn require_admin(user: &User) -> Result<(), WebError> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(CoreError::Forbidden(t!("settings-admin-only")).into())
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    pub nav: Nav,
    pub industry_lines: String,
    pub registration_open: bool,
    pub yearly_target_wan: String,
    /// Each publishable figure, its label and whether the public page shows it.
    pub public_figures: Vec<(&'static str, String, bool)>,
    pub error: Option<String>,
    pub saved: bool,
}

/// Each publishable figure with its label and whether `chosen` holds it.
fn figure_choices(chosen: &[String]) -> Vec<(&'static str, String, bool)> {
    settings::PUBLISHABLE_FIGURES
        .iter()
        .map(|code| {
            (
                *code,
                crate::server::bureau::public_stats::figure_label(code),
                chosen.iter().any(|c| c == code),
            )
        })
        .collect()
}

impl SettingsPage {
    fn of(nav: Nav, settings: &Settings) -> SettingsPage {
        SettingsPage {
            nav,
            industry_lines: settings::industry_lines(&settings.industries),
            registration_open: settings.registration_open,
            yearly_target_wan: settings.yearly_target.to_string(),
            public_figures: figure_choices(&settings.public_figures),
            error: None,
            saved: false,
        }
    }
}

pub async fn show(
    State(app): State<AppState>,
    page_user: PageUser,
    Query(query): Query<AfterSave>,
) -> Result<SettingsPage, PageError> {
    require_admin(&page_user.0.user)?;
    let current = settings::current(&app.db, &app.default_industries).await?;
    Ok(SettingsPage {
        saved: query.saved(),
        ..SettingsPage::of(Nav::of_user(&page_user), &current)
    })
}

#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    pub industries: String,
    /// A checkbox: present when ticked.
    pub registration_open: Option<String>,
    pub yearly_target_wan: String,
    /// Checkboxes: every ticked figure's code.
    #[serde(default)]
    pub public_figures: Vec<String>,
}

/// Checks and stores a change in one transaction; nothing is written when any part
/// is refused.
async fn apply(app: &AppState, user: &User, change: &SettingsChange) -> Result<Settings, WebError> {
    let saved =
        techmatch_app::settings::change(&app.db, user, &app.default_industries, change).await?;
    if let Err(error) = app.reload_industries().await {
        // The change is committed; the follower loop retries the reload.
        tracing::warn!(%error, "cannot reload the industry catalogue");
    }
    Ok(saved)
}

pub async fn save(
    State(app): State<AppState>,
    page_user: PageUser,
    CsrfForm { form, .. }: CsrfForm<SettingsForm>,
) -> Result<Response, PageError> {
    let user = &page_user.0.user;
    require_admin(user)?;
    let change = settings::parse_industry_lines(&form.industries).and_then(|industries| {
        Ok(SettingsChange {
            industries: Some(industries),
            registration_open: Some(form.registration_open.is_some()),
            yearly_target: Some(Wan::parse(&form.yearly_target_wan)?),
            public_figures: Some(form.public_figures.clone()),
        })
    });
    match change {
        Ok(change) => match apply(&app, user, &change).await {
            Ok(_) => Ok(Redirect::to("/bureau/settings?saved=1").into_response()),
            Err(WebError::Core(error)) if error.kind() == techmatch_core::ErrorKind::Invalid => {
                Ok(refused(&page_user, form, &error).into_response())
            }
            Err(other) => Err(other.into()),
        },
        Err(error) => Ok(refused(&page_user, form, &error).into_response()),
    }
}

/// The form again with what was typed and why it was refused.
fn refused(page_user: &PageUser, form: SettingsForm, error: &CoreError) -> SettingsPage {
    let reason = match error {
        CoreError::Invalid { reason, .. } => reason.clone(),
        other => other.to_string(),
    };
    SettingsPage {
        nav: Nav::of_user(page_user),
        industry_lines: form.industries,
        registration_open: form.registration_open.is_some(),
        yearly_target_wan: form.yearly_target_wan,
        public_figures: figure_choices(&form.public_figures),
        error: Some(reason),
        saved: false,
    }
}

/// The platform's settings as the administrator reads them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SettingsView {
    pub industries: Vec<Industry>,
    pub registration_open: bool,
    /// The yearly technology-transaction target in 万元, as text.
    pub yearly_target_wan: String,
    /// The figures the public statistics page shows.
    pub public_figures: Vec<String>,
}

impl SettingsView {
    fn of(settings: Settings) -> SettingsView {
        SettingsView {
            yearly_target_wan: settings.yearly_target.to_string(),
            industries: settings.industries,
            registration_open: settings.registration_open,
            public_figures: settings.public_figures,
        }
    }
}

/// The platform's settings (administrators)
#[utoipa::path(get, operation_id = "show_settings", path = "/api/v1/settings", tag = "bureau", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "The industry catalogue, whether self-registration is open, the yearly technology-transaction target in 10k yuan", body = SettingsView), (status = 401, description = "Not logged in", body = crate::server::error::ErrorBody), (status = 403, description = "Not a bureau administrator", body = crate::server::error::ErrorBody)))]
pub async fn api_show(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<SettingsView>, WebError> {
    require_admin(&user)?;
    let current = settings::current(&app.db, &app.default_industries).await?;
    Ok(Json(SettingsView::of(current)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SettingsBody {
    /// One entry per industry: {"code", "name", "aliases"}.
    #[schema(value_type = Option<Vec<Object>>)]
    pub industries: Option<Vec<Industry>>,
    pub registration_open: Option<bool>,
    /// In 万元, as text so that "2000", "2,000" and "0.2亿" all work.
    pub yearly_target_wan: Option<String>,
    /// The figures the public statistics page shows (codes such as `deals_signed`).
    pub public_figures: Option<Vec<String>>,
}

/// Changes the platform's settings; fields left out keep their values (administrators)
#[utoipa::path(put, operation_id = "change_settings", path = "/api/v1/settings", tag = "bureau", security(("token" = []), ("session" = [])), request_body = SettingsBody,
    responses((status = 200, description = "The settings as saved", body = SettingsView), (status = 401, description = "Not logged in", body = crate::server::error::ErrorBody), (status = 403, description = "Not a bureau administrator", body = crate::server::error::ErrorBody), (status = 422, description = "An ambiguous catalogue, one dropping an industry still in use, or a bad amount; nothing was changed", body = crate::server::error::ErrorBody)))]
pub async fn api_change(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<SettingsBody>,
) -> Result<Json<SettingsView>, WebError> {
    require_admin(&user)?;
    let change = SettingsChange {
        industries: body.industries,
        registration_open: body.registration_open,
        yearly_target: body
            .yearly_target_wan
            .as_deref()
            .map(Wan::parse)
            .transpose()?,
        public_figures: body.public_figures,
    };
    let saved = apply(&app, &user, &change).await?;
    Ok(Json(SettingsView::of(saved)))
}
