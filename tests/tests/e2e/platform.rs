//! The platform people use: accounts, roles, posting, moderation, matches, CSRF and the
//! login rate limit, through a real `techmatch serve` on SQLite and on PostgreSQL.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use techmatch_core::testing::{TestDb, on_each_backend};

use super::Server;

mod alerts;
mod attachments;
mod authorization;
mod brokers;
mod challenge_bureau;
mod challenge_pages;
mod challenges;
mod cluster;
mod crash_moderation;
mod dashboard;
mod hardening;
mod hostile_bids;
mod hostile_confidential;
mod hostile_figures;
mod hostile_identity;
mod hostile_webhooks;
mod lists;
mod notifications;
mod outage;
mod outbox_pages;
mod webhooks;

const DEMO_PASSWORD: &str = "demo-password";
const MODERATOR: &str = "moderator@demo.techmatch";

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

/// The plain-text part of a mail, decoded.
fn mail_text(raw: &str) -> String {
    decoded_parts(raw)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no text part in {raw}"))
}

/// A browser-like client: its own cookie jar, no automatic redirects (so that a redirect
/// to the login page can be asserted), and the CSRF token of its session.
#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    csrf: String,
}

fn client() -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|e| panic!("http client: {e}"));
    Client {
        http,
        csrf: String::new(),
    }
}

