//! The notices the platform sends, written to the outbox in the same transaction as the
//! change that causes them (see `techmatch_core::services::outbox`). Each notice is
//! plain text and HTML; links are absolute, built from the public address.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use techmatch_core::contact::ContactStatus;
use techmatch_core::posting::{Action, PostingKind, PostingView};
use techmatch_core::services::contacts;
use techmatch_core::services::outbox::{self, Notice, NoticeKind};
use techmatch_core::services::preferences;
use techmatch_core::services::users::{self, User};
use techmatch_core::{CoreResult, t};

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// The HTML part of a mail: its paragraphs, with the link as a link.
pub fn html_of(text: &str, link: &str) -> String {
    let paragraphs: String = text
        .split("\n\n")
        .map(|p| {
            let escaped = escape(p).replace('\n', "<br>");
            let linked = if link.is_empty() {
                escaped
            } else {
                let shown = escape(link);
                escaped.replace(&shown, &format!("<a href=\"{shown}\">{shown}</a>"))
            };
            format!("<p>{linked}</p>")
        })
        .collect();
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"></head><body>{paragraphs}</body></html>"
    )
}

/// A notice of `kind` for `user`, with the signed one-click unsubscribe link in its
/// headers (see `Deliverer::message`) and as a last line of both bodies.
#[expect(
    clippy::too_many_arguments,
    reason = "every part of the notice is its own value"
)]
pub async fn notice_for(
    conn: &impl ConnectionTrait,
    base_url: &str,
    user: &User,
    kind: NoticeKind,
    cause: &str,
    subject: &str,
    text: String,
    link: &str,
    now: DateTime<Utc>,
) -> CoreResult<Notice> {
    let unsubscribe_url = preferences::unsubscribe_url(conn, base_url, user.id, kind, now).await?;
    let (text, html) = match &unsubscribe_url {
        Some(url) => {
            let line = t!("notice-unsubscribe-line", link = url.as_str());
            let shown = escape(url);
            let paragraph = format!(
                "<p>{}</p></body>",
                escape(&line).replace(&shown, &format!("<a href=\"{shown}\">{shown}</a>"))
            );
            let html = html_of(&text, link).replace("</body>", &paragraph);
            (format!("{text}\n\n{line}"), html)
        }
        None => (text.clone(), html_of(&text, link)),
    };
    Ok(Notice {
        recipient_user_id: Some(user.id),
        address: user.email.clone(),
        kind,
        cause: cause.to_owned(),
        subject: subject.to_owned(),
        text,
        html,
        unsubscribe_url,
        personal: false,
    })
}

/// One notice to one person, as a step writes it.
pub struct Letter<'a> {
    pub to: &'a User,
    pub kind: NoticeKind,
    /// What caused it: one notice a recipient and cause, however often it is written.
    pub cause: &'a str,
    pub subject: &'a str,
    pub text: String,
    pub link: &'a str,
}

/// Writes `letter` to the outbox in the caller's transaction; whether it was queued
/// (not when the recipient switched its kind off, or had it already).
///
/// # Errors
/// Database errors.
pub async fn send(
    conn: &impl ConnectionTrait,
    base_url: &str,
    letter: Letter<'_>,
    now: DateTime<Utc>,
) -> CoreResult<bool> {
    let Letter {
        to,
        kind,
        cause,
        subject,
        text,
        link,
    } = letter;
    let notice = notice_for(conn, base_url, to, kind, cause, subject, text, link, now).await?;
    outbox::enqueue(conn, &notice, now).await
}

/// Writes a notice's text for one recipient.
type TextFor<'a> = Box<dyn Fn(&User) -> String + Send + Sync + 'a>;

/// Tells every member of `recipients` the same thing, once per recipient and cause.
#[expect(
    clippy::too_many_arguments,
    reason = "every part of the notice is its own value"
)]
async fn tell(
    conn: &impl ConnectionTrait,
    base_url: &str,
    recipients: &[User],
    cause: &str,
    subject: &str,
    text_for: impl Fn(&User) -> String,
    link: &str,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    for user in recipients {
        let text = text_for(user);
        let notice = notice_for(
            conn,
            base_url,
            user,
            NoticeKind::Workflow,
            cause,
            subject,
            text,
            link,
            now,
        )
        .await?;
        outbox::enqueue(conn, &notice, now).await?;
    }
    Ok(())
}

