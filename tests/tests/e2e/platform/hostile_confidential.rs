//! A confidential need stays anonymous: the public JSON and the forms carry public ids
//! only, nothing sequential or shared by one upload that would place the confidential
//! need among its enterprise's public ones.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Client, client, need_body, on_each_platform, published_need, searchable};

/// Every object key anywhere in a JSON document.
fn keys_of(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                found.push(key.clone());
                keys_of(inner, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| keys_of(item, found)),
        _ => {}
    }
}

fn assert_no_internal_ids(what: &str, value: &Value) {
    let mut keys = Vec::new();
    keys_of(value, &mut keys);
    for leaked in ["id", "updated_at"] {
        assert!(
            !keys.iter().any(|k| k == leaked),
            "{what} carries {leaked}: {value}"
        );
    }
}

#[tokio::test]
async fn public_json_and_forms_carry_no_internal_ids() {
    on_each_platform(|server| async move {
        let enterprise = Client::register(
            &server,
            "quiet@enterprise.example.cn",
            "enterprise",
            "静默材料有限公司",
        )
        .await;
        let (_, public) =
            published_need(&server, &enterprise, need_body("公开的纳米碳酸钙改性需求")).await;
        let mut secret = need_body("保密的纳米碳酸钙改性需求");
        secret["confidential"] = json!("on");
        let (_, confidential) = published_need(&server, &enterprise, secret).await;

        let anonymous = client();
        assert!(searchable(&anonymous, &server, "保密的纳米碳酸钙改性需求").await);
        let (_, found) = anonymous
            .get(&server, "/api/v1/search?kind=needs&q=纳米碳酸钙改性需求")
            .await;
        assert!(
            found["hits"].as_array().is_some_and(|h| h.len() >= 2),
            "{found}"
        );
        assert_no_internal_ids("search", &found);
        for need in [&public, &confidential] {
            let (status, matches) = anonymous
                .get(&server, &format!("/api/v1/needs/{need}/matches"))
                .await;
            assert_eq!(status, StatusCode::OK, "{matches}");
            assert_no_internal_ids("matches", &matches);
        }

        // The researcher's own achievement page lists the needs it could solve, each
        // with a contact form: the form names the need by its public id.
        let researcher = Client::page_login(&server, "researcher@demo.techmatch").await;
        let (_, own) = researcher.get(&server, "/api/v1/me/postings").await;
        let ids: Vec<i64> = own["postings"]
            .as_array()
            .map(|p| {
                p.iter()
                    .filter(|p| p["status"] == "published")
                    .filter_map(|p| p["id"].as_i64())
                    .collect()
            })
            .unwrap_or_default();
        let mut forms_seen = 0;
        for id in ids {
            let (_, html, _) = researcher
                .page(&server, &format!("/me/postings/{id}"))
                .await;
            assert!(
                !html.contains("name=\"need_id\""),
                "an internal id in a form"
            );
            forms_seen += html.matches("name=\"need\" value=\"").count();
        }
        assert!(forms_seen > 0, "no contact form to look at");
    })
    .await;
}

/// A county list as bureaus keep them: numbered in sequence, one enterprise's
/// confidential need between its public ones.
const SEQUENTIAL_IDS: [&str; 5] = [
    "XQ-2026-001",
    "XQ-2026-002",
    "XQ-2026-003",
    "XQ-2026-004",
    "XQ-2026-005",
];
const SEQUENTIAL_TITLES: [&str; 5] = [
    "序列清单甲号钛白粉废酸回收",
    "序列清单乙号钛白粉煅烧节能",
    "序列清单丙号钛白粉氯化工艺",
    "序列清单丁号钛白粉包膜改性",
    "序列清单戊号钛白粉粒径控制",
];

