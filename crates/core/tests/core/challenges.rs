//! 揭榜挂帅 through the services on real databases, with the clock in the test's hand:
//! a whole 赛马 call from publication to acceptance, 流榜 and re-publication, and the
//! deadlines.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use techmatch_core::CoreError;
use techmatch_core::accounts::Role;
use techmatch_core::challenge::bid::{BidAction, BidStatus};
use techmatch_core::challenge::calendar::WorkCalendar;
use techmatch_core::challenge::lifecycle::{ChallengeAction, ChallengeStatus};
use techmatch_core::challenge::milestone::{MilestoneAction, MilestoneStatus};
use techmatch_core::posting::OrgKind;
use techmatch_core::services::bids::{
    self, BidInput, FormalDecision, MemberInput, MilestoneInput, MilestoneStep,
};
use techmatch_core::services::challenges::{self, ActionInput, ChallengeInput, TaskBook};
use techmatch_core::services::users::{self, NewUser, User};
use techmatch_core::testing::on_each_backend;

/// Monday 2026-12-07, 09:00 in Beijing.
pub(crate) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 1, 0, 0).unwrap()
}

pub(crate) async fn user(
    conn: &DatabaseConnection,
    email: &str,
    role: Role,
    org: Option<(&str, OrgKind)>,
) -> User {
    let organisation = org.map(|(name, kind)| users::org_ref(name, kind, None).unwrap());
    let new = NewUser {
        email: email.to_owned(),
        password: "a-good-password".to_owned(),
        display_name: email.split('@').next().unwrap_or("x").to_owned(),
        role,
        organisation,
    };
    users::create(conn, &new, "not-a-real-hash".to_owned(), true)
        .await
        .unwrap_or_else(|e| panic!("{email}: {e}"))
}

pub(crate) fn challenge_input(deadline: DateTime<Utc>) -> ChallengeInput {
    ChallengeInput {
        title: "高白度纳米碳酸钙连续碳化工艺".to_owned(),
        industry: Some("新材料".to_owned()),
        keywords: vec!["纳米碳酸钙".to_owned(), "碳化".to_owned()],
        background: "现有间歇碳化工艺批次稳定性差。".to_owned(),
        problem: "开发连续碳化装置与控制策略。".to_owned(),
        metrics: vec!["白度 ≥ 96%".to_owned(), "粒径 D50 ≤ 60 nm".to_owned()],
        scenario: "年产 10 万吨生产线".to_owned(),
        final_user: "晋阳县华钙纳米材料有限公司".to_owned(),
        reward_enterprise_yuan: 3_000_000,
        reward_subsidy_yuan: 1_000_000,
        bid_deadline: deadline,
        completion_months: 18,
        eligibility: "国内高校、科研院所及企业均可揭榜，可组成联合体。".to_owned(),
        horse_race: true,
        max_winners: 2,
        confidentiality: "public".to_owned(),
        contact_name: "张工".to_owned(),
        contact_phone: "0351-1234567".to_owned(),
    }
}

pub(crate) fn bid_input(team: &str, first_due: DateTime<Utc>) -> BidInput {
    BidInput {
        consortium: vec![MemberInput {
            name: "晋阳县装备制造有限公司".to_owned(),
            uscc: None,
        }],
        team_leader: format!("{team}负责人"),
        team: format!("{team}团队 8 人"),
        technical_plan: "多级串联超重力碳化反应器，在线 pH 与电导率闭环控制。".to_owned(),
        budget_yuan: 2_500_000,
        existing_base: "已有中试装置一套。".to_owned(),
        patents: vec!["ZL201510123456.1".to_owned()],
        achievement_ids: Vec::new(),
        milestones: vec![
            MilestoneInput {
                title: "中试装置建成".to_owned(),
                metrics: "连续运行 72 小时".to_owned(),
                due: first_due,
                amount_yuan: 1_000_000,
            },
            MilestoneInput {
                title: "工业试验".to_owned(),
                metrics: "白度 ≥ 96%，D50 ≤ 60 nm".to_owned(),
                due: first_due + Duration::days(180),
                amount_yuan: 1_500_000,
            },
        ],
        pledge: true,
    }
}

