//! The notification outbox.
//!
//! A notice is written in the same transaction as the change that causes it, under a
//! (recipient, cause) key that makes a second copy impossible. Workers claim due
//! notices atomically: on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so that several
//! nodes never claim the same one; on SQLite with one `UPDATE … RETURNING`, which the
//! database runs alone. A claim is recorded (attempt counted, claimant and time) before
//! anything is sent. If the worker dies between sending and marking sent, the claim
//! expires and the notice is sent again with the same Message-ID, which mail systems
//! recognise as the same message; it is never lost. A failed delivery is retried with
//! exponential backoff, and after [`MAX_ATTEMPTS`] the notice is dead-lettered for the
//! bureau administrator, who can send it again. A row's channel is `email`, or
//! `webhook` for a post to one of an organisation's webhooks (see
//! `services::webhooks`), retried and dead-lettered the same way.

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, Set, Statement,
};
use sha2::{Digest, Sha256};

use crate::accounts::Role;
use crate::entities::outbox_entry;
use crate::services::users::User;
use crate::{CoreError, CoreResult, t};

/// After this many failed attempts a notice is dead-lettered.
pub const MAX_ATTEMPTS: i32 = 8;

/// How long a claim holds: a notice claimed longer ago by a worker that has not
/// reported is taken to be orphaned (the worker died) and claimed again.
pub const CLAIM_LEASE_SECONDS: i64 = 300;

/// The first retry waits this long; each further one twice as long, up to an hour.
const FIRST_RETRY_SECONDS: i64 = 30;
const LONGEST_RETRY_SECONDS: i64 = 3_600;

/// What a notice is about: decides the preferences and digests that apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// Moderation outcomes, 对接 requests and replies, 揭榜挂帅 stage changes.
    Workflow,
    MatchAlert,
    SavedSearch,
    Account,
}

impl NoticeKind {
    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::Workflow => "workflow",
            NoticeKind::MatchAlert => "match_alert",
            NoticeKind::SavedSearch => "saved_search",
            NoticeKind::Account => "account",
        }
    }

    /// Whether every notice of this kind concerns its recipient alone: account mails
    /// (a password reset's link) and the alerts of a search one member saved.
    pub fn is_personal(self) -> bool {
        matches!(self, NoticeKind::Account | NoticeKind::SavedSearch)
    }

    /// Whether the bureau administrator may read a notice of this kind in the outbox
    /// beyond its subject and state. An account mail carries a link that signs its
    /// reader in as the recipient (a password reset, an appointment's first
    /// password): the administrator sees that it was sent, never the mail.
    pub fn shown_to_administrator(self) -> bool {
        self != NoticeKind::Account
    }
}

/// A mail to enqueue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub recipient_user_id: Option<i64>,
    pub address: String,
    pub kind: NoticeKind,
    /// What caused it, e.g. `moderation:need:42:approve:1732950000`: with the recipient,
    /// the key that makes a second copy impossible.
    pub cause: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The signed one-click unsubscribe URL the mail carries in its headers, if any
    /// (see `services::preferences`).
    pub unsubscribe_url: Option<String>,
    /// Whether it concerns its recipient alone though its kind may be told to an
    /// organisation (an expert's panel assignment): never posted to webhooks.
    pub personal: bool,
}

impl Notice {
    /// Whether the notice concerns its recipient alone, by its kind or by itself.
    pub fn is_personal(&self) -> bool {
        self.personal || self.kind.is_personal()
    }
}

fn message_id(dedup_key: &str) -> String {
    let digest = Sha256::digest(dedup_key.as_bytes());
    let mut random = [0u8; 6];
    rand::rng().fill_bytes(&mut random);
    let hex: String = digest[..10]
        .iter()
        .chain(random.iter())
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("<{hex}@techmatch.outbox>")
}

