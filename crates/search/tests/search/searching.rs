//! Full-text search with facets, highlights and pagination.

use techmatch_core::posting::PostingKind;
use techmatch_core::testing::on_each_backend;
use techmatch_search::{SearchRequest, search};

use super::{list_ids, load};

#[tokio::test]
async fn chinese_queries_find_and_highlight() {
    on_each_backend(|db| async move {
        let index = load(&db).await;
        let results = search(
            &index,
            &SearchRequest::new(PostingKind::Achievement, "镁铝合金压铸"),
        )
        .unwrap();
        let listed = list_ids(&db.conn).await;
        assert_eq!(listed[&results.hits[0].external_id], "A-MG-1");
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
        let listed = list_ids(&db.conn).await;
        let ids: Vec<&str> = results
            .hits
            .iter()
            .map(|h| listed[&h.external_id].as_str())
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

/// Snippets of texts whose words jieba's search mode splits into parts (煤矸石 gives 矸石
/// and then 煤矸石, which starts earlier): a fragment opened by a part must not be
/// handed a highlight that starts before it. These abstracts broke tantivy's snippet
/// generator (an overflowing subtraction) before the analyzer put tokens in text order.
#[test]
fn snippets_of_texts_with_split_compounds_never_break() {
    let bodies = [
        "提出了综合利用与烧结砖的关键工艺，大幅提升使用寿命，煤矸石指标提升22%。改进了重金属与资源化的关键工艺，有效降低能耗水平，固废损耗下降21%。建立了资源化与重金属的关键工艺，稳定控制使用寿命，活性激发损耗下降37%。验证了微粉与脱硫石膏的关键工艺，有效降低使用寿命，重金属损耗下降25%。设计了固废与煤矸石的关键工艺，大幅提升生产效率，资源化损耗下降5%。",
        "改进了烧结砖与重金属的关键工艺，有效降低综合成本，资源化指标提升21%。研究了活性激发与煤矸石的关键工艺，稳定控制综合成本，烧结砖损耗下降13%。改进了重金属与煤矸石的关键工艺，稳定控制使用寿命，浸出指标提升54%。验证了烧结砖与固废的关键工艺，大幅提升能耗水平，活性激发指标提升30%。",
        "设计了烧结砖与综合利用的关键工艺，大幅提升使用寿命，煤矸石指标提升25%。改进了脱硫石膏与固废的关键工艺，有效降低产品性能，煤矸石指标提升51%。建立了浸出与建材的关键工艺，显著提高综合成本，脱硫石膏损耗下降25%。开发了建材与煤矸石的关键工艺，明显改善能耗水平，微粉指标提升37%。",
    ];
    let index = techmatch_search::SearchIndex::in_memory().unwrap();
    let views: Vec<_> = (1..)
        .zip(bodies)
        .map(|(id, body)| {
            let mut view = techmatch_search::fuzzing::sample_view(PostingKind::Achievement, id);
            view.title = "建材煤矸石技术及应用".to_owned();
            view.body = body.to_owned();
            view
        })
        .collect();
    index.add_views(&views).unwrap();
    index.commit(1).unwrap();
    for query in ["煤矸石", "重金属", "综合利用", "脱硫石膏"] {
        let results = search(&index, &SearchRequest::new(PostingKind::Achievement, query)).unwrap();
        assert!(results.hits.len() >= 2, "{query}");
        assert!(
            results.hits.iter().all(|h| h.snippet_html.contains("<b>")),
            "{query}: {:?}",
            results.hits
        );
    }
}
