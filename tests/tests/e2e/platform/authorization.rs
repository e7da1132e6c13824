//! Every object route, tried with other people's ids: by a visitor, by an enterprise
//! user and a researcher of organisations that own nothing on the platform, by a panel
//! expert who sits on no panel and by a broker the bureau assigned to nobody, so that
//! every id they can name belongs to someone else; and by a moderator, on what no office
//! of the bureau's allows (acting for an organisation, a side of a 对接, a bid). Nothing
//! may succeed except what is public by design, nothing may fail with a server error,
//! and the database must not change.
//!
//! The API routes come from the OpenAPI document, so a new route is swept without
//! touching this test; the page routes are listed here.

use std::collections::BTreeSet;
use std::path::Path;

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{Client, DEMO_PASSWORD, MODERATOR, client};
use crate::start_with;

/// Ids tried in every route: the demo's objects of every kind have ids in this range.
const IDS: std::ops::RangeInclusive<i64> = 1..=8;

/// Page routes with an object in the path (see the areas' `routes()` in `server/*/mod.rs`).
const PAGE_ROUTES: [&str; 43] = [
    "/needs/{id}",
    "/achievements/{id}",
    "/me/postings/{id}",
    "/me/postings/{id}/edit",
    "/me/postings/{id}/action",
    "/contacts/{id}",
    "/contacts/{id}/action",
    "/contacts/{id}/messages",
    "/bureau/{kind}/{id}/decide",
    "/bureau/users/{id}/suspend",
    "/bureau/users/{id}/confirm-membership",
    "/bureau/brokers/{id}/assignments",
    "/bureau/brokers/{id}/assignments/{org_id}/remove",
    "/bureau/orgs/{id}/verify",
    "/bureau/outbox/{id}/retry",
    "/bureau/outbox/mail/{id}",
    "/me/searches/{id}/delete",
    "/me/webhooks/{id}/delete",
    "/bureau/challenges/{id}",
    "/bureau/challenges/{id}/act",
    "/bureau/challenges/{id}/experts",
    "/bureau/challenges/{id}/experts/{expert_id}/remove",
    "/bureau/challenges/{id}/consortium",
    "/bureau/challenges/{id}/void-sheet",
    "/bureau/challenges/{id}/criteria",
    "/bureau/challenges/{id}/formal-review",
    "/bureau/challenges/{id}/winners",
    "/bureau/challenges/{id}/objections",
    "/bureau/challenges/{id}/award",
    "/bureau/challenges/{id}/execution",
    "/bureau/challenges/{id}/milestones",
    "/bureau/challenges/{id}/acceptance",
    "/bids/{id}/score",
    "/expert/challenges/{id}/conflict",
    "/challenges/{id}",
    "/challenges/{id}/edit",
    "/challenges/{id}/action",
    "/challenges/{id}/objections",
    "/challenges/{id}/bid",
    "/bids/{id}",
    "/bids/{id}/edit",
    "/bids/{id}/action",
    "/milestones/{id}/report",
];

/// Reads that are public by design: published postings and their matches, published
/// calls with their documents, the bid form of an open call. Taking part in a call
/// (objecting during the 公示; bidding, for those who speak for an organisation) is open
/// and not swept; experts and brokers acting for nobody may not bid.
fn public_or_open(who: &str, method: &Method, template: &str) -> bool {
    let public_read = *method == Method::GET
        && [
            "/needs/{id}",
            "/achievements/{id}",
            "/api/v1/needs/{id}/matches",
            "/api/v1/achievements/{id}/matches",
            "/challenges/{id}",
            "/challenges/{id}/bid",
            "/api/v1/challenges/{id}",
            "/api/v1/challenges/{id}/attachments",
        ]
        .contains(&template);
    let bids = ["/api/v1/challenges/{id}/bids", "/challenges/{id}/bid"];
    let may_bid = !["expert", "broker"].contains(&who);
    let participation = *method == Method::POST
        && ([
            "/api/v1/challenges/{id}/objections",
            "/challenges/{id}/objections",
        ]
        .contains(&template)
            || (may_bid && bids.contains(&template)));
    public_read || participation
}

/// Every (method, template) of the API with a path parameter, from its OpenAPI document.
async fn api_routes(server: &crate::Server) -> Vec<(Method, String)> {
    all_api_routes(server)
        .await
        .into_iter()
        .filter(|(_, path)| path.contains('{'))
        .collect()
}

/// Every (method, template) of the API, from its OpenAPI document.
async fn all_api_routes(server: &crate::Server) -> Vec<(Method, String)> {
    let (status, document) = client().get(server, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let mut routes = Vec::new();
    for (path, operations) in document["paths"].as_object().cloned().unwrap_or_default() {
        for method in operations
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            if let Ok(method) = Method::from_bytes(method.to_uppercase().as_bytes()) {
                routes.push((method, path.clone()));
            }
        }
    }
    assert!(
        routes.len() > 40,
        "the OpenAPI document lists the object routes: {routes:?}"
    );
    routes
}

