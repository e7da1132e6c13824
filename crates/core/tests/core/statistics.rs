//! The bureau's figures against a hand-built dataset whose answers are known: a
//! withdrawn need, a need posted one second before the year began in Beijing, one
//! posted in the first hour of April in Beijing (still March in UTC), a deal with
//! non-technical costs deducted, and filters by cluster, region and organisation kind.

use calamine::Reader;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, IntoActiveModel};
use techmatch_core::entities::{
    achievement, audit, contact, deal, match_proposal, need, organisation,
};
use techmatch_core::lists::write::TableFormat;
use techmatch_core::posting::OrgKind;
use techmatch_core::services::statistics::{self, Filter};
use techmatch_core::testing::on_each_backend;

fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, s).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn organisation(
    conn: &sea_orm::DatabaseConnection,
    name: &str,
    kind: OrgKind,
    region: &str,
) -> i64 {
    let mut row = organisation::Model {
        id: 0,
        kind: kind.code().to_owned(),
        name: name.to_owned(),
        uscc: None,
        uscc_check_failure: None,
        uscc_accepted_by: None,
        uscc_accepted_reason: None,
        uscc_accepted_at: None,
        region_code: Some(region.to_owned()),
        region_name: None,
        verified: true,
        created_at: at(2025, 1, 1, 0, 0, 0),
        provisional: false,
    }
    .into_active_model()
    .reset_all();
    row.id = NotSet;
    row.insert(conn).await.unwrap().id
}

struct Posting {
    org: i64,
    cluster: &'static str,
    region: &'static str,
    status: &'static str,
    created: DateTime<Utc>,
}

async fn need(conn: &sea_orm::DatabaseConnection, external_id: &str, p: Posting) -> i64 {
    let mut row = need::Model {
        id: 0,
        external_id: external_id.to_owned(),
        org_id: Some(p.org),
        title: format!("需求{external_id}"),
        description: "描述".to_owned(),
        industry: Some(p.cluster.to_owned()),
        keywords: String::new(),
        budget_min_yuan: None,
        budget_max_yuan: None,
        deadline: None,
        coop_modes: String::new(),
        min_trl: None,
        region_code: Some(p.region.to_owned()),
        region_name: None,
        confidential: false,
        status: p.status.to_owned(),
        reject_reason: None,
        reject_note: None,
        source_key: None,
        created_at: p.created,
        updated_at: p.created,
        published_at: Some(p.created),
        contact_person: None,
        contact_phone: None,
        contact_email: None,
        duplicate_of: None,
    }
    .into_active_model()
    .reset_all();
    row.id = NotSet;
    row.insert(conn).await.unwrap().id
}

async fn achievement(conn: &sea_orm::DatabaseConnection, external_id: &str, p: Posting) -> i64 {
    let mut row = achievement::Model {
        id: 0,
        external_id: external_id.to_owned(),
        org_id: Some(p.org),
        title: format!("成果{external_id}"),
        summary: "摘要".to_owned(),
        keywords: String::new(),
        field: Some(p.cluster.to_owned()),
        trl: None,
        patents: String::new(),
        transfer_modes: String::new(),
        price_yuan: None,
        price_negotiable: true,
        team_lead: None,
        region_code: Some(p.region.to_owned()),
        region_name: None,
        status: p.status.to_owned(),
        reject_reason: None,
        reject_note: None,
        source_key: None,
        created_at: p.created,
        updated_at: p.created,
        published_at: Some(p.created),
        contact_person: None,
        contact_phone: None,
        contact_email: None,
        duplicate_of: None,
    }
    .into_active_model()
    .reset_all();
    row.id = NotSet;
    row.insert(conn).await.unwrap().id
}

