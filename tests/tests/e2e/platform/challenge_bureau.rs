//! 揭榜挂帅 through the bureau's console and the experts' pages, posting forms as a
//! browser does: the moderator approves a challenge, builds the panel and the criteria,
//! reviews the bids formally (one returned with its items), the experts score blind on
//! their sheets, the console ranks the bids, the
//! moderator proposes the winners, answers an objection, awards after the 公示, records
//! the task book and decides a milestone. The publisher and the bidders use the JSON API.

use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::challenges::{on_each_platform_with_clock, t0};
use super::{Client, DEMO_PASSWORD, MODERATOR, client};
use crate::Server;

fn challenge_body(deadline: DateTime<Utc>) -> Value {
    json!({
        "title": "高白度纳米碳酸钙连续碳化工艺",
        "background": "现有间歇碳化工艺批次稳定性差。",
        "problem": "开发连续碳化装置与控制策略。",
        "metrics": ["白度 ≥ 96%"],
        "scenario": "年产 10 万吨生产线",
        "final_user": "晋阳县华钙纳米材料有限公司",
        "reward_enterprise": "300",
        "reward_subsidy": "100",
        "bid_deadline": deadline,
        "completion_months": 18,
        "eligibility": "国内高校、科研院所及企业均可揭榜。",
        "horse_race": true,
        "max_winners": 2,
        "contact_name": "张工",
        "contact_phone": "0351-1234567",
    })
}

fn bid_body(team: &str) -> Value {
    json!({
        "team_leader": format!("{team}负责人"),
        "team": format!("{team}团队 8 人"),
        "technical_plan": "多级串联超重力碳化反应器，在线 pH 闭环控制。",
        "budget": "250",
        "existing_base": "已有中试装置一套。",
        "milestones": [
            {"title": "中试装置建成", "metrics": "连续运行 72 小时", "due": t0() + Duration::days(120), "amount": "100"},
            {"title": "工业试验", "metrics": "白度 ≥ 96%", "due": t0() + Duration::days(300), "amount": "150"},
        ],
        "pledge": true,
    })
}

fn id_of(body: &Value) -> i64 {
    body["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no id in {body}"))
}

/// Posts a form and returns the status and the page (empty for a redirect).
async fn submit(
    client: &Client,
    server: &Server,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let response = client
        .http
        .post(server.url(path))
        .form(fields)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = response.status();
    (status, response.text().await.unwrap_or_default())
}