/// What bureau staff may not do whatever their office: act as a member of an
/// organisation (its postings, tokens, searches, webhooks), speak in a 对接 or sign for a
/// side, or write a bid or a milestone report. Reading bids and contacts, linking a bid's
/// consortium members and a bid's 验收 are the bureau's office and are not swept for them.
fn beyond_the_bureau(method: &Method, template: &str) -> bool {
    let members_only = ["/api/v1/me/", "/me/"];
    let sides_only = ["/api/v1/contacts/", "/contacts/", "/api/v1/bids/", "/bids/"];
    let reports = ["/api/v1/milestones/", "/milestones/"];
    members_only.iter().any(|p| template.starts_with(p))
        || (*method != Method::GET
            && sides_only
                .iter()
                .chain(&reports)
                .any(|p| template.starts_with(p))
            && !template.ends_with("/score")
            && !template.ends_with("/acceptance")
            && !template.contains("/consortium"))
}

/// An account the bureau appoints on the command line, logged in.
async fn appointed(
    server: &crate::Server,
    data: &Path,
    email: &str,
    role: &str,
    organisation: Option<(&str, &str)>,
) -> Client {
    let mut command = crate::techmatch(data);
    command.env("TECHMATCH_PASSWORD", DEMO_PASSWORD).args([
        "user",
        "add",
        "--email",
        email,
        "--name",
        "越权测试",
        "--role",
        role,
    ]);
    if let Some((name, kind)) = organisation {
        command.args(["--org", name, "--org-kind", kind]);
    }
    let output = command.output().unwrap_or_else(|e| panic!("user add: {e}"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Client::login(server, email, DEMO_PASSWORD).await
}

fn fill(template: &str, id: i64) -> String {
    template
        .replace("{kind}", "needs")
        .replace("{org_id}", &id.to_string())
        .replace("{user_id}", &id.to_string())
        .replace("{expert_id}", &id.to_string())
        .replace("{index}", "0")
        .replace("{id}", &id.to_string())
}

/// One request as `who`; JSON for the API, a form with the session's CSRF token for pages.
async fn attempt(server: &crate::Server, who: &Client, method: &Method, path: &str) -> StatusCode {
    let mut request = who.http.request(method.clone(), server.url(path));
    if path.starts_with("/api/") {
        if !who.csrf.is_empty() {
            request = request.header("X-CSRF-Token", &who.csrf);
        }
        if *method != Method::GET && *method != Method::DELETE {
            request = request.json(&json!({
                "action": "withdraw", "body": "越权", "title": "越权", "reason": "other",
                "note": "越权", "org_id": 1, "uscc": "91140000MA0XXXXX0X", "accept_reason": "越权",
                "name": "越权", "days": 5, "scores": [], "passed": true, "bid_ids": [1],
            }));
        }
    } else if *method == Method::POST {
        request = request.form(&[
            ("csrf", who.csrf.as_str()),
            ("action", "withdraw"),
            ("body", "越权"),
            ("org_id", "1"),
        ]);
    }
    request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
        .status()
}

/// The rows that hold people's objects, from the server's SQLite file.
async fn objects(database: &Path) -> Vec<String> {
    // Sessions, login counts, the audit log and the followers' cursors change with any
    // request; they are not objects anyone owns.
    const VOLATILE: [&str; 6] = [
        "sessions:",
        "login_failures:",
        "audit_log:",
        "settings:",
        "outbox:",
        "changes:",
    ];
    crate::backup::dump(database)
        .await
        .into_iter()
        .filter(|row| !VOLATILE.iter().any(|t| row.starts_with(t)))
        .collect()
}

#[tokio::test]
async fn no_one_reaches_another_organisations_objects_by_naming_their_ids() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("data");
    let server = start_with(&data, None, &[]);
    // Objects of every kind exist: the demo's postings, contacts, calls, bids and
    // milestones, plus a token, a saved search and a webhook of the demo enterprise.
    let owner = Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
    for (path, body) in [
        ("/api/v1/me/tokens", json!({ "name": "erp" })),
        (
            "/api/v1/me/searches",
            json!({ "kind": "achievements", "q": "碳酸钙", "name": "碳酸钙" }),
        ),
        (
            "/api/v1/me/webhooks",
            json!({
                "url": "https://hooks.example.cn/techmatch", "format": "generic",
                "secret": "a-webhook-secret-long-enough-to-sign-with", "kinds": ["workflow"],
            }),
        ),
    ] {
        let (status, created) = owner.post(&server, path, body).await;
        assert!(status.is_success(), "{path}: {created}");
    }
    let expert = appointed(
        &server,
        &data,
        "idle-expert@uni.example.cn",
        "expert",
        Some(("另一所测试大学", "university")),
    )
    .await;
    let broker = appointed(
        &server,
        &data,
        "idle-broker@agency.example.cn",
        "broker",
        None,
    )
    .await;
    let intruders = [
        ("visitor", client()),
        (
            "enterprise",
            Client::register(
                &server,
                "intruder@other.example.cn",
                "enterprise",
                "另一家测试企业有限公司",
            )
            .await,
        ),
        (
            "researcher",
            Client::register(
                &server,
                "intruder@lab.example.cn",
                "researcher",
                "另一所测试研究院",
            )
            .await,
        ),
        ("expert", expert),
        ("broker", broker),
        (
            "moderator",
            Client::login(&server, MODERATOR, DEMO_PASSWORD).await,
        ),
    ];
    let before = objects(&data.join("techmatch.db")).await;
    // A call's documents are public; a bid's are not.
    let mut public_attachments = BTreeSet::new();
    for call in IDS {
        let (_, listed) = client()
            .get(&server, &format!("/api/v1/challenges/{call}/attachments"))
            .await;
        for attachment in listed["attachments"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            public_attachments.insert(format!("/api/v1/attachments/{}", attachment["id"]));
        }
    }

    let mut routes: BTreeSet<(String, String)> = api_routes(&server)
        .await
        .into_iter()
        .map(|(m, p)| (m.to_string(), p))
        .collect();
    for page in PAGE_ROUTES {
        routes.insert(("GET".to_owned(), page.to_owned()));
        routes.insert(("POST".to_owned(), page.to_owned()));
    }
    let mut violations = Vec::new();
    let mut tried = 0;
    for (method, template) in &routes {
        let method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
        for (who, intruder) in &intruders {
            if public_or_open(who, &method, template)
                || (*who == "moderator" && !beyond_the_bureau(&method, template))
            {
                continue;
            }
            for id in IDS {
                let path = fill(template, id);
                let status = attempt(&server, intruder, &method, &path).await;
                tried += 1;
                if status.is_success() && public_attachments.contains(&path) {
                    continue;
                }
                let refused = matches!(status.as_u16(), 400 | 401 | 403 | 404 | 405 | 415 | 422)
                    // A page that needs a login sends the visitor there.
                    || (*who == "visitor" && status == StatusCode::SEE_OTHER);
                if !refused {
                    violations.push(format!("{who}: {method} {path} -> {status}"));
                }
            }
        }
    }
    assert!(tried > 1000, "{tried} attempts");
    assert!(
        violations.is_empty(),
        "{} got through:\n{}",
        violations.len(),
        violations.join("\n")
    );
    let after = objects(&data.join("techmatch.db")).await;
    let changed: Vec<&String> = after.iter().filter(|row| !before.contains(row)).collect();
    assert!(changed.is_empty(), "objects changed: {changed:?}");
}

/// Logging in and registering happen before there is a session to protect.
const BEFORE_A_SESSION: [&str; 3] = [
    "/api/v1/session",
    "/api/v1/users",
    "/api/v1/users/confirmations",
];

#[tokio::test]
async fn every_state_change_needs_the_csrf_token() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("data");
    let server = start_with(&data, None, &[]);
    // The owner's own session, as a forged cross-site request would carry it: the cookie
    // goes along, the token does not.
    let mut forged = Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
    forged.csrf.clear();
    let before = objects(&data.join("techmatch.db")).await;
    let mut routes: BTreeSet<(String, String)> = all_api_routes(&server)
        .await
        .into_iter()
        .filter(|(method, path)| {
            *method != Method::GET && !BEFORE_A_SESSION.contains(&path.as_str())
        })
        .map(|(m, p)| (m.to_string(), p))
        .collect();
    // Page forms: the object routes and those that create or change settings. (The
    // one-click unsubscribe link is signed instead, as RFC 8058 wants.)
    for page in PAGE_ROUTES.into_iter().chain([
        "/logout",
        "/me/new",
        "/me/upload",
        "/contacts",
        "/bureau/users/appoint",
        "/bureau/settings",
        "/me/acting",
        "/me/notifications",
        "/me/searches",
        "/me/webhooks",
        "/challenges/new",
    ]) {
        routes.insert(("POST".to_owned(), page.to_owned()));
    }
    let mut accepted = Vec::new();
    for (method, template) in &routes {
        let method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::POST);
        for id in 1..=3 {
            let path = fill(template, id);
            let status = attempt(&server, &forged, &method, &path).await;
            if status.is_success() || status.is_redirection() || status.is_server_error() {
                accepted.push(format!("{method} {path} -> {status}"));
            }
        }
    }
    assert!(routes.len() > 60, "{} state-changing routes", routes.len());
    assert!(
        accepted.is_empty(),
        "accepted without the token:\n{}",
        accepted.join("\n")
    );
    let after = objects(&data.join("techmatch.db")).await;
    let changed: Vec<&String> = after.iter().filter(|row| !before.contains(row)).collect();
    assert!(changed.is_empty(), "objects changed: {changed:?}");
}
