//! Self-registration, shared by the register page and `POST /api/v1/users`: the request
//! mails a confirmation link (or, for an address that has an account, says so in the
//! mail only), and following the link creates the account and signs its owner in.

use sea_orm::TransactionTrait;
use techmatch_core::accounts::{Role, password};
use techmatch_core::posting::OrgKind;
use techmatch_core::services::outbox::{self, Notice, NoticeKind};
use techmatch_core::services::registrations::{self, Requested};
use techmatch_core::services::users::{self, NewUser, User};
use techmatch_core::services::{sessions, settings};
use techmatch_core::{CoreError, t};

use super::account_api::Registration;
use super::notices::html_of;
use super::{AppState, WebError};

/// Checks a registration and mails its address: a confirmation link for a new address,
/// a reminder that the account exists for a known one. The asker learns nothing either
/// way: both take a password hash, a transaction and a mail, and answer alike.
/// Registrations are limited per address and per client as logins are, which also
/// bounds the mails anyone can send to someone else's address.
///
/// # Errors
/// Invalid fields, a role that is appointed, registration closed, too many attempts.
pub async fn request(
    app: &AppState,
    form: &Registration,
    client: Option<std::net::IpAddr>,
) -> Result<(), WebError> {
    app.registration_limiter.check(&form.email, client)?;
    if !settings::registration_open(&app.db).await? {
        return Err(CoreError::Forbidden(t!("settings-registration-closed")).into());
    }
    let role = Role::parse(&form.role)?;
    if !role.may_self_register() {
        return Err(
            CoreError::Forbidden(t!("account-error-appointed-role", role = role.label())).into(),
        );
    }
    let org_kind = if form.org_kind.trim().is_empty() {
        OrgKind::guess_from_name(&form.org_name)
    } else {
        OrgKind::parse(&form.org_kind)?
    };
    let organisation = users::org_ref(&form.org_name, org_kind, Some(&form.org_uscc))?;
    let new = NewUser {
        email: form.email.clone(),
        password: form.password.clone(),
        display_name: form.display_name.clone(),
        role,
        organisation: Some(organisation),
    };
    users::check(&new)?;
    let secret = form.password.clone();
    let hash = tokio::task::spawn_blocking(move || password::hash(&secret)).await??;
    let now = app.clock.now();
    // The waiting registration exists exactly when its mail is on its way.
    let txn = app.db.begin().await.map_err(CoreError::from)?;
    let notice = match registrations::request(&txn, &new, hash, now).await? {
        Requested::New { email, token } => confirmation_mail(app, &new, email, &token),
        Requested::Known(user) => known_address_mail(app, &user, now),
    };
    outbox::enqueue(&txn, &notice, now).await?;
    txn.commit().await.map_err(CoreError::from)?;
    Ok(())
}

/// An account mail: never shown to the administrator, never posted to a group chat.
fn account_notice(
    recipient: Option<i64>,
    address: String,
    cause: String,
    subject: String,
    text: String,
    link: &str,
) -> Notice {
    Notice {
        recipient_user_id: recipient,
        address,
        kind: NoticeKind::Account,
        cause,
        subject,
        html: html_of(&text, link),
        text,
        unsubscribe_url: None,
        personal: true,
    }
}

fn confirmation_mail(app: &AppState, new: &NewUser, email: String, token: &str) -> Notice {
    let link = format!("{}/register/confirm?token={token}", app.public_url);
    let organisation = new
        .organisation
        .as_ref()
        .map(|o| o.name.as_str())
        .unwrap_or_default();
    let text = t!(
        "mail-register-confirm-body",
        name = new.display_name.trim(),
        organisation = organisation,
        hours = registrations::VALID_HOURS,
        link = link.as_str()
    );
    account_notice(
        None,
        email,
        format!("register:{}", sessions::token_hash(token)),
        t!("mail-register-confirm-subject"),
        text,
        &link,
    )
}

fn known_address_mail(app: &AppState, user: &User, now: chrono::DateTime<chrono::Utc>) -> Notice {
    let login = format!("{}/login", app.public_url);
    let forgot = format!("{}/password/forgot", app.public_url);
    let text = t!(
        "mail-register-known-body",
        name = user.display_name.as_str(),
        login = login.as_str(),
        forgot = forgot.as_str()
    );
    account_notice(
        Some(user.id),
        user.email.clone(),
        format!("register-known:{}", now.timestamp_micros()),
        t!("mail-register-known-subject"),
        text,
        &login,
    )
}

/// Creates the account a confirmation link stands for and starts its session; returns
/// the user and the session's token.
///
/// # Errors
/// An unusable link; an address that got its account meanwhile; registration closed
/// since the request.
pub async fn confirm(app: &AppState, token: &str) -> Result<(User, String), WebError> {
    if !settings::registration_open(&app.db).await? {
        return Err(CoreError::Forbidden(t!("settings-registration-closed")).into());
    }
    let txn = app.db.begin().await.map_err(CoreError::from)?;
    let user = registrations::confirm(&txn, token, app.clock.now()).await?;
    txn.commit().await.map_err(CoreError::from)?;
    let session = sessions::start(&app.db, user.id).await?;
    Ok((user, session))
}
