//! Self-registration, shared by the register page and `POST /api/v1/users`: the request
//! mails a confirmation link (or, for an address that has an account, says so in the
//! mail only), and whoever follows the link chooses the password, which creates the
//! account and signs its owner in.

use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use techmatch_core::accounts::{Role, password};
use techmatch_core::posting::OrgKind;
use techmatch_core::services::outbox::{self, Notice, NoticeKind};
use techmatch_core::services::registrations::{self, Requested};
use techmatch_core::services::sessions;
use techmatch_core::services::users::{self, NewUser, User};
use techmatch_core::{CoreError, t};

use crate::server::{AppState, WebError};
use techmatch_app::notices::html_of;

/// What a registrant says about themselves, from the form or as JSON. The password is
/// chosen on the confirmation page, by whoever owns the mailbox.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct RegistrationForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub display_name: String,
    /// `enterprise` or `researcher`: other roles are appointed by the bureau.
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub org_name: String,
    #[serde(default)]
    pub org_kind: String,
    #[serde(default)]
    pub org_uscc: String,
}

/// Checks a registration, then records it and mails its address in the background: a
/// confirmation link for a new address, a reminder that the account exists for a known
/// one, nothing when the address has enough links waiting. The asker learns nothing
/// either way: the answer is given once the checks that do not depend on the address
/// having an account have passed, before the database is asked. Requests are limited
/// per address and per client as logins are.
///
/// # Errors
/// Invalid fields, a role that is appointed, registration closed, too many attempts.
pub async fn start(
    app: &AppState,
    form: &RegistrationForm,
    client: Option<std::net::IpAddr>,
) -> Result<(), WebError> {
    app.registration_limiter.check(&form.email, client)?;
    let role = Role::parse(&form.role)?;
    registrations::check_open(&app.db, role).await?;
    let org_kind = if form.org_kind.trim().is_empty() {
        OrgKind::guess_from_name(&form.org_name)
    } else {
        OrgKind::parse(&form.org_kind)?
    };
    let organisation = users::org_ref(&form.org_name, org_kind, Some(&form.org_uscc))?;
    let new = NewUser {
        email: form.email.clone(),
        password: String::new(),
        display_name: form.display_name.clone(),
        role,
        organisation: Some(organisation),
    };
    users::check_profile(&new)?;
    let state = app.clone();
    tokio::spawn(async move {
        if let Err(error) = record_and_mail(&state, &new).await {
            tracing::warn!(%error, "registration not recorded");
        }
    });
    Ok(())
}

/// The waiting registration exists exactly when its mail is on its way.
async fn record_and_mail(app: &AppState, new: &NewUser) -> Result<(), WebError> {
    let now = app.clock.now();
    let txn = app.db.begin().await.map_err(CoreError::from)?;
    let notice = match registrations::request(&txn, new, now).await? {
        Requested::New { email, token } => confirmation_mail(app, email, &token),
        Requested::Known(user) => known_address_mail(app, &user, now),
        Requested::Withheld => return Ok(()),
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

/// The link, and nothing the registrant typed: the mail goes to an address nobody has
/// proven yet, and must not carry a stranger's words from the bureau's sender.
fn confirmation_mail(app: &AppState, email: String, token: &str) -> Notice {
    let link = format!("{}/register/confirm?token={token}", app.public_url);
    let text = t!(
        "mail-register-confirm-body",
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

/// At most one a day for an account (the outbox keeps one notice per recipient and
/// cause), however often its address is entered.
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
        format!("register-known:{}", now.format("%Y-%m-%d")),
        t!("mail-register-known-subject"),
        text,
        &login,
    )
}

/// Creates the account a confirmation link stands for, with the password its follower
/// chose, and starts its session; a session the browser held before ends. Returns the
/// user and the new session's token.
///
/// # Errors
/// A password too weak; an unusable link; an address that got its account meanwhile;
/// registration closed since the request.
pub async fn finish(
    app: &AppState,
    token: &str,
    secret: &str,
    previous_session: Option<&str>,
) -> Result<(User, String), WebError> {
    password::check_new(secret)?;
    let secret = secret.to_owned();
    let hash = tokio::task::spawn_blocking(move || password::hash(&secret)).await??;
    let txn = app.db.begin().await.map_err(CoreError::from)?;
    let user = registrations::confirm(&txn, token, hash, app.clock.now()).await?;
    txn.commit().await.map_err(CoreError::from)?;
    if let Some(previous) = previous_session {
        sessions::end(&app.db, previous).await?;
    }
    let session = sessions::start(&app.db, user.id).await?;
    Ok((user, session))
}
