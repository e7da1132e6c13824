//! Users: registration, appointment by the bureau, authentication and suspension.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use crate::accounts::{Role, normalise_email, password};
use crate::entities::user;
use crate::posting::{OrgKind, OrgRef, PostingKind};
use crate::services::organisations;
use crate::{CoreError, CoreResult, t};

/// A user as the rest of the platform sees them: never the password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: Option<i64>,
    pub suspended: bool,
    /// Whether the user may act for `org_id` (see [`create`]).
    pub org_confirmed: bool,
    /// Set while a technology broker acts for one of the organisations assigned to
    /// them (see `services::brokers`): `org_id` is then that organisation and this is
    /// the kind of posting it publishes.
    pub acting_as: Option<PostingKind>,
    /// When the owner last proved the address (see [`confirm_email`]); `None` for an
    /// address nobody has proven: an account from before registration confirmed
    /// addresses, or one the bureau created whose owner has not set a password yet.
    pub email_confirmed_at: Option<DateTime<Utc>>,
}

impl User {
    /// The kind of posting this user creates and manages for `org_id`, if any.
    pub fn posts(&self) -> Option<PostingKind> {
        self.acting_as.or(self.role.posts())
    }

    /// The organisation this user belongs to: only once the bureau has confirmed the
    /// membership. A self-declared member must see nothing a stranger would not, so every
    /// organisation-scoped behaviour goes through this, not `org_id`.
    pub fn confirmed_org(&self) -> Option<i64> {
        self.org_id.filter(|_| self.org_confirmed)
    }

    /// The organisation this user acts in the name of: a confirmed member whose role
    /// posts for it, or a broker acting for it. Experts and brokers acting for nobody
    /// belong to an organisation without speaking for it.
    pub fn speaks_for(&self) -> Option<i64> {
        self.org_id
            .filter(|_| self.org_confirmed && self.posts().is_some())
    }
}

impl TryFrom<user::Model> for User {
    type Error = CoreError;

    fn try_from(m: user::Model) -> CoreResult<User> {
        Ok(User {
            role: Role::parse(&m.role)?,
            id: m.id,
            email: m.email,
            display_name: m.display_name,
            org_id: m.org_id,
            suspended: m.suspended,
            org_confirmed: m.org_confirmed,
            acting_as: None,
            email_confirmed_at: m.email_confirmed_at,
        })
    }
}

/// What a new user says about themselves.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub password: String,
    pub display_name: String,
    pub role: Role,
    /// The organisation the user acts for; created unverified when unknown.
    pub organisation: Option<OrgRef>,
}

/// Validates a new user's fields; the password is hashed separately because hashing is
/// slow and belongs off the async executor.
///
/// # Errors
/// `Invalid` naming the first field that is wrong.
pub fn check(new: &NewUser) -> CoreResult<String> {
    let email = check_profile(new)?;
    password::check_new(&new.password)?;
    Ok(email)
}

/// As [`check`], for everything but the password: a registration waiting for its
/// address to be confirmed keeps only the password's hash.
///
/// # Errors
/// `Invalid` naming the first field that is wrong.
pub fn check_profile(new: &NewUser) -> CoreResult<String> {
    let email = normalise_email(&new.email)?;
    let name = new.display_name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(CoreError::invalid("display_name", t!("user-name-invalid")));
    }
    match (&new.organisation, new.role.org_kinds()) {
        (None, kinds) if !kinds.is_empty() && new.role.posts().is_some() => {
            return Err(CoreError::invalid("org_name", t!("user-org-name-missing")));
        }
        (Some(org), kinds) if !kinds.contains(&org.kind) => {
            let (role, kind) = (new.role.label(), org.kind.label());
            let reason = t!("user-role-org-kind-mismatch", role = role, kind = kind);
            return Err(CoreError::invalid("org_kind", reason));
        }
        _ => {}
    }
    Ok(email)
}

