//! The notices the platform sends, written to the outbox in the same transaction as the
//! change that causes them (see `techmatch_core::services::outbox`). Each notice is
//! plain text and HTML; links are absolute, built from the public address.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use techmatch_core::contact::ContactStatus;
use techmatch_core::posting::{Action, PostingKind, PostingView};
use techmatch_core::services::contacts;
use techmatch_core::services::outbox::{self, Notice, NoticeKind};
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

/// Writes a notice's text for one recipient.
type TextFor<'a> = Box<dyn Fn(&User) -> String + Send + Sync + 'a>;

/// Tells every member of `recipients` the same thing, once per recipient and cause.
async fn tell(
    conn: &impl ConnectionTrait,
    recipients: &[User],
    cause: &str,
    subject: &str,
    text_for: impl Fn(&User) -> String,
    link: &str,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    for user in recipients {
        let text = text_for(user);
        let notice = Notice {
            recipient_user_id: Some(user.id),
            address: user.email.clone(),
            kind: NoticeKind::Workflow,
            cause: cause.to_owned(),
            subject: subject.to_owned(),
            html: html_of(&text, link),
            text,
        };
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
    let cause = format!(
        "moderation:{section}:{}:{}:{}",
        view.id,
        action.code(),
        now.timestamp_micros()
    );
    tell(conn, &members, &cause, &subject, text_for, &link, now).await
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
            format!("contact:{id}:requested"),
            t!("notice-contact-requested"),
        ),
        ContactEvent::Moved(status) => (
            t!(
                "notice-contact-moved-subject",
                status = status.label(),
                need = need.title.as_str()
            ),
            format!("contact:{id}:{}", status.code()),
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
    tell(conn, &members, &cause, &subject, text_for, &link, now).await
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
}
