//! Match alerts and saved searches through a real server with a real SMTP server: a
//! published need alerts the owners of matching achievements once per pair, with the
//! explanation; a kept search reports new postings that answer it; a user's threshold
//! silences weaker matches; and 1,000 publications turn into one digest per recipient.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use techmatch_core::testing::{TestDb, on_each_backend};

use super::{Client, DEMO_PASSWORD, MODERATOR, decoded_parts, published_need};
use crate::{Server, start_with};

const RESEARCHER: &str = "researcher@demo.techmatch";
const ENTERPRISE: &str = "enterprise@demo.techmatch";

/// Whether a raw mail went to `to` and one of its parts contains every one of `words`.
fn mail_to_with(raw: &str, to: &str, words: &[&str]) -> bool {
    raw.contains(to)
        && decoded_parts(raw)
            .iter()
            .any(|part| words.iter().all(|w| part.contains(w)))
}

/// Whether a raw mail went to `to` and is not the account mail of its registration.
fn alert_to(raw: &str, to: &str) -> bool {
    raw.contains(to)
        && !decoded_parts(raw)
            .iter()
            .any(|part| part.contains("/register/confirm?token="))
}

/// A server per backend sending mail to an SMTP server inside the test.
async fn on_each_platform_with_mail<F, Fut>(test: F)
where
    F: Fn(Server, crate::smtp::Inbox, String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    on_each_backend(|db: TestDb| {
        let test = &test;
        async move {
            let (port, inbox) = crate::smtp::start().await;
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let env = [("TECHMATCH_SMTP_URL", format!("smtp://127.0.0.1:{port}"))];
            let server =
                start_with(&dir.path().join("data"), Some(&db.url), &env).reading_mail_from(&inbox);
            test(server, inbox, db.url.clone()).await;
            drop(dir);
            db
        }
    })
    .await;
}

/// A need body saying what `achievement` offers, in the need's own words.
fn need_like(achievement: &Value, title: &str) -> Value {
    json!({
        "title": title,
        "body": format!("我公司需要{}", achievement["body"].as_str().unwrap_or_default()),
        "keywords": achievement["keywords"]
            .as_array()
            .map(|k| k.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("，"))
            .unwrap_or_default(),
        "industry": achievement["industry"].as_str().unwrap_or("新材料"),
        "price": "50-200",
        "modes": ["技术转让", "合作开发"],
    })
}

