//! The selection record (评审过程记录) of a small 赛马 call, read back from its XLSX.

use std::collections::HashMap;

use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, Duration, TimeZone, Utc};
use sea_orm::DatabaseConnection;
use techmatch_core::accounts::Role;
use techmatch_core::challenge::bid::BidAction;
use techmatch_core::challenge::calendar::WorkCalendar;
use techmatch_core::challenge::lifecycle::ChallengeAction;
use techmatch_core::posting::OrgKind;
use techmatch_core::services::bids::{self, BidInput, FormalDecision, MemberInput, MilestoneInput};
use techmatch_core::services::challenge_record::selection_record_xlsx;
use techmatch_core::services::challenges::{self, ActionInput, ChallengeInput};
use techmatch_core::services::users::{self, NewUser, User};
use techmatch_core::testing::on_each_backend;

/// Monday 2026-12-07, 09:00 in Beijing.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 1, 0, 0).unwrap()
}

async fn user(
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

fn challenge_input(deadline: DateTime<Utc>) -> ChallengeInput {
    ChallengeInput {
        title: "高白度纳米碳酸钙连续碳化工艺".to_owned(),
        industry: Some("新材料".to_owned()),
        keywords: vec!["纳米碳酸钙".to_owned()],
        background: "现有间歇碳化工艺批次稳定性差。".to_owned(),
        problem: "开发连续碳化装置与控制策略。".to_owned(),
        metrics: vec!["白度 ≥ 96%".to_owned(), "粒径 D50 ≤ 60 nm".to_owned()],
        scenario: "年产 10 万吨生产线".to_owned(),
        final_user: "晋阳县华钙纳米材料有限公司".to_owned(),
        reward_enterprise_yuan: 3_000_000,
        reward_subsidy_yuan: 1_000_000,
        bid_deadline: deadline,
        completion_months: 18,
        eligibility: "国内高校、科研院所及企业均可揭榜。".to_owned(),
        horse_race: true,
        max_winners: 2,
        confidentiality: "public".to_owned(),
        contact_name: "张工".to_owned(),
        contact_phone: "0351-1234567".to_owned(),
    }
}

fn bid_input(team: &str, first_due: DateTime<Utc>) -> BidInput {
    BidInput {
        consortium: vec![MemberInput {
            name: "晋阳县装备制造有限公司".to_owned(),
            uscc: None,
        }],
        team_leader: format!("{team}负责人"),
        team: format!("{team}团队 8 人"),
        technical_plan: "多级串联超重力碳化反应器。".to_owned(),
        budget_yuan: 2_500_000,
        existing_base: "已有中试装置一套。".to_owned(),
        patents: Vec::new(),
        achievement_ids: Vec::new(),
        milestones: vec![MilestoneInput {
            title: "中试装置建成".to_owned(),
            metrics: "连续运行 72 小时".to_owned(),
            due: first_due,
            amount_yuan: 1_000_000,
        }],
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

/// A sheet's cells, header row first.
fn sheet(workbook: &mut Xlsx<std::io::Cursor<Vec<u8>>>, name: &str) -> Vec<Vec<Data>> {
    let range = workbook
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
    range.rows().map(<[Data]>::to_vec).collect()
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("expected text, got {other:?}"),
    }
}

fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number, got {other:?}"),
    }
}

fn close(cell: &Data, expected: f64) -> bool {
    (number(cell) - expected).abs() < 0.005
}

/// The rows after the header, each as header → cell.
fn rows_by_header(cells: &[Vec<Data>]) -> Vec<HashMap<String, Data>> {
    let headers: Vec<String> = cells[0].iter().map(text).collect();
    cells[1..]
        .iter()
        .map(|row| headers.iter().cloned().zip(row.iter().cloned()).collect())
        .collect()
}