/// A proposed match, a contact accepted at `accepted` and, if given, a deal:
/// (contract, technology amount, share percent, signed).
async fn pair(
    conn: &sea_orm::DatabaseConnection,
    (need_id, cluster): (i64, &str),
    achievement_id: i64,
    proposed: DateTime<Utc>,
    requested: DateTime<Utc>,
    accepted: DateTime<Utc>,
    signed: Option<(i64, i64, i16, DateTime<Utc>)>,
) {
    let mut proposal = match_proposal::Model {
        id: 0,
        need_id,
        achievement_id,
        strength: 80,
        cluster: Some(cluster.to_owned()),
        region_code: Some("140721".to_owned()),
        proposed_at: proposed,
    }
    .into_active_model()
    .reset_all();
    proposal.id = NotSet;
    proposal.insert(conn).await.unwrap();
    let mut row = contact::Model {
        id: 0,
        need_id,
        achievement_id,
        initiator_side: "need".to_owned(),
        initiator_user_id: 1,
        message: "您好".to_owned(),
        status: if signed.is_some() {
            "signed"
        } else {
            "accepted"
        }
        .to_owned(),
        close_reason: None,
        created_at: requested,
        updated_at: accepted,
    }
    .into_active_model()
    .reset_all();
    row.id = NotSet;
    let contact_id = row.insert(conn).await.unwrap().id;
    let mut log = audit::Model {
        id: 0,
        actor_user_id: Some(1),
        action: "contact.accept".to_owned(),
        entity: "contact".to_owned(),
        entity_id: contact_id,
        reason: None,
        detail: None,
        at: accepted,
    }
    .into_active_model()
    .reset_all();
    log.id = NotSet;
    log.insert(conn).await.unwrap();
    if let Some((contract, technology, share, signed_at)) = signed {
        let mut row = deal::Model {
            id: 0,
            contact_id,
            contract_type: "transfer".to_owned(),
            contract_amount_yuan: contract,
            technology_amount_yuan: technology,
            researcher_share_percent: share,
            recorded_by: 1,
            signed_at,
            confirmation: "confirmed".to_owned(),
            recorded_side: Some("need".to_owned()),
            answered_by: Some(2),
            answered_at: Some(signed_at),
            dispute_reason: None,
        }
        .into_active_model()
        .reset_all();
        row.id = NotSet;
        row.insert(conn).await.unwrap();
    }
}

fn filter(from: NaiveDate, to: NaiveDate) -> Filter {
    Filter {
        from,
        to,
        cluster: None,
        region: None,
        org_kind: None,
        org_id: None,
    }
}