/// The outcome of moderation, told to the posting's organisation.
///
/// # Errors
/// Database errors.
pub async fn posting_moderated(
    conn: &impl ConnectionTrait,
    base_url: &str,
    view: &PostingView,
    action: &Action,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    let Some(org) = view.org_id else {
        return Ok(());
    };
    let members: Vec<User> = users::members_of(conn, org)
        .await?
        .into_iter()
        .filter(|u| u.posts() == Some(view.kind))
        .collect();
    let link = format!("{base_url}/me/postings/{}", view.id);
    let kind = view.kind.label();
    let (subject, text_for): (String, TextFor<'_>) = match action {
        Action::Approve => (
            t!(
                "notice-approved-subject",
                kind = kind.as_str(),
                title = view.title.as_str()
            ),
            Box::new(|u: &User| {
                t!(
                    "notice-approved-body",
                    name = u.display_name.as_str(),
                    kind = kind.as_str(),
                    title = view.title.as_str(),
                    link = link.as_str()
                )
            }),
        ),
        Action::Reject { reason, note } => {
            let reason = reason.label();
            let note = note.clone();
            let link = link.clone();
            (
                t!(
                    "notice-rejected-subject",
                    kind = kind.as_str(),
                    title = view.title.as_str()
                ),
                Box::new(move |u: &User| {
                    t!(
                        "notice-rejected-body",
                        name = u.display_name.as_str(),
                        kind = kind.as_str(),
                        title = view.title.as_str(),
                        reason = reason.as_str(),
                        note = note.as_str(),
                        link = link.as_str()
                    )
                }),
            )
        }
        _ => return Ok(()),
    };
    let section = match view.kind {
        PostingKind::Need => "need",
        PostingKind::Achievement => "achievement",
    };
    // Causes travel in webhook bodies and, hashed, in Message-IDs: the public id, never
    // the database's sequence number, which would place the posting among others.
    let cause = format!(
        "moderation:{section}:{}:{}:{}",
        view.external_id,
        action.code(),
        now.timestamp_micros()
    );
    tell(
        conn, base_url, &members, &cause, &subject, text_for, &link, now,
    )
    .await
}

/// The cause of a notice about a 对接: its pair of postings by public id (a pair has one
/// 对接 at most), not the 对接's sequence number, which counts every 对接 on the platform.
fn contact_cause(need: &PostingView, achievement: &PostingView, what: &str) -> String {
    format!(
        "contact:{}:{}:{what}",
        need.external_id, achievement.external_id
    )
}

/// What happened to a 对接, for the other side.
#[derive(Debug, Clone, Copy)]
pub enum ContactEvent {
    Requested,
    Moved(ContactStatus),
}

/// Tells the other side of a 对接 what the actor's side did: a new request, or its
/// acceptance, refusal, negotiation, signature or closing.
///
/// # Errors
/// Database errors.
pub async fn contact_changed(
    conn: &impl ConnectionTrait,
    base_url: &str,
    id: i64,
    actor: &User,
    event: ContactEvent,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    let (need, achievement, initiator) = contacts::sides(conn, id).await?;
    // The side to tell: for a request the side asked; afterwards the side that did not act.
    let actor_side = if actor.org_id.is_some() && actor.org_id == need.org_id {
        PostingKind::Need
    } else {
        PostingKind::Achievement
    };
    let told = match event {
        ContactEvent::Requested => match initiator {
            PostingKind::Need => &achievement,
            PostingKind::Achievement => &need,
        },
        ContactEvent::Moved(_) => match actor_side {
            PostingKind::Need => &achievement,
            PostingKind::Achievement => &need,
        },
    };
    let Some(org) = told.org_id else {
        return Ok(());
    };
    let members: Vec<User> = users::members_of(conn, org)
        .await?
        .into_iter()
        .filter(|u| u.posts() == Some(told.kind))
        .collect();
    let link = format!("{base_url}/contacts/{id}");
    let (subject, cause, what) = match event {
        ContactEvent::Requested => (
            t!(
                "notice-contact-request-subject",
                need = need.title.as_str(),
                achievement = achievement.title.as_str()
            ),
            contact_cause(&need, &achievement, "requested"),
            t!("notice-contact-requested"),
        ),
        ContactEvent::Moved(status) => (
            t!(
                "notice-contact-moved-subject",
                status = status.label(),
                need = need.title.as_str()
            ),
            contact_cause(&need, &achievement, status.code()),
            t!("notice-contact-moved", status = status.label()),
        ),
    };
    let text_for = |u: &User| {
        t!(
            "notice-contact-body",
            name = u.display_name.as_str(),
            need = need.title.as_str(),
            achievement = achievement.title.as_str(),
            what = what.as_str(),
            link = link.as_str()
        )
    };
    tell(
        conn, base_url, &members, &cause, &subject, text_for, &link, now,
    )
    .await
}

