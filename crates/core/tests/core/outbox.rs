//! The outbox on real databases: one copy per (recipient, cause), claims that never
//! overlap (also between concurrent workers), expiring claims, retries with backoff,
//! dead letters and their retry.

use std::collections::HashSet;

use chrono::{Duration, TimeZone, Utc};
use techmatch_core::accounts::Role;
use techmatch_core::services::outbox::{
    self, CLAIM_LEASE_SECONDS, MAX_ATTEMPTS, Notice, NoticeKind,
};
use techmatch_core::services::users::{self, NewUser};
use techmatch_core::testing::on_each_backend;

fn notice(n: usize) -> Notice {
    Notice {
        recipient_user_id: None,
        address: format!("user{n}@example.cn"),
        kind: NoticeKind::Workflow,
        cause: format!("test:{n}"),
        subject: "主题".to_owned(),
        text: "正文".to_owned(),
        html: "<p>正文</p>".to_owned(),
        unsubscribe_url: None,
        personal: false,
    }
}

#[tokio::test]
async fn one_copy_per_cause_and_claims_that_expire_retry_and_die() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
        assert!(outbox::enqueue(conn, &notice(1), t0).await.unwrap());
        assert!(
            !outbox::enqueue(conn, &notice(1), t0).await.unwrap(),
            "the same notice twice"
        );

        let first = outbox::claim(conn, "w1", 10, t0).await.unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].attempts, 1, "the attempt is counted when claimed");
        assert!(
            outbox::claim(conn, "w2", 10, t0).await.unwrap().is_empty(),
            "claimed once"
        );

        // w1 dies: after the lease w2 claims it again, with the same Message-ID.
        let later = t0 + Duration::seconds(CLAIM_LEASE_SECONDS + 1);
        let again = outbox::claim(conn, "w2", 10, later).await.unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].message_id, first[0].message_id);
        outbox::mark_sent(conn, &first[0], "w1", later)
            .await
            .unwrap();
        let still: Vec<_> = outbox::claim(conn, "w3", 10, later + Duration::days(1))
            .await
            .unwrap();
        assert_eq!(
            still.len(),
            1,
            "w1's late report does not count: w2 holds the claim"
        );
        outbox::mark_sent(conn, &still[0], "w3", later)
            .await
            .unwrap();
        assert!(
            outbox::claim(conn, "w4", 10, later + Duration::days(2))
                .await
                .unwrap()
                .is_empty(),
            "sent"
        );

        // A failing notice waits longer each time, then is dead-lettered.
        outbox::enqueue(conn, &notice(2), t0).await.unwrap();
        let mut now = t0;
        let mut dead = false;
        for attempt in 1..=MAX_ATTEMPTS {
            let claimed = outbox::claim(conn, "w", 10, now).await.unwrap();
            assert_eq!(claimed.len(), 1, "attempt {attempt}");
            assert!(outbox::claim(conn, "w", 10, now).await.unwrap().is_empty());
            dead = outbox::mark_failed(conn, &claimed[0], "w", "550 refused", now)
                .await
                .unwrap();
            assert!(
                outbox::claim(conn, "w", 10, now).await.unwrap().is_empty(),
                "backing off"
            );
            now += outbox::backoff(attempt);
        }
        assert!(dead);
        let letters = outbox::dead_letters(conn).await.unwrap();
        assert_eq!(letters.len(), 1);
        assert_eq!(letters[0].last_error.as_deref(), Some("550 refused"));

        let new = NewUser {
            email: "admin@kjj.cn".to_owned(),
            password: "a-good-password".to_owned(),
            display_name: "管理员".to_owned(),
            role: Role::Admin,
            organisation: Some(
                users::org_ref(
                    "晋阳县科学技术局",
                    techmatch_core::posting::OrgKind::Bureau,
                    None,
                )
                .unwrap(),
            ),
        };
        let admin = users::create(conn, &new, "x".to_owned(), true)
            .await
            .unwrap();
        outbox::retry(conn, &admin, letters[0].id, now)
            .await
            .unwrap();
        assert_eq!(
            outbox::claim(conn, "w", 10, now).await.unwrap().len(),
            1,
            "sent again"
        );
        db
    })
    .await;
}

#[tokio::test]
async fn concurrent_workers_never_claim_the_same_notice() {
    on_each_backend(|db| async move {
        let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
        for n in 0..60 {
            outbox::enqueue(&db.conn, &notice(n), t0).await.unwrap();
        }
        let worker = |name: &'static str| {
            let conn = db.conn.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let claimed = outbox::claim(&conn, name, 3, t0).await.unwrap();
                    if claimed.is_empty() {
                        break mine;
                    }
                    mine.extend(claimed.into_iter().map(|n| n.id));
                }
            })
        };
        let (a, b, c) = (worker("a"), worker("b"), worker("c"));
        let (a, b, c) = (a.await.unwrap(), b.await.unwrap(), c.await.unwrap());
        let all: HashSet<i64> = a.iter().chain(&b).chain(&c).copied().collect();
        assert_eq!(all.len(), 60, "every notice claimed");
        assert_eq!(a.len() + b.len() + c.len(), 60, "and none twice");
        db
    })
    .await;
}

