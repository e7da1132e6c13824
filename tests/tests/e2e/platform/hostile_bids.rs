//! Sealed bids and clean panels against hostile users, through a real server's pages and
//! JSON API: a panel expert trying to read bids before bidding closes, an expert, a
//! moderator and an idle broker trying to bid or publish, the bureau seating an expert
//! whose organisation bids, a publisher inviting beyond the proposed solvers (twice,
//! with an oversized note), a bidder rewriting its consortium after submission or naming
//! a judge's university to keep the judge off the panel, a moderator's stale tab undoing
//! a colleague's link, an expert who must recuse and a sheet that must not count, and an
//! organisation piling up draft calls. Each refusal leaves everything as it was.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::challenge_pages::submit;
use super::challenges::{
    appoint_expert, bid_body, challenge_body, id_of, on_each_platform_with_clock, put, t0, user_id,
};
use super::{Client, DEMO_PASSWORD, MODERATOR, need_body};
use crate::Server;

fn message(body: &Value) -> String {
    body["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// An open call of the demo enterprise, bids due ten days after [`t0`]. Returns its id.
async fn open_call(server: &Server, body: Value) -> i64 {
    let publisher = Client::login(server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
    let moderator = Client::login(server, MODERATOR, DEMO_PASSWORD).await;
    let (status, created) = publisher.post(server, "/api/v1/challenges", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = id_of(&created);
    for (who, action) in [(&publisher, "submit"), (&moderator, "approve")] {
        let (status, body) = who
            .post(
                server,
                &format!("/api/v1/challenges/{id}/actions"),
                json!({"action": action}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
    }
    id
}

/// A bid of `team` on the call, submitted. Returns its id.
async fn submitted_bid(server: &Server, team: &Client, call: i64, body: Value) -> i64 {
    let (status, created) = team
        .post(server, &format!("/api/v1/challenges/{call}/bids"), body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let bid = id_of(&created);
    let (status, body) = team
        .post(
            server,
            &format!("/api/v1/bids/{bid}/actions"),
            json!({"action": "submit"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    bid
}

/// The bureau's view of the call's bids (every one, drafts included).
async fn bids_seen_by_bureau(server: &Server, call: i64) -> Vec<Value> {
    let moderator = Client::login(server, MODERATOR, DEMO_PASSWORD).await;
    let (_, body) = moderator
        .get(server, &format!("/api/v1/challenges/{call}"))
        .await;
    body["bids"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_panel_expert_reads_no_bid_before_bidding_closes() {
    on_each_platform_with_clock(|server, clock| async move {
        let deadline = t0() + Duration::days(10);
        let call = open_call(&server, challenge_body(deadline, false)).await;
        let admin = Client::page_login(&server, "admin@demo.techmatch").await;
        let expert = appoint_expert(&server, &admin, "e@expert.example.cn", "").await;
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let expert_id = user_id(&server, &expert).await;
        let (status, body) = moderator
            .post(
                &server,
                &format!("/api/v1/challenges/{call}/experts"),
                json!({"user_id": expert_id}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let team =
            Client::register(&server, "t@saibei.example.cn", "researcher", "塞北工业大学").await;
        let bid = submitted_bid(&server, &team, call, bid_body("T")).await;

        // While the call is open the bid is sealed, on the API and on the pages.
        let (status, body) = expert.get(&server, &format!("/api/v1/bids/{bid}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        let (_, shown) = expert
            .get(&server, &format!("/api/v1/challenges/{call}"))
            .await;
        assert_eq!(shown["bids"], json!([]), "{shown}");
        let (status, page, _) = expert.page(&server, &format!("/bids/{bid}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{page}");
        let (status, page, _) = expert.page(&server, &format!("/bids/{bid}/score")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
        assert!(page.contains("揭榜截止前申报书密封"), "{page}");
        assert!(!page.contains("多级串联超重力碳化反应器"), "{page}");

        // Once bidding has closed, the bureau has checked its consortium and the bid passed
        // the formal review, it is theirs to read.
        clock.set(deadline + Duration::minutes(1));
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
        let (status, body) = expert.get(&server, &format!("/api/v1/bids/{bid}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(
            body["technical_plan"]
                .as_str()
                .unwrap_or("")
                .contains("碳化"),
            "{body}"
        );
        let (status, page, _) = expert.page(&server, &format!("/bids/{bid}/score")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
    })
    .await;
}

#[tokio::test]
async fn experts_moderators_and_idle_brokers_neither_bid_nor_publish() {
    on_each_platform_with_clock(|server, _clock| async move {
        let call = open_call(&server, challenge_body(t0() + Duration::days(10), false)).await;
        let admin = Client::page_login(&server, "admin@demo.techmatch").await;
        // The expert works where the demo researcher does: today they would bid for it.
        let expert = appoint_expert(&server, &admin, "e1@jingu.example.cn", "津沽材料研究院").await;
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let broker = Client::login(&server, "broker@demo.techmatch", DEMO_PASSWORD).await;
        // A draft of the expert's own institute.
        let researcher = Client::login(&server, "researcher@demo.techmatch", DEMO_PASSWORD).await;
        let (status, draft) = researcher
            .post(
                &server,
                &format!("/api/v1/challenges/{call}/bids"),
                bid_body("T"),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{draft}");
        let draft = id_of(&draft);

        for (who, name) in [
            (&expert, "expert"),
            (&moderator, "moderator"),
            (&broker, "broker"),
        ] {
            // The JSON API.
            let (status, body) = who
                .post(
                    &server,
                    &format!("/api/v1/challenges/{call}/bids"),
                    bid_body("X"),
                )
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {body}");
            assert!(message(&body).contains("不能揭榜"), "{name}: {body}");
            // The bid form, and posting it anyway.
            let (status, page, _) = who.page(&server, &format!("/challenges/{call}/bid")).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {page}");
            let fields = [
                ("csrf", who.csrf.as_str()),
                ("team_leader", "某专家"),
                ("team", "一人"),
                ("technical_plan", "方案"),
                ("budget", "250"),
                ("existing_base", "无"),
                ("milestone_title", "中试"),
                ("milestone_metrics", "72 小时"),
                ("milestone_due", "2027-04-30"),
                ("milestone_amount", "100"),
                ("pledge", "on"),
            ];
            let (status, location, _) =
                submit(who, &server, &format!("/challenges/{call}/bid"), &fields).await;
            assert_ne!(
                status,
                StatusCode::SEE_OTHER,
                "{name} saved a bid: {location}"
            );
            // Nor do they read or send that draft, not even the expert it employs.
            let (status, body) = who.get(&server, &format!("/api/v1/bids/{draft}")).await;
            if name != "moderator" {
                assert_eq!(status, StatusCode::NOT_FOUND, "{name}: {body}");
            }
            let (status, body) = who
                .post(
                    &server,
                    &format!("/api/v1/bids/{draft}/actions"),
                    json!({"action": "submit"}),
                )
                .await;
            assert!(
                matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{name}: {status} {body}"
            );
        }
        let bids = bids_seen_by_bureau(&server, call).await;
        assert_eq!(bids.len(), 1, "only the institute's draft: {bids:?}");
        assert_eq!(bids[0]["status"], "draft");

        // Publishing: neither the expert nor the idle broker publishes a call, and
        // neither bureau staff nor the idle broker posts a need.
        for (who, name) in [(&expert, "expert"), (&broker, "broker")] {
            let mut body = challenge_body(t0() + Duration::days(10), false);
            body["title"] = json!("冒名发布的榜单");
            let (status, created) = who.post(&server, "/api/v1/challenges", body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {created}");
        }
        for (who, name) in [
            (&moderator, "moderator"),
            (&broker, "broker"),
            (&expert, "expert"),
        ] {
            let (status, body) = who
                .post(&server, "/api/v1/me/postings", need_body("冒名发布的需求"))
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {body}");
        }
        let (_, calls) = moderator.get(&server, "/api/v1/challenges").await;
        assert!(!calls.to_string().contains("冒名发布的榜单"), "{calls}");
        let (_, found) = moderator
            .get(&server, "/api/v1/search?kind=needs&q=冒名发布的需求")
            .await;
        assert!(!found.to_string().contains("冒名发布的需求"), "{found}");
    })
    .await;
}

#[tokio::test]
async fn an_expert_whose_organisation_bids_is_not_seated_and_is_told_why() {
    on_each_platform_with_clock(|server, _clock| async move {
        let call = open_call(&server, challenge_body(t0() + Duration::days(10), false)).await;
        let researcher = Client::login(&server, "researcher@demo.techmatch", DEMO_PASSWORD).await;
        let (status, body) = researcher
            .post(
                &server,
                &format!("/api/v1/challenges/{call}/bids"),
                bid_body("B"),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let admin = Client::page_login(&server, "admin@demo.techmatch").await;
        let conflicted =
            appoint_expert(&server, &admin, "e1@jingu.example.cn", "津沽材料研究院").await;
        let conflicted_id = user_id(&server, &conflicted).await;

        // The JSON API.
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let experts = format!("/api/v1/challenges/{call}/experts");
        let (status, body) = moderator
            .post(&server, &experts, json!({"user_id": conflicted_id}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let reason = message(&body);
        assert!(
            reason.contains("利益冲突") && reason.contains("津沽材料研究院"),
            "{body}"
        );

        // The bureau's console.
        let console = Client::page_login(&server, MODERATOR).await;
        let (_, _, csrf) = console
            .page(&server, &format!("/bureau/challenges/{call}"))
            .await;
        let expert_field = conflicted_id.to_string();
        let fields = [("csrf", csrf.as_str()), ("expert", expert_field.as_str())];
        let path = format!("/bureau/challenges/{call}/experts");
        let (status, _, page) = submit(&console, &server, &path, &fields).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(page.contains("利益冲突"), "{page}");

        // Not seated: the expert has no panel, and sees no bid.
        let (_, home, _) = conflicted.page(&server, "/expert").await;
        assert!(!home.contains(&format!("/challenges/{call}")), "{home}");
        let (_, shown) = conflicted
            .get(&server, &format!("/api/v1/challenges/{call}"))
            .await;
        assert_eq!(shown["bids"], json!([]), "{shown}");

        // An expert of no bidding organisation is seated.
        let clean = appoint_expert(&server, &admin, "e2@expert.example.cn", "").await;
        let clean_id = user_id(&server, &clean).await;
        let (status, body) = moderator
            .post(&server, &experts, json!({"user_id": clean_id}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    })
    .await;
}

/// The timeline entries of one kind, as the bureau sees them.
async fn events(server: &Server, call: i64, action: &str) -> usize {
    let moderator = Client::login(server, MODERATOR, DEMO_PASSWORD).await;
    let (_, body) = moderator
        .get(server, &format!("/api/v1/challenges/{call}"))
        .await;
    body["timeline"]
        .as_array()
        .map_or(0, |t| t.iter().filter(|e| e["action"] == action).count())
}

#[tokio::test]
async fn invitations_go_once_to_proposed_solvers_with_a_short_note() {
    on_each_platform_with_clock(|server, _clock| async move {
        let mut body = challenge_body(t0() + Duration::days(30), false);
        body["title"] = json!("纳米碳酸钙湿法表面改性与分散技术");
        body["problem"] =
            json!("碳化法纳米碳酸钙团聚明显，需要湿法表面改性，提高活化度和分散性，降低吸油值。");
        let call = open_call(&server, body).await;
        let publisher = Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
        let (status, solvers) = publisher
            .get(&server, &format!("/api/v1/challenges/{call}/solvers"))
            .await;
        assert_eq!(status, StatusCode::OK, "{solvers}");
        let proposed: Vec<i64> = solvers["achievements"]
            .as_array()
            .map(|a| a.iter().filter_map(|a| a["id"].as_i64()).collect())
            .unwrap_or_default();
        let theirs = solvers["achievements"]
            .as_array()
            .and_then(|a| a.iter().find(|a| a["org_name"] == "津沽材料研究院"))
            .and_then(|a| a["id"].as_i64())
            .unwrap_or_else(|| panic!("an achievement of the demo institute among {solvers}"));
        // One of the demo institute's published achievements the platform did not
        // propose (public JSON carries no internal ids; its owner's list does).
        let institute = Client::login(&server, "researcher@demo.techmatch", DEMO_PASSWORD).await;
        let (_, all) = institute.get(&server, "/api/v1/me/postings").await;
        let stranger = all["postings"]
            .as_array()
            .and_then(|postings| {
                postings
                    .iter()
                    .filter(|p| p["status"] == "published")
                    .filter_map(|p| p["id"].as_i64())
                    .find(|id| !proposed.contains(id))
            })
            .unwrap_or_else(|| panic!("a published achievement not proposed: {all}"));
        let invitations = format!("/api/v1/challenges/{call}/invitations");

        // Beyond the proposed list, or with an oversized note: refused, nobody invited.
        let (status, body) = publisher
            .post(
                &server,
                &invitations,
                json!({"achievement_ids": [theirs, stranger], "note": "欢迎"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(message(&body).contains("不在平台推荐"), "{body}");
        let long_note = "欢".repeat(501);
        let (status, body) = publisher
            .post(
                &server,
                &invitations,
                json!({"achievement_ids": [theirs], "note": long_note}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(message(&body).contains("500"), "{body}");
        assert_eq!(events(&server, call, "challenge.invite").await, 0);

        // Once is fine; a second time is refused.
        let (status, body) = publisher
            .post(
                &server,
                &invitations,
                json!({"achievement_ids": [theirs], "note": "欢迎组队揭榜"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["invited"], 1, "{body}");
        let (status, body) = publisher
            .post(
                &server,
                &invitations,
                json!({"achievement_ids": [theirs], "note": "再次邀请"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(message(&body).contains("只邀请一次"), "{body}");
        assert_eq!(events(&server, call, "challenge.invite").await, 1);
    })
    .await;
}

/// The names of a bid's consortium members, as its bidder reads them.
async fn consortium_names(server: &Server, team: &Client, bid: i64) -> Vec<String> {
    let (_, body) = team.get(server, &format!("/api/v1/bids/{bid}")).await;
    body["consortium"]
        .as_array()
        .map(|m| {
            m.iter()
                .filter_map(|m| m["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_submitted_bids_consortium_is_frozen() {
    on_each_platform_with_clock(|server, clock| async move {
        let deadline = t0() + Duration::days(10);
        let call = open_call(&server, challenge_body(deadline, false)).await;
        let team =
            Client::register(&server, "t@saibei.example.cn", "researcher", "塞北工业大学").await;
        let mut body = bid_body("T");
        body["consortium"] =
            json!([{"name": "塞北联合装备有限公司", "uscc": "91110108551385082Q"}]);
        let bid = submitted_bid(&server, &team, call, body.clone()).await;
        let original = vec!["塞北联合装备有限公司".to_owned()];

        // Typing a member creates no organisation.
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let (_, orgs) = moderator.get(&server, "/api/v1/organisations").await;
        assert!(!orgs.to_string().contains("塞北联合装备有限公司"), "{orgs}");

        // Returned for correction after the deadline; the correction cannot add the panel
        // experts' employer, neither through the API nor through the form.
        clock.set(deadline + Duration::minutes(1));
        let (status, body_returned) = moderator
            .post(
                &server,
                &format!("/api/v1/bids/{bid}/formal-review"),
                json!({"decision": "return", "items": [["联合体协议", "缺少盖章"]]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body_returned}");
        let mut widened = body.clone();
        widened["consortium"] = json!([
            {"name": "塞北联合装备有限公司", "uscc": "91110108551385082Q"},
            {"name": "津沽材料研究院"},
        ]);
        let (status, refused) = put(&team, &server, &format!("/api/v1/bids/{bid}"), widened).await;
        assert_eq!(status, StatusCode::CONFLICT, "{refused}");
        assert!(
            message(&refused).contains("联合体成员不可更改"),
            "{refused}"
        );
        assert_eq!(consortium_names(&server, &team, bid).await, original);

        let edit = format!("/bids/{bid}/edit");
        let (status, form, csrf) = team.page(&server, &edit).await;
        assert_eq!(status, StatusCode::OK, "{form}");
        assert!(
            form.contains("塞北联合装备有限公司, 91110108551385082Q"),
            "{form}"
        );
        let fields = |consortium: &'static str, base: &'static str| {
            vec![
                ("csrf", csrf.clone()),
                ("consortium", consortium.to_owned()),
                ("team_leader", "T负责人".to_owned()),
                ("team", "T团队 8 人".to_owned()),
                (
                    "technical_plan",
                    "多级串联超重力碳化反应器，在线 pH 与电导率闭环控制。".to_owned(),
                ),
                ("budget", "250".to_owned()),
                ("existing_base", base.to_owned()),
                ("patents", "ZL201510123456.1".to_owned()),
                ("milestone_title", "中试装置建成".to_owned()),
                ("milestone_metrics", "连续运行 72 小时".to_owned()),
                ("milestone_due", "2027-04-30".to_owned()),
                ("milestone_amount", "100".to_owned()),
                ("milestone_title", "工业试验".to_owned()),
                ("milestone_metrics", "白度 ≥ 96%".to_owned()),
                ("milestone_due", "2027-10-31".to_owned()),
                ("milestone_amount", "150".to_owned()),
                ("pledge", "on".to_owned()),
            ]
        };
        let widened = fields(
            "塞北联合装备有限公司, 91110108551385082Q\n津沽材料研究院",
            "联合体协议已盖章。",
        );
        let widened: Vec<(&str, &str)> = widened.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, _, page) = submit(&team, &server, &edit, &widened).await;
        assert_eq!(status, StatusCode::CONFLICT, "{page}");
        assert!(page.contains("联合体成员不可更改"), "{page}");
        assert_eq!(consortium_names(&server, &team, bid).await, original);

        // Everything else may be corrected.
        let same = fields(
            "塞北联合装备有限公司, 91110108551385082Q",
            "联合体协议已盖章。",
        );
        let same: Vec<(&str, &str)> = same.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, _, page) = submit(&team, &server, &edit, &same).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let mut corrected = body;
        corrected["existing_base"] = json!("已有中试装置一套；联合体协议已盖章。");
        let (status, saved) = put(&team, &server, &format!("/api/v1/bids/{bid}"), corrected).await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        assert_eq!(consortium_names(&server, &team, bid).await, original);
    })
    .await;
}

/// The USCC of the verified university whose experts a bidder would rather not face.
const UNIVERSITY_USCC: &str = "91330100716105852F";

/// The id of the organisation named `name` in the bureau's register.
async fn org_id(server: &Server, moderator: &Client, name: &str) -> i64 {
    let (_, listing) = moderator.get(server, "/api/v1/organisations").await;
    listing["organisations"]
        .as_array()
        .and_then(|all| all.iter().find(|o| o["name"] == name))
        .and_then(|o| o["id"].as_i64())
        .unwrap_or_else(|| panic!("{name} in {listing}"))
}

#[tokio::test]
async fn naming_a_judges_university_keeps_nobody_off_the_panel_until_the_bureau_links_it() {
    on_each_platform_with_clock(|server, _clock| async move {
        let call = open_call(&server, challenge_body(t0() + Duration::days(10), false)).await;
        let admin = Client::page_login(&server, "admin@demo.techmatch").await;
        let judge =
            appoint_expert(&server, &admin, "e1@huabei.example.cn", "华北材料科技大学").await;
        let judge_id = user_id(&server, &judge).await;
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let university = org_id(&server, &moderator, "华北材料科技大学").await;
        let (status, body) = moderator
            .post(
                &server,
                &format!("/api/v1/organisations/{university}/verify"),
                json!({ "uscc": UNIVERSITY_USCC }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // The judge sits on the panel.
        let experts = format!("/api/v1/challenges/{call}/experts");
        let (status, body) = moderator
            .post(&server, &experts, json!({"user_id": judge_id}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");

        // The attack: a bidder names the judge's university, by its public code.
        let team =
            Client::register(&server, "t@saibei.example.cn", "researcher", "塞北工业大学").await;
        let mut body = bid_body("T");
        body["consortium"] = json!([{"name": "华北材料科技大学", "uscc": UNIVERSITY_USCC}]);
        let bid = submitted_bid(&server, &team, call, body).await;
        // The bidder reads its members as typed; only the bureau sees the links.
        let (_, own) = team.get(&server, &format!("/api/v1/bids/{bid}")).await;
        assert_eq!(own["consortium"][0]["name"], "华北材料科技大学", "{own}");
        assert_eq!(own["consortium"][0]["uscc"], UNIVERSITY_USCC, "{own}");
        assert!(
            own["consortium"][0].get("org_id").is_none()
                && own["consortium"][0].get("declined").is_none(),
            "{own}"
        );
        let (_, seen) = moderator.get(&server, &format!("/api/v1/bids/{bid}")).await;
        assert_eq!(seen["consortium"][0]["org_id"], Value::Null, "{seen}");

        // Only the bureau links, or reads what it would link to.
        let link = format!("/api/v1/bids/{bid}/consortium/0/link");
        let review = format!("/api/v1/bids/{bid}/consortium");
        for (who, name) in [(&team, "bidder"), (&judge, "judge")] {
            let (status, body) = who
                .post(
                    &server,
                    &link,
                    json!({"org_id": university, "expected": "pending"}),
                )
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {body}");
            let (status, body) = who.get(&server, &review).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {body}");
        }

        // The bureau sees the university as the candidate; with its expert on the panel,
        // the link is refused and says who sits there.
        let (status, seen) = moderator.get(&server, &review).await;
        assert_eq!(status, StatusCode::OK, "{seen}");
        assert_eq!(seen["links_open"], true, "{seen}");
        assert_eq!(
            seen["members"][0]["candidates"][0]["org_id"], university,
            "{seen}"
        );
        assert_eq!(
            seen["members"][0]["candidates"][0]["matched"], "uscc",
            "{seen}"
        );
        let (status, body) = moderator
            .post(
                &server,
                &link,
                json!({"org_id": university, "expected": "pending"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(
            message(&body).contains("先核对联合体协议") && message(&body).contains("撤出"),
            "{body}"
        );

        // On the console: the member awaits the bureau with its candidate. The bureau
        // takes the judge off the panel, then links with one click.
        let console = Client::page_login(&server, MODERATOR).await;
        let path = format!("/bureau/challenges/{call}");
        let (_, page, csrf) = console.page(&server, &path).await;
        assert!(
            page.contains("待核对") && page.contains("代码一致"),
            "{page}"
        );
        // The bureau chooses: nothing is preselected, and an id may be typed instead.
        assert!(
            page.contains("<option value=\"\">请选择</option>") && page.contains("或填写单位编号"),
            "{page}"
        );
        let (status, body) = moderator
            .send(
                &server,
                reqwest::Method::DELETE,
                &format!("{experts}/{judge_id}"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let bid_field = bid.to_string();
        let org_field = university.to_string();
        // Neither the bidder nor the judge links through the console's route, with a
        // form as complete as the bureau's.
        for (who, name) in [(&team, "bidder"), (&judge, "judge")] {
            let (_, _, their_csrf) = who.page(&server, "/").await;
            let fields = [
                ("csrf", their_csrf.as_str()),
                ("bid", bid_field.as_str()),
                ("index", "0"),
                ("decision", "link"),
                ("org_id", org_field.as_str()),
                ("expected", "pending"),
            ];
            let (status, _, page) =
                submit(who, &server, &format!("{path}/consortium"), &fields).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {page}");
        }
        let fields = [
            ("csrf", csrf.as_str()),
            ("bid", bid_field.as_str()),
            ("index", "0"),
            ("decision", "link"),
            ("org_id", org_field.as_str()),
            ("expected", "pending"),
        ];
        let (status, _, page) =
            submit(&console, &server, &format!("{path}/consortium"), &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let (_, page, _) = console.page(&server, &path).await;
        assert!(page.contains("已关联"), "{page}");
        let linked = format!("linked:{university}");
        assert!(
            page.contains(&format!("name=\"expected\" value=\"{linked}\"")),
            "the forms carry the state they were drawn from: {page}"
        );

        // A second moderator's tab, opened before the link, still shows the member as
        // pending: its 不关联 would undo the decision. Refused on both surfaces, saying
        // what the member is now; nothing changes.
        let stale = [
            ("csrf", csrf.as_str()),
            ("bid", bid_field.as_str()),
            ("index", "0"),
            ("decision", "unlink"),
            ("expected", "pending"),
        ];
        let (status, _, page) =
            submit(&console, &server, &format!("{path}/consortium"), &stale).await;
        assert_eq!(status, StatusCode::CONFLICT, "{page}");
        assert!(
            page.contains("已由其他工作人员核对") && page.contains("已关联"),
            "{page}"
        );
        let (status, body) = moderator
            .post(
                &server,
                &format!("/api/v1/bids/{bid}/consortium/0/unlink"),
                json!({"expected": "pending"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(message(&body).contains("已由其他工作人员核对"), "{body}");
        let (_, seen) = moderator.get(&server, &review).await;
        assert_eq!(seen["members"][0]["state"], linked.as_str(), "{seen}");
        assert_eq!(seen["members"][0]["org_id"], university, "{seen}");

        // Now the university bids, and its expert is not seated.
        let (status, body) = moderator
            .post(&server, &experts, json!({"user_id": judge_id}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(message(&body).contains("利益冲突"), "{body}");
        assert_eq!(events(&server, call, "bid.link_member").await, 1);
    })
    .await;
}

#[tokio::test]
async fn an_organisation_cannot_pile_up_draft_calls() {
    on_each_platform_with_clock(|server, _clock| async move {
        let publisher = Client::register(
            &server,
            "boss@saibei-gai.example.cn",
            "enterprise",
            "塞北钙业有限公司",
        )
        .await;
        // A registry organisation's cap (a provisional one's is a tenth: `core::identity`).
        let bureau = Client::login(&server, super::MODERATOR, super::DEMO_PASSWORD).await;
        super::verified_by_the_bureau(&server, &bureau, &publisher, 77).await;
        let body = challenge_body(t0() + Duration::days(10), false);
        for _ in 0..20 {
            let (status, created) = publisher
                .post(&server, "/api/v1/challenges", body.clone())
                .await;
            assert_eq!(status, StatusCode::CREATED, "{created}");
        }
        let mut one_more = body.clone();
        one_more["title"] = json!("第二十一份草稿");
        let (status, refused) = publisher
            .post(&server, "/api/v1/challenges", one_more)
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{refused}");
        let reason = message(&refused);
        assert!(
            reason.contains("20") && reason.contains("草稿"),
            "{refused}"
        );
        let (_, own) = publisher.get(&server, "/api/v1/challenges").await;
        assert!(
            !own.to_string().contains("第二十一份草稿"),
            "nothing saved: {own}"
        );
    })
    .await;
}

/// Whether a workflow mail whose subject names `step` was sent to `address`, waiting for
/// the notice follower and the delivery worker.
async fn mailed(server: &Server, address: &str, step: &str) -> bool {
    let admin = Client::login(server, "admin@demo.techmatch", DEMO_PASSWORD).await;
    for _ in 0..100 {
        let (_, outbox) = admin.get(server, "/api/v1/outbox").await;
        let sent = outbox["sent"].as_array().cloned().unwrap_or_default();
        if sent.iter().any(|n| {
            n["address"] == address
                && n["kind"] == "workflow"
                && n["subject"].as_str().unwrap_or("").contains(step)
        }) {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn an_expert_recuses_and_the_bureau_voids_a_sheet_on_the_pages_and_the_api() {
    on_each_platform_with_clock(|server, clock| async move {
        let deadline = t0() + Duration::days(10);
        let call = open_call(&server, challenge_body(deadline, false)).await;
        let admin = Client::page_login(&server, "admin@demo.techmatch").await;
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let experts = format!("/api/v1/challenges/{call}/experts");
        let mut panel = Vec::new();
        for n in 1..=4 {
            let email = format!("r{n}@expert.example.cn");
            let expert = appoint_expert(&server, &admin, &email, "").await;
            let id = user_id(&server, &expert).await;
            let (status, body) = moderator
                .post(&server, &experts, json!({"user_id": id}))
                .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            panel.push((expert, id));
        }
        let team =
            Client::register(&server, "t@saibei.example.cn", "researcher", "塞北工业大学").await;
        let bid = submitted_bid(&server, &team, call, bid_body("T")).await;

        // The first expert recuses through the API, the second through their page.
        let conflict = format!("/api/v1/challenges/{call}/conflict");
        let why = json!({"reason": "本人曾为塞北工业大学提供技术咨询"});
        for (who, name) in [(&team, "bidder"), (&moderator, "moderator")] {
            let (status, body) = who.post(&server, &conflict, why.clone()).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {body}");
        }
        let (status, body) = panel[0]
            .0
            .post(&server, &conflict, json!({"reason": ""}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, body) = panel[0].0.post(&server, &conflict, why.clone()).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let (status, body) = panel[0].0.post(&server, &conflict, why.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "off the panel: {body}");
        let (_, page, csrf) = panel[1].0.page(&server, "/expert").await;
        assert!(page.contains("声明利益冲突"), "{page}");
        let fields = [("csrf", csrf.as_str()), ("reason", "亲属在揭榜单位任职")];
        let (status, location, page) = submit(
            &panel[1].0,
            &server,
            &format!("/expert/challenges/{call}/conflict"),
            &fields,
        )
        .await;
        assert_eq!(
            (status, location.as_str()),
            (StatusCode::SEE_OTHER, "/expert"),
            "{page}"
        );
        // The bureau is told, personally; the reasons are on the call's timeline.
        assert!(
            mailed(&server, MODERATOR, "专家声明利益冲突并回避").await,
            "the bureau hears of the recusal"
        );
        let console = Client::page_login(&server, MODERATOR).await;
        let path = format!("/bureau/challenges/{call}");
        let (_, page, _) = console.page(&server, &path).await;
        assert!(
            page.contains("本人曾为塞北工业大学提供技术咨询")
                && page.contains("亲属在揭榜单位任职"),
            "{page}"
        );

        // Bidding closes; the bid passes; the two experts left score it.
        clock.set(deadline + Duration::minutes(1));
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
        let scores = json!({
            "scores": [["技术方案", "90"], ["团队能力", "85"], ["经费合理性", "88"]],
            "comment": "方案可行",
        });
        for (expert, _) in &panel[2..] {
            let (status, body) = expert
                .post(
                    &server,
                    &format!("/api/v1/bids/{bid}/scores"),
                    scores.clone(),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        // The third expert's sheet came too late to be honest: the bureau voids it
        // through the API; the fourth's through the console.
        let void = format!("/api/v1/challenges/{call}/sheets/void");
        let voiding =
            json!({"bid_id": bid, "expert_id": panel[2].1, "reason": "评分后发现利益关系"});
        let (status, body) = team.post(&server, &void, voiding.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, body) = moderator.post(&server, &void, voiding.clone()).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let (status, body) = moderator.post(&server, &void, voiding).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        let (status, body) = panel[2]
            .0
            .post(
                &server,
                &format!("/api/v1/bids/{bid}/scores"),
                scores.clone(),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "no second sheet: {body}");
        // Their score page tells them the bureau voided the sheet, and why.
        let (status, page, _) = panel[2]
            .0
            .page(&server, &format!("/bids/{bid}/score"))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            page.contains("科技局已作废您对该申报的评分表") && page.contains("评分后发现利益关系"),
            "{page}"
        );
        let (_, page, csrf) = console.page(&server, &path).await;
        assert!(page.contains("已作废：评分后发现利益关系"), "{page}");
        let bid_field = bid.to_string();
        let expert_field = panel[3].1.to_string();
        let fields = [
            ("csrf", csrf.as_str()),
            ("bid", bid_field.as_str()),
            ("expert", expert_field.as_str()),
            ("reason", "评分表填错申报"),
        ];
        let (status, _, page) =
            submit(&console, &server, &format!("{path}/void-sheet"), &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let (_, ranking) = moderator
            .get(&server, &format!("/api/v1/challenges/{call}/ranking"))
            .await;
        assert!(
            ranking["ranking"]
                .as_array()
                .is_none_or(|r| r.iter().all(|b| b["sheets"] == 0)),
            "voided sheets do not count: {ranking}"
        );
        // Nothing ranks the bid now: the console says so rather than leave it out.
        let (_, page, _) = console.page(&server, &path).await;
        assert!(page.contains("没有计入排名的评分"), "{page}");
        // With nothing of theirs counting, both leave the panel, and are told.
        let (status, body) = moderator
            .send(
                &server,
                reqwest::Method::DELETE,
                &format!("{experts}/{}", panel[2].1),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        assert!(mailed(&server, "r3@expert.example.cn", "撤出评审专家").await);
        assert_eq!(events(&server, call, "bid.void_sheet").await, 2);
        assert_eq!(events(&server, call, "challenge.declare_conflict").await, 2);
    })
    .await;
}

#[tokio::test]
async fn the_demo_s_open_bid_has_a_consortium_member_for_the_bureau_to_check() {
    super::on_each_platform(|server| async move {
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let (_, listed) = moderator.get(&server, "/api/v1/challenges").await;
        let open = listed["challenges"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .find(|c| c["title"] == "煤矸石制备高强轻质陶粒关键技术")
            .unwrap_or_else(|| panic!("the demo's open call in {listed}"));
        let call = open["id"].as_i64().unwrap_or_default();
        let bids = bids_seen_by_bureau(&server, call).await;
        assert_eq!(bids.len(), 1, "{bids:?}");
        let bid = bids[0]["id"].as_i64().unwrap_or_default();
        let (status, seen) = moderator
            .get(&server, &format!("/api/v1/bids/{bid}/consortium"))
            .await;
        assert_eq!(status, StatusCode::OK, "{seen}");
        assert_eq!(seen["links_open"], true, "{seen}");
        assert_eq!(seen["members"][0]["name"], "汾河新材料研究院", "{seen}");
        assert_eq!(seen["members"][0]["state"], "pending", "{seen}");
        let console = Client::page_login(&server, MODERATOR).await;
        let (_, page, _) = console
            .page(&server, &format!("/bureau/challenges/{call}"))
            .await;
        assert!(
            page.contains("汾河新材料研究院") && page.contains("待核对"),
            "{page}"
        );
    })
    .await;
}

/// Finding 6 of the panel review: a seated expert's colleague bid on the call the expert
/// judges. The bid is refused with the reason, on the API and the bid form alike.
#[tokio::test]
async fn a_seated_experts_colleague_does_not_bid_on_the_page_or_the_api() {
    on_each_platform_with_clock(|server, _clock| async move {
        let call = open_call(&server, challenge_body(t0() + Duration::days(10), false)).await;
        let admin = Client::page_login(&server, "admin@demo.techmatch").await;
        let judge = appoint_expert(&server, &admin, "e1@jingu.example.cn", "津沽材料研究院").await;
        let judge_id = user_id(&server, &judge).await;
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let (status, body) = moderator
            .post(
                &server,
                &format!("/api/v1/challenges/{call}/experts"),
                json!({"user_id": judge_id}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");

        // The judge's colleague at 津沽材料研究院 tries the API.
        let researcher = Client::login(&server, "researcher@demo.techmatch", DEMO_PASSWORD).await;
        let (status, body) = researcher
            .post(
                &server,
                &format!("/api/v1/challenges/{call}/bids"),
                bid_body("B"),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let reason = message(&body);
        assert!(reason.contains("评审专家组"), "{body}");

        // And the bid form: the same answer.
        let researcher = Client::page_login(&server, "researcher@demo.techmatch").await;
        let (_, _, csrf) = researcher
            .page(&server, &format!("/challenges/{call}"))
            .await;
        let fields = [
            ("csrf", csrf.as_str()),
            ("team_leader", "张工"),
            ("team", "三人"),
            ("technical_plan", "方案"),
            ("budget", "250"),
            ("existing_base", "无"),
            ("milestone_title", "中试"),
            ("milestone_metrics", "72 小时"),
            ("milestone_due", "2027-04-30"),
            ("milestone_amount", "100"),
            ("pledge", "on"),
        ];
        let (status, _, page) = submit(
            &researcher,
            &server,
            &format!("/challenges/{call}/bid"),
            &fields,
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
        assert!(page.contains("评审专家组"), "{page}");
        assert!(bids_seen_by_bureau(&server, call).await.is_empty());
    })
    .await;
}

/// Finding 8 of the panel review: the unlink API demanded a JSON body, and a client
/// posting none got axum's plain-text answer instead of the documented 422 `ErrorBody`.
#[tokio::test]
async fn unlinking_without_a_body_is_told_in_json_what_is_missing() {
    on_each_platform_with_clock(|server, clock| async move {
        let deadline = t0() + Duration::days(10);
        let call = open_call(&server, challenge_body(deadline, false)).await;
        let team =
            Client::register(&server, "t@saibei.example.cn", "researcher", "塞北工业大学").await;
        let bid = submitted_bid(&server, &team, call, bid_body("T")).await;
        clock.set(deadline + Duration::minutes(1));
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let path = format!("/api/v1/bids/{bid}/consortium/0/unlink");

        // No body at all, no content type.
        let response = moderator
            .http
            .post(server.url(&path))
            .header("X-CSRF-Token", &moderator.csrf)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = response.json().await.unwrap();
        assert!(message(&body).contains("核对结果"), "{body}");
        // An empty object and a body that is not JSON: the same.
        let (status, body) = moderator.post(&server, &path, json!({})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let response = moderator
            .http
            .post(server.url(&path))
            .header("X-CSRF-Token", &moderator.csrf)
            .header("Content-Type", "application/json")
            .body("not json")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // Nothing was decided; with the state it saw, the bureau unlinks.
        let (status, body) = moderator
            .post(&server, &path, json!({"expected": "pending"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    })
    .await;
}
