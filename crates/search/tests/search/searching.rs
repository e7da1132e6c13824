//! Full-text search with facets, highlights and pagination.

use techmatch_core::posting::PostingKind;
use techmatch_core::testing::on_each_backend;
use techmatch_search::{SearchRequest, search};

use super::load;

#[tokio::test]
async fn chinese_queries_find_and_highlight() {
    on_each_backend(|db| async move {
        let index = load(&db).await;
        let results = search(
            &index,
            &SearchRequest::new(PostingKind::Achievement, "镁铝合金压铸"),
        )
        .unwrap();
        assert_eq!(results.hits[0].external_id, "A-MG-1");
        assert!(
            results.hits[0].title_html.contains("<b>"),
            "{}",
            results.hits[0].title_html
        );
        assert!(
            results.hits[0].snippet_html.contains("<b>压铸</b>")
                || results.hits[0].snippet_html.contains("<b>镁铝合金</b>"),
            "{}",
            results.hits[0].snippet_html
        );

        let title = &results.hits[0].title_html;
        assert_eq!(
            title.replace("<b>", "").replace("</b>", ""),
            "镁铝合金高真空压铸工艺",
            "highlights never repeat text"
        );
        let none = search(
            &index,
            &SearchRequest::new(PostingKind::Achievement, "量子计算机"),
        )
        .unwrap();
        assert_eq!(none.total, 0);
        db
    })
    .await;
}

#[tokio::test]
async fn facets_count_and_filter() {
    on_each_backend(|db| async move {
        let index = load(&db).await;
        let all = search(&index, &SearchRequest::new(PostingKind::Achievement, "")).unwrap();
        assert_eq!(all.total, 9);
        let materials = all
            .facets
            .industry
            .iter()
            .find(|(k, _)| k == "新材料")
            .map(|(_, n)| *n);
        assert_eq!(materials, Some(3));

        let mut filtered = SearchRequest::new(PostingKind::Achievement, "粉煤灰");
        filtered.min_trl = Some(7);
        let results = search(&index, &filtered).unwrap();
        let ids: Vec<&str> = results
            .hits
            .iter()
            .map(|h| h.external_id.as_str())
            .collect();
        assert_eq!(ids, vec!["A-FLYASH-1"]);

        let mut by_mode = SearchRequest::new(PostingKind::Achievement, "");
        by_mode.mode = Some("joint_implementation".into());
        assert_eq!(search(&index, &by_mode).unwrap().total, 3);

        let mut page = SearchRequest::new(PostingKind::Achievement, "");
        page.limit = 4;
        page.offset = 8;
        let last = search(&index, &page).unwrap();
        assert_eq!((last.total, last.hits.len()), (9, 1));
        db
    })
    .await;
}