#[tokio::test]
async fn figures_count_what_happened_in_the_range_by_month_and_cluster() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let enterprise = organisation(
            conn,
            "晋阳县华钙纳米材料有限公司",
            OrgKind::Enterprise,
            "140721",
        )
        .await;
        let taiyuan = organisation(conn, "太原某铸造厂", OrgKind::Enterprise, "140100").await;
        let university =
            organisation(conn, "华北材料科技大学", OrgKind::University, "110000").await;
        let institute = organisation(conn, "西部建材研究院", OrgKind::Institute, "610000").await;
        let posting = |org, cluster, region, status, created| Posting {
            org,
            cluster,
            region,
            status,
            created,
        };
        let n1 = need(
            conn,
            "N1",
            posting(
                enterprise,
                "新材料",
                "140721",
                "published",
                at(2026, 1, 10, 2, 0, 0),
            ),
        )
        .await;
        // Withdrawn: posted, but no longer counted as published.
        need(
            conn,
            "N2",
            posting(
                enterprise,
                "新材料",
                "140721",
                "withdrawn",
                at(2026, 2, 1, 2, 0, 0),
            ),
        )
        .await;
        // 2026-04-01 01:00 in Beijing.
        let n3 = need(
            conn,
            "N3",
            posting(
                enterprise,
                "节能环保",
                "140721",
                "published",
                at(2026, 3, 31, 17, 0, 0),
            ),
        )
        .await;
        // 2025-12-31 23:59:59 in Beijing: last year.
        need(
            conn,
            "N4",
            posting(
                taiyuan,
                "新材料",
                "140100",
                "published",
                at(2025, 12, 31, 15, 59, 59),
            ),
        )
        .await;
        let a1 = achievement(
            conn,
            "A1",
            posting(
                university,
                "新材料",
                "110000",
                "published",
                at(2026, 1, 20, 2, 0, 0),
            ),
        )
        .await;
        let a2 = achievement(
            conn,
            "A2",
            posting(
                institute,
                "节能环保",
                "610000",
                "published",
                at(2026, 2, 10, 2, 0, 0),
            ),
        )
        .await;
        // A deal of 100 万元 of which 20 万元 are equipment: 80 万元 技术交易额, 30 % to
        // the researchers.
        pair(
            conn,
            (n1, "新材料"),
            a1,
            at(2026, 1, 20, 3, 0, 0),
            at(2026, 1, 25, 2, 0, 0),
            at(2026, 1, 28, 2, 0, 0),
            Some((1_000_000, 800_000, 30, at(2026, 2, 15, 2, 0, 0))),
        )
        .await;
        pair(
            conn,
            (n3, "节能环保"),
            a2,
            at(2026, 4, 1, 0, 0, 0),
            at(2026, 4, 2, 2, 0, 0),
            at(2026, 4, 3, 2, 0, 0),
            Some((500_000, 500_000, 50, at(2026, 4, 10, 2, 0, 0))),
        )
        .await;

        let all = statistics::figures(conn, &filter(day(2026, 1, 1), day(2026, 4, 30)))
            .await
            .unwrap();
        let t = all.totals;
        assert_eq!((t.needs_posted, t.needs_published), (3, 2), "{t:?}");
        assert_eq!((t.achievements_posted, t.achievements_published), (2, 2));
        assert_eq!(
            (t.matches_proposed, t.contact_requests, t.contacts_accepted),
            (2, 2, 2)
        );
        assert_eq!(t.deals_signed, 2);
        assert_eq!(t.contract_amount_yuan, 1_500_000);
        assert_eq!(
            t.technology_amount_yuan, 1_300_000,
            "non-technical costs deducted"
        );
        assert_eq!(t.researcher_share_yuan, 240_000 + 250_000);

        let months: Vec<&str> = all.months.iter().map(|m| m.month.as_str()).collect();
        assert_eq!(
            months,
            ["2026-01", "2026-02", "2026-03", "2026-04"],
            "empty months too"
        );
        let month = |m: usize| all.months[m].counts;
        assert_eq!(
            (
                month(0).needs_posted,
                month(0).contacts_accepted,
                month(0).deals_signed
            ),
            (1, 1, 0)
        );
        assert_eq!(
            (
                month(1).needs_posted,
                month(1).needs_published,
                month(1).technology_amount_yuan
            ),
            (1, 0, 800_000)
        );
        assert_eq!(month(2), Default::default(), "N3 is April in Beijing");
        assert_eq!(
            (
                month(3).needs_posted,
                month(3).matches_proposed,
                month(3).technology_amount_yuan
            ),
            (1, 1, 500_000)
        );

        let clusters: Vec<(&str, i64, i64)> = all
            .clusters
            .iter()
            .map(|c| {
                (
                    c.cluster.as_str(),
                    c.counts.needs_posted,
                    c.counts.technology_amount_yuan,
                )
            })
            .collect();
        assert_eq!(clusters, [("新材料", 2, 800_000), ("节能环保", 1, 500_000)]);

        // Date edges: one day, and the day before.
        let april_first = statistics::figures(conn, &filter(day(2026, 4, 1), day(2026, 4, 1)))
            .await
            .unwrap();
        assert_eq!(
            (
                april_first.totals.needs_posted,
                april_first.totals.matches_proposed
            ),
            (1, 1)
        );
        let march = statistics::figures(conn, &filter(day(2026, 3, 1), day(2026, 3, 31)))
            .await
            .unwrap();
        assert_eq!(march.totals, Default::default());
        let new_year = statistics::figures(conn, &filter(day(2025, 12, 31), day(2025, 12, 31)))
            .await
            .unwrap();
        assert_eq!(
            new_year.totals.needs_posted, 1,
            "N4, one second before midnight"
        );

        // Filters.
        let mut only = filter(day(2026, 1, 1), day(2026, 4, 30));
        only.cluster = Some("节能环保".to_owned());
        let green = statistics::figures(conn, &only).await.unwrap().totals;
        assert_eq!(
            (
                green.needs_posted,
                green.deals_signed,
                green.technology_amount_yuan
            ),
            (1, 1, 500_000)
        );
        let mut only = filter(day(2025, 12, 1), day(2026, 4, 30));
        only.region = Some("140100".to_owned());
        let taiyuan_only = statistics::figures(conn, &only).await.unwrap().totals;
        assert_eq!(
            (taiyuan_only.needs_posted, taiyuan_only.deals_signed),
            (1, 0)
        );
        only.region = Some("140000".to_owned());
        assert_eq!(
            statistics::figures(conn, &only)
                .await
                .unwrap()
                .totals
                .needs_posted,
            4,
            "all of Shanxi"
        );
        let mut only = filter(day(2026, 1, 1), day(2026, 4, 30));
        only.org_kind = Some(OrgKind::University);
        let universities = statistics::figures(conn, &only).await.unwrap().totals;
        assert_eq!(
            (
                universities.needs_posted,
                universities.achievements_posted,
                universities.deals_signed,
                universities.technology_amount_yuan
            ),
            (0, 1, 1, 800_000),
            "postings by their own organisation, deals by the supplier's"
        );

        // The yearly report: one sheet each, amounts in 万元, the deal less its costs.
        let xlsx =
            techmatch_core::services::report::build(conn, 2026, 2_000_000, TableFormat::Xlsx)
                .await
                .unwrap();
        let mut workbook: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
        assert_eq!(
            workbook.sheet_names(),
            ["概览", "月度", "产业集群", "成交项目", "揭榜挂帅"]
        );
        let deals = workbook.worksheet_range("成交项目").unwrap();
        let rows: Vec<Vec<String>> = deals
            .rows()
            .map(|r| r.iter().map(ToString::to_string).collect())
            .collect();
        assert_eq!(rows.len(), 3, "a header and two deals: {rows:?}");
        assert_eq!(rows[0][0], "签约日期");
        assert_eq!(
            rows[1],
            [
                "2026-02-15",
                "需求N1",
                "晋阳县华钙纳米材料有限公司",
                "成果A1",
                "华北材料科技大学",
                "新材料",
                "技术转让",
                "100.00",
                "80.00",
                "30%"
            ]
        );
        let summary = workbook.worksheet_range("概览").unwrap();
        let target_row: Vec<String> = summary
            .rows()
            .find(|r| r[0] == "目标完成率")
            .map(|r| r.iter().map(ToString::to_string).collect())
            .unwrap();
        assert_eq!(target_row[1], "65%");
        let csv = techmatch_core::services::report::build(conn, 2026, 2_000_000, TableFormat::Csv)
            .await
            .unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert!(csv.starts_with("\u{feff}概览"), "{csv}");
        assert!(csv.contains("\n\n成交项目"), "{csv}");
        assert!(csv.contains("2026-04-10,需求N3"), "{csv}");

        let progress = statistics::target_progress(conn, 2026, 2_000_000)
            .await
            .unwrap();
        assert_eq!((progress.achieved_yuan, progress.percent), (1_300_000, 65));
        db
    })
    .await;
}

