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
use techmatch_core::services::import::{ImportOptions, ImportScope, columns_of, import_list};
use techmatch_core::services::list_uploads::{
    ListOwner, ListSource, ListUpload, UploadTarget, take_turn, upload_list,
};
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

fn corpus_file(name: &str) -> (String, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lists")
        .join(name);
    (name.to_owned(), std::fs::read(&path).unwrap())
}

fn batch_upload(kind: PostingKind, file: (String, Vec<u8>)) -> ListUpload {
    ListUpload {
        target: UploadTarget::Batch {
            kind,
            name: String::new(),
            list_date: chrono::NaiveDate::from_ymd_opt(2026, 3, 15).unwrap(),
        },
        source: ListSource::File {
            name: file.0,
            bytes: file.1,
        },
        map: Vec::new(),
        keep_if_refused: true,
    }
}

#[tokio::test]
async fn a_batch_holds_every_posting_its_rows_wrote_and_one_that_stopped_says_so() {
    use techmatch_core::accounts::Role;
    use techmatch_core::entities::list_batch;
    use techmatch_core::posting::OrgKind;
    use techmatch_core::services::import::{Prepared, prepare_import};
    use techmatch_core::services::list_batches;
    on_each_backend(|db| async move {
        let bureau = Some(("晋阳县科学技术局", OrgKind::Bureau));
        let clerk = super::challenges::user(&db.conn, "clerk@kjj.cn", Role::Admin, bureau).await;
        let uploaded = upload_list(
            &db.conn,
            &catalogue(),
            &clerk,
            batch_upload(
                PostingKind::Need,
                corpus_file("qinxian-2026-two-batches.xlsx"),
            ),
            take_turn(&clerk, ListOwner::Bureau).await.unwrap(),
        )
        .await
        .unwrap();
        let id = uploaded.batch.unwrap();
        let (summary, report) = list_batches::batch(&db.conn, id).await.unwrap();
        assert!(summary.complete);
        assert_eq!(summary.name, "第一批");
        assert_eq!(report.created, uploaded.report.created);
        let lines = list_batches::lines(&db.conn, &summary).await.unwrap();
        assert_eq!(lines.len(), uploaded.report.created, "{lines:?}");
        let rows: Vec<(Option<String>, i64)> =
            lines.iter().map(|l| (l.sheet.clone(), l.row)).collect();
        let mut in_order = rows.clone();
        in_order.sort_by_key(|(sheet, row)| (sheet.as_deref() != Some("第一批"), *row));
        assert_eq!(rows, in_order, "lines keep the file's order");

        // An import that stops half-way (the server killed between two transactions)
        // leaves its batch as recorded before the rows, holding the rows written.
        let stopped = list_batch::Entity::insert(list_batch::ActiveModel {
            id: sea_orm::ActiveValue::NotSet,
            kind: sea_orm::ActiveValue::Set("need".to_owned()),
            name: sea_orm::ActiveValue::Set("第二批".to_owned()),
            list_date: sea_orm::ActiveValue::Set(
                chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
            ),
            file_name: sea_orm::ActiveValue::Set("wuxiang-2026-batch1.xlsx".to_owned()),
            uploaded_by: sea_orm::ActiveValue::Set(Some(clerk.id)),
            report: sea_orm::ActiveValue::Set(String::new()),
            rows: sea_orm::ActiveValue::Set(0),
            created: sea_orm::ActiveValue::Set(0),
            updated: sea_orm::ActiveValue::Set(0),
            unchanged: sea_orm::ActiveValue::Set(0),
            rejected: sea_orm::ActiveValue::Set(0),
            created_at: sea_orm::ActiveValue::Set(chrono::Utc::now()),
            completed_at: sea_orm::ActiveValue::Set(None),
        })
        .exec(&db.conn)
        .await
        .unwrap()
        .last_insert_id;
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/lists/wuxiang-2026-batch1.xlsx");
        let options = ImportOptions::new(ImportScope::Bureau, "wuxiang-2026-batch1.xlsx");
        let Prepared::Ready(ready) = prepare_import(
            PostingKind::Need,
            read_list(&path).unwrap(),
            &catalogue(),
            &options,
        )
        .unwrap() else {
            panic!("the list is refused");
        };
        let written = ready.write(&db.conn, Some(stopped)).await.unwrap();
        let (summary, report) = list_batches::batch(&db.conn, stopped).await.unwrap();
        assert!(!summary.complete);
        assert_eq!(
            report.rows, 0,
            "no report for an import that did not finish"
        );
        assert_eq!(
            summary.postings as usize,
            written.created + written.updated + written.unchanged
        );
        // The stopped import takes no number: the list imported again is still 第二批.
        let next = list_batches::next_name(&db.conn, PostingKind::Need, 2026)
            .await
            .unwrap();
        assert_eq!(next, "第二批");
        let listed = list_batches::batches(&db.conn).await.unwrap();
        assert_eq!(
            listed.iter().map(|b| b.complete).collect::<Vec<_>>(),
            vec![false, true],
            "{listed:?}"
        );
        db
    })
    .await;
}

