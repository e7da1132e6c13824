//! Technology brokers act for the organisations the bureau assigns them, and only
//! for those; the administrator's settings take effect at once.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Client, DEMO_PASSWORD, MODERATOR, need_body, on_each_platform};
use crate::Server;

const BROKER: &str = "broker@demo.techmatch";
const ENTERPRISE: &str = "晋阳县华钙纳米材料有限公司";

async fn org_id(server: &Server, moderator: &Client, name: &str) -> i64 {
    let (_, orgs) = moderator.get(server, "/api/v1/organisations").await;
    orgs["organisations"]
        .as_array()
        .and_then(|all| all.iter().find(|o| o["name"] == name))
        .and_then(|o| o["id"].as_i64())
        .unwrap_or_else(|| panic!("organisation {name} in {orgs}"))
}

async fn put(client: &Client, server: &Server, path: &str, body: Value) -> (StatusCode, Value) {
    client
        .send(server, reqwest::Method::PUT, path, Some(body))
        .await
}

#[tokio::test]
async fn a_broker_acts_only_for_the_organisations_assigned_to_them() {
    on_each_platform(|server| async move {
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let enterprise_org = org_id(&server, &moderator, ENTERPRISE).await;
        let broker = Client::login(&server, BROKER, DEMO_PASSWORD).await;
        let (_, me) = broker.get(&server, "/api/v1/me").await;
        let broker_id = me["user"]["id"].as_i64().unwrap_or_else(|| panic!("{me}"));

        // The demo broker serves the demo enterprise, but acts for nobody yet.
        let (status, own) = broker.get(&server, "/api/v1/me/assignments").await;
        assert_eq!(status, StatusCode::OK, "{own}");
        assert_eq!(own["assignments"][0]["org_id"], enterprise_org, "{own}");
        assert_eq!(own["assignments"][0]["posts"], "need");
        let (status, _) = broker
            .post(&server, "/api/v1/me/postings", need_body("经纪人代发需求"))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Acting for it, the broker posts a need that belongs to the enterprise.
        let (status, body) = put(
            &broker,
            &server,
            "/api/v1/me/acting",
            json!({"org_id": enterprise_org}),
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let (status, created) = broker
            .post(&server, "/api/v1/me/postings", need_body("经纪人代发需求"))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let enterprise = Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
        let (_, theirs) = enterprise.get(&server, "/api/v1/me/postings").await;
        assert!(
            theirs["postings"]
                .as_array()
                .is_some_and(|p| p.iter().any(|p| p["title"] == "经纪人代发需求")),
            "the enterprise sees the need posted in its name: {theirs}"
        );
        let (_, page, _) = broker.page(&server, "/me").await;
        assert!(page.contains("经纪人代发需求") && page.contains(ENTERPRISE));

        // Not for an organisation that is not assigned to them.
        let institute = org_id(&server, &moderator, "津沽材料研究院").await;
        let (status, body) = put(
            &broker,
            &server,
            "/api/v1/me/acting",
            json!({"org_id": institute}),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

        // A personal token names the organisation in a header on each request.
        let (_, minted) = broker
            .post(&server, "/api/v1/me/tokens", json!({"name": "批量同步"}))
            .await;
        let token = minted["token"].as_str().unwrap_or_default().to_owned();
        let by_token = |org: i64| {
            broker
                .http
                .get(server.url("/api/v1/me/postings"))
                .bearer_auth(&token)
                .header("X-Acting-Org", org.to_string())
                .send()
        };
        let status = by_token(enterprise_org)
            .await
            .map(|r| r.status())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(status, StatusCode::OK);
        let status = by_token(institute)
            .await
            .map(|r| r.status())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The bureau takes the enterprise away: the broker's session stops acting at once.
        let response = moderator
            .http
            .delete(server.url(&format!(
                "/api/v1/brokers/{broker_id}/assignments/{enterprise_org}"
            )))
            .header("X-CSRF-Token", &moderator.csrf)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let (status, _) = broker
            .post(&server, "/api/v1/me/postings", need_body("撤销后代发"))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // And gives it back through the page; only bureau staff may.
        let (status, body) = enterprise
            .post(
                &server,
                &format!("/api/v1/brokers/{broker_id}/assignments"),
                json!({"org_id": enterprise_org}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let staff = Client::page_login(&server, MODERATOR).await;
        let (_, page, token) = staff.page(&server, "/bureau/brokers").await;
        assert!(page.contains(BROKER), "{page}");
        let status = staff
            .form(
                &server,
                &format!("/bureau/brokers/{broker_id}/assignments"),
                &[("csrf", &token), ("org_id", &enterprise_org.to_string())],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, body) = moderator
            .post(
                &server,
                &format!("/api/v1/brokers/{broker_id}/assignments"),
                json!({"org_id": enterprise_org}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");

        // Everything is in the audit log under the broker's own name.
        let (_, log) = moderator.get(&server, "/api/v1/audit").await;
        let entries = log["entries"].as_array().cloned().unwrap_or_default();
        for action in ["broker.unassign", "broker.assign", "need.create"] {
            assert!(
                entries.iter().any(|e| e["action"] == action
                    && (action != "need.create" || e["actor_user_id"] == broker_id)),
                "{action} in {log}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn the_administrator_changes_settings_that_take_effect_at_once() {
    on_each_platform(|server| async move {
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let (status, _) = moderator.get(&server, "/api/v1/settings").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "only the administrator");
        let admin = Client::login(&server, "admin@demo.techmatch", DEMO_PASSWORD).await;
        let (status, settings) = admin.get(&server, "/api/v1/settings").await;
        assert_eq!(status, StatusCode::OK, "{settings}");
        assert_eq!(settings["registration_open"], true);
        assert_eq!(settings["yearly_target_wan"], "2000");
        let mut industries = settings["industries"].as_array().cloned().unwrap_or_default();

        // An industry postings are filed under cannot be dropped; nothing changes.
        let in_use: Vec<Value> = industries
            .iter()
            .filter(|i| i["name"] != "新材料")
            .cloned()
            .collect();
        let (status, body) = put(
            &admin,
            &server,
            "/api/v1/settings",
            json!({"industries": in_use, "yearly_target_wan": "3000"}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["error"]["message"].as_str().unwrap_or("").contains("新材料"));
        let (_, unchanged) = admin.get(&server, "/api/v1/settings").await;
        assert_eq!(unchanged["yearly_target_wan"], "2000");

        // A new cluster, a new target, registration closed.
        industries.push(json!({"code": "county-09", "name": "光伏玻璃", "aliases": ["光伏压延玻璃"]}));
        let (status, saved) = put(
            &admin,
            &server,
            "/api/v1/settings",
            json!({"industries": industries, "yearly_target_wan": "0.3亿", "registration_open": false}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        assert_eq!(saved["yearly_target_wan"], "3000");

        // Postings may name the new cluster by its alias at once.
        let enterprise =
            Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
        let mut body = need_body("光伏压延玻璃减薄工艺");
        body["industry"] = json!("光伏压延玻璃");
        let (status, created) = enterprise.post(&server, "/api/v1/me/postings", body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = created["id"].as_i64().unwrap_or_default();
        let (_, mine) = enterprise
            .get(&server, &format!("/api/v1/me/postings/{id}"))
            .await;
        assert_eq!(mine["posting"]["industry"], "光伏玻璃", "{mine}");

        // Renaming an industry (its old name kept as an alias) refiles its postings.
        for industry in industries.iter_mut() {
            if industry["name"] == "新材料" {
                industry["name"] = json!("先进材料");
                if let Some(aliases) = industry["aliases"].as_array_mut() {
                    aliases.push(json!("新材料"));
                }
            }
        }
        let (status, saved) = put(
            &admin,
            &server,
            "/api/v1/settings",
            json!({"industries": industries}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        let mut refiled = false;
        for _ in 0..40 {
            let (_, found) = enterprise
                .get(&server, "/api/v1/search?kind=achievements&industry=新材料")
                .await;
            refiled = found["total"].as_u64().unwrap_or(0) > 0
                && found["hits"].as_array().is_some_and(|hits| {
                    hits.iter().all(|h| h["industry"] == "先进材料")
                });
            if refiled {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(refiled, "achievements filed under 新材料 are now under 先进材料");

        // Nobody can register while registration is closed.
        let (status, body) = super::client()
            .post(
                &server,
                "/api/v1/users",
                json!({"email": "late@example.cn", "password": "a-good-password",
                       "display_name": "迟到者", "role": "enterprise", "org_name": "迟到公司"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

        // The settings page shows the saved values and the change is audited.
        let admin_page = Client::page_login(&server, "admin@demo.techmatch").await;
        let (status, page, _) = admin_page.page(&server, "/bureau/settings").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("county-09 | 光伏玻璃 | 光伏压延玻璃") && page.contains("3000"));
        let (_, log) = admin.get(&server, "/api/v1/audit").await;
        assert!(log["entries"].as_array().is_some_and(|e| e
            .iter()
            .any(|e| e["action"] == "settings.change")));
    })
    .await;
}