async fn challenge(
    conn: &sea_orm::DatabaseConnection,
    public_id: &str,
    publisher: i64,
    cluster: &str,
    status: &str,
    published: Option<DateTime<Utc>>,
) -> i64 {
    let t = at(2026, 1, 1, 0, 0, 0);
    let mut row = techmatch_core::entities::challenge::Model {
        id: 0,
        public_id: public_id.to_owned(),
        kind: "technology".to_owned(),
        title: format!("榜单{public_id}"),
        publisher_org_id: publisher,
        created_by: 1,
        industry: Some(cluster.to_owned()),
        keywords: String::new(),
        background: String::new(),
        problem: String::new(),
        metrics: String::new(),
        scenario: String::new(),
        final_user: String::new(),
        reward_enterprise_yuan: 1_000_000,
        reward_subsidy_yuan: 0,
        bid_deadline: t,
        completion_months: 12,
        eligibility: String::new(),
        horse_race: false,
        max_winners: 1,
        confidentiality: "public".to_owned(),
        contact_name: "联系人".to_owned(),
        contact_phone: "0354-0000000".to_owned(),
        status: status.to_owned(),
        status_reason: None,
        criteria: String::new(),
        drop_extremes: false,
        publicity_working_days: 5,
        publicity_starts: None,
        publicity_ends: None,
        task_book: None,
        created_at: t,
        updated_at: t,
        published_at: published,
    }
    .into_active_model()
    .reset_all();
    row.id = NotSet;
    row.insert(conn).await.unwrap().id
}

