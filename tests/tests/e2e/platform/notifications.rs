//! Notices through the outbox: written with the change that causes them, delivered by
//! the server's worker over real SMTP, or as `.eml` files without a mail server.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Client, DEMO_PASSWORD, MODERATOR};
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

/// The decoded text of every part of a MIME message (base64 or quoted-printable).
fn decoded_parts(raw: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let raw = raw.replace("\r\n", "\n");
    for section in raw.split("\n--") {
        let Some((headers, body)) = section.split_once("\n\n") else {
            continue;
        };
        let headers = headers.to_lowercase();
        if headers.contains("content-transfer-encoding: base64") {
            let compact: String = body
                .lines()
                .take_while(|l| !l.starts_with("--"))
                .flat_map(|l| l.split_whitespace())
                .collect();
            if let Ok(bytes) =
                base64::Engine::decode(&base64::engine::general_purpose::STANDARD, compact)
            {
                parts.push(String::from_utf8_lossy(&bytes).into_owned());
            }
        } else if headers.contains("content-type: text/") {
            parts.push(body.to_owned());
        }
    }
    parts
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