/// Appoints an expert through the administrator's page and sets their password by the
/// link, as a person would.
async fn appoint_expert(server: &Server, admin: &Client, email: &str, org: &str) -> Client {
    let (_, _, token) = admin.page(server, "/bureau/users").await;
    let fields = [
        ("csrf", token.as_str()),
        ("email", email),
        ("name", email.split('@').next().unwrap_or(email)),
        ("role", "expert"),
        ("org", org),
    ];
    let (_, html) = submit(admin, server, "/bureau/users/appoint", &fields).await;
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
                ("csrf", csrf.as_str()),
                ("token", reset_token),
                ("password", "score-fairly"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    Client::login(server, email, "score-fairly").await
}

async fn user_id(server: &Server, client: &Client) -> String {
    let (_, me) = client.get(server, "/api/v1/me").await;
    me["user"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{me}"))
        .to_string()
}

#[tokio::test]
async fn the_bureau_runs_a_call_on_its_console_and_the_experts_score_blind() {
    on_each_platform_with_clock(|server, clock| async move {
        let publisher = Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
        let moderator = Client::page_login(&server, MODERATOR).await;
        let admin = Client::page_login(&server, "admin@demo.techmatch").await;
        let deadline = t0() + Duration::days(10);
        let (status, created) = publisher
            .post(&server, "/api/v1/challenges", challenge_body(deadline))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = id_of(&created);
        let (status, body) = publisher
            .post(
                &server,
                &format!("/api/v1/challenges/{id}/actions"),
                json!({"action": "submit"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // The list puts what waits for the bureau first; only the bureau sees it.
        let console = format!("/bureau/challenges/{id}");
        let step = |tail: &str| format!("{console}/{tail}");
        let (status, list, _) = moderator.page(&server, "/bureau/challenges").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            list.contains("揭榜挂帅管理") && list.contains(&format!("href=\"{console}\"")),
            "{list}"
        );
        assert!(list.contains("待审核发布"), "{list}");
        let (status, _, _) = publisher.page(&server, "/bureau/challenges").await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Approved on the console; approving twice is refused on the page, with the reason.
        let (_, page, csrf) = moderator.page(&server, &console).await;
        assert!(page.contains("审核通过并发布"), "{page}");
        assert!(
            page.contains(&format!("/api/v1/challenges/{id}/record.xlsx")),
            "the record link"
        );
        let approve = [("csrf", csrf.as_str()), ("action", "approve")];
        assert_eq!(
            submit(&moderator, &server, &step("act"), &approve).await.0,
            StatusCode::SEE_OTHER
        );
        let (status, refused) = submit(&moderator, &server, &step("act"), &approve).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(
            refused.contains("notice error") && refused.contains("揭榜中"),
            "{refused}"
        );

        // The panel and the criteria; expert 1 works at an institute that does not bid (an
        // expert's colleagues do not bid on the call they judge: see `hostile_bids`).
        let expert_1 =
            appoint_expert(&server, &admin, "e1@jiangbei.example.cn", "江北化工研究所").await;
        let expert_2 = appoint_expert(&server, &admin, "e2@expert.example.cn", "").await;
        for expert in [&expert_1, &expert_2] {
            let expert_id = user_id(&server, expert).await;
            let (_, page, _) = moderator.page(&server, &console).await;
            assert!(
                page.contains(&format!("<option value=\"{expert_id}\">")),
                "{page}"
            );
            let fields = [("csrf", csrf.as_str()), ("expert", expert_id.as_str())];
            assert_eq!(
                submit(&moderator, &server, &step("experts"), &fields)
                    .await
                    .0,
                StatusCode::SEE_OTHER
            );
        }
        let criteria = "技术方案 | 50\n团队能力 | 30\n经费合理性 | 20";
        let fields = [("csrf", csrf.as_str()), ("criteria", criteria)];
        assert_eq!(
            submit(&moderator, &server, &step("criteria"), &fields)
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let (status, refused) = submit(
            &moderator,
            &server,
            &step("criteria"),
            &[("csrf", csrf.as_str()), ("criteria", "技术方案 50")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.contains("名称 | 权重"), "{refused}");
        let (_, page, _) = moderator.page(&server, &console).await;
        assert!(
            page.contains("江北化工研究所") && page.contains("50.0%"),
            "{page}"
        );

        // Two bids, submitted through the API before the deadline.
        let team_b = Client::login(&server, "researcher@demo.techmatch", DEMO_PASSWORD).await;
        let team_c =
            Client::register(&server, "c@huabei.example.cn", "researcher", "塞北工业大学").await;
        clock.set(t0() + Duration::days(1));
        let mut bids = Vec::new();
        for (team, name) in [(&team_b, "B"), (&team_c, "C")] {
            let (status, created) = team
                .post(
                    &server,
                    &format!("/api/v1/challenges/{id}/bids"),
                    bid_body(name),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{created}");
            let bid = id_of(&created);
            let (status, body) = team
                .post(
                    &server,
                    &format!("/api/v1/bids/{bid}/actions"),
                    json!({"action": "submit"}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            bids.push(bid);
        }
        let (b, c) = (bids[0].to_string(), bids[1].to_string());

        // Formal review on the console after the deadline: C is returned with its items.
        clock.set(deadline + Duration::minutes(1));
        let (_, page, _) = moderator.page(&server, &console).await;
        assert!(
            page.contains("评审中") && page.contains(&format!("value=\"{b}\"")),
            "{page}"
        );
        let pass = |bid: &str| {
            [
                ("csrf", csrf.clone()),
                ("bid", bid.to_owned()),
                ("decision", "pass".to_owned()),
            ]
        };
        let fields = pass(&b);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            submit(&moderator, &server, &step("formal-review"), &fields)
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let returned = [
            ("csrf", csrf.as_str()),
            ("bid", c.as_str()),
            ("decision", "return"),
            ("item", "联合体协议"),
            ("reason", "缺少成员单位盖章"),
            ("item", ""),
            ("reason", ""),
            ("item", ""),
            ("reason", ""),
        ];
        assert_eq!(
            submit(&moderator, &server, &step("formal-review"), &returned)
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let (_, seen) = team_c.get(&server, &format!("/api/v1/bids/{c}")).await;
        assert_eq!(seen["status"], "returned", "{seen}");
        assert!(
            seen["status_reason"]
                .as_str()
                .unwrap_or("")
                .contains("联合体协议：缺少成员单位盖章"),
            "{seen}"
        );
        let (status, body) = team_c
            .post(
                &server,
                &format!("/api/v1/bids/{c}/actions"),
                json!({"action": "resubmit"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let fields = pass(&c);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            submit(&moderator, &server, &step("formal-review"), &fields)
                .await
                .0,
            StatusCode::SEE_OTHER
        );

        // Expert review.
        let (status, home, _) = expert_1.page(&server, "/expert").await;
        assert_eq!(status, StatusCode::OK);
        assert!(home.contains("我的评审"), "{home}");
        let sheet = |values: [&'static str; 3], token: String| {
            vec![
                ("csrf", token),
                ("criterion", "技术方案".to_owned()),
                ("score", values[0].to_owned()),
                ("criterion", "团队能力".to_owned()),
                ("score", values[1].to_owned()),
                ("criterion", "经费合理性".to_owned()),
                ("score", values[2].to_owned()),
                ("comment", "方案可行，团队经验充分。".to_owned()),
            ]
        };
        let score = |expert: &Client, bid: &str, values: [&'static str; 3]| {
            let expert = expert.clone();
            let server = &server;
            let path = format!("/bids/{bid}/score");
            let sheet = &sheet;
            async move {
                let (status, page, token) = expert.page(server, &path).await;
                assert_eq!(status, StatusCode::OK, "{page}");
                let fields = sheet(values, token);
                let fields: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                (page, submit(&expert, server, &path, &fields).await)
            }
        };
        let (page, (status, _)) = score(&expert_1, &c, ["90", "80", "70"]).await;
        assert!(page.contains("提交评分表"), "{page}");
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, page, _) = expert_1.page(&server, &format!("/bids/{c}/score")).await;
        assert!(
            page.contains("83.00") && page.contains("其他专家尚未提交评分"),
            "{page}"
        );
        for expert in [&expert_2, &expert_1] {
            let (_, (status, _)) = score(expert, &b, ["88", "85", "90"]).await;
            assert_eq!(status, StatusCode::SEE_OTHER);
        }
        // Blind until the own sheet is in; then the others' totals show.
        let (page, (status, _)) = score(&expert_2, &c, ["80", "80", "80"]).await;
        assert!(!page.contains("83.00"), "blind before submitting: {page}");
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, page, token) = expert_2.page(&server, &format!("/bids/{c}/score")).await;
        assert!(page.contains("加权总分 83.00"), "{page}");
        let fields = sheet(["99", "99", "99"], token);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, again) =
            submit(&expert_2, &server, &format!("/bids/{c}/score"), &fields).await;
        assert_eq!(status, StatusCode::CONFLICT, "a sheet is final");
        assert!(again.contains("不能修改"), "{again}");

        // The ranking on the console; both are proposed for the 公示.
        let (_, page, _) = moderator.page(&server, &console).await;
        assert!(page.contains("87.50") && page.contains("81.50"), "{page}");
        assert!(!page.contains("尚缺"), "every sheet is in: {page}");
        let winners = [
            ("csrf", csrf.as_str()),
            ("bid", b.as_str()),
            ("bid", c.as_str()),
        ];
        assert_eq!(
            submit(&moderator, &server, &step("winners"), &winners)
                .await
                .0,
            StatusCode::SEE_OTHER
        );

        // An objection is answered on the console; the award waits for the end of the 公示.
        let (status, objection) = team_c
            .post(
                &server,
                &format!("/api/v1/challenges/{id}/objections"),
                json!({"bid_id": bids[0], "reason": "B 的中试装置尚未建成"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{objection}");
        let (_, page, _) = moderator.page(&server, &console).await;
        assert!(
            page.contains("公示截止") && page.contains("B 的中试装置尚未建成"),
            "{page}"
        );
        let (status, refused) = submit(
            &moderator,
            &server,
            &step("award"),
            &[("csrf", csrf.as_str())],
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(refused.contains("公示期尚未结束"), "{refused}");
        let objection_id = id_of(&objection).to_string();
        let answer = [
            ("csrf", csrf.as_str()),
            ("objection", objection_id.as_str()),
            ("answer", "经核查，中试装置已建成，异议不成立。"),
        ];
        assert_eq!(
            submit(&moderator, &server, &step("objections"), &answer)
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let (_, notice) = moderator
            .get(&server, &format!("/api/v1/challenges/{id}"))
            .await;
        let ends: DateTime<Utc> = serde_json::from_value(notice["publicity_ends"].clone())
            .unwrap_or_else(|e| panic!("{e}: {notice}"));
        clock.set(ends + Duration::minutes(1));
        let (_, page, _) = moderator.page(&server, &console).await;
        assert!(
            page.contains("公示期已满") && page.contains("异议不成立"),
            "{page}"
        );
        assert_eq!(
            submit(
                &moderator,
                &server,
                &step("award"),
                &[("csrf", csrf.as_str()), ("deny_bid", "")]
            )
            .await
            .0,
            StatusCode::SEE_OTHER
        );

        // The task book starts the work; the bureau passes B's first milestone.
        let task_book = [
            ("csrf", csrf.as_str()),
            ("agreement_no", "JY-JB-2026-001"),
            ("signed_on", "2026-12-28"),
            ("starts_on", "2027-01-01"),
            ("ends_on", "2028-06-30"),
            ("total", "400"),
        ];
        assert_eq!(
            submit(&moderator, &server, &step("execution"), &task_book)
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let (_, bid) = team_b.get(&server, &format!("/api/v1/bids/{b}")).await;
        let milestone = bid["milestones"][0]["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("{bid}"));
        let (status, body) = team_b
            .post(
                &server,
                &format!("/api/v1/milestones/{milestone}/steps"),
                json!({"action": "report", "text": "装置建成", "evidence": "72 小时运行记录"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, page, _) = moderator.page(&server, &console).await;
        assert!(
            page.contains("JY-JB-2026-001") && page.contains("72 小时运行记录"),
            "{page}"
        );
        let milestone = milestone.to_string();
        let pass = [
            ("csrf", csrf.as_str()),
            ("milestone", milestone.as_str()),
            ("action", "pass"),
        ];
        assert_eq!(
            submit(&moderator, &server, &step("milestones"), &pass)
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let (_, bid) = team_b.get(&server, &format!("/api/v1/bids/{b}")).await;
        assert_eq!(bid["milestones"][0]["status"], "passed", "{bid}");

        // The whole timeline, bid events included, and the record behind the link.
        let (_, page, _) = moderator.page(&server, &console).await;
        assert!(
            page.contains("提交专家评分") && page.contains("退回补正"),
            "{page}"
        );
        let response = moderator
            .http
            .get(server.url(&format!("/api/v1/challenges/{id}/record.xlsx")))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response
                .bytes()
                .await
                .unwrap_or_default()
                .starts_with(b"PK")
        );
    })
    .await;
}