async fn bid(
    conn: &sea_orm::DatabaseConnection,
    challenge_id: i64,
    lead_org_id: i64,
    submitted: bool,
) -> i64 {
    let t = at(2026, 2, 1, 0, 0, 0);
    let mut row = techmatch_core::entities::bid::Model {
        id: 0,
        challenge_id,
        lead_org_id,
        created_by: 1,
        consortium: String::new(),
        team_leader: "张三".to_owned(),
        team: String::new(),
        technical_plan: String::new(),
        budget_yuan: 500_000,
        existing_base: String::new(),
        patents: String::new(),
        achievement_ids: String::new(),
        pledge_signed_at: None,
        status: if submitted { "submitted" } else { "draft" }.to_owned(),
        formal_review: None,
        status_reason: None,
        submitted_at: submitted.then_some(t),
        created_at: t,
        updated_at: t,
    }
    .into_active_model()
    .reset_all();
    row.id = NotSet;
    row.insert(conn).await.unwrap().id
}

async fn milestone(
    conn: &sea_orm::DatabaseConnection,
    bid_id: i64,
    seq: i32,
    status: &str,
    due: DateTime<Utc>,
    decided: Option<DateTime<Utc>>,
) {
    let mut row = techmatch_core::entities::bid_milestone::Model {
        id: 0,
        bid_id,
        seq,
        title: format!("节点{seq}"),
        metrics: String::new(),
        due_date: due,
        amount_yuan: 100_000,
        status: status.to_owned(),
        report: None,
        evidence: None,
        reported_at: None,
        decision_reason: None,
        decided_by: None,
        decided_at: decided,
    }
    .into_active_model()
    .reset_all();
    row.id = NotSet;
    row.insert(conn).await.unwrap();
}

