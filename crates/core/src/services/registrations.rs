//! Self-registration in two steps. A request records who the registrant says they are
//! and mails a link to the address; only whoever follows that link (the mailbox's owner)
//! chooses the password, and only then do the account and any provisional organisation
//! exist. So an address nobody has confirmed owns nothing, cannot post or contact anyone
//! and claims no organisation's name, and nobody can prepare an account with a password
//! of their own for someone else's address. Asking to register an address that already
//! has an account looks exactly like a new registration to the asker: the difference is
//! told only in the mail to that address.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};

use crate::accounts::Role;
use crate::entities::pending_registration;
use crate::posting::{OrgKind, OrgRef};
use crate::services::sessions::{random_token, token_hash};
use crate::services::settings;
use crate::services::users::{self, NewUser, User};
use crate::{CoreError, CoreResult, t};

/// How long an emailed confirmation link works.
pub const VALID_HOURS: i64 = 48;

/// How many links may wait for one address at once. Further requests are answered as
/// usual but store and send nothing, so nobody can flood someone else's mailbox.
pub const MAX_PENDING_PER_ADDRESS: i32 = 3;

/// What a registration request led to; the caller answers the asker the same either
/// way and mails the address what happened, if anything.
#[derive(Debug)]
pub enum Requested {
    /// A new address: the token for the confirmation link.
    New { email: String, token: String },
    /// The address already has this account.
    Known(User),
    /// The address has as many links waiting as it may: nothing is stored or sent.
    Withheld,
}

/// Whether anyone may register themselves now, in `role`.
///
/// # Errors
/// `Forbidden` when the bureau closed registration or the role is appointed.
pub async fn check_open(conn: &impl ConnectionTrait, role: Role) -> CoreResult<()> {
    if !settings::registration_open(conn).await? {
        return Err(CoreError::Forbidden(t!("settings-registration-closed")));
    }
    if !role.may_self_register() {
        return Err(CoreError::Forbidden(t!(
            "account-error-appointed-role",
            role = role.label()
        )));
    }
    Ok(())
}

/// Records a registration (its password is not asked yet and is ignored) unless the
/// address already has an account or enough links waiting.
///
/// # Errors
/// As [`check_open`]; `Invalid` fields; database errors.
pub async fn request(
    conn: &impl ConnectionTrait,
    new: &NewUser,
    now: DateTime<Utc>,
) -> CoreResult<Requested> {
    check_open(conn, new.role).await?;
    let email = users::check_profile(new)?;
    if let Some(user) = users::by_email(conn, &email).await? {
        return Ok(Requested::Known(user));
    }
    pending_registration::Entity::delete_many()
        .filter(pending_registration::Column::ExpiresAt.lte(now))
        .exec(conn)
        .await?;
    // Each waiting link takes one of the address's places; the unique (email, slot)
    // index decides between requests racing for one place. A place lost to a race is
    // skipped, not an error (inserting with DO NOTHING leaves PostgreSQL's transaction
    // usable), so parallel requests fill the places and none goes past the cap.
    let taken: Vec<i32> = pending_registration::Entity::find()
        .select_only()
        .column(pending_registration::Column::Slot)
        .filter(pending_registration::Column::Email.eq(email.as_str()))
        .into_tuple()
        .all(conn)
        .await?;
    let token = random_token();
    let organisation = new.organisation.as_ref();
    for slot in (0..MAX_PENDING_PER_ADDRESS).filter(|s| !taken.contains(s)) {
        let row = pending_registration::ActiveModel {
            token_hash: Set(token_hash(&token)),
            email: Set(email.clone()),
            slot: Set(slot),
            display_name: Set(new.display_name.trim().to_owned()),
            role: Set(new.role.code().to_owned()),
            org_name: Set(organisation.map(|o| o.name.clone())),
            org_kind: Set(organisation.map(|o| o.kind.code().to_owned())),
            org_uscc: Set(organisation.and_then(|o| o.uscc.as_ref().map(ToString::to_string))),
            created_at: Set(now),
            expires_at: Set(now + Duration::hours(VALID_HOURS)),
        };
        let inserted = pending_registration::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([
                    pending_registration::Column::Email,
                    pending_registration::Column::Slot,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(conn)
            .await?;
        if inserted == 1 {
            return Ok(Requested::New { email, token });
        }
    }
    Ok(Requested::Withheld)
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
    check_open(conn, pending.role).await?;
    Ok((row, pending))
}

/// The registration a link stands for, while it can still be confirmed.
///
/// # Errors
/// `Invalid` for an unknown, used or expired token; as [`check_open`].
pub async fn pending(
    conn: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> CoreResult<Pending> {
    Ok(find(conn, token, now).await?.1)
}

/// Creates the account a link stands for, with the password its follower chose (hashed
/// by the caller after `password::check_new`), and uses up every link of its address.
/// An organisation the platform does not know becomes a provisional one (see
/// `users::create`).
///
/// # Errors
/// `Invalid` for an unusable token (one that another request is confirming at the same
/// moment included); as [`check_open`]; `Conflict` when the address got an account
/// meanwhile; database errors.
pub async fn confirm(
    conn: &impl ConnectionTrait,
    token: &str,
    password_hash: String,
    now: DateTime<Utc>,
) -> CoreResult<User> {
    let (row, pending) = find(conn, token, now).await?;
    // The link is claimed before anything is created: of two requests following it at
    // once, only the one whose delete took the row goes on.
    let claimed = pending_registration::Entity::delete_many()
        .filter(pending_registration::Column::TokenHash.eq(row.token_hash.as_str()))
        .filter(pending_registration::Column::ExpiresAt.gt(now))
        .exec(conn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(expired());
    }
    let new = NewUser {
        email: pending.email,
        // The caller checked it before hashing it; `users::create` stores the hash.
        password: String::new(),
        display_name: pending.display_name,
        role: pending.role,
        organisation: pending.organisation,
    };
    let user = users::create(conn, &new, password_hash, false).await?;
    // Following the link is what proves the address: the bureau reads this before it
    // confirms a membership.
    let user = users::confirm_email(conn, user.id, now).await?;
    pending_registration::Entity::delete_many()
        .filter(pending_registration::Column::Email.eq(row.email.as_str()))
        .exec(conn)
        .await?;
    Ok(user)
}
