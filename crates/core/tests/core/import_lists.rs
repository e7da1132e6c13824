//! Importing need and achievement lists: good rows, every kind of bad row, idempotence
//! and the export round trip, random public ids with the list's ids kept privately, on
//! every backend.

use sea_orm::EntityTrait;
use techmatch_core::entities::need;
use techmatch_core::lists::read::{ListFormat, read_list_bytes};
use techmatch_core::posting::{PostingKind, Status};
use techmatch_core::services::export::{ExportFormat, export};
use techmatch_core::services::import::{import_achievements, import_needs};
use techmatch_core::services::postings;
use techmatch_core::testing::on_each_backend;

use super::{catalogue, csv, jsonl};

const NEEDS_CSV: &str = "\
需求编号,需求名称,需求描述,关键词,所属领域,预算(万元),截止日期,合作方式,最低技术成熟度,所在地区,是否保密,企业名称,统一社会信用代码
N-1,纳米碳酸钙表面改性技术,改善纳米碳酸钙在PVC中的分散性，吸油值降至25以下,纳米碳酸钙、表面改性；分散,新材料,50-120,2027-06-30,合作开发、技术转让,6,山西省,否,晋阳华钙纳米材料有限公司,91350100M000100Y43
N-2,粉煤灰制备透水砖,利用电厂粉煤灰与煤矸石生产自洁式透水砖,粉煤灰 煤矸石 透水砖,节能环保,80以内,2027/03/31,委托开发,,山西,是,晋阳建材有限公司,
N-3,镁铝合金压铸气孔控制,压铸件气孔率高，需要工艺优化,压铸；气孔,高端装备制造,,2027年9月1日,技术服务/咨询,TRL 7,,否,晋阳精密压铸有限公司,
";

#[tokio::test]
async fn a_clean_need_list_imports_and_is_published() {
    on_each_backend(|db| async move {
        let report = import_needs(&db.conn, csv(NEEDS_CSV), &catalogue())
            .await
            .unwrap();
        assert_eq!(
            (report.created, report.updated, report.unchanged),
            (3, 0, 0),
            "{:?}",
            report.problems
        );
        assert!(report.problems.is_empty());
        assert_eq!(
            postings::count(&db.conn, PostingKind::Need, Some(Status::Published))
                .await
                .unwrap(),
            3
        );
        let n1 = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "N-1")
            .await
            .unwrap();
        assert_eq!(n1.title, "纳米碳酸钙表面改性技术");
        assert_eq!(n1.keywords, vec!["纳米碳酸钙", "表面改性", "分散"]);
        assert_eq!(n1.industry.as_deref(), Some("新材料"));
        assert_eq!(
            (n1.price_min_yuan, n1.price_max_yuan),
            (Some(500_000), Some(1_200_000))
        );
        assert_eq!(n1.trl, Some(6));
        assert_eq!(n1.mode_codes.len(), 2);
        assert_eq!(n1.org_name.as_deref(), Some("晋阳华钙纳米材料有限公司"));
        let n2 = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "N-2")
            .await
            .unwrap();
        assert!(n2.confidential);
        assert_eq!(
            n2.org_name, None,
            "a confidential need hides its enterprise"
        );
        assert_eq!(n2.price_max_yuan, Some(800_000));
        db
    })
    .await;
}

#[tokio::test]
async fn bad_rows_are_reported_by_row_and_column_and_change_nothing() {
    on_each_backend(|db| async move {
        let list = "\
需求编号,需求名称,所属领域,预算(万元),截止日期,合作方式,最低技术成熟度,统一社会信用代码,企业名称,是否保密,需求描述
OK-1,煤层气高效抽采,新能源,100-200,2027-01-01,合作开发,5,,晋阳能源有限公司,否
BAD-1,,新能源,,,,,,,
BAD-2,行业不对,火星产业,,,,,,,
BAD-3,预算倒挂,新能源,200-100,,,,,,
BAD-4,日期错误,新能源,,2027-13-45,,,,,
BAD-5,方式错误,新能源,,,以物易物,,,,
BAD-6,成熟度错误,新能源,,,,12,,,
BAD-7,信用代码错误,新能源,,,,,91350100M000100Y44,某公司,
BAD-8,保密值错误,新能源,,,,,,,也许
OK-2,分散式风电并网,新能源,,,,,,,
";
        let report = import_needs(&db.conn, csv(list), &catalogue()).await.unwrap();
        assert_eq!(report.created, 2, "{:?}", report.problems);
        let rows: Vec<(usize, Option<&str>)> =
            report.problems.iter().map(|p| (p.row, p.column.as_deref())).collect();
        assert_eq!(
            rows,
            vec![
                (3, Some("需求名称")),
                (4, Some("所属领域")),
                (5, Some("预算(万元)")),
                (6, Some("截止日期")),
                (7, Some("合作方式")),
                (8, Some("最低技术成熟度")),
                (9, Some("统一社会信用代码")),
                (10, Some("是否保密")),
            ]
        );
        let industry = &report.problems[1];
        assert_eq!(industry.value, "火星产业");
        assert!(industry.reason.contains("新一代信息技术") && industry.reason.contains("通用航空"), "{}", industry.reason);
        for p in &report.problems {
            assert!(!p.reason.is_empty());
        }
        assert_eq!(postings::count(&db.conn, PostingKind::Need, None).await.unwrap(), 2);
        for id in ["BAD-1", "BAD-2", "BAD-3", "BAD-7"] {
            assert!(postings::view_by_bureau_id(&db.conn, PostingKind::Need, id).await.is_err(), "{id} must not exist");
        }
        db
    })
    .await;
}

