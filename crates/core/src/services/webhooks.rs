//! Webhooks: an organisation's HTTPS endpoints that receive its notices.
//!
//! A confirmed member of an organisation (or a technology broker acting for it, or the
//! bureau administrator) registers a URL in one of four formats: a WeCom (企业微信),
//! DingTalk (钉钉) or Feishu/Lark (飞书) group robot, in the JSON each robot expects, or
//! a generic JSON POST signed with HMAC-SHA256. Each webhook names the kinds of notice
//! it takes. Personal notices (password resets, one member's saved-search alerts, an
//! expert's panel assignment) concern their recipient alone and never leave by
//! webhook: a group chat would show them to the whole organisation.
//!
//! A webhook reaches public addresses only (see `services::webhook_addresses`): its
//! host is checked at registration and again by the worker on the address it
//! connects to. Members read a post's outcome as a status code or a generic reason,
//! never the receiver's answer, which could be a page of the bureau's intranet.
//!
//! When a notice for a member is enqueued (`outbox::enqueue`), each active webhook of
//! the member's organisation taking its kind gets one outbox row of channel `webhook`
//! under the key `webhook:{id}|{cause}`: an organisation of several members hears of a
//! cause once. Webhook posts are immediate whatever a member chose for mail, since the
//! webhook is the organisation's choice. The outbox retries and dead-letters them as it
//! does mails.
//!
//! ## The generic format
//!
//! The body is JSON `{"id", "kind", "cause", "subject", "text", "created_at"}` (a match
//! alert's `created_at` is its day, see `coarse_time`); `id`
//! stays the same across retries, so a receiver can recognise a repeat. It is random,
//! not the outbox's sequence number, which would count the platform's notices and date
//! their causes; causes name postings by their public ids for the same reason. Two headers
//! sign it: `X-Techmatch-Timestamp` (Unix seconds at sending) and
//! `X-Techmatch-Signature: sha256=<hex>`, the HMAC-SHA256 under the webhook's secret of
//! `"{timestamp}.{body}"`. A receiver recomputes it over the raw body, compares in
//! constant time, and rejects timestamps more than a few minutes old (replays).

use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;
use sha2::Sha256;

use crate::accounts::Role;
use crate::entities::{outbox_entry, user, webhook};
use crate::services::audit;
use crate::services::outbox::{Notice, NoticeKind};
use crate::services::users::User;
use crate::services::webhook_addresses::AddressPolicy;
use crate::{CoreError, CoreResult, t};

/// How many webhooks one organisation may have.
pub const MAX_PER_ORG: u64 = 10;

/// The longest URL accepted (the column's size).
pub const MAX_URL_CHARS: usize = 500;

/// The longest secret accepted (the column's size).
pub const MAX_SECRET_CHARS: usize = 200;

/// The shortest secret a generic webhook accepts: a short one can be guessed.
pub const MIN_GENERIC_SECRET_CHARS: usize = 16;

/// WeCom refuses markdown content longer than 4096 bytes.
const WECOM_MAX_BYTES: usize = 4096;

/// The kinds of notice a webhook may take, in the order forms show them: the ones
/// that concern the organisation, not one member.
pub const KINDS: [NoticeKind; 2] = [NoticeKind::Workflow, NoticeKind::MatchAlert];

/// The JSON a webhook is posted in.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A WeCom (企业微信) group robot: markdown message.
    WeCom,
    /// A DingTalk (钉钉) custom robot: markdown message, signed in the query when a
    /// secret is set.
    DingTalk,
    /// A Feishu/Lark (飞书) custom bot: text message, signed in the body when a secret
    /// is set.
    Feishu,
    /// Any receiver: the notice as JSON, signed with HMAC-SHA256 in headers.
    Generic,
}

impl Format {
    /// Every format, in the order a select offers them.
    pub const ALL: [Format; 4] = [
        Format::WeCom,
        Format::DingTalk,
        Format::Feishu,
        Format::Generic,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Format::WeCom => "wecom",
            Format::DingTalk => "dingtalk",
            Format::Feishu => "feishu",
            Format::Generic => "generic",
        }
    }

    pub fn parse(code: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.code() == code.trim())
    }

    pub fn label(self) -> String {
        match self {
            Format::WeCom => t!("webhook-format-wecom"),
            Format::DingTalk => t!("webhook-format-dingtalk"),
            Format::Feishu => t!("webhook-format-feishu"),
            Format::Generic => t!("webhook-format-generic"),
        }
    }

    /// Whether the format can carry a signature made with a secret.
    pub fn signs(self) -> bool {
        self != Format::WeCom
    }
}

/// What someone registering a webhook typed.
#[derive(Debug, Clone, Default)]
pub struct WebhookInput {
    pub url: String,
    /// A [`Format`] code.
    pub format: String,
    pub secret: Option<String>,
    /// [`NoticeKind`] codes.
    pub kinds: Vec<String>,
}

/// A webhook as its organisation sees it: never its secret.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Webhook {
    pub id: i64,
    pub org_id: i64,
    pub url: String,
    pub format: Format,
    pub has_secret: bool,
    /// [`NoticeKind`] codes.
    pub kinds: Vec<&'static str>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    /// The newest post's state, if any was made.
    pub last_delivery: Option<Delivery>,
}