/// Enqueues a notice unless the same one (recipient and cause) exists, or its
/// recipient has switched its kind off. A kind the recipient takes as a daily or weekly
/// digest is enqueued `held`: never claimed for sending alone. Returns whether it was
/// enqueued.
///
/// The webhooks of the recipient's organisation that take the kind get their own post,
/// once per cause whichever member the notice is for, and at once whatever the
/// member chose for mail (see `services::webhooks`).
///
/// # Errors
/// Database errors.
pub async fn enqueue(
    conn: &impl ConnectionTrait,
    notice: &Notice,
    now: DateTime<Utc>,
) -> CoreResult<bool> {
    crate::services::webhooks::fan_out(conn, notice, now).await?;
    let recipient = notice
        .recipient_user_id
        .map_or_else(|| notice.address.to_lowercase(), |id| format!("user:{id}"));
    let dedup_key = format!("{recipient}|{}", notice.cause);
    let frequency = match notice.recipient_user_id {
        Some(user_id) => {
            crate::services::preferences::frequency(conn, user_id, notice.kind).await?
        }
        None => crate::services::preferences::Frequency::Immediate,
    };
    let status = match frequency {
        crate::services::preferences::Frequency::Off => return Ok(false),
        crate::services::preferences::Frequency::Immediate => "pending",
        _ => "held",
    };
    insert(conn, notice, &dedup_key, status, now).await
}

/// Writes a notice with the given status unless its key exists. Returns whether it was
/// new.
pub(crate) async fn insert(
    conn: &impl ConnectionTrait,
    notice: &Notice,
    dedup_key: &str,
    status: &str,
    now: DateTime<Utc>,
) -> CoreResult<bool> {
    let post = Post {
        channel: "email",
        recipient_user_id: notice.recipient_user_id,
        address: &notice.address,
        text: &notice.text,
        html: &notice.html,
        unsubscribe_url: notice.unsubscribe_url.as_deref(),
        webhook_id: None,
    };
    insert_post(conn, notice, &post, dedup_key, status, now).await
}

/// Where and how one copy of a notice goes: a mail to its recipient, or a post to a
/// webhook.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Post<'a> {
    /// `email` or `webhook`.
    pub channel: &'static str,
    pub recipient_user_id: Option<i64>,
    /// The mail address or the webhook's URL.
    pub address: &'a str,
    pub text: &'a str,
    pub html: &'a str,
    pub unsubscribe_url: Option<&'a str>,
    pub webhook_id: Option<i64>,
}

/// Writes one copy of `notice` as `post` says, unless its key exists. Returns whether
/// it was new.
pub(crate) async fn insert_post(
    conn: &impl ConnectionTrait,
    notice: &Notice,
    post: &Post<'_>,
    dedup_key: &str,
    status: &str,
    now: DateTime<Utc>,
) -> CoreResult<bool> {
    let dedup_key = dedup_key.to_owned();
    let row = outbox_entry::ActiveModel {
        dedup_key: Set(dedup_key.clone()),
        channel: Set(post.channel.to_owned()),
        recipient_user_id: Set(post.recipient_user_id),
        address: Set(post.address.to_owned()),
        kind: Set(notice.kind.code().to_owned()),
        subject: Set(notice.subject.clone()),
        body_text: Set(post.text.to_owned()),
        body_html: Set(post.html.to_owned()),
        message_id: Set(message_id(&dedup_key)),
        status: Set(status.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        created_at: Set(now),
        unsubscribe_url: Set(post.unsubscribe_url.map(str::to_owned)),
        webhook_id: Set(post.webhook_id),
        secrets_forgotten: Set(false),
        ..Default::default()
    };
    let inserted = outbox_entry::Entity::insert(row)
        .on_conflict(
            OnConflict::column(outbox_entry::Column::DedupKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(inserted > 0)
}

/// Claims up to `batch` due notices for `worker`: pending ones whose time has come,
/// and ones whose claim has expired.
///
/// # Errors
/// Database errors.
pub async fn claim(
    conn: &impl ConnectionTrait,
    worker: &str,
    batch: u64,
    now: DateTime<Utc>,
) -> CoreResult<Vec<outbox_entry::Model>> {
    let expired = now - Duration::seconds(CLAIM_LEASE_SECONDS);
    // Look before taking the write lock: an idle worker polls every second, and on
    // SQLite an UPDATE, even one that changes nothing, would make a request's
    // transaction that read before it fail to write.
    let due = outbox_entry::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(outbox_entry::Column::Status.eq("pending"))
                        .add(outbox_entry::Column::NextAttemptAt.lte(now)),
                )
                .add(
                    sea_orm::Condition::all()
                        .add(outbox_entry::Column::Status.eq("sending"))
                        .add(outbox_entry::Column::ClaimedAt.lt(expired)),
                ),
        )
        .one(conn)
        .await?;
    if due.is_none() {
        return Ok(Vec::new());
    }
    let backend = conn.get_database_backend();
    let (sql, lock) = match backend {
        DbBackend::Postgres => (
            "UPDATE outbox SET status = 'sending', claimed_by = $1, claimed_at = $2, \
             attempts = attempts + 1 WHERE id IN (SELECT id FROM outbox WHERE \
             (status = 'pending' AND next_attempt_at <= $2) OR \
             (status = 'sending' AND claimed_at < $3) ORDER BY id LIMIT $4 \
             FOR UPDATE SKIP LOCKED) RETURNING *",
            true,
        ),
        _ => (
            "UPDATE outbox SET status = 'sending', claimed_by = ?, claimed_at = ?, \
             attempts = attempts + 1 WHERE id IN (SELECT id FROM outbox WHERE \
             (status = 'pending' AND next_attempt_at <= ?) OR \
             (status = 'sending' AND claimed_at < ?) ORDER BY id LIMIT ?) RETURNING *",
            false,
        ),
    };
    let limit = i64::try_from(batch).unwrap_or(i64::MAX);
    let values: Vec<sea_orm::Value> = if lock {
        vec![worker.into(), now.into(), expired.into(), limit.into()]
    } else {
        vec![
            worker.into(),
            now.into(),
            now.into(),
            expired.into(),
            limit.into(),
        ]
    };
    let mut claimed = outbox_entry::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(backend, sql, values))
        .all(conn)
        .await?;
    claimed.sort_by_key(|n| n.id);
    Ok(claimed)
}

