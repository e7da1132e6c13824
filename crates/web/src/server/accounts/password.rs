//! Forgotten passwords: a reset link by email, then a new password.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::TransactionTrait;
use serde::Deserialize;
use techmatch_core::accounts::password;
use techmatch_core::services::outbox::NoticeKind;
use techmatch_core::services::password_resets;
use techmatch_core::{CoreError, t};

use crate::server::auth::{CsrfForm, Viewer};
use crate::server::i18n::filters;
use crate::server::nav::Nav;
use crate::server::{AppState, PageError, WebError};

#[derive(Template, WebTemplate)]
#[template(path = "password_forgot.html")]
pub struct ForgotPage {
    pub nav: Nav,
    pub sent: bool,
}

pub async fn forgot_form(viewer: Viewer) -> ForgotPage {
    ForgotPage {
        nav: Nav::of(&viewer),
        sent: false,
    }
}

#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    pub email: String,
}

/// Answers the same whether or not the address is registered; the mail goes out in the
/// background so that the answer's timing does not tell either.
pub async fn forgot(
    State(app): State<AppState>,
    crate::server::auth::ClientIp(client): crate::server::auth::ClientIp,
    CsrfForm { viewer, form }: CsrfForm<ForgotForm>,
) -> Result<ForgotPage, PageError> {
    // The login budget also bounds reset mails: nobody can flood an inbox from here.
    app.login_limiter.check(&form.email, client)?;
    let state = app.clone();
    let email = form.email.clone();
    tokio::spawn(async move {
        if let Err(error) = enqueue_reset(&state, &email).await {
            tracing::warn!(%error, "password reset mail not enqueued");
        }
    });
    Ok(ForgotPage {
        nav: Nav::of(&viewer),
        sent: true,
    })
}

/// Issues a reset token for a registered address and enqueues its mail in the same
/// transaction: a token exists exactly when its mail is on its way.
async fn enqueue_reset(app: &AppState, email: &str) -> Result<(), WebError> {
    let now = app.clock.now();
    let txn = app.db.begin().await.map_err(CoreError::from)?;
    let Some((user, token)) =
        password_resets::issue(&txn, email, password_resets::Route::Mail).await?
    else {
        return Ok(());
    };
    let link = format!("{}/password/reset?token={token}", app.public_url);
    let text = t!(
        "mail-reset-body",
        name = user.display_name.as_str(),
        minutes = password_resets::VALID_MINUTES,
        link = link.as_str()
    );
    let letter = techmatch_app::notices::Letter {
        to: &user,
        kind: NoticeKind::Account,
        cause: &format!("password-reset:{}", now.timestamp_micros()),
        subject: &t!("mail-reset-subject"),
        text,
        link: &link,
    };
    techmatch_app::notices::send(&txn, &app.public_url, letter, now).await?;
    txn.commit().await.map_err(CoreError::from)?;
    Ok(())
}

#[derive(Template, WebTemplate)]
#[template(path = "password_reset.html")]
pub struct ResetPage {
    pub nav: Nav,
    pub token: String,
    pub error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct TokenParam {
    #[serde(default)]
    pub token: String,
}

pub async fn reset_form(
    State(app): State<AppState>,
    viewer: Viewer,
    Query(params): Query<TokenParam>,
) -> Result<ResetPage, PageError> {
    password_resets::check(&app.db, &params.token).await?;
    Ok(ResetPage {
        nav: Nav::of(&viewer),
        token: params.token,
        error: None,
    })
}

#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub password: String,
}

pub async fn reset(
    State(app): State<AppState>,
    CsrfForm { viewer, form }: CsrfForm<ResetForm>,
) -> Result<Response, PageError> {
    if let Err(CoreError::Invalid { reason, .. }) =
        password_resets::check_new_password(&form.password)
    {
        let page = ResetPage {
            nav: Nav::of(&viewer),
            token: form.token,
            error: Some(reason),
        };
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let secret = form.password.clone();
    let hash = tokio::task::spawn_blocking(move || password::hash(&secret))
        .await
        .map_err(WebError::from)??;
    let txn = app.db.begin().await.map_err(CoreError::from)?;
    password_resets::complete(&txn, &form.token, hash).await?;
    txn.commit().await.map_err(CoreError::from)?;
    Ok(Redirect::to("/login").into_response())
}
