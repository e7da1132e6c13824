//! The bureau administrator's view of notifications: counts, dead letters, the recent
//! sent notices and, without a mail server, the `.eml` files the worker wrote. Dead
//! letters themselves are covered by the core tests; here the refusals of the retry
//! endpoints are.

use std::path::Path;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use serde_json::{Value, json};

use super::{Client, DEMO_PASSWORD, MODERATOR, client};
use crate::{Server, start_with};

const ADMIN: &str = "admin@demo.techmatch";

/// Approves the demo's need waiting in the queue (copied from `notifications.rs`).
async fn approve_the_pending_need(server: &Server) {
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
}

/// The name of the first `.eml` file the worker writes, waiting for it.
async fn first_mail_file(data: &Path) -> String {
    for _ in 0..100 {
        let names: Vec<String> = std::fs::read_dir(data.join("mail"))
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        if let Some(name) = names.into_iter().find(|n| n.ends_with(".eml")) {
            return name;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("an .eml file under {}", data.display());
}

/// The outbox as the administrator's API reports it, once the notice to the enterprise
/// is marked sent (the worker writes the file first, then marks it).
async fn outbox_with_the_notice_sent(server: &Server, admin: &Client) -> Value {
    for _ in 0..100 {
        let (status, outbox) = admin.get(server, "/api/v1/outbox").await;
        assert_eq!(status, StatusCode::OK, "{outbox}");
        let sent = outbox["sent"].as_array().cloned().unwrap_or_default();
        if sent
            .iter()
            .any(|n| n["address"] == "enterprise@demo.techmatch")
        {
            return outbox;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the notice to the enterprise is never marked sent");
}

async fn fetch(browser: &Client, server: &Server, path: &str) -> reqwest::Response {
    browser
        .http
        .get(server.url(path))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[tokio::test]
async fn the_administrator_sees_the_outbox_and_the_mail_files() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("data");
    let server = start_with(&data, None, &[]);
    approve_the_pending_need(&server).await;
    let name = first_mail_file(&data).await;

    // The JSON view: counts, dead letters and the sent notice.
    let admin_api = Client::login(&server, ADMIN, DEMO_PASSWORD).await;
    let outbox = outbox_with_the_notice_sent(&server, &admin_api).await;
    assert!(outbox["counts"]["sent"].as_u64() >= Some(1), "{outbox}");
    assert_eq!(outbox["counts"]["dead"], 0, "{outbox}");
    assert_eq!(outbox["dead"], json!([]), "{outbox}");
    let sent_id = outbox["sent"][0]["id"].as_i64().unwrap_or_default();

    // The page lists the file, which is served as a download.
    let admin = Client::page_login(&server, ADMIN).await;
    let (status, html, _) = admin.page(&server, "/bureau/outbox").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("通知投递"), "{html}");
    assert!(html.contains("enterprise@demo.techmatch"), "{html}");
    assert!(
        html.contains(&format!("href=\"/bureau/outbox/mail/{name}\"")),
        "{html}"
    );
    let response = fetch(&admin, &server, &format!("/bureau/outbox/mail/{name}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header(CONTENT_TYPE), "message/rfc822");
    assert!(header(CONTENT_DISPOSITION).starts_with("attachment"));
    let mail = response.text().await.unwrap_or_default();
    assert!(mail.contains("enterprise@demo.techmatch"), "{mail}");

    // Nothing but the worker's own file names is served.
    for path in [
        "/bureau/outbox/mail/..%2Ftechmatch.db",
        "/bureau/outbox/mail/x.eml",
        "/bureau/outbox/mail/99999999.eml",
    ] {
        let response = fetch(&admin, &server, path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }

    // Only dead letters are sent again: a sent notice is not one.
    let (status, body) = admin_api
        .post(
            &server,
            &format!("/api/v1/outbox/{sent_id}/retry"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (_, _, token) = admin.page(&server, "/bureau/outbox").await;
    let status = admin
        .form(
            &server,
            &format!("/bureau/outbox/{sent_id}/retry"),
            &[("csrf", &token)],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Moderators are bureau staff, but the outbox is the administrator's.
    let moderator = Client::page_login(&server, MODERATOR).await;
    let (status, _, _) = moderator.page(&server, "/bureau/outbox").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, _, token) = moderator.page(&server, "/bureau/queue").await;
    let response = fetch(&moderator, &server, &format!("/bureau/outbox/mail/{name}")).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let status = moderator
        .form(
            &server,
            &format!("/bureau/outbox/{sent_id}/retry"),
            &[("csrf", &token)],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let moderator_api = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
    let (status, body) = moderator_api.get(&server, "/api/v1/outbox").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = moderator_api
        .post(
            &server,
            &format!("/api/v1/outbox/{sent_id}/retry"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    // Without a login: the login page.
    let (status, _, _) = client().page(&server, "/bureau/outbox").await;
    assert!(status.is_redirection(), "{status}");
}