#[tokio::test]
async fn only_the_bureau_uploads_a_batch_and_a_kept_upload_is_its_uploaders_alone() {
    use techmatch_core::CoreError;
    use techmatch_core::accounts::Role;
    use techmatch_core::posting::OrgKind;
    on_each_backend(|db| async move {
        let bureau = Some(("晋阳县科学技术局", OrgKind::Bureau));
        let clerk = super::challenges::user(&db.conn, "clerk@kjj.cn", Role::Admin, bureau).await;
        let company = Some(("晋阳建材有限公司", OrgKind::Enterprise));
        let engineer =
            super::challenges::user(&db.conn, "eng@jy.cn", Role::Enterprise, company).await;
        let (columns, _) = columns_of(PostingKind::Need);
        assert!(!columns.is_empty());

        // An enterprise may not upload a batch on behalf of others: it is refused a turn
        // before its file is received, and refused again with one.
        let refused = take_turn(&engineer, ListOwner::Bureau).await;
        assert!(
            matches!(refused, Err(CoreError::Forbidden(_))),
            "{refused:?}"
        );
        let refused = upload_list(
            &db.conn,
            &catalogue(),
            &engineer,
            batch_upload(PostingKind::Need, corpus_file("wuxiang-2026-batch1.xlsx")),
            take_turn(&clerk, ListOwner::Bureau).await.unwrap(),
        )
        .await;
        assert!(
            matches!(refused, Err(CoreError::Forbidden(_))),
            "{refused:?}"
        );

        // Nor send an Excel 97 file for its own list: its reader trusts declared sizes.
        let own_xls = ListUpload {
            target: UploadTarget::Own,
            source: ListSource::File {
                name: "list.xlsx".to_owned(),
                bytes: corpus_file("wuxiang-2026-batch1.xls").1,
            },
            map: Vec::new(),
            keep_if_refused: true,
        };
        let refused = upload_list(
            &db.conn,
            &catalogue(),
            &engineer,
            own_xls,
            take_turn(&clerk, ListOwner::Bureau).await.unwrap(),
        )
        .await;
        assert!(
            matches!(refused, Err(CoreError::Invalid { .. })),
            "{refused:?}"
        );
        // Nor an Excel binary workbook, whose reader allocates what its records declare.
        let mut xlsb = Vec::new();
        {
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut xlsb));
            zip.start_file("xl/workbook.bin", zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut zip, b"\x83\x01\x00").unwrap();
            zip.finish().unwrap();
        }
        let own_xlsb = ListUpload {
            target: UploadTarget::Own,
            source: ListSource::File {
                name: "list.xlsb".to_owned(),
                bytes: xlsb,
            },
            map: Vec::new(),
            keep_if_refused: true,
        };
        let turn = take_turn(&engineer, ListOwner::Own).await.unwrap();
        let refused = upload_list(&db.conn, &catalogue(), &engineer, own_xlsb, turn).await;
        let Err(CoreError::Invalid { reason, .. }) = refused else {
            panic!("{refused:?}");
        };
        assert!(reason.contains(".xlsb"), "{reason}");

        // The bureau's list refused for its description column is kept for the clerk…
        let uploaded = upload_list(
            &db.conn,
            &catalogue(),
            &clerk,
            batch_upload(PostingKind::Need, corpus_file("no-description.xlsx")),
            take_turn(&clerk, ListOwner::Bureau).await.unwrap(),
        )
        .await
        .unwrap();
        assert!(uploaded.report.refused.is_some() && uploaded.batch.is_none());
        let token = uploaded.kept.unwrap();
        // …and nobody else can import it, nor the clerk as a list of another kind.
        let theirs = ListUpload {
            target: UploadTarget::Own,
            source: ListSource::Kept(token.clone()),
            map: vec!["备注=需求描述".to_owned()],
            keep_if_refused: true,
        };
        let refused = upload_list(
            &db.conn,
            &catalogue(),
            &engineer,
            theirs,
            take_turn(&clerk, ListOwner::Bureau).await.unwrap(),
        )
        .await;
        assert!(
            matches!(refused, Err(CoreError::Invalid { .. })),
            "{refused:?}"
        );
        let mut other_kind = batch_upload(PostingKind::Achievement, (String::new(), Vec::new()));
        other_kind.source = ListSource::Kept(token.clone());
        let refused = upload_list(
            &db.conn,
            &catalogue(),
            &clerk,
            other_kind,
            take_turn(&clerk, ListOwner::Bureau).await.unwrap(),
        )
        .await;
        assert!(
            matches!(refused, Err(CoreError::Invalid { .. })),
            "{refused:?}"
        );

        // Placed by hand, it imports as a batch, and the kept file is gone.
        let mut mapped = batch_upload(PostingKind::Need, (String::new(), Vec::new()));
        mapped.source = ListSource::Kept(token.clone());
        mapped.map = vec!["备注=需求描述".to_owned()];
        let uploaded = upload_list(
            &db.conn,
            &catalogue(),
            &clerk,
            mapped.clone(),
            take_turn(&clerk, ListOwner::Bureau).await.unwrap(),
        )
        .await
        .unwrap();
        assert!(uploaded.batch.is_some() && uploaded.report.created > 0);
        let again = upload_list(
            &db.conn,
            &catalogue(),
            &clerk,
            mapped,
            take_turn(&clerk, ListOwner::Bureau).await.unwrap(),
        )
        .await;
        assert!(matches!(again, Err(CoreError::Invalid { .. })), "{again:?}");
        db
    })
    .await;
}
