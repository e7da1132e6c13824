//! Organisation identity, replayed as the stranger who registers first under a company
//! the bureau has not imported yet: through the real server and the real import
//! command, on SQLite and PostgreSQL.

use std::path::Path;

use reqwest::StatusCode;
use serde_json::{Value, json};
use techmatch_core::testing::{TestDb, on_each_backend};

use super::{Client, DEMO_PASSWORD, MODERATOR, client};
use crate::{Server, start_on};

const COMPANY: &str = "晋阳县钙晶新材料有限公司";
const COMPANY_USCC: &str = "91350100M000100Y43";

/// Registers through the API as a new enterprise user naming `org` and its code.
async fn register(server: &Server, email: &str, org: &str, uscc: &str) -> (Client, Value) {
    let fields = json!({
        "email": email, "display_name": "冒名者", "role": "enterprise",
        "org_name": org, "org_uscc": uscc,
    });
    Client::register_with(server, fields).await
}

/// The bureau imports the company's list with the command line, as it does.
fn bureau_imports(data: &Path, database_url: &str) {
    let lists = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = lists.path().join("needs.csv");
    let list = format!(
        "需求编号,需求名称,需求描述,企业名称,统一社会信用代码,是否保密\n\
         GJ-1,高白度重质碳酸钙研磨工艺,需要湿法研磨与分级技术。,{COMPANY},{COMPANY_USCC},否\n\
         GJ-2,碳酸钙晶须连续合成,保密需求：晶须长径比稳定控制。,{COMPANY},{COMPANY_USCC},是\n"
    );
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

/// The bureau's view of an organisation by name (the registry's or a provisional one).
fn orgs_named<'a>(listing: &'a Value, name: &str) -> Vec<&'a Value> {
    listing["organisations"]
        .as_array()
        .map(|all| all.iter().filter(|o| o["name"] == name).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_stranger_who_registers_first_never_owns_the_company() {
    on_each_backend(|db: TestDb| async move {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let data = dir.path().join("data");
        let server = start_on(&data, Some(&db.url));
        let (stranger, registered) =
            register(&server, "stranger@example.com", COMPANY, COMPANY_USCC).await;
        assert_eq!(registered["user"]["org_confirmed"], true, "{registered}");

        bureau_imports(&data, &db.url);

        // The company's postings, the confidential one included, are not the stranger's.
        let (_, own) = stranger.get(&server, "/api/v1/me/postings").await;
        let titles: Vec<&str> = own["postings"]
            .as_array()
            .map(|p| p.iter().filter_map(|p| p["title"].as_str()).collect())
            .unwrap_or_default();
        assert!(
            titles.is_empty(),
            "the stranger sees the company's postings: {own}"
        );

        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let (status, listing) = moderator.get(&server, "/api/v1/organisations").await;
        assert_eq!(status, StatusCode::OK, "{listing}");
        let named = orgs_named(&listing, COMPANY);
        assert_eq!(named.len(), 2, "{listing}");
        let provisional = named.iter().find(|o| o["provisional"] == true).copied();
        let registry = named.iter().find(|o| o["provisional"] == false).copied();
        let (Some(provisional), Some(registry)) = (provisional, registry) else {
            panic!("one provisional and one registry organisation: {listing}");
        };
        let conflicts = listing["conflicts"].as_array().cloned().unwrap_or_default();
        assert!(
            conflicts
                .iter()
                .any(|c| c["provisional"]["id"] == provisional["id"]
                    && c["other"]["id"] == registry["id"]
                    && c["shared"] == "uscc"),
            "{listing}"
        );

        // Neither the stranger nor another member may merge or verify anything.
        let path = format!("/api/v1/organisations/{}/merge", provisional["id"]);
        let body = json!({ "into": registry["id"] });
        let (status, _) = stranger.post(&server, &path, body.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let verify = format!("/api/v1/organisations/{}/verify", provisional["id"]);
        let (status, _) = stranger
            .post(&server, &verify, json!({ "uscc": COMPANY_USCC }))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // The bureau cannot verify the duplicate into the registry: it must merge.
        let (status, refused) = moderator
            .post(&server, &verify, json!({ "uscc": COMPANY_USCC }))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{refused}");

        let (status, merged) = moderator.post(&server, &path, body).await;
        assert_eq!(status, StatusCode::OK, "{merged}");
        assert_eq!(merged["members"], 1, "{merged}");

        // Merged, the stranger is an unconfirmed member: still nothing to act on.
        let (status, refused) = stranger
            .post(
                &server,
                "/api/v1/me/postings",
                super::need_body("冒名发布的需求"),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
        let (status, own) = stranger.get(&server, "/api/v1/me/postings").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{own}");
        let (_, listing) = moderator.get(&server, "/api/v1/organisations").await;
        assert_eq!(orgs_named(&listing, COMPANY).len(), 1, "{listing}");
        let conflicts = listing["conflicts"].as_array().cloned().unwrap_or_default();
        assert!(
            !conflicts
                .iter()
                .any(|c| c["provisional"]["id"] == provisional["id"]),
            "{listing}"
        );
        drop(server);
        drop(dir);
        db
    })
    .await;
}

#[tokio::test]
async fn the_public_sees_which_organisations_the_bureau_verified() {
    on_each_backend(|db: TestDb| async move {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let data = dir.path().join("data");
        let server = start_on(&data, Some(&db.url));
        bureau_imports(&data, &db.url);
        let anonymous = client();
        assert!(super::searchable(&anonymous, &server, "高白度重质碳酸钙研磨工艺").await);
        let hit = |found: &Value| {
            found["hits"]
                .as_array()
                .and_then(|h| h.first())
                .cloned()
                .unwrap_or_default()
        };
        let query = "/api/v1/search?kind=needs&q=高白度重质碳酸钙研磨工艺";
        let (_, found) = anonymous.get(&server, query).await;
        assert_eq!(hit(&found)["org_verified"], false, "{found}");

        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let (_, listing) = moderator.get(&server, "/api/v1/organisations").await;
        let id = orgs_named(&listing, COMPANY)
            .first()
            .map(|o| o["id"].clone())
            .unwrap_or_default();
        let verify = format!("/api/v1/organisations/{id}/verify");
        let (status, body) = moderator
            .post(&server, &verify, json!({ "uscc": COMPANY_USCC }))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let mut verified = false;
        for _ in 0..40 {
            let (_, found) = anonymous.get(&server, query).await;
            if hit(&found)["org_verified"] == true {
                verified = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        assert!(verified, "the index never showed the 已核验 mark");
        let (status, html) = {
            let (_, found) = anonymous.get(&server, query).await;
            let path = format!(
                "/needs/{}",
                hit(&found)["external_id"].as_str().unwrap_or_default()
            );
            let (status, html, _) = anonymous.page(&server, &path).await;
            (status, html)
        };
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("id=\"org-verified\""), "{html}");
        drop(server);
        drop(dir);
        db
    })
    .await;
}

#[tokio::test]
async fn registrations_cannot_be_scripted() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let server = crate::start_with(&dir.path().join("data"), None, &[]);
    let attempt = |n: usize| {
        let server = &server;
        async move {
            let (status, _) = client()
                .post(
                    server,
                    "/api/v1/users",
                    json!({
                        "email": "bot@example.com", "password": "a-good-password",
                        "display_name": format!("脚本{n}"), "role": "enterprise",
                        "org_name": format!("脚本注册公司{n}"),
                    }),
                )
                .await;
            status
        }
    };
    let mut statuses = Vec::new();
    for n in 0..6 {
        statuses.push(attempt(n).await);
    }
    assert_eq!(statuses[0], StatusCode::ACCEPTED);
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
    let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
    let (_, listing) = moderator.get(&server, "/api/v1/organisations").await;
    let scripted = listing["organisations"].as_array().map(|all| {
        all.iter()
            .filter(|o| {
                o["name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("脚本注册公司"))
            })
            .count()
    });
    assert_eq!(
        scripted,
        Some(0),
        "nothing exists before an address is confirmed: {listing}"
    );
}

/// The link's token in a registration mail.
fn token_in(mail: &str) -> String {
    super::mail_text(mail)
        .split("/register/confirm?token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no confirmation link in {mail}"))
}

/// Whether a raw mail's text holds `words`.
fn says(mail: &str, words: &str) -> bool {
    super::decoded_parts(mail).iter().any(|p| p.contains(words))
}

/// A registration proves its address before anything exists: until the mailed link is
/// followed there is no account to log in with (so nothing can be posted or asked), and
/// no organisation claims the name. Whoever follows the link chooses the password, so
/// nobody can prepare an account for someone else's address. Asking to register an
/// address that has an account answers exactly as for a new one and changes nothing;
/// only the mail to that address says what happened, once a day at most. Nobody can
/// flood a mailbox with links.
#[tokio::test]
async fn an_address_is_confirmed_before_the_account_exists() {
    super::on_each_platform(|server| async move {
        let squatter = "冒名注册有限公司";
        let fields = |email: &str| {
            json!({
                "email": email, "password": "attackers-password", "display_name": "冒名者",
                "role": "enterprise", "org_name": squatter,
            })
        };
        let (new_status, new_answer) = client()
            .post(
                &server,
                "/api/v1/users",
                fields("newcomer@squat.example.cn"),
            )
            .await;
        let (known_status, known_answer) = client()
            .post(
                &server,
                "/api/v1/users",
                fields("enterprise@demo.techmatch"),
            )
            .await;
        assert_eq!(new_status, StatusCode::ACCEPTED, "{new_answer}");
        assert_eq!(
            (known_status, &known_answer),
            (new_status, &new_answer),
            "a known address answers as a new one"
        );

        // The owner of the known address is told, once a day however often it is
        // entered, and nothing about the account changed.
        let known_mail = |m: &str| says(m, "已有账号");
        let known = server
            .mail_to("enterprise@demo.techmatch", known_mail)
            .await;
        assert!(!says(&known, "/register/confirm"), "{known}");
        client()
            .post(
                &server,
                "/api/v1/users",
                fields("enterprise@demo.techmatch"),
            )
            .await;
        Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
        let (status, _) = client()
            .post(
                &server,
                "/api/v1/session",
                json!({"email": "enterprise@demo.techmatch", "password": "attackers-password"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        // Unconfirmed: no account, no organisation; opening the link creates nothing.
        let link = server
            .mail_to("newcomer@squat.example.cn", |m| {
                says(m, "/register/confirm?token=")
            })
            .await;
        assert!(
            !says(&link, squatter),
            "the mail carries no words the asker typed"
        );
        let token = token_in(&link);
        let visitor = client();
        let (status, page, csrf) = visitor
            .page(&server, &format!("/register/confirm?token={token}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("newcomer@squat.example.cn") && page.contains(squatter));
        for password in ["attackers-password", "owners-password-1"] {
            let login = json!({"email": "newcomer@squat.example.cn", "password": password});
            let (status, _) = client().post(&server, "/api/v1/session", login).await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "no account before the link is followed"
            );
        }
        let bureau = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let (_, orgs) = bureau.get(&server, "/api/v1/organisations").await;
        assert!(!orgs.to_string().contains(squatter), "{orgs}");
        let (status, _) = client()
            .post(
                &server,
                "/api/v1/users/confirmations",
                json!({"token": format!("{token}0"), "password": "owners-password-1"}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a wrong token creates nothing"
        );

        // Following the link, the mailbox's owner chooses the password: the account
        // exists, signed in, with a provisional organisation; the asker's password
        // opens nothing; the link is spent.
        let confirm = |password: &'static str| {
            let (visitor, csrf, token) = (&visitor, csrf.clone(), token.clone());
            let server = &server;
            async move {
                visitor
                    .form(
                        server,
                        "/register/confirm",
                        &[
                            ("csrf", csrf.as_str()),
                            ("token", token.as_str()),
                            ("password", password),
                        ],
                    )
                    .await
            }
        };
        assert_eq!(confirm("short").await, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(confirm("owners-password-1").await, StatusCode::SEE_OTHER);
        let (status, me) = visitor.get(&server, "/api/v1/me").await;
        assert_eq!(status, StatusCode::OK, "{me}");
        assert_eq!(me["user"]["email"], "newcomer@squat.example.cn");
        Client::login(&server, "newcomer@squat.example.cn", "owners-password-1").await;
        let (status, _) = client()
            .post(
                &server,
                "/api/v1/session",
                json!({"email": "newcomer@squat.example.cn", "password": "attackers-password"}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "the asker chose no password"
        );
        let (_, orgs) = bureau.get(&server, "/api/v1/organisations").await;
        let created = orgs["organisations"]
            .as_array()
            .and_then(|all| all.iter().find(|o| o["name"] == squatter).cloned())
            .unwrap_or_else(|| panic!("{orgs}"));
        assert_eq!(created["provisional"], true, "{created}");
        let (status, _) = client()
            .post(
                &server,
                "/api/v1/users/confirmations",
                json!({"token": token, "password": "owners-password-1"}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "the link is spent"
        );

        // However often an address is entered, only a few links wait for it.
        for _ in 0..4 {
            let (status, _) = client()
                .post(&server, "/api/v1/users", fields("flooded@squat.example.cn"))
                .await;
            assert_eq!(status, StatusCode::ACCEPTED);
        }
        let is_link = |m: &str| says(m, "/register/confirm?token=");
        for _ in 0..100 {
            if server.mail_count("flooded@squat.example.cn", is_link) >= 3 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
        assert_eq!(server.mail_count("flooded@squat.example.cn", is_link), 3);
        assert_eq!(
            server.mail_count("enterprise@demo.techmatch", known_mail),
            1
        );

        // The register page answers with the same "check your mail", for a known address too.
        let browser = client();
        let (_, _, csrf) = browser.page(&server, "/register").await;
        let response = browser
            .http
            .post(server.url("/register"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", "researcher@demo.techmatch"),
                ("display_name", "某人"),
                ("role", "researcher"),
                ("org_name", "某研究院"),
                ("org_kind", "institute"),
            ])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status(), StatusCode::OK);
        let page = response.text().await.unwrap_or_default();
        assert!(page.contains("我们已向该邮箱发送一封邮件"), "{page}");
    })
    .await;
}

/// Review: the OpenAPI document's `AccountBody` described `services::users::User`
/// beside the code that serialised it, and could drift. `/api/v1/me` answers through
/// the documented bodies; its keys are the document's, no more and no fewer.
#[tokio::test]
async fn the_signed_in_user_has_exactly_the_keys_the_document_describes() {
    super::on_each_platform(|server| async move {
        let (member, _) = register(&server, "keys@example.com", COMPANY, COMPANY_USCC).await;
        let (status, me) = member.get(&server, "/api/v1/me").await;
        assert_eq!(status, StatusCode::OK, "{me}");
        let (_, document) = client().get(&server, "/api/v1/openapi.json").await;
        let schemas = &document["components"]["schemas"];
        let keys = |value: &Value| -> Vec<String> {
            let mut keys: Vec<String> = value
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            keys.sort();
            keys
        };
        assert_eq!(
            keys(&me),
            keys(&schemas["SignedInBody"]["properties"]),
            "{me}"
        );
        assert_eq!(
            keys(&me["user"]),
            keys(&schemas["AccountBody"]["properties"]),
            "{me}"
        );
        assert!(!keys(&me["user"]).is_empty(), "{me}");
    })
    .await;
}
