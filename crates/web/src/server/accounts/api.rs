//! Accounts over JSON, and the steps pages and API share: registration and login.

use std::net::IpAddr;
use std::sync::LazyLock;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use techmatch_core::accounts::password;
use techmatch_core::services::outbox::NoticeKind;
use techmatch_core::services::users::{self, User};
use techmatch_core::services::{api_tokens, lockout, sessions};
use techmatch_core::{CoreError, t};

use crate::server::accounts::registration::{self, RegistrationForm};
use crate::server::auth::{
    ClientIp, SESSION_COOKIE, Viewer, expired_session_cookie, session_cookie,
};
use crate::server::error::ErrorBody;
use crate::server::extract::{ApiJson, ApiPath};
use crate::server::{AppState, WebError};

/// Checks a password and starts a session; returns the cookie's token.
pub async fn authenticate(
    app: &AppState,
    email: &str,
    secret: &str,
    client: Option<IpAddr>,
) -> Result<String, WebError> {
    app.login_limiter.check(email, client)?;
    let now = app.clock.now();
    // A locked address is refused before its password is looked at, exactly as a
    // rate-limited one is.
    if lockout::locked_until(&app.db, email, now).await?.is_some() {
        return Err(WebError::TooManyAttempts);
    }
    let found = users::credentials(&app.db, email).await?;
    let (user, stored) = match found {
        Some((user, stored)) => (Some(user), stored),
        // Verify against a dummy so an unknown address takes as long as a wrong password.
        None => (None, DUMMY_HASH.clone()),
    };
    let secret = secret.to_owned();
    let matches = tokio::task::spawn_blocking(move || password::verify(&secret, &stored)).await?;
    match user {
        Some(user) if matches && user.suspended => Err(WebError::Suspended),
        Some(user) if matches => {
            lockout::clear(&app.db, email).await?;
            Ok(sessions::start(&app.db, user.id).await?)
        }
        user => {
            if let Some(until) = lockout::record_failure(&app.db, email, now).await?
                && let Some(user) = user
            {
                // In the background, so that the answer takes as long for any address.
                let state = app.clone();
                tokio::spawn(async move {
                    if let Err(error) = tell_locked(&state, &user, until).await {
                        tracing::warn!(%error, "lockout notice not enqueued");
                    }
                });
            }
            Err(WebError::BadCredentials)
        }
    }
}

/// Tells the owner of an account that it was locked, and how to get in at once.
async fn tell_locked(
    app: &AppState,
    user: &User,
    until: chrono::DateTime<chrono::Utc>,
) -> Result<(), WebError> {
    let now = app.clock.now();
    let link = format!("{}/password/forgot", app.public_url);
    let text = t!(
        "mail-locked-body",
        name = user.display_name.as_str(),
        failures = lockout::FAILURES_TO_LOCK,
        until = techmatch_core::challenge::calendar::beijing_minute(until),
        link = link.as_str()
    );
    let txn = app.db.begin().await.map_err(CoreError::from)?;
    let letter = techmatch_app::notices::Letter {
        to: user,
        kind: NoticeKind::Account,
        cause: &format!("account-locked:{}", until.timestamp()),
        subject: &t!("mail-locked-subject"),
        text,
        link: &link,
    };
    techmatch_app::notices::send(&txn, &app.public_url, letter, now).await?;
    txn.commit().await.map_err(CoreError::from)?;
    Ok(())
}

/// A real hash of a password nobody has, verified when the email is unknown.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| password::hash("no account has this password").unwrap_or_default());

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// The user and the CSRF token JSON clients send in `X-CSRF-Token`.
/// The signed-in user as every answer naming them shows it: serialised through the
/// documented bodies, so that the OpenAPI document cannot drift from the answers.
fn me_json(user: &User, csrf: &str) -> SignedInBody {
    SignedInBody {
        user: AccountBody::from(user),
        csrf_token: csrf.to_owned(),
    }
}

