//! A synthetic corpus of Chinese postings from a seed, for benchmarks: the same seed
//! gives the same corpus on any machine, and no data file is needed.

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

/// Topics, each a pool of technical terms that co-occur in real postings.
const TOPICS: &[(&str, &[&str])] = &[
    (
        "新材料",
        &[
            "纳米碳酸钙",
            "表面改性",
            "分散性",
            "硬脂酸",
            "填料",
            "复合材料",
            "粒径分布",
            "吸油值",
            "白度",
            "偶联剂",
            "涂料",
            "塑料改性",
        ],
    ),
    (
        "节能环保",
        &[
            "粉煤灰",
            "煤矸石",
            "综合利用",
            "固废",
            "建材",
            "烧结砖",
            "活性激发",
            "重金属",
            "浸出",
            "资源化",
            "脱硫石膏",
            "微粉",
        ],
    ),
    (
        "高端装备制造",
        &[
            "镁铝合金",
            "压铸",
            "模具",
            "流动性",
            "气孔缺陷",
            "热处理",
            "力学性能",
            "轻量化",
            "半固态",
            "精密铸造",
            "数控",
            "表面处理",
        ],
    ),
    (
        "新能源",
        &[
            "煤层气",
            "抽采",
            "压裂",
            "瓦斯",
            "储层",
            "渗透率",
            "分散式风电",
            "风机",
            "并网",
            "储能",
            "光伏",
            "逆变器",
        ],
    ),
    (
        "通用航空",
        &[
            "无人机",
            "飞控",
            "航电",
            "复合材料机身",
            "起降",
            "植保",
            "续航",
            "航空发动机",
            "适航",
            "导航",
            "遥感",
            "巡检",
        ],
    ),
    (
        "现代农业",
        &[
            "智慧农业",
            "土壤墒情",
            "水肥一体化",
            "病虫害",
            "物联网",
            "温室",
            "育种",
            "精准施肥",
            "小杂粮",
            "节水灌溉",
            "秸秆",
            "有机肥",
        ],
    ),
    (
        "现代煤化工",
        &[
            "煤焦油",
            "气化",
            "催化剂",
            "甲醇",
            "合成气",
            "焦化",
            "加氢",
            "废水处理",
            "碳捕集",
            "费托合成",
            "针状焦",
            "煤基材料",
        ],
    ),
    (
        "新一代信息技术",
        &[
            "工业互联网",
            "机器视觉",
            "边缘计算",
            "数据平台",
            "缺陷检测",
            "深度学习",
            "传感器",
            "数字孪生",
            "5G",
            "区块链",
            "云平台",
            "智能运维",
        ],
    ),
    (
        "节能环保",
        &[
            "透水砖",
            "自洁",
            "光催化",
            "海绵城市",
            "透水率",
            "抗压强度",
            "二氧化钛",
            "陶瓷",
            "再生骨料",
            "污泥",
            "雨水",
            "路面",
        ],
    ),
    (
        "康养",
        &[
            "康复",
            "老年护理",
            "中药材",
            "功能食品",
            "健康监测",
            "可穿戴",
            "慢病管理",
            "药食同源",
            "睡眠",
            "理疗",
            "营养",
            "社区养老",
        ],
    ),
];

const VERBS: &[&str] = &[
    "研究了",
    "开发了",
    "提出了",
    "优化了",
    "建立了",
    "验证了",
    "设计了",
    "改进了",
];
const OUTCOMES: &[&str] = &["显著提高", "有效降低", "明显改善", "大幅提升", "稳定控制"];
const PROPERTIES: &[&str] = &[
    "产品性能",
    "生产效率",
    "综合成本",
    "能耗水平",
    "使用寿命",
    "合格率",
];
const MODES_NEED: &[&str] = &[
    "技术转让",
    "技术许可",
    "合作开发",
    "委托开发",
    "作价投资",
    "技术服务/咨询",
];
const MODES_ACH: &[&str] = &["转让", "许可", "作价投资", "合作实施", "其他"];

fn pick<'a>(rng: &mut StdRng, items: &'a [&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or("")
}

fn terms(rng: &mut StdRng, pool: &[&'static str], n: usize) -> Vec<&'static str> {
    pool.choose_multiple(rng, n).copied().collect()
}

fn sentence(rng: &mut StdRng, pool: &[&'static str]) -> String {
    let t = terms(rng, pool, 3);
    format!(
        "{}{}与{}的关键工艺，{}{}，{}{}{}%。",
        pick(rng, VERBS),
        t[0],
        t[1],
        pick(rng, OUTCOMES),
        pick(rng, PROPERTIES),
        t[2],
        if rng.random_bool(0.5) {
            "指标提升"
        } else {
            "损耗下降"
        },
        rng.random_range(5..60)
    )
}

/// One synthetic achievement as a JSONL object in the import format.
pub fn achievement(rng: &mut StdRng, n: usize) -> Value {
    let (field, pool) = TOPICS[rng.random_range(0..TOPICS.len())];
    let title_terms = terms(rng, pool, 2);
    let body: String = (0..rng.random_range(4..8))
        .map(|_| sentence(rng, pool))
        .collect();
    let mode_count = rng.random_range(1..3);
    let price = if rng.random_bool(0.2) {
        "面议".to_owned()
    } else {
        rng.random_range(10..500).to_string()
    };
    json!({
        "id": format!("SYN-A{n:07}"),
        "title": format!("{}{}技术及应用", title_terms[0], title_terms[1]),
        "abstract": body,
        "keywords": terms(rng, pool, 4),
        "field": field,
        "trl": rng.random_range(1..=9),
        "transfer_modes": terms(rng, MODES_ACH, mode_count),
        "price": price,
        "org_name": format!("合成大学{}号研究院", rng.random_range(1..400)),
        "org_kind": "科研院所",
    })
}

/// One synthetic need as a JSONL object in the import format.
pub fn need(rng: &mut StdRng, n: usize) -> Value {
    let (field, pool) = TOPICS[rng.random_range(0..TOPICS.len())];
    let t = terms(rng, pool, 3);
    let low = rng.random_range(10..200);
    json!({
        "id": format!("SYN-N{n:06}"),
        "title": format!("{}{}难题攻关", t[0], t[1]),
        "description": format!("我公司在{}生产中遇到{}问题，{}{}", t[0], t[2], sentence(rng, pool), sentence(rng, pool)),
        "keywords": terms(rng, pool, 3),
        "industry": field,
        "budget": format!("{}-{}", low, low + rng.random_range(10..300)),
        "coop_modes": terms(rng, MODES_NEED, 2),
        "min_trl": rng.random_range(3..=7),
        "org_name": format!("合成企业{}有限公司", rng.random_range(1..2000)),
    })
}

/// A seeded generator.
pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// What someone types into the search box: one or two terms of one topic.
pub fn query(rng: &mut StdRng) -> String {
    let (_, pool) = TOPICS[rng.random_range(0..TOPICS.len())];
    let count = rng.random_range(1..=2);
    terms(rng, pool, count).join(" ")
}
