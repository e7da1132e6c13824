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
