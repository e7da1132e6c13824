//! Webhooks and the outbox against hostile users, through a real server and the HTTPS
//! receiver of `webhooks.rs` on loopback:
//! - a member points a webhook at loopback or the intranet: refused at registration,
//!   nothing stored, nothing sent;
//! - a webhook that reached loopback once (the operator's flag was on, or a name
//!   resolved elsewhere at registration) is refused on the address connected to;
//! - a receiver's answer never reaches the members, only a status code;
//! - one organisation's hanging receiver does not delay another organisation's posts;
//! - a colleague's saved search, an expert's panel seat never go to the group chat;
//! - the administrator cannot read a password-reset mail from the outbox.

use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use techmatch_core::testing::{TestDb, on_each_backend};

use super::challenges::{appoint_expert, challenge_body, id_of, user_id};
use super::webhooks::{
    ENTERPRISE, Receiver, allow_loopback, approve_the_pending_need, fixture, webhooks_of,
};
use super::{Client, DEMO_PASSWORD, MODERATOR, client, decoded_parts, need_body};
use crate::{Server, start_with};

const RESEARCHER: &str = "researcher@demo.techmatch";
const ADMIN: &str = "admin@demo.techmatch";
const SECRET: &str = "generic-secret-0123456789";

fn trusting_the_test_ca() -> (&'static str, String) {
    ("TECHMATCH_WEBHOOK_CA_FILE", fixture("ca.pem"))
}

async fn register(
    member: &Client,
    server: &Server,
    url: &str,
    kinds: &[&str],
) -> (StatusCode, Value) {
    member
        .post(
            server,
            "/api/v1/me/webhooks",
            json!({"url": url, "format": "generic", "secret": SECRET, "kinds": kinds}),
        )
        .await
}

