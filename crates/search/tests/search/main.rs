//! Search and matching over a small hand-made Chinese corpus, on every backend.

mod hostile_queries;
mod matching;
mod searching;
mod syncing;

use std::collections::HashMap;

use sea_orm::{DatabaseConnection, EntityTrait};
use techmatch_core::domain::IndustryCatalogue;
use techmatch_core::entities::{achievement, need};
use techmatch_core::lists::read::{ListFormat, read_list_bytes};
use techmatch_core::posting::ids::bureau_facing_id;
use techmatch_core::services::import::{import_achievements, import_needs};
use techmatch_core::testing::TestDb;
use techmatch_search::SearchIndex;

/// Achievements: several candidates per local cluster, with different maturity, price
/// and transfer modes, plus unrelated background.
pub const ACHIEVEMENTS: &str = r#"{"id":"A-CACO3-1","title":"纳米碳酸钙湿法表面改性技术","abstract":"以硬脂酸钠为改性剂对纳米碳酸钙进行湿法包覆，活化度达到98%，在PVC中分散均匀，吸油值降低30%。","keywords":["纳米碳酸钙","表面改性","硬脂酸"],"field":"新材料","trl":7,"transfer_modes":["转让","许可"],"price":"80","org_name":"华北材料科技大学","region":"江苏省"}
{"id":"A-CACO3-2","title":"超细碳酸钙粉体干法改性装置","abstract":"开发连续式干法改性机，碳酸钙粉体与钛酸酯偶联剂充分混合，适合塑料填料生产。","keywords":["碳酸钙","干法改性","偶联剂"],"field":"新材料","trl":4,"transfer_modes":["合作实施"],"price":"300","org_name":"江南轻工研究院","region":"浙江省"}
{"id":"A-SIO2","title":"纳米二氧化硅分散剂","abstract":"一种用于橡胶补强的纳米二氧化硅分散剂，提高分散性和拉伸强度。","keywords":["纳米二氧化硅","分散剂"],"field":"新材料","trl":6,"transfer_modes":["转让"],"price":"40","org_name":"东海化工大学"}
{"id":"A-FLYASH-1","title":"粉煤灰与煤矸石协同制备烧结透水砖","abstract":"以电厂粉煤灰和煤矸石为原料，高温烧结制备透水砖，透水系数高，抗压强度达到Cc40。","keywords":["粉煤灰","煤矸石","透水砖"],"field":"节能环保","trl":8,"transfer_modes":["转让","合作实施"],"price":"120","org_name":"西部建材研究院","region":"山西省"}
{"id":"A-FLYASH-2","title":"粉煤灰地质聚合物胶凝材料","abstract":"碱激发粉煤灰制备地质聚合物，可替代部分水泥，用于道路基层。","keywords":["粉煤灰","地质聚合物","碱激发"],"field":"节能环保","trl":5,"transfer_modes":["许可"],"price":"60","org_name":"华北材料科技大学"}
{"id":"A-MG-1","title":"镁铝合金高真空压铸工艺","abstract":"采用高真空压铸降低镁铝合金铸件气孔率，铸件可热处理，力学性能提高20%。","keywords":["镁铝合金","压铸","气孔"],"field":"高端装备制造","trl":7,"transfer_modes":["转让","许可"],"price":"150","org_name":"东北轻合金研究所"}
{"id":"A-CBM","title":"低渗透煤层气储层水力压裂增产技术","abstract":"针对低渗透煤储层，提出分段水力压裂与排采制度优化方法，单井煤层气产量提高一倍。","keywords":["煤层气","水力压裂","低渗透"],"field":"新能源","trl":6,"transfer_modes":["合作实施"],"price":"面议","org_name":"西部能源研究所","region":"陕西省"}
{"id":"A-BG-1","title":"基于深度学习的肺结节检测","abstract":"利用卷积神经网络在CT影像中自动检测肺结节，敏感度95%。","keywords":["深度学习","医学影像"],"field":"新一代信息技术","trl":5,"transfer_modes":["许可"],"price":"200","org_name":"南方医科研究院"}
{"id":"A-BG-2","title":"小麦抗旱品种选育","abstract":"通过分子标记辅助选择培育抗旱小麦新品种，产量稳定。","keywords":["小麦","育种","抗旱"],"field":"现代农业","trl":8,"transfer_modes":["转让"],"price":"50","org_name":"中原农业大学"}
"#;

pub const NEEDS: &str = r#"{"id":"N-CACO3","title":"纳米碳酸钙在PVC中的分散改性","description":"我公司生产纳米碳酸钙，用于PVC型材时团聚严重，希望通过表面改性改善分散性，吸油值降到25以下。","keywords":["纳米碳酸钙","分散","表面改性"],"industry":"新材料","budget":"50-100","coop_modes":["技术转让","技术许可"],"min_trl":6,"region":"山西省晋阳县","org_name":"晋阳华钙纳米材料有限公司"}
{"id":"N-BRICK","title":"利用粉煤灰生产自洁式透水砖","description":"电厂粉煤灰和煤矸石堆存量大，希望生产透水砖用于海绵城市建设。","keywords":["粉煤灰","透水砖"],"industry":"节能环保","budget":"200以内","coop_modes":["技术转让"],"min_trl":7,"region":"山西省","org_name":"晋阳建材有限公司"}
{"id":"N-CBM","title":"煤层气井增产","description":"区块煤层渗透率低，单井产气量低，需要增产改造技术。","keywords":["煤层气","增产"],"industry":"新能源","org_name":"晋阳煤层气开发公司"}
"#;

/// The list id of every posting by its public id. Imports give postings random public
/// ids, which is what the index holds; the tests speak of the corpus by its list ids.
pub async fn list_ids(conn: &DatabaseConnection) -> HashMap<String, String> {
    let needs = need::Entity::find().all(conn).await.unwrap();
    let achievements = achievement::Entity::find().all(conn).await.unwrap();
    needs
        .into_iter()
        .map(|m| (m.external_id, m.source_key))
        .chain(
            achievements
                .into_iter()
                .map(|m| (m.external_id, m.source_key)),
        )
        .map(|(public, key)| {
            let listed = bureau_facing_id(key.as_deref(), &public).to_owned();
            (public, listed)
        })
        .collect()
}

/// Imports the corpus into a test database and indexes it.
pub async fn load(db: &TestDb) -> SearchIndex {
    let industries = IndustryCatalogue::default();
    let a = read_list_bytes(ListFormat::Jsonl, "a.jsonl", ACHIEVEMENTS.as_bytes()).unwrap();
    let n = read_list_bytes(ListFormat::Jsonl, "n.jsonl", NEEDS.as_bytes()).unwrap();
    let ra = import_achievements(&db.conn, a, &industries).await.unwrap();
    let rn = import_needs(&db.conn, n, &industries).await.unwrap();
    assert!(
        ra.problems.is_empty() && rn.problems.is_empty(),
        "{:?} {:?}",
        ra.problems,
        rn.problems
    );
    let index = SearchIndex::in_memory().unwrap();
    index.sync(&db.conn).await.unwrap();
    index
}
