//! Notices through the outbox: written with the change that causes them, delivered by
//! the server's worker over real SMTP, or as `.eml` files without a mail server.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Client, DEMO_PASSWORD, MODERATOR, decoded_parts};
use crate::{Server, start_with};

/// Approves the demo's need waiting in the queue; returns its title.
async fn approve_the_pending_need(server: &Server) -> String {
    let moderator = Client::login(server, MODERATOR, DEMO_PASSWORD).await;
    let (_, queue) = moderator.get(server, "/api/v1/moderation/queue").await;
    let pending: Value = queue["postings"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["kind"] == "need").cloned())
        .unwrap_or_else(|| panic!("a pending need in {queue}"));
    let id = pending["id"].as_i64().unwrap_or_default();
    let (status, body) = moderator
        .post(
            server,
            &format!("/api/v1/moderation/needs/{id}"),
            json!({"action": "approve"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    pending["title"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_moderation_outcome_is_mailed_as_text_and_html_once() {
    let (port, inbox) = crate::smtp::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let env = [("TECHMATCH_SMTP_URL", format!("smtp://127.0.0.1:{port}"))];
    let server = start_with(&dir.path().join("data"), None, &env);
    let title = approve_the_pending_need(&server).await;

    let mail = inbox
        .wait_for(|m| m.contains("enterprise@demo.techmatch"))
        .await;
    assert!(
        mail.to_lowercase().contains("multipart/alternative"),
        "{mail}"
    );
    let message_id = mail
        .lines()
        .find(|l| l.to_lowercase().starts_with("message-id:"))
        .unwrap_or_else(|| panic!("a Message-ID: {mail}"));
    assert!(message_id.contains("@techmatch.outbox>"), "{message_id}");
    let parts = decoded_parts(&mail);
    let text = parts
        .iter()
        .find(|p| !p.contains("<html"))
        .cloned()
        .unwrap_or_default();
    let html = parts
        .iter()
        .find(|p| p.contains("<html"))
        .cloned()
        .unwrap_or_default();
    assert!(
        text.contains("已通过科技局审核") && text.contains(&title),
        "{parts:?}"
    );
    assert!(
        html.contains("<a href=\"") && html.contains(&title),
        "{parts:?}"
    );
    // Delivered once: the worker marks it sent and the outbox never sends it again.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let copies = inbox.count(|m| m.contains("enterprise@demo.techmatch"));
    assert_eq!(copies, 1);
}

#[tokio::test]
async fn without_a_mail_server_notices_are_written_as_files() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("data");
    let server = start_with(&data, None, &[]);
    let title = approve_the_pending_need(&server).await;
    let mut found = None;
    for _ in 0..50 {
        let files: Vec<std::path::PathBuf> = std::fs::read_dir(data.join("mail"))
            .map(|entries| entries.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        if let Some(eml) = files
            .iter()
            .find(|p| p.extension().is_some_and(|e| e == "eml"))
        {
            found = std::fs::read_to_string(eml).ok();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mail = found.unwrap_or_else(|| panic!("an .eml file under {}", data.display()));
    assert!(mail.contains("enterprise@demo.techmatch"), "{mail}");
    assert!(
        decoded_parts(&mail).iter().any(|p| p.contains(&title)),
        "{mail}"
    );
}

/// The other side of a 对接 hears of a request and of its acceptance.
#[tokio::test]
async fn both_sides_of_a_contact_are_told_what_the_other_did() {
    let (port, inbox) = crate::smtp::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let env = [("TECHMATCH_SMTP_URL", format!("smtp://127.0.0.1:{port}"))];
    let server = start_with(&dir.path().join("data"), None, &env);
    let enterprise = Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
    let waiting = super::accept_the_demo_request(&server, &enterprise).await;
    let mail = inbox
        .wait_for(|m| m.contains("researcher@demo.techmatch"))
        .await;
    let parts = decoded_parts(&mail);
    assert!(
        parts
            .iter()
            .any(|p| p.contains("已接受") && p.contains(&format!("/contacts/{waiting}"))),
        "{parts:?}"
    );
    assert_eq!(
        inbox.count(|m| m.contains("enterprise@demo.techmatch")),
        0,
        "the actor is not told"
    );
    // The notice's cause (in webhook bodies and, hashed, in Message-IDs) names the 对接
    // by its postings' public ids, not by its number, which counts every 对接.
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let conn = crate::read_only_sqlite(&dir.path().join("data").join("techmatch.db")).await;
    let keys: Vec<String> = conn
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT dedup_key FROM outbox WHERE dedup_key LIKE '%|contact:%'".to_owned(),
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .filter_map(|row| row.try_get_by_index::<String>(0).ok())
        .collect();
    assert!(!keys.is_empty(), "the acceptance was enqueued");
    for key in &keys {
        let cause = key.rsplit('|').next().unwrap_or_default();
        let parts: Vec<&str> = cause.split(':').collect();
        assert!(
            parts.len() == 4 && parts[1].starts_with("WN-") && parts[2].starts_with("WA-"),
            "{key}"
        );
        assert!(!cause.starts_with(&format!("contact:{waiting}:")), "{key}");
    }
    conn.close().await.unwrap_or_else(|e| panic!("{e}"));
}

/// Faults: a mail server that refuses for a while, a worker killed mid-delivery, and two
/// workers on one PostgreSQL database. Time moves through the clock file, never by
/// waiting for a retry delay.
mod faults {
    use std::io::{BufRead, BufReader};
    use std::path::Path;
    use std::process::{Child, Stdio};
    use std::time::Duration;

    use chrono::{DateTime, Utc};
    use reqwest::StatusCode;
    use serde_json::json;
    use techmatch_core::services::outbox::{CLAIM_LEASE_SECONDS, backoff};
    use techmatch_core::testing::{TestDb, on_each_backend};

    use super::super::decoded_parts;
    use super::super::{Client, DEMO_PASSWORD, MODERATOR, need_body};
    use super::approve_the_pending_need;
    use crate::{Server, start_with, techmatch};

    const ENTERPRISE: &str = "enterprise@demo.techmatch";

    fn set_clock(file: &Path, now: DateTime<Utc>) {
        std::fs::write(file, now.to_rfc3339()).unwrap_or_else(|e| panic!("clock: {e}"));
    }

    fn path_text(path: &Path) -> String {
        path.to_string_lossy().into_owned()
    }

    /// A `techmatch worker` process, killed (SIGKILL) when dropped.
    struct Worker(Child);

    impl Drop for Worker {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    /// Starts `techmatch worker` and waits until it says it is delivering.
    fn start_worker(data: &Path, database_url: Option<&str>, env: &[(&str, String)]) -> Worker {
        let mut command = techmatch(data);
        command.envs(env.iter().map(|(k, v)| (*k, v.as_str())));
        if let Some(url) = database_url {
            command.arg("--database-url").arg(url);
        }
        let mut child = command
            .arg("worker")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start techmatch worker: {e}"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let started = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .any(|line| line == "techmatch worker: delivering");
        let worker = Worker(child);
        assert!(started, "the worker did not start");
        worker
    }

    /// Creates and submits one need per title as the demo enterprise.
    async fn submitted_needs(server: &Server, titles: &[String]) -> Vec<i64> {
        let enterprise = Client::login(server, ENTERPRISE, DEMO_PASSWORD).await;
        let mut ids = Vec::new();
        for title in titles {
            let (status, created) = enterprise
                .post(server, "/api/v1/me/postings", need_body(title))
                .await;
            assert_eq!(status, StatusCode::CREATED, "{created}");
            let id = created["id"].as_i64().unwrap_or_default();
            let (status, body) = enterprise
                .post(
                    server,
                    &format!("/api/v1/me/postings/{id}/actions"),
                    json!({"action": "submit"}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            ids.push(id);
        }
        ids
    }

    /// Approves the needs at even positions and rejects the others.
    async fn moderate(server: &Server, ids: &[i64]) {
        let moderator = Client::login(server, MODERATOR, DEMO_PASSWORD).await;
        for (n, id) in ids.iter().enumerate() {
            let action = if n % 2 == 0 {
                json!({"action": "approve"})
            } else {
                json!({"action": "reject", "reason": "incomplete", "note": "请补充技术指标"})
            };
            let (status, body) = moderator
                .post(server, &format!("/api/v1/moderation/needs/{id}"), action)
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    }

    fn is_about(mail: &str, title: &str) -> bool {
        mail.contains(ENTERPRISE) && decoded_parts(mail).iter().any(|p| p.contains(title))
    }

    /// Waits for one mail about each title, lets any duplicate arrive, then asserts one
    /// copy each.
    async fn each_arrives_once(inbox: &crate::smtp::Inbox, titles: &[String]) {
        for title in titles {
            inbox.wait_for(|m| is_about(m, title)).await;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        for title in titles {
            assert_eq!(inbox.count(|m| is_about(m, title)), 1, "copies of {title}");
        }
        assert_eq!(inbox.count(|m| m.contains(ENTERPRISE)), titles.len());
    }

    fn titles(prefix: &str, n: usize) -> Vec<String> {
        (1..=n)
            .map(|i| format!("{prefix}纳米碳酸钙改性第{i}号"))
            .collect()
    }

    #[tokio::test]
    async fn a_refused_mail_is_retried_after_each_backoff_and_arrives_once() {
        on_each_backend(|db: TestDb| async move {
            let (port, inbox) = crate::smtp::start_refusing(2).await;
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let clock = dir.path().join("now.txt");
            let t0 = Utc::now();
            set_clock(&clock, t0);
            let env = [
                ("TECHMATCH_SMTP_URL", format!("smtp://127.0.0.1:{port}")),
                ("TECHMATCH_CLOCK_FILE", path_text(&clock)),
            ];
            let server = start_with(&dir.path().join("data"), Some(&db.url), &env);
            let title = approve_the_pending_need(&server).await;
            let mailed = |m: &str| is_about(m, &title);

            // Refused once: nothing arrives, and no retry before the first backoff.
            inbox.wait_refused(1).await;
            tokio::time::sleep(Duration::from_millis(1500)).await;
            assert_eq!((inbox.refused(), inbox.count(mailed)), (1, 0));

            // Past 30 s: refused again; the next wait is 60 s from then.
            let t1 = t0 + backoff(1) + chrono::Duration::seconds(1);
            set_clock(&clock, t1);
            inbox.wait_refused(2).await;
            tokio::time::sleep(Duration::from_millis(1500)).await;
            assert_eq!((inbox.refused(), inbox.count(mailed)), (2, 0));

            // Past 60 s more: accepted, once.
            set_clock(&clock, t1 + backoff(2) + chrono::Duration::seconds(1));
            inbox.wait_for(mailed).await;
            tokio::time::sleep(Duration::from_secs(2)).await;
            assert_eq!(inbox.count(mailed), 1);
            assert_eq!(inbox.refused(), 2);
            drop(server);
            db
        })
        .await;
    }

    #[tokio::test]
    async fn notices_outlive_a_killed_server_and_arrive_once_each() {
        on_each_backend(|db: TestDb| async move {
            let (port, inbox) = crate::smtp::start().await;
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let data = dir.path().join("data");
            let clock = dir.path().join("now.txt");
            let t0 = Utc::now();
            set_clock(&clock, t0);
            let env = [
                ("TECHMATCH_SMTP_URL", format!("smtp://127.0.0.1:{port}")),
                ("TECHMATCH_CLOCK_FILE", path_text(&clock)),
            ];
            let server = start_with(&data, Some(&db.url), &env);
            let titles = titles("崩溃", 5);
            let ids = submitted_needs(&server, &titles).await;

            // The mail server hangs: the worker claims notices and is killed mid-send,
            // leaving claimed ones ("sending") and perhaps unclaimed ones behind.
            inbox.hold(true);
            moderate(&server, &ids).await;
            inbox.wait_held().await;
            server.kill();
            inbox.hold(false);

            // Another process on the same data: unclaimed notices go at once, claimed
            // ones when their claim has expired.
            let lease = chrono::Duration::seconds(CLAIM_LEASE_SECONDS + 1);
            set_clock(&clock, t0 + lease);
            let worker = start_worker(&data, Some(&db.url), &env);
            each_arrives_once(&inbox, &titles).await;
            drop(worker);
            db
        })
        .await;
    }

    #[tokio::test]
    async fn two_workers_on_one_postgresql_database_send_each_notice_once() {
        let Some(db) = techmatch_core::testing::postgres().await else {
            return;
        };
        let (port, inbox) = crate::smtp::start().await;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let env = [("TECHMATCH_SMTP_URL", format!("smtp://127.0.0.1:{port}"))];
        let server = start_with(&dir.path().join("web"), Some(&db.url), &env);
        let worker = start_worker(&dir.path().join("worker"), Some(&db.url), &env);
        let titles = titles("并发", 20);
        let ids = submitted_needs(&server, &titles).await;
        moderate(&server, &ids).await;
        each_arrives_once(&inbox, &titles).await;
        drop(worker);
        drop(server);
        db.cleanup().await;
    }
}

/// A 揭榜挂帅 step reaches the people it concerns: the publisher hears that the bureau
/// published its call.
#[tokio::test]
async fn the_publisher_hears_that_its_challenge_was_published() {
    let (port, inbox) = crate::smtp::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let env = [("TECHMATCH_SMTP_URL", format!("smtp://127.0.0.1:{port}"))];
    let server = start_with(&dir.path().join("data"), None, &env);
    let publisher = Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
    let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
    let deadline = chrono::Utc::now() + chrono::Duration::days(30);
    let (status, created) = publisher
        .post(
            &server,
            "/api/v1/challenges",
            json!({
            "title": "粉煤灰提取氧化铝清洁工艺", "background": "粉煤灰堆存量大。",
            "problem": "低能耗提取氧化铝。", "metrics": ["氧化铝回收率 ≥ 85%"],
            "scenario": "年处理 10 万吨粉煤灰", "final_user": "县循环经济园区",
            "reward_enterprise": "100", "reward_subsidy": "50", "bid_deadline": deadline,
            "completion_months": 12, "eligibility": "不限", "contact_name": "李工",
            "contact_phone": "0351-7654321"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap_or_default();
    for (who, action) in [(&publisher, "submit"), (&moderator, "approve")] {
        let (status, body) = who
            .post(
                &server,
                &format!("/api/v1/challenges/{id}/actions"),
                json!({"action": action}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let mail = inbox
        .wait_for(|m| m.contains("enterprise@demo.techmatch"))
        .await;
    let parts = decoded_parts(&mail);
    assert!(
        parts
            .iter()
            .any(|p| p.contains("粉煤灰提取氧化铝清洁工艺")
                && p.contains(&format!("/challenges/{id}"))),
        "{parts:?}"
    );
    // The demo's history was not mailed, and nobody heard of the submission they made.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(inbox.count(|_| true), 1, "one mail only");
}

/// The value of a mail header, its folded lines joined.
fn header(mail: &str, name: &str) -> Option<String> {
    let unfolded = mail
        .replace("\r\n", "\n")
        .replace("\n ", " ")
        .replace("\n\t", " ");
    let wanted = format!("{}:", name.to_lowercase());
    unfolded
        .lines()
        .take_while(|l| !l.is_empty())
        .find(|l| l.to_lowercase().starts_with(&wanted))
        .map(|l| l[wanted.len()..].trim().to_owned())
}

/// The value of `name` in a URL's query.
fn query_param(url: &str, name: &str) -> String {
    url.split_once('?')
        .map(|(_, q)| q)
        .unwrap_or_default()
        .split('&')
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
        .unwrap_or_default()
        .to_owned()
}

/// Whether the workflow select of the preferences page has `frequency` selected.
fn workflow_choice_is(html: &str, frequency: &str) -> bool {
    html.split("name=\"workflow\"")
        .nth(1)
        .and_then(|rest| rest.split("</select>").next())
        .is_some_and(|select| select.contains(&format!("value=\"{frequency}\" selected")))
}

/// A workflow mail carries a signed one-click unsubscribe link (RFC 8058); posting it
/// without any cookie switches workflow mails off for that user, a tampered signature
/// changes nothing, and the preferences page shows the choice.
#[tokio::test]
async fn a_one_click_unsubscribe_link_switches_workflow_mails_off() {
    const ENTERPRISE: &str = "enterprise@demo.techmatch";
    let (port, inbox) = crate::smtp::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let env = [("TECHMATCH_SMTP_URL", format!("smtp://127.0.0.1:{port}"))];
    let server = start_with(&dir.path().join("data"), None, &env);
    approve_the_pending_need(&server).await;

    let mail = inbox.wait_for(|m| m.contains(ENTERPRISE)).await;
    let list = header(&mail, "List-Unsubscribe").unwrap_or_else(|| panic!("{mail}"));
    assert_eq!(
        header(&mail, "List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click"),
        "{mail}"
    );
    let url = list
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned();
    assert!(url.contains("/unsubscribe?u="), "{url}");
    let parts = decoded_parts(&mail);
    assert!(
        parts.iter().all(|p| p.contains("/unsubscribe?u=")),
        "both bodies carry the link: {parts:?}"
    );
    let (u, k, s) = (
        query_param(&url, "u"),
        query_param(&url, "k"),
        query_param(&url, "s"),
    );
    assert_eq!(k, "workflow");

    // The confirmation page needs no login.
    let anonymous = super::client();
    let (status, page, _) = anonymous
        .page(&server, &format!("/unsubscribe?u={u}&k={k}&s={s}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("action=\"/unsubscribe\""), "{page}");

    // A tampered signature, or another user's id, is refused and changes nothing.
    let last = if s.ends_with('0') { "1" } else { "0" };
    let tampered = format!("{}{last}", &s[..s.len() - 1]);
    let refused = super::client()
        .form(
            &server,
            "/unsubscribe",
            &[("u", &u), ("k", &k), ("s", &tampered)],
        )
        .await;
    assert_eq!(refused, StatusCode::NOT_FOUND);
    let other_user = (u.parse::<i64>().unwrap_or_default() + 1).to_string();
    let refused = super::client()
        .form(
            &server,
            "/unsubscribe",
            &[("u", &other_user), ("k", &k), ("s", &s)],
        )
        .await;
    assert_eq!(refused, StatusCode::NOT_FOUND);
    let browser = Client::page_login(&server, ENTERPRISE).await;
    let (status, html, _) = browser.page(&server, "/me/notifications").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(workflow_choice_is(&html, "immediate"), "{html}");

    // One click, as a mail client sends it: no cookie, no CSRF token.
    let done = super::client()
        .form(&server, "/unsubscribe", &[("u", &u), ("k", &k), ("s", &s)])
        .await;
    assert_eq!(done, StatusCode::OK);
    let (_, html, _) = browser.page(&server, "/me/notifications").await;
    assert!(workflow_choice_is(&html, "off"), "{html}");
    assert!(html.contains("关闭"), "{html}");

    // The enterprise's next approved need is not mailed to that user.
    let title = "退订之后审核通过的纳米碳酸钙需求";
    let enterprise = Client::login(&server, ENTERPRISE, DEMO_PASSWORD).await;
    let (status, created) = enterprise
        .post(&server, "/api/v1/me/postings", super::need_body(title))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap_or_default();
    let (status, body) = enterprise
        .post(
            &server,
            &format!("/api/v1/me/postings/{id}/actions"),
            json!({"action": "submit"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
    let (status, body) = moderator
        .post(
            &server,
            &format!("/api/v1/moderation/needs/{id}"),
            json!({"action": "approve"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(
        inbox.count(|m| m.contains(ENTERPRISE)),
        1,
        "no second workflow mail after unsubscribing"
    );
}

/// A user who chose a daily digest gets nothing at once, then one mail listing the day's
/// notices after 08:00 Beijing time.
#[tokio::test]
async fn a_daily_digest_groups_the_held_notices_into_one_mail() {
    let (port, inbox) = crate::smtp::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let clock = dir.path().join("now.txt");
    let t0 = chrono::Utc::now();
    std::fs::write(&clock, t0.to_rfc3339()).unwrap_or_else(|e| panic!("{e}"));
    let env = [
        ("TECHMATCH_SMTP_URL", format!("smtp://127.0.0.1:{port}")),
        ("TECHMATCH_CLOCK_FILE", clock.to_string_lossy().into_owned()),
    ];
    let server = start_with(&dir.path().join("data"), None, &env);

    let enterprise = Client::page_login(&server, "enterprise@demo.techmatch").await;
    let (_, _, token) = enterprise.page(&server, "/me/notifications").await;
    let status = enterprise
        .form(
            &server,
            "/me/notifications",
            &[("csrf", &token), ("workflow", "daily")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let title = approve_the_pending_need(&server).await;
    tokio::time::sleep(std::time::Duration::from_millis(2000)).await;
    assert_eq!(
        inbox.count(|m| m.contains("enterprise@demo.techmatch")),
        0,
        "held for the digest"
    );

    // Two days later the period is over: one digest with the notice in it.
    let later = t0 + chrono::Duration::days(2);
    std::fs::write(&clock, later.to_rfc3339()).unwrap_or_else(|e| panic!("{e}"));
    let mail = inbox
        .wait_for(|m| m.contains("enterprise@demo.techmatch"))
        .await;
    let parts = decoded_parts(&mail);
    assert!(
        parts
            .iter()
            .any(|p| p.contains("1 条通知") && p.contains(&title)),
        "{parts:?}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(
        inbox.count(|m| m.contains("enterprise@demo.techmatch")),
        1,
        "one digest"
    );
}