/// Stores a user whose fields [`check`] accepted, with the given argon2 hash.
///
/// Someone registering for an organisation the platform already knows is not trusted to
/// act for it: anyone can type a company's name. Their membership waits for the bureau's
/// confirmation, and the registration changes nothing about the organisation itself. An
/// organisation the platform does not know becomes a provisional one (see
/// `services::organisations`), which its registrant runs until the bureau verifies it.
/// A `vouched` account (the bureau creates it) belongs to the registry organisation it
/// names at once.
///
/// # Errors
/// `Conflict` when the email is taken; `Invalid` when the organisation contradicts the
/// register; database errors.
pub async fn create(
    conn: &impl ConnectionTrait,
    new: &NewUser,
    password_hash: String,
    vouched: bool,
) -> CoreResult<User> {
    // The callers checked the password before hashing it.
    let email = check_profile(new)?;
    if find_by_email(conn, &email).await?.is_some() {
        let reason = t!("user-email-taken", email = email.as_str());
        return Err(CoreError::Conflict(reason));
    }
    let (org_id, org_confirmed) = match &new.organisation {
        Some(org) if vouched => (Some(organisations::resolve(conn, org).await?), true),
        Some(org) => match organisations::register(conn, org).await? {
            organisations::Registration::Existing(id) => (Some(id), false),
            organisations::Registration::Provisional(id) => (Some(id), true),
        },
        None => (None, true),
    };
    let model = user::ActiveModel {
        email: Set(email),
        display_name: Set(new.display_name.trim().to_owned()),
        password_hash: Set(password_hash),
        role: Set(new.role.code().to_owned()),
        org_id: Set(org_id),
        suspended: Set(false),
        org_confirmed: Set(org_confirmed),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    User::try_from(model)
}

/// The account with this (normalised) address, if any.
///
/// # Errors
/// Database errors; a stored role that does not parse.
pub async fn by_email(conn: &impl ConnectionTrait, email: &str) -> CoreResult<Option<User>> {
    find_by_email(conn, email)
        .await?
        .map(User::try_from)
        .transpose()
}

async fn find_by_email(
    conn: &impl ConnectionTrait,
    email: &str,
) -> CoreResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(conn)
        .await?)
}

/// The stored hash of an active user's password, for the caller to verify off the
/// executor. `None` for an unknown address; suspension is reported after verification
/// so that it reveals nothing to someone who does not know the password.
///
/// # Errors
/// Database errors.
pub async fn credentials(
    conn: &impl ConnectionTrait,
    email: &str,
) -> CoreResult<Option<(User, String)>> {
    let Ok(email) = normalise_email(email) else {
        return Ok(None);
    };
    match find_by_email(conn, &email).await? {
        Some(model) => {
            let hash = model.password_hash.clone();
            Ok(Some((User::try_from(model)?, hash)))
        }
        None => Ok(None),
    }
}

/// The stored row of user `id`.
async fn row(conn: &impl ConnectionTrait, id: i64) -> CoreResult<user::Model> {
    user::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| CoreError::NotFound {
            what: t!("what-user"),
            id: id.to_string(),
        })
}

/// # Errors
/// `NotFound` for an unknown id.
pub async fn get(conn: &impl ConnectionTrait, id: i64) -> CoreResult<User> {
    let model = row(conn, id).await?;
    User::try_from(model)
}

/// Every user, newest first, for the bureau's user list.
///
/// # Errors
/// Database errors.
pub async fn all(conn: &impl ConnectionTrait) -> CoreResult<Vec<User>> {
    user::Entity::find()
        .order_by_desc(user::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(User::try_from)
        .collect()
}

/// A user as the bureau's user list shows them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Listed {
    #[serde(flatten)]
    pub user: User,
    /// Whether the list warns that the membership must be checked by other means (a
    /// call, a letter) before the bureau confirms it: every membership not confirmed
    /// yet. A proven address shows that its owner reads the mailbox, not that they
    /// belong to the organisation, and a free-mail address proves nothing about it.
    pub check_membership_separately: bool,
    /// The day (China Standard Time, like every date the platform shows) the address
    /// was last proven.
    pub email_confirmed_on: Option<chrono::NaiveDate>,
}

impl std::ops::Deref for Listed {
    type Target = User;

    fn deref(&self) -> &User {
        &self.user
    }
}

impl From<User> for Listed {
    fn from(user: User) -> Listed {
        Listed {
            check_membership_separately: user.org_id.is_some() && !user.org_confirmed,
            email_confirmed_on: user.email_confirmed_at.map(|at| {
                at.with_timezone(&crate::challenge::calendar::china_standard_time())
                    .date_naive()
            }),
            user,
        }
    }
}

