//! 揭榜挂帅 through the JSON API of a real server whose clock the test moves (the
//! `--clock-file` test facility): a whole 赛马 call with three bids, two experts, a
//! returned and corrected bid, an objection during the
//! 公示, two winners, one dropping out at a milestone and the other accepted; then a
//! call that nobody answers (流榜) published again.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use techmatch_core::testing::{TestDb, on_each_backend};

use super::{Client, DEMO_PASSWORD, MODERATOR, client};
use crate::{Server, start_with};

/// Monday 2026-12-07, 09:00 in Beijing.
pub(super) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 1, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("a valid time"))
}

pub(super) struct TestClock(pub(super) PathBuf);

impl TestClock {
    pub(super) fn set(&self, now: DateTime<Utc>) {
        std::fs::write(&self.0, now.to_rfc3339()).unwrap_or_else(|e| panic!("clock: {e}"));
    }
}

/// A fresh server per backend whose clock starts at [`t0`].
pub(super) async fn on_each_platform_with_clock<F, Fut>(test: F)
where
    F: Fn(Server, TestClock) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    on_each_backend(|db: TestDb| {
        let test = &test;
        async move {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let clock = TestClock(dir.path().join("now.txt"));
            clock.set(t0());
            let env = [("TECHMATCH_CLOCK_FILE", path_text(&clock.0))];
            let server = start_with(&dir.path().join("data"), Some(&db.url), &env);
            test(server, clock).await;
            drop(dir);
            db
        }
    })
    .await;
}

pub(super) fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

pub(super) fn challenge_body(deadline: DateTime<Utc>, horse_race: bool) -> Value {
    json!({
        "title": "高白度纳米碳酸钙连续碳化工艺",
        "industry": "新材料",
        "keywords": ["纳米碳酸钙", "连续碳化"],
        "background": "现有间歇碳化工艺批次稳定性差。",
        "problem": "开发连续碳化装置与控制策略。",
        "metrics": ["白度 ≥ 96%", "粒径 D50 ≤ 60 nm"],
        "scenario": "年产 10 万吨生产线",
        "final_user": "晋阳县华钙纳米材料有限公司",
        "reward_enterprise": "300",
        "reward_subsidy": "100",
        "bid_deadline": deadline,
        "completion_months": 18,
        "eligibility": "国内高校、科研院所及企业均可揭榜。",
        "horse_race": horse_race,
        "max_winners": if horse_race { 2 } else { 1 },
        "contact_name": "张工",
        "contact_phone": "0351-1234567",
    })
}

pub(super) fn bid_body(team: &str) -> Value {
    json!({
        "consortium": [{"name": "晋阳县装备制造有限公司"}],
        "team_leader": format!("{team}负责人"),
        "team": format!("{team}团队 8 人"),
        "technical_plan": "多级串联超重力碳化反应器，在线 pH 与电导率闭环控制。",
        "budget": "250",
        "existing_base": "已有中试装置一套。",
        "patents": ["ZL201510123456.1"],
        "milestones": [
            {"title": "中试装置建成", "metrics": "连续运行 72 小时", "due": t0() + Duration::days(120), "amount": "100"},
            {"title": "工业试验", "metrics": "白度 ≥ 96%", "due": t0() + Duration::days(300), "amount": "150"},
        ],
        "pledge": true,
    })
}

pub(super) fn id_of(body: &Value) -> i64 {
    body["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no id in {body}"))
}

pub(super) async fn put(
    client: &Client,
    server: &Server,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    client
        .send(server, reqwest::Method::PUT, path, Some(body))
        .await
}

