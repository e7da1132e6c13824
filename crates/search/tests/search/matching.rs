//! Matching order and explanations.

use techmatch_core::posting::PostingKind;
use techmatch_core::services::postings;
use techmatch_core::testing::on_each_backend;
use techmatch_search::fit::HardFilters;
use techmatch_search::{MatchOptions, find_matches};

use super::{list_ids, load};

fn top10() -> MatchOptions {
    MatchOptions {
        top: 10,
        ..Default::default()
    }
}

#[tokio::test]
async fn a_need_finds_the_right_achievements_first_with_reasons() {
    on_each_backend(|db| async move {
        let index = load(&db).await;
        let need = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "N-CACO3")
            .await
            .unwrap();
        let matches = find_matches(&index, &need, &top10()).unwrap();
        let listed = list_ids(&db.conn).await;
        let ids: Vec<&str> = matches
            .iter()
            .map(|m| listed[&m.external_id].as_str())
            .collect();
        assert_eq!(ids[0], "A-CACO3-1", "{ids:?}");
        assert!(ids[..3].contains(&"A-CACO3-2"), "{ids:?}");
        for unrelated in ["A-BG-1", "A-BG-2", "A-MG-1"] {
            assert!(
                !ids.contains(&unrelated),
                "{unrelated} shares no substance with the need: {ids:?}"
            );
        }
        let best = &matches[0];
        let terms: Vec<&str> = best.matched_terms.iter().map(|t| t.term.as_str()).collect();
        assert!(
            terms.contains(&"纳米碳酸钙") || terms.contains(&"碳酸钙"),
            "{terms:?}"
        );
        let codes: Vec<&str> = best.factors.iter().map(|f| f.code).collect();
        assert_eq!(codes[0], "text");
        for code in ["industry", "maturity", "price", "mode"] {
            assert!(codes.contains(&code), "{code} missing from {codes:?}");
            let factor = best.factors.iter().find(|f| f.code == code).unwrap();
            assert!(
                factor.contribution > 0.0,
                "{code} should help the best match: {factor:?}"
            );
        }
        let total: f32 = best.factors.iter().map(|f| f.contribution).sum();
        assert!(
            (total - best.score).abs() < 1e-3 * best.score.max(1.0),
            "{total} vs {}",
            best.score
        );
        db
    })
    .await;
}

#[tokio::test]
async fn structured_fit_reorders_and_hard_filters_exclude() {
    on_each_backend(|db| async move {
        let index = load(&db).await;
        let need = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "N-CACO3")
            .await
            .unwrap();
        let matches = find_matches(&index, &need, &top10()).unwrap();
        let listed = list_ids(&db.conn).await;
        let dry = matches
            .iter()
            .find(|m| listed[&m.external_id] == "A-CACO3-2")
            .unwrap();
        let maturity = dry.factors.iter().find(|f| f.code == "maturity").unwrap();
        assert!(maturity.contribution < 0.0, "TRL 4 is below the wanted 6");
        let price = dry.factors.iter().find(|f| f.code == "price").unwrap();
        assert!(
            price.contribution < 0.0,
            "300 万元 is over the 100 万元 budget"
        );

        let strict = MatchOptions {
            hard: HardFilters {
                maturity: true,
                budget: true,
                ..Default::default()
            },
            ..top10()
        };
        let filtered = find_matches(&index, &need, &strict).unwrap();
        assert!(
            filtered
                .iter()
                .all(|m| listed[&m.external_id] != "A-CACO3-2")
        );
        assert_eq!(listed[&filtered[0].external_id], "A-CACO3-1");
        db
    })
    .await;
}

#[tokio::test]
async fn an_achievement_finds_needs_and_missing_fields_fall_back_to_text() {
    on_each_backend(|db| async move {
        let index = load(&db).await;
        let brick = postings::view_by_bureau_id(&db.conn, PostingKind::Achievement, "A-FLYASH-1")
            .await
            .unwrap();
        let needs = find_matches(&index, &brick, &top10()).unwrap();
        let listed = list_ids(&db.conn).await;
        assert_eq!(listed[&needs[0].external_id], "N-BRICK");
        assert_eq!(needs[0].kind, PostingKind::Need);
        assert!(
            needs[0]
                .factors
                .iter()
                .any(|f| f.code == "region" && f.contribution > 0.0),
            "both in Shanxi"
        );

        let cbm = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "N-CBM")
            .await
            .unwrap();
        let found = find_matches(&index, &cbm, &top10()).unwrap();
        assert_eq!(listed[&found[0].external_id], "A-CBM");
        let codes: Vec<&str> = found[0].factors.iter().map(|f| f.code).collect();
        assert_eq!(
            codes,
            vec!["text", "industry"],
            "only the industry is known on both sides"
        );
        db
    })
    .await;
}

