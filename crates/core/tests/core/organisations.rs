//! Organisations named in lists: matching by USCC and name, and the bureau's explicit
//! acceptance of a code that fails its check.

use techmatch_core::posting::{OrgKind, PostingKind};
use techmatch_core::services::import::import_needs;
use techmatch_core::services::{organisations, postings};
use techmatch_core::testing::on_each_backend;

use super::{catalogue, csv};

/// A code of the right shape whose check character is wrong (the valid one ends in 3).
const FAILING_USCC: &str = "91350100M000100Y44";

#[tokio::test]
async fn a_failing_uscc_is_refused_until_the_bureau_accepts_it() {
    on_each_backend(|db| async move {
        let list = format!(
            "需求编号,需求名称,企业名称,统一社会信用代码,需求描述\nU-1,陶瓷膜过滤,晋阳老厂,{FAILING_USCC}\n"
        );
        let first = import_needs(&db.conn, csv(&list), &catalogue())
            .await
            .unwrap();
        assert_eq!(first.created, 0);
        assert!(
            first.problems[0].reason.contains("未通过校验"),
            "{}",
            first.problems[0].reason
        );

        let empty_reason = organisations::accept_uscc(
            &db.conn,
            "晋阳老厂",
            OrgKind::Enterprise,
            FAILING_USCC,
            "王科长",
            " ",
        )
        .await;
        assert!(empty_reason.is_err(), "acceptance needs a reason");
        organisations::accept_uscc(
            &db.conn,
            "晋阳老厂",
            OrgKind::Enterprise,
            FAILING_USCC,
            "王科长",
            "营业执照原件核对无误",
        )
        .await
        .unwrap();

        let second = import_needs(&db.conn, csv(&list), &catalogue())
            .await
            .unwrap();
        assert_eq!(second.created, 1, "{:?}", second.problems);
        let need = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "U-1")
            .await
            .unwrap();
        assert_eq!(need.org_name.as_deref(), Some("晋阳老厂"));
        db
    })
    .await;
}

#[tokio::test]
async fn a_name_registered_with_another_code_is_a_row_problem() {
    on_each_backend(|db| async move {
        let list = "需求编号,需求名称,企业名称,统一社会信用代码,需求描述\nC-1,一,晋阳华钙,91350100M000100Y43\nC-2,二,晋阳华钙,\nC-3,三,晋阳华钙,911407001234567886\n";
        let report = import_needs(&db.conn, csv(list), &catalogue()).await.unwrap();
        assert_eq!(report.created, 2, "{:?}", report.problems);
        assert_eq!(report.problems.len(), 1);
        assert_eq!(report.problems[0].row, 4);
        assert!(report.problems[0].reason.contains("不一致"), "{}", report.problems[0].reason);
        let a = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "C-1").await.unwrap();
        let b = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "C-2").await.unwrap();
        assert_eq!(a.org_name, b.org_name, "the same organisation, matched by name");
        db
    })
    .await;
}