#[tokio::test]
async fn challenge_figures_count_stages_bids_and_milestones() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let county = organisation(conn, "晋阳县科技局", OrgKind::Bureau, "140721").await;
        let open = challenge(
            conn,
            "JB-1",
            county,
            "新材料",
            "open",
            Some(at(2026, 1, 5, 0, 0, 0)),
        )
        .await;
        let running = challenge(
            conn,
            "JB-2",
            county,
            "节能环保",
            "in_execution",
            Some(at(2026, 1, 6, 0, 0, 0)),
        )
        .await;
        // Never published, and published last year: neither counts.
        challenge(conn, "JB-3", county, "新材料", "draft", None).await;
        challenge(
            conn,
            "JB-4",
            county,
            "新材料",
            "open",
            Some(at(2025, 6, 1, 0, 0, 0)),
        )
        .await;
        for (team, submitted) in [(1, true), (2, true), (3, false)] {
            bid(conn, open, team, submitted).await;
        }
        let winner = bid(conn, running, 1, true).await;
        milestone(
            conn,
            winner,
            1,
            "passed",
            at(2026, 3, 1, 0, 0, 0),
            Some(at(2026, 3, 2, 0, 0, 0)),
        )
        .await;
        milestone(conn, winner, 2, "pending", at(2026, 4, 1, 0, 0, 0), None).await;
        milestone(conn, winner, 3, "pending", at(2026, 9, 1, 0, 0, 0), None).await;

        let now = at(2026, 5, 1, 0, 0, 0);
        let figures = statistics::challenges(conn, &filter(day(2026, 1, 1), day(2026, 4, 30)), now)
            .await
            .unwrap();
        let stages: Vec<(&str, i64)> = figures
            .by_stage
            .iter()
            .map(|s| (s.stage.as_str(), s.count))
            .collect();
        assert_eq!(stages, [("open", 1), ("in_execution", 1)]);
        let bids: Vec<(&str, i64)> = figures
            .bids
            .iter()
            .map(|b| (b.public_id.as_str(), b.bids))
            .collect();
        assert_eq!(
            bids,
            [("JB-1", 2), ("JB-2", 1)],
            "drafts of bids are not bids"
        );
        assert_eq!(
            (figures.milestones_passed, figures.milestones_overdue),
            (1, 1)
        );

        let mut only = filter(day(2026, 1, 1), day(2026, 4, 30));
        only.cluster = Some("新材料".to_owned());
        let narrowed = statistics::challenges(conn, &only, now).await.unwrap();
        assert_eq!(narrowed.bids.len(), 1);
        assert_eq!(
            (narrowed.milestones_passed, narrowed.milestones_overdue),
            (0, 0)
        );
        db
    })
    .await;
}

#[tokio::test]
async fn the_ecosystem_map_links_clusters_to_both_sides_and_marks_gaps() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let enterprise =
            organisation(conn, "晋阳县某新材料公司", OrgKind::Enterprise, "140721").await;
        let university =
            organisation(conn, "华北材料科技大学", OrgKind::University, "110000").await;
        let institute = organisation(conn, "西部建材研究院", OrgKind::Institute, "610000").await;
        let posting = |org, cluster, created| Posting {
            org,
            cluster,
            region: "140721",
            status: "published",
            created,
        };
        let mut materials = Vec::new();
        for i in 0..4 {
            materials.push(
                need(
                    conn,
                    &format!("M{i}"),
                    posting(enterprise, "新材料", at(2026, 3, 1 + i, 2, 0, 0)),
                )
                .await,
            );
        }
        let green = need(
            conn,
            "G1",
            posting(enterprise, "节能环保", at(2026, 3, 10, 2, 0, 0)),
        )
        .await;
        let a1 = achievement(
            conn,
            "UA",
            posting(university, "新材料", at(2026, 1, 5, 2, 0, 0)),
        )
        .await;
        let a2 = achievement(
            conn,
            "IA",
            posting(institute, "节能环保", at(2026, 1, 5, 2, 0, 0)),
        )
        .await;
        // Four materials needs, one supplier: a gap. One green need, one supplier with a deal.
        pair(
            conn,
            (materials[0], "新材料"),
            a1,
            at(2026, 3, 2, 0, 0, 0),
            at(2026, 3, 3, 0, 0, 0),
            at(2026, 3, 4, 0, 0, 0),
            None,
        )
        .await;
        pair(
            conn,
            (green, "节能环保"),
            a2,
            at(2026, 3, 11, 0, 0, 0),
            at(2026, 3, 12, 0, 0, 0),
            at(2026, 3, 13, 0, 0, 0),
            Some((300_000, 300_000, 40, at(2026, 3, 20, 0, 0, 0))),
        )
        .await;

        let range = filter(day(2026, 1, 1), day(2026, 12, 31));
        let map = techmatch_core::services::ecosystem::map(conn, &range)
            .await
            .unwrap();
        let clusters: Vec<(&str, i64, i64, bool)> = map
            .clusters
            .iter()
            .map(|c| (c.name.as_str(), c.needs, c.suppliers, c.gap))
            .collect();
        assert_eq!(
            clusters,
            [("新材料", 4, 1, true), ("节能环保", 1, 1, false)]
        );
        let link = |cluster: &str, org: i64| {
            map.links
                .iter()
                .find(|l| l.cluster == cluster && l.org_id == org)
                .map(|l| {
                    (
                        l.side,
                        l.ties.needs,
                        l.ties.matches,
                        l.ties.contacts,
                        l.ties.deals,
                    )
                })
        };
        assert_eq!(link("新材料", enterprise), Some(("demand", 4, 0, 1, 0)));
        assert_eq!(link("新材料", university), Some(("supply", 0, 1, 1, 0)));
        assert_eq!(link("节能环保", institute), Some(("supply", 0, 1, 1, 1)));
        let names: Vec<&str> = map.orgs.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names.len(), 3, "{names:?}");

        // A node clicked on the map: one organisation's figures, on either side.
        let mut only = range.clone();
        only.org_id = Some(university);
        let theirs = statistics::figures(conn, &only).await.unwrap().totals;
        assert_eq!(
            (
                theirs.needs_posted,
                theirs.achievements_posted,
                theirs.matches_proposed,
                theirs.contact_requests
            ),
            (0, 1, 1, 1)
        );
        only.org_id = Some(enterprise);
        let ours = statistics::figures(conn, &only).await.unwrap().totals;
        assert_eq!(
            (ours.needs_posted, ours.matches_proposed, ours.deals_signed),
            (5, 2, 1)
        );
        db
    })
    .await;
}