#[tokio::test]
async fn a_number_in_a_posting_does_not_steer_its_matches() {
    on_each_backend(|db| async move {
        use techmatch_core::domain::IndustryCatalogue;
        use techmatch_core::lists::read::{ListFormat, read_list_bytes};
        use techmatch_core::services::import::{import_achievements, import_needs};
        let index = load(&db).await;
        // Two hundred batches of one need: their topic words are in most postings, while
        // batch number 50 occurs only in an unrelated achievement (50 vol%). As a query
        // term, that rare number would outweigh the whole topic.
        let zirconia = r#"{"id":"A-ZRO2","title":"氧化锆陶瓷光固化3D打印技术","abstract":"研制固含量达到50 vol%的氧化锆光敏陶瓷浆料，配合数字光处理成型。","keywords":["陶瓷3D打印","氧化锆"],"field":"新材料","trl":5,"org_name":"荆楚建材科技大学"}"#;
        let rows = read_list_bytes(ListFormat::Jsonl, "a.jsonl", zirconia.as_bytes()).unwrap();
        import_achievements(&db.conn, rows, &IndustryCatalogue::default())
            .await
            .unwrap();
        let batches: String = (50..250)
            .map(|n| {
                format!(
                    r#"{{"id":"N-BRICK-{n}","title":"粉煤灰透水砖（第{n}批）","description":"电厂粉煤灰和煤矸石制备透水砖。","keywords":["粉煤灰","透水砖"],"industry":"节能环保","org_name":"晋阳建材有限公司"}}"#
                ) + "\n"
            })
            .collect();
        let rows = read_list_bytes(ListFormat::Jsonl, "n.jsonl", batches.as_bytes()).unwrap();
        import_needs(&db.conn, rows, &IndustryCatalogue::default())
            .await
            .unwrap();
        index.sync(&db.conn).await.unwrap();
        let need = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "N-BRICK-50")
            .await
            .unwrap();
        let listed = list_ids(&db.conn).await;
        let ids = |options: &MatchOptions| -> Vec<String> {
            find_matches(&index, &need, options)
                .unwrap()
                .into_iter()
                .map(|m| listed[&m.external_id].clone())
                .collect()
        };
        let matched = ids(&top10());
        assert_eq!(matched[0], "A-FLYASH-1", "{matched:?}");
        assert!(!matched.contains(&"A-ZRO2".to_owned()), "{matched:?}");
        // The same query with numbers as terms proposes the unrelated achievement.
        let mut with_numbers = top10();
        with_numbers.tuning.number_terms = true;
        let misled = ids(&with_numbers);
        assert!(
            misled.contains(&"A-ZRO2".to_owned()),
            "the number should be what brings it: {misled:?}"
        );
        db
    })
    .await;
}

