//! The server killed (SIGKILL) in the middle of a burst of moderation decisions: after the
//! restart every posting is either still waiting or published with its audit entry, its
//! notice (exactly one) and its place in the index; finishing the queue then tells each
//! owner once.

use std::path::Path;
use std::time::Duration;

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::json;

use super::{Client, DEMO_PASSWORD, MODERATOR};
use crate::start_with;

const ROWS: usize = 240;

/// Status of each uploaded need, with how many approval notices and audit entries it has,
/// read in one statement: one snapshot while the server writes.
async fn ledger(database: &Path) -> Vec<(String, i64, i64, i64)> {
    let conn = crate::read_only_sqlite(database).await;
    let sql = "SELECT n.status, n.id, \
        (SELECT COUNT(*) FROM outbox o \
            WHERE o.dedup_key LIKE '%moderation:need:' || n.external_id || ':approve:%'), \
        (SELECT COUNT(*) FROM audit_log a WHERE a.action = 'need.approve' AND a.entity_id = n.id) \
        FROM needs n WHERE n.title LIKE 'CRASH%' ORDER BY n.id";
    let found = conn
        .query_all_raw(Statement::from_string(DbBackend::Sqlite, sql.to_owned()))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|row| {
            (
                row.try_get_by_index::<String>(0).unwrap_or_default(),
                row.try_get_by_index::<i64>(1).unwrap_or_default(),
                row.try_get_by_index::<i64>(2).unwrap_or_default(),
                row.try_get_by_index::<i64>(3).unwrap_or_default(),
            )
        })
        .collect();
    conn.close().await.unwrap_or_else(|e| panic!("{e}"));
    found
}

/// Checks each need is whole; returns how many are published. Every published need has
/// one audit entry and one notice per member of the enterprise (the same for all).
fn check(ledger: &[(String, i64, i64, i64)]) -> usize {
    let mut published = 0;
    let members = ledger
        .iter()
        .find(|l| l.0 == "published")
        .map_or(1, |l| l.2);
    assert!(members >= 1, "{ledger:?}");
    for (status, id, told, audited) in ledger {
        match status.as_str() {
            "published" => {
                published += 1;
                assert_eq!((*told, *audited), (members, 1), "need {id}: {ledger:?}");
            }
            "pending_review" => assert_eq!((*told, *audited), (0, 0), "need {id}"),
            other => panic!("need {id} is {other}"),
        }
    }
    published
}

/// Approves every waiting CRASH need, eight decisions in flight at a time, page by page
/// of the review queue.
async fn approve_all(moderator: &Client, server: &crate::Server) -> usize {
    let mut approved = 0;
    loop {
        let (status, queue) = moderator
            .get(server, "/api/v1/moderation/queue?limit=200")
            .await;
        assert_eq!(status, StatusCode::OK, "{queue}");
        let ids: Vec<i64> = queue["postings"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter(|p| p["title"].as_str().is_some_and(|t| t.starts_with("CRASH")))
            .filter_map(|p| p["id"].as_i64())
            .collect();
        if ids.is_empty() {
            return approved;
        }
        for chunk in ids.chunks(8) {
            let paths: Vec<String> = chunk
                .iter()
                .map(|id| format!("/api/v1/moderation/needs/{id}"))
                .collect();
            // Sent together: the decisions are in flight at the same time.
            let results = futures_util::future::join_all(
                paths
                    .iter()
                    .map(|path| moderator.post(server, path, json!({ "action": "approve" }))),
            )
            .await;
            approved += results.iter().filter(|(s, _)| s.is_success()).count();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_moderation_leaves_each_decision_whole_and_told_once() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("data");
    let database = data.join("techmatch.db");
    let server = start_with(&data, None, &[]);
    let enterprise = Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
    let list: String = (0..ROWS)
        .map(|i| {
            format!(
                "{}\n",
                json!({
                    "id": format!("CRASH-{i}"),
                    "title": format!("CRASH煤矸石制备陶粒第{i}项"),
                    "description": "利用煤矸石烧制轻质陶粒。",
                    "industry": "新材料",
                })
            )
        })
        .collect();
    let part = reqwest::multipart::Part::bytes(list.into_bytes())
        .file_name("needs.jsonl")
        .mime_str("application/x-ndjson")
        .unwrap_or_else(|e| panic!("{e}"));
    let response = enterprise
        .http
        .post(server.url("/api/v1/me/postings/import"))
        .header("X-CSRF-Token", &enterprise.csrf)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(response.status().is_success(), "{}", response.status());

    // Moderators approve in a burst; the server dies part-way.
    let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
    let watch = async {
        loop {
            tokio::time::sleep(Duration::from_millis(20)).await;
            if check(&ledger(&database).await) >= 40 {
                break;
            }
        }
    };
    tokio::select! {
        _ = approve_all(&moderator, &server) => panic!("the burst ended before the kill"),
        () = watch => {}
    }
    server.kill();
    let after_kill = ledger(&database).await;
    let published = check(&after_kill);
    assert!(
        (40..ROWS).contains(&published),
        "the kill came mid-burst: {published} published"
    );

    // The restarted server finishes the queue; every owner was told exactly once.
    let server = start_with(&data, None, &[]);
    let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
    approve_all(&moderator, &server).await;
    assert_eq!(check(&ledger(&database).await), ROWS);
    drop(server);
    let status = crate::run(&data, &["status", "--verify"]);
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stdout)
    );
}
