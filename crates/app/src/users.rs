//! The bureau's management of people: the list of users, suspending and reinstating,
//! appointing staff, experts and brokers, and confirming that a registrant belongs to
//! the organisation they named. Each step is audited in its own transaction.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use techmatch_core::accounts::{Role, password};
use techmatch_core::posting::OrgKind;
use techmatch_core::services::password_resets::{self, Route, VALID_MINUTES};
use techmatch_core::services::users::{self, Listed, NewUser, User};
use techmatch_core::services::{audit, outbox::NoticeKind, sessions};
use techmatch_core::{CoreError, t};

use crate::notices::{Letter, send};
use crate::organisations::check_bureau;
use crate::txn::in_transaction;
use crate::{AppError, AppResult};

/// Every user, for the bureau.
///
/// # Errors
/// `Forbidden` for anyone but the bureau.
pub async fn list(db: &DatabaseConnection, actor: &User) -> AppResult<Vec<Listed>> {
    check_bureau(actor, || t!("bureau-error-staff-only"))?;
    Ok(users::listing(db).await?)
}

/// Suspends or reinstates user `id`; a suspended user's sessions end at once. Nobody
/// suspends themselves (the platform would lose its last moderator that way), and only
/// an administrator suspends bureau staff (else one moderator could lock every
/// administrator out).
///
/// # Errors
/// `Forbidden` for anyone but the bureau, or a moderator suspending staff; `Invalid`
/// for oneself; `NotFound`.
pub async fn suspend(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    suspended: bool,
) -> AppResult<()> {
    check_bureau(actor, || t!("bureau-error-staff-only"))?;
    if actor.id == id {
        return Err(CoreError::invalid("user", t!("bureau-error-suspend-self")).into());
    }
    in_transaction(db, async |txn| {
        if users::get(txn, id).await?.role.is_bureau() && actor.role != Role::Admin {
            return Err(CoreError::Forbidden(t!("bureau-error-suspend-staff")).into());
        }
        users::set_suspended(txn, id, suspended).await?;
        if suspended {
            sessions::end_all(txn, id).await?;
        }
        audit::record(
            txn,
            audit::Record {
                actor_user_id: Some(actor.id),
                action: if suspended {
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
        Ok(())
    })
    .await
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

/// A user just appointed, and the single-use link to hand over where mail is not set
/// up.
pub struct Appointed {
    pub user: User,
    /// Sets the password like the mailed link, without proving the mailbox.
    pub shown_link: String,
}

/// Administrators appoint moderators, administrators, experts and brokers. The new user
/// gets no password from anyone: they set one through a single-use link, mailed to
/// them, and another shown to the administrator; either sets it, the other then stops
/// working.
///
/// # Errors
/// `Forbidden` for anyone but an administrator; `Invalid` for a role that registers
/// itself, a bad address or name; `Conflict` for an address in use.
pub async fn appoint(
    db: &DatabaseConnection,
    public_url: &str,
    actor: &User,
    form: &AppointForm,
    now: DateTime<Utc>,
) -> AppResult<Appointed> {
    if actor.role != Role::Admin {
        return Err(CoreError::Forbidden(t!("bureau-error-appoint-admin-only")).into());
    }
    let role = Role::parse(&form.role)?;
    if role.may_self_register() {
        return Err(CoreError::invalid("role", t!("bureau-error-appoint-self-service")).into());
    }
    let organisation = match (form.org.trim(), role.org_kinds().first()) {
        ("", _) | (_, None) => None,
        (name, Some(first)) => {
            // An expert may come from a university, an institute or a company: the
            // name usually says which.
            let guessed = OrgKind::guess_from_name(name);
            let kind = if role.org_kinds().contains(&guessed) {
                guessed
            } else {
                *first
            };
            Some(users::org_ref(name, kind, None)?)
        }
    };
    let new = NewUser {
        email: form.email.clone(),
        // Never used: replaced through the link before the account can log in.
        password: sessions::random_token(),
        display_name: form.name.clone(),
        role,
        organisation,
    };
    users::check(&new)?;
    let secret = new.password.clone();
    let hash = tokio::task::spawn_blocking(move || password::hash(&secret))
        .await
        .map_err(|e| AppError::Core(CoreError::Internal(e.to_string())))??;
    in_transaction(db, async |txn| {
        let user = users::create(txn, &new, hash, true).await?;
        let no_token = || CoreError::Internal("new user has no reset token".to_owned());
        let (_, mailed) = password_resets::issue(txn, &user.email, Route::Mail)
            .await?
            .ok_or_else(no_token)?;
        let (_, shown) = password_resets::issue(txn, &user.email, Route::Page)
            .await?
            .ok_or_else(no_token)?;
        audit::record(
            txn,
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
        let link = format!("{public_url}/password/reset?token={mailed}");
        let text = t!(
            "mail-appoint-body",
            name = user.display_name.as_str(),
            role = role.label(),
            email = user.email.as_str(),
            minutes = VALID_MINUTES,
            link = link.as_str()
        );
        let letter = Letter {
            to: &user,
            kind: NoticeKind::Account,
            cause: &format!("appointment:{}", user.id),
            subject: &t!("mail-appoint-subject"),
            text,
            link: &link,
        };
        send(txn, public_url, letter, now).await?;
        Ok(Appointed {
            shown_link: format!("{public_url}/password/reset?token={shown}"),
            user,
        })
    })
    .await
}

/// Confirms that a user who registered for an organisation the platform already knew
/// really belongs to it (checked by the bureau, for example by phone).
///
/// # Errors
/// `Forbidden` for anyone but the bureau; `NotFound`.
pub async fn confirm_membership(db: &DatabaseConnection, actor: &User, id: i64) -> AppResult<()> {
    check_bureau(actor, || t!("bureau-error-staff-only"))?;
    in_transaction(db, async |txn| {
        users::confirm_membership(txn, actor, id).await?;
        Ok(())
    })
    .await
}
