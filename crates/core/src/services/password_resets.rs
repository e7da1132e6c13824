//! Password reset by emailed link: a single-use token valid for an hour. Asking for a
//! reset never reveals whether an address is registered.

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::accounts::password;
use crate::entities::{password_reset, user};
use crate::services::sessions::{self, random_token, token_hash};
use crate::services::users::{self, User};
use crate::{CoreError, CoreResult, t};

/// How long an emailed link works.
pub const VALID_MINUTES: i64 = 60;

/// Which way a link reaches its user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// In a mail to the address alone: following it proves the mailbox.
    Mail,
    /// Shown on a page to someone else as well (the administrator who appointed the
    /// user): following it proves nothing about the address.
    Page,
}

/// Issues a reset token for the active user with this address, to reach them by
/// `route`; `None` when there is no such user (the caller answers the same either way).
///
/// # Errors
/// Database errors.
pub async fn issue(
    conn: &impl ConnectionTrait,
    email: &str,
    route: Route,
) -> CoreResult<Option<(User, String)>> {
    let Some((user, _)) = users::credentials(conn, email).await? else {
        return Ok(None);
    };
    if user.suspended {
        return Ok(None);
    }
    let token = random_token();
    password_reset::ActiveModel {
        token_hash: Set(token_hash(&token)),
        user_id: Set(user.id),
        expires_at: Set(Utc::now() + Duration::minutes(VALID_MINUTES)),
        proves_mailbox: Set(route == Route::Mail),
    }
    .insert(conn)
    .await?;
    Ok(Some((user, token)))
}

fn expired() -> CoreError {
    CoreError::invalid("token", t!("password-reset-expired"))
}

/// Whether a token is still usable, for showing the form.
///
/// # Errors
/// `Invalid` for an unknown, used or expired token.
pub async fn check(conn: &impl ConnectionTrait, token: &str) -> CoreResult<i64> {
    Ok(usable(conn, token).await?.user_id)
}

async fn usable(conn: &impl ConnectionTrait, token: &str) -> CoreResult<password_reset::Model> {
    password_reset::Entity::find_by_id(token_hash(token))
        .one(conn)
        .await?
        .filter(|r| r.expires_at > Utc::now())
        .ok_or_else(expired)
}

/// Sets the new password (already hashed by the caller, off the executor) and uses up the
/// token; every session of the user ends, and every other reset link stops working.
///
/// # Errors
/// `Invalid` for an unusable token.
pub async fn complete(
    conn: &impl ConnectionTrait,
    token: &str,
    new_hash: String,
) -> CoreResult<()> {
    let reset = usable(conn, token).await?;
    let user_id = reset.user_id;
    let found = user::Entity::find_by_id(user_id)
        .one(conn)
        .await?
        .ok_or_else(expired)?;
    // Whoever proves they own the mailbox is let in again at once.
    super::lockout::clear(conn, &found.email).await?;
    let mut active: user::ActiveModel = found.into();
    active.password_hash = Set(new_hash);
    // A link that went to the address alone proves the mailbox as a registration's link
    // does (an appointed account's first password may come this way too); the copy of
    // an appointment's link the administrator saw proves nothing.
    if reset.proves_mailbox {
        active.email_confirmed_at = Set(Some(Utc::now()));
    }
    active.update(conn).await?;
    password_reset::Entity::delete_many()
        .filter(password_reset::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    sessions::end_all(conn, user_id).await?;
    // A reset is what someone does after a leak: programs must be set up again too.
    crate::entities::api_token::Entity::delete_many()
        .filter(crate::entities::api_token::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Checks a new password before it is hashed.
///
/// # Errors
/// `Invalid` with the rule it breaks.
pub fn check_new_password(new: &str) -> CoreResult<()> {
    password::check_new(new)
}