/// How many timeline events one pass turns into notices.
const EVENTS_PER_PASS: u64 = 200;

/// Who hears of a 揭榜挂帅 step: the publisher for the call's own stages, the bidders
/// when the stage concerns them all, the one bidder for steps on its bid; besides these,
/// `challenge_events` tells the expert put on or taken off a panel, and the bureau when
/// an expert recuses themselves.
fn audience(action: &str) -> (bool, bool, bool) {
    // (publisher, every bidder, the bid's own bidder)
    match action {
        "challenge.approve"
        | "challenge.reject"
        | "challenge.declare_unfilled"
        | "challenge.republish" => (true, false, false),
        "challenge.close_bidding"
        | "challenge.propose_winners"
        | "challenge.revoke_publicity"
        | "challenge.award"
        | "challenge.accept"
        | "challenge.fail"
        | "challenge.terminate"
        | "challenge.withdraw"
        | "challenge.close" => (true, true, false),
        "challenge.start_execution" => (false, true, false),
        "bid.pass_formal_review"
        | "bid.return_for_correction"
        | "bid.reject_formally"
        | "bid.award"
        | "bid.deny_award"
        | "bid.not_select"
        | "bid.shortlist"
        | "milestone.pass"
        | "milestone.order_rectification"
        | "milestone.fail" => (false, false, true),
        "bid.drop_out" | "bid.pass_acceptance" | "bid.fail_acceptance" => (true, false, true),
        _ => (false, false, false),
    }
}

