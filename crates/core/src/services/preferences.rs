//! Notification preferences: how often each user hears of each kind of notice, and the
//! signed one-click unsubscribe links (RFC 8058) that switch a kind off without a login.
//!
//! A kind without a stored row has its default: workflow and account notices arrive at
//! once, match alerts and saved searches as a daily digest. Account notices (password
//! resets, appointments) always arrive at once: they cannot be switched off. Notices a
//! user takes as a digest are enqueued `held` (see `outbox::enqueue`) and gathered by
//! `services::digests`.
//!
//! An unsubscribe link carries the user, the kind and an HMAC-SHA256 over both under a
//! platform secret kept with the settings, so that only the platform can make one and
//! a changed user or kind is refused.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::Sha256;

use crate::entities::notification_preference;
use crate::services::outbox::NoticeKind;
use crate::services::settings;
use crate::{CoreError, CoreResult, t};

/// The name of the secret that signs unsubscribe links.
const SECRET: &str = "unsubscribe";

/// Every kind, in the order the preferences page shows them.
pub const KINDS: [NoticeKind; 4] = [
    NoticeKind::Workflow,
    NoticeKind::MatchAlert,
    NoticeKind::SavedSearch,
    NoticeKind::Account,
];

/// How often a user hears of one kind of notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Immediate,
    Daily,
    Weekly,
    Off,
}

impl Frequency {
    /// Every frequency, in the order a select offers them.
    pub const ALL: [Frequency; 4] = [
        Frequency::Immediate,
        Frequency::Daily,
        Frequency::Weekly,
        Frequency::Off,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Frequency::Immediate => "immediate",
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
            Frequency::Off => "off",
        }
    }

    pub fn parse(code: &str) -> Option<Frequency> {
        Frequency::ALL.into_iter().find(|f| f.code() == code)
    }

    pub fn label(self) -> String {
        match self {
            Frequency::Immediate => t!("preferences-frequency-immediate"),
            Frequency::Daily => t!("preferences-frequency-daily"),
            Frequency::Weekly => t!("preferences-frequency-weekly"),
            Frequency::Off => t!("preferences-frequency-off"),
        }
    }
}

/// The kind whose code is `code`.
pub fn kind_of(code: &str) -> Option<NoticeKind> {
    KINDS.into_iter().find(|k| k.code() == code)
}

/// The frequency a kind has until the user chooses one.
pub fn default_of(kind: NoticeKind) -> Frequency {
    match kind {
        NoticeKind::Workflow | NoticeKind::Account => Frequency::Immediate,
        NoticeKind::MatchAlert | NoticeKind::SavedSearch => Frequency::Daily,
    }
}

/// Whether a user may change how often they hear of `kind`: account notices must arrive.
pub fn switchable(kind: NoticeKind) -> bool {
    kind != NoticeKind::Account
}

/// How often `user_id` hears of `kind`.
///
/// # Errors
/// Database errors.
pub async fn frequency(
    conn: &impl ConnectionTrait,
    user_id: i64,
    kind: NoticeKind,
) -> CoreResult<Frequency> {
    if !switchable(kind) {
        return Ok(default_of(kind));
    }
    let row = notification_preference::Entity::find()
        .filter(notification_preference::Column::UserId.eq(user_id))
        .filter(notification_preference::Column::Kind.eq(kind.code()))
        .one(conn)
        .await?;
    Ok(row
        .and_then(|r| Frequency::parse(&r.frequency))
        .unwrap_or_else(|| default_of(kind)))
}

/// Every kind with how often `user_id` hears of it.
///
/// # Errors
/// Database errors.
pub async fn get(
    conn: &impl ConnectionTrait,
    user_id: i64,
) -> CoreResult<Vec<(NoticeKind, Frequency)>> {
    let rows = notification_preference::Entity::find()
        .filter(notification_preference::Column::UserId.eq(user_id))
        .all(conn)
        .await?;
    Ok(KINDS
        .into_iter()
        .map(|kind| {
            let chosen = rows
                .iter()
                .filter(|_| switchable(kind))
                .find(|r| r.kind == kind.code())
                .and_then(|r| Frequency::parse(&r.frequency));
            (kind, chosen.unwrap_or_else(|| default_of(kind)))
        })
        .collect())
}