#[tokio::test]
async fn importing_the_same_file_twice_creates_nothing_new() {
    on_each_backend(|db| async move {
        import_needs(&db.conn, csv(NEEDS_CSV), &catalogue())
            .await
            .unwrap();
        let again = import_needs(&db.conn, csv(NEEDS_CSV), &catalogue())
            .await
            .unwrap();
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));
        let edited = NEEDS_CSV.replace(
            "改善纳米碳酸钙在PVC中的分散性",
            "改善纳米碳酸钙在橡胶中的分散性",
        );
        let third = import_needs(&db.conn, csv(&edited), &catalogue())
            .await
            .unwrap();
        assert_eq!((third.created, third.updated, third.unchanged), (0, 1, 2));
        assert_eq!(
            postings::count(&db.conn, PostingKind::Need, None)
                .await
                .unwrap(),
            3
        );
        let n1 = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "N-1")
            .await
            .unwrap();
        assert!(n1.body.contains("橡胶"));
        db
    })
    .await;
}

#[tokio::test]
async fn duplicate_ids_within_a_file_are_rejected_after_the_first() {
    on_each_backend(|db| async move {
        let list = "需求编号,需求名称,需求描述\nD-1,第一条\nD-1,第二条\n";
        let report = import_needs(&db.conn, csv(list), &catalogue())
            .await
            .unwrap();
        assert_eq!(report.created, 1);
        assert_eq!(report.problems.len(), 1);
        assert_eq!(report.problems[0].row, 3);
        assert!(report.problems[0].reason.contains("第 2 行"));
        db
    })
    .await;
}

const ACHIEVEMENTS_JSONL: &str = r#"{"id":"A-1","title":"纳米碳酸钙湿法表面改性工艺","abstract":"采用硬脂酸钠湿法包覆，活化度大于98%，吸油值降低30%。","keywords":["纳米碳酸钙","湿法改性","硬脂酸"],"field":"新材料","trl":7,"patents":["ZL200710308494.X","CN202110156093.7"],"transfer_modes":["转让","许可"],"price":"80","org_name":"华北材料科技大学","team_lead":"李明远","region":"江苏省"}
{"id":"A-2","title":"粉煤灰基透水砖","abstract":"以粉煤灰和煤矸石为主要原料烧结透水砖，透水系数达到 2.0×10⁻² cm/s。","keywords":"粉煤灰，透水砖；煤矸石","field":"节能环保","trl":"中试","transfer_modes":"合作实施","price":"面议","org_name":"西部建材研究院"}
{"id":"A-3","title":"专利号错误的成果","patents":"ZL200710308494.1"}
not json at all
{"id":"A-4","title":"价格错误的成果","price":"很贵"}
"#;

#[tokio::test]
async fn achievement_jsonl_validates_patents_prices_and_maturity() {
    on_each_backend(|db| async move {
        let report = import_achievements(&db.conn, jsonl(ACHIEVEMENTS_JSONL), &catalogue())
            .await
            .unwrap();
        assert_eq!(report.created, 2, "{:?}", report.problems);
        let rows: Vec<usize> = report.problems.iter().map(|p| p.row).collect();
        assert_eq!(rows, vec![3, 4, 5]);
        assert_eq!(report.problems[0].column.as_deref(), Some("patents"));
        assert_eq!(report.problems[2].column.as_deref(), Some("price"));
        let a1 = postings::view_by_bureau_id(&db.conn, PostingKind::Achievement, "A-1")
            .await
            .unwrap();
        assert_eq!(a1.trl, Some(7));
        assert_eq!(a1.price_min_yuan, Some(800_000));
        assert_eq!(a1.org_name.as_deref(), Some("华北材料科技大学"));
        let a2 = postings::view_by_bureau_id(&db.conn, PostingKind::Achievement, "A-2")
            .await
            .unwrap();
        assert!(a2.price_negotiable);
        assert_eq!(a2.trl, Some(6), "中试 reads as its lowest level");
        assert_eq!(a2.keywords, vec!["粉煤灰", "透水砖", "煤矸石"]);
        db
    })
    .await;
}

#[tokio::test]
async fn every_export_format_reimports_to_the_same_data() {
    on_each_backend(|db| async move {
        import_needs(&db.conn, csv(NEEDS_CSV), &catalogue())
            .await
            .unwrap();
        import_achievements(&db.conn, jsonl(ACHIEVEMENTS_JSONL), &catalogue())
            .await
            .unwrap();
        for (format, list_format) in [
            (ExportFormat::Csv, ListFormat::Csv),
            (ExportFormat::Xlsx, ListFormat::Spreadsheet),
            (ExportFormat::Jsonl, ListFormat::Jsonl),
        ] {
            for kind in [PostingKind::Need, PostingKind::Achievement] {
                let bytes = export(&db.conn, kind, &[Status::Published], format)
                    .await
                    .unwrap();
                let list = read_list_bytes(list_format, "export", &bytes).unwrap();
                let report = match kind {
                    PostingKind::Need => import_needs(&db.conn, list, &catalogue()).await.unwrap(),
                    PostingKind::Achievement => import_achievements(&db.conn, list, &catalogue())
                        .await
                        .unwrap(),
                };
                assert!(
                    report.problems.is_empty(),
                    "{format:?} {kind:?}: {:?}",
                    report.problems
                );
                assert_eq!(
                    report.created + report.updated,
                    0,
                    "{format:?} {kind:?} changed data: {report:?}"
                );
                assert!(report.unchanged > 0);
            }
        }
        db
    })
    .await;
}