impl Client {
    async fn send(
        &self,
        server: &Server,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, server.url(path));
        if !self.csrf.is_empty() {
            request = request.header("X-CSRF-Token", &self.csrf);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn get(&self, server: &Server, path: &str) -> (StatusCode, Value) {
        self.send(server, reqwest::Method::GET, path, None).await
    }

    async fn post(&self, server: &Server, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(server, reqwest::Method::POST, path, Some(body))
            .await
    }

    async fn login(server: &Server, email: &str, password: &str) -> Client {
        let mut client = client();
        let (status, body) = client
            .post(
                server,
                "/api/v1/session",
                json!({ "email": email, "password": password }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login {email}: {body}");
        client.csrf = body["csrf_token"].as_str().unwrap_or_default().to_owned();
        client
    }

    async fn register(server: &Server, email: &str, role: &str, org: &str) -> Client {
        let fields = json!({ "email": email, "role": role, "org_name": org });
        Client::register_with(server, fields).await.0
    }

    /// Registers with the given fields (a display name unless given) and confirms the
    /// address through the link the server mails, choosing the password (given or a
    /// default), as a registrant does; returns the logged-in client and the
    /// confirmation's answer.
    async fn register_with(server: &Server, mut fields: Value) -> (Client, Value) {
        for (field, default) in [
            ("password", "a-good-password"),
            ("display_name", "测试用户"),
        ] {
            if fields[field].is_null() {
                fields[field] = json!(default);
            }
        }
        let mut client = client();
        let (status, body) = client.post(server, "/api/v1/users", fields.clone()).await;
        assert_eq!(status, StatusCode::ACCEPTED, "register {fields}: {body}");
        let email = fields["email"].as_str().unwrap_or_default();
        let token = confirmation_token(server, email).await;
        let (status, body) = client
            .post(
                server,
                "/api/v1/users/confirmations",
                json!({ "token": token, "password": fields["password"] }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "confirm {fields}: {body}");
        client.csrf = body["csrf_token"].as_str().unwrap_or_default().to_owned();
        (client, body)
    }

    /// Fetches a page and returns its HTML and the CSRF token of its first form.
    async fn page(&self, server: &Server, path: &str) -> (StatusCode, String, String) {
        let response = self
            .http
            .get(server.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let status = response.status();
        let html = response.text().await.unwrap_or_default();
        let token = html
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_owned();
        (status, html, token)
    }

    /// Logs in through the login page, as a person with a browser does.
    async fn page_login(server: &Server, email: &str) -> Client {
        let browser = client();
        let (_, _, token) = browser.page(server, "/login").await;
        let status = browser
            .form(
                server,
                "/login",
                &[
                    ("csrf", &token),
                    ("email", email),
                    ("password", DEMO_PASSWORD),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "login of {email}");
        browser
    }

    async fn form(&self, server: &Server, path: &str, fields: &[(&str, &str)]) -> StatusCode {
        self.http
            .post(server.url(path))
            .form(fields)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .status()
    }
}

/// The token of the newest registration link mailed to `email`.
async fn confirmation_token(server: &Server, email: &str) -> String {
    let mail = server
        .mail_to(email, |m| {
            decoded_parts(m)
                .iter()
                .any(|part| part.contains("/register/confirm?token="))
        })
        .await;
    mail_text(&mail)
        .split("/register/confirm?token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no confirmation link in {mail}"))
}

/// The demo enterprise accepts the 对接 request the demo researcher sent it; returns the
/// contact's id.
async fn accept_the_demo_request(server: &Server, enterprise: &Client) -> i64 {
    let (_, contacts) = enterprise.get(server, "/api/v1/contacts").await;
    let waiting = contacts["contacts"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["status"] == "requested"))
        .and_then(|c| c["id"].as_i64())
        .unwrap_or_else(|| panic!("the demo's waiting request in {contacts}"));
    let (status, body) = enterprise
        .post(
            server,
            &format!("/api/v1/contacts/{waiting}/actions"),
            json!({"action": "accept"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    waiting
}

/// The bureau verifies the organisation a self-registered `member` created, so that it
/// joins the registry and the bureau's lists attach rows to it. `n` makes its USCC
/// unique; the code fails its check digit, which the bureau accepts with a reason.
async fn verified_by_the_bureau(server: &Server, bureau: &Client, member: &Client, n: usize) {
    let (_, me) = member.get(server, "/api/v1/me").await;
    let org = me["user"]["org_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{me}"));
    let (status, body) = bureau
        .post(
            server,
            &format!("/api/v1/organisations/{org}/verify"),
            json!({ "uscc": format!("91140700{n:09}0"), "accept_reason": "营业执照原件已核对" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// The id of the first user on the bureau's user page whose row has a form posting to
/// `/bureau/users/{id}{action}`.
fn first_user_with(page: &str, action: &str) -> String {
    page.split(action)
        .next()
        .and_then(|before| before.rsplit("/bureau/users/").next())
        .unwrap_or_default()
        .to_owned()
}

/// Runs a platform test against a fresh server on each database backend.
async fn on_each_platform<F, Fut>(test: F)
where
    F: Fn(Server) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    on_each_database(&[], |server, _| test(server)).await;
}

/// Runs a test against a fresh demo server on each database backend, with the
/// database's own connection for writing around the platform.
async fn on_each_database<F, Fut>(env: &[(&str, String)], test: F)
where
    F: Fn(Server, sea_orm::DatabaseConnection) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    on_each_backend(|db: TestDb| {
        let test = &test;
        async move {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let server = super::start_with(&dir.path().join("data"), Some(&db.url), env);
            test(server, db.conn.clone()).await;
            drop(dir);
            db
        }
    })
    .await;
}

fn need_body(title: &str) -> Value {
    json!({
        "title": title,
        "body": "现有碳化法纳米碳酸钙产品团聚明显，需要湿法表面改性技术，提高活化度和分散性，降低吸油值。",
        "keywords": "纳米碳酸钙，表面改性，分散性",
        "industry": "新材料",
        "trl": "中试",
        "price": "50-200",
        "modes": ["技术转让", "合作开发"],
    })
}

/// Polls until the search finds `title` among published needs: the index follows the
/// database within a second or so.
async fn searchable(anonymous: &Client, server: &Server, title: &str) -> bool {
    for _ in 0..40 {
        let path = format!("/api/v1/search?kind=needs&q={title}");
        let (_, found) = anonymous.get(server, &path).await;
        let hits = found["hits"].as_array().cloned().unwrap_or_default();
        if hits.iter().any(|h| h["title"] == title) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    false
}

#[tokio::test]
async fn a_need_goes_from_registration_through_moderation_to_search_and_matches() {
    on_each_platform(|server| async move {
        let anonymous = client();
        let enterprise = Client::register(
            &server,
            "boss@calcium.example.cn",
            "enterprise",
            "晋阳县测试钙业有限公司",
        )
        .await;

        // A form-less JSON write without the session's CSRF token is refused.
        let mut forged = Client::login(&server, "boss@calcium.example.cn", "a-good-password").await;
        forged.csrf.clear();
        let (status, body) = forged
            .post(&server, "/api/v1/me/postings", need_body("伪造"))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"]["code"], "csrf");

        // Invalid input is refused with the field named, and nothing is created.
        let mut bad = need_body("预算写错的需求");
        bad["price"] = json!("很多");
        let (status, body) = enterprise.post(&server, "/api/v1/me/postings", bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("预算"),
            "the field is named in Chinese: {body}"
        );

        let title = "纳米碳酸钙湿法表面改性技术攻关";
        let (status, created) = enterprise
            .post(&server, "/api/v1/me/postings", need_body(title))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["status"], "draft");
        let id = created["id"].as_i64().unwrap_or_default();
        let (_, own) = enterprise.get(&server, "/api/v1/me/postings").await;
        assert_eq!(own["postings"].as_array().map(Vec::len), Some(1), "{own}");
        let external = own["postings"][0]["external_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();

        // A draft is invisible to the public.
        let (status, _) = anonymous
            .get(&server, &format!("/api/v1/needs/{external}/matches"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let (status, body) = enterprise
            .post(
                &server,
                &format!("/api/v1/me/postings/{id}/actions"),
                json!({"action": "submit"}),
            )
            .await;
        assert_eq!(
            (status, body["status"].clone()),
            (StatusCode::OK, json!("pending_review")),
            "{body}"
        );

        // Nobody but the bureau moderates; the owner cannot approve its own need.
        let researcher = Client::register(
            &server,
            "li@institute.example.cn",
            "researcher",
            "测试材料研究院",
        )
        .await;
        for outsider in [&enterprise, &researcher] {
            let (status, _) = outsider
                .post(
                    &server,
                    &format!("/api/v1/moderation/needs/{id}"),
                    json!({"action": "approve"}),
                )
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN);
        }
        // Nor may another organisation touch it.
        let rival =
            Client::register(&server, "rival@other.example.cn", "enterprise", "别家公司").await;
        let (status, _) = rival
            .post(
                &server,
                &format!("/api/v1/me/postings/{id}/actions"),
                json!({"action": "recall"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The moderator works through the pages: log in by form, see the queue, approve.
        let moderator = client();
        let (_, _, token) = moderator.page(&server, "/login").await;
        let status = moderator
            .form(
                &server,
                "/login",
                &[
                    ("csrf", &token),
                    ("email", MODERATOR),
                    ("password", DEMO_PASSWORD),
                    ("next", "/bureau/queue"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, queue, token) = moderator.page(&server, "/bureau/queue").await;
        assert_eq!(status, StatusCode::OK);
        assert!(queue.contains(title), "the need waits in the queue");
        // A form without the CSRF token changes nothing.
        let status = moderator
            .form(
                &server,
                &format!("/bureau/needs/{id}/decide"),
                &[("action", "approve")],
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let status = moderator
            .form(
                &server,
                &format!("/bureau/needs/{id}/decide"),
                &[("csrf", &token), ("action", "approve")],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);

        // Published: searchable by anyone, with matches explained to its owner.
        assert!(
            searchable(&anonymous, &server, title).await,
            "the approved need is searchable"
        );
        let (status, mine) = enterprise
            .get(&server, &format!("/api/v1/me/postings/{id}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(mine["status"], "published");
        let best = &mine["matches"][0];
        assert!(
            best["title"].as_str().unwrap_or("").contains("碳酸钙"),
            "{best}"
        );
        assert!(best["factors"].as_array().is_some_and(|f| !f.is_empty()));
        assert!(
            best["matched_terms"]
                .as_array()
                .is_some_and(|t| !t.is_empty())
        );

        // Every moderation action is in the audit log, with who did it.
        let bureau = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let (_, log) = bureau.get(&server, "/api/v1/audit").await;
        let entries = log["entries"].as_array().cloned().unwrap_or_default();
        assert!(
            entries.iter().any(|e| e["action"] == "need.approve"
                && e["entity_id"] == id
                && e["actor_user_id"].is_i64()),
            "{log}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_rejection_reaches_the_owner_and_illegal_steps_are_refused_with_the_reason() {
    on_each_platform(|server| async move {
        let enterprise = Client::register(
            &server,
            "owner@reject.example.cn",
            "enterprise",
            "驳回测试有限公司",
        )
        .await;
        let (_, created) = enterprise
            .post(
                &server,
                "/api/v1/me/postings",
                need_body("描述过于简单的需求"),
            )
            .await;
        let id = created["id"].as_i64().unwrap_or_default();

        // Closing a draft is not a step the lifecycle has.
        let (status, body) = enterprise
            .post(
                &server,
                &format!("/api/v1/me/postings/{id}/actions"),
                json!({"action": "close"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("草稿"),
            "{body}"
        );

        enterprise
            .post(
                &server,
                &format!("/api/v1/me/postings/{id}/actions"),
                json!({"action": "submit"}),
            )
            .await;
        let bureau = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        // "Other" needs its explanation.
        let (status, _) = bureau
            .post(
                &server,
                &format!("/api/v1/moderation/needs/{id}"),
                json!({"action": "reject", "reason": "other"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, body) = bureau
            .post(
                &server,
                &format!("/api/v1/moderation/needs/{id}"),
                json!({"action": "reject", "reason": "incomplete", "note": "请补充技术指标"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let (_, mine) = enterprise
            .get(&server, &format!("/api/v1/me/postings/{id}"))
            .await;
        assert_eq!(mine["status"], "rejected");
        assert_eq!(mine["reject_reason"], "信息不完整");
        assert_eq!(mine["reject_note"], "请补充技术指标");

        // Editing a rejected need makes it a draft again, ready to resubmit.
        let request = enterprise
            .http
            .put(server.url(&format!("/api/v1/me/postings/{id}")))
            .header("X-CSRF-Token", &enterprise.csrf)
            .json(&need_body("补充了指标的需求"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(request.status(), StatusCode::OK);
        let (_, mine) = enterprise
            .get(&server, &format!("/api/v1/me/postings/{id}"))
            .await;
        assert_eq!(
            (mine["status"].clone(), mine["title"].clone()),
            (json!("draft"), json!("补充了指标的需求"))
        );
    })
    .await;
}

/// Who may use which route: anyone else gets 401/403 (or the login page), never data.
#[tokio::test]
async fn every_route_admits_only_its_roles() {
    on_each_platform(|server| async move {
        let anonymous = client();
        let enterprise = Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
        let researcher = Client::login(&server, "researcher@demo.techmatch", DEMO_PASSWORD).await;
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let admin = Client::login(&server, "admin@demo.techmatch", DEMO_PASSWORD).await;
        // A broker acting for nobody: assigned organisations are tested in `brokers`.
        let broker = Client::login(&server, "broker@demo.techmatch", DEMO_PASSWORD).await;
        let who = [
            ("anonymous", &anonymous),
            ("enterprise", &enterprise),
            ("researcher", &researcher),
            ("moderator", &moderator),
            ("admin", &admin),
            ("broker", &broker),
        ];
        // Expected status per role, in the order of `who`.
        const LOGIN: u16 = 303;
        let routes: &[(&str, [u16; 6])] = &[
            ("/", [200, 200, 200, 200, 200, 200]),
            ("/me", [LOGIN, 200, 200, 403, 403, LOGIN]),
            ("/me/new", [LOGIN, 200, 200, 403, 403, 403]),
            ("/me/upload", [LOGIN, 200, 200, 403, 403, 403]),
            ("/me/notifications", [LOGIN, 200, 200, 200, 200, 200]),
            ("/me/webhooks", [LOGIN, 200, 200, 200, 200, 200]),
            ("/api/v1/me/webhooks", [401, 200, 200, 200, 200, 200]),
            ("/bureau/queue", [LOGIN, 403, 403, 200, 200, 403]),
            ("/bureau/audit", [LOGIN, 403, 403, 200, 200, 403]),
            ("/bureau/users", [LOGIN, 403, 403, 200, 200, 403]),
            ("/bureau/orgs", [LOGIN, 403, 403, 200, 200, 403]),
            ("/bureau/brokers", [LOGIN, 403, 403, 200, 200, 403]),
            ("/bureau/settings", [LOGIN, 403, 403, 403, 200, 403]),
            ("/me/acting", [LOGIN, 403, 403, 403, 403, 200]),
            ("/api/v1/settings", [401, 403, 403, 403, 200, 403]),
            ("/api/v1/me/assignments", [401, 403, 403, 403, 403, 200]),
            (
                "/api/v1/brokers/1/assignments",
                [401, 403, 403, 200, 200, 403],
            ),
            ("/api/v1/me", [401, 200, 200, 200, 200, 200]),
            ("/api/v1/me/postings", [401, 200, 200, 403, 403, 403]),
            ("/api/v1/moderation/queue", [401, 403, 403, 200, 200, 403]),
            ("/api/v1/audit", [401, 403, 403, 200, 200, 403]),
            ("/api/v1/organisations", [401, 403, 403, 200, 200, 403]),
            ("/contacts", [LOGIN, 200, 200, 200, 200, 200]),
            ("/challenges", [200, 200, 200, 200, 200, 200]),
            ("/challenges/new", [LOGIN, 200, 403, 200, 200, 403]),
            ("/bureau/challenges", [LOGIN, 403, 403, 200, 200, 403]),
            ("/expert", [LOGIN, 403, 403, 403, 403, 403]),
            ("/api/v1/challenges", [200, 200, 200, 200, 200, 200]),
            ("/api/v1/contacts", [401, 200, 200, 200, 200, 200]),
        ];
        for (path, expected) in routes {
            for ((role, client), want) in who.iter().zip(expected) {
                let (status, body) = client.get(&server, path).await;
                assert_eq!(status.as_u16(), *want, "GET {path} as {role}: {body}");
                if *want == LOGIN {
                    let response = client
                        .http
                        .get(server.url(path))
                        .send()
                        .await
                        .unwrap_or_else(|e| panic!("{e}"));
                    let location = response
                        .headers()
                        .get("location")
                        .and_then(|l| l.to_str().ok())
                        .unwrap_or("");
                    // A broker who acts for nobody yet is sent to choose an organisation.
                    let expected = if *role == "broker" {
                        "/me/acting"
                    } else {
                        "/login?next="
                    };
                    assert!(
                        location.starts_with(expected),
                        "{path} as {role}: {location}"
                    );
                }
            }
        }
        // Writes: who may create a posting, and of which kind.
        let creators: [(&Client, u16); 6] = [
            (&anonymous, 401),
            (&enterprise, 201),
            (&researcher, 201),
            (&moderator, 403),
            (&admin, 403),
            (&broker, 403),
        ];
        for (client, want) in creators {
            let mut body = need_body("权限测试");
            // Valid for either kind: a budget of 100 万元 or an asking price of 100 万元.
            body["price"] = json!("100");
            let (status, body) = client.post(&server, "/api/v1/me/postings", body).await;
            assert_eq!(status.as_u16(), want, "{body}");
        }
        // A researcher's posting is an achievement, an enterprise's a need.
        let (_, own) = researcher.get(&server, "/api/v1/me/postings").await;
        assert!(own["postings"].as_array().is_some_and(|p| {
            p.iter()
                .any(|p| p["kind"] == "achievement" && p["title"] == "权限测试")
        }));
    })
    .await;
}

#[tokio::test]
async fn logins_are_rate_limited_and_suspension_ends_sessions() {
    on_each_platform(|server| async move {
        let victim =
            Client::register(&server, "victim@example.cn", "enterprise", "受害者公司").await;
        let attacker = client();
        let mut statuses = Vec::new();
        for _ in 0..7 {
            let (status, _) = attacker
                .post(
                    &server,
                    "/api/v1/session",
                    json!({"email": "victim@example.cn", "password": "guess-guess"}),
                )
                .await;
            statuses.push(status.as_u16());
        }
        assert_eq!(
            &statuses[..5],
            &[401; 5],
            "wrong passwords are refused: {statuses:?}"
        );
        assert!(
            statuses[5..].iter().all(|s| *s == 429),
            "then the account is protected: {statuses:?}"
        );

        // The bureau suspends the user: the running session stops working at once.
        let (status, _) = victim.get(&server, "/api/v1/me").await;
        assert_eq!(status, StatusCode::OK);
        let admin = Client::page_login(&server, "admin@demo.techmatch").await;
        let (_, users, token) = admin.page(&server, "/bureau/users").await;
        // Users are listed newest first, and the victim registered last.
        assert!(users.contains("victim@example.cn"));
        let id = first_user_with(&users, "/suspend\"");
        let status = admin
            .form(
                &server,
                &format!("/bureau/users/{id}/suspend"),
                &[("csrf", &token), ("suspended", "true")],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _) = victim.get(&server, "/api/v1/me").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (_, log) = Client::login(&server, MODERATOR, DEMO_PASSWORD)
            .await
            .get(&server, "/api/v1/audit")
            .await;
        assert!(
            log["entries"]
                .as_array()
                .is_some_and(|e| e.iter().any(|e| e["action"] == "user.suspend"))
        );
    })
    .await;
}

/// Publishes a need for `enterprise` through the moderator; returns its id and external id.
async fn published_need(server: &Server, enterprise: &Client, body: Value) -> (i64, String) {
    let (status, created) = enterprise.post(server, "/api/v1/me/postings", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap_or_default();
    enterprise
        .post(
            server,
            &format!("/api/v1/me/postings/{id}/actions"),
            json!({"action": "submit"}),
        )
        .await;
    let bureau = Client::login(server, MODERATOR, DEMO_PASSWORD).await;
    let (status, body) = bureau
        .post(
            server,
            &format!("/api/v1/moderation/needs/{id}"),
            json!({"action": "approve"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, mine) = enterprise
        .get(server, &format!("/api/v1/me/postings/{id}"))
        .await;
    (
        id,
        mine["external_id"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn a_contact_leads_to_a_deal_and_a_confidential_enterprise_stays_anonymous_until_it_accepts()
{
    on_each_platform(|server| async move {
        let org = "保密测试新材料有限公司";
        let enterprise = Client::register(&server, "secret@enterprise.example.cn", "enterprise", org).await;
        let mut body = need_body("保密的纳米碳酸钙改性需求");
        body["confidential"] = json!("on");
        let (_, external) = published_need(&server, &enterprise, body).await;

        // The public never learns who is behind a confidential need.
        let anonymous = client();
        assert!(searchable(&anonymous, &server, "保密的纳米碳酸钙改性需求").await);
        let (_, found) = anonymous.get(&server, "/api/v1/search?kind=needs&q=保密的纳米碳酸钙改性需求").await;
        assert!(!found.to_string().contains(org), "{found}");
        let page = anonymous
            .http
            .get(server.url(&format!("/needs/{external}")))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .text()
            .await
            .unwrap_or_default();
        assert!(page.contains("保密的纳米碳酸钙改性需求") && !page.contains(org));

        // A researcher asks from one of the institute's published achievements.
        let researcher = Client::login(&server, "researcher@demo.techmatch", DEMO_PASSWORD).await;
        let (_, own) = researcher.get(&server, "/api/v1/me/postings").await;
        let achievement = own["postings"]
            .as_array()
            .and_then(|p| p.iter().find(|p| p["status"] == "published"))
            .and_then(|p| p["external_id"].as_str())
            .unwrap_or_else(|| panic!("the demo researcher has published achievements: {own}"))
            .to_owned();
        let request = json!({"need": external, "achievement": achievement, "message": "我院的改性技术可能适用，希望进一步交流。"});
        let (status, created) = researcher.post(&server, "/api/v1/contacts", request.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let contact = created["id"].as_i64().unwrap_or_default();
        let (status, _) = researcher.post(&server, "/api/v1/contacts", request).await;
        assert_eq!(status, StatusCode::CONFLICT, "one contact per pair");

        let path = format!("/api/v1/contacts/{contact}");
        let (_, seen) = researcher.get(&server, &path).await;
        assert_eq!(seen["status"], "requested");
        assert!(seen["need"]["org_name"].is_null(), "still anonymous: {seen}");
        // The asking side cannot answer its own request, and nobody talks before acceptance.
        let (status, body) = researcher.post(&server, &format!("{path}/actions"), json!({"action": "accept"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (status, _) = researcher.post(&server, &format!("{path}/messages"), json!({"body": "在吗？"})).await;
        assert_eq!(status, StatusCode::CONFLICT);
        // Outsiders do not even learn that the contact exists.
        let outsider = Client::register(&server, "nosy@other.example.cn", "enterprise", "好奇公司").await;
        let (status, _) = outsider.get(&server, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let (_, list) = enterprise.get(&server, "/api/v1/contacts").await;
        assert_eq!(list["contacts"][0]["id"], contact, "{list}");
        let (status, body) = enterprise.post(&server, &format!("{path}/actions"), json!({"action": "accept"})).await;
        assert_eq!((status, body["status"].clone()), (StatusCode::OK, json!("accepted")), "{body}");
        let (_, seen) = researcher.get(&server, &path).await;
        assert_eq!(seen["need"]["org_name"], org, "accepted: the enterprise is known");

        for (who, text) in [(&researcher, "请提供样品指标。"), (&enterprise, "样品下周寄出。")] {
            let (status, _) = who.post(&server, &format!("{path}/messages"), json!({"body": text})).await;
            assert_eq!(status, StatusCode::CREATED);
        }
        let (status, _) = enterprise.post(&server, &format!("{path}/actions"), json!({"action": "negotiate"})).await;
        assert_eq!(status, StatusCode::OK);

        // The technology amount cannot exceed the contract amount.
        let deal = |technology: &str| {
            json!({"action": "sign", "deal": {
                "contract_type": "技术开发", "contract_amount": "120",
                "technology_amount": technology, "researcher_share_percent": "70"}})
        };
        let (status, body) = enterprise.post(&server, &format!("{path}/actions"), deal("150")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, body) = enterprise.post(&server, &format!("{path}/actions"), deal("100")).await;
        assert_eq!((status, body["status"].clone()), (StatusCode::OK, json!("signed")), "{body}");

        let (_, done) = researcher.get(&server, &path).await;
        assert_eq!(done["deal"]["contract_type"], "development");
        assert_eq!(done["deal"]["contract_amount_yuan"], 1_200_000);
        assert_eq!(done["deal"]["technology_amount_yuan"], 1_000_000);
        assert_eq!(done["deal"]["researcher_share_percent"], 70);
        assert_eq!(done["messages"].as_array().map(Vec::len), Some(2));
        let (status, _) = researcher
            .post(&server, &format!("{path}/actions"), json!({"action": "close", "close_reason": "反悔"}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "a signed contact is final");
    })
    .await;
}

#[tokio::test]
async fn the_bureau_verifies_organisations_by_their_credit_code() {
    on_each_platform(|server| async move {
        let enterprise = Client::register(
            &server,
            "new@verify.example.cn",
            "enterprise",
            "核验测试有限公司",
        )
        .await;
        Client::register(
            &server,
            "other@verify.example.cn",
            "enterprise",
            "另一家核验测试公司",
        )
        .await;
        let bureau = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let (_, listed) = bureau.get(&server, "/api/v1/organisations").await;
        let id_of = |name: &str| {
            listed["organisations"]
                .as_array()
                .and_then(|orgs| orgs.iter().find(|o| o["name"] == name))
                .and_then(|o| o["id"].as_i64())
                .unwrap_or_else(|| panic!("{name} is listed: {listed}"))
        };
        let (first, second) = (id_of("核验测试有限公司"), id_of("另一家核验测试公司"));
        let verify = |id: i64, body: Value| {
            let bureau = &bureau;
            let server = &server;
            async move {
                bureau
                    .post(server, &format!("/api/v1/organisations/{id}/verify"), body)
                    .await
            }
        };

        // Only the bureau verifies.
        let (status, _) = enterprise
            .post(
                &server,
                &format!("/api/v1/organisations/{first}/verify"),
                json!({"uscc": "91350100M000100Y43"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // A code failing the GB 32100 check needs an explicit reason.
        let failing = "91350100M000100Y44";
        let (status, body) = verify(first, json!({"uscc": failing})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("未通过校验"),
            "{body}"
        );
        let (status, body) = verify(
            first,
            json!({"uscc": failing, "accept_reason": "已向市场监管局电话核实"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // A valid code verifies at once, but only for one organisation.
        let (status, body) = verify(second, json!({"uscc": "91350100M000100Y43"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = verify(first, json!({"uscc": "91350100M000100Y43"})).await;
        assert_eq!(status, StatusCode::CONFLICT);

        let (_, listed) = bureau.get(&server, "/api/v1/organisations").await;
        let verified: Vec<&Value> = listed["organisations"]
            .as_array()
            .map(|orgs| orgs.iter().filter(|o| o["verified"] == true).collect())
            .unwrap_or_default();
        assert!(
            verified
                .iter()
                .any(|o| o["id"] == first && o["uscc_check_failure"].is_string())
        );
        assert!(
            verified
                .iter()
                .any(|o| o["id"] == second && o["uscc_check_failure"].is_null())
        );
        let (_, log) = bureau.get(&server, "/api/v1/audit").await;
        assert!(log["entries"].as_array().is_some_and(|e| {
            e.iter()
                .any(|e| e["action"] == "org.verify" && e["detail"] == "已向市场监管局电话核实")
        }));
    })
    .await;
}

#[tokio::test]
async fn an_uploaded_list_lands_in_the_moderation_queue_with_a_row_report() {
    on_each_platform(|server| async move {
        let enterprise = Client::register(
            &server,
            "lists@upload.example.cn",
            "enterprise",
            "上传测试有限公司",
        )
        .await;
        let csv = "需求编号,需求名称,需求描述,预算(万元)\n\
                   U1,粉煤灰制备陶粒技术,利用电厂粉煤灰制备轻质陶粒,50-100\n\
                   U2,煤矸石综合利用,煤矸石发电与建材利用,很多钱\n\
                   U3,透水砖配方优化,提高自洁式透水砖强度,30\n";
        let upload = |bytes: &'static str| {
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(bytes.as_bytes()).file_name("需求清单.csv"),
            );
            enterprise
                .http
                .post(server.url("/api/v1/me/postings/import"))
                .header("X-CSRF-Token", &enterprise.csrf)
                .multipart(form)
                .send()
        };
        let response = upload(csv).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status(), StatusCode::OK);
        let report: Value = response.json().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report["created"], 2, "{report}");
        assert_eq!(report["problems"][0]["row"], 3, "{report}");
        assert_eq!(report["problems"][0]["column"], "预算(万元)", "{report}");

        let (_, own) = enterprise.get(&server, "/api/v1/me/postings").await;
        let postings = own["postings"].as_array().cloned().unwrap_or_default();
        assert_eq!(postings.len(), 2);
        assert!(
            postings.iter().all(|p| p["status"] == "pending_review"),
            "{own}"
        );
        // Public ids are random: they must not tie a (possibly confidential) need to its uploader.
        assert!(
            postings.iter().all(|p| p["external_id"]
                .as_str()
                .is_some_and(|id| id.starts_with("WN-") && !id.contains("U1"))),
            "{own}"
        );
        // Rows of one upload share their time: 我的发布 lists them by public id, not in
        // the list's order.
        let shown: Vec<&str> = postings
            .iter()
            .filter_map(|p| p["external_id"].as_str())
            .collect();
        let mut by_public_id = shown.clone();
        by_public_id.sort_by(|a, b| b.cmp(a));
        assert_eq!(shown, by_public_id, "{own}");
        let bureau = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let (_, queue) = bureau.get(&server, "/api/v1/moderation/queue").await;
        assert!(queue.to_string().contains("粉煤灰制备陶粒技术"));

        // Uploading again cannot overwrite (nor bypass moderation): the rows are reported.
        let again: Value = upload(csv)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again["created"], 0, "{again}");
        assert_eq!(
            again["problems"].as_array().map(Vec::len),
            Some(3),
            "{again}"
        );

        // A file that is not what its name says is one clear error.
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(b"not a spreadsheet".to_vec()).file_name("清单.xlsx"),
        );
        let response = enterprise
            .http
            .post(server.url("/api/v1/me/postings/import"))
            .header("X-CSRF-Token", &enterprise.csrf)
            .multipart(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

#[tokio::test]
async fn a_personal_api_token_acts_for_its_user_until_revoked() {
    on_each_platform(|server| async move {
        let enterprise = Client::register(
            &server,
            "erp@token.example.cn",
            "enterprise",
            "令牌测试有限公司",
        )
        .await;
        let (status, created) = enterprise
            .post(&server, "/api/v1/me/tokens", json!({"name": "ERP 同步"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let token = created["token"].as_str().unwrap_or_default().to_owned();
        let token_id = created["info"]["id"].as_i64().unwrap_or_default();
        assert!(token.starts_with("tm_"));
        let (_, listed) = enterprise.get(&server, "/api/v1/me/tokens").await;
        assert!(
            !listed.to_string().contains(&token),
            "the token is shown only once"
        );

        // A program with the token: no cookie, no CSRF token, the user's own rights.
        let program = client();
        let with = |request: reqwest::RequestBuilder| request.bearer_auth(&token);
        let response = with(program.http.post(server.url("/api/v1/me/postings")))
            .json(&need_body("令牌创建的需求"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status(), StatusCode::CREATED);
        let response = with(program.http.get(server.url("/api/v1/moderation/queue")))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "a token has its user's role, no more"
        );
        let wrong = program
            .http
            .get(server.url("/api/v1/me/postings"))
            .bearer_auth("tm_0000")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        let me: Value = with(program.http.get(server.url("/api/v1/me")))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(me["user"]["email"], "erp@token.example.cn", "{me}");

        let revoked = enterprise
            .http
            .delete(server.url(&format!("/api/v1/me/tokens/{token_id}")))
            .header("X-CSRF-Token", &enterprise.csrf)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
        let response = with(program.http.get(server.url("/api/v1/me/postings")))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_an_emailed_link() {
    let (port, inbox) = super::smtp::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let server = super::start_with(
        &dir.path().join("data"),
        None,
        &[("TECHMATCH_SMTP_URL", format!("smtp://127.0.0.1:{port}"))],
    )
    .reading_mail_from(&inbox);
    let signed_in = Client::register(
        &server,
        "forgetful@example.cn",
        "enterprise",
        "健忘有限公司",
    )
    .await;

    let visitor = client();
    let (_, _, token) = visitor.page(&server, "/password/forgot").await;
    for email in ["nobody@example.cn", "forgetful@example.cn"] {
        let response = visitor
            .http
            .post(server.url("/password/forgot"))
            .form(&[("csrf", token.as_str()), ("email", email)])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status(), StatusCode::OK);
        let page = response.text().await.unwrap_or_default();
        assert!(
            page.contains("如果该邮箱已注册"),
            "the same answer for any address"
        );
    }
    let mail = server
        .mail_to("forgetful@example.cn", |m| {
            decoded_parts(m)
                .iter()
                .any(|p| p.contains("/password/reset?token="))
        })
        .await;
    let text = mail_text(&mail);
    assert!(text.contains("重置"), "{text}");
    let link = text
        .split(&server.base)
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .map(|path| path.to_owned())
        .unwrap_or_else(|| panic!("no link in the mail: {mail}"));
    assert!(link.starts_with("/password/reset?token="), "{link}");

    let (status, _, csrf) = visitor.page(&server, &link).await;
    assert_eq!(status, StatusCode::OK);
    let reset_token = link.trim_start_matches("/password/reset?token=");
    let short = visitor
        .form(
            &server,
            "/password/reset",
            &[
                ("csrf", &csrf),
                ("token", reset_token),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(short, StatusCode::UNPROCESSABLE_ENTITY);
    let done = visitor
        .form(
            &server,
            "/password/reset",
            &[
                ("csrf", &csrf),
                ("token", reset_token),
                ("password", "a-new-password"),
            ],
        )
        .await;
    assert_eq!(done, StatusCode::SEE_OTHER);

    // The new password works, the old one does not, old sessions are over, the link is spent.
    let (status, _) = signed_in.get(&server, "/api/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    Client::login(&server, "forgetful@example.cn", "a-new-password").await;
    let (status, _) = client()
        .post(
            &server,
            "/api/v1/session",
            json!({"email": "forgetful@example.cn", "password": "a-good-password"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = visitor.page(&server, &link).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_administrator_appoints_a_moderator_who_sets_a_password_by_link() {
    on_each_platform(|server| async move {
        let appoint = [
            ("email", "new.moderator@kjj.example.cn"),
            ("name", "新审核员"),
            ("role", "moderator"),
            ("org", "晋阳县科学技术局"),
        ];

        // A moderator is not an administrator.
        let moderator = Client::page_login(&server, MODERATOR).await;
        let (_, _, token) = moderator.page(&server, "/bureau/users").await;
        let mut fields = vec![("csrf", token.as_str())];
        fields.extend(appoint);
        assert_eq!(
            moderator
                .form(&server, "/bureau/users/appoint", &fields)
                .await,
            StatusCode::FORBIDDEN
        );

        let admin = Client::page_login(&server, "admin@demo.techmatch").await;
        let (_, _, token) = admin.page(&server, "/bureau/users").await;
        let mut fields = vec![("csrf", token.as_str())];
        fields.extend(appoint);
        let response = admin
            .http
            .post(server.url("/bureau/users/appoint"))
            .form(&fields)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status(), StatusCode::OK);
        let html = response.text().await.unwrap_or_default();
        let link = html
            .split(&server.base)
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .unwrap_or_else(|| panic!("the page shows the link: {html}"))
            .to_owned();

        let newcomer = client();
        let (status, _, csrf) = newcomer.page(&server, &link).await;
        assert_eq!(status, StatusCode::OK, "{link}");
        let token = link.trim_start_matches("/password/reset?token=");
        let status = newcomer
            .form(
                &server,
                "/password/reset",
                &[
                    ("csrf", &csrf),
                    ("token", token),
                    ("password", "moderate-well"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let appointed =
            Client::login(&server, "new.moderator@kjj.example.cn", "moderate-well").await;
        let (status, _) = appointed.get(&server, "/api/v1/moderation/queue").await;
        assert_eq!(status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn registering_for_a_known_organisation_waits_for_the_bureau() {
    on_each_platform(|server| async move {
        // Anyone can type a company's name: the demo enterprise already exists.
        let impostor = Client::register(
            &server,
            "impostor@example.cn",
            "enterprise",
            "晋阳县华钙纳米材料有限公司",
        )
        .await;
        let (status, body) = impostor.get(&server, "/api/v1/me/postings").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("确认"),
            "{body}"
        );
        let (status, _) = impostor
            .post(&server, "/api/v1/me/postings", need_body("冒名需求"))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, contacts) = impostor.get(&server, "/api/v1/contacts").await;
        assert_eq!(contacts["contacts"].as_array().map(Vec::len), Some(0));
        // Nor read the company's unpublished postings by id, nor upload a list in its name.
        let real = Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
        let (_, theirs) = real.get(&server, "/api/v1/me/postings").await;
        let pending = theirs["postings"]
            .as_array()
            .and_then(|p| p.iter().find(|p| p["status"] == "pending_review"))
            .and_then(|p| p["id"].as_i64())
            .unwrap_or_else(|| panic!("the demo's pending need: {theirs}"));
        let (status, _) = impostor
            .get(&server, &format!("/api/v1/me/postings/{pending}"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let list = "编号,需求名称,需求描述\nX-1,冒名上传,冒名上传的需求描述文字足够长\n";
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(list.as_bytes().to_vec()).file_name("needs.csv"),
        );
        let response = impostor
            .http
            .post(server.url("/api/v1/me/postings/import"))
            .header("X-CSRF-Token", &impostor.csrf)
            .multipart(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status(), StatusCode::FORBIDDEN);

        // The bureau confirms the membership (after checking, say, by phone).
        let moderator = Client::page_login(&server, MODERATOR).await;
        let (_, users, token) = moderator.page(&server, "/bureau/users").await;
        assert!(users.contains("单位归属待确认"));
        let id = first_user_with(&users, "/confirm-membership");
        let status = moderator
            .form(
                &server,
                &format!("/bureau/users/{id}/confirm-membership"),
                &[("csrf", &token)],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, own) = impostor.get(&server, "/api/v1/me/postings").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            own["postings"].as_array().is_some_and(|p| !p.is_empty()),
            "the company's needs: {own}"
        );
    })
    .await;
}
