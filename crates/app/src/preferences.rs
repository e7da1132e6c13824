//! How often each person is told what, and the unsubscribe link of every mail.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use techmatch_core::services::alerts;
use techmatch_core::services::outbox::NoticeKind;
use techmatch_core::services::preferences::{self, Frequency};
use techmatch_core::services::users::User;
use techmatch_core::{CoreError, t};

use crate::AppResult;
use crate::txn::in_transaction;

/// Changes the actor's own frequencies (kind code to frequency code) and match-alert
/// threshold (0 to 100) whole: nothing is changed when any part is refused.
///
/// # Errors
/// `Invalid` for an unknown kind or frequency, or a threshold outside 0 to 100.
pub async fn change<'a>(
    db: &DatabaseConnection,
    actor: &User,
    frequencies: impl IntoIterator<Item = (&'a str, &'a str)>,
    min_strength: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let chosen = frequencies
        .into_iter()
        .map(|(kind_code, frequency_code)| {
            let kind = preferences::kind_of(kind_code)
                .ok_or_else(|| CoreError::invalid("frequencies", t!("preferences-unknown-kind")))?;
            let frequency = Frequency::parse(frequency_code).ok_or_else(|| {
                CoreError::invalid(kind.code(), t!("preferences-unknown-frequency"))
            })?;
            Ok((kind, frequency))
        })
        .collect::<Result<Vec<(NoticeKind, Frequency)>, CoreError>>()?;
    let user_id = actor.id;
    in_transaction(db, async |txn| {
        for (kind, frequency) in chosen {
            preferences::set(txn, user_id, kind, frequency, now).await?;
        }
        if let Some(strength) = min_strength {
            alerts::set_min_strength(txn, user_id, strength, now).await?;
        }
        Ok(())
    })
    .await
}

/// Switches a kind of mail off through the signed link in it; no login needed, the
/// signature decides. Returns the kind switched off.
///
/// # Errors
/// `NotFound` for a link that is not signed for this user and kind.
pub async fn unsubscribe(
    db: &DatabaseConnection,
    user_id: i64,
    kind_code: &str,
    signature: &str,
    now: DateTime<Utc>,
) -> AppResult<NoticeKind> {
    in_transaction(db, async |txn| {
        Ok(preferences::unsubscribe(txn, user_id, kind_code, signature, now).await?)
    })
    .await
}
