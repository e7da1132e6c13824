//! Lifecycle actions through the service: allowed ones persist and are logged in the
//! change log, refused ones change nothing.

use techmatch_core::CoreError;
use techmatch_core::posting::{Action, PostingKind, RejectReason, Status};
use techmatch_core::services::{changes, postings};
use techmatch_core::testing::on_each_backend;

use super::{catalogue, csv};

#[tokio::test]
async fn actions_move_postings_and_illegal_ones_are_refused() {
    on_each_backend(|db| async move {
        let list = "需求编号,需求名称,需求描述\nL-1,煤矸石制备陶粒\n";
        techmatch_core::services::import::import_needs(&db.conn, csv(list), &catalogue())
            .await
            .unwrap();
        let need = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "L-1")
            .await
            .unwrap();
        assert_eq!(need.status, Status::Published);
        let head = changes::head(&db.conn).await.unwrap();

        let refused =
            postings::apply_action(&db.conn, PostingKind::Need, need.id, &Action::Approve).await;
        match refused {
            Err(CoreError::IllegalTransition { from, reason, .. }) => {
                assert!(from.contains("published"));
                assert!(
                    reason.contains("已发布") && reason.contains("审核通过"),
                    "{reason}"
                );
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(
            changes::head(&db.conn).await.unwrap(),
            head,
            "a refusal writes nothing"
        );

        let to = postings::apply_action(&db.conn, PostingKind::Need, need.id, &Action::Resubmit)
            .await
            .unwrap();
        assert_eq!(to, Status::PendingReview);
        let reject = Action::Reject {
            reason: RejectReason::Incomplete,
            note: "缺少技术指标".into(),
        };
        assert_eq!(
            postings::apply_action(&db.conn, PostingKind::Need, need.id, &reject)
                .await
                .unwrap(),
            Status::Rejected
        );
        assert_eq!(
            postings::apply_action(&db.conn, PostingKind::Need, need.id, &Action::Submit)
                .await
                .unwrap(),
            Status::PendingReview
        );
        assert_eq!(
            postings::apply_action(&db.conn, PostingKind::Need, need.id, &Action::Approve)
                .await
                .unwrap(),
            Status::Published
        );
        assert_eq!(
            postings::apply_action(&db.conn, PostingKind::Need, need.id, &Action::Close)
                .await
                .unwrap(),
            Status::Closed
        );
        assert!(
            postings::apply_action(&db.conn, PostingKind::Need, need.id, &Action::Withdraw)
                .await
                .is_err()
        );
        assert_eq!(
            changes::head(&db.conn).await.unwrap(),
            head + 5,
            "each applied action is one change"
        );

        let missing =
            postings::apply_action(&db.conn, PostingKind::Need, 999_999, &Action::Close).await;
        assert!(matches!(missing, Err(CoreError::NotFound { .. })));
        db
    })
    .await;
}
