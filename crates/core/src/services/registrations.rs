//! Self-registration in two steps. The registrant's fields wait, with the hash of their
//! password, until the link mailed to the address is followed; only then do the account
//! and any provisional organisation exist. So an address nobody has confirmed owns
//! nothing, cannot post or contact anyone, and claims no organisation's name. Asking to
//! register an address that already has an account looks exactly like a new
//! registration to the asker: the difference is told only in the mail to that address.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::accounts::{Role, normalise_email};
use crate::entities::pending_registration;
use crate::posting::{OrgKind, OrgRef};
use crate::services::sessions::{random_token, token_hash};
use crate::services::users::{self, NewUser, User};
use crate::{CoreError, CoreResult, t};

/// How long an emailed confirmation link works.
pub const VALID_HOURS: i64 = 48;

/// What a registration request led to; the caller answers the asker the same either
/// way and mails the address what happened.
#[derive(Debug)]
pub enum Requested {
    /// A new address: the token for the confirmation link.
    New { email: String, token: String },
    /// The address already has this account.
    Known(User),
}

/// Records a registration whose fields [`users::check`] accepted, with the argon2 hash
/// of its password, unless the address already has an account.
///
/// # Errors
/// `Invalid` fields; database errors.
pub async fn request(
    conn: &impl ConnectionTrait,
    new: &NewUser,
    password_hash: String,
    now: DateTime<Utc>,
) -> CoreResult<Requested> {
    let email = users::check_profile(new)?;
    if let Some(user) = users::by_email(conn, &email).await? {
        return Ok(Requested::Known(user));
    }
    pending_registration::Entity::delete_many()
        .filter(pending_registration::Column::ExpiresAt.lte(now))
        .exec(conn)
        .await?;
    let token = random_token();
    let organisation = new.organisation.as_ref();
    pending_registration::ActiveModel {
        token_hash: Set(token_hash(&token)),
        email: Set(email.clone()),
        password_hash: Set(password_hash),
        display_name: Set(new.display_name.trim().to_owned()),
        role: Set(new.role.code().to_owned()),
        org_name: Set(organisation.map(|o| o.name.clone())),
        org_kind: Set(organisation.map(|o| o.kind.code().to_owned())),
        org_uscc: Set(organisation.and_then(|o| o.uscc.as_ref().map(ToString::to_string))),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(VALID_HOURS)),
    }
    .insert(conn)
    .await?;
    Ok(Requested::New { email, token })
}

/// A registration still waiting for its link, as the confirmation page shows it.
#[derive(Debug, Clone)]
pub struct Pending {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub organisation: Option<OrgRef>,
}

fn expired() -> CoreError {
    CoreError::invalid("token", t!("registration-link-expired"))
}

async fn find(
    conn: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> CoreResult<(pending_registration::Model, Pending)> {
    let row = pending_registration::Entity::find_by_id(token_hash(token))
        .one(conn)
        .await?
        .filter(|r| r.expires_at > now)
        .ok_or_else(expired)?;
    let organisation = match (&row.org_name, &row.org_kind) {
        (Some(name), Some(kind)) => Some(users::org_ref(
            name,
            OrgKind::parse(kind)?,
            row.org_uscc.as_deref(),
        )?),
        _ => None,
    };
    let pending = Pending {
        email: row.email.clone(),
        display_name: row.display_name.clone(),
        role: Role::parse(&row.role)?,
        organisation,
    };
    Ok((row, pending))
}

/// The registration a link stands for, while it is usable.
///
/// # Errors
/// `Invalid` for an unknown, used or expired token.
pub async fn pending(
    conn: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> CoreResult<Pending> {
    Ok(find(conn, token, now).await?.1)
}

/// Creates the account a link stands for (see `users::create`: an organisation the
/// platform does not know becomes a provisional one) and uses up every link of its
/// address.
///
/// # Errors
/// `Invalid` for an unusable token; `Conflict` when the address got an account
/// meanwhile (another link of it was followed first); database errors.
pub async fn confirm(
    conn: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> CoreResult<User> {
    let (row, pending) = find(conn, token, now).await?;
    let new = NewUser {
        email: pending.email,
        // Checked before it was hashed; only the hash was kept.
        password: String::new(),
        display_name: pending.display_name,
        role: pending.role,
        organisation: pending.organisation,
    };
    let user = users::create(conn, &new, row.password_hash, false).await?;
    pending_registration::Entity::delete_many()
        .filter(pending_registration::Column::Email.eq(normalise_email(&row.email)?))
        .exec(conn)
        .await?;
    Ok(user)
}
