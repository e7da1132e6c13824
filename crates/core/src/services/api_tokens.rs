//! Personal API tokens. The token is shown once when created; the database keeps its
//! SHA-256, so a leaked table grants nothing. A token acts with its user's role and is
//! refused as soon as the user is suspended or the token revoked.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use crate::entities::api_token;
use crate::services::sessions::{random_token, token_hash};
use crate::services::users::{self, User};
use crate::{CoreError, CoreResult, t};

/// What every token starts with, so that it is recognisable in logs and secret scanners.
pub const PREFIX: &str = "tm_";

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Creates a token for `user`; returns its description and the token itself.
///
/// # Errors
/// `Invalid` for an empty or over-long name; database errors.
pub async fn create(
    conn: &impl ConnectionTrait,
    user: &User,
    name: &str,
) -> CoreResult<(TokenInfo, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(CoreError::invalid("name", t!("api-token-name-invalid")));
    }
    let token = format!("{PREFIX}{}", random_token());
    let saved = api_token::ActiveModel {
        user_id: Set(user.id),
        name: Set(name.to_owned()),
        token_hash: Set(token_hash(&token)),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok((info(saved), token))
}

fn info(m: api_token::Model) -> TokenInfo {
    TokenInfo {
        id: m.id,
        name: m.name,
        created_at: m.created_at,
        last_used_at: m.last_used_at,
    }
}

/// The user's tokens, newest first.
///
/// # Errors
/// Database errors.
pub async fn list(conn: &impl ConnectionTrait, user: &User) -> CoreResult<Vec<TokenInfo>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user.id))
        .order_by_desc(api_token::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(info)
        .collect())
}

/// Revokes one of the user's tokens.
///
/// # Errors
/// `NotFound` when the user has no such token.
pub async fn revoke(conn: &impl ConnectionTrait, user: &User, id: i64) -> CoreResult<()> {
    let deleted = api_token::Entity::delete_many()
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::UserId.eq(user.id))
        .exec(conn)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(CoreError::NotFound {
            what: t!("what-token"),
            id: id.to_string(),
        });
    }
    Ok(())
}

/// How stale a token's `last_used_at` may get before a use writes it again: a program
/// polling every few seconds (a health probe) would otherwise write on every request.
pub const LAST_USED_GRAIN_SECONDS: i64 = 60;

/// The active user a token acts for, recording its use to the minute.
///
/// # Errors
/// Database errors; an unknown token or a suspended user is `None`.
pub async fn authenticate(conn: &impl ConnectionTrait, token: &str) -> CoreResult<Option<User>> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    let Some(found) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash(token)))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let user = users::get(conn, found.user_id).await?;
    if user.suspended {
        return Ok(None);
    }
    let now = Utc::now();
    let recent = found
        .last_used_at
        .is_some_and(|at| now - at < chrono::Duration::seconds(LAST_USED_GRAIN_SECONDS));
    if !recent {
        let mut active: api_token::ActiveModel = found.into();
        active.last_used_at = Set(Some(now));
        active.update(conn).await?;
    }
    Ok(Some(user))
}