#[tokio::test]
async fn a_published_need_alerts_matching_achievement_owners_once_per_pair() {
    on_each_platform_with_mail(|server, inbox, database_url| async move {
        let researcher = Client::login(&server, RESEARCHER, DEMO_PASSWORD).await;
        let (status, settings) = researcher
            .send(
                &server,
                reqwest::Method::PUT,
                "/api/v1/me/notifications",
                Some(json!({"frequencies": {"match_alert": "immediate", "saved_search": "immediate"}})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{settings}");
        assert_eq!(settings["frequencies"]["match_alert"], "immediate");
        assert_eq!(settings["min_strength"], 45, "the default threshold");

        // The need repeats what one of the researcher's achievements offers.
        let (_, mine) = researcher.get(&server, "/api/v1/me/postings").await;
        let achievement = mine["postings"]
            .as_array()
            .and_then(|all| all.iter().find(|p| p["status"] == "published"))
            .cloned()
            .unwrap_or_else(|| panic!("a published achievement of the researcher: {mine}"));
        let achievement_title = achievement["title"].as_str().unwrap_or_default().to_owned();
        let enterprise = Client::login(&server, ENTERPRISE, DEMO_PASSWORD).await;
        let title = format!("求购：{achievement_title}");
        let (need_id, external_id) =
            published_need(&server, &enterprise, need_like(&achievement, &title)).await;

        let alert = inbox
            .wait_for(|m| mail_to_with(m, RESEARCHER, &[&title, "匹配度"]))
            .await;
        let text = decoded_parts(&alert).into_iter().next().unwrap_or_default();
        assert!(text.contains(&achievement_title), "names their posting: {text}");
        assert!(text.contains("匹配原因"), "explains the match: {text}");
        assert!(
            text.contains(&format!("{}/needs/{external_id}", server.base)),
            "links the need: {text}"
        );
        assert!(alert.contains("List-Unsubscribe:"), "{alert}");
        // The cause (in webhook bodies, and hashed in Message-IDs) names the pair by
        // public ids: database ids are sequence numbers, few enough to try all.
        let keys = match_keys(&database_url).await;
        assert!(!keys.is_empty());
        let pair = format!(
            "|match:{external_id}:{}",
            achievement["external_id"].as_str().unwrap_or_default()
        );
        assert!(keys.iter().any(|k| k.ends_with(&pair)), "{keys:?}");
        assert!(
            keys.iter().all(|k| k.contains(&format!("|match:{external_id}:"))),
            "{keys:?}"
        );
        assert_eq!(
            inbox.count(|m| mail_to_with(m, ENTERPRISE, &["匹配度"])),
            0,
            "the publisher is not alerted of its own publication"
        );

        // A kept search, refused when it would report everything or has no name.
        let (status, refused) = researcher
            .post(&server, "/api/v1/me/searches", json!({"name": "全部", "kind": "needs"}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        let (status, refused) = researcher
            .post(&server, "/api/v1/me/searches", json!({"name": " ", "kind": "needs", "q": "纳米"}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        let (status, kept) = researcher
            .post(
                &server,
                "/api/v1/me/searches",
                json!({"name": "耐候涂层需求", "kind": "needs", "q": "耐候涂层"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{kept}");
        let (_, listed) = researcher.get(&server, "/api/v1/me/searches").await;
        assert_eq!(listed["searches"][0]["name"], "耐候涂层需求", "{listed}");

        // From now on only perfect matches are worth a mail to the researcher.
        let (status, settings) = researcher
            .send(
                &server,
                reqwest::Method::PUT,
                "/api/v1/me/notifications",
                Some(json!({"min_strength": 100})),
            )
            .await;
        assert_eq!((status, &settings["min_strength"]), (StatusCode::OK, &json!(100)));
        let (status, _) = researcher
            .send(
                &server,
                reqwest::Method::PUT,
                "/api/v1/me/notifications",
                Some(json!({"min_strength": 101})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // The first need is edited (and published again): the pair was told already.
        let mut edited = need_like(&achievement, &title);
        edited["body"] = json!(format!("{}，希望年内完成中试。", edited["body"].as_str().unwrap_or_default()));
        let (status, body) = enterprise
            .send(
                &server,
                reqwest::Method::PUT,
                &format!("/api/v1/me/postings/{need_id}"),
                Some(edited),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let (status, body) = moderator
            .post(
                &server,
                &format!("/api/v1/moderation/needs/{need_id}"),
                json!({"action": "approve"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // A second need answers the kept search and half matches the achievement.
        let second = format!("耐候涂层与{achievement_title}配套应用");
        let mut body = need_like(&achievement, &second);
        body["body"] = json!("户外装备需要耐候涂层，抗紫外线老化，盐雾试验一千小时不起泡。");
        body["keywords"] = json!("耐候涂层，户外");
        published_need(&server, &enterprise, body).await;
        inbox
            .wait_for(|m| mail_to_with(m, RESEARCHER, &["耐候涂层需求", &second]))
            .await;
        // Alerts are enqueued in the order of the changes, and sent in that order: by
        // now every alert the edit or the second need could cause would have arrived.
        let pair = format!("「{title}」与您的「{achievement_title}」");
        assert_eq!(
            inbox.count(|m| mail_to_with(m, RESEARCHER, &["匹配度", &pair])),
            1,
            "one alert per pair"
        );
        assert_eq!(
            inbox.count(|m| mail_to_with(m, RESEARCHER, &["匹配度", &second])),
            0,
            "none below the threshold"
        );
    })
    .await;
}

/// The outbox keys of match alerts.
async fn match_keys(database_url: &str) -> Vec<String> {
    use sea_orm::{ConnectionTrait, Statement};
    let conn = sea_orm::Database::connect(database_url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let sql = "SELECT dedup_key FROM outbox WHERE dedup_key LIKE '%|match:%'";
    let keys = conn
        .query_all_raw(Statement::from_string(
            conn.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap_or_default())
        .collect();
    conn.close().await.unwrap_or_else(|e| panic!("{e}"));
    keys
}

/// The digest count of a recipient's mail: the number in "N 条通知".
fn digest_count(raw: &str) -> Option<u64> {
    decoded_parts(raw).iter().find_map(|part| {
        let (before, _) = part.split_once(" 条通知")?;
        let before = before.trim_end();
        before
            .rsplit(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|n| n.parse().ok())
    })
}

/// A thousand needs published at once (`TECHMATCH_VOLUME_NEEDS` changes the number),
/// each matching the achievements of 30 institutes. The researchers of three institutes
/// take match alerts immediately and get one mail per need; every other researcher gets
/// one daily digest listing the needs that match theirs, and nothing before the digest
/// hour. Prints the rates it measures: alerts enqueued, mails sent one by one, held
/// notices drained into digests.
#[tokio::test]
async fn a_thousand_publications_become_one_digest_per_recipient() {
    const INSTITUTES: usize = 30;
    const IMMEDIATE: usize = 3;
    let needs_count: usize = std::env::var("TECHMATCH_VOLUME_NEEDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let (port, inbox) = crate::smtp::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let clock = super::challenges::TestClock(dir.path().join("now.txt"));
    // Monday 2026-12-07 09:00 in Beijing: the next digest goes out tomorrow at 08:00.
    let t0 = super::challenges::t0();
    clock.set(t0);
    let data = dir.path().join("data");
    let env = [
        ("TECHMATCH_SMTP_URL", format!("smtp://127.0.0.1:{port}")),
        (
            "TECHMATCH_CLOCK_FILE",
            super::challenges::path_text(&clock.0),
        ),
        // Thirty registrations from this one client within the minute.
        ("TECHMATCH_LOGIN_ATTEMPTS_PER_CLIENT", "1000".to_owned()),
    ];
    let server = start_with(&data, None, &env).reading_mail_from(&inbox);
    let researcher = |i: usize| format!("r{i}@institute{i}.example.cn");

    // Researchers register their institutes, which the bureau verifies; their
    // achievements are then imported.
    let bureau = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
    let mut achievements = String::new();
    for i in 0..INSTITUTES {
        let institute = format!("晋中第{i}材料研究所");
        let client = Client::register(&server, &researcher(i), "researcher", &institute).await;
        super::verified_by_the_bureau(&server, &bureau, &client, i).await;
        if i < IMMEDIATE {
            let (status, body) = client
                .send(
                    &server,
                    reqwest::Method::PUT,
                    "/api/v1/me/notifications",
                    Some(json!({"frequencies": {"match_alert": "immediate"}})),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        achievements.push_str(
            &json!({
                "id": format!("vol-a-{i}"),
                "title": format!("赤泥综合利用制备路基材料技术（{i}号）"),
                "abstract": "以氧化铝厂赤泥为主要原料，经脱碱、活化和复配制备道路基层材料，赤泥掺量达到百分之六十，强度满足公路路基要求。",
                "keywords": "赤泥，综合利用，路基材料，固废",
                "field": "节能环保",
                "trl": 6,
                "org_name": institute,
                "org_kind": "科研院所",
            })
            .to_string(),
        );
        achievements.push('\n');
    }
    let mut needs = String::new();
    for i in 0..needs_count {
        needs.push_str(
            &json!({
                "id": format!("vol-n-{i}"),
                "title": format!("赤泥综合利用制备路基材料（第{i}批）"),
                "description": "需要以氧化铝厂赤泥为主要原料，脱碱活化后制备道路基层材料的技术，赤泥掺量高，强度满足公路路基要求。",
                "keywords": "赤泥，综合利用，路基材料",
                "industry": "节能环保",
                "org_name": format!("晋阳县第{}氧化铝厂", i % 50),
            })
            .to_string(),
        );
        needs.push('\n');
    }
    let lists = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let achievements_file = lists.path().join("achievements.jsonl");
    let needs_file = lists.path().join("needs.jsonl");
    std::fs::write(&achievements_file, achievements).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&needs_file, needs).unwrap_or_else(|e| panic!("{e}"));
    let import = |kind: &str, file: &std::path::Path| {
        let output = crate::run(
            &data,
            &["import", kind, &super::challenges::path_text(file)],
        );
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    import("achievements", &achievements_file);
    let admin = Client::login(&server, "admin@demo.techmatch", DEMO_PASSWORD).await;
    let count = |summary: &Value, status: &str| summary["counts"][status].as_u64().unwrap_or(0);
    // The registrations' confirmation mails went out before: counted apart.
    let mut sent_before = None;
    for _ in 0..100 {
        let (_, outbox) = admin.get(&server, "/api/v1/outbox").await;
        if count(&outbox, "pending") + count(&outbox, "sending") == 0 {
            sent_before = Some(count(&outbox, "sent"));
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let sent_before = sent_before.unwrap_or_else(|| panic!("account mails still queued"));
    let started = Instant::now();
    import("needs", &needs_file);
    let imported = started.elapsed();

    // Every need matches every institute's achievement, whatever the index holds when
    // it is matched (its words are the achievements' words): one alert per pair, held
    // for the digest or sent at once.
    let (immediate, digested) = (
        (IMMEDIATE * needs_count) as u64,
        ((INSTITUTES - IMMEDIATE) * needs_count) as u64,
    );
    let deadline = Instant::now() + Duration::from_secs(1800);
    let mut enqueued = None;
    let mut sent_at = None;
    while enqueued.is_none() || sent_at.is_none() {
        let (_, outbox) = admin.get(&server, "/api/v1/outbox").await;
        let held = count(&outbox, "held");
        let queued = held
            + ["pending", "sending", "sent"]
                .iter()
                .map(|s| count(&outbox, s))
                .sum::<u64>()
            - sent_before;
        assert!(held <= digested, "{outbox}");
        if enqueued.is_none() && queued >= immediate + digested {
            assert_eq!(held, digested, "{outbox}");
            enqueued = Some(started.elapsed());
        }
        if sent_at.is_none() && count(&outbox, "sent") - sent_before >= immediate {
            assert_eq!(count(&outbox, "sent") - sent_before, immediate, "{outbox}");
            sent_at = Some(started.elapsed());
        }
        assert!(
            Instant::now() < deadline,
            "alerts not enqueued and sent: {outbox}"
        );
        // Counting scans the outbox: often enough to time the enqueueing to a second.
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let (enqueued, sent) = (enqueued.unwrap_or_default(), sent_at.unwrap_or_default());
    for i in 0..INSTITUTES {
        let expected = if i < IMMEDIATE { needs_count } else { 0 };
        assert_eq!(
            inbox.count(|m| alert_to(m, &researcher(i))),
            expected,
            "before the digest hour, {} has only immediate alerts",
            researcher(i)
        );
    }

    // At 08:00 the next morning each other researcher gets one digest of every alert.
    clock.set(t0 + chrono::Duration::hours(23));
    let digests_started = Instant::now();
    let deadline = Instant::now() + Duration::from_secs(1800);
    let digest_mails = INSTITUTES - IMMEDIATE;
    while inbox.count(|m| alert_to(m, "@institute")) < IMMEDIATE * needs_count + digest_mails {
        assert!(Instant::now() < deadline, "digests not delivered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let delivered = digests_started.elapsed();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for i in IMMEDIATE..INSTITUTES {
        let to = researcher(i);
        assert_eq!(inbox.count(|m| alert_to(m, &to)), 1, "one digest for {to}");
        let digest = inbox.wait_for(|m| alert_to(m, &to)).await;
        assert_eq!(digest_count(&digest), Some(needs_count as u64), "{to}");
    }
    for i in 0..IMMEDIATE {
        let to = researcher(i);
        assert_eq!(
            inbox.count(|m| alert_to(m, &to)),
            needs_count,
            "no digest for {to}, who had every alert at once"
        );
    }
    let (_, outbox) = admin.get(&server, "/api/v1/outbox").await;
    assert_eq!(count(&outbox, "held"), 0, "{outbox}");
    assert_eq!(count(&outbox, "digested"), digested, "{outbox}");
    println!(
        "volume: imported {needs_count} needs in {:.1} s; {} alerts enqueued {:.1} s after the import started ({:.0} per second); {immediate} immediate alerts sent over SMTP {:.1} s after it ({:.0} mails per second); {digested} held alerts drained into {digest_mails} digests in {:.1} s ({:.0} notices per second)",
        imported.as_secs_f64(),
        immediate + digested,
        enqueued.as_secs_f64(),
        (immediate + digested) as f64 / enqueued.as_secs_f64(),
        sent.as_secs_f64(),
        immediate as f64 / sent.as_secs_f64(),
        delivered.as_secs_f64(),
        digested as f64 / delivered.as_secs_f64(),
    );
}

/// A claimant the bureau has not confirmed is told about a company's confidential need
/// exactly as a stranger is: were the claimant spared the "own organisation's" alerts,
/// the silence would say whose the confidential need is.
#[tokio::test]
async fn an_unconfirmed_claimant_is_alerted_like_a_stranger() {
    on_each_platform_with_mail(|server, inbox, _| async move {
        let word = "钙基阻燃母粒";
        let mut watchers = Vec::new();
        for (email, org) in [
            ("claimant@claim.example.cn", "晋阳县华钙纳米材料有限公司"),
            ("stranger@other.example.cn", "另一家观察企业有限公司"),
        ] {
            let watcher = Client::register(&server, email, "enterprise", org).await;
            let (status, body) = watcher
                .send(
                    &server,
                    reqwest::Method::PUT,
                    "/api/v1/me/notifications",
                    Some(json!({"frequencies": {"saved_search": "immediate"}})),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let (status, kept) = watcher
                .post(
                    &server,
                    "/api/v1/me/searches",
                    json!({"name": "阻燃需求", "kind": "needs", "q": word}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{kept}");
            watchers.push(email);
        }
        let (_, me) = Client::login(&server, watchers[0], "a-good-password")
            .await
            .get(&server, "/api/v1/me")
            .await;
        assert_eq!(me["user"]["org_confirmed"], false, "{me}");

        let enterprise = Client::login(&server, ENTERPRISE, DEMO_PASSWORD).await;
        let title = format!("{word}分散工艺");
        let body = json!({
            "title": title, "body": format!("需要{word}在聚烯烃中的高分散工艺。"),
            "keywords": word, "industry": "新材料", "confidential": "on",
        });
        published_need(&server, &enterprise, body).await;
        for watcher in &watchers {
            inbox
                .wait_for(|m| mail_to_with(m, watcher, &["阻燃需求", &title]))
                .await;
        }
    })
    .await;
}