/// The state of one post.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// An outbox status: `pending`, `sending`, `sent`, `dead` or `dropped`.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

fn kinds_of(stored: &str) -> Vec<NoticeKind> {
    KINDS
        .into_iter()
        .filter(|k| stored.split(',').any(|code| code == k.code()))
        .collect()
}

fn view(model: webhook::Model, last: Option<outbox_entry::Model>) -> Webhook {
    Webhook {
        id: model.id,
        org_id: model.org_id,
        format: Format::parse(&model.format).unwrap_or(Format::Generic),
        has_secret: model.secret.is_some(),
        kinds: kinds_of(&model.kinds)
            .into_iter()
            .map(|k| k.code())
            .collect(),
        active: model.active,
        created_at: model.created_at,
        url: model.url,
        last_delivery: last.map(|n| Delivery {
            status: n.status,
            attempts: n.attempts,
            last_error: n.last_error.as_deref().map(member_reason),
            created_at: n.created_at,
            sent_at: n.sent_at,
        }),
    }
}

/// A post's failure as a member reads it: the generic reason before any detail. The
/// worker records no more than that; rows written by an older version may hold the
/// receiver's answer after a colon.
pub fn member_reason(last_error: &str) -> String {
    last_error
        .split(':')
        .next()
        .unwrap_or_default()
        .trim()
        .chars()
        .take(80)
        .collect()
}

/// Checks a webhook URL: it must parse, use HTTPS, carry no credentials and fit the
/// column. Returns it normalised.
///
/// # Errors
/// `Invalid` on the field `url`, saying which rule it breaks.
pub fn check_url(raw: &str) -> CoreResult<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(CoreError::invalid("url", t!("webhook-url-missing")));
    }
    let too_long = || {
        CoreError::invalid(
            "url",
            t!("webhook-url-too-long", max = MAX_URL_CHARS as u64),
        )
    };
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(too_long());
    }
    let parsed =
        url::Url::parse(raw).map_err(|_| CoreError::invalid("url", t!("webhook-url-invalid")))?;
    if parsed.scheme() != "https" {
        return Err(CoreError::invalid("url", t!("webhook-url-not-https")));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(CoreError::invalid("url", t!("webhook-url-credentials")));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(CoreError::invalid("url", t!("webhook-url-invalid")));
    }
    let normalised = parsed.to_string();
    if normalised.chars().count() > MAX_URL_CHARS {
        return Err(too_long());
    }
    Ok(normalised)
}

/// Checks the secret for `format`: required (and not short) for generic webhooks,
/// optional for the robots that sign, refused for WeCom, which cannot use one.
///
/// # Errors
/// `Invalid` on the field `secret`.
pub fn check_secret(format: Format, secret: Option<&str>) -> CoreResult<Option<String>> {
    let secret = secret.map(str::trim).filter(|s| !s.is_empty());
    let Some(secret) = secret else {
        return if format == Format::Generic {
            Err(CoreError::invalid("secret", t!("webhook-secret-required")))
        } else {
            Ok(None)
        };
    };
    if !format.signs() {
        return Err(CoreError::invalid("secret", t!("webhook-secret-unused")));
    }
    let length = secret.chars().count();
    if length > MAX_SECRET_CHARS {
        return Err(CoreError::invalid(
            "secret",
            t!("webhook-secret-too-long", max = MAX_SECRET_CHARS as u64),
        ));
    }
    if format == Format::Generic && length < MIN_GENERIC_SECRET_CHARS {
        return Err(CoreError::invalid(
            "secret",
            t!(
                "webhook-secret-too-short",
                min = MIN_GENERIC_SECRET_CHARS as u64
            ),
        ));
    }
    Ok(Some(secret.to_owned()))
}

/// Parses the kinds a webhook takes: at least one, and never personal ones.
///
/// # Errors
/// `Invalid` on the field `kinds`.
pub fn check_kinds(codes: &[String]) -> CoreResult<Vec<NoticeKind>> {
    let mut chosen = Vec::new();
    for code in codes {
        let code = code.trim();
        if code == NoticeKind::Account.code() {
            return Err(CoreError::invalid("kinds", t!("webhook-kind-account")));
        }
        if code == NoticeKind::SavedSearch.code() {
            return Err(CoreError::invalid("kinds", t!("webhook-kind-personal")));
        }
        let kind = KINDS
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| CoreError::invalid("kinds", t!("webhook-kind-unknown", kind = code)))?;
        if !chosen.contains(&kind) {
            chosen.push(kind);
        }
    }
    if chosen.is_empty() {
        return Err(CoreError::invalid("kinds", t!("webhook-kinds-missing")));
    }
    Ok(KINDS.into_iter().filter(|k| chosen.contains(k)).collect())
}

/// Whether `actor` may see and change the webhooks of `org_id`: a confirmed member (a
/// broker acting for the organisation counts as one), or the administrator.
pub fn may_manage(actor: &User, org_id: i64) -> bool {
    !actor.suspended
        && (actor.role == Role::Admin || (actor.org_confirmed && actor.org_id == Some(org_id)))
}