/// Only deals the other side confirmed count, and a row written around the platform
/// with amounts no deal can have (two of 900,000,000,000,000 万元 overflow any 64-bit
/// sum) counts for nothing instead of failing every figure.
#[tokio::test]
async fn only_confirmed_plausible_deals_count_and_a_huge_row_breaks_nothing() {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let enterprise =
            organisation(conn, "晋阳县某钙业公司", OrgKind::Enterprise, "140721").await;
        let university =
            organisation(conn, "华北材料科技大学", OrgKind::University, "110000").await;
        let posting = |org, created| Posting {
            org,
            cluster: "新材料",
            region: "140721",
            status: "published",
            created,
        };
        let huge = 9_000_000_000_000_000_000_i64;
        // (contract, confirmation): the last two straight into the database.
        let deals = [
            (1_000_000, "confirmed"),
            (2_000_000, "awaiting"),
            (3_000_000, "disputed"),
            (huge, "confirmed"),
            (huge - 1, "confirmed"),
        ];
        for (i, (contract, _)) in deals.iter().enumerate() {
            let n = need(
                conn,
                &format!("D{i}"),
                posting(enterprise, at(2026, 3, 1, 2, 0, 0)),
            )
            .await;
            let a = achievement(
                conn,
                &format!("S{i}"),
                posting(university, at(2026, 3, 1, 2, 0, 0)),
            )
            .await;
            let signed = Some((*contract, *contract, 100, at(2026, 3, 20, 2, 0, 0)));
            pair(
                conn,
                (n, "新材料"),
                a,
                at(2026, 3, 2, 0, 0, 0),
                at(2026, 3, 3, 0, 0, 0),
                at(2026, 3, 4, 0, 0, 0),
                signed,
            )
            .await;
        }
        for (contract, confirmation) in deals {
            deal::Entity::update_many()
                .col_expr(deal::Column::Confirmation, Expr::value(confirmation))
                .filter(deal::Column::ContractAmountYuan.eq(contract))
                .exec(conn)
                .await
                .unwrap();
        }

        let range = filter(day(2026, 1, 1), day(2026, 12, 31));
        let totals = statistics::figures(conn, &range).await.unwrap().totals;
        assert_eq!(
            (
                totals.deals_signed,
                totals.contract_amount_yuan,
                totals.technology_amount_yuan,
                totals.researcher_share_yuan
            ),
            (1, 1_000_000, 1_000_000, 1_000_000)
        );
        assert_eq!(totals.contacts_accepted, 5, "the contacts themselves count");
        let progress = statistics::target_progress(conn, 2026, 2_000_000)
            .await
            .unwrap();
        assert_eq!((progress.achieved_yuan, progress.percent), (1_000_000, 50));
        let map = techmatch_core::services::ecosystem::map(conn, &range)
            .await
            .unwrap();
        let deal_ties: i64 = map.links.iter().map(|l| l.ties.deals).sum();
        assert_eq!(deal_ties, 2, "one deal, on the demand and the supply side");

        let xlsx =
            techmatch_core::services::report::build(conn, 2026, 2_000_000, TableFormat::Xlsx)
                .await
                .unwrap();
        let mut workbook: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
        let rows = workbook.worksheet_range("成交项目").unwrap().rows().count();
        assert_eq!(rows, 2, "a header and the confirmed deal");
        let csv = techmatch_core::services::report::build(conn, 2026, 2_000_000, TableFormat::Csv)
            .await
            .unwrap();
        assert!(!String::from_utf8_lossy(&csv).contains("900000000000000"));
        db
    })
    .await;
}