#[tokio::test]
async fn an_xlsx_list_with_dates_numbers_and_bad_rows_imports_row_by_row() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let headers = [
        "成果编号",
        "成果名称",
        "技术成熟度",
        "意向价格（万元）",
        "专利号",
        "完成单位",
        "成果简介",
    ];
    for (col, header) in headers.iter().enumerate() {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    // Row 2: good, with numeric cells as Excel stores them.
    sheet.write_string(1, 0, "X-1").unwrap();
    sheet.write_string(1, 1, "煤矸石制备陶粒支撑剂").unwrap();
    sheet.write_number(1, 2, 6.0).unwrap();
    sheet.write_number(1, 3, 12.5).unwrap();
    sheet.write_string(1, 4, "ZL200710308494.X").unwrap();
    sheet.write_string(1, 5, "华北材料科技大学").unwrap();
    // Row 3: a TRL of 12 and a patent number with a wrong check character.
    sheet.write_string(2, 0, "X-2").unwrap();
    sheet.write_string(2, 1, "成熟度错误").unwrap();
    sheet.write_number(2, 2, 12.0).unwrap();
    sheet.write_string(2, 4, "ZL200710308494.1").unwrap();
    // Row 4: a date where a price belongs.
    sheet.write_string(3, 0, "X-3").unwrap();
    sheet.write_string(3, 1, "价格写成了日期").unwrap();
    sheet
        .write_datetime_with_format(3, 3, ExcelDateTime::from_ymd(2027, 1, 1).unwrap(), &date)
        .unwrap();
    let bytes = book.save_to_buffer().unwrap();

    on_each_backend(|db| {
        let bytes = bytes.clone();
        async move {
            let list = read_list_bytes(ListFormat::Spreadsheet, "list.xlsx", &bytes).unwrap();
            let report = import_achievements(&db.conn, list, &catalogue())
                .await
                .unwrap();
            assert_eq!(report.created, 1, "{:?}", report.problems);
            let found: Vec<(usize, Option<&str>)> = report
                .problems
                .iter()
                .map(|p| (p.row, p.column.as_deref()))
                .collect();
            assert_eq!(
                found,
                vec![
                    (3, Some("技术成熟度")),
                    (3, Some("专利号")),
                    (4, Some("意向价格（万元）"))
                ],
                "{:?}",
                report.problems
            );
            assert_eq!(report.problems[0].value, "12");
            let x1 = postings::view_by_bureau_id(&db.conn, PostingKind::Achievement, "X-1")
                .await
                .unwrap();
            assert_eq!((x1.trl, x1.price_min_yuan), (Some(6), Some(125_000)));
            db
        }
    })
    .await;
}

/// A bureau list numbered in sequence, one enterprise's confidential need in the middle.
const SEQUENTIAL_CSV: &str = "\
需求编号,需求名称,企业名称,是否保密,需求描述
XQ-2026-001,钛白粉废酸回收,晋阳钛业有限公司,否
XQ-2026-002,钛白粉煅烧节能,晋阳钛业有限公司,否
XQ-2026-003,钛白粉氯化工艺,晋阳钛业有限公司,是
XQ-2026-004,钛白粉包膜改性,晋阳钛业有限公司,否
XQ-2026-005,钛白粉粒径控制,晋阳钛业有限公司,否
";
const SEQUENTIAL_IDS: [&str; 5] = [
    "XQ-2026-001",
    "XQ-2026-002",
    "XQ-2026-003",
    "XQ-2026-004",
    "XQ-2026-005",
];

fn is_random_public_id(id: &str) -> bool {
    id.len() == 15
        && id.starts_with("WN-")
        && id[3..]
            .chars()
            .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c))
}

/// (list id, public id, source key, created at) of each imported need, in list order.
async fn stored_needs(
    conn: &sea_orm::DatabaseConnection,
) -> Vec<(
    String,
    String,
    Option<String>,
    chrono::DateTime<chrono::Utc>,
)> {
    let mut stored = Vec::new();
    for id in SEQUENTIAL_IDS {
        let view = postings::view_by_bureau_id(conn, PostingKind::Need, id)
            .await
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let model = need::Entity::find_by_id(view.id)
            .one(conn)
            .await
            .unwrap()
            .unwrap();
        stored.push((
            id.to_owned(),
            model.external_id,
            model.source_key,
            model.created_at,
        ));
    }
    stored
}