/// Turns new 揭榜挂帅 timeline events into notices. The event row, written in the same
/// transaction as the step, is the durable cause; turning it into notices is
/// idempotent (one notice per recipient and event), so a pass that crashes or runs on
/// two nodes at once never loses or doubles one. A platform that has never run this
/// starts from its newest event: history is not mailed.
///
/// # Errors
/// Database errors.
pub async fn challenge_events(
    conn: &impl ConnectionTrait,
    base_url: &str,
    now: DateTime<Utc>,
) -> CoreResult<usize> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    use techmatch_core::entities::{challenge_event, challenge_expert};
    use techmatch_core::services::{bids, challenges, settings};

    const CURSOR: &str = "challenge_event_notices";
    let newest = challenge_event::Entity::find()
        .order_by_desc(challenge_event::Column::Id)
        .one(conn)
        .await?
        .map_or(0, |e| e.id);
    let Some(after) = settings::cursor(conn, CURSOR).await? else {
        settings::advance_cursor(conn, CURSOR, newest, now).await?;
        return Ok(0);
    };
    let events = challenge_event::Entity::find()
        .filter(challenge_event::Column::Id.gt(after))
        .order_by_asc(challenge_event::Column::Id)
        .limit(EVENTS_PER_PASS)
        .all(conn)
        .await?;
    let mut told = 0;
    for event in &events {
        let (publisher, every_bidder, own_bidder) = audience(&event.action);
        let found = challenges::model(conn, event.challenge_id).await?;
        // Each recipient with their link, and whether the step concerns them alone.
        let mut recipients: Vec<(User, String, bool)> = Vec::new();
        let challenge_link = format!("{base_url}/challenges/{}", found.id);
        if publisher {
            for user in users::members_of(conn, found.publisher_org_id).await? {
                recipients.push((user, challenge_link.clone(), false));
            }
        }
        let all_bids = bids::of_challenge(conn, found.id).await?;
        for bid in &all_bids {
            let concerned = (every_bidder && bid.submitted_at.is_some())
                || (own_bidder && event.bid_id == Some(bid.id));
            if concerned {
                let link = format!("{base_url}/bids/{}", bid.id);
                for user in users::members_of(conn, bid.lead_org_id).await? {
                    recipients.push((user, link.clone(), false));
                }
            }
        }
        if event.action == "challenge.assign_expert" {
            let experts = challenge_expert::Entity::find()
                .filter(challenge_expert::Column::ChallengeId.eq(found.id))
                .all(conn)
                .await?;
            let named: Option<i64> = event.detail.as_deref().and_then(|d| d.parse().ok());
            // A panel seat is the expert's own business, not their organisation's: it
            // never reaches the organisation's group chat.
            for seat in experts.iter().filter(|e| Some(e.expert_user_id) == named) {
                recipients.push((
                    users::get(conn, seat.expert_user_id).await?,
                    format!("{base_url}/expert"),
                    true,
                ));
            }
        }
        if event.action == "challenge.unassign_expert" {
            // Taken off the panel: as personal as the seat was, so never the group chat.
            let named: Option<i64> = event.detail.as_deref().and_then(|d| d.parse().ok());
            if let Some(expert) = named {
                match users::get(conn, expert).await {
                    Ok(user) => recipients.push((user, format!("{base_url}/expert"), true)),
                    Err(techmatch_core::CoreError::NotFound { .. }) => {}
                    Err(other) => return Err(other),
                }
            }
        }
        if event.action == "challenge.declare_conflict" {
            // An expert recused themselves: the bureau finds the panel a seat short.
            let console = format!("{base_url}/bureau/challenges/{}", found.id);
            for user in users::bureau_staff(conn).await? {
                recipients.push((user, console.clone(), true));
            }
        }
        let step = techmatch_core::challenge::timeline_label(&event.action);
        let subject = t!(
            "notice-challenge-subject",
            title = found.title.as_str(),
            step = step.as_str()
        );
        let cause = format!("challenge-event:{}", event.id);
        for (user, link, personal) in &recipients {
            // The actor knows what they did.
            if event.actor_user_id == Some(user.id) || user.suspended {
                continue;
            }
            let text = t!(
                "notice-challenge-body",
                name = user.display_name.as_str(),
                title = found.title.as_str(),
                step = step.as_str(),
                link = link.as_str()
            );
            let notice = Notice {
                personal: *personal,
                ..notice_for(
                    conn,
                    base_url,
                    user,
                    NoticeKind::Workflow,
                    &cause,
                    &subject,
                    text,
                    link,
                    now,
                )
                .await?
            };
            if outbox::enqueue(conn, &notice, now).await? {
                told += 1;
            }
        }
    }
    if let Some(last) = events.last() {
        settings::advance_cursor(conn, CURSOR, last.id, now).await?;
    }
    Ok(told)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_html_part_escapes_and_links() {
        let html = html_of(
            "第一段 <b>\n第二行\n\n链接：https://x.cn/a?b=1&c=2",
            "https://x.cn/a?b=1&c=2",
        );
        assert!(html.contains("<p>第一段 &lt;b&gt;<br>第二行</p>"), "{html}");
        assert!(
            html.contains("<a href=\"https://x.cn/a?b=1&amp;c=2\">"),
            "{html}"
        );
    }

    #[test]
    fn mail_bodies_keep_their_paragraphs() {
        let mut reset = techmatch_core::t!(
            "mail-reset-body",
            name = "王工",
            minutes = 60,
            link = "https://example.cn/password/reset?token=x"
        );
        reset.push('\n');
        assert_eq!(
            reset,
            "王工，您好：\n\n有人（希望是您本人）申请重置科技供需对接平台的登录密码。请在 60 分钟内打开下面的链接设置新密码：\n\nhttps://example.cn/password/reset?token=x\n\n如果不是您本人操作，请忽略本邮件，您的密码不会改变。\n"
        );
        let appoint = techmatch_core::t!(
            "mail-appoint-body",
            name = "王工",
            role = "专家",
            email = "w@example.cn",
            minutes = 60,
            link = "L"
        );
        assert_eq!(
            appoint,
            "王工，您好：\n\n科技局已为您开通科技供需对接平台的专家账号（w@example.cn）。请在 60 分钟内打开下面的链接设置密码：\n\nL"
        );
    }
}
