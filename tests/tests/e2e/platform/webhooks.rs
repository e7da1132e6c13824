//! Webhooks through a real server posting to a real HTTPS receiver inside the test
//! process: its certificate (for 127.0.0.1 and localhost) is signed by a test CA that
//! the server trusts through `--webhook-ca-file` (see tests/fixtures/webhook-tls/).
//! An organisation of two members hears of a cause once per webhook; the generic
//! format's HMAC signature and DingTalk's signed query verify; a receiver that fails
//! gets the post again after the backoff (the server's clock moves through its clock
//! file), and then only once more. The receiver listens on loopback, so the server is
//! started with the operator's flag allowing webhooks to reach it.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use chrono::DateTime;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::{Value, json};
use sha2::Sha256;
use techmatch_core::services::outbox::backoff;
use techmatch_core::testing::{TestDb, on_each_backend};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use super::challenges::{TestClock, path_text};
use super::{Client, DEMO_PASSWORD, MODERATOR, first_user_with};
use crate::{Server, start_with};

pub(super) const ENTERPRISE: &str = "enterprise@demo.techmatch";
const DEMO_ENTERPRISE_ORG: &str = "晋阳县华钙纳米材料有限公司";
const GENERIC_SECRET: &str = "generic-secret-0123456789";
const DINGTALK_SECRET: &str = "SECdingtalk0123456789";

pub(super) fn fixture(name: &str) -> String {
    format!("{}/fixtures/webhook-tls/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// One request the receiver got.
#[derive(Debug, Clone)]
pub(super) struct Received {
    /// Path and query, as sent.
    target: String,
    /// Header names in lower case.
    headers: HashMap<String, String>,
    body: String,
}

impl Received {
    fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// A status and a body to answer with.
type Answer = (u16, String);

/// An HTTPS server on 127.0.0.1 that records every request and answers each path
/// with the queued failures first, then `200 {"errcode":0,"errmsg":"ok"}` (what a
/// robot says; a generic receiver ignores the body).
#[derive(Clone, Default)]
pub(super) struct Receiver {
    pub(super) port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    failures: Arc<Mutex<HashMap<String, VecDeque<Answer>>>>,
    /// Paths whose requests are recorded and never answered.
    hanging: Arc<Mutex<HashSet<String>>>,
}

/// What the server must be told to reach a receiver on loopback.
pub(super) fn allow_loopback() -> (&'static str, String) {
    (
        "TECHMATCH_WEBHOOK_ALLOW_PRIVATE",
        "127.0.0.0/8,::1".to_owned(),
    )
}

impl Receiver {
    pub(super) async fn start() -> Receiver {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let certs: Vec<CertificateDer<'static>> =
            CertificateDer::pem_file_iter(fixture("server.pem"))
                .unwrap_or_else(|e| panic!("server.pem: {e}"))
                .collect::<Result<_, _>>()
                .unwrap_or_else(|e| panic!("server.pem: {e}"));
        let key = PrivateKeyDer::from_pem_file(fixture("server.key"))
            .unwrap_or_else(|e| panic!("server.key: {e}"));
        let config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap_or_else(|e| panic!("tls config: {e}"));
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("bind: {e}"));
        let receiver = Receiver {
            port: listener.local_addr().map(|a| a.port()).unwrap_or_default(),
            ..Receiver::default()
        };
        let shared = receiver.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let shared = shared.clone();
                tokio::spawn(async move {
                    if let Ok(tls) = acceptor.accept(stream).await {
                        shared.serve(tls).await;
                    }
                });
            }
        });
        receiver
    }

    /// One HTTP/1.1 request per connection, answered with `Connection: close`.
    async fn serve(&self, stream: tokio_rustls::server::TlsStream<tokio::net::TcpStream>) {
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let target = line
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        let mut headers = HashMap::new();
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).await.unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                headers.insert(name.trim().to_lowercase(), value.trim().to_owned());
            }
        }
        let length: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        let request = Received {
            target,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        let (status, answer) = self
            .failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_mut(request.path())
            .and_then(VecDeque::pop_front)
            .unwrap_or((200, r#"{"errcode":0,"errmsg":"ok"}"#.to_owned()));
        let hangs = self
            .hanging
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(request.path());
        self.received
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(request);
        if hangs {
            tokio::time::sleep(Duration::from_secs(120)).await;
            return;
        }
        let response = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
            answer.len()
        );
        let mut stream = reader.into_inner();
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    }

    /// Requests to `path` are never answered.
    pub(super) fn hang_on(&self, path: &str) {
        self.hanging
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(path.to_owned());
    }

    /// The next request to `path` is answered with `status` and `body`.
    pub(super) fn fail_once(&self, path: &str, status: u16, body: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(path.to_owned())
            .or_default()
            .push_back((status, body.to_owned()));
    }

    pub(super) fn to(&self, path: &str) -> Vec<Received> {
        self.received
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|r| r.path() == path)
            .cloned()
            .collect()
    }

    /// Waits until `path` got `n` requests.
    pub(super) async fn wait_for(&self, path: &str, n: usize) -> Vec<Received> {
        for _ in 0..100 {
            let got = self.to(path);
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{path} did not get {n} request(s) within 10 s: {:?}",
            self.to(path)
        );
    }

    pub(super) fn url(&self, host: &str, path: &str) -> String {
        format!("https://{host}:{}{path}", self.port)
    }
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|e| panic!("{e}"));
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a receiver of the generic format does: recompute the signature over the
/// timestamp and the raw body.
fn generic_signature_holds(request: &Received, body: &str) -> bool {
    let timestamp = &request.headers["x-techmatch-timestamp"];
    let expected = format!(
        "sha256={}",
        hex(&hmac_sha256(
            GENERIC_SECRET.as_bytes(),
            format!("{timestamp}.{body}").as_bytes()
        ))
    );
    request.headers["x-techmatch-signature"] == expected
}