/// Marks a notice sent, if `worker` still holds its claim. An account mail forgets its
/// links' secrets in the same statement (see [`forgetting_secrets`]).
///
/// # Errors
/// Database errors.
pub async fn mark_sent(
    conn: &impl ConnectionTrait,
    notice: &outbox_entry::Model,
    worker: &str,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    let update = outbox_entry::Entity::update_many()
        .col_expr(outbox_entry::Column::Status, "sent".into())
        .col_expr(outbox_entry::Column::SentAt, now.into())
        .col_expr(
            outbox_entry::Column::LastError,
            Option::<String>::None.into(),
        );
    forgetting_secrets(update, notice)
        .filter(outbox_entry::Column::Id.eq(notice.id))
        .filter(outbox_entry::Column::ClaimedBy.eq(worker))
        .filter(outbox_entry::Column::Status.eq("sending"))
        .exec(conn)
        .await?;
    Ok(())
}

/// `body` with the value of every `token=` link parameter replaced by `redacted`.
pub fn redact_tokens(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find("token=") {
        let (before, after) = rest.split_at(at + "token=".len());
        out.push_str(before);
        let secret_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(after.len());
        if secret_len > 0 {
            out.push_str("redacted");
        }
        rest = &after[secret_len..];
    }
    out.push_str(rest);
    out
}

/// `update`, which ends an account mail's sending (delivered, or dead-lettered), also
/// removing the secrets of its links: the mail reached its mailbox or never will, and
/// the database and its backups must not keep a working password reset or registration
/// link. One statement with the change of state, so that no crash between two leaves a
/// delivered row with its link. The row keeps its subject, state and the rest of its
/// body, so the outbox still shows that the mail went, and `secrets_forgotten` says it
/// can no longer be sent. Other kinds carry no secret and are left as they are.
fn forgetting_secrets(
    update: sea_orm::UpdateMany<outbox_entry::Entity>,
    notice: &outbox_entry::Model,
) -> sea_orm::UpdateMany<outbox_entry::Entity> {
    if notice.kind != NoticeKind::Account.code() {
        return update;
    }
    update
        .col_expr(
            outbox_entry::Column::BodyText,
            redact_tokens(&notice.body_text).into(),
        )
        .col_expr(
            outbox_entry::Column::BodyHtml,
            redact_tokens(&notice.body_html).into(),
        )
        .col_expr(outbox_entry::Column::SecretsForgotten, true.into())
}

/// How long to wait before the attempt after `attempts` failed ones.
pub fn backoff(attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(0);
    let seconds = FIRST_RETRY_SECONDS.saturating_mul(1_i64 << doublings);
    Duration::seconds(seconds.min(LONGEST_RETRY_SECONDS))
}