#[tokio::test]
async fn a_sequential_list_gets_random_public_ids_and_reimports_by_its_own_ids() {
    on_each_backend(|db| async move {
        let report = import_needs(&db.conn, csv(SEQUENTIAL_CSV), &catalogue())
            .await
            .unwrap();
        assert_eq!(report.created, 5, "{:?}", report.problems);
        let first = stored_needs(&db.conn).await;
        let mut public: Vec<&str> = first.iter().map(|(_, p, _, _)| p.as_str()).collect();
        for (list_id, public_id, key, _) in &first {
            assert!(
                is_random_public_id(public_id),
                "{list_id} is public as {public_id}"
            );
            assert_eq!(key.as_deref(), Some(format!("bureau:{list_id}").as_str()));
            let by_list_id = postings::view_by_external_id(&db.conn, PostingKind::Need, list_id);
            assert!(
                by_list_id.await.is_err(),
                "{list_id} finds a posting publicly"
            );
        }
        public.sort_unstable();
        public.dedup();
        assert_eq!(public.len(), 5);
        // Tools outside get them in their own order, not in the list's.
        let listed = postings::public_ids(&db.conn, PostingKind::Need, Status::Published)
            .await
            .unwrap();
        assert_eq!(listed, public);
        // One time for the list: written one after the other, the list's order would
        // show in every newest-first listing.
        assert!(first.iter().all(|(_, _, _, at)| *at == first[0].3));

        let again = import_needs(&db.conn, csv(SEQUENTIAL_CSV), &catalogue())
            .await
            .unwrap();
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 5));
        let edited = SEQUENTIAL_CSV.replace("钛白粉氯化工艺", "钛白粉氯化法工艺");
        let third = import_needs(&db.conn, csv(&edited), &catalogue())
            .await
            .unwrap();
        assert_eq!((third.created, third.updated, third.unchanged), (0, 1, 4));
        let after = stored_needs(&db.conn).await;
        let ids = |s: &[(String, String, Option<String>, _)]| -> Vec<String> {
            s.iter().map(|(_, p, _, _)| p.clone()).collect()
        };
        assert_eq!(ids(&after), ids(&first), "re-imports keep the public ids");
        assert_eq!(
            postings::count(&db.conn, PostingKind::Need, None)
                .await
                .unwrap(),
            5
        );
        let edited_view = postings::view_by_external_id(&db.conn, PostingKind::Need, &first[2].1)
            .await
            .unwrap();
        assert_eq!(edited_view.title, "钛白粉氯化法工艺");

        // The bureau's export names the rows as its list does, and re-imports in place.
        let bytes = export(&db.conn, PostingKind::Need, &[], ExportFormat::Jsonl)
            .await
            .unwrap();
        let exported = String::from_utf8(bytes.clone()).unwrap();
        for (list_id, public_id, _, _) in &first {
            assert!(exported.contains(list_id.as_str()), "{exported}");
            assert!(!exported.contains(public_id.as_str()), "{exported}");
        }
        let list = read_list_bytes(ListFormat::Jsonl, "export", &bytes).unwrap();
        let round = import_needs(&db.conn, list, &catalogue()).await.unwrap();
        assert_eq!((round.created, round.updated), (0, 0), "{round:?}");
        db
    })
    .await;
}

#[tokio::test]
async fn the_bureau_names_a_posting_by_its_list_id_or_its_public_id() {
    on_each_backend(|db| async move {
        import_needs(&db.conn, csv(SEQUENTIAL_CSV), &catalogue())
            .await
            .unwrap();
        let by_list = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "XQ-2026-003")
            .await
            .unwrap();
        let by_public =
            postings::view_by_bureau_id(&db.conn, PostingKind::Need, &by_list.external_id)
                .await
                .unwrap();
        assert_eq!(by_list.id, by_public.id);
        let shown = postings::bureau_facing_ids(&db.conn, PostingKind::Need, &[by_list.id])
            .await
            .unwrap();
        assert_eq!(
            shown.get(&by_list.id).map(String::as_str),
            Some("XQ-2026-003")
        );
        // A row that names a posting by its public id (as the bureau's export shows
        // postings from no list) updates it rather than creating a copy.
        let list = format!(
            "需求编号,需求名称,企业名称,是否保密,需求描述\n{},钛白粉氯化新工艺,晋阳钛业有限公司,是\n",
            by_list.external_id
        );
        let report = import_needs(&db.conn, csv(&list), &catalogue())
            .await
            .unwrap();
        assert_eq!((report.created, report.updated), (0, 1), "{report:?}");
        db
    })
    .await;
}