/// Sets how often `user_id` hears of `kind`.
///
/// # Errors
/// `Invalid` for account notices other than immediately; database errors.
pub async fn set(
    conn: &impl ConnectionTrait,
    user_id: i64,
    kind: NoticeKind,
    frequency: Frequency,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    if !switchable(kind) {
        if frequency == default_of(kind) {
            return Ok(());
        }
        return Err(CoreError::invalid(
            kind.code(),
            t!("preferences-account-always"),
        ));
    }
    let row = notification_preference::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind.code().to_owned()),
        frequency: Set(frequency.code().to_owned()),
        updated_at: Set(now),
        ..Default::default()
    };
    notification_preference::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                notification_preference::Column::UserId,
                notification_preference::Column::Kind,
            ])
            .update_columns([
                notification_preference::Column::Frequency,
                notification_preference::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

fn mac(secret: &str, user_id: i64, kind: NoticeKind) -> Hmac<Sha256> {
    // HMAC takes a key of any length: `new_from_slice` cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("hmac accepts keys of any length"));
    mac.update(format!("unsubscribe:{user_id}:{}", kind.code()).as_bytes());
    mac
}

/// The signature of an unsubscribe link for `user_id` and `kind`, in hex.
pub fn unsubscribe_token(secret: &str, user_id: i64, kind: NoticeKind) -> String {
    mac(secret, user_id, kind)
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Whether `token` signs `user_id` and `kind`; compared in constant time.
pub fn check_token(secret: &str, user_id: i64, kind: NoticeKind, token: &str) -> bool {
    match from_hex(token) {
        Some(bytes) => mac(secret, user_id, kind).verify_slice(&bytes).is_ok(),
        None => false,
    }
}

/// The one-click unsubscribe URL of `kind` for `user_id`, or `None` when the kind
/// cannot be switched off.
///
/// # Errors
/// Database errors.
pub async fn unsubscribe_url(
    conn: &impl ConnectionTrait,
    public_url: &str,
    user_id: i64,
    kind: NoticeKind,
    now: DateTime<Utc>,
) -> CoreResult<Option<String>> {
    if !switchable(kind) {
        return Ok(None);
    }
    let secret = settings::secret(conn, SECRET, now).await?;
    let token = unsubscribe_token(&secret, user_id, kind);
    Ok(Some(format!(
        "{public_url}/unsubscribe?u={user_id}&k={}&s={token}",
        kind.code()
    )))
}

/// Switches `kind` off for `user_id` if `token` signs both.
///
/// # Errors
/// `NotFound` for a wrong signature or a kind that cannot be switched off (nothing
/// changes); database errors.
pub async fn unsubscribe(
    conn: &impl ConnectionTrait,
    user_id: i64,
    kind_code: &str,
    token: &str,
    now: DateTime<Utc>,
) -> CoreResult<NoticeKind> {
    let kind = verify(conn, user_id, kind_code, token, now).await?;
    set(conn, user_id, kind, Frequency::Off, now).await?;
    Ok(kind)
}

/// The kind an unsubscribe link names, if its signature holds.
///
/// # Errors
/// `NotFound` for a wrong signature or a kind that cannot be switched off; database
/// errors.
pub async fn verify(
    conn: &impl ConnectionTrait,
    user_id: i64,
    kind_code: &str,
    token: &str,
    now: DateTime<Utc>,
) -> CoreResult<NoticeKind> {
    let refused = || CoreError::NotFound {
        what: t!("what-unsubscribe-link"),
        id: format!("{user_id}/{kind_code}"),
    };
    let kind = kind_of(kind_code)
        .filter(|k| switchable(*k))
        .ok_or_else(refused)?;
    let secret = settings::secret(conn, SECRET, now).await?;
    if check_token(&secret, user_id, kind, token) {
        Ok(kind)
    } else {
        Err(refused())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn a_token_holds_for_its_user_and_kind_only() {
        let token = unsubscribe_token(SECRET, 7, NoticeKind::Workflow);
        assert_eq!(token.len(), 64);
        assert!(check_token(SECRET, 7, NoticeKind::Workflow, &token));
        assert!(!check_token(SECRET, 8, NoticeKind::Workflow, &token));
        assert!(!check_token(SECRET, 7, NoticeKind::MatchAlert, &token));
        assert!(!check_token(
            &SECRET.replace('0', "1"),
            7,
            NoticeKind::Workflow,
            &token
        ));
    }

    #[test]
    fn a_tampered_or_malformed_signature_is_refused() {
        let token = unsubscribe_token(SECRET, 7, NoticeKind::Workflow);
        let last = if token.ends_with('0') { "1" } else { "0" };
        let tampered = format!("{}{last}", &token[..63]);
        assert!(!check_token(SECRET, 7, NoticeKind::Workflow, &tampered));
        assert!(!check_token(SECRET, 7, NoticeKind::Workflow, &token[..62]));
        assert!(!check_token(SECRET, 7, NoticeKind::Workflow, ""));
        assert!(!check_token(SECRET, 7, NoticeKind::Workflow, "zz"));
        assert!(!check_token(
            SECRET,
            7,
            NoticeKind::Workflow,
            &format!("{token}00")
        ));
    }

    #[test]
    fn defaults_and_codes() {
        assert_eq!(default_of(NoticeKind::Workflow), Frequency::Immediate);
        assert_eq!(default_of(NoticeKind::MatchAlert), Frequency::Daily);
        assert_eq!(default_of(NoticeKind::SavedSearch), Frequency::Daily);
        assert!(!switchable(NoticeKind::Account));
        for kind in KINDS {
            assert_eq!(kind_of(kind.code()), Some(kind));
        }
        for f in Frequency::ALL {
            assert_eq!(Frequency::parse(f.code()), Some(f));
        }
    }
}