/// Records a failed attempt: retried later, or dead-lettered after [`MAX_ATTEMPTS`].
/// Returns whether it is dead.
///
/// # Errors
/// Database errors.
pub async fn mark_failed(
    conn: &impl ConnectionTrait,
    notice: &outbox_entry::Model,
    worker: &str,
    error: &str,
    now: DateTime<Utc>,
) -> CoreResult<bool> {
    let dead = notice.attempts >= MAX_ATTEMPTS;
    let status = if dead { "dead" } else { "pending" };
    let mut update = outbox_entry::Entity::update_many()
        .col_expr(outbox_entry::Column::Status, status.into())
        .col_expr(
            outbox_entry::Column::NextAttemptAt,
            (now + backoff(notice.attempts)).into(),
        )
        .col_expr(outbox_entry::Column::LastError, error.into());
    if dead {
        update = forgetting_secrets(update, notice);
    }
    update
        .filter(outbox_entry::Column::Id.eq(notice.id))
        .filter(outbox_entry::Column::ClaimedBy.eq(worker))
        .filter(outbox_entry::Column::Status.eq("sending"))
        .exec(conn)
        .await?;
    Ok(dead)
}

/// Gives a claimed notice back unsent, to be claimed again at `retry_at`, without
/// counting the attempt: the worker had no room for it now (its organisation's
/// webhooks already have as many posts in flight as they may).
///
/// # Errors
/// Database errors.
pub async fn defer(
    conn: &impl ConnectionTrait,
    id: i64,
    worker: &str,
    retry_at: DateTime<Utc>,
) -> CoreResult<()> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    outbox_entry::Entity::update_many()
        .col_expr(outbox_entry::Column::Status, "pending".into())
        .col_expr(outbox_entry::Column::NextAttemptAt, retry_at.into())
        .col_expr(
            outbox_entry::Column::Attempts,
            Expr::col(outbox_entry::Column::Attempts).sub(1),
        )
        .col_expr(
            outbox_entry::Column::ClaimedBy,
            Option::<String>::None.into(),
        )
        .filter(outbox_entry::Column::Id.eq(id))
        .filter(outbox_entry::Column::ClaimedBy.eq(worker))
        .filter(outbox_entry::Column::Status.eq("sending"))
        .exec(conn)
        .await?;
    Ok(())
}

/// Drops a claimed notice that can no longer be delivered (its webhook was deleted or
/// switched off): it is neither retried nor dead-lettered.
///
/// # Errors
/// Database errors.
pub async fn mark_dropped(
    conn: &impl ConnectionTrait,
    id: i64,
    worker: &str,
    reason: &str,
) -> CoreResult<()> {
    outbox_entry::Entity::update_many()
        .col_expr(outbox_entry::Column::Status, "dropped".into())
        .col_expr(outbox_entry::Column::LastError, reason.into())
        .filter(outbox_entry::Column::Id.eq(id))
        .filter(outbox_entry::Column::ClaimedBy.eq(worker))
        .filter(outbox_entry::Column::Status.eq("sending"))
        .exec(conn)
        .await?;
    Ok(())
}

/// Which of the notices `ids` the bureau administrator may read in full (their mail
/// files): the ones that exist and whose kind is shown to the administrator.
///
/// # Errors
/// Database errors.
pub async fn readable_by_administrator(
    conn: &impl ConnectionTrait,
    ids: &[i64],
) -> CoreResult<std::collections::HashSet<i64>> {
    use sea_orm::QuerySelect;
    let mut readable = std::collections::HashSet::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, String)> = outbox_entry::Entity::find()
            .select_only()
            .column(outbox_entry::Column::Id)
            .column(outbox_entry::Column::Kind)
            .filter(outbox_entry::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        readable.extend(rows.into_iter().filter_map(|(id, kind)| {
            crate::services::preferences::kind_of(&kind)
                .filter(|k| k.shown_to_administrator())
                .map(|_| id)
        }));
    }
    Ok(readable)
}

/// The dead-lettered notices, newest first.
///
/// # Errors
/// Database errors.
pub async fn dead_letters(conn: &impl ConnectionTrait) -> CoreResult<Vec<outbox_entry::Model>> {
    Ok(outbox_entry::Entity::find()
        .filter(outbox_entry::Column::Status.eq("dead"))
        .order_by_desc(outbox_entry::Column::Id)
        .all(conn)
        .await?)
}