/// A password reset or registration link stays in the outbox row only until the mail is
/// delivered or given up: the database and its backups must not keep a working link
/// (the administrator's pages never show it, but whoever reads the database would).
/// The row keeps its subject and the rest of its body, so the outbox still shows that
/// the mail went; a dead account mail cannot be sent again without its link.
#[tokio::test]
async fn account_mails_forget_their_links_once_delivered_or_dead() {
    use sea_orm::EntityTrait;
    use techmatch_core::entities::outbox_entry;
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
        let secret = "5f".repeat(32);
        let account = |n: usize| {
            let link = format!("https://kjj.example.cn/password/reset?token={secret}{n}");
            Notice {
                kind: NoticeKind::Account,
                subject: "重设密码".to_owned(),
                text: format!("请在60分钟内打开 {link} 设置新密码。"),
                html: format!("<p><a href=\"{link}\">{link}</a></p>"),
                ..notice(n)
            }
        };
        outbox::enqueue(conn, &account(1), t0).await.unwrap();
        outbox::enqueue(conn, &account(2), t0).await.unwrap();
        outbox::enqueue(conn, &notice(3), t0).await.unwrap();
        let stored = |id: i64| async move {
            outbox_entry::Entity::find_by_id(id)
                .one(conn)
                .await
                .unwrap()
                .unwrap()
        };

        let claimed = outbox::claim(conn, "w", 10, t0).await.unwrap();
        assert_eq!(claimed.len(), 3);
        assert!(
            claimed[0].body_text.contains(&secret),
            "the worker sends the link"
        );
        let (delivered, failing, workflow) = (&claimed[0], &claimed[1], &claimed[2]);
        outbox::mark_sent(conn, delivered, "w", t0).await.unwrap();
        outbox::mark_sent(conn, workflow, "w", t0).await.unwrap();
        let sent = stored(delivered.id).await;
        assert_eq!(sent.status, "sent");
        assert_eq!(sent.subject, "重设密码");
        for body in [&sent.body_text, &sent.body_html] {
            assert!(!body.contains(&secret), "a delivered link is kept: {body}");
            assert!(body.contains("/password/reset?token=redacted"), "{body}");
        }
        assert!(
            sent.body_text.contains("设置新密码"),
            "the rest of the mail stays"
        );
        assert_eq!(
            stored(workflow.id).await.body_text,
            workflow.body_text,
            "other mails are kept as sent"
        );

        // A mail that keeps failing keeps its link while it is retried, and loses it
        // when it is dead-lettered.
        let mut now = t0;
        let mut row = failing.clone();
        for attempt in 1..=MAX_ATTEMPTS {
            let dead = outbox::mark_failed(conn, &row, "w", "550 refused", now)
                .await
                .unwrap();
            let kept = stored(row.id).await;
            if !dead {
                assert!(kept.body_text.contains(&secret), "attempt {attempt}");
                now += outbox::backoff(attempt);
                row = outbox::claim(conn, "w", 10, now).await.unwrap().remove(0);
            } else {
                assert_eq!(kept.status, "dead");
                assert!(!kept.body_text.contains(&secret), "{}", kept.body_text);
                assert!(!kept.body_html.contains(&secret), "{}", kept.body_html);
            }
        }
        let new = NewUser {
            email: "admin@kjj.cn".to_owned(),
            password: "a-good-password".to_owned(),
            display_name: "管理员".to_owned(),
            role: Role::Admin,
            organisation: None,
        };
        let admin = users::create(conn, &new, "x".to_owned(), true)
            .await
            .unwrap();
        let refused = outbox::retry(conn, &admin, row.id, now).await;
        assert_eq!(
            refused.unwrap_err().kind(),
            techmatch_core::ErrorKind::Conflict,
            "sent again it would carry no link"
        );
        db
    })
    .await;
}

/// Review: account mails delivered or dead-lettered before their links were forgotten
/// kept a working link for ever. The upgrade redacts them and flags them; a mail still
/// waiting keeps its link, and other kinds are left alone.
#[tokio::test]
async fn upgrading_forgets_the_links_of_account_mails_sent_before() {
    use sea_orm::{ConnectionTrait, EntityTrait};
    use techmatch_core::entities::outbox_entry;
    use techmatch_migration::{Migrator, MigratorTrait};
    on_each_backend(|db| async move {
        let migrations = Migrator::migrations();
        let ours = migrations
            .iter()
            .position(|m| m.name() == "m20261207_000022_account_mail_secrets")
            .unwrap();
        let steps = u32::try_from(migrations.len() - ours).unwrap();
        Migrator::down(&db.conn, Some(steps)).await.unwrap();
        let at = "'2026-01-01T00:00:00+00:00'";
        let secret = "5f".repeat(32);
        let rows = [
            ("account", "sent"),
            ("account", "dead"),
            ("account", "pending"),
            ("workflow", "sent"),
        ];
        for (n, (kind, status)) in rows.iter().enumerate() {
            let body =
                format!("打开 https://kjj.example.cn/password/reset?token={secret} 设置新密码");
            db.conn
                .execute_unprepared(&format!(
                    "INSERT INTO outbox (dedup_key, channel, address, kind, subject, body_text, \
                     body_html, message_id, status, attempts, next_attempt_at, created_at) \
                     VALUES ('k{n}', 'email', 'li@example.cn', '{kind}', 's', '{body}', \
                     '<p>{body}</p>', '<{n}@techmatch.outbox>', '{status}', 1, {at}, {at})"
                ))
                .await
                .unwrap();
        }
        Migrator::up(&db.conn, None).await.unwrap();
        let mut stored = outbox_entry::Entity::find().all(&db.conn).await.unwrap();
        stored.sort_by_key(|r| r.dedup_key.clone());
        let state: Vec<(bool, bool)> = stored
            .iter()
            .map(|r| {
                (
                    r.body_text.contains(&secret) || r.body_html.contains(&secret),
                    r.secrets_forgotten,
                )
            })
            .collect();
        assert_eq!(
            state,
            vec![(false, true), (false, true), (true, false), (true, false)],
            "sent and dead account mails forget, a waiting one and other kinds keep"
        );
        assert!(stored[0].body_text.contains("token=redacted 设置新密码"));
        db
    })
    .await;
}