#[tokio::test]
async fn unpublished_postings_lend_no_words_to_matches() {
    on_each_backend(|db| async move {
        use sea_orm::{EntityTrait, Set};
        use techmatch_core::domain::IndustryCatalogue;
        use techmatch_core::entities::achievement;
        use techmatch_core::lists::read::{ListFormat, read_list_bytes};
        use techmatch_core::services::changes;
        use techmatch_core::services::import::{import_achievements, import_needs};
        use techmatch_search::SearchIndex;
        // Two published twins differ in one rare word each (zorvex, quilan), equally
        // frequent in the index. A draft on the need's topic repeats zorvex: were its
        // words lent to the need's query, the zorvex twin would rank above the other.
        let achievements = [
            r#"{"id":"A-TWIN-Z","title":"钒电池电解液回收","abstract":"钒电池电解液回收工艺，采用zorvex方法。","field":"新能源","org_name":"汾河储能研究院"}"#,
            r#"{"id":"A-TWIN-Q","title":"钒电池电解液回收","abstract":"钒电池电解液回收工艺，采用quilan方法。","field":"新能源","org_name":"雁门理工学院"}"#,
            r#"{"id":"A-DRAFT","title":"钒电池电解液制备","abstract":"钒电池电解液制备，zorvex zorvex zorvex。","field":"新能源","org_name":"汾河储能研究院"}"#,
            r#"{"id":"A-GLASS","title":"玻璃纤维拉丝","abstract":"玻璃纤维拉丝，quilan。","field":"新材料","org_name":"雁门理工学院"}"#,
        ]
        .join("\n");
        let need = r#"{"id":"N-V","title":"钒电池电解液","description":"钒电池电解液","industry":"新能源","org_name":"晋阳储能有限公司"}"#;
        let industries = IndustryCatalogue::default();
        let rows = read_list_bytes(ListFormat::Jsonl, "a.jsonl", achievements.as_bytes()).unwrap();
        import_achievements(&db.conn, rows, &industries).await.unwrap();
        let rows = read_list_bytes(ListFormat::Jsonl, "n.jsonl", need.as_bytes()).unwrap();
        import_needs(&db.conn, rows, &industries).await.unwrap();
        let draft = postings::view_by_bureau_id(&db.conn, PostingKind::Achievement, "A-DRAFT")
            .await
            .unwrap();
        let set_status = |status: &'static str| {
            let conn = &db.conn;
            async move {
                achievement::Entity::update(achievement::ActiveModel {
                    id: Set(draft.id),
                    status: Set(status.to_owned()),
                    ..Default::default()
                })
                .exec(conn)
                .await
                .unwrap();
                changes::record(conn, PostingKind::Achievement, draft.id).await.unwrap();
            }
        };
        let need = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "N-V")
            .await
            .unwrap();
        let index = SearchIndex::in_memory().unwrap();
        let listed = list_ids(&db.conn).await;
        let twin_scores = |index: &SearchIndex| -> (f32, f32) {
            let found = find_matches(index, &need, &top10()).unwrap();
            let score = |id: &str| {
                found
                    .iter()
                    .find(|m| listed[&m.external_id] == id)
                    .map(|m| m.score)
                    .unwrap_or_else(|| panic!("{id} not matched: {found:#?}"))
            };
            (score("A-TWIN-Z"), score("A-TWIN-Q"))
        };

        set_status("draft").await;
        index.sync(&db.conn).await.unwrap();
        let (z, q) = twin_scores(&index);
        assert!((z - q).abs() < 1e-4 * z.max(1.0), "the draft's words steered the match: {z} vs {q}");

        // Published, the same text may lend its words, and the zorvex twin rises.
        set_status("published").await;
        index.sync(&db.conn).await.unwrap();
        let (z, q) = twin_scores(&index);
        assert!(z > q + 1e-4 * z.max(1.0), "{z} vs {q}");
        db
    })
    .await;
}

#[tokio::test]
async fn equally_good_matches_are_ordered_by_public_id_not_by_the_list() {
    on_each_backend(|db| async move {
        use techmatch_core::domain::IndustryCatalogue;
        use techmatch_core::lists::read::{ListFormat, read_list_bytes};
        use techmatch_core::services::import::{import_achievements, import_needs};
        let index = load(&db).await;
        // One list of identical offers, from six institutes (one institute's identical
        // rows would be held as repeats): only their place in the list differs, which
        // the order of matches must not give away.
        let offers: String = (1..=6)
            .map(|n| {
                format!(
                    r#"{{"id":"A-TIO2-{n}","title":"钛白粉废酸浓缩回收","abstract":"钛白粉废酸经浓缩除杂后回用于酸解工序。","keywords":["钛白粉","废酸"],"field":"节能环保","trl":6,"org_name":"荆楚化工研究院第{n}研究所"}}"#
                ) + "\n"
            })
            .collect();
        let rows = read_list_bytes(ListFormat::Jsonl, "a.jsonl", offers.as_bytes()).unwrap();
        import_achievements(&db.conn, rows, &IndustryCatalogue::default())
            .await
            .unwrap();
        let wanted = r#"{"id":"N-TIO2","title":"钛白粉废酸回收","description":"钛白粉生产的废酸需要回收利用。","keywords":["钛白粉","废酸"],"industry":"节能环保","org_name":"晋阳钛业有限公司"}"#;
        let rows = read_list_bytes(ListFormat::Jsonl, "n.jsonl", wanted.as_bytes()).unwrap();
        import_needs(&db.conn, rows, &IndustryCatalogue::default())
            .await
            .unwrap();
        index.sync(&db.conn).await.unwrap();
        let need = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "N-TIO2")
            .await
            .unwrap();
        let listed = list_ids(&db.conn).await;
        let tied: Vec<(f32, String)> = find_matches(&index, &need, &top10())
            .unwrap()
            .into_iter()
            .filter(|m| listed[&m.external_id].starts_with("A-TIO2-"))
            .map(|m| (m.score, m.external_id))
            .collect();
        assert_eq!(tied.len(), 6, "{tied:?}");
        assert!(tied.iter().all(|(s, _)| *s == tied[0].0), "{tied:?}");
        let shown: Vec<&str> = tied.iter().map(|(_, id)| id.as_str()).collect();
        let mut by_public_id = shown.clone();
        by_public_id.sort_by(|a, b| b.cmp(a));
        assert_eq!(shown, by_public_id, "equal matches in the list's order");
        db
    })
    .await;
}