/// The administrator sends a dead-lettered notice again, from a fresh count.
///
/// # Errors
/// `Forbidden` unless administrator; `NotFound` unless dead-lettered.
pub async fn retry(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    if actor.role != Role::Admin {
        return Err(CoreError::Forbidden(t!("outbox-admin-only")));
    }
    // An account mail gave its link up when it died: sent again it would carry a
    // dead link, so the user asks for a new one instead.
    let redacted = outbox_entry::Entity::find_by_id(id)
        .filter(outbox_entry::Column::Status.eq("dead"))
        .filter(outbox_entry::Column::SecretsForgotten.eq(true))
        .one(conn)
        .await?
        .is_some();
    if redacted {
        return Err(CoreError::Conflict(t!("outbox-retry-redacted")));
    }
    let changed = outbox_entry::Entity::update_many()
        .col_expr(outbox_entry::Column::Status, "pending".into())
        .col_expr(outbox_entry::Column::Attempts, 0.into())
        .col_expr(outbox_entry::Column::NextAttemptAt, now.into())
        .filter(outbox_entry::Column::Id.eq(id))
        .filter(outbox_entry::Column::Status.eq("dead"))
        .exec(conn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(CoreError::NotFound {
            what: t!("what-notice"),
            id: id.to_string(),
        });
    }
    Ok(())
}

/// How many notices are in each state, for the bureau's view of the outbox.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct OutboxSummary {
    pub pending: u64,
    pub sending: u64,
    pub sent: u64,
    pub dead: u64,
    /// Waiting for their recipient's daily or weekly digest.
    pub held: u64,
    /// Sent as part of a digest.
    pub digested: u64,
    /// Never to be sent: the recipient switched the kind off, or the webhook is gone.
    pub dropped: u64,
}

/// Counts the notices per state.
///
/// # Errors
/// Database errors.
pub async fn summary(conn: &impl ConnectionTrait) -> CoreResult<OutboxSummary> {
    use sea_orm::QuerySelect;
    let rows: Vec<(String, i64)> = outbox_entry::Entity::find()
        .select_only()
        .column(outbox_entry::Column::Status)
        .column_as(outbox_entry::Column::Id.count(), "n")
        .group_by(outbox_entry::Column::Status)
        .into_tuple()
        .all(conn)
        .await?;
    let mut counts = OutboxSummary::default();
    for (status, n) in rows {
        let n = u64::try_from(n).unwrap_or(0);
        match status.as_str() {
            "pending" => counts.pending = n,
            "sending" => counts.sending = n,
            "sent" => counts.sent = n,
            "dead" => counts.dead = n,
            "held" => counts.held = n,
            "digested" => counts.digested = n,
            "dropped" => counts.dropped = n,
            other => tracing::warn!(status = other, "unknown outbox status"),
        }
    }
    Ok(counts)
}

/// The `limit` most recent notices in `status` (`pending`, `sending`, `sent`, `dead`),
/// newest first.
///
/// # Errors
/// Database errors.
pub async fn recent(
    conn: &impl ConnectionTrait,
    status: &str,
    limit: u64,
) -> CoreResult<Vec<outbox_entry::Model>> {
    use sea_orm::QuerySelect;
    Ok(outbox_entry::Entity::find()
        .filter(outbox_entry::Column::Status.eq(status))
        .order_by_desc(outbox_entry::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_an_hour() {
        let waits: Vec<i64> = (1..=9).map(|a| backoff(a).num_seconds()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff(0).num_seconds(), 30);
    }

    #[test]
    fn redaction_removes_every_link_token_and_nothing_else() {
        let secret = "0a".repeat(32);
        let text = format!(
            "请打开 https://kjj.cn/password/reset?token={secret} 设置密码。\n\
             <a href=\"https://kjj.cn/register/confirm?token={secret}&x=1\">链接</a> token= 结尾"
        );
        let redacted = redact_tokens(&text);
        assert!(!redacted.contains(&secret), "{redacted}");
        assert_eq!(
            redacted,
            "请打开 https://kjj.cn/password/reset?token=redacted 设置密码。\n\
             <a href=\"https://kjj.cn/register/confirm?token=redacted&x=1\">链接</a> token= 结尾"
        );
        assert_eq!(redact_tokens("没有链接"), "没有链接");
    }

    #[test]
    fn message_ids_are_mail_message_ids_and_differ_per_notice() {
        let a = message_id("user:1|x");
        assert!(
            a.starts_with('<') && a.ends_with("@techmatch.outbox>"),
            "{a}"
        );
        assert_ne!(a, message_id("user:2|x"));
    }
}
