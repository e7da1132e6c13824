//! Lists shaped like the ones county offices really send (title and unit rows, merged
//! cells, annotated headers, notes and totals rows, several sheets, GBK CSV from Excel,
//! `.xls`, `.ods`), each with the postings it must yield, on every backend. The files
//! and their expectations are in `tests/fixtures/lists/` (see its README).

use std::path::{Path, PathBuf};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use techmatch_core::entities::{achievement, need, organisation};
use techmatch_core::lists::read::read_list;
use techmatch_core::posting::PostingKind;
use techmatch_core::services::import::{ImportOptions, ImportScope, import_list};
use techmatch_core::testing::on_each_backend;

use super::catalogue;

#[derive(Debug, Deserialize)]
struct Expected {
    kind: String,
    refused: bool,
    #[serde(default)]
    refusal_contains: Option<String>,
    postings: Vec<ExpectedPosting>,
    title_rows: Vec<Place>,
    notes_rows: Vec<Place>,
    skipped_sheets: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct ExpectedPosting {
    sheet: Option<String>,
    row: usize,
    title: String,
    org_name: String,
    description: String,
    contact_person: Option<String>,
    contact_phone: Option<String>,
    contact_email: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord, Clone)]
struct Place {
    sheet: Option<String>,
    row: usize,
}

fn corpus() -> Vec<(PathBuf, Expected)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lists");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if let Some(list) = name.strip_suffix(".expect.json") {
            let expected: Expected =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            files.push((dir.join(list), expected));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(files.len() >= 8, "the corpus is missing files: {files:?}");
    files
}

/// What a stored posting says, whichever kind it is.
#[derive(Debug, PartialEq, Eq)]
struct Stored {
    org_name: String,
    description: String,
    contact_person: Option<String>,
    contact_phone: Option<String>,
    contact_email: Option<String>,
}

