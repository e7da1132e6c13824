//! Login, logout and registration pages.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use techmatch_core::CoreError;
use techmatch_core::accounts::Role;
use techmatch_core::posting::OrgKind;
use techmatch_core::services::registrations::{self, Pending};

use crate::server::accounts::api;
use crate::server::accounts::password::TokenParam;
use crate::server::accounts::registration::{self, RegistrationForm};
use crate::server::auth::{ClientIp, CsrfForm, Viewer, expired_session_cookie, session_cookie};
use crate::server::i18n::filters;
use crate::server::nav::Nav;
use crate::server::{AppState, PageError, WebError};

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub nav: Nav,
    pub next: String,
    pub email: String,
    pub error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NextParam {
    pub next: Option<String>,
}

/// Only local paths are followed after login, so a link cannot send people elsewhere.
/// An empty value means "the user's own start page", decided once we know who it is.
fn safe_next(next: Option<&str>) -> String {
    match next {
        // Browsers read `/\\host` and `/<tab>/host` as another site: only plain local paths.
        Some(path)
            if path.starts_with('/')
                && !path[1..].starts_with(['/', '\\'])
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => String::new(),
    }
}

/// Where each role starts: its own postings, the bureau's queue, or the public pages.
fn start_page(role: Role) -> &'static str {
    if role.posts().is_some() {
        "/me"
    } else if role == Role::Broker {
        "/me/acting"
    } else if role.is_bureau() {
        "/bureau/queue"
    } else {
        "/"
    }
}

pub async fn login_form(viewer: Viewer, Query(params): Query<NextParam>) -> LoginPage {
    LoginPage {
        nav: Nav::of(&viewer),
        next: safe_next(params.next.as_deref()),
        email: String::new(),
        error: None,
    }
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub email: String,
    pub password: String,
    pub next: Option<String>,
}

pub async fn login(
    State(app): State<AppState>,
    ClientIp(client): ClientIp,
    jar: CookieJar,
    CsrfForm { viewer, form }: CsrfForm<LoginForm>,
) -> Result<Response, PageError> {
    let next = safe_next(form.next.as_deref());
    match api::authenticate(&app, &form.email, &form.password, client).await {
        Ok(token) => {
            let target = if next.is_empty() {
                let session = techmatch_core::services::sessions::find(&app.db, &token).await?;
                session.map_or("/", |s| start_page(s.user.role)).to_owned()
            } else {
                next
            };
            Ok((
                jar.add(session_cookie(
                    token,
                    app.public_url.starts_with("https://"),
                )),
                Redirect::to(&target),
            )
                .into_response())
        }
        Err(
            error @ (WebError::BadCredentials | WebError::Suspended | WebError::TooManyAttempts),
        ) => {
            let (status, _, message) = error.describe();
            let page = LoginPage {
                nav: Nav::of(&viewer),
                next,
                email: form.email,
                error: Some(message),
            };
            Ok((status, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct Empty {}

pub async fn logout(
    State(app): State<AppState>,
    jar: CookieJar,
    CsrfForm { .. }: CsrfForm<Empty>,
) -> Result<Response, PageError> {
    if let Some(token) = jar
        .get(crate::server::auth::SESSION_COOKIE)
        .map(|c| c.value().to_owned())
    {
        techmatch_core::services::sessions::end(&app.db, &token).await?;
    }
    Ok((jar.add(expired_session_cookie()), Redirect::to("/")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "register.html")]
pub struct RegisterPage {
    pub nav: Nav,
    pub form: RegistrationForm,
    pub error: Option<String>,
    pub org_kinds: Vec<(&'static str, String)>,
    /// Set once the request is taken: the page then says "check your mail" instead.
    pub sent: bool,
    pub hours: i64,
}

fn org_kinds() -> Vec<(&'static str, String)> {
    [OrgKind::Enterprise, OrgKind::University, OrgKind::Institute]
        .iter()
        .map(|k| (k.code(), k.label()))
        .collect()
}

fn register_page(viewer: &Viewer, form: RegistrationForm) -> RegisterPage {
    RegisterPage {
        nav: Nav::of(viewer),
        form,
        error: None,
        org_kinds: org_kinds(),
        sent: false,
        hours: registrations::VALID_HOURS,
    }
}

pub async fn register_form(viewer: Viewer) -> RegisterPage {
    let form = RegistrationForm {
        role: Role::Enterprise.code().to_owned(),
        org_kind: OrgKind::Enterprise.code().to_owned(),
        ..RegistrationForm::default()
    };
    register_page(&viewer, form)
}

/// Answers alike for a new address and one that has an account: "check your mail".
pub async fn register(
    State(app): State<AppState>,
    ClientIp(client): ClientIp,
    CsrfForm { viewer, form }: CsrfForm<RegistrationForm>,
) -> Result<Response, PageError> {
    let outcome = registration::start(&app, &form, client).await;
    let mut page = register_page(&viewer, form);
    let status = match outcome {
        Ok(()) => {
            page.sent = true;
            axum::http::StatusCode::OK
        }
        Err(error @ WebError::Core(_)) if error.describe().0.is_client_error() => {
            let (status, _, message) = error.describe();
            page.error = Some(message);
            status
        }
        Err(other) => return Err(other.into()),
    };
    Ok((status, page).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "register_confirm.html")]
pub struct ConfirmPage {
    pub nav: Nav,
    pub token: String,
    pub pending: Pending,
    pub error: Option<String>,
}

/// The page carries the link's token and who is registering: no cache may keep it.
fn uncached(status: axum::http::StatusCode, page: ConfirmPage) -> Response {
    (
        status,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        page,
    )
        .into_response()
}

/// `GET /register/confirm?token=…`: who is registering, and the password to choose.
/// Opening the link changes nothing, so a mail scanner that fetches it creates no
/// account.
pub async fn confirm_form(
    State(app): State<AppState>,
    viewer: Viewer,
    Query(params): Query<TokenParam>,
) -> Result<Response, PageError> {
    let pending = registrations::pending(&app.db, &params.token, app.clock.now()).await?;
    let page = ConfirmPage {
        nav: Nav::of(&viewer),
        token: params.token,
        pending,
        error: None,
    };
    Ok(uncached(axum::http::StatusCode::OK, page))
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub password: String,
}

pub async fn confirm(
    State(app): State<AppState>,
    jar: CookieJar,
    CsrfForm { viewer, form }: CsrfForm<ConfirmForm>,
) -> Result<Response, PageError> {
    let previous = jar
        .get(crate::server::auth::SESSION_COOKIE)
        .map(|c| c.value().to_owned());
    match registration::finish(&app, &form.token, &form.password, previous.as_deref()).await {
        Ok((user, token)) => Ok((
            jar.add(session_cookie(
                token,
                app.public_url.starts_with("https://"),
            )),
            Redirect::to(start_page(user.role)),
        )
            .into_response()),
        // A password too weak: the page again, with the reason.
        Err(WebError::Core(CoreError::Invalid {
            field: "password",
            reason,
        })) => {
            let pending = registrations::pending(&app.db, &form.token, app.clock.now()).await?;
            let page = ConfirmPage {
                nav: Nav::of(&viewer),
                token: form.token,
                pending,
                error: Some(reason),
            };
            Ok(uncached(axum::http::StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(other) => Err(other.into()),
    }
}