/// The bureau imports the sequential list with the command line.
fn bureau_imports_sequential_list(data: &std::path::Path, database_url: &str) {
    let lists = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = lists.path().join("needs.csv");
    let mut list = String::from("需求编号,需求名称,需求描述,所属领域,企业名称,是否保密\n");
    for (n, (id, title)) in SEQUENTIAL_IDS.iter().zip(SEQUENTIAL_TITLES).enumerate() {
        let confidential = if n == 2 { "是" } else { "否" };
        list.push_str(&format!(
            "{id},{title},钛白粉生产中的工艺难题，寻求高校合作。,新材料,晋阳钛业有限公司,{confidential}\n"
        ));
    }
    std::fs::write(&file, list).unwrap_or_else(|e| panic!("{e}"));
    let output = crate::techmatch(data)
        .args(["--database-url", database_url, "import", "needs"])
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("import: {e}"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn assert_no_list_ids(what: &str, text: &str) {
    for id in SEQUENTIAL_IDS {
        assert!(!text.contains(id), "{what} shows the list's id {id}");
    }
}

/// The list's postings among `hits`, in the order shown, as (public id, title).
fn batch_in(hits: &Value) -> Vec<(String, String)> {
    hits.as_array()
        .map(|hits| {
            hits.iter()
                .filter(|h| SEQUENTIAL_TITLES.iter().any(|t| h["title"] == *t))
                .map(|h| {
                    let id = h["external_id"].as_str().unwrap_or_default().to_owned();
                    (id, h["title"].as_str().unwrap_or_default().to_owned())
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_sequential_bureau_list_leaves_no_trace_of_its_ids_or_order_in_public() {
    techmatch_core::testing::on_each_backend(|db| async move {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let data = dir.path().join("data");
        let server = crate::start_on(&data, Some(&db.url));
        bureau_imports_sequential_list(&data, &db.url);

        let anonymous = client();
        for title in SEQUENTIAL_TITLES {
            assert!(searchable(&anonymous, &server, title).await, "{title}");
        }
        let (_, found) = anonymous
            .get(&server, "/api/v1/search?kind=needs&q=钛白粉&per_page=100")
            .await;
        assert_no_list_ids("search", &found.to_string());
        let found = batch_in(&found["hits"]);
        assert_eq!(found.len(), 5, "{found:?}");
        for (id, _) in &found {
            let random = id.len() == 15
                && id.starts_with("WN-")
                && id[3..].chars().all(|c| c.is_ascii_hexdigit());
            assert!(random, "{id} is not a random public id");
        }

        // Words only the list's shared description holds score the rows alike: the
        // tie is broken by the public id, not by the order the list was indexed in.
        let (_, tied) = anonymous
            .get(&server, "/api/v1/search?kind=needs&q=高校合作&per_page=100")
            .await;
        let hits: Vec<&Value> = tied["hits"]
            .as_array()
            .map(|hits| hits.iter().collect())
            .unwrap_or_default();
        assert_eq!(hits.len(), 5, "{tied}");
        assert!(
            hits.iter().all(|h| h["score"] == hits[0]["score"]),
            "the rows should score alike: {tied}"
        );
        let shown: Vec<&str> = hits
            .iter()
            .map(|h| h["external_id"].as_str().unwrap_or_default())
            .collect();
        let mut by_public_id = shown.clone();
        by_public_id.sort_by(|a, b| b.cmp(a));
        assert_eq!(shown, by_public_id, "tied hits in the list's order");

        // Newest first, the list's rows share their time: the random public id orders
        // them, not the list.
        let (_, newest) = anonymous
            .get(&server, "/api/v1/search?kind=needs&per_page=100")
            .await;
        assert_no_list_ids("the newest needs", &newest.to_string());
        let shown: Vec<String> = batch_in(&newest["hits"])
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let mut by_public_id = shown.clone();
        by_public_id.sort_by(|a, b| b.cmp(a));
        assert_eq!(shown.len(), 5, "{newest}");
        assert_eq!(shown, by_public_id, "newest needs in the list's order");

        let (status, home, _) = anonymous.page(&server, "/?kind=needs&per_page=100").await;
        assert_eq!(status, StatusCode::OK);
        assert_no_list_ids("the public list page", &home);
        let positions: Vec<usize> = shown
            .iter()
            .filter_map(|id| home.find(id.as_str()))
            .collect();
        assert_eq!(positions.len(), 5, "the list page shows the public ids");
        assert!(
            positions.is_sorted(),
            "the list page in another order than the API"
        );

        for (id, title) in &found {
            let (status, page, _) = anonymous.page(&server, &format!("/needs/{id}")).await;
            assert_eq!(status, StatusCode::OK, "{title}");
            assert_no_list_ids("a posting's page", &page);
            let (status, matches) = anonymous
                .get(&server, &format!("/api/v1/needs/{id}/matches"))
                .await;
            assert_eq!(status, StatusCode::OK, "{matches}");
            assert_no_list_ids("a posting's matches", &matches.to_string());
        }
        for id in SEQUENTIAL_IDS {
            let (status, _, _) = anonymous.page(&server, &format!("/needs/{id}")).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{id} is a public address");
        }

        // The bureau's own command line keeps the list's ids.
        let export = crate::techmatch(&data)
            .args([
                "--database-url",
                &db.url,
                "export",
                "needs",
                "--format",
                "jsonl",
            ])
            .output()
            .unwrap_or_else(|e| panic!("export: {e}"));
        let export = String::from_utf8_lossy(&export.stdout).into_owned();
        for id in SEQUENTIAL_IDS {
            assert!(export.contains(id), "the bureau's export lacks {id}");
        }
        let matched = crate::techmatch(&data)
            .args([
                "--database-url",
                &db.url,
                "match",
                "need",
                "XQ-2026-003",
                "--json",
            ])
            .output()
            .unwrap_or_else(|e| panic!("match: {e}"));
        assert!(
            matched.status.success(),
            "{}",
            String::from_utf8_lossy(&matched.stderr)
        );
        let matched: Value = serde_json::from_slice(&matched.stdout).unwrap_or_default();
        assert_eq!(matched["posting"], "XQ-2026-003", "{matched}");
        drop(server);
        drop(dir);
        db
    })
    .await;
}

/// Waits until the next midnight in Beijing (16:00 UTC) is at least `needed` away, so
/// that what follows within `needed` happens on one day there, whenever the test runs.
async fn clear_of_midnight_in_beijing(needed: std::time::Duration) {
    let now = chrono::Utc::now();
    let since_midnight = (now + chrono::Duration::hours(8)).time() - chrono::NaiveTime::MIN;
    let left = chrono::Duration::days(1) - since_midnight;
    let needed_then = chrono::Duration::from_std(needed).unwrap_or(chrono::Duration::MAX);
    if left < needed_then {
        let wait = (left + chrono::Duration::seconds(1))
            .to_std()
            .unwrap_or_default();
        tokio::time::sleep(wait).await;
    }
}

/// One moderation sitting approves an enterprise's uploads one after the other, seconds
/// apart: a confidential need approved between its public ones must not show there in
/// the public newest-first list. Postings of one day list by public id, whatever the
/// order they were approved in.
#[tokio::test]
async fn one_moderation_sitting_leaves_no_order_of_its_approvals_in_public() {
    on_each_platform(|server| async move {
        let enterprise = Client::register(
            &server,
            "sitting@enterprise.example.cn",
            "enterprise",
            "晋阳审核批次材料有限公司",
        )
        .await;
        let titles = [
            "审核批次甲号耐磨涂层",
            "审核批次乙号耐磨涂层",
            "审核批次丙号耐磨涂层",
        ];
        let mut made = Vec::new();
        for (n, title) in titles.iter().enumerate() {
            let mut body = need_body(title);
            if n == 1 {
                body["confidential"] = json!("on");
            }
            let (status, created) = enterprise.post(&server, "/api/v1/me/postings", body).await;
            assert_eq!(status, StatusCode::CREATED, "{created}");
            let id = created["id"].as_i64().unwrap_or_default();
            let (status, submitted) = enterprise
                .post(
                    &server,
                    &format!("/api/v1/me/postings/{id}/actions"),
                    json!({"action": "submit"}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{submitted}");
            let (_, mine) = enterprise
                .get(&server, &format!("/api/v1/me/postings/{id}"))
                .await;
            let public = mine["external_id"].as_str().unwrap_or_default().to_owned();
            made.push((id, public));
        }
        // Approved from the highest public id down, each in a second of its own: ordered
        // by approval time the list would show the lowest public id first.
        made.sort_by(|a, b| b.1.cmp(&a.1));
        let bureau = Client::login(&server, super::MODERATOR, super::DEMO_PASSWORD).await;
        // The sitting must fall on one day in Beijing, or the day would order it.
        clear_of_midnight_in_beijing(std::time::Duration::from_secs(30)).await;
        for (id, _) in &made {
            let (status, body) = bureau
                .post(
                    &server,
                    &format!("/api/v1/moderation/needs/{id}"),
                    json!({"action": "approve"}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        }
        let anonymous = client();
        for title in titles {
            assert!(searchable(&anonymous, &server, title).await, "{title}");
        }
        for path in [
            "/api/v1/search?kind=needs&per_page=100",
            "/api/v1/search?kind=needs&q=审核批次&sort=newest&per_page=100",
        ] {
            let (_, listed) = anonymous.get(&server, path).await;
            let shown: Vec<String> = listed["hits"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .filter(|h| titles.iter().any(|t| h["title"] == *t))
                .map(|h| h["external_id"].as_str().unwrap_or_default().to_owned())
                .collect();
            let by_public_id: Vec<String> = made.iter().map(|(_, p)| p.clone()).collect();
            assert_eq!(shown, by_public_id, "{path}: the sitting's order shows");
        }
    })
    .await;
}

/// `/healthz` tells the public whether the index is current, never the change log's
/// head: read before and after someone's action, it would count the postings the
/// action wrote (an upload's confidential rows among them). The bureau sees both.
#[tokio::test]
async fn health_counts_no_writes_for_the_public() {
    on_each_platform(|server| async move {
        let (status, health) = client().get(&server, "/healthz").await;
        assert_eq!(status, StatusCode::OK, "{health}");
        assert!(health["index"]["current"].is_boolean(), "{health}");
        let mut keys = Vec::new();
        keys_of(&health, &mut keys);
        for counter in ["position", "change_log_head"] {
            assert!(!keys.iter().any(|k| k == counter), "{counter}: {health}");
        }
        let member =
            Client::login(&server, "enterprise@demo.techmatch", super::DEMO_PASSWORD).await;
        let (_, health) = member.get(&server, "/healthz").await;
        assert!(health["index"]["change_log_head"].is_null(), "{health}");

        let bureau = Client::login(&server, super::MODERATOR, super::DEMO_PASSWORD).await;
        let (status, health) = bureau.get(&server, "/healthz").await;
        assert_eq!(status, StatusCode::OK, "{health}");
        assert!(
            health["index"]["change_log_head"].as_i64().is_some(),
            "{health}"
        );
        assert!(health["index"]["position"].as_i64().is_some(), "{health}");
    })
    .await;
}