/// The organisation whose webhooks `actor` manages on their own pages.
///
/// # Errors
/// `Forbidden` without an organisation, or before the bureau confirmed the membership.
pub fn own_org(actor: &User) -> CoreResult<i64> {
    match actor.org_id {
        Some(org) if actor.org_confirmed => Ok(org),
        Some(_) => Err(CoreError::Forbidden(t!("webhook-org-unconfirmed"))),
        None => Err(CoreError::Forbidden(t!("webhook-no-org"))),
    }
}

/// Registers a webhook for `org_id`: [`check`], then [`store`].
///
/// # Errors
/// As [`check`] and [`store`].
pub async fn register(
    conn: &impl ConnectionTrait,
    actor: &User,
    org_id: i64,
    input: &WebhookInput,
    reach: &AddressPolicy,
    now: DateTime<Utc>,
) -> CoreResult<Webhook> {
    let checked = check(actor, org_id, input, reach).await?;
    store(conn, actor, org_id, checked, now).await
}

/// A webhook whose fields and address passed every check: what [`store`] writes.
#[derive(Debug, Clone)]
pub struct CheckedWebhook {
    url: String,
    format: Format,
    secret: Option<String>,
    kinds: Vec<NoticeKind>,
}

/// Checks who asks and what they ask for, resolving the host (up to a few seconds).
/// It touches no database, so that a caller can run it before opening its transaction:
/// a slow name server must not hold SQLite's only connection.
///
/// # Errors
/// `Forbidden` unless `actor` may manage the organisation's webhooks; `Invalid` for a
/// bad URL (one whose host `reach` refuses included), format, secret or kinds.
pub async fn check(
    actor: &User,
    org_id: i64,
    input: &WebhookInput,
    reach: &AddressPolicy,
) -> CoreResult<CheckedWebhook> {
    if !may_manage(actor, org_id) {
        return Err(CoreError::Forbidden(t!("webhook-forbidden")));
    }
    let url = check_url(&input.url)?;
    let parsed =
        url::Url::parse(&url).map_err(|_| CoreError::invalid("url", t!("webhook-url-invalid")))?;
    reach.check_url(&parsed).await?;
    let format = Format::parse(&input.format)
        .ok_or_else(|| CoreError::invalid("format", t!("webhook-format-unknown")))?;
    let secret = check_secret(format, input.secret.as_deref())?;
    let kinds = check_kinds(&input.kinds)?;
    Ok(CheckedWebhook {
        url,
        format,
        secret,
        kinds,
    })
}