/// A database from before random public ids: imported postings carry their list's ids
/// publicly. The upgrade keeps them for re-imports and renumbers confidential needs.
#[tokio::test]
async fn upgrading_hides_list_ids_of_confidential_needs_and_keeps_reimports_in_place() {
    use sea_orm::ConnectionTrait;
    use techmatch_migration::{Migrator, MigratorTrait};
    on_each_backend(|db| async move {
        let migrations = Migrator::migrations();
        let ours = migrations
            .iter()
            .position(|m| m.name() == "m20261207_000004_public_ids")
            .unwrap();
        let steps = u32::try_from(migrations.len() - ours).unwrap();
        Migrator::down(&db.conn, Some(steps)).await.unwrap();
        let at = "'2026-01-01T00:00:00+00:00'";
        // Written one after the other, as the old import did: the renumbered need's own
        // time would still say where it sat.
        for (n, id) in SEQUENTIAL_IDS.iter().enumerate() {
            let confidential = if n == 2 { "TRUE" } else { "FALSE" };
            let written = format!("'2026-01-01T00:00:0{n}+00:00'");
            db.conn
                .execute_unprepared(&format!(
                    "INSERT INTO needs (external_id, title, description, keywords, coop_modes, \
                     confidential, status, created_at, updated_at, published_at) VALUES \
                     ('{id}', '钛白粉{n}', '', '', '', {confidential}, 'published', {written}, \
                     {written}, {written})"
                ))
                .await
                .unwrap();
        }
        let web_made = "WN-0123456789AB";
        let newest = "'2026-01-02T00:00:00+00:00'";
        db.conn
            .execute_unprepared(&format!(
                "INSERT INTO needs (external_id, title, description, keywords, coop_modes, \
                 confidential, status, created_at, updated_at) VALUES \
                 ('{web_made}', '网上保密需求', '', '', '', TRUE, 'published', {at}, {newest})"
            ))
            .await
            .unwrap();
        let head_before = techmatch_core::services::changes::head(&db.conn).await.unwrap();
        Migrator::up(&db.conn, None).await.unwrap();

        let stored = stored_needs(&db.conn).await;
        for (n, (list_id, public_id, key, _)) in stored.iter().enumerate() {
            assert_eq!(key.as_deref(), Some(format!("bureau:{list_id}").as_str()));
            if n == 2 {
                assert!(is_random_public_id(public_id), "{public_id}");
            } else {
                assert_eq!(public_id, list_id, "a public posting keeps its links");
            }
        }
        let web = postings::view_by_external_id(&db.conn, PostingKind::Need, web_made)
            .await
            .unwrap();
        let web = need::Entity::find_by_id(web.id)
            .one(&db.conn)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(web.source_key, None, "a web posting came from no list");
        // The index hears of the renumbered need through the change log.
        let changed = techmatch_core::services::changes::since(&db.conn, head_before, 100)
            .await
            .unwrap();
        let renumbered = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "XQ-2026-003")
            .await
            .unwrap();
        assert_eq!(
            changed.iter().map(|c| c.entity_id).collect::<Vec<_>>(),
            vec![renumbered.id]
        );
        assert_eq!(renumbered.updated_at, web.updated_at, "the newest need's time");

        // Run again (as after a failure halfway), it finds its work done.
        db.conn
            .execute_unprepared(
                "DELETE FROM seaql_migrations WHERE version = 'm20261207_000004_public_ids'",
            )
            .await
            .unwrap();
        Migrator::up(&db.conn, None).await.unwrap();
        assert_eq!(stored_needs(&db.conn).await, stored);
        let changed_again = techmatch_core::services::changes::since(&db.conn, head_before, 100)
            .await
            .unwrap();
        assert_eq!(changed_again.len(), 1, "{changed_again:?}");

        let list = "需求编号,需求名称,是否保密,需求描述\nXQ-2026-003,钛白粉2,是\nXQ-2026-004,钛白粉3,否\n";
        let report = import_needs(&db.conn, csv(list), &catalogue()).await.unwrap();
        assert_eq!(report.created, 0, "{report:?}");
        let duplicate = db
            .conn
            .execute_unprepared(&format!(
                "INSERT INTO needs (external_id, title, description, keywords, coop_modes, \
                 confidential, status, source_key, created_at, updated_at) VALUES \
                 ('WN-DUPLICATE', 'x', '', '', '', FALSE, 'draft', 'bureau:XQ-2026-001', {at}, {at})"
            ))
            .await;
        assert!(duplicate.is_err(), "source keys are unique");
        db
    })
    .await;
}

#[tokio::test]
async fn an_upload_waits_for_review_in_public_id_order_not_the_list_s() {
    use techmatch_core::accounts::Role;
    use techmatch_core::posting::OrgKind;
    use techmatch_core::services::import::{ImportScope, import_needs_as};
    use techmatch_core::services::workflow;
    on_each_backend(|db| async move {
        let bureau = Some(("晋阳县科学技术局", OrgKind::Bureau));
        let admin = super::challenges::user(&db.conn, "admin@kjj.cn", Role::Admin, bureau).await;
        let enterprise = Some(("晋阳钛业有限公司", OrgKind::Enterprise));
        let member =
            super::challenges::user(&db.conn, "a@ti.cn", Role::Enterprise, enterprise).await;
        let org = member.org_id.unwrap();
        let list: String = SEQUENTIAL_CSV
            .lines()
            .enumerate()
            .map(|(n, line)| match n {
                0 => "需求编号,需求名称,需求描述\n".to_owned(),
                _ => line.split(',').take(2).collect::<Vec<_>>().join(",") + "\n",
            })
            .collect();
        let scope = ImportScope::Organisation(org);
        let report = import_needs_as(&db.conn, csv(&list), &catalogue(), scope)
            .await
            .unwrap();
        assert_eq!(report.created, 5, "{:?}", report.problems);
        // The upload's rows share their time; the queue must not show them in the
        // order they were written, which is the list's.
        let queue = workflow::review_queue(&db.conn, &admin, 50).await.unwrap();
        let shown: Vec<&str> = queue
            .postings
            .iter()
            .map(|v| v.external_id.as_str())
            .collect();
        let mut by_public_id = shown.clone();
        by_public_id.sort_unstable();
        assert_eq!(shown.len(), 5, "{shown:?}");
        assert_eq!(shown, by_public_id, "the queue in the list's order");
        db
    })
    .await;
}

