//! The index follows the change log and survives being reopened.

use techmatch_core::domain::IndustryCatalogue;
use techmatch_core::lists::read::{ListFormat, read_list_bytes};
use techmatch_core::posting::{Action, PostingKind};
use techmatch_core::services::import::import_achievements;
use techmatch_core::services::{changes, postings};
use techmatch_core::testing::on_each_backend;
use techmatch_search::{SearchIndex, SearchRequest, search};

use super::{ACHIEVEMENTS, list_ids};

#[tokio::test]
async fn the_index_follows_edits_and_withdrawals_and_catches_up_after_reopening() {
    on_each_backend(|db| async move {
        let dir = tempfile::tempdir().unwrap();
        let industries = IndustryCatalogue::default();
        let list = read_list_bytes(ListFormat::Jsonl, "a", ACHIEVEMENTS.as_bytes()).unwrap();
        import_achievements(&db.conn, list, &industries)
            .await
            .unwrap();
        {
            let index = SearchIndex::open(dir.path()).unwrap();
            let first = index.sync(&db.conn).await.unwrap();
            assert!(first.rebuilt);
            assert_eq!(index.count(PostingKind::Achievement), 9);
            assert_eq!(index.applied_seq(), changes::head(&db.conn).await.unwrap());
        }

        // Written while no index was open, as after a crash mid-import.
        let cbm = postings::view_by_bureau_id(&db.conn, PostingKind::Achievement, "A-CBM")
            .await
            .unwrap();
        postings::apply_action(
            &db.conn,
            PostingKind::Achievement,
            cbm.id,
            &Action::Withdraw,
        )
        .await
        .unwrap();
        let edited = ACHIEVEMENTS.replace(
            "高真空压铸降低镁铝合金铸件气孔率",
            "挤压铸造降低镁铝合金铸件缩松",
        );
        import_achievements(
            &db.conn,
            read_list_bytes(ListFormat::Jsonl, "a", edited.as_bytes()).unwrap(),
            &industries,
        )
        .await
        .unwrap();

        let index = SearchIndex::open(dir.path()).unwrap();
        assert!(
            index.applied_seq() < changes::head(&db.conn).await.unwrap(),
            "the reopened index is behind"
        );
        let report = index.sync(&db.conn).await.unwrap();
        assert!(!report.rebuilt);
        assert_eq!(report.changes, 2);
        assert_eq!(index.applied_seq(), changes::head(&db.conn).await.unwrap());

        let gone = search(
            &index,
            &SearchRequest::new(PostingKind::Achievement, "煤层气 水力压裂"),
        )
        .unwrap();
        let listed = list_ids(&db.conn).await;
        assert!(
            gone.hits.iter().all(|h| listed[&h.external_id] != "A-CBM"),
            "a withdrawn achievement is not found"
        );
        let updated = search(
            &index,
            &SearchRequest::new(PostingKind::Achievement, "挤压铸造"),
        )
        .unwrap();
        assert_eq!(listed[&updated.hits[0].external_id], "A-MG-1");
        db
    })
    .await;
}