/// Stores a checked webhook, audited.
///
/// # Errors
/// `Forbidden` unless `actor` may manage the organisation's webhooks; `Conflict` when the
/// organisation has [`MAX_PER_ORG`] already (a provisional one a tenth of that, see
/// `organisations::allowance`); database errors.
pub async fn store(
    conn: &impl ConnectionTrait,
    actor: &User,
    org_id: i64,
    checked: CheckedWebhook,
    now: DateTime<Utc>,
) -> CoreResult<Webhook> {
    if !may_manage(actor, org_id) {
        return Err(CoreError::Forbidden(t!("webhook-forbidden")));
    }
    let CheckedWebhook {
        url,
        format,
        secret,
        kinds,
    } = checked;
    let existing = webhook::Entity::find()
        .filter(webhook::Column::OrgId.eq(org_id))
        .count(conn)
        .await?;
    let provisional = crate::entities::organisation::Entity::find_by_id(org_id)
        .one(conn)
        .await?
        .is_some_and(|o| o.provisional);
    let max = super::organisations::allowance(MAX_PER_ORG, provisional);
    if existing >= max {
        return Err(CoreError::Conflict(t!("webhook-too-many", max = max)));
    }
    let codes: Vec<&str> = kinds.iter().map(|k| k.code()).collect();
    let model = webhook::ActiveModel {
        org_id: Set(org_id),
        url: Set(url),
        format: Set(format.code().to_owned()),
        secret: Set(secret),
        kinds: Set(codes.join(",")),
        active: Set(true),
        created_by: Set(actor.id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    // The path and query may hold the robot's access token: the log keeps the host.
    let host = url::Url::parse(&model.url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    audit::record(
        conn,
        audit::Record {
            actor_user_id: Some(actor.id),
            action: "webhook.register",
            entity: "organisation",
            entity_id: org_id,
            detail: Some(&format!("{} {} {host}", model.id, format.code())),
            ..Default::default()
        },
    )
    .await?;
    Ok(view(model, None))
}

/// The newest post to `webhook_id`.
async fn last_post(
    conn: &impl ConnectionTrait,
    webhook_id: i64,
) -> CoreResult<Option<outbox_entry::Model>> {
    Ok(outbox_entry::Entity::find()
        .filter(outbox_entry::Column::WebhookId.eq(webhook_id))
        .order_by_desc(outbox_entry::Column::Id)
        .one(conn)
        .await?)
}

/// The webhooks of `org_id`, oldest first, each with its newest post.
///
/// # Errors
/// `Forbidden` unless `actor` may manage them; database errors.
pub async fn list(
    conn: &impl ConnectionTrait,
    actor: &User,
    org_id: i64,
) -> CoreResult<Vec<Webhook>> {
    if !may_manage(actor, org_id) {
        return Err(CoreError::Forbidden(t!("webhook-forbidden")));
    }
    let models = webhook::Entity::find()
        .filter(webhook::Column::OrgId.eq(org_id))
        .order_by_asc(webhook::Column::Id)
        .all(conn)
        .await?;
    let mut webhooks = Vec::with_capacity(models.len());
    for model in models {
        let last = last_post(conn, model.id).await?;
        webhooks.push(view(model, last));
    }
    Ok(webhooks)
}

/// Deletes a webhook; posts still queued for it are dropped when their turn comes.
///
/// # Errors
/// `NotFound` for an unknown webhook or one `actor` may not manage (which is not
/// revealed); database errors.
pub async fn delete(conn: &impl ConnectionTrait, actor: &User, id: i64) -> CoreResult<()> {
    let found = webhook::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|w| may_manage(actor, w.org_id))
        .ok_or_else(|| CoreError::NotFound {
            what: t!("what-webhook"),
            id: id.to_string(),
        })?;
    webhook::Entity::delete_by_id(found.id).exec(conn).await?;
    audit::record(
        conn,
        audit::Record {
            actor_user_id: Some(actor.id),
            action: "webhook.delete",
            entity: "organisation",
            entity_id: found.org_id,
            detail: Some(&found.id.to_string()),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

/// The webhook a queued post goes to, if it still exists and is active.
///
/// # Errors
/// Database errors.
pub async fn deliverable(
    conn: &impl ConnectionTrait,
    id: i64,
) -> CoreResult<Option<webhook::Model>> {
    Ok(webhook::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|w| w.active))
}

/// The notice's text as the organisation reads it: without the greeting of the member
/// it was written for, and without that member's signed unsubscribe link, which
/// anyone in a group chat could otherwise use.
pub fn organisation_text(
    text: &str,
    recipient_name: Option<&str>,
    unsubscribe_url: Option<&str>,
) -> String {
    let paragraphs: Vec<&str> = text.split("\n\n").collect();
    paragraphs
        .iter()
        .enumerate()
        .filter(|(n, p)| {
            let greeting = *n == 0
                && recipient_name.is_some_and(|name| !name.is_empty() && p.starts_with(name));
            let unsubscribe = unsubscribe_url.is_some_and(|url| p.contains(url));
            !greeting && !unsubscribe
        })
        .map(|(_, p)| *p)
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Enqueues one post of `notice` per active webhook of its recipient's organisation
/// that takes its kind. Returns how many were new.
///
/// # Errors
/// Database errors.
pub(crate) async fn fan_out(
    conn: &impl ConnectionTrait,
    notice: &Notice,
    now: DateTime<Utc>,
) -> CoreResult<usize> {
    let Some(user_id) = notice.recipient_user_id else {
        return Ok(0);
    };
    if notice.is_personal() {
        return Ok(0);
    }
    let Some(member) = user::Entity::find_by_id(user_id).one(conn).await? else {
        return Ok(0);
    };
    let Some(org_id) = member.org_id.filter(|_| member.org_confirmed) else {
        return Ok(0);
    };
    let hooks = webhook::Entity::find()
        .filter(webhook::Column::OrgId.eq(org_id))
        .filter(webhook::Column::Active.eq(true))
        .order_by_asc(webhook::Column::Id)
        .all(conn)
        .await?;
    let text = organisation_text(
        &notice.text,
        Some(&member.display_name),
        notice.unsubscribe_url.as_deref(),
    );
    let mut enqueued = 0;
    for hook in hooks
        .iter()
        .filter(|h| kinds_of(&h.kinds).contains(&notice.kind))
    {
        let dedup_key = format!("webhook:{}|{}", hook.id, notice.cause);
        let post = crate::services::outbox::Post {
            channel: "webhook",
            recipient_user_id: None,
            address: &hook.url,
            text: &text,
            html: "",
            unsubscribe_url: None,
            webhook_id: Some(hook.id),
        };
        if crate::services::outbox::insert_post(conn, notice, &post, &dedup_key, "pending", now)
            .await?
        {
            enqueued += 1;
        }
    }
    Ok(enqueued)
}

/// What a post says, taken from its outbox row.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    /// The delivery's id: the same for every attempt, random (the row's Message-ID).
    pub id: &'a str,
    pub kind: &'a str,
    pub cause: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub created_at: DateTime<Utc>,
}

impl<'a> Message<'a> {
    /// The message of a `webhook` outbox row; its cause is the part of the key after
    /// `webhook:{id}|`.
    pub fn of(row: &'a outbox_entry::Model) -> Message<'a> {
        let cause = row
            .dedup_key
            .split_once('|')
            .map_or(row.dedup_key.as_str(), |(_, cause)| cause);
        let id = row
            .message_id
            .trim_start_matches('<')
            .split('@')
            .next()
            .unwrap_or_default();
        Message {
            id,
            kind: &row.kind,
            cause,
            subject: &row.subject,
            text: &row.body_text,
            created_at: coarse_time(&row.kind, row.created_at),
        }
    }
}

/// When a post says its notice was made. A match alert is made when the bureau
/// approves the counterpart: its minute would place a confidential need among the
/// public postings approved in the same sitting, so it says the day only (midnight,
/// China Standard Time). The organisation's own notices keep their time.
fn coarse_time(kind: &str, created_at: DateTime<Utc>) -> DateTime<Utc> {
    if kind != NoticeKind::MatchAlert.code() {
        return created_at;
    }
    let cst = crate::challenge::calendar::china_standard_time();
    created_at
        .with_timezone(&cst)
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .and_then(|midnight| midnight.and_local_timezone(cst).single())
        .map_or(created_at, |midnight| midnight.with_timezone(&Utc))
}

/// An HTTP POST ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    /// JSON.
    pub body: String,
}

/// The header with the generic format's signing time (Unix seconds).
pub const TIMESTAMP_HEADER: &str = "X-Techmatch-Timestamp";
/// The header with the generic format's signature, `sha256=<hex>`.
pub const SIGNATURE_HEADER: &str = "X-Techmatch-Signature";
/// The header with the post's id, the same for every attempt.
pub const DELIVERY_HEADER: &str = "X-Techmatch-Delivery";

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC takes a key of any length: `new_from_slice` cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("hmac accepts keys of any length"));
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn base64_of(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The generic format's signature of `body` sent at `timestamp` (Unix seconds), as the
/// `X-Techmatch-Signature` header carries it: `sha256=` and the hex HMAC-SHA256 under
/// `secret` of `"{timestamp}.{body}"`.
pub fn generic_signature(secret: &str, timestamp: i64, body: &str) -> String {
    let signed = format!("{timestamp}.{body}");
    format!(
        "sha256={}",
        hex(&hmac_sha256(secret.as_bytes(), signed.as_bytes()))
    )
}

/// Whether `signature` (the header's value) signs `body` at `timestamp` under
/// `secret`, compared in constant time: what a receiver of the generic format checks.
pub fn verify_generic(secret: &str, timestamp: i64, body: &str, signature: &str) -> bool {
    let expected = generic_signature(secret, timestamp, body);
    expected.len() == signature.len()
        && expected
            .bytes()
            .zip(signature.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// DingTalk's robot signature: base64 of the HMAC-SHA256 under `secret` of
/// `"{timestamp}\n{secret}"`, `timestamp` in milliseconds (sent URL-encoded in the
/// query beside it).
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    let signed = format!("{timestamp_ms}\n{secret}");
    base64_of(&hmac_sha256(secret.as_bytes(), signed.as_bytes()))
}

/// Feishu's bot signature: base64 of the HMAC-SHA256 keyed by
/// `"{timestamp}\n{secret}"` over an empty message, `timestamp` in seconds.
pub fn feishu_sign(secret: &str, timestamp: i64) -> String {
    let key = format!("{timestamp}\n{secret}");
    base64_of(&hmac_sha256(key.as_bytes(), b""))
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character.
fn truncate_bytes(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The request that posts `message` to a webhook of `format` at `url`, signed with
/// `secret` when there is one, at `now`.
///
/// # Errors
/// `Invalid` for a stored URL that no longer parses (it was checked when registered).
pub fn request(
    format: Format,
    url: &str,
    secret: Option<&str>,
    message: &Message<'_>,
    now: DateTime<Utc>,
) -> CoreResult<Request> {
    let json = ("Content-Type", "application/json".to_owned());
    let delivery = (DELIVERY_HEADER, message.id.to_owned());
    let headline = format!("{}\n\n{}", message.subject, message.text);
    let request = match format {
        Format::WeCom => {
            let content = format!("**{}**\n\n{}", message.subject, message.text);
            let body = serde_json::json!({
                "msgtype": "markdown",
                "markdown": { "content": truncate_bytes(&content, WECOM_MAX_BYTES) },
            });
            Request {
                url: url.to_owned(),
                headers: vec![json, delivery],
                body: body.to_string(),
            }
        }
        Format::DingTalk => {
            let body = serde_json::json!({
                "msgtype": "markdown",
                "markdown": {
                    "title": message.subject,
                    "text": format!("#### {}\n\n{}", message.subject, message.text),
                },
            });
            let mut target = url::Url::parse(url)
                .map_err(|_| CoreError::invalid("url", t!("webhook-url-invalid")))?;
            if let Some(secret) = secret {
                let timestamp = now.timestamp_millis();
                target
                    .query_pairs_mut()
                    .append_pair("timestamp", &timestamp.to_string())
                    .append_pair("sign", &dingtalk_sign(secret, timestamp));
            }
            Request {
                url: target.to_string(),
                headers: vec![json, delivery],
                body: body.to_string(),
            }
        }
        Format::Feishu => {
            let mut body = serde_json::json!({
                "msg_type": "text",
                "content": { "text": headline },
            });
            if let Some(secret) = secret {
                let timestamp = now.timestamp();
                body["timestamp"] = serde_json::Value::String(timestamp.to_string());
                body["sign"] = serde_json::Value::String(feishu_sign(secret, timestamp));
            }
            Request {
                url: url.to_owned(),
                headers: vec![json, delivery],
                body: body.to_string(),
            }
        }
        Format::Generic => {
            let body = serde_json::json!({
                "id": message.id,
                "kind": message.kind,
                "cause": message.cause,
                "subject": message.subject,
                "text": message.text,
                "created_at": message.created_at.to_rfc3339(),
            })
            .to_string();
            let mut headers = vec![json, delivery];
            if let Some(secret) = secret {
                let timestamp = now.timestamp();
                headers.push((TIMESTAMP_HEADER, timestamp.to_string()));
                headers.push((
                    SIGNATURE_HEADER,
                    generic_signature(secret, timestamp, &body),
                ));
            }
            Request {
                url: url.to_owned(),
                headers,
                body,
            }
        }
    };
    Ok(request)
}

/// Whether a webhook's answer means the post arrived: a 2xx status, and for the robots
/// (which answer 200 to a refused message) an `errcode` (WeCom, DingTalk) or `code`
/// (Feishu) of 0. The error says what was wrong, for the outbox's `last_error`, in
/// codes only: the answer itself is never repeated, since the members who read
/// `last_error` would otherwise read whatever the receiver's address serves.
///
/// # Errors
/// The reason the post did not arrive.
pub fn check_answer(format: Format, status: u16, body: &str) -> Result<(), String> {
    if !(200..300).contains(&status) {
        return Err(format!("http status {status}"));
    }
    let field = match format {
        Format::Generic => return Ok(()),
        Format::WeCom | Format::DingTalk => "errcode",
        Format::Feishu => "code",
    };
    let answer: serde_json::Value =
        serde_json::from_str(body).map_err(|_| "answer is not json".to_owned())?;
    // Older Feishu bots answer `StatusCode` instead of `code`.
    let code = answer
        .get(field)
        .or_else(|| answer.get("StatusCode"))
        .and_then(serde_json::Value::as_i64);
    match code {
        Some(0) => Ok(()),
        Some(code) => Err(format!("{field} {code}")),
        None => Err(format!("answer without {field}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn message() -> Message<'static> {
        Message {
            id: "5f0c2a9e",
            kind: "workflow",
            cause: "moderation:need:7:approve:1",
            subject: "Need approved",
            text: "The need is public.\n\nhttps://x.example/me/postings/7",
            created_at: Utc.with_ymd_and_hms(2026, 12, 7, 1, 0, 0).unwrap(),
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, 1, 0, 5).unwrap()
    }

    fn body_of(request: &Request) -> serde_json::Value {
        serde_json::from_str(&request.body).unwrap()
    }

    fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
        request
            .headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn urls_must_be_https_without_credentials_and_not_too_long() {
        assert_eq!(
            check_url(" https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc ").unwrap(),
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
        );
        assert!(check_url("https://127.0.0.1:8443/hook").is_ok());
        for bad in [
            "",
            "http://example.cn/hook",
            "ftp://example.cn/hook",
            "https://user:pass@example.cn/hook",
            "https://user@example.cn/hook",
            "not a url",
            "https://",
            "/relative/hook",
        ] {
            let error = check_url(bad).unwrap_err();
            assert!(
                matches!(error, CoreError::Invalid { field: "url", .. }),
                "{bad}: {error}"
            );
        }
        let long = format!("https://example.cn/{}", "a".repeat(MAX_URL_CHARS));
        assert!(check_url(&long).is_err());
    }

    #[test]
    fn secrets_are_required_for_generic_and_refused_for_wecom() {
        assert!(check_secret(Format::Generic, None).is_err());
        assert!(check_secret(Format::Generic, Some("  ")).is_err());
        assert!(check_secret(Format::Generic, Some("short")).is_err());
        assert_eq!(
            check_secret(Format::Generic, Some(" 0123456789abcdef ")).unwrap(),
            Some("0123456789abcdef".to_owned())
        );
        assert_eq!(check_secret(Format::DingTalk, None).unwrap(), None);
        assert_eq!(
            check_secret(Format::Feishu, Some("abc")).unwrap(),
            Some("abc".to_owned())
        );
        assert!(check_secret(Format::WeCom, Some("abc")).is_err());
        assert_eq!(check_secret(Format::WeCom, Some("")).unwrap(), None);
        assert!(check_secret(Format::DingTalk, Some(&"s".repeat(MAX_SECRET_CHARS + 1))).is_err());
    }

    #[test]
    fn kinds_are_the_switchable_ones_and_at_least_one() {
        let codes = |c: &[&str]| c.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            check_kinds(&codes(&["match_alert", "workflow", "workflow"])).unwrap(),
            vec![NoticeKind::Workflow, NoticeKind::MatchAlert]
        );
        assert!(check_kinds(&codes(&["account"])).is_err());
        assert!(check_kinds(&codes(&["saved_search"])).is_err());
        assert!(check_kinds(&codes(&["workflow", "nonsense"])).is_err());
        assert!(check_kinds(&[]).is_err());
        assert_eq!(kinds_of("workflow,match_alert").len(), 2);
    }

    /// Review: a match alert's webhook body said the minute its notice was made, that
    /// is the minute the bureau approved the counterpart.
    #[test]
    fn a_match_alert_post_says_the_day_of_its_notice_and_not_the_minute() {
        // 2026-12-07 10:37 CST.
        let made = Utc.with_ymd_and_hms(2026, 12, 7, 2, 37, 12).unwrap();
        assert_eq!(
            coarse_time("match_alert", made),
            Utc.with_ymd_and_hms(2026, 12, 6, 16, 0, 0).unwrap()
        );
        // 2026-12-08 00:30 CST is the next day there.
        let late = Utc.with_ymd_and_hms(2026, 12, 7, 16, 30, 0).unwrap();
        assert_eq!(
            coarse_time("match_alert", late),
            late - chrono::Duration::minutes(30)
        );
        assert_eq!(coarse_time("workflow", made), made);
    }

    #[test]
    fn formats_round_trip_their_codes() {
        for format in Format::ALL {
            assert_eq!(Format::parse(format.code()), Some(format));
            assert_eq!(
                serde_json::to_value(format).unwrap(),
                serde_json::Value::String(format.code().to_owned())
            );
        }
        assert_eq!(Format::parse("slack"), None);
    }

    #[test]
    fn the_generic_format_is_the_notice_signed_over_timestamp_and_body() {
        let secret = "0123456789abcdef0123";
        let request = request(
            Format::Generic,
            "https://hooks.example.cn/in",
            Some(secret),
            &message(),
            now(),
        )
        .unwrap();
        assert_eq!(request.url, "https://hooks.example.cn/in");
        let body = body_of(&request);
        assert_eq!(body["id"], "5f0c2a9e");
        assert_eq!(body["kind"], "workflow");
        assert_eq!(body["cause"], "moderation:need:7:approve:1");
        assert_eq!(body["subject"], "Need approved");
        assert_eq!(body["created_at"], "2026-12-07T01:00:00+00:00");
        let timestamp = header(&request, TIMESTAMP_HEADER).unwrap();
        assert_eq!(timestamp, now().timestamp().to_string());
        let signature = header(&request, SIGNATURE_HEADER).unwrap();
        // Independently: HMAC-SHA256(secret, "{timestamp}.{body}") in hex.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{timestamp}.{}", request.body).as_bytes());
        let expected = hex(&mac.finalize().into_bytes());
        assert_eq!(signature, format!("sha256={expected}"));
        let ts: i64 = timestamp.parse().unwrap();
        assert!(verify_generic(secret, ts, &request.body, signature));
        let tampered = request.body.replace("approved", "rejected");
        assert!(!verify_generic(secret, ts, &tampered, signature));
        assert!(!verify_generic(secret, ts + 1, &request.body, signature));
        assert!(!verify_generic(
            "another secret!!",
            ts,
            &request.body,
            signature
        ));
        assert_eq!(header(&request, DELIVERY_HEADER), Some("5f0c2a9e"));
    }

    #[test]
    fn signatures_match_values_computed_by_openssl() {
        // printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'secret-of-sixteen!'
        assert_eq!(
            generic_signature("secret-of-sixteen!", 1_700_000_000, r#"{"a":1}"#),
            "sha256=117f91e19d00b105b8b71bcf2ae2b13ce162bdb2c34f55c4bb07241b84250ab6"
        );
        // printf '1700000000000\nSECabc' | openssl dgst -sha256 -hmac SECabc -binary | base64
        assert_eq!(
            dingtalk_sign("SECabc", 1_700_000_000_000),
            "jcUpW0QmtKduN03n4JqQ0PBosVjqnM8gU7fIIvsDmCM="
        );
        // printf '' | openssl dgst -sha256 -hmac $'1700000000\nfeishu' -binary | base64
        assert_eq!(
            feishu_sign("feishu", 1_700_000_000),
            "hliLG+zWj6SRnCtD1QgoXSxdZbACZebJ75EBjGuV5IA="
        );
    }

    #[test]
    fn wecom_gets_a_markdown_message() {
        let request = request(
            Format::WeCom,
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            None,
            &message(),
            now(),
        )
        .unwrap();
        let body = body_of(&request);
        assert_eq!(body["msgtype"], "markdown");
        let content = body["markdown"]["content"].as_str().unwrap();
        assert!(content.starts_with("**Need approved**\n\n"), "{content}");
        assert!(content.contains("/me/postings/7"));
        assert_eq!(
            request.url,
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
        );
        let long = Message {
            text: &"\u{4e2d}".repeat(3000),
            ..message()
        };
        let request =
            super::request(Format::WeCom, "https://q.example/", None, &long, now()).unwrap();
        let content = body_of(&request)["markdown"]["content"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(content.len() <= WECOM_MAX_BYTES && content.len() > 4000);
    }

    #[test]
    fn dingtalk_gets_markdown_signed_in_the_query() {
        let secret = "SEC0123456789";
        let request = request(
            Format::DingTalk,
            "https://oapi.dingtalk.com/robot/send?access_token=t0k",
            Some(secret),
            &message(),
            now(),
        )
        .unwrap();
        let body = body_of(&request);
        assert_eq!(body["msgtype"], "markdown");
        assert_eq!(body["markdown"]["title"], "Need approved");
        assert!(
            body["markdown"]["text"]
                .as_str()
                .unwrap()
                .contains("The need is public.")
        );
        let url = url::Url::parse(&request.url).unwrap();
        let query: std::collections::HashMap<String, String> =
            url.query_pairs().into_owned().collect();
        assert_eq!(query["access_token"], "t0k");
        let timestamp: i64 = query["timestamp"].parse().unwrap();
        assert_eq!(timestamp, now().timestamp_millis());
        // DingTalk's recipe: Base64(HmacSHA256(key = secret, "{timestamp}\n{secret}")).
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{timestamp}\n{secret}").as_bytes());
        let expected = base64_of(&mac.finalize().into_bytes());
        assert_eq!(query["sign"], expected);
        // And URL-encoded on the wire: no raw `+`, `/` or `=` from base64.
        let raw_sign = request.url.split("sign=").nth(1).unwrap();
        assert!(!raw_sign.contains(['+', '/', '=']), "{raw_sign}");

        let unsigned = super::request(
            Format::DingTalk,
            "https://oapi.dingtalk.com/robot/send?access_token=t0k",
            None,
            &message(),
            now(),
        )
        .unwrap();
        assert_eq!(
            unsigned.url,
            "https://oapi.dingtalk.com/robot/send?access_token=t0k"
        );
    }

    #[test]
    fn feishu_gets_text_signed_in_the_body() {
        let secret = "feishu-secret";
        let request = request(
            Format::Feishu,
            "https://open.feishu.cn/open-apis/bot/v2/hook/abc",
            Some(secret),
            &message(),
            now(),
        )
        .unwrap();
        let body = body_of(&request);
        assert_eq!(body["msg_type"], "text");
        assert!(
            body["content"]["text"]
                .as_str()
                .unwrap()
                .starts_with("Need approved\n\n")
        );
        let timestamp = body["timestamp"].as_str().unwrap();
        assert_eq!(timestamp, now().timestamp().to_string());
        // Feishu's recipe: Base64(HmacSHA256(key = "{timestamp}\n{secret}", "")).
        let key = format!("{timestamp}\n{secret}");
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()).unwrap();
        assert_eq!(body["sign"], base64_of(&mac.finalize().into_bytes()));
        let unsigned = super::request(
            Format::Feishu,
            "https://open.feishu.cn/open-apis/bot/v2/hook/abc",
            None,
            &message(),
            now(),
        )
        .unwrap();
        assert!(body_of(&unsigned).get("sign").is_none());
    }

    #[test]
    fn robots_that_answer_200_with_an_error_code_have_not_taken_the_post() {
        assert!(check_answer(Format::Generic, 204, "").is_ok());
        let refused = check_answer(Format::Generic, 500, "<h1>intranet secret</h1>").unwrap_err();
        assert_eq!(refused, "http status 500");
        assert!(check_answer(Format::DingTalk, 200, r#"{"errcode":0,"errmsg":"ok"}"#).is_ok());
        let refused = check_answer(
            Format::DingTalk,
            200,
            r#"{"errcode":310000,"errmsg":"sign not match"}"#,
        )
        .unwrap_err();
        assert_eq!(refused, "errcode 310000");
        assert!(check_answer(Format::WeCom, 200, r#"{"errcode":93000}"#).is_err());
        assert!(check_answer(Format::WeCom, 200, "<html>").is_err());
        assert!(check_answer(Format::Feishu, 200, r#"{"code":0,"msg":"success"}"#).is_ok());
        assert!(check_answer(Format::Feishu, 200, r#"{"StatusCode":0}"#).is_ok());
        assert!(check_answer(Format::Feishu, 200, r#"{"code":19021,"msg":"sign"}"#).is_err());
        assert!(check_answer(Format::Feishu, 302, "").is_err());
    }

    #[test]
    fn the_organisation_reads_no_greeting_and_no_personal_unsubscribe_link() {
        let text = "Wang, hello:\n\nThe need is public.\nLine two.\n\nSee https://x/me\n\n\
                    Unsubscribe: https://x/unsubscribe?u=1&s=f";
        let shown = organisation_text(text, Some("Wang"), Some("https://x/unsubscribe?u=1&s=f"));
        assert_eq!(shown, "The need is public.\nLine two.\n\nSee https://x/me");
        assert_eq!(
            organisation_text("Hi\n\nBody", Some("Li"), None),
            "Hi\n\nBody"
        );
    }

    #[test]
    fn a_message_takes_its_cause_from_the_key() {
        let row = outbox_entry::Model {
            id: 9,
            dedup_key: "webhook:3|contact:5:requested".to_owned(),
            channel: "webhook".to_owned(),
            recipient_user_id: None,
            address: "https://x".to_owned(),
            kind: "workflow".to_owned(),
            subject: "s".to_owned(),
            body_text: "t".to_owned(),
            body_html: String::new(),
            message_id: "<0a1b2c@techmatch.outbox>".to_owned(),
            status: "sending".to_owned(),
            attempts: 1,
            next_attempt_at: now(),
            claimed_by: None,
            claimed_at: None,
            last_error: None,
            created_at: now(),
            sent_at: None,
            unsubscribe_url: None,
            webhook_id: Some(3),
            secrets_forgotten: false,
        };
        let message = Message::of(&row);
        // The row's sequence number would count the platform's notices.
        assert_eq!(
            (message.id, message.cause),
            ("0a1b2c", "contact:5:requested")
        );
    }
}
