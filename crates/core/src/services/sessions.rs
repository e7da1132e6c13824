//! Server-side sessions. The cookie carries a random token; the database keeps only its
//! SHA-256, with the user and the session's CSRF token.

use chrono::{Duration, Utc};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::entities::session;
use crate::services::brokers::{self, Assignment};
use crate::services::users::{self, User};
use crate::{CoreError, CoreResult};

/// How long a session lasts without a new login.
pub const LIFETIME_DAYS: i64 = 14;

/// 32 random bytes as hex: what the cookie and forms carry.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A live session: who, and the token every state-changing form must echo.
#[derive(Debug, Clone)]
pub struct Session {
    /// The user; for a broker acting for an organisation, already as its member.
    pub user: User,
    pub csrf_token: String,
    /// The organisation a broker's session acts for.
    pub acting: Option<Assignment>,
}

/// Starts a session for `user_id`; returns the token for the cookie.
///
/// # Errors
/// Database errors.
pub async fn start(conn: &impl ConnectionTrait, user_id: i64) -> CoreResult<String> {
    let token = random_token();
    let now = Utc::now();
    session::ActiveModel {
        token_hash: Set(token_hash(&token)),
        user_id: Set(user_id),
        csrf_token: Set(random_token()),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(LIFETIME_DAYS)),
        acting_org_id: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(token)
}

/// The session a cookie token names, if it is live and its user is not suspended.
///
/// # Errors
/// Database errors.
pub async fn find(conn: &impl ConnectionTrait, token: &str) -> CoreResult<Option<Session>> {
    let Some(found) = session::Entity::find_by_id(token_hash(token))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    if found.expires_at <= Utc::now() {
        session::Entity::delete_by_id(found.token_hash)
            .exec(conn)
            .await?;
        return Ok(None);
    }
    let user = users::get(conn, found.user_id).await?;
    if user.suspended {
        return Ok(None);
    }
    // An assignment removed since the broker chose it simply ends the acting.
    let (user, acting) = match found.acting_org_id {
        Some(org_id) => match brokers::act_for(conn, user.clone(), org_id).await {
            Ok((acting_user, assignment)) => (acting_user, Some(assignment)),
            // The organisation may also have been merged away since.
            Err(CoreError::Forbidden(_) | CoreError::NotFound { .. }) => (user, None),
            Err(other) => return Err(other),
        },
        None => (user, None),
    };
    Ok(Some(Session {
        user,
        csrf_token: found.csrf_token,
        acting,
    }))
}

/// Ends the session a token names (logout). Unknown tokens are ignored.
///
/// # Errors
/// Database errors.
pub async fn end(conn: &impl ConnectionTrait, token: &str) -> CoreResult<()> {
    session::Entity::delete_by_id(token_hash(token))
        .exec(conn)
        .await?;
    Ok(())
}

/// Ends every session of a user (suspension, password change).
///
/// # Errors
/// Database errors.
pub async fn end_all(conn: &impl ConnectionTrait, user_id: i64) -> CoreResult<()> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(())
}