#[tokio::test]
async fn a_row_naming_a_posting_by_its_public_id_cannot_move_it_or_flip_its_secrecy() {
    on_each_backend(|db| async move {
        import_needs(&db.conn, csv(SEQUENTIAL_CSV), &catalogue())
            .await
            .unwrap();
        let before = stored_needs(&db.conn).await;
        let public = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "XQ-2026-001")
            .await
            .unwrap();
        let secret = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "XQ-2026-003")
            .await
            .unwrap();
        let list = format!(
            "需求编号,需求名称,企业名称,是否保密,需求描述\n\
             {},钛白粉废酸回收,太原化工有限公司,否\n\
             {},钛白粉氯化工艺,晋阳钛业有限公司,否\n",
            public.external_id, secret.external_id
        );
        let report = import_needs(&db.conn, csv(&list), &catalogue())
            .await
            .unwrap();
        assert_eq!((report.created, report.updated), (0, 0), "{report:?}");
        let rows: Vec<(usize, Option<&str>)> = report
            .problems
            .iter()
            .map(|p| (p.row, p.column.as_deref()))
            .collect();
        assert_eq!(
            rows,
            vec![(2, Some("企业名称")), (3, Some("是否保密"))],
            "{report:?}"
        );
        assert_eq!(stored_needs(&db.conn).await, before, "nothing changed");
        let secret_now = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "XQ-2026-003")
            .await
            .unwrap();
        assert!(secret_now.confidential);
        assert_eq!(secret_now.org_id, secret.org_id);
        db
    })
    .await;
}

#[tokio::test]
async fn a_need_with_an_old_list_id_made_confidential_later_gets_a_random_id() {
    use sea_orm::ConnectionTrait;
    on_each_backend(|db| async move {
        import_needs(&db.conn, csv(SEQUENTIAL_CSV), &catalogue())
            .await
            .unwrap();
        // A public need from before public ids were random keeps its list's id.
        let legacy = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "XQ-2026-004")
            .await
            .unwrap();
        db.conn
            .execute_unprepared(&format!(
                "UPDATE needs SET external_id = 'XQ-2026-004' WHERE id = {}",
                legacy.id
            ))
            .await
            .unwrap();
        let head = techmatch_core::services::changes::head(&db.conn)
            .await
            .unwrap();
        let secret = SEQUENTIAL_CSV.replace(
            "钛白粉包膜改性,晋阳钛业有限公司,否",
            "钛白粉包膜改性,晋阳钛业有限公司,是",
        );
        let report = import_needs(&db.conn, csv(&secret), &catalogue())
            .await
            .unwrap();
        assert_eq!(report.updated, 1, "{report:?}");
        let now = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "XQ-2026-004")
            .await
            .unwrap();
        assert!(now.confidential);
        assert!(is_random_public_id(&now.external_id), "{}", now.external_id);
        let old = postings::view_by_external_id(&db.conn, PostingKind::Need, "XQ-2026-004").await;
        assert!(old.is_err(), "the old id still names the need");
        // The index hears of it (and drops the old id) through the change log.
        let changed = techmatch_core::services::changes::since(&db.conn, head, 100)
            .await
            .unwrap();
        assert!(changed.iter().any(|c| c.entity_id == now.id), "{changed:?}");
        db
    })
    .await;
}

/// A provisional (self-registered) organisation's postings, exported by the bureau and
/// imported again, update in place: the rows name the postings by public id and the
/// organisation as it is, so they neither duplicate the organisation in the registry nor
/// are refused as moves. Imports still never give rows to a provisional organisation.
#[tokio::test]
async fn a_provisional_organisation_s_postings_export_and_reimport_in_place() {
    use sea_orm::{PaginatorTrait, QueryOrder};
    use techmatch_core::accounts::Role;
    use techmatch_core::entities::organisation;
    use techmatch_core::posting::OrgKind;
    use techmatch_core::services::import::{ImportScope, import_needs_as};
    use techmatch_core::services::users::{self, NewUser};
    on_each_backend(|db| async move {
        let new = NewUser {
            email: "self@provisional.cn".to_owned(),
            password: "a-good-password".to_owned(),
            display_name: "自注册".to_owned(),
            role: Role::Enterprise,
            organisation: Some(
                users::org_ref("晋阳自注册钛业有限公司", OrgKind::Enterprise, None).unwrap(),
            ),
        };
        let member = users::create(&db.conn, &new, "x".to_owned(), false)
            .await
            .unwrap();
        let org = member.org_id.unwrap();
        let upload = "需求编号,需求名称,是否保密,需求描述\n\
                      P-1,自注册钛白粉废酸回收,否\n\
                      P-2,自注册钛白粉氯化工艺,是\n";
        let report = import_needs_as(
            &db.conn,
            csv(upload),
            &catalogue(),
            ImportScope::Organisation(org),
        )
        .await
        .unwrap();
        assert_eq!(report.created, 2, "{:?}", report.problems);
        let before = need::Entity::find()
            .order_by_asc(need::Column::Id)
            .all(&db.conn)
            .await
            .unwrap();
        let orgs_before = organisation::Entity::find().count(&db.conn).await.unwrap();

        for (format, list_format) in [
            (ExportFormat::Csv, ListFormat::Csv),
            (ExportFormat::Jsonl, ListFormat::Jsonl),
        ] {
            let bytes = export(&db.conn, PostingKind::Need, &[], format)
                .await
                .unwrap();
            let list = read_list_bytes(list_format, "export", &bytes).unwrap();
            let report = import_needs(&db.conn, list, &catalogue()).await.unwrap();
            assert!(report.problems.is_empty(), "{format:?}: {report:?}");
            assert_eq!(
                (report.created, report.updated, report.unchanged),
                (0, 0, 2),
                "{format:?}: {report:?}"
            );
            assert_eq!(
                need::Entity::find()
                    .order_by_asc(need::Column::Id)
                    .all(&db.conn)
                    .await
                    .unwrap(),
                before,
                "{format:?}"
            );
            assert_eq!(
                organisation::Entity::find().count(&db.conn).await.unwrap(),
                orgs_before,
                "{format:?}: no registry organisation made of the provisional one's name"
            );
        }
        let still: Vec<Option<i64>> = need::Entity::find()
            .all(&db.conn)
            .await
            .unwrap()
            .into_iter()
            .map(|n| n.org_id)
            .collect();
        assert!(still.iter().all(|o| *o == Some(org)), "{still:?}");

        // A new row naming the provisional organisation still goes to the registry.
        let fresh =
            "需求编号,需求名称,企业名称,需求描述\nB-1,局清单钛白粉包膜,晋阳自注册钛业有限公司\n";
        let report = import_needs(&db.conn, csv(fresh), &catalogue())
            .await
            .unwrap();
        assert_eq!(report.created, 1, "{report:?}");
        let added = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "B-1")
            .await
            .unwrap();
        assert_ne!(
            added.org_id,
            Some(org),
            "never attached to the provisional one"
        );
        db
    })
    .await;
}

