//! Several nodes on one PostgreSQL database: sessions on every node, a posting from one
//! node searchable on the other within seconds, and a node killed mid-write that catches
//! up on restart so that both indexes agree with the database.

use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Client, DEMO_PASSWORD, MODERATOR, attachments, need_body};
use crate::{Server, start_with};

const ENTERPRISE: &str = "enterprise@demo.techmatch";

fn start_node(data: &Path, database_url: &str) -> Server {
    start_with(data, Some(database_url), &[])
}

/// The node's `/healthz`: its index position and the database's change-log head.
async fn health(client: &Client, node: &Server) -> Value {
    let (status, body) = client.get(node, "/healthz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Waits until the node's index has applied everything the database holds.
async fn wait_until_current(client: &Client, node: &Server) {
    let started = Instant::now();
    loop {
        let body = health(client, node).await;
        if body["index"]["current"] == true {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the node never caught up: {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// `techmatch status --verify` on a node's data directory: the index compared with the
/// database posting by posting.
fn verification(data: &Path, database_url: &str) -> Value {
    let output = crate::techmatch(data)
        .args(["--database-url", database_url, "status", "--verify"])
        .output()
        .unwrap_or_else(|e| panic!("status: {e}"));
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "status is not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// Polls one node's search until it finds the title; returns how long that took.
async fn time_until_searchable(client: &Client, node: &Server, title: &str) -> Duration {
    let started = Instant::now();
    loop {
        let (_, found) = client
            .get(node, &format!("/api/v1/search?kind=needs&q={title}"))
            .await;
        let hits = found["hits"].as_array().cloned().unwrap_or_default();
        if hits.iter().any(|h| h["title"] == title) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{title} never became searchable"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A need list of `rows` rows as JSONL, titles numbered from `first`.
fn need_list(prefix: &str, rows: usize) -> Vec<u8> {
    let mut list = String::new();
    for i in 0..rows {
        list.push_str(
            &json!({
                "id": format!("{prefix}-{i}"),
                "title": format!("{prefix}煤矸石制备陶粒第{i}项"),
                "description": "利用煤矸石和粉煤灰烧制轻质陶粒，需要降低烧成温度与能耗的配方和工艺。",
                "keywords": ["煤矸石", "陶粒"],
                "industry": "新材料",
            })
            .to_string(),
        );
        list.push('\n');
    }
    list.into_bytes()
}

/// Needs of the killed upload that reached the database.
async fn uploaded_rows(db: &sea_orm::DatabaseConnection) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM needs WHERE title LIKE 'KILL%'",
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no count"));
    row.try_get::<i64>("", "n")
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn two_nodes_share_sessions_postings_and_survive_a_kill_mid_write() {
    let Some(db) = techmatch_core::testing::postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (data_a, data_b) = (dir.path().join("node-a"), dir.path().join("node-b"));
    let node_a = start_node(&data_a, &db.url);
    let mut node_b = start_node(&data_b, &db.url);

    // A session made on one node is a session on the other: the database holds it.
    let enterprise = Client::login(&node_a, ENTERPRISE, DEMO_PASSWORD).await;
    let (status, me) = enterprise.get(&node_b, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["user"]["email"], ENTERPRISE);
    let moderator = Client::login(&node_b, MODERATOR, DEMO_PASSWORD).await;

    // A file uploaded through A downloads through B: files live in the database.
    let (status, call) = enterprise
        .post(&node_a, "/api/v1/challenges", attachments::challenge_body())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    let files = format!(
        "/api/v1/challenges/{}/attachments",
        attachments::id_of(&call)
    );
    let (status, stored) = attachments::upload(
        &enterprise,
        &node_a,
        &files,
        "说明.pdf",
        attachments::MINIMAL_PDF.to_vec(),
        "application/pdf",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");
    let downloaded = enterprise
        .http
        .get(node_b.url(&format!(
            "/api/v1/attachments/{}",
            attachments::id_of(&stored)
        )))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(downloaded.status(), StatusCode::OK);
    let bytes = downloaded.bytes().await.unwrap_or_default();
    assert_eq!(bytes.as_ref(), attachments::MINIMAL_PDF);

    // Created and submitted on A, approved on B, searchable and matchable on both.
    let title = "集群节点纳米碳酸钙表面改性";
    let (status, created) = enterprise
        .post(&node_a, "/api/v1/me/postings", need_body(title))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap_or_default();
    let (status, submitted) = enterprise
        .post(
            &node_a,
            &format!("/api/v1/me/postings/{id}/actions"),
            json!({ "action": "submit" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    let (status, approved) = moderator
        .post(
            &node_b,
            &format!("/api/v1/moderation/needs/{id}"),
            json!({ "action": "approve" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    let anonymous = super::client();
    let (on_a, on_b) = tokio::join!(
        time_until_searchable(&anonymous, &node_a, title),
        time_until_searchable(&anonymous, &node_b, title),
    );
    // The followers poll the change log every 500 ms.
    assert!(
        on_a < Duration::from_secs(2) && on_b < Duration::from_secs(2),
        "searchable after {on_a:?} on A, {on_b:?} on B"
    );
    let (_, mine) = enterprise
        .get(&node_b, &format!("/api/v1/me/postings/{id}"))
        .await;
    let external = mine["external_id"].as_str().unwrap_or_default().to_owned();
    let (status, matches) = anonymous
        .get(&node_b, &format!("/api/v1/needs/{external}/matches"))
        .await;
    assert_eq!(status, StatusCode::OK, "{matches}");
    assert!(
        !matches["matches"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .is_empty(),
        "the new need has matches on the other node: {matches}"
    );

    // Writes through both nodes at once; B is killed in the middle of a large upload.
    let head_before = health(&moderator, &node_a).await["index"]["change_log_head"]
        .as_i64()
        .unwrap_or_default();
    let upload = {
        let enterprise = enterprise.clone();
        let url = node_b.url("/api/v1/me/postings/import");
        let list = need_list("KILL", 20_000);
        tokio::spawn(async move {
            let part = reqwest::multipart::Part::bytes(list)
                .file_name("needs.jsonl")
                .mime_str("application/x-ndjson")
                .unwrap_or_else(|e| panic!("{e}"));
            // The connection is cut by the kill: an error is the expected outcome.
            let _ = enterprise
                .http
                .post(url)
                .header("X-CSRF-Token", &enterprise.csrf)
                .multipart(reqwest::multipart::Form::new().part("file", part))
                .send()
                .await;
        })
    };
    let mut written_on_a = Vec::new();
    let started = Instant::now();
    loop {
        let title = format!("节点A并发写入第{}项", written_on_a.len());
        let (status, created) = enterprise
            .post(&node_a, "/api/v1/me/postings", need_body(&title))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        written_on_a.push(created["id"].as_i64().unwrap_or_default());
        let head = health(&moderator, &node_a).await["index"]["change_log_head"]
            .as_i64()
            .unwrap_or_default();
        // Two batches of the upload committed: B is writing.
        if head - head_before > 1000 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the upload on B never committed a batch"
        );
    }
    node_b.kill();
    let _ = upload.await;
    // A goes on writing and moderating while B is down.
    for id in &written_on_a {
        let (status, body) = enterprise
            .post(
                &node_a,
                &format!("/api/v1/me/postings/{id}/actions"),
                json!({ "action": "submit" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = moderator
            .post(
                &node_a,
                &format!("/api/v1/moderation/needs/{id}"),
                json!({ "action": "approve" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    // B restarts on its old index and catches up; a session made before the kill works.
    node_b = start_node(&data_b, &db.url);
    let (status, _) = enterprise.get(&node_b, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    wait_until_current(&anonymous, &node_a).await;
    wait_until_current(&anonymous, &node_b).await;
    let status_a = verification(&data_a, &db.url);
    let status_b = verification(&data_b, &db.url);
    for (node, status) in [("A", &status_a), ("B", &status_b)] {
        assert_eq!(
            status["verification"]["agrees"], true,
            "node {node}: {status}"
        );
    }
    // The upload was cut short: only whole batches of 500 rows were committed.
    let imported = status_a["postings"]["need"]["database_total"]
        .as_u64()
        .unwrap_or_default();
    let before_upload = status_b["postings"]["need"]["database_total"]
        .as_u64()
        .unwrap_or_default();
    assert_eq!(imported, before_upload, "both nodes see one database");
    let uploaded = uploaded_rows(&db.conn).await;
    assert!(
        uploaded % 500 == 0 && (500..20_000).contains(&uploaded),
        "the killed upload left {uploaded} rows"
    );
    drop((node_a, node_b));
    db.cleanup().await;
}