/// Waits until every webhook of `member`'s organisation has a newest post in `status`.
async fn posts_settle(member: &Client, server: &Server, status: &str) -> Vec<Value> {
    for _ in 0..150 {
        let listed = webhooks_of(member, server).await;
        if !listed.is_empty()
            && listed.iter().all(|h| {
                h["last_delivery"]["status"] == status && h["last_delivery"]["attempts"] == 1
            })
        {
            return listed;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the posts never became {status}: {:?}",
        webhooks_of(member, server).await
    );
}

#[tokio::test]
async fn a_member_cannot_register_a_webhook_inside_the_bureau_s_network() {
    let receiver = Receiver::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // No operator flag: webhooks reach public addresses only.
    let server = start_with(&dir.path().join("data"), None, &[trusting_the_test_ca()]);
    let member = Client::login(&server, ENTERPRISE, DEMO_PASSWORD).await;
    let hostile = [
        receiver.url("127.0.0.1", "/probe"),
        receiver.url("localhost", "/probe"),
        receiver.url("[::1]", "/probe"),
        format!("https://2130706433:{}/probe", receiver.port),
        "https://10.0.0.1/admin".to_owned(),
        "https://192.168.1.1/".to_owned(),
        "https://169.254.169.254/latest/meta-data/".to_owned(),
        "https://100.64.0.1/".to_owned(),
        "https://[fd00::1]/".to_owned(),
    ];
    for url in &hostile {
        let (status, body) = register(&member, &server, url, &["workflow"]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("内网"),
            "{url}: {body}"
        );
    }
    // The page refuses the same, with the reason.
    let browser = Client::page_login(&server, ENTERPRISE).await;
    let (_, _, token) = browser.page(&server, "/me/webhooks").await;
    let response = browser
        .http
        .post(server.url("/me/webhooks"))
        .form(&[
            ("csrf", token.as_str()),
            ("format", "wecom"),
            ("url", &receiver.url("localhost", "/probe")),
            ("kinds", "workflow"),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap_or_default().contains("内网"));

    // A colleague's saved search is theirs alone: no webhook takes its alerts.
    let (status, body) = register(
        &member,
        &server,
        "https://hooks.example.cn/in",
        &["workflow", "saved_search"],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    assert!(webhooks_of(&member, &server).await.is_empty());
    approve_the_pending_need(&server).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(receiver.to("/probe").is_empty(), "nothing reached loopback");
}

#[tokio::test]
async fn the_address_connected_to_is_checked_again_and_answers_never_reach_members() {
    on_each_backend(|db: TestDb| async move {
        let receiver = Receiver::start().await;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let data = dir.path().join("data");
        // An intranet deployment allowed loopback: the webhooks are registered.
        let server = start_with(
            &data,
            Some(&db.url),
            &[trusting_the_test_ca(), allow_loopback()],
        );
        let member = Client::login(&server, ENTERPRISE, DEMO_PASSWORD).await;
        for (host, path) in [("127.0.0.1", "/literal"), ("localhost", "/named")] {
            let (status, body) =
                register(&member, &server, &receiver.url(host, path), &["workflow"]).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        // The receiver answers with a page of the intranet: the members read a status.
        let secret_page = "<h1>OA 工资表</h1>";
        receiver.fail_once("/literal", 500, secret_page);
        receiver.fail_once("/named", 500, secret_page);
        approve_the_pending_need(&server).await;
        for hook in posts_settle(&member, &server, "pending").await {
            assert_eq!(
                hook["last_delivery"]["last_error"], "http status 500",
                "{hook}"
            );
        }
        let browser = Client::page_login(&server, ENTERPRISE).await;
        let (_, html, _) = browser.page(&server, "/me/webhooks").await;
        assert!(html.contains("http status 500"), "{html}");
        assert!(!html.contains("工资表"), "{html}");
        let (_, listed) = member.get(&server, "/api/v1/me/webhooks").await;
        assert!(!listed.to_string().contains("工资表"), "{listed}");
        assert_eq!(receiver.to("/literal").len(), 1);
        assert_eq!(receiver.to("/named").len(), 1);
        drop(server);

        // Without the flag, the stored webhooks point where no webhook may go: the
        // worker refuses the address it would connect to, whatever the name said
        // when it was registered, and says so in generic words.
        let server = start_with(&data, Some(&db.url), &[trusting_the_test_ca()]);
        let member = Client::login(&server, ENTERPRISE, DEMO_PASSWORD).await;
        // A new need of the enterprise is approved: its organisation is told.
        let (status, created) = member
            .post(
                &server,
                "/api/v1/me/postings",
                need_body("重启后提交的需求"),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = created["id"].as_i64().unwrap_or_default();
        let (status, body) = member
            .post(
                &server,
                &format!("/api/v1/me/postings/{id}/actions"),
                json!({"action": "submit"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        approve_the_pending_need(&server).await;
        let refused = wait_for_error(&member, &server, "address not allowed").await;
        assert_eq!(refused, 2, "both webhooks refused at delivery");
        assert_eq!(receiver.to("/literal").len(), 1, "no second request");
        assert_eq!(receiver.to("/named").len(), 1, "no second request");
        drop(server);
        drop(dir);
        db
    })
    .await;
}

/// Waits until every webhook's newest post failed with `reason`; returns how many.
async fn wait_for_error(member: &Client, server: &Server, reason: &str) -> usize {
    for _ in 0..150 {
        let listed = webhooks_of(member, server).await;
        if listed
            .iter()
            .all(|h| h["last_delivery"]["last_error"] == reason)
        {
            return listed.len();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the posts never failed with {reason}: {:?}",
        webhooks_of(member, server).await
    );
}

#[tokio::test]
async fn one_organisation_s_hanging_webhook_does_not_delay_another_s() {
    let receiver = Receiver::start().await;
    receiver.hang_on("/slow");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let server = start_with(
        &dir.path().join("data"),
        None,
        &[trusting_the_test_ca(), allow_loopback()],
    );
    let enterprise = Client::login(&server, ENTERPRISE, DEMO_PASSWORD).await;
    let researcher = Client::login(&server, RESEARCHER, DEMO_PASSWORD).await;
    let (status, body) = register(
        &enterprise,
        &server,
        &receiver.url("127.0.0.1", "/slow"),
        &["workflow"],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = register(
        &researcher,
        &server,
        &receiver.url("127.0.0.1", "/fast"),
        &["workflow"],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // The enterprise's receiver takes the post and never answers.
    approve_the_pending_need(&server).await;
    receiver.wait_for("/slow", 1).await;

    // Meanwhile the enterprise answers the researcher's side of a 对接: the
    // researcher's organisation hears of it at once.
    super::accept_the_demo_request(&server, &enterprise).await;
    let asked = Instant::now();
    while receiver.to("/fast").is_empty() {
        assert!(
            asked.elapsed() < Duration::from_secs(4),
            "the researcher's post waited for the enterprise's hanging receiver"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The `.eml` file whose text contains `needle`, waiting for the worker to write it.
async fn mail_file_with(data: &Path, needle: &str) -> String {
    for _ in 0..100 {
        let found = std::fs::read_dir(data.join("mail"))
            .map(|entries| {
                entries.flatten().find(|e| {
                    e.file_name().to_string_lossy().ends_with(".eml")
                        && std::fs::read_to_string(e.path()).is_ok_and(|text| {
                            decoded_parts(&text).iter().any(|p| p.contains(needle))
                        })
                })
            })
            .ok()
            .flatten();
        if let Some(entry) = found {
            return entry.file_name().to_string_lossy().into_owned();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no mail file with {needle} under {}", data.display());
}

#[tokio::test]
async fn the_administrator_cannot_read_a_password_reset_link_in_the_outbox() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("data");
    // No mail server: mails are files the administrator's outbox page lists.
    let server = start_with(&data, None, &[]);
    let visitor = client();
    let (_, _, token) = visitor.page(&server, "/password/forgot").await;
    let response = visitor
        .http
        .post(server.url("/password/forgot"))
        .form(&[("csrf", token.as_str()), ("email", ENTERPRISE)])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::OK);
    let name = mail_file_with(&data, "password/reset").await;

    let admin = Client::page_login(&server, ADMIN).await;
    let (status, html, _) = admin.page(&server, "/bureau/outbox").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(&name), "the mail is listed: {html}");
    assert!(
        !html.contains(&format!("/bureau/outbox/mail/{name}")),
        "but not linked: {html}"
    );
    assert!(!html.contains("token="), "{html}");
    let response = admin
        .http
        .get(server.url(&format!("/bureau/outbox/mail/{name}")))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        !response.text().await.unwrap_or_default().contains("token="),
        "the link is not in the refusal"
    );
    // The administrator still sees that it was sent, and to whom.
    let api = Client::login(&server, ADMIN, DEMO_PASSWORD).await;
    for _ in 0..100 {
        let (_, outbox) = api.get(&server, "/api/v1/outbox").await;
        assert!(!outbox.to_string().contains("token="), "{outbox}");
        let sent = outbox["sent"].as_array().cloned().unwrap_or_default();
        if sent
            .iter()
            .any(|n| n["address"] == ENTERPRISE && n["kind"] == "account")
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the reset mail is never shown as sent");
}

#[tokio::test]
async fn an_expert_s_panel_seat_and_its_end_are_told_to_them_never_to_the_group_chat() {
    let receiver = Receiver::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let server = start_with(
        &dir.path().join("data"),
        None,
        &[trusting_the_test_ca(), allow_loopback()],
    );
    // The institute the demo researcher works at has a group chat for its workflow.
    let researcher = Client::login(&server, RESEARCHER, DEMO_PASSWORD).await;
    let (status, body) = register(
        &researcher,
        &server,
        &receiver.url("127.0.0.1", "/institute"),
        &["workflow"],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // One of its people is appointed expert, and put on the panel of a call.
    let admin = Client::page_login(&server, ADMIN).await;
    let expert_email = "panel@jingu.example.cn";
    let expert = appoint_expert(&server, &admin, expert_email, "津沽材料研究院").await;
    let expert_id = user_id(&server, &expert).await;
    // A confirmed member of the institute: a workflow notice for them in general
    // would reach the group chat.
    let (_, expert_me) = expert.get(&server, "/api/v1/me").await;
    let (_, researcher_me) = researcher.get(&server, "/api/v1/me").await;
    assert_eq!(expert_me["user"]["org_confirmed"], true, "{expert_me}");
    assert_eq!(
        expert_me["user"]["org_id"], researcher_me["user"]["org_id"],
        "{expert_me} {researcher_me}"
    );
    let publisher = Client::login(&server, ENTERPRISE, DEMO_PASSWORD).await;
    let deadline = chrono::Utc::now() + chrono::Duration::days(10);
    let (status, created) = publisher
        .post(
            &server,
            "/api/v1/challenges",
            challenge_body(deadline, false),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let call = format!("/api/v1/challenges/{}", id_of(&created));
    let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
    for (who, action) in [(&publisher, "submit"), (&moderator, "approve")] {
        let (status, body) = who
            .post(
                &server,
                &format!("{call}/actions"),
                json!({"action": action}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
    }
    let (status, body) = moderator
        .post(
            &server,
            &format!("{call}/experts"),
            json!({"user_id": expert_id}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // The expert is told, by mail.
    let api = Client::login(&server, ADMIN, DEMO_PASSWORD).await;
    let told = |step: &'static str| {
        let api = &api;
        let server = &server;
        async move {
            for _ in 0..100 {
                let (_, outbox) = api.get(server, "/api/v1/outbox").await;
                let sent = outbox["sent"].as_array().cloned().unwrap_or_default();
                if sent.iter().any(|n| {
                    n["address"] == expert_email
                        && n["kind"] == "workflow"
                        && n["subject"].as_str().unwrap_or("").contains(step)
                }) {
                    return true;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            false
        }
    };
    assert!(told("指派评审专家").await, "the expert hears of the seat");
    // Taken off the panel, they hear of that too: as personally.
    let (status, body) = moderator
        .send(
            &server,
            reqwest::Method::DELETE,
            &format!("{call}/experts/{expert_id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert!(
        told("撤出评审专家").await,
        "the expert hears they are off the panel"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        receiver.to("/institute").is_empty(),
        "the institute's group chat hears nothing of it: {:?}",
        receiver.to("/institute").len()
    );
}
