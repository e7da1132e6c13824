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

/// Issues a reset token for the active user with this address; `None` when there is no
/// such user (the caller answers the same either way).
///
/// # Errors
/// Database errors.
pub async fn issue(conn: &impl ConnectionTrait, email: &str) -> CoreResult<Option<(User, String)>> {
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
    let found = password_reset::Entity::find_by_id(token_hash(token))
        .one(conn)
        .await?
        .filter(|r| r.expires_at > Utc::now())
        .ok_or_else(expired)?;
    Ok(found.user_id)
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
    let user_id = check(conn, token).await?;
    let found = user::Entity::find_by_id(user_id)
        .one(conn)
        .await?
        .ok_or_else(expired)?;
    // Whoever proves they own the mailbox is let in again at once.
    super::lockout::clear(conn, &found.email).await?;
    let mut active: user::ActiveModel = found.into();
    active.password_hash = Set(new_hash);
    // The link went to the address: following it proves the mailbox as a registration's
    // link does (an appointed account's first password comes this way too).
    active.email_confirmed_at = Set(Some(Utc::now()));
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