/// The query of a request target, decoded.
fn query(target: &str) -> HashMap<String, String> {
    reqwest::Url::parse(&format!("https://x{target}"))
        .unwrap_or_else(|e| panic!("{target}: {e}"))
        .query_pairs()
        .into_owned()
        .collect()
}

/// Registers a second member of the demo enterprise and has the bureau confirm it.
async fn second_member(server: &Server) {
    Client::register(
        server,
        "second@demo.example.cn",
        "enterprise",
        DEMO_ENTERPRISE_ORG,
    )
    .await;
    let moderator = Client::page_login(server, MODERATOR).await;
    let (_, users, token) = moderator.page(server, "/bureau/users").await;
    let id = first_user_with(&users, "/confirm-membership");
    let status = moderator
        .form(
            server,
            &format!("/bureau/users/{id}/confirm-membership"),
            &[("csrf", &token)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

/// Approves the demo's pending need; returns its title.
pub(super) async fn approve_the_pending_need(server: &Server) -> String {
    let moderator = Client::login(server, MODERATOR, DEMO_PASSWORD).await;
    let (_, queue) = moderator.get(server, "/api/v1/moderation/queue").await;
    let pending = queue["postings"]
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

pub(super) async fn webhooks_of(member: &Client, server: &Server) -> Vec<Value> {
    let (status, listed) = member.get(server, "/api/v1/me/webhooks").await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    listed["webhooks"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn an_organisation_s_webhooks_get_each_cause_once_signed_and_retried() {
    on_each_backend(|db: TestDb| async move {
        let receiver = Receiver::start().await;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        // The real time: a later one would let the demo's 揭榜挂帅 deadlines pass and
        // tell the enterprise (and its webhooks) more than this test's one cause.
        let t0 = chrono::Utc::now();
        let clock = TestClock(dir.path().join("now.txt"));
        clock.set(t0);
        let env = [
            ("TECHMATCH_CLOCK_FILE", path_text(&clock.0)),
            ("TECHMATCH_WEBHOOK_CA_FILE", fixture("ca.pem")),
            allow_loopback(),
        ];
        let server = start_with(&dir.path().join("data"), Some(&db.url), &env);
        second_member(&server).await;
        let enterprise = Client::login(&server, ENTERPRISE, DEMO_PASSWORD).await;

        // Plain http is refused, and nothing is stored.
        let (status, body) = enterprise
            .post(
                &server,
                "/api/v1/me/webhooks",
                json!({"url": format!("http://127.0.0.1:{}/generic", receiver.port),
                       "format": "generic", "secret": GENERIC_SECRET, "kinds": ["workflow"]}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("https://"),
            "{body}"
        );
        assert!(webhooks_of(&enterprise, &server).await.is_empty());

        let (status, generic) = enterprise
            .post(
                &server,
                "/api/v1/me/webhooks",
                json!({"url": receiver.url("127.0.0.1", "/generic"), "format": "generic",
                       "secret": GENERIC_SECRET, "kinds": ["workflow"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{generic}");
        assert_eq!(generic["has_secret"], true);
        assert!(!generic.to_string().contains(GENERIC_SECRET), "{generic}");
        let robot_url = receiver.url("localhost", "/robot/send?access_token=robot-token");
        let (status, dingtalk) = enterprise
            .post(
                &server,
                "/api/v1/me/webhooks",
                json!({"url": robot_url, "format": "dingtalk", "secret": DINGTALK_SECRET,
                       "kinds": ["workflow", "match_alert"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{dingtalk}");
        assert_eq!(webhooks_of(&enterprise, &server).await.len(), 2);

        // Both receivers fail the first time: a 500, and DingTalk's 200 with an
        // error code.
        receiver.fail_once("/generic", 500, "boom");
        receiver.fail_once(
            "/robot/send",
            200,
            r#"{"errcode":310000,"errmsg":"sign not match"}"#,
        );
        let title = approve_the_pending_need(&server).await;
        receiver.wait_for("/generic", 1).await;
        receiver.wait_for("/robot/send", 1).await;
        // The failures are recorded; nothing is tried again before the backoff.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(receiver.to("/generic").len(), 1);
        assert_eq!(receiver.to("/robot/send").len(), 1);
        let listed = webhooks_of(&enterprise, &server).await;
        for (hook, error) in listed.iter().zip(["500", "310000"]) {
            let last = &hook["last_delivery"];
            assert_eq!(last["status"], "pending", "{hook}");
            assert_eq!(last["attempts"], 1, "{hook}");
            assert!(
                last["last_error"]
                    .as_str()
                    .unwrap_or_default()
                    .contains(error),
                "{hook}"
            );
            assert!(
                !last["last_error"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("robot-token"),
                "errors do not show the robot's token: {hook}"
            );
        }

        // Past the first backoff: both arrive, and only once more each, although
        // the organisation has two members who were both told.
        let retry_at = t0 + backoff(1) + chrono::Duration::seconds(1);
        clock.set(retry_at);
        let generic_posts = receiver.wait_for("/generic", 2).await;
        let robot_posts = receiver.wait_for("/robot/send", 2).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(receiver.to("/generic").len(), 2);
        assert_eq!(receiver.to("/robot/send").len(), 2);
        for hook in webhooks_of(&enterprise, &server).await {
            assert_eq!(hook["last_delivery"]["status"], "sent", "{hook}");
        }

        // The generic post: the notice as JSON, the same id on every attempt, signed
        // over timestamp and body; a tampered body would not verify.
        let (first, second) = (&generic_posts[0], &generic_posts[1]);
        let body = second.json();
        assert_eq!(first.json()["id"], body["id"], "the same post, retried");
        // Random, not the outbox's sequence number, which counts the platform's notices.
        let id = body["id"].as_str().unwrap_or_default();
        assert!(
            id.len() >= 16 && id.chars().all(|c| c.is_ascii_hexdigit()),
            "{body}"
        );
        assert_eq!(second.headers["x-techmatch-delivery"], id);
        assert_eq!(body["kind"], "workflow");
        assert!(
            body["cause"]
                .as_str()
                .unwrap_or_default()
                .starts_with("moderation:need:"),
            "{body}"
        );
        // The posting is named by its random public id, not the database's sequence
        // number, which would place it among its organisation's others.
        let named = body["cause"]
            .as_str()
            .unwrap_or_default()
            .split(':')
            .nth(2)
            .unwrap_or_default();
        assert!(
            named.starts_with("WN-") && named.len() == 15,
            "the cause names the need by public id: {body}"
        );
        assert!(
            body["subject"]
                .as_str()
                .unwrap_or_default()
                .contains(&title),
            "{body}"
        );
        let text = body["text"].as_str().unwrap_or_default();
        assert!(
            text.contains(&title) && text.contains("/me/postings/"),
            "{text}"
        );
        assert!(
            !text.contains("/unsubscribe") && !text.contains("您好"),
            "no member's greeting or unsubscribe link in a group's message: {text}"
        );
        assert!(
            DateTime::parse_from_rfc3339(body["created_at"].as_str().unwrap_or_default()).is_ok()
        );
        assert_eq!(
            second.headers["x-techmatch-timestamp"],
            retry_at.timestamp().to_string()
        );
        assert_eq!(second.headers["content-type"], "application/json");
        assert!(
            second.headers["user-agent"].contains("techmatch"),
            "{:?}",
            second.headers
        );
        assert!(generic_signature_holds(second, &second.body));
        assert!(generic_signature_holds(first, &first.body));
        let tampered = second.body.replace(&title, "篡改后的标题");
        assert!(!generic_signature_holds(second, &tampered));

        // The DingTalk post: markdown, signed in the query beside the robot's token.
        let post = &robot_posts[1];
        let params = query(&post.target);
        assert_eq!(params["access_token"], "robot-token");
        let timestamp = &params["timestamp"];
        assert_eq!(*timestamp, retry_at.timestamp_millis().to_string());
        let sign = base64::engine::general_purpose::STANDARD.encode(hmac_sha256(
            DINGTALK_SECRET.as_bytes(),
            format!("{timestamp}\n{DINGTALK_SECRET}").as_bytes(),
        ));
        assert_eq!(params["sign"], sign);
        let body = post.json();
        assert_eq!(body["msgtype"], "markdown");
        assert!(
            body["markdown"]["title"]
                .as_str()
                .unwrap_or_default()
                .contains(&title),
            "{body}"
        );
        assert!(
            body["markdown"]["text"]
                .as_str()
                .unwrap_or_default()
                .contains(&title),
            "{body}"
        );

        // The administrator sees the posts among the sent notices, by channel.
        let admin = Client::login(&server, "admin@demo.techmatch", DEMO_PASSWORD).await;
        let (_, outbox) = admin.get(&server, "/api/v1/outbox").await;
        let sent = outbox["sent"].as_array().cloned().unwrap_or_default();
        assert_eq!(
            sent.iter().filter(|n| n["channel"] == "webhook").count(),
            2,
            "{outbox}"
        );
        let (_, html, _) = Client::page_login(&server, "admin@demo.techmatch")
            .await
            .page(&server, "/bureau/outbox")
            .await;
        assert!(
            html.contains("Webhook") && html.contains("已放弃"),
            "{html}"
        );

        // Another organisation cannot delete them, nor learn they exist; a member can.
        let rival =
            Client::register(&server, "rival@other.example.cn", "enterprise", "别家公司").await;
        assert!(webhooks_of(&rival, &server).await.is_empty());
        let dingtalk_id = dingtalk["id"].as_i64().unwrap_or_default();
        let delete = |who: &Client| {
            who.http
                .delete(server.url(&format!("/api/v1/me/webhooks/{dingtalk_id}")))
                .header("X-CSRF-Token", &who.csrf)
                .send()
        };
        let refused = delete(&rival).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(refused.status(), StatusCode::NOT_FOUND);
        let deleted = delete(&enterprise).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
        assert_eq!(webhooks_of(&enterprise, &server).await.len(), 1);

        // The page: the list, and the form (with its CSRF token) refusing http://
        // and adding a WeCom robot.
        let browser = Client::page_login(&server, ENTERPRISE).await;
        let (status, html, token) = browser.page(&server, "/me/webhooks").await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(
            html.contains("/generic") && html.contains("已发送"),
            "{html}"
        );
        let wecom = receiver.url("127.0.0.1", "/cgi-bin/webhook/send?key=k");
        let status = browser
            .form(
                &server,
                "/me/webhooks",
                &[
                    ("csrf", &token),
                    ("format", "wecom"),
                    ("url", &wecom.replace("https://", "http://")),
                    ("kinds", "workflow"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let status = browser
            .form(
                &server,
                "/me/webhooks",
                &[
                    ("csrf", &token),
                    ("format", "wecom"),
                    ("url", &wecom),
                    ("secret", ""),
                    ("kinds", "workflow"),
                    ("kinds", "match_alert"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let listed = webhooks_of(&enterprise, &server).await;
        assert_eq!(listed.len(), 2, "{listed:?}");
        assert_eq!(listed[1]["format"], "wecom");
        assert_eq!(listed[1]["kinds"], json!(["workflow", "match_alert"]));
        let status = browser
            .form(
                &server,
                "/me/webhooks",
                &[("format", "wecom"), ("url", &wecom), ("kinds", "workflow")],
            )
            .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "no form without its CSRF token"
        );
        assert_eq!(webhooks_of(&enterprise, &server).await.len(), 2);

        drop(server);
        drop(dir);
        db
    })
    .await;
}