/// A user as the API shows it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AccountBody {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    /// `enterprise`, `researcher`, `moderator`, `admin`, `expert` or `broker`.
    pub role: String,
    pub org_id: Option<i64>,
    pub suspended: bool,
    /// Whether the bureau confirmed that the user belongs to `org_id` (a self-registered
    /// organisation's registrant is confirmed at once).
    pub org_confirmed: bool,
    /// While a broker acts for an organisation: `need` or `achievement`.
    pub acting_as: Option<String>,
    /// When the owner last proved the address (followed a registration or password reset
    /// link); null when nobody has.
    pub email_confirmed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<&User> for AccountBody {
    fn from(user: &User) -> AccountBody {
        AccountBody {
            id: user.id,
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            role: user.role.code().to_owned(),
            org_id: user.org_id,
            suspended: user.suspended,
            org_confirmed: user.org_confirmed,
            acting_as: user.acting_as.map(|kind| kind.code().to_owned()),
            email_confirmed_at: user.email_confirmed_at,
        }
    }
}

/// A signed-in user and the token cookie clients send in `X-CSRF-Token`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SignedInBody {
    pub user: AccountBody,
    /// Empty for a program authenticated by a personal API token.
    pub csrf_token: String,
}

/// The answer to a registration request: the same whether or not the address has an
/// account, so that it tells nobody which addresses do.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RegistrationSentBody {
    /// Always `confirmation_sent`.
    #[schema(example = "confirmation_sent")]
    pub status: &'static str,
    /// For people, in Chinese: check the mailbox, and for how many hours the link works.
    pub message: String,
}

#[utoipa::path(post, operation_id = "register_account", path = "/api/v1/users", tag = "accounts", request_body = RegistrationForm,
    responses((status = 202, description = "A confirmation link was mailed to the address; the account exists once it is followed. An address that already has an account gets the same answer (its mail says so)", body = RegistrationSentBody),
        (status = 403, description = "This role cannot register itself, or registration is closed", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
        (status = 429, description = "Too many registrations or logins from this client or for this address", body = ErrorBody)))]
/// Registers an account (self-registration)
pub async fn register(
    State(app): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(form): ApiJson<RegistrationForm>,
) -> Result<Response, WebError> {
    registration::start(&app, &form, client).await?;
    Ok((
        axum::http::StatusCode::ACCEPTED,
        Json(RegistrationSentBody {
            status: "confirmation_sent",
            message: t!(
                "register-sent",
                hours = techmatch_core::services::registrations::VALID_HOURS
            ),
        }),
    )
        .into_response())
}

/// The token from a confirmation link, and the password its follower chooses.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Confirmation {
    /// The `token` parameter of the mailed link (`/register/confirm?token=…`).
    pub token: String,
    /// The account's password, chosen now: at least 8 characters.
    pub password: String,
}

#[utoipa::path(post, operation_id = "confirm_registration", path = "/api/v1/users/confirmations", tag = "accounts", request_body = Confirmation,
    responses((status = 201, description = "The account exists and is logged in (the session cookie is set): the user and the csrf_token", body = SignedInBody),
        (status = 403, description = "Registration is closed", body = ErrorBody),
        (status = 409, description = "The address got an account meanwhile", body = ErrorBody),
        (status = 422, description = "The link is unknown, used or expired, or the password too weak", body = ErrorBody)))]
/// Confirms a registration from its mailed link
pub async fn confirm(
    State(app): State<AppState>,
    jar: CookieJar,
    ApiJson(confirmation): ApiJson<Confirmation>,
) -> Result<Response, WebError> {
    let previous = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned());
    let (user, token) = registration::finish(
        &app,
        &confirmation.token,
        &confirmation.password,
        previous.as_deref(),
    )
    .await?;
    let session = sessions::find(&app.db, &token)
        .await?
        .ok_or_else(|| CoreError::Internal("new session vanished".to_owned()))?;
    Ok((
        axum::http::StatusCode::CREATED,
        jar.add(session_cookie(
            token,
            app.public_url.starts_with("https://"),
        )),
        Json(me_json(&user, &session.csrf_token)),
    )
        .into_response())
}

#[utoipa::path(post, operation_id = "login", path = "/api/v1/session", tag = "accounts", request_body = Credentials,
    responses((status = 200, description = "Logged in: sets the session cookie, returns the user and the csrf_token", body = SignedInBody),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 429, description = "Too many login attempts", body = ErrorBody)))]
