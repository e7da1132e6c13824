//! 揭榜挂帅 through the pages, posting forms as a browser does: the demo enterprise
//! publishes a challenge through its form, the public finds it, a researcher bids
//! through the bid form, a competitor cannot read that bid, and during the 公示 a
//! logged-in user objects through the challenge page. The bureau's steps, which have
//! pages of their own elsewhere, go through the JSON API here.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

use super::challenges::{on_each_platform_with_clock, t0};
use super::{Client, DEMO_PASSWORD, MODERATOR, client};
use crate::Server;

const TITLE: &str = "高白度纳米碳酸钙连续碳化工艺";

/// Posts a form as a browser does: the status, the redirect target and the page.
pub(super) async fn submit(
    browser: &Client,
    server: &Server,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let response = browser
        .http
        .post(server.url(path))
        .form(fields)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, location, response.text().await.unwrap_or_default())
}

fn id_after(location: &str, prefix: &str) -> i64 {
    location
        .strip_prefix(prefix)
        .and_then(|rest| rest.parse().ok())
        .unwrap_or_else(|| panic!("a redirect to {prefix}…: {location:?}"))
}

/// Appoints an expert through the administrator's page and sets their password.
async fn appoint_expert(server: &Server, email: &str) -> Client {
    let admin = Client::page_login(server, "admin@demo.techmatch").await;
    let (_, _, token) = admin.page(server, "/bureau/users").await;
    let fields = [
        ("csrf", token.as_str()),
        ("email", email),
        ("name", "评审专家"),
        ("role", "expert"),
        ("org", ""),
    ];
    let (_, _, html) = submit(&admin, server, "/bureau/users/appoint", &fields).await;
    let link = html
        .split(&server.base)
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("the page shows the link: {html}"))
        .to_owned();
    let newcomer = client();
    let (_, _, csrf) = newcomer.page(server, &link).await;
    let reset_token = link.trim_start_matches("/password/reset?token=");
    let fields = [
        ("csrf", csrf.as_str()),
        ("token", reset_token),
        ("password", "score-fairly"),
    ];
    let status = newcomer.form(server, "/password/reset", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    Client::login(server, email, "score-fairly").await
}