/// Every user, newest first, as the bureau's user list shows them.
///
/// # Errors
/// Database errors.
pub async fn listing(conn: &impl ConnectionTrait) -> CoreResult<Vec<Listed>> {
    Ok(all(conn).await?.into_iter().map(Listed::from).collect())
}

/// The bureau's staff (moderators and admins), without reading anyone else: whom a
/// step that needs the bureau's attention is told.
///
/// # Errors
/// Database errors.
pub async fn bureau_staff(conn: &impl ConnectionTrait) -> CoreResult<Vec<User>> {
    let roles = [Role::Moderator.code(), Role::Admin.code()];
    user::Entity::find()
        .filter(user::Column::Role.is_in(roles))
        .order_by_asc(user::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(User::try_from)
        .collect()
}

/// Suspends or reinstates a user. A suspended user's sessions stop working at once
/// because every request re-reads the user.
///
/// # Errors
/// `NotFound` for an unknown id.
pub async fn set_suspended(
    conn: &impl ConnectionTrait,
    id: i64,
    suspended: bool,
) -> CoreResult<User> {
    let model = row(conn, id).await?;
    let mut active: user::ActiveModel = model.into();
    active.suspended = Set(suspended);
    User::try_from(active.update(conn).await?)
}

/// The organisation reference a registration form describes.
pub fn org_ref(name: &str, kind: OrgKind, uscc: Option<&str>) -> CoreResult<OrgRef> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CoreError::invalid("org_name", t!("user-org-name-missing")));
    }
    crate::domain::check_org_name(name)?;
    let uscc = match uscc.map(str::trim).filter(|u| !u.is_empty()) {
        Some(code) => Some(
            crate::domain::Uscc::parse(code)
                .map_err(|reason| CoreError::invalid("org_uscc", reason.to_string()))?,
        ),
        None => None,
    };
    Ok(OrgRef {
        name: name.to_owned(),
        uscc,
        uscc_check_failure: None,
        kind,
    })
}

/// Records that the account's owner proved the address just now: followed the link of a
/// registration or of a password reset, both mailed to it.
///
/// # Errors
/// `NotFound` for an unknown id.
pub async fn confirm_email(
    conn: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> CoreResult<User> {
    let model = row(conn, id).await?;
    let mut active: user::ActiveModel = model.into();
    active.email_confirmed_at = Set(Some(now));
    User::try_from(active.update(conn).await?)
}

/// The bureau confirms that a user belongs to their organisation. The audit row
/// records whether the address was proven then and when, so that a later look at the
/// confirmation knows what the bureau had to go on.
///
/// # Errors
/// `NotFound` for an unknown id.
pub async fn confirm_membership(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
) -> CoreResult<User> {
    let model = row(conn, id).await?;
    let email_state = match model.email_confirmed_at {
        Some(at) => format!(
            "email {} proven {}",
            model.email,
            at.with_timezone(&crate::challenge::calendar::china_standard_time())
                .to_rfc3339()
        ),
        None => format!("email {} unproven", model.email),
    };
    let mut active: user::ActiveModel = model.into();
    active.org_confirmed = Set(true);
    let confirmed = User::try_from(active.update(conn).await?)?;
    crate::services::audit::record(
        conn,
        crate::services::audit::Record {
            actor_user_id: Some(actor.id),
            action: "user.confirm_membership",
            entity: "user",
            entity_id: id,
            detail: Some(&email_state),
            ..Default::default()
        },
    )
    .await?;
    Ok(confirmed)
}

/// The users who act for an organisation and should hear about it: confirmed members
/// who are not suspended, by id.
///
/// # Errors
/// Database errors.
pub async fn members_of(conn: &impl ConnectionTrait, org_id: i64) -> CoreResult<Vec<User>> {
    user::Entity::find()
        .filter(user::Column::OrgId.eq(org_id))
        .filter(user::Column::OrgConfirmed.eq(true))
        .filter(user::Column::Suspended.eq(false))
        .order_by_asc(user::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(User::try_from)
        .collect()
}