/// Logs in
pub async fn login(
    State(app): State<AppState>,
    ClientIp(client): ClientIp,
    jar: CookieJar,
    ApiJson(credentials): ApiJson<Credentials>,
) -> Result<Response, WebError> {
    let token = authenticate(&app, &credentials.email, &credentials.password, client).await?;
    let session = sessions::find(&app.db, &token)
        .await?
        .ok_or(WebError::Unauthenticated)?;
    Ok((
        jar.add(session_cookie(
            token,
            app.public_url.starts_with("https://"),
        )),
        Json(me_json(&session.user, &session.csrf_token)),
    )
        .into_response())
}

#[utoipa::path(delete, operation_id = "logout", summary = "Logs out", description = "Needs no CSRF token: the worst a forged request can do is log someone out.", path = "/api/v1/session", tag = "accounts",
    responses((status = 204, description = "Logged out")))]
/// Logging out needs no CSRF token: the worst a forged request can do is log someone out.
pub async fn logout(State(app): State<AppState>, jar: CookieJar) -> Result<Response, WebError> {
    if let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) {
        sessions::end(&app.db, &token).await?;
    }
    Ok((
        jar.add(expired_session_cookie()),
        axum::http::StatusCode::NO_CONTENT,
    )
        .into_response())
}

#[utoipa::path(get, operation_id = "show_me", path = "/api/v1/me", tag = "accounts", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "The current user and the csrf_token", body = SignedInBody), (status = 401, description = "Not logged in", body = ErrorBody)))]
/// The signed-in user
pub async fn me(
    viewer: Viewer,
    crate::server::auth::ApiUser(user): crate::server::auth::ApiUser,
) -> Result<Json<SignedInBody>, WebError> {
    // A program using a personal token has no session and needs no CSRF token.
    let csrf = viewer.session.map(|s| s.csrf_token).unwrap_or_default();
    Ok(Json(me_json(&user, &csrf)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewToken {
    /// What the token is for, e.g. "ERP sync".
    pub name: String,
}

#[utoipa::path(get, operation_id = "list_tokens", path = "/api/v1/me/tokens", tag = "accounts", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "The user's own API tokens (without the tokens themselves)", body = TokenList), (status = 401, description = "Not logged in", body = ErrorBody)))]
/// The caller's API tokens
pub async fn tokens(
    State(app): State<AppState>,
    crate::server::auth::ApiUser(user): crate::server::auth::ApiUser,
) -> Result<Json<TokenList>, WebError> {
    Ok(Json(TokenList {
        tokens: api_tokens::list(&app.db, &user).await?,
    }))
}

/// A user's API tokens.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenList {
    pub tokens: Vec<api_tokens::TokenInfo>,
}

/// A token just made: the secret, shown this once, and what is kept of it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    /// Send it as `Authorization: Bearer <token>`; it cannot be read again.
    pub token: String,
    pub info: api_tokens::TokenInfo,
}

#[utoipa::path(post, operation_id = "create_token", path = "/api/v1/me/tokens", tag = "accounts", security(("session" = [])), request_body = NewToken,
    responses((status = 201, description = "The new token: `token` is returned only this once; send it in the Authorization: Bearer header", body = CreatedToken),
        (status = 401, description = "Not logged in", body = ErrorBody), (status = 422, description = "Invalid name", body = ErrorBody)))]
/// Creates an API token
pub async fn create_token(
    State(app): State<AppState>,
    headers: axum::http::HeaderMap,
    crate::server::auth::ApiUser(user): crate::server::auth::ApiUser,
    ApiJson(body): ApiJson<NewToken>,
) -> Result<(axum::http::StatusCode, Json<CreatedToken>), WebError> {
    // A stolen token must not be able to mint its own successors.
    if headers.contains_key(axum::http::header::AUTHORIZATION) {
        return Err(CoreError::Forbidden(t!("account-error-token-by-token")).into());
    }
    let (info, token) = api_tokens::create(&app.db, &user, &body.name).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(CreatedToken { token, info }),
    ))
}

#[utoipa::path(delete, operation_id = "revoke_token", path = "/api/v1/me/tokens/{id}", tag = "accounts", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "Token id")),
    responses((status = 204, description = "Revoked"), (status = 404, description = "No such token", body = ErrorBody)))]
/// Revokes an API token
pub async fn revoke_token(
    State(app): State<AppState>,
    crate::server::auth::ApiUser(user): crate::server::auth::ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::http::StatusCode, WebError> {
    api_tokens::revoke(&app.db, &user, id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