#[tokio::test]
async fn a_challenge_through_the_pages() {
    on_each_platform_with_clock(|server, clock| async move {
        // The enterprise publishes through the form; a mistake saves nothing.
        let publisher = Client::page_login(&server, "enterprise@demo.techmatch").await;
        let (_, list, _) = publisher.page(&server, "/challenges").await;
        assert!(
            list.contains("href=\"/challenges/new\""),
            "a publish button: {list}"
        );
        let (status, _, csrf) = publisher.page(&server, "/challenges/new").await;
        assert_eq!(status, StatusCode::OK);
        let mut fields = vec![
            ("csrf", csrf.as_str()),
            ("title", TITLE),
            ("industry", "新材料"),
            ("keywords", "纳米碳酸钙\n连续碳化"),
            ("background", "现有间歇碳化工艺批次稳定性差。"),
            ("problem", "开发连续碳化装置与控制策略。"),
            ("metrics", ""),
            ("scenario", "年产 10 万吨生产线"),
            ("final_user", "晋阳县华钙纳米材料有限公司"),
            ("reward_enterprise", "300"),
            ("reward_subsidy", "100"),
            ("bid_deadline", "2026-12-17T09:00"),
            ("completion_months", "18"),
            ("eligibility", "国内高校、科研院所及企业均可揭榜。"),
            ("max_winners", "2"),
            ("confidentiality", "public"),
            ("contact_name", "张工"),
            ("contact_phone", "0351-1234567"),
        ];
        let (status, _, page) = submit(&publisher, &server, "/challenges/new", &fields).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(
            page.contains("量化验收指标：请至少填写一项量化验收指标"),
            "{page}"
        );
        assert!(
            page.contains(&format!("value=\"{TITLE}\"")),
            "typed values stay: {page}"
        );
        let (_, own) = publisher.get(&server, "/api/v1/challenges").await;
        assert!(!own.to_string().contains(TITLE), "nothing saved: {own}");
        if let Some(metrics) = fields.iter_mut().find(|(name, _)| *name == "metrics") {
            metrics.1 = "白度 ≥ 96%\n粒径 D50 ≤ 60 nm";
        }
        let (status, location, page) =
            submit(&publisher, &server, "/challenges/new", &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let id = id_after(&location, "/challenges/");
        let challenge_page = format!("/challenges/{id}");
        let (_, draft, csrf) = publisher.page(&server, &challenge_page).await;
        assert!(
            draft.contains("草稿") && draft.contains(&format!("/challenges/{id}/edit")),
            "{draft}"
        );
        let action = format!("/challenges/{id}/action");
        let (status, _, _) = submit(
            &publisher,
            &server,
            &action,
            &[("csrf", &csrf), ("action", "submit")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let anonymous = client();
        let (status, _, _) = anonymous.page(&server, &challenge_page).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "not public before the review"
        );

        // The bureau approves (its page is elsewhere); everyone sees the call.
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let api = format!("/api/v1/challenges/{id}");
        let (status, body) = moderator
            .post(
                &server,
                &format!("{api}/actions"),
                json!({"action": "approve"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, open, _) = anonymous.page(&server, "/challenges?status=open").await;
        assert!(
            open.contains(TITLE) && open.contains("企业出资 300 万元 + 财政补助 100 万元"),
            "{open}"
        );
        let (_, elsewhere, _) = anonymous
            .page(&server, "/challenges?status=publicity")
            .await;
        assert!(!elsewhere.contains(TITLE));
        let (status, public, _) = anonymous.page(&server, &challenge_page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            public.contains("白度 ≥ 96%") && public.contains("2026-12-17 09:00（北京时间）"),
            "{public}"
        );
        assert!(public.contains("审核通过并发布"), "the timeline: {public}");

        // A researcher bids: an incomplete form comes back, a complete one is saved.
        let researcher = Client::page_login(&server, "researcher@demo.techmatch").await;
        let bid_form = format!("/challenges/{id}/bid");
        let (_, page, _) = researcher.page(&server, &challenge_page).await;
        assert!(page.contains(&format!("href=\"{bid_form}\"")), "{page}");
        let (status, _, csrf) = researcher.page(&server, &bid_form).await;
        assert_eq!(status, StatusCode::OK);
        let incomplete = [
            ("csrf", csrf.as_str()),
            ("team_leader", "李研究员"),
            ("budget", "250"),
        ];
        let (status, _, page) = submit(&researcher, &server, &bid_form, &incomplete).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(
            page.contains("团队组成：必填") && page.contains("value=\"李研究员\""),
            "{page}"
        );
        let complete = [
            ("csrf", csrf.as_str()),
            ("consortium", "晋阳县装备制造有限公司"),
            ("team_leader", "李研究员"),
            ("team", "团队 8 人，含高级职称 3 人"),
            (
                "technical_plan",
                "多级串联超重力碳化反应器，在线 pH 与电导率闭环控制。",
            ),
            ("budget", "250"),
            ("existing_base", "已有中试装置一套。"),
            ("patents", "ZL201510123456.1"),
            ("achievement_ids", ""),
            ("milestone_title", "中试装置建成"),
            ("milestone_metrics", "连续运行 72 小时"),
            ("milestone_due", "2027-04-30"),
            ("milestone_amount", "100"),
            ("milestone_title", "工业试验"),
            ("milestone_metrics", "白度 ≥ 96%"),
            ("milestone_due", "2027-10-31"),
            ("milestone_amount", "150"),
            ("milestone_title", ""),
            ("milestone_metrics", ""),
            ("milestone_due", ""),
            ("milestone_amount", ""),
            ("pledge", "on"),
        ];
        let (status, location, page) = submit(&researcher, &server, &bid_form, &complete).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let bid = id_after(&location, "/bids/");
        let bid_page = format!("/bids/{bid}");
        let (_, page, csrf) = researcher.page(&server, &bid_page).await;
        assert!(
            page.contains("工业试验") && page.contains("value=\"submit\""),
            "{page}"
        );
        let bid_action = format!("/bids/{bid}/action");
        let (status, _, _) = submit(
            &researcher,
            &server,
            &bid_action,
            &[("csrf", &csrf), ("action", "submit")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, page, _) = researcher.page(&server, &bid_page).await;
        assert!(page.contains("已提交"), "{page}");

        // A competitor cannot read it.
        let rival = Client::register(
            &server,
            "rival@saibei.example.cn",
            "researcher",
            "塞北工业大学",
        )
        .await;
        let (status, _, _) = rival.page(&server, &bid_page).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Selection through the API, up to the 公示.
        clock.set(t0() + Duration::days(10) + Duration::minutes(1));
        let (status, body) = moderator
            .post(
                &server,
                &format!("/api/v1/bids/{bid}/consortium/0/unlink"),
                json!({"expected": "pending"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = moderator
            .post(
                &server,
                &format!("/api/v1/bids/{bid}/formal-review"),
                json!({"decision": "pass"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let expert = appoint_expert(&server, "e@expert.example.cn").await;
        let (_, me) = expert.get(&server, "/api/v1/me").await;
        let (status, body) = moderator
            .post(
                &server,
                &format!("{api}/experts"),
                json!({"user_id": me["user"]["id"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let scores = json!({
            "scores": [["技术方案", "90"], ["团队能力", "85"], ["经费合理性", "88"]],
            "comment": "方案可行",
        });
        let (status, body) = expert
            .post(&server, &format!("/api/v1/bids/{bid}/scores"), scores)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, body) = moderator
            .post(&server, &format!("{api}/winners"), json!({"bids": [bid]}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // The 公示 is public; a logged-in user objects through the page.
        let (_, notice, _) = anonymous.page(&server, &challenge_page).await;
        assert!(
            notice.contains("拟揭榜方公示") && notice.contains("津沽材料研究院"),
            "{notice}"
        );
        assert!(
            !notice.contains("/objections\""),
            "no objection form without a login"
        );
        let (_, notice, csrf) = rival.page(&server, &challenge_page).await;
        assert!(
            notice.contains(&format!("action=\"/challenges/{id}/objections\"")),
            "{notice}"
        );
        let bid_text = bid.to_string();
        let objection = [
            ("csrf", csrf.as_str()),
            ("bid_id", bid_text.as_str()),
            ("reason", "联合体成员曾有失信记录"),
        ];
        let path = format!("/challenges/{id}/objections");
        let (status, location, page) = submit(&rival, &server, &path, &objection).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let (_, page, _) = rival.page(&server, &location).await;
        assert!(page.contains("异议已提交"), "{page}");
        let (_, body) = moderator.get(&server, &api).await;
        assert_eq!(body["objection_count"], 1, "{body}");
    })
    .await;
}