/// Review: a provisional organisation squats the exact name of a registry company; a
/// row of the bureau's list meant for the company carries, mis-pasted, the public id of
/// the squatter's posting and the company's name without a USCC. It was written onto
/// the squatter's posting. The name now names two organisations: the row is refused
/// (merge first) and changes nothing.
#[tokio::test]
async fn a_row_naming_a_squatter_s_posting_and_a_registry_name_is_refused() {
    use techmatch_core::accounts::Role;
    use techmatch_core::posting::OrgKind;
    use techmatch_core::services::import::{ImportScope, import_needs_as};
    use techmatch_core::services::users::{self, NewUser};
    const NAME: &str = "晋阳抢注钛业有限公司";
    on_each_backend(|db| async move {
        let new = NewUser {
            email: "squat@provisional.cn".to_owned(),
            password: "a-good-password".to_owned(),
            display_name: "抢注".to_owned(),
            role: Role::Enterprise,
            organisation: Some(users::org_ref(NAME, OrgKind::Enterprise, None).unwrap()),
        };
        let squatter = users::create(&db.conn, &new, "x".to_owned(), false)
            .await
            .unwrap();
        let upload = "需求编号,需求名称,是否保密,需求描述\nP-1,抢注单位的需求,否\n";
        let report = import_needs_as(
            &db.conn,
            csv(upload),
            &catalogue(),
            ImportScope::Organisation(squatter.org_id.unwrap()),
        )
        .await
        .unwrap();
        assert_eq!(report.created, 1, "{:?}", report.problems);
        let theirs = need::Entity::find().one(&db.conn).await.unwrap().unwrap();
        // The bureau's list brings the real company into the registry.
        let list = format!("需求编号,需求名称,企业名称,需求描述\nB-1,公司的需求,{NAME}\n");
        let report = import_needs(&db.conn, csv(&list), &catalogue())
            .await
            .unwrap();
        assert_eq!(report.created, 1, "{report:?}");

        let pasted = format!(
            "需求编号,需求名称,企业名称,需求描述\n{},公司的另一需求,{NAME}\n",
            theirs.external_id
        );
        let report = import_needs(&db.conn, csv(&pasted), &catalogue())
            .await
            .unwrap();
        assert_eq!(report.problems.len(), 1, "{report:?}");
        assert!(report.problems[0].reason.contains("合并"), "{report:?}");
        assert_eq!(
            need::Entity::find_by_id(theirs.id)
                .one(&db.conn)
                .await
                .unwrap()
                .unwrap(),
            theirs,
            "the squatter's posting is untouched"
        );
        db
    })
    .await;
}

/// Second review, finding 5: the ambiguity check read the registry once per batch, so a
/// registry organisation made by row 1 was unseen by row 2 of the same list, and row 2
/// (the squatter's public id, pasted, beside the company's name) wrote onto the
/// squatter's posting. The organisation row 1 makes now counts for row 2.
#[tokio::test]
async fn a_registry_organisation_made_earlier_in_the_batch_makes_a_later_row_ambiguous() {
    use techmatch_core::accounts::Role;
    use techmatch_core::posting::OrgKind;
    use techmatch_core::services::import::{ImportScope, import_needs_as};
    use techmatch_core::services::users::{self, NewUser};
    const NAME: &str = "晋阳抢注钛业有限公司";
    on_each_backend(|db| async move {
        let new = NewUser {
            email: "squat@provisional.cn".to_owned(),
            password: "a-good-password".to_owned(),
            display_name: "抢注".to_owned(),
            role: Role::Enterprise,
            organisation: Some(users::org_ref(NAME, OrgKind::Enterprise, None).unwrap()),
        };
        let squatter = users::create(&db.conn, &new, "x".to_owned(), false)
            .await
            .unwrap();
        let upload = "需求编号,需求名称,是否保密,需求描述\nP-1,抢注单位的需求,否\n";
        let report = import_needs_as(
            &db.conn,
            csv(upload),
            &catalogue(),
            ImportScope::Organisation(squatter.org_id.unwrap()),
        )
        .await
        .unwrap();
        assert_eq!(report.created, 1, "{:?}", report.problems);
        let theirs = need::Entity::find().one(&db.conn).await.unwrap().unwrap();

        // One list: row 1 brings the real company into the registry, row 2 carries the
        // squatter's public id and the company's name without a USCC.
        let list = format!(
            "需求编号,需求名称,企业名称,需求描述\nB-1,公司的需求,{NAME}\n{},公司的另一需求,{NAME}\n",
            theirs.external_id
        );
        let report = import_needs(&db.conn, csv(&list), &catalogue())
            .await
            .unwrap();
        assert_eq!(report.created, 1, "{report:?}");
        assert_eq!(report.problems.len(), 1, "{report:?}");
        assert!(report.problems[0].reason.contains("合并"), "{report:?}");
        assert_eq!(
            need::Entity::find_by_id(theirs.id)
                .one(&db.conn)
                .await
                .unwrap()
                .unwrap(),
            theirs,
            "the squatter's posting is untouched"
        );
        db
    })
    .await;
}