async fn stored(conn: &sea_orm::DatabaseConnection, kind: PostingKind, title: &str) -> Stored {
    let (org_id, description, person, phone, email) = match kind {
        PostingKind::Need => {
            let found = need::Entity::find()
                .filter(need::Column::Title.eq(title))
                .one(conn)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("no need titled {title}"));
            (
                found.org_id,
                found.description,
                found.contact_person,
                found.contact_phone,
                found.contact_email,
            )
        }
        PostingKind::Achievement => {
            let found = achievement::Entity::find()
                .filter(achievement::Column::Title.eq(title))
                .one(conn)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("no achievement titled {title}"));
            (
                found.org_id,
                found.summary,
                found.contact_person,
                found.contact_phone,
                found.contact_email,
            )
        }
    };
    let org_name = match org_id {
        Some(id) => organisation::Entity::find_by_id(id)
            .one(conn)
            .await
            .unwrap()
            .map(|o| o.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    Stored {
        org_name,
        description,
        contact_person: person,
        contact_phone: phone,
        contact_email: email,
    }
}

#[tokio::test]
async fn every_real_shaped_list_imports_completely_or_is_refused_before_writing() {
    on_each_backend(|db| async move {
        for (path, expected) in corpus() {
            let file = path.display().to_string();
            let kind = match expected.kind.as_str() {
                "needs" => PostingKind::Need,
                _ => PostingKind::Achievement,
            };
            let options = ImportOptions::new(ImportScope::Bureau, &file);
            let list = read_list(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
            let report = import_list(&db.conn, kind, list, &catalogue(), &options)
                .await
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            if expected.refused {
                let reason = report.refused.clone().unwrap_or_default();
                let word = expected.refusal_contains.as_deref().unwrap_or_default();
                assert!(reason.contains(word), "{file}: {reason}");
                assert_eq!(
                    (report.created, report.updated),
                    (0, 0),
                    "{file}: nothing is written"
                );
                continue;
            }
            assert_eq!(report.refused, None, "{file}");
            assert!(report.problems.is_empty(), "{file}: {:?}", report.problems);
            assert_eq!(
                report.created + report.updated + report.unchanged,
                expected.postings.len(),
                "{file}: {report:?}"
            );
            let places = |pick: fn(&techmatch_core::lists::layout::SheetLayout) -> Vec<usize>| {
                let mut places: Vec<Place> = report
                    .layout
                    .sheets
                    .iter()
                    .flat_map(|s| {
                        pick(s).into_iter().map(|row| Place {
                            sheet: s.sheet.clone(),
                            row,
                        })
                    })
                    .collect();
                places.sort();
                places
            };
            let mut title_rows = expected.title_rows.clone();
            title_rows.sort();
            let mut notes_rows = expected.notes_rows.clone();
            notes_rows.sort();
            assert_eq!(
                places(|s| s.title_rows.iter().map(|r| r.row).collect()),
                title_rows,
                "{file}: title rows"
            );
            assert_eq!(
                places(|s| s.notes_rows.iter().map(|r| r.row).collect()),
                notes_rows,
                "{file}: notes rows"
            );
            let skipped: Vec<&str> = report
                .layout
                .skipped_sheets
                .iter()
                .map(|s| s.sheet.as_str())
                .collect();
            assert_eq!(skipped, expected.skipped_sheets, "{file}: skipped sheets");
            let data_rows: usize = report.layout.sheets.iter().map(|s| s.data_rows).sum();
            assert_eq!(data_rows, expected.postings.len(), "{file}: data rows");
            for posting in &expected.postings {
                let found = stored(&db.conn, kind, &posting.title).await;
                assert_eq!(
                    found,
                    Stored {
                        org_name: posting.org_name.clone(),
                        description: posting.description.clone(),
                        contact_person: posting.contact_person.clone(),
                        contact_phone: posting.contact_phone.clone(),
                        contact_email: posting.contact_email.clone(),
                    },
                    "{file}: {:?} row {}",
                    posting.sheet,
                    posting.row
                );
            }
        }
        db
    })
    .await;
}

#[tokio::test]
async fn a_list_without_its_description_column_imports_with_a_hand_mapping() {
    on_each_backend(|db| async move {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lists/no-description.xlsx");
        let file = path.display().to_string();
        let mut options = ImportOptions::new(ImportScope::Bureau, &file);
        let report = import_list(
            &db.conn,
            PostingKind::Need,
            read_list(&path).unwrap(),
            &catalogue(),
            &options,
        )
        .await
        .unwrap();
        let refused = report.refused.clone().unwrap();
        assert!(refused.contains("需求描述"), "{refused}");
        assert_eq!(report.created, 0);
        // The clerk says the 备注 column is the description.
        options.mapping = techmatch_core::lists::columns::mapping_from_pairs(
            techmatch_core::lists::columns::NEED_COLUMNS,
            &["备注=需求描述".to_owned()],
        )
        .unwrap();
        let report = import_list(
            &db.conn,
            PostingKind::Need,
            read_list(&path).unwrap(),
            &catalogue(),
            &options,
        )
        .await
        .unwrap();
        assert_eq!(report.refused, None, "{report:?}");
        assert!(
            report.created > 0 && report.problems.is_empty(),
            "{report:?}"
        );
        db
    })
    .await;
}

#[tokio::test]
async fn a_row_repeating_a_posting_of_its_organisation_waits_for_the_bureau_beside_it() {
    use techmatch_core::accounts::Role;
    use techmatch_core::posting::OrgKind;
    use techmatch_core::services::workflow;
    const TEXT: &str =
        "利用电厂粉煤灰与煤矸石生产自洁式透水砖，要求抗压强度达到C30，透水系数不低于千分之一";
    const OTHER: &str = "煤矸石烧结陶粒堆积密度偏高、筒压强度不稳定，需要优化原料配方与烧成制度";
    on_each_backend(|db| async move {
        let first = format!(
            "需求编号,需求名称,需求描述,企业名称\nA-1,粉煤灰制备透水砖,{TEXT},晋阳建材有限公司\n"
        );
        let report = techmatch_core::services::import::import_needs(
            &db.conn,
            super::csv(&first),
            &catalogue(),
        )
        .await
        .unwrap();
        assert_eq!(report.created, 1);
        let second = format!(
            "需求编号,需求名称,需求描述,企业名称\n\
             B-1,粉煤灰制备透水砖（二期）,{TEXT},晋阳建材有限公司\n\
             B-2,煤矸石烧结陶粒,{OTHER},晋阳建材有限公司\n\
             B-3,煤矸石烧结陶粒工艺,{OTHER},晋阳建材有限公司\n\
             B-4,粉煤灰制备透水砖,{TEXT},另一家建材有限公司\n"
        );
        let report = techmatch_core::services::import::import_needs(
            &db.conn,
            super::csv(&second),
            &catalogue(),
        )
        .await
        .unwrap();
        assert_eq!(report.created, 4, "{report:?}");
        let repeated: Vec<(usize, &str)> = report
            .repeated
            .iter()
            .map(|r| (r.row, r.repeats_title.as_str()))
            .collect();
        assert_eq!(
            repeated,
            vec![(2, "粉煤灰制备透水砖"), (4, "煤矸石烧结陶粒")],
            "an earlier posting and an earlier row of the file; another company's is no repeat"
        );
        let status_of = |title: &'static str| {
            let conn = db.conn.clone();
            async move {
                need::Entity::find()
                    .filter(need::Column::Title.eq(title))
                    .one(&conn)
                    .await
                    .unwrap()
                    .unwrap()
            }
        };
        let held = status_of("粉煤灰制备透水砖（二期）").await;
        assert_eq!(held.status, "pending_review");
        assert!(held.duplicate_of.is_some());
        assert_eq!(status_of("煤矸石烧结陶粒").await.status, "published");
        assert_eq!(
            status_of("煤矸石烧结陶粒工艺").await.status,
            "pending_review"
        );
        let elsewhere = need::Entity::find()
            .filter(need::Column::Title.eq("粉煤灰制备透水砖"))
            .all(&db.conn)
            .await
            .unwrap();
        assert!(elsewhere.iter().all(|n| n.status == "published"));

        // The bureau's queue shows each held row with the posting it repeats.
        let bureau = Some(("晋阳县科学技术局", OrgKind::Bureau));
        let admin = super::challenges::user(&db.conn, "admin@kjj.cn", Role::Admin, bureau).await;
        let queue = workflow::review_queue(&db.conn, &admin, 50).await.unwrap();
        let shown: Vec<(String, Option<String>)> = queue
            .postings
            .iter()
            .zip(&queue.repeats)
            .map(|(p, r)| (p.title.clone(), r.as_ref().map(|r| r.title.clone())))
            .collect();
        assert!(
            shown.contains(&(
                "粉煤灰制备透水砖（二期）".to_owned(),
                Some("粉煤灰制备透水砖".to_owned())
            )),
            "{shown:?}"
        );

        // Importing the same file again writes the same rows in place: nothing new is held.
        let again = techmatch_core::services::import::import_needs(
            &db.conn,
            super::csv(&second),
            &catalogue(),
        )
        .await
        .unwrap();
        assert_eq!((again.created, again.repeated.len()), (0, 0), "{again:?}");
        db
    })
    .await;
}

#[tokio::test]
async fn a_secrecy_column_the_importer_cannot_read_refuses_the_list() {
    on_each_backend(|db| async move {
        let list = "需求名称,需求描述,企业名称,是否公开\n\
                    钛白粉废酸回收,废酸浓缩回用工艺,晋阳钛业有限公司,否\n";
        let report = techmatch_core::services::import::import_needs(
            &db.conn,
            super::csv(list),
            &catalogue(),
        )
        .await
        .unwrap();
        let refused = report.refused.clone().unwrap_or_default();
        assert!(refused.contains("是否公开"), "{report:?}");
        assert_eq!(report.created, 0);
        db
    })
    .await;
}