fn scores(plan: &str, team: &str, budget: &str) -> Vec<(String, String)> {
    vec![
        ("技术方案".to_owned(), plan.to_owned()),
        ("团队能力".to_owned(), team.to_owned()),
        ("经费合理性".to_owned(), budget.to_owned()),
    ]
}

fn refusal(result: Result<impl std::fmt::Debug, CoreError>) -> String {
    match result {
        Err(CoreError::IllegalTransition { reason, .. }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_horse_race_call_from_publication_to_acceptance() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let bureau = user(conn, "admin@kjj.cn", Role::Admin, Some(("晋阳县科学技术局", OrgKind::Bureau))).await;
        let publisher = user(conn, "boss@huagai.cn", Role::Enterprise, Some(("晋阳县华钙纳米材料有限公司", OrgKind::Enterprise))).await;
        let team_b = user(conn, "b@uni.cn", Role::Researcher, Some(("华北材料科技大学", OrgKind::University))).await;
        let team_c = user(conn, "c@inst.cn", Role::Researcher, Some(("津沽材料研究院", OrgKind::Institute))).await;
        let team_d = user(conn, "d@inst.cn", Role::Researcher, Some(("江南轻工研究院", OrgKind::Institute))).await;
        // Expert 1 works at team C's institute: a conflict of interest with that bid.
        let expert_1 = user(conn, "e1@inst.cn", Role::Expert, Some(("津沽材料研究院", OrgKind::Institute))).await;
        let expert_2 = user(conn, "e2@expert.cn", Role::Expert, None).await;

        // Published after review.
        let deadline = t0() + Duration::days(10);
        let id = challenges::create(conn, &publisher, &challenge_input(deadline), t0()).await.unwrap();
        let act = |actor: &User, action, now| {
            let actor = actor.clone();
            async move { challenges::act(conn, &actor, id, action, &ActionInput::default(), now).await }
        };
        assert!(matches!(act(&team_b, ChallengeAction::Submit, t0()).await, Err(CoreError::Forbidden(_))));
        assert_eq!(act(&publisher, ChallengeAction::Submit, t0()).await.unwrap(), ChallengeStatus::UnderReview);
        assert_eq!(act(&bureau, ChallengeAction::Approve, t0()).await.unwrap(), ChallengeStatus::Open);
        challenges::assign_expert(conn, &bureau, id, expert_2.id, t0()).await.unwrap();

        // Three bids; the publisher cannot bid on its own call.
        let day = t0() + Duration::days(1);
        let first_due = t0() + Duration::days(120);
        assert!(matches!(
            bids::create(conn, &publisher, id, &bid_input("发榜方", first_due), day).await,
            Err(CoreError::Forbidden(_))
        ));
        let mut bid = std::collections::HashMap::new();
        for (name, team) in [("B", &team_b), ("C", &team_c), ("D", &team_d)] {
            let bid_id = bids::create(conn, team, id, &bid_input(name, first_due), day).await.unwrap();
            assert_eq!(bids::act(conn, team, bid_id, BidAction::Submit, day).await.unwrap(), BidStatus::Submitted);
            // The bureau checks the consortium agreement: the member is no registry organisation.
            bids::link_member(conn, &bureau, bid_id, 0, bids::LinkDecision::Unlink, bids::MemberState::Pending, day).await.unwrap();
            bid.insert(name, bid_id);
        }
        // Expert 1 sits beside their institute's bid: neither the seating nor the bid lets
        // that happen any more, but a seat from before those rules (an upgrade's data) or
        // a merge past the selection leaves one. The seat is written as such data is, and
        // the scoring still refuses the conflict.
        techmatch_core::entities::challenge_expert::ActiveModel {
            challenge_id: Set(id),
            expert_user_id: Set(expert_1.id),
            expert_org_id: Set(expert_1.org_id),
            assigned_by: Set(bureau.id),
            assigned_at: Set(t0()),
            ..Default::default()
        }
        .insert(conn)
        .await
        .unwrap();
        assert!(matches!(
            bids::create(conn, &team_b, id, &bid_input("B2", first_due), day).await,
            Err(CoreError::Conflict(_))
        ));

        // The deadline passes: selection begins by itself, and nothing more is accepted.
        let after = deadline + Duration::minutes(1);
        assert!(refusal(bids::act(conn, &team_d, bid["D"], BidAction::Withdraw, after).await).contains("截止后不能撤回"));
        assert_eq!(challenges::model(conn, id).await.unwrap().status, "selection");

        // Formal review: C is returned, corrects and resubmits, then passes.
        let pass = FormalDecision::Pass;
        bids::formal_review(conn, &bureau, bid["B"], &pass, after).await.unwrap();
        bids::formal_review(conn, &bureau, bid["D"], &pass, after).await.unwrap();
        let returned = FormalDecision::Return { items: vec![("联合体协议".to_owned(), "缺少成员单位盖章".to_owned())] };
        assert_eq!(bids::formal_review(conn, &bureau, bid["C"], &returned, after).await.unwrap(), BidStatus::Returned);
        assert!(refusal(act(&bureau, ChallengeAction::DeclareUnfilled, after).await).contains("形式审查"));
        let mut corrected = bid_input("C", first_due);
        corrected.existing_base = "已有中试装置一套；联合体协议已盖章。".to_owned();
        bids::edit(conn, &team_c, bid["C"], &corrected, after).await.unwrap();
        bids::act(conn, &team_c, bid["C"], BidAction::Resubmit, after).await.unwrap();
        bids::formal_review(conn, &bureau, bid["C"], &pass, after).await.unwrap();

        // Expert review: expert 1 may not score C; proposing waits for every sheet.
        assert!(matches!(
            bids::score(conn, &expert_1, bid["C"], &scores("90", "90", "90"), "很好", after).await,
            Err(CoreError::Forbidden(_))
        ));
        let propose = |winners: Vec<i64>, now| {
            let bureau = bureau.clone();
            async move {
                challenges::propose_winners(conn, &bureau, id, &winners, &WorkCalendar::weekends_only(), now).await
            }
        };
        bids::score(conn, &expert_1, bid["B"], &scores("92", "88", "85"), "方案成熟", after).await.unwrap();
        // A sheet is final and counts: its author stays on the panel.
        match challenges::unassign_expert(conn, &bureau, id, expert_1.id, after).await {
            Err(CoreError::Conflict(reason)) => assert!(reason.contains("已提交评分表"), "{reason}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(refusal(propose(vec![bid["B"], bid["C"]], after).await).contains("专家评分未提交"));
        bids::score(conn, &expert_1, bid["D"], &scores("70", "75", "80"), "方案一般", after).await.unwrap();
        bids::score(conn, &expert_2, bid["B"], &scores("90", "85", "88"), "可行", after).await.unwrap();
        bids::score(conn, &expert_2, bid["C"], &scores("88", "90", "86"), "团队强", after).await.unwrap();
        bids::score(conn, &expert_2, bid["D"], &scores("72", "70", "78"), "一般", after).await.unwrap();
        assert!(matches!(
            bids::score(conn, &expert_2, bid["D"], &scores("99", "99", "99"), "改分", after).await,
            Err(CoreError::Conflict(_))
        ));
        let ranking = challenges::ranking(conn, id).await.unwrap();
        assert_eq!(ranking.len(), 3);
        assert_eq!(ranking[2].bid, bid["D"], "D ranks last: {ranking:?}");
        assert!(refusal(propose(vec![bid["B"], bid["C"], bid["D"]], after).await).contains("1 至 2 个"));
        let ends = propose(vec![bid["B"], bid["C"]], after).await.unwrap();
        // Proposed on Thursday 2026-12-17 (Beijing): five working days, the first being
        // Friday, end on Thursday 12-24 at 24:00 Beijing time.
        assert_eq!(ends, Utc.with_ymd_and_hms(2026, 12, 24, 16, 0, 0).unwrap());
        // The panel has judged: from the 公示 on, no link changes who was conflicted.
        let relink = bids::link_member(conn, &bureau, bid["B"], 0, bids::LinkDecision::Unlink, bids::MemberState::Declined, after).await;
        assert!(refusal(relink).contains("揭榜期和评审期内"));

        // 公示: an objection must be answered, and the award waits for the end.
        let objection = challenges::object(conn, &team_d, id, Some(bid["C"]), "C 的联合体成员曾有失信记录", after).await.unwrap();
        let award = |now| {
            let bureau = bureau.clone();
            async move { challenges::award(conn, &bureau, id, &[], now).await }
        };
        assert!(refusal(award(after).await).contains("公示期尚未结束"));
        let past = ends + Duration::minutes(1);
        assert!(refusal(challenges::object(conn, &team_d, id, None, "再次异议", past).await).contains("公示期内"));
        assert!(refusal(award(past).await).contains("1 条异议未答复"));
        challenges::answer_objection(conn, &bureau, objection, "经核查，失信记录已于 2024 年修复，异议不成立。", false, past).await.unwrap();
        award(past).await.unwrap();
        let status_of = |bid_id: i64| async move { bids::model(conn, bid_id).await.unwrap().status };
        assert_eq!(status_of(bid["B"]).await, "awarded");
        assert_eq!(status_of(bid["C"]).await, "awarded");
        assert_eq!(status_of(bid["D"]).await, "not_selected");

        // Execution: C fails its first milestone and drops out; B goes on and is accepted.
        let task_book = TaskBook {
            agreement_no: "JY-JB-2026-001".to_owned(),
            signed_on: NaiveDate::from_ymd_opt(2026, 12, 28).unwrap(),
            starts_on: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2028, 6, 30).unwrap(),
            total_yuan: 4_000_000,
        };
        let work = past + Duration::days(3);
        challenges::start_execution(conn, &bureau, id, &task_book, work).await.unwrap();
        let step = |action, text: &str, evidence: &str| MilestoneStep {
            action,
            text: text.to_owned(),
            evidence: evidence.to_owned(),
        };
        let c_milestones = bids::milestones(conn, bid["C"]).await.unwrap();
        bids::milestone_step(conn, &team_c, c_milestones[0].id, &step(MilestoneAction::Report, "装置建成", "运行记录"), work).await.unwrap();
        assert!(matches!(
            bids::milestone_step(conn, &team_b, c_milestones[0].id, &step(MilestoneAction::Report, "冒充", "无"), work).await,
            Err(CoreError::Forbidden(_))
        ));
        let failed = bids::milestone_step(conn, &bureau, c_milestones[0].id, &step(MilestoneAction::Fail, "连续运行仅 20 小时", ""), work).await.unwrap();
        assert_eq!(failed, MilestoneStatus::Failed);
        assert_eq!(status_of(bid["C"]).await, "dropped_out");
        assert_eq!(challenges::model(conn, id).await.unwrap().status, "in_execution", "B is still racing");

        let b_milestones = bids::milestones(conn, bid["B"]).await.unwrap();
        assert!(refusal(bids::final_acceptance(conn, &bureau, bid["B"], true, "", work).await).contains("里程碑未通过"));
        for m in &b_milestones {
            bids::milestone_step(conn, &team_b, m.id, &step(MilestoneAction::Report, "完成", "第三方检测报告"), work).await.unwrap();
            bids::milestone_step(conn, &bureau, m.id, &step(MilestoneAction::Pass, "", ""), work).await.unwrap();
        }
        bids::final_acceptance(conn, &bureau, bid["B"], true, "各项指标达到榜单要求", work).await.unwrap();
        let done = challenges::model(conn, id).await.unwrap();
        assert_eq!(done.status, "accepted");

        let timeline = challenges::timeline(conn, id).await.unwrap();
        for action in ["challenge.submit", "bid.return_for_correction", "challenge.propose_winners", "challenge.objection_rejected", "milestone.fail", "bid.drop_out", "challenge.accept"] {
            assert!(timeline.iter().any(|e| e.action == action), "{action} on the timeline");
        }
        db
    })
    .await;
}

#[tokio::test]
async fn a_call_without_bids_is_unfilled_and_can_be_published_again_or_closed() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let bureau = user(
            conn,
            "admin@kjj.cn",
            Role::Admin,
            Some(("晋阳县科学技术局", OrgKind::Bureau)),
        )
        .await;
        let team = user(
            conn,
            "t@uni.cn",
            Role::Researcher,
            Some(("华北材料科技大学", OrgKind::University)),
        )
        .await;
        let deadline = t0() + Duration::days(5);
        let mut input = challenge_input(deadline);
        input.horse_race = false;
        input.max_winners = 1;
        // A government list, published by the bureau itself.
        let id = challenges::create(conn, &bureau, &input, t0())
            .await
            .unwrap();
        let none = ActionInput::default();
        challenges::act(conn, &bureau, id, ChallengeAction::Submit, &none, t0())
            .await
            .unwrap();
        challenges::act(conn, &bureau, id, ChallengeAction::Approve, &none, t0())
            .await
            .unwrap();
        let draft = bids::create(
            conn,
            &team,
            id,
            &bid_input("T", t0() + Duration::days(90)),
            t0(),
        )
        .await
        .unwrap();

        // The deadline passes with only a draft: 流榜, and the draft can no longer be sent.
        // Reads see it at once, without writing; the settler records it.
        let after = deadline + Duration::seconds(1);
        let read = challenges::model_as_of(conn, id, after).await.unwrap();
        assert_eq!(read.status, "unfilled");
        let listed = challenges::list(conn, Some(&bureau), after).await.unwrap();
        assert_eq!(
            listed
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.status.as_str()),
            Some("unfilled")
        );
        assert_eq!(
            challenges::model(conn, id).await.unwrap().status,
            "open",
            "reading wrote nothing"
        );
        assert!(
            challenges::timeline(conn, id)
                .await
                .unwrap()
                .iter()
                .all(|e| e.action != "challenge.close_bidding")
        );
        let offered = challenges::offers(conn, &bureau, &read, after)
            .await
            .unwrap();
        assert_eq!(
            offered
                .iter()
                .map(|o| (o.action.code(), o.refused.is_none()))
                .collect::<Vec<_>>(),
            [("republish", true), ("close", true), ("withdraw", true)],
            "the publisher's moves out of 流榜"
        );
        assert!(
            challenges::offers(conn, &team, &read, after)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(challenges::settle_all(conn, after).await.unwrap(), 1);
        assert_eq!(
            challenges::model(conn, id).await.unwrap().status,
            "unfilled"
        );
        assert!(
            refusal(bids::act(conn, &team, draft, BidAction::Submit, after).await)
                .contains("不在揭榜期")
        );

        // Published again with a new deadline, the draft can be submitted.
        let again = ActionInput {
            reason: None,
            new_bid_deadline: Some(after - Duration::days(1)),
        };
        assert!(
            refusal(
                challenges::act(conn, &bureau, id, ChallengeAction::Republish, &again, after).await
            )
            .contains("新揭榜截止时间")
        );
        let again = ActionInput {
            reason: None,
            new_bid_deadline: Some(after + Duration::days(20)),
        };
        assert_eq!(
            challenges::act(conn, &bureau, id, ChallengeAction::Republish, &again, after)
                .await
                .unwrap(),
            ChallengeStatus::Open
        );
        assert_eq!(
            bids::act(conn, &team, draft, BidAction::Submit, after)
                .await
                .unwrap(),
            BidStatus::Submitted
        );

        // A second call nobody answers is closed; a closed call refuses everything.
        let other = challenges::create(conn, &bureau, &input, t0())
            .await
            .unwrap();
        challenges::act(conn, &bureau, other, ChallengeAction::Submit, &none, t0())
            .await
            .unwrap();
        challenges::act(conn, &bureau, other, ChallengeAction::Approve, &none, t0())
            .await
            .unwrap();
        challenges::settle(conn, other, after).await.unwrap();
        challenges::act(conn, &bureau, other, ChallengeAction::Close, &none, after)
            .await
            .unwrap();
        assert!(
            refusal(
                challenges::act(
                    conn,
                    &bureau,
                    other,
                    ChallengeAction::Republish,
                    &again,
                    after
                )
                .await
            )
            .contains("榜单已结束")
        );
        let withdraw = ActionInput {
            reason: Some("需求已解决".to_owned()),
            new_bid_deadline: None,
        };
        assert_eq!(
            challenges::act(
                conn,
                &bureau,
                id,
                ChallengeAction::Withdraw,
                &withdraw,
                after
            )
            .await
            .unwrap(),
            ChallengeStatus::Withdrawn
        );
        db
    })
    .await;
}