/// Alerts already sent under the old causes (database ids) are not sent again after the
/// upgrade to public-id causes: their markers in the outbox are carried over.
#[tokio::test]
async fn upgrading_carries_the_markers_of_alerts_already_sent() {
    use sea_orm::ConnectionTrait;
    use techmatch_core::entities::outbox_entry;
    use techmatch_core::services::outbox::{self, Notice, NoticeKind};
    use techmatch_migration::{Migrator, MigratorTrait};
    on_each_backend(|db| async move {
        let migrations = Migrator::migrations();
        let ours = migrations
            .iter()
            .position(|m| m.name() == "m20261207_000021_alert_markers")
            .unwrap();
        let steps = u32::try_from(migrations.len() - ours).unwrap();
        Migrator::down(&db.conn, Some(steps)).await.unwrap();
        let at = "'2026-01-01T00:00:00+00:00'";
        db.conn
            .execute_unprepared(&format!(
                "INSERT INTO needs (external_id, title, description, keywords, coop_modes, \
                 confidential, status, created_at, updated_at) VALUES \
                 ('WN-0A1B2C3D4E5F', '保密需求', '', '', '', TRUE, 'published', {at}, {at})"
            ))
            .await
            .unwrap();
        db.conn
            .execute_unprepared(&format!(
                "INSERT INTO achievements (external_id, title, summary, keywords, patents, \
                 transfer_modes, price_negotiable, status, created_at, updated_at) VALUES \
                 ('WA-AB12CD34EF56', '成果', '', '', '', '', FALSE, 'published', {at}, {at})"
            ))
            .await
            .unwrap();
        // Raw SQL: the entities know columns later migrations add.
        let id_of = |table: &'static str, external: &'static str| {
            let conn = &db.conn;
            async move {
                let statement = sea_orm::Statement::from_string(
                    conn.get_database_backend(),
                    format!("SELECT id FROM {table} WHERE external_id = '{external}'"),
                );
                let row = conn.query_one_raw(statement).await.unwrap().unwrap();
                row.try_get_by_index::<i64>(0).unwrap()
            }
        };
        struct Id {
            id: i64,
        }
        let need = Id {
            id: id_of("needs", "WN-0A1B2C3D4E5F").await,
        };
        let achievement = Id {
            id: id_of("achievements", "WA-AB12CD34EF56").await,
        };
        let old_keys = [
            format!("owner@example.cn|match:{}:{}", need.id, achievement.id),
            format!("webhook:3|match:{}:{}", need.id, achievement.id),
            format!("searcher@example.cn|saved-search:5:need:{}", need.id),
            "owner@example.cn|moderation:need:1:approve:1".to_owned(),
        ];
        for (n, key) in old_keys.iter().enumerate() {
            db.conn
                .execute_unprepared(&format!(
                    "INSERT INTO outbox (dedup_key, channel, address, kind, subject, body_text, \
                     body_html, message_id, status, attempts, next_attempt_at, created_at) \
                     VALUES ('{key}', 'email', 'owner@example.cn', 'match_alert', 's', 't', \
                     'h', '<{n}@techmatch.outbox>', 'sent', 1, {at}, {at})"
                ))
                .await
                .unwrap();
        }
        Migrator::up(&db.conn, None).await.unwrap();

        let mut keys: Vec<String> = outbox_entry::Entity::find()
            .all(&db.conn)
            .await
            .unwrap()
            .into_iter()
            .map(|row| row.dedup_key)
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            vec![
                "owner@example.cn|match:WN-0A1B2C3D4E5F:WA-AB12CD34EF56",
                "owner@example.cn|moderation:need:1:approve:1",
                "searcher@example.cn|saved-search:5:need:WN-0A1B2C3D4E5F",
                "webhook:3|match:WN-0A1B2C3D4E5F:WA-AB12CD34EF56",
            ]
        );
        // Today's alert for the pair finds its marker: nobody is told twice.
        let alert = Notice {
            recipient_user_id: None,
            address: "owner@example.cn".to_owned(),
            kind: NoticeKind::MatchAlert,
            cause: "match:WN-0A1B2C3D4E5F:WA-AB12CD34EF56".to_owned(),
            subject: "s".to_owned(),
            text: "t".to_owned(),
            html: "h".to_owned(),
            unsubscribe_url: None,
            personal: false,
        };
        let now = chrono::Utc::now();
        assert!(!outbox::enqueue(&db.conn, &alert, now).await.unwrap());

        // Run again, it finds its work done.
        db.conn
            .execute_unprepared(
                "DELETE FROM seaql_migrations WHERE version = 'm20261207_000021_alert_markers'",
            )
            .await
            .unwrap();
        Migrator::up(&db.conn, None).await.unwrap();
        assert_eq!(
            outbox_entry::Entity::find()
                .all(&db.conn)
                .await
                .unwrap()
                .len(),
            4
        );
        db
    })
    .await;
}