/// Appoints an expert through the administrator's page and sets their password by the
/// link, as a person would.
pub(super) async fn appoint_expert(
    server: &Server,
    admin: &Client,
    email: &str,
    org: &str,
) -> Client {
    let (_, _, token) = admin.page(server, "/bureau/users").await;
    let fields = [
        ("csrf", token.as_str()),
        ("email", email),
        ("name", "评审专家"),
        ("role", "expert"),
        ("org", org),
    ];
    let response = admin
        .http
        .post(server.url("/bureau/users/appoint"))
        .form(&fields)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let html = response.text().await.unwrap_or_default();
    let link = html
        .split(&server.base)
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("the page shows the link: {html}"))
        .to_owned();
    let newcomer = client();
    let (_, _, csrf) = newcomer.page(server, &link).await;
    let reset_token = link.trim_start_matches("/password/reset?token=");
    let status = newcomer
        .form(
            server,
            "/password/reset",
            &[
                ("csrf", &csrf),
                ("token", reset_token),
                ("password", "score-fairly"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    Client::login(server, email, "score-fairly").await
}

pub(super) async fn user_id(server: &Server, client: &Client) -> i64 {
    let (_, me) = client.get(server, "/api/v1/me").await;
    me["user"]["id"].as_i64().unwrap_or_else(|| panic!("{me}"))
}

#[tokio::test]
async fn a_horse_race_call_through_the_api() {
    on_each_platform_with_clock(|server, clock| async move {
        let publisher = Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let admin = Client::page_login(&server, "admin@demo.techmatch").await;

        // Published after review; visible to everyone, also without login. A 赛马 call
        // that does not say how many winners names two, as on the page (the API used to
        // default to one, which the service then refused).
        let deadline = t0() + Duration::days(10);
        let mut body = challenge_body(deadline, true);
        if let Some(fields) = body.as_object_mut() {
            fields.remove("max_winners");
        }
        let (status, created) = publisher.post(&server, "/api/v1/challenges", body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = id_of(&created);
        let path = |tail: &str| format!("/api/v1/challenges/{id}{tail}");
        let (_, draft) = publisher.get(&server, &path("")).await;
        assert_eq!(draft["max_winners"], 2, "{draft}");
        let anonymous = client();
        let (status, _) = anonymous.get(&server, &path("")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "a draft is private");
        for (who, action) in [(&publisher, "submit"), (&moderator, "approve")] {
            let (status, body) = who.post(&server, &path("/actions"), json!({"action": action})).await;
            assert_eq!(status, StatusCode::OK, "{action}: {body}");
        }
        let (_, public) = anonymous.get(&server, &path("")).await;
        assert_eq!(public["status"], "open", "{public}");
        // Searchable like needs: by its words, with facets.
        let (_, found) = anonymous.get(&server, "/api/v1/challenges?q=连续碳化工艺").await;
        assert_eq!(found["challenges"][0]["id"], id, "{found}");
        assert!(found["facets"]["status"].as_array().is_some_and(|s| s.iter().any(|f| f["code"] == "open")), "{found}");
        let (_, none) = anonymous.get(&server, "/api/v1/challenges?q=煤层气抽采").await;
        assert_eq!(none["challenges"].as_array().map(Vec::len), Some(0), "{none}");

        // The panel: expert 1 works at an institute that does not bid (an expert's
        // colleagues do not bid on the call they judge: see `hostile_bids`).
        let expert_1 = appoint_expert(&server, &admin, "e1@jiangbei.example.cn", "江北化工研究所").await;
        let expert_2 = appoint_expert(&server, &admin, "e2@expert.example.cn", "").await;
        for expert in [&expert_1, &expert_2] {
            let expert_id = user_id(&server, expert).await;
            let (status, body) = moderator
                .post(&server, &path("/experts"), json!({"user_id": expert_id}))
                .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }

        // Three bids, and a fourth team that leaves its draft too late.
        let team_b = Client::login(&server, "researcher@demo.techmatch", DEMO_PASSWORD).await;
        let team_c = Client::register(&server, "c@huabei.example.cn", "researcher", "塞北工业大学").await;
        let team_d = Client::register(&server, "d@jiangnan.example.cn", "researcher", "岭南化工研究所").await;
        let late = Client::register(&server, "late@example.cn", "researcher", "迟到理工大学").await;
        clock.set(t0() + Duration::days(1));
        let mut bids = Vec::new();
        for (team, name) in [(&team_b, "B"), (&team_c, "C"), (&team_d, "D")] {
            let (status, created) = team.post(&server, &path("/bids"), bid_body(name)).await;
            assert_eq!(status, StatusCode::CREATED, "{created}");
            let bid = id_of(&created);
            let (status, body) = team
                .post(&server, &format!("/api/v1/bids/{bid}/actions"), json!({"action": "submit"}))
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            bids.push(bid);
        }
        let (b, c, d) = (bids[0], bids[1], bids[2]);
        let (_, late_draft) = late.post(&server, &path("/bids"), bid_body("L")).await;
        let late_bid = id_of(&late_draft);

        // The deadline passes by the server's clock.
        clock.set(deadline + Duration::minutes(1));
        let (status, body) = late
            .post(&server, &format!("/api/v1/bids/{late_bid}/actions"), json!({"action": "submit"}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body["error"]["message"].as_str().unwrap_or("").contains("不在揭榜期"), "{body}");
        let (_, now_public) = anonymous.get(&server, &path("")).await;
        assert_eq!(now_public["status"], "selection");

        // The bureau checks each consortium agreement: the member is no registry
        // organisation. Until then no bid passes.
        let (status, body) = moderator
            .post(&server, &format!("/api/v1/bids/{b}/formal-review"), json!({"decision": "pass"}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body["error"]["message"].as_str().unwrap_or("").contains("尚未全部核对"), "{body}");
        for bid in [b, c, d] {
            let (status, body) = moderator
                .post(&server, &format!("/api/v1/bids/{bid}/consortium/0/unlink"), json!({"expected": "pending"}))
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }

        // Formal review; C corrects and resubmits.
        let review = |bid: i64, decision: Value| {
            let moderator = &moderator;
            let server = &server;
            async move {
                moderator
                    .post(server, &format!("/api/v1/bids/{bid}/formal-review"), decision)
                    .await
            }
        };
        assert_eq!(review(b, json!({"decision": "pass"})).await.0, StatusCode::OK);
        assert_eq!(review(d, json!({"decision": "pass"})).await.0, StatusCode::OK);
        let (status, body) = review(c, json!({"decision": "return", "items": [["联合体协议", "缺少成员单位盖章"]]})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, returned) = team_c.get(&server, &format!("/api/v1/bids/{c}")).await;
        assert_eq!(returned["status"], "returned");
        assert!(returned["status_reason"].as_str().unwrap_or("").contains("缺少成员单位盖章"));
        let mut corrected = bid_body("C");
        corrected["existing_base"] = json!("已有中试装置一套；联合体协议已盖章。");
        let (status, body) = put(&team_c, &server, &format!("/api/v1/bids/{c}"), corrected).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = team_c
            .post(&server, &format!("/api/v1/bids/{c}/actions"), json!({"action": "resubmit"}))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(review(c, json!({"decision": "pass"})).await.0, StatusCode::OK);

        // Others' bids are not readable by a competitor.
        let (status, _) = team_d.get(&server, &format!("/api/v1/bids/{b}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Expert review.
        let score = |expert: &Client, bid: i64, values: [&str; 3]| {
            let body = json!({
                "scores": [["技术方案", values[0]], ["团队能力", values[1]], ["经费合理性", values[2]]],
                "comment": "评审意见",
            });
            let expert = expert.clone();
            let server = &server;
            async move { expert.post(server, &format!("/api/v1/bids/{bid}/scores"), body).await }
        };
        for (expert, bid, values) in [
            (&expert_1, b, ["90", "90", "90"]),
            (&expert_1, c, ["92", "88", "85"]),
            (&expert_1, d, ["70", "75", "80"]),
            (&expert_2, b, ["90", "85", "88"]),
            (&expert_2, c, ["88", "90", "86"]),
            (&expert_2, d, ["72", "70", "78"]),
        ] {
            let (status, body) = score(expert, bid, values).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        // A sheet is final: its author stays on the panel.
        let expert_1_id = user_id(&server, &expert_1).await;
        let (status, body) = moderator
            .send(&server, reqwest::Method::DELETE, &path(&format!("/experts/{expert_1_id}")), None)
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (_, ranking) = moderator.get(&server, &path("/ranking")).await;
        assert_eq!(ranking["ranking"].as_array().map(Vec::len), Some(3), "{ranking}");
        assert_eq!(ranking["ranking"][2]["bid"], d, "{ranking}");
        // The 公示 lasts 5 working days unless the bureau says otherwise.
        let (status, _) = put(&moderator, &server, &path("/publicity"), json!({"working_days": 0})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = put(&moderator, &server, &path("/publicity"), json!({"working_days": 5})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, publicity) = moderator.post(&server, &path("/winners"), json!({"bids": [b, c]})).await;
        assert_eq!(status, StatusCode::OK, "{publicity}");
        let ends: DateTime<Utc> = serde_json::from_value(publicity["publicity_ends"].clone())
            .unwrap_or_else(|e| panic!("{e}: {publicity}"));
        let (_, notice) = anonymous.get(&server, &path("")).await;
        assert_eq!(notice["status"], "publicity");
        assert_eq!(notice["winners"].as_array().map(Vec::len), Some(2), "the 公示 is public: {notice}");

        // An objection must be answered; the award waits for the end of the 公示.
        let (status, body) = team_d
            .post(&server, &path("/objections"), json!({"bid_id": d, "reason": "针对未入选的申报"}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "only a proposed winner: {body}");
        let (status, objection) = team_d
            .post(&server, &path("/objections"), json!({"bid_id": c, "reason": "C 的联合体成员曾有失信记录"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{objection}");
        let (status, body) = moderator.post(&server, &path("/award"), json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        clock.set(ends + Duration::minutes(1));
        let (status, body) = moderator.post(&server, &path("/award"), json!({})).await;
        assert!(status == StatusCode::CONFLICT && body["error"]["message"].as_str().unwrap_or("").contains("异议"), "{body}");
        let answer = format!("/api/v1/objections/{}/answer", id_of(&objection));
        let (status, _) = moderator
            .post(&server, &answer, json!({"answer": "经核查，失信记录已修复，异议不成立。", "upheld": false}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = moderator.post(&server, &path("/award"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // Execution: C fails its first milestone and drops out; B is accepted.
        let (status, body) = moderator
            .post(&server, &path("/execution"), json!({
                "agreement_no": "JY-JB-2026-001", "signed_on": "2026-12-28",
                "starts_on": "2027-01-01", "ends_on": "2028-06-30", "total": "400"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let milestones = |team: &Client, bid: i64| {
            let team = team.clone();
            let server = &server;
            async move {
                let (_, body) = team.get(server, &format!("/api/v1/bids/{bid}")).await;
                body["milestones"]
                    .as_array()
                    .map(|m| m.iter().filter_map(|m| m["id"].as_i64()).collect::<Vec<_>>())
                    .unwrap_or_default()
            }
        };
        let step = |who: &Client, milestone: i64, body: Value| {
            let who = who.clone();
            let server = &server;
            async move { who.post(server, &format!("/api/v1/milestones/{milestone}/steps"), body).await }
        };
        let c_first = milestones(&team_c, c).await[0];
        let report = json!({"action": "report", "text": "装置建成", "evidence": "运行记录"});
        assert_eq!(step(&team_c, c_first, report.clone()).await.0, StatusCode::OK);
        let (status, body) = step(&moderator, c_first, json!({"action": "fail", "text": "连续运行仅 20 小时"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, dropped) = team_c.get(&server, &format!("/api/v1/bids/{c}")).await;
        assert_eq!(dropped["status"], "dropped_out");
        for milestone in milestones(&team_b, b).await {
            assert_eq!(step(&team_b, milestone, report.clone()).await.0, StatusCode::OK);
            assert_eq!(step(&moderator, milestone, json!({"action": "pass"})).await.0, StatusCode::OK);
        }
        let (status, body) = moderator
            .post(&server, &format!("/api/v1/bids/{b}/acceptance"), json!({"passed": true, "reason": "指标全部达到"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // The accepted result becomes an achievement of the institute in one step.
        let (status, registered) = team_b
            .post(&server, &format!("/api/v1/bids/{b}/achievement"), json!({}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{registered}");
        let (_, own) = team_b.get(&server, "/api/v1/me/postings").await;
        assert!(
            own["postings"].as_array().is_some_and(|p| p.iter().any(|p| {
                p["id"] == registered["achievement_id"] && p["status"] == "pending_review"
            })),
            "{own}"
        );
        let (status, _) = team_b
            .post(&server, &format!("/api/v1/bids/{b}/achievement"), json!({}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "only once");

        // The bureau files the selection record.
        let response = moderator
            .http
            .get(server.url(&path("/record.xlsx")))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status(), StatusCode::OK);
        let disposition = response
            .headers()
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        let bytes = response.bytes().await.unwrap_or_default();
        assert!(bytes.starts_with(b"PK"), "an XLSX (zip) file");
        let (status, _) = team_b.get(&server, &path("/record.xlsx")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let (_, done) = anonymous.get(&server, &path("")).await;
        assert_eq!(done["status"], "accepted", "{done}");
        assert!(done["timeline"].as_array().is_some_and(|t| t.iter().any(|e| e["action"] == "challenge.award")));
    })
    .await;
}

#[tokio::test]
async fn a_call_nobody_answers_is_unfilled_and_published_again() {
    on_each_platform_with_clock(|server, clock| async move {
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let deadline = t0() + Duration::days(3);
        // A draft withdrawn before it was ever published stays private.
        let (_, draft) = moderator
            .post(
                &server,
                "/api/v1/challenges",
                challenge_body(deadline, false),
            )
            .await;
        let draft = id_of(&draft);
        let (status, _) = moderator
            .post(
                &server,
                &format!("/api/v1/challenges/{draft}/actions"),
                json!({"action": "withdraw", "reason": "重复发布"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = client()
            .get(&server, &format!("/api/v1/challenges/{draft}"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // A government list, published by the bureau.
        let (status, created) = moderator
            .post(
                &server,
                "/api/v1/challenges",
                challenge_body(deadline, false),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = id_of(&created);
        for action in ["submit", "approve"] {
            let (status, body) = moderator
                .post(
                    &server,
                    &format!("/api/v1/challenges/{id}/actions"),
                    json!({"action": action}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        clock.set(deadline + Duration::seconds(1));
        // The server settles deadlines by itself, without anyone asking.
        let mut unfilled = false;
        for _ in 0..40 {
            let (_, list) = client().get(&server, "/api/v1/challenges").await;
            unfilled = list["challenges"].as_array().is_some_and(|all| {
                all.iter()
                    .any(|c| c["id"] == id && c["status"] == "unfilled")
            });
            if unfilled {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(unfilled, "流榜 after the deadline");
        let (status, body) = moderator
            .post(
                &server,
                &format!("/api/v1/challenges/{id}/actions"),
                json!({"action": "republish", "new_bid_deadline": deadline + Duration::days(30)}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "open");
    })
    .await;
}

/// The publisher sees which achievements could solve its challenge, and why, and invites
/// the researchers behind one of them by mail.
#[tokio::test]
async fn likely_solvers_are_proposed_and_invited_by_mail() {
    let (port, inbox) = crate::smtp::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let clock = TestClock(dir.path().join("now.txt"));
    clock.set(t0());
    let env = [
        ("TECHMATCH_SMTP_URL", format!("smtp://127.0.0.1:{port}")),
        ("TECHMATCH_CLOCK_FILE", path_text(&clock.0)),
    ];
    let server = start_with(&dir.path().join("data"), None, &env);
    let publisher = Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
    let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
    let mut body = challenge_body(t0() + Duration::days(30), false);
    body["title"] = json!("纳米碳酸钙湿法表面改性与分散技术");
    body["problem"] =
        json!("碳化法纳米碳酸钙团聚明显，需要湿法表面改性，提高活化度和分散性，降低吸油值。");
    let (_, created) = publisher.post(&server, "/api/v1/challenges", body).await;
    let id = id_of(&created);
    for (who, action) in [(&publisher, "submit"), (&moderator, "approve")] {
        let (status, _) = who
            .post(
                &server,
                &format!("/api/v1/challenges/{id}/actions"),
                json!({"action": action}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }

    let researcher = Client::login(&server, "researcher@demo.techmatch", DEMO_PASSWORD).await;
    let (status, _) = researcher
        .get(&server, &format!("/api/v1/challenges/{id}/solvers"))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only the publisher and the bureau"
    );
    let (status, solvers) = publisher
        .get(&server, &format!("/api/v1/challenges/{id}/solvers"))
        .await;
    assert_eq!(status, StatusCode::OK, "{solvers}");
    let achievements = solvers["achievements"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!achievements.is_empty(), "{solvers}");
    assert!(
        achievements[0]["title"]
            .as_str()
            .unwrap_or("")
            .contains("碳酸钙"),
        "the best solver is about the problem: {solvers}"
    );
    assert!(
        achievements[0]["factors"]
            .as_array()
            .is_some_and(|f| !f.is_empty()),
        "explained"
    );
    assert!(
        solvers["organisations"]
            .as_array()
            .is_some_and(|o| !o.is_empty())
    );

    // Invite the researchers of the demo institute through one of its achievements.
    let theirs = achievements
        .iter()
        .find(|a| a["org_name"] == "津沽材料研究院")
        .and_then(|a| a["id"].as_i64())
        .unwrap_or_else(|| panic!("an achievement of the demo institute among {solvers}"));
    let (status, invited) = publisher
        .post(
            &server,
            &format!("/api/v1/challenges/{id}/invitations"),
            json!({"achievement_ids": [theirs], "note": "欢迎组队揭榜"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{invited}");
    assert_eq!(
        (invited["invited"].as_u64(), invited["mailed"].as_u64()),
        (Some(1), Some(1)),
        "{invited}"
    );
    let mail = inbox
        .wait_for(|m| m.contains("researcher@demo.techmatch"))
        .await;
    let text = super::mail_text(&mail);
    assert!(
        text.contains("诚邀") && text.contains(&format!("/challenges/{id}")),
        "{text}"
    );
}

/// The page and the API read and act on a call through the same use cases: the same
/// actions offered, the same refusals, the same filters.
#[tokio::test]
async fn the_page_and_the_api_read_and_act_on_a_call_by_the_same_rules() {
    on_each_platform_with_clock(|server, clock| async move {
        let publisher = Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let stranger = Client::register(
            &server,
            "s@stranger.example.cn",
            "enterprise",
            "路人甲科技有限公司",
        )
        .await;
        let deadline = t0() + Duration::days(3);
        let (status, created) = publisher
            .post(
                &server,
                "/api/v1/challenges",
                challenge_body(deadline, false),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = id_of(&created);
        let path = format!("/api/v1/challenges/{id}");

        // The publisher is offered the lifecycle's moves out of a draft, and editing.
        let (_, draft) = publisher.get(&server, &path).await;
        let offered = |detail: &Value| -> Vec<String> {
            detail["actions"]["offered"]
                .as_array()
                .map(|offers| {
                    offers
                        .iter()
                        .filter_map(|o| o["code"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(offered(&draft), ["submit", "withdraw"], "{draft}");
        assert_eq!(draft["actions"]["may_edit"], true, "{draft}");
        assert_eq!(draft["reader_publishes"], true, "{draft}");
        assert_eq!(draft["reward_total_wan"], "400", "{draft}");

        // A stranger cannot tell a draft exists: not by reading, not by acting on it,
        // on either surface (acting used to answer 403 and so reveal it).
        let (status, _) = stranger.get(&server, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = stranger.get(&server, &format!("{path}/solvers")).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "the solvers used to answer 403"
        );
        let (status, body) = stranger
            .post(
                &server,
                &format!("{path}/actions"),
                json!({"action": "withdraw", "reason": "x"}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        let (_, _, csrf) = stranger.page(&server, "/challenges").await;
        let status = stranger
            .form(
                &server,
                &format!("/challenges/{id}/action"),
                &[("csrf", &csrf), ("action", "withdraw"), ("reason", "x")],
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        for (who, action) in [(&publisher, "submit"), (&moderator, "approve")] {
            let (status, body) = who
                .post(
                    &server,
                    &format!("{path}/actions"),
                    json!({"action": action}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{action}: {body}");
        }
        let (_, open) = stranger.get(&server, &path).await;
        assert!(offered(&open).is_empty(), "{open}");
        assert_eq!(open["actions"]["may_edit"], false);

        // A team drafts a bid: it is offered its own moves, decided by the bid's
        // lifecycle; a stranger cannot tell the bid exists on either surface.
        let team = Client::login(&server, "researcher@demo.techmatch", DEMO_PASSWORD).await;
        let (status, drafted) = team
            .post(&server, &format!("{path}/bids"), bid_body("T"))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{drafted}");
        let bid = id_of(&drafted);
        let bid_path = format!("/api/v1/bids/{bid}");
        let (_, draft_bid) = team.get(&server, &bid_path).await;
        let moves = |detail: &Value| -> Vec<(String, bool)> {
            detail["offered"]
                .as_array()
                .map(|offers| {
                    offers
                        .iter()
                        .map(|o| {
                            (
                                o["code"].as_str().unwrap_or_default().to_owned(),
                                o["refused"].is_null(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(
            moves(&draft_bid),
            [("submit".to_owned(), true), ("withdraw".to_owned(), true)],
            "{draft_bid}"
        );
        assert_eq!(draft_bid["editable"], true, "{draft_bid}");
        assert_eq!(draft_bid["challenge_title"], "高白度纳米碳酸钙连续碳化工艺");
        let (status, _) = stranger.get(&server, &bid_path).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, body) = stranger
            .post(
                &server,
                &format!("{bid_path}/actions"),
                json!({"action": "withdraw"}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "acting used to answer 403: {body}"
        );
        let (status, body) = put(&stranger, &server, &bid_path, bid_body("S")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        let status = stranger
            .form(
                &server,
                &format!("/bids/{bid}/action"),
                &[("csrf", &csrf), ("action", "withdraw")],
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, html, _) = team.page(&server, &format!("/bids/{bid}")).await;
        assert!(html.contains("value=\"submit\""), "{html}");

        // One meaning of the status filter: a stage or a status code; anything else is
        // refused with the reason on both surfaces (the page used to ignore it, the API
        // to answer an empty list).
        let (status, body) = stranger
            .get(&server, "/api/v1/challenges?status=opened")
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, _, _) = stranger.page(&server, "/challenges?status=opened").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (_, found) = stranger
            .get(&server, "/api/v1/challenges?status=open")
            .await;
        assert!(
            found["challenges"]
                .as_array()
                .is_some_and(|c| c.iter().any(|c| c["id"] == id)),
            "{found}"
        );
        let (_, html, _) = stranger.page(&server, "/challenges?status=open").await;
        assert!(
            html.contains(&format!("/challenges/{id}\"")),
            "the page lists it too"
        );

        // The deadline passes without a bid: both surfaces read 流榜 at once, before the
        // server's deadline job has written it, and offer the publisher its two ways on.
        clock.set(deadline + Duration::seconds(1));
        let (_, unfilled) = publisher.get(&server, &path).await;
        assert_eq!(unfilled["status"], "unfilled", "{unfilled}");
        assert_eq!(
            offered(&unfilled),
            ["republish", "close", "withdraw"],
            "{unfilled}"
        );
        let (_, html, _) = publisher.page(&server, &format!("/challenges/{id}")).await;
        assert!(
            html.contains("value=\"republish\"") && html.contains("value=\"close\""),
            "{html}"
        );
        let (_, found) = stranger
            .get(&server, "/api/v1/challenges?status=open")
            .await;
        assert!(
            found["challenges"]
                .as_array()
                .is_some_and(|c| c.iter().all(|c| c["id"] != id)),
            "{found}"
        );

        // The draft can no longer be sent: the page says why instead of a button.
        let (_, late) = team.get(&server, &bid_path).await;
        assert_eq!(
            moves(&late),
            [("submit".to_owned(), false), ("withdraw".to_owned(), true)],
            "{late}"
        );
        let (_, html, _) = team.page(&server, &format!("/bids/{bid}")).await;
        assert!(
            !html.contains("value=\"submit\"") && html.contains("class=\"hint\""),
            "{html}"
        );
    })
    .await;
}