#[tokio::test]
async fn a_deal_with_a_provisional_organisation_on_either_side_counts_for_nothing() {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let enterprise =
            organisation(conn, "晋阳县某钙业公司", OrgKind::Enterprise, "140721").await;
        let university =
            organisation(conn, "华北材料科技大学", OrgKind::University, "110000").await;
        let shell_enterprise =
            organisation(conn, "自称某钙业公司", OrgKind::Enterprise, "140721").await;
        let shell_institute =
            organisation(conn, "自称某材料研究院", OrgKind::Institute, "110000").await;
        organisation::Entity::update_many()
            .col_expr(organisation::Column::Provisional, Expr::value(true))
            .filter(organisation::Column::Id.is_in([shell_enterprise, shell_institute]))
            .exec(conn)
            .await
            .unwrap();
        let posting = |org| Posting {
            org,
            cluster: "新材料",
            region: "140721",
            status: "published",
            created: at(2026, 3, 1, 2, 0, 0),
        };
        // (demand side, supply side, amount): only the first has two real parties.
        let deals = [
            (enterprise, university, 1_000_000),
            (shell_enterprise, university, 20_000_000),
            (enterprise, shell_institute, 300_000_000),
        ];
        for (i, (demand, supply, amount)) in deals.into_iter().enumerate() {
            let n = need(conn, &format!("P{i}"), posting(demand)).await;
            let a = achievement(conn, &format!("Q{i}"), posting(supply)).await;
            pair(
                conn,
                (n, "新材料"),
                a,
                at(2026, 3, 2, 0, 0, 0),
                at(2026, 3, 3, 0, 0, 0),
                at(2026, 3, 4, 0, 0, 0),
                Some((amount, amount, 50, at(2026, 3, 20, 2, 0, 0))),
            )
            .await;
        }

        let range = filter(day(2026, 1, 1), day(2026, 12, 31));
        let totals = statistics::figures(conn, &range).await.unwrap().totals;
        assert_eq!(
            (totals.deals_signed, totals.technology_amount_yuan),
            (1, 1_000_000),
            "a provisional party on the demand or the supply side counts for nothing"
        );
        let progress = statistics::target_progress(conn, 2026, 2_000_000)
            .await
            .unwrap();
        assert_eq!(progress.achieved_yuan, 1_000_000);
        let map = techmatch_core::services::ecosystem::map(conn, &range)
            .await
            .unwrap();
        let deal_ties: i64 = map.links.iter().map(|l| l.ties.deals).sum();
        assert_eq!(deal_ties, 2, "one deal, on the demand and the supply side");
        db
    })
    .await;
}