#[tokio::test]
async fn the_selection_record_holds_every_step_of_the_review() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let bureau = user(
            conn,
            "admin@kjj.cn",
            Role::Admin,
            Some(("晋阳县科学技术局", OrgKind::Bureau)),
        )
        .await;
        let publisher = user(
            conn,
            "boss@huagai.cn",
            Role::Enterprise,
            Some(("晋阳县华钙纳米材料有限公司", OrgKind::Enterprise)),
        )
        .await;
        let team_b = user(
            conn,
            "b@uni.cn",
            Role::Researcher,
            Some(("华北材料科技大学", OrgKind::University)),
        )
        .await;
        let team_c = user(
            conn,
            "c@inst.cn",
            Role::Researcher,
            Some(("津沽材料研究院", OrgKind::Institute)),
        )
        .await;
        let team_d = user(
            conn,
            "d@inst.cn",
            Role::Researcher,
            Some(("江南轻工研究院", OrgKind::Institute)),
        )
        .await;
        let e1 = user(conn, "e1@expert.cn", Role::Expert, None).await;
        let e2 = user(conn, "e2@expert.cn", Role::Expert, None).await;
        let e3 = user(conn, "e3@expert.cn", Role::Expert, None).await;

        let deadline = t0() + Duration::days(10);
        let id = challenges::create(conn, &publisher, &challenge_input(deadline), t0())
            .await
            .unwrap();
        let none = ActionInput::default();
        challenges::act(conn, &publisher, id, ChallengeAction::Submit, &none, t0())
            .await
            .unwrap();
        challenges::act(conn, &bureau, id, ChallengeAction::Approve, &none, t0())
            .await
            .unwrap();
        for expert in [&e1, &e2, &e3] {
            challenges::assign_expert(conn, &bureau, id, expert.id, t0())
                .await
                .unwrap();
        }

        let day = t0() + Duration::days(1);
        let first_due = t0() + Duration::days(120);
        let mut bid = HashMap::new();
        for (name, team) in [("B", &team_b), ("C", &team_c), ("D", &team_d)] {
            let bid_id = bids::create(conn, team, id, &bid_input(name, first_due), day)
                .await
                .unwrap();
            bids::act(conn, team, bid_id, BidAction::Submit, day)
                .await
                .unwrap();
            // The bureau checks the consortium agreement: the member is no registry
            // organisation.
            bids::link_member(
                conn,
                &bureau,
                bid_id,
                0,
                bids::LinkDecision::Unlink,
                bids::MemberState::Pending,
                day,
            )
            .await
            .unwrap();
            bid.insert(name, bid_id);
        }

        // Formal review: D is not accepted, B and C go to the experts.
        let after = deadline + Duration::minutes(1);
        bids::formal_review(conn, &bureau, bid["B"], &FormalDecision::Pass, after)
            .await
            .unwrap();
        bids::formal_review(conn, &bureau, bid["C"], &FormalDecision::Pass, after)
            .await
            .unwrap();
        let rejected = FormalDecision::Reject {
            items: vec![("诚信承诺".to_owned(), "承诺书未盖章".to_owned())],
        };
        bids::formal_review(conn, &bureau, bid["D"], &rejected, after)
            .await
            .unwrap();

        // Totals (weights 40/30/30): B 88.7, 87.9, 90; C 75.5, 88, 40 (e3 an outlier).
        let sheets = [
            (&e1, "B", scores("92", "88", "85"), "方案成熟"),
            (&e2, "B", scores("90", "85", "88"), "可行"),
            (&e3, "B", scores("90", "90", "90"), "很好"),
            (&e1, "C", scores("80", "75", "70"), "尚可"),
            (&e2, "C", scores("88", "90", "86"), "团队强"),
            (&e3, "C", scores("40", "40", "40"), "不可行"),
        ];
        for (expert, name, sheet, comment) in &sheets {
            bids::score(conn, expert, bid[name], sheet, comment, after)
                .await
                .unwrap();
        }
        challenges::propose_winners(
            conn,
            &bureau,
            id,
            &[bid["B"]],
            &WorkCalendar::weekends_only(),
            after,
        )
        .await
        .unwrap();
        let objection = challenges::object(
            conn,
            &team_c,
            id,
            Some(bid["B"]),
            "B 的中试装置并非自有",
            after,
        )
        .await
        .unwrap();
        let ends = challenges::model(conn, id)
            .await
            .unwrap()
            .publicity_ends
            .unwrap();
        let past = ends + Duration::minutes(1);
        challenges::answer_objection(
            conn,
            &bureau,
            objection,
            "经核查，装置为自有。",
            false,
            past,
        )
        .await
        .unwrap();
        challenges::award(conn, &bureau, id, &[], past)
            .await
            .unwrap();

        let bytes = selection_record_xlsx(conn, id).await.unwrap();
        let mut workbook: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(
            workbook.sheet_names(),
            [
                "榜单",
                "申报",
                "专家评分",
                "排名",
                "公示与异议",
                "决定与时间线"
            ]
        );

        // 榜单: one row, times in Beijing.
        let cells = sheet(&mut workbook, "榜单");
        assert_eq!(text(&cells[0][0]), "榜单编号");
        let call = &rows_by_header(&cells)[0];
        assert_eq!(text(&call["榜单名称"]), "高白度纳米碳酸钙连续碳化工艺");
        assert_eq!(text(&call["榜单类型"]), "企业榜");
        assert_eq!(text(&call["发榜单位"]), "晋阳县华钙纳米材料有限公司");
        assert_eq!(text(&call["状态"]), "已确定揭榜方");
        assert!(close(&call["企业出资（万元）"], 300.0));
        assert!(close(&call["财政补助（万元）"], 100.0));
        assert_eq!(text(&call["揭榜截止时间"]), "2026-12-17 09:00");
        assert!(close(&call["最多揭榜方数"], 2.0));
        assert_eq!(text(&call["赛马制"]), "是");
        assert_eq!(text(&call["量化验收指标"]), "白度 ≥ 96%\n粒径 D50 ≤ 60 nm");
        assert_eq!(text(&call["公示开始时间"]), "2026-12-17 09:01");
        assert_eq!(text(&call["公示结束时间"]), "2026-12-25 00:00");

        // 申报: the three bids with their formal review.
        let cells = sheet(&mut workbook, "申报");
        let filed = rows_by_header(&cells);
        assert_eq!(filed.len(), 3);
        let d = filed
            .iter()
            .find(|r| close(&r["申报编号"], bid["D"] as f64))
            .unwrap();
        assert_eq!(text(&d["牵头单位"]), "江南轻工研究院");
        assert_eq!(text(&d["联合体成员"]), "晋阳县装备制造有限公司");
        assert_eq!(text(&d["项目负责人"]), "D负责人");
        assert!(close(&d["申报经费（万元）"], 250.0));
        assert_eq!(text(&d["状态"]), "不予受理");
        assert_eq!(text(&d["提交时间"]), "2026-12-08 09:00");
        assert_eq!(text(&d["形式审查结论"]), "不予受理");
        assert_eq!(text(&d["形式审查意见"]), "诚信承诺：承诺书未盖章");
        let b = filed
            .iter()
            .find(|r| close(&r["申报编号"], bid["B"] as f64))
            .unwrap();
        assert_eq!(text(&b["状态"]), "揭榜成功");
        assert_eq!(text(&b["形式审查结论"]), "形式审查通过");

        // 专家评分: one row per sheet, a column per criterion.
        let cells = sheet(&mut workbook, "专家评分");
        let headers: Vec<String> = cells[0].iter().map(text).collect();
        assert_eq!(
            headers,
            [
                "申报编号",
                "牵头单位",
                "评审专家",
                "技术方案",
                "团队能力",
                "经费合理性",
                "加权总分",
                "评审意见",
                "提交时间"
            ]
        );
        let scored = rows_by_header(&cells);
        assert_eq!(scored.len(), sheets.len());
        let totals = [88.7, 87.9, 90.0, 75.5, 88.0, 40.0];
        for ((expert, name, sheet, comment), total) in sheets.iter().zip(totals) {
            let row = scored
                .iter()
                .find(|r| {
                    close(&r["申报编号"], bid[name] as f64)
                        && text(&r["评审专家"]) == expert.display_name
                })
                .unwrap_or_else(|| panic!("{} on {name}", expert.display_name));
            for (criterion, score) in sheet {
                assert!(
                    close(&row[criterion], score.parse().unwrap()),
                    "{criterion}"
                );
            }
            assert!(close(&row["加权总分"], total), "{:?}", row["加权总分"]);
            assert_eq!(text(&row["评审意见"]), *comment);
            assert_eq!(text(&row["提交时间"]), "2026-12-17 09:01");
        }

        // 排名: B first, C second with e3 flagged.
        let cells = sheet(&mut workbook, "排名");
        let ranked = rows_by_header(&cells);
        assert_eq!(ranked.len(), 2);
        let (first, second) = (&ranked[0], &ranked[1]);
        assert!(close(&first["排名"], 1.0) && close(&first["申报编号"], bid["B"] as f64));
        assert_eq!(text(&first["牵头单位"]), "华北材料科技大学");
        assert!(close(&first["平均分"], (88.7 + 87.9 + 90.0) / 3.0));
        assert!(close(&first["计入评分表数"], 3.0));
        assert!(close(&first["最低分"], 87.9) && close(&first["最高分"], 90.0));
        assert!(close(&first["极差"], 2.1));
        assert_eq!(text(&first["评分偏离较大的专家"]), "");
        assert!(close(&second["排名"], 2.0) && close(&second["申报编号"], bid["C"] as f64));
        assert!(close(&second["平均分"], (75.5 + 88.0 + 40.0) / 3.0));
        assert!(close(&second["最低分"], 40.0) && close(&second["最高分"], 88.0));
        assert!(close(&second["极差"], 48.0));
        assert!(number(&second["标准差"]) > 20.0);
        assert_eq!(text(&second["评分偏离较大的专家"]), "e3");

        // 公示与异议.
        let cells = sheet(&mut workbook, "公示与异议");
        let objections = rows_by_header(&cells);
        assert_eq!(objections.len(), 1);
        let lodged = &objections[0];
        assert_eq!(text(&lodged["异议人"]), "c");
        assert_eq!(text(&lodged["提出时间"]), "2026-12-17 09:01");
        assert_eq!(
            text(&lodged["涉及申报"]),
            format!("第 {} 号申报（华北材料科技大学）", bid["B"])
        );
        assert_eq!(text(&lodged["异议理由"]), "B 的中试装置并非自有");
        assert_eq!(text(&lodged["答复"]), "经核查，装置为自有。");
        assert_eq!(text(&lodged["异议是否成立"]), "否");
        assert_eq!(text(&lodged["答复时间"]), "2026-12-25 00:01");

        // 决定与时间线: labels, names and the clock's own step.
        let cells = sheet(&mut workbook, "决定与时间线");
        let events = rows_by_header(&cells);
        let has = |actor: &str, action: &str, detail: &str| {
            events.iter().any(|e| {
                text(&e["操作人"]) == actor
                    && text(&e["操作"]) == action
                    && text(&e["说明"]).contains(detail)
            })
        };
        assert!(has("boss", "提交审核", ""));
        assert!(has("admin", "指派评审专家", "e2"));
        assert!(has("系统", "截止揭榜", ""));
        assert!(has("admin", "不予受理", "承诺书未盖章"));
        assert!(has("e3", "提交专家评分", ""));
        assert!(has("admin", "确定拟揭榜方并公示", "华北材料科技大学"));
        assert!(has("c", "提出异议", ""));
        assert!(has("admin", "答复异议：异议不成立", "装置为自有"));
        assert!(has("admin", "确定为揭榜方", ""));
        assert!(has("admin", "公示期满，确定揭榜方", ""));
        assert!(
            events.iter().all(|e| !text(&e["操作"]).contains('.')),
            "every action has a label"
        );
        db
    })
    .await;
}
