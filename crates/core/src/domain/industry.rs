//! The industries postings are filed under, and the names people use for them.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::text::lookup_key;
use crate::{CoreError, t};

const FIELD: &str = "industry";

/// One industry of the catalogue.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Industry {
    /// A stable ASCII identifier, e.g. `sei-01`, safe to store and put in URLs.
    pub code: String,
    /// The canonical Chinese name, the one stored on postings.
    pub name: String,
    /// Other names that resolve to this industry, Chinese or English.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// The industries a deployment recognises, with a lookup by name, alias or code.
///
/// The lookup is case-insensitive for ASCII, ignores surrounding whitespace and
/// full-width forms, and is unambiguous: building a catalogue in which two
/// entries share a name, alias or code fails.
#[derive(Debug, Clone)]
pub struct IndustryCatalogue {
    industries: Vec<Industry>,
    by_key: HashMap<String, usize>,
}

/// The built-in catalogue: the nine areas of 战略性新兴产业分类（2018）and the
/// county industrial clusters the platform was first deployed for.
///
/// 高端装备 (the national area) and 高端装备制造 (a county cluster) are separate
/// entries on purpose: a county's equipment plants want partners for their
/// cluster, not every national high-end equipment project.
const DEFAULT_CATALOGUE: [(&str, &str, &[&str]); 15] = [
    (
        "sei-01",
        "新一代信息技术",
        &[
            "新一代信息技术产业",
            "电子信息",
            "信息技术",
            "IT",
            "ICT",
            "next-generation information technology",
            "information technology",
        ],
    ),
    (
        "sei-02",
        "高端装备",
        &["高端装备制造产业", "high-end equipment"],
    ),
    (
        "sei-03",
        "新材料",
        &["新材料产业", "材料", "new materials", "advanced materials"],
    ),
    (
        "sei-04",
        "生物",
        &[
            "生物产业",
            "生物医药",
            "医药",
            "生物技术",
            "biotechnology",
            "biotech",
            "biomedicine",
        ],
    ),
    (
        "sei-05",
        "新能源汽车",
        &[
            "新能源汽车产业",
            "电动汽车",
            "new energy vehicles",
            "NEV",
            "electric vehicles",
            "EV",
        ],
    ),
    (
        "sei-06",
        "新能源",
        &[
            "新能源产业",
            "清洁能源",
            "可再生能源",
            "new energy",
            "renewable energy",
            "clean energy",
        ],
    ),
    (
        "sei-07",
        "节能环保",
        &[
            "节能环保产业",
            "环保",
            "节能",
            "energy conservation and environmental protection",
            "environmental protection",
        ],
    ),
    (
        "sei-08",
        "数字创意",
        &[
            "数字创意产业",
            "数字文化",
            "数字内容",
            "digital creative",
            "digital creativity",
        ],
    ),
    (
        "sei-09",
        "相关服务业",
        &[
            "相关服务",
            "新技术与创新创业服务",
            "创新创业服务",
            "related services",
        ],
    ),
    (
        "county-equipment",
        "高端装备制造",
        &["装备制造", "装备制造业", "equipment manufacturing"],
    ),
    (
        "county-aviation",
        "通用航空",
        &[
            "通用航空产业",
            "航空",
            "通航",
            "general aviation",
            "aviation",
        ],
    ),
    (
        "county-agriculture",
        "现代农业",
        &[
            "农业",
            "智慧农业",
            "modern agriculture",
            "agriculture",
            "smart agriculture",
        ],
    ),
    (
        "county-coal-chemical",
        "现代煤化工",
        &["煤化工", "modern coal chemical industry", "coal chemical"],
    ),
    (
        "county-culture-tourism",
        "文化旅游",
        &[
            "文旅",
            "旅游",
            "文化旅游产业",
            "culture and tourism",
            "tourism",
        ],
    ),
    (
        "county-wellness",
        "康养",
        &[
            "大健康",
            "健康养老",
            "养老",
            "康养产业",
            "wellness",
            "health and wellness",
            "elderly care",
        ],
    ),
];

impl Default for IndustryCatalogue {
    /// Returns the built-in catalogue: the nine national strategic emerging
    /// industry areas and the county clusters, with their common aliases.
    fn default() -> Self {
        let industries = DEFAULT_CATALOGUE
            .iter()
            .map(|(code, name, aliases)| Industry {
                code: (*code).to_owned(),
                name: (*name).to_owned(),
                aliases: aliases.iter().map(|alias| (*alias).to_owned()).collect(),
            })
            .collect();
        IndustryCatalogue::index_unchecked(industries)
    }
}

impl IndustryCatalogue {
    /// Indexes entries known to be unambiguous; the built-in table is checked by
    /// a test, which is why [`Default`] needs no error path.
    fn index_unchecked(industries: Vec<Industry>) -> IndustryCatalogue {
        let mut by_key = HashMap::new();
        for (index, industry) in industries.iter().enumerate() {
            let keys = std::iter::once(&industry.code)
                .chain(std::iter::once(&industry.name))
                .chain(&industry.aliases);
            for key in keys {
                by_key.entry(lookup_key(key)).or_insert(index);
            }
        }
        IndustryCatalogue { industries, by_key }
    }

    /// Builds a catalogue from its entries, keeping their order.
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::Invalid`] when the list is empty, an entry has an empty
    /// code or name, or two entries share a code, name or alias.
    pub fn new(industries: Vec<Industry>) -> Result<IndustryCatalogue, CoreError> {
        const CATALOGUE_FIELD: &str = "industry_catalogue";
        if industries.is_empty() {
            return Err(CoreError::invalid(
                CATALOGUE_FIELD,
                t!("industry-catalogue-empty"),
            ));
        }
        let mut by_key: HashMap<String, usize> = HashMap::new();
        for (index, industry) in industries.iter().enumerate() {
            if industry.code.trim().is_empty() || industry.name.trim().is_empty() {
                return Err(CoreError::invalid(
                    CATALOGUE_FIELD,
                    t!("industry-catalogue-incomplete", position = index + 1),
                ));
            }
            let keys = std::iter::once(&industry.code)
                .chain(std::iter::once(&industry.name))
                .chain(&industry.aliases);
            for key_text in keys {
                let key = lookup_key(key_text);
                if key.is_empty() {
                    let reason = t!("industry-catalogue-blank-alias", name = &industry.name);
                    return Err(CoreError::invalid(CATALOGUE_FIELD, reason));
                }
                match by_key.insert(key, index) {
                    Some(other) if other != index => {
                        let (k, a, b) = (key_text, &industries[other].name, &industry.name);
                        let reason = t!("industry-name-clash", key = k, first = a, second = b);
                        return Err(CoreError::invalid(CATALOGUE_FIELD, reason));
                    }
                    _ => {}
                }
            }
        }
        Ok(IndustryCatalogue { industries, by_key })
    }

    /// Reads a catalogue from a JSON array of `{"code", "name", "aliases"}`
    /// objects, so that a deployment can list its own clusters.
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::Invalid`] when the JSON does not have that shape or
    /// the entries are ambiguous (see [`IndustryCatalogue::new`]).
    pub fn from_json(json: &str) -> Result<IndustryCatalogue, CoreError> {
        let industries: Vec<Industry> = serde_json::from_str(json).map_err(|error| {
            let (line, column) = (error.line(), error.column());
            let reason = t!("industry-catalogue-json", line = line, column = column);
            CoreError::invalid("industry_catalogue", reason)
        })?;
        IndustryCatalogue::new(industries)
    }

    /// Finds the industry a name, alias or code refers to.
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::Invalid`] listing every accepted name when nothing matches.
    pub fn resolve(&self, input: &str) -> Result<&Industry, CoreError> {
        let key = lookup_key(input);
        self.by_key
            .get(&key)
            .and_then(|&index| self.industries.get(index))
            .ok_or_else(|| {
                let names: Vec<&str> = self.industries.iter().map(|i| i.name.as_str()).collect();
                let choices = names.join(&t!("list-separator"));
                let reason = if key.is_empty() {
                    t!("industry-empty", choices = choices)
                } else {
                    t!("industry-unknown", text = input.trim(), choices = choices)
                };
                CoreError::invalid(FIELD, reason)
            })
    }

    /// Returns the industry with exactly this code.
    pub fn get(&self, code: &str) -> Option<&Industry> {
        self.industries
            .iter()
            .find(|industry| industry.code == code)
    }

    /// Returns every industry, in catalogue order.
    pub fn all(&self) -> &[Industry] {
        &self.industries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of(catalogue: &IndustryCatalogue, input: &str) -> String {
        catalogue
            .resolve(input)
            .unwrap_or_else(|e| panic!("{input}: {e}"))
            .name
            .clone()
    }

    #[test]
    fn default_catalogue_builds_from_an_unambiguous_table() {
        let industries: Vec<Industry> = DEFAULT_CATALOGUE
            .iter()
            .map(|(code, name, aliases)| Industry {
                code: (*code).to_owned(),
                name: (*name).to_owned(),
                aliases: aliases.iter().map(|alias| (*alias).to_owned()).collect(),
            })
            .collect();
        let catalogue = IndustryCatalogue::new(industries).unwrap();
        assert_eq!(catalogue.all().len(), 15);
        assert_eq!(IndustryCatalogue::default().all(), catalogue.all());
    }

    #[test]
    fn no_name_alias_or_code_maps_to_two_entries() {
        let catalogue = IndustryCatalogue::default();
        let mut seen: HashMap<String, &str> = HashMap::new();
        for industry in catalogue.all() {
            let keys = std::iter::once(&industry.code)
                .chain(std::iter::once(&industry.name))
                .chain(&industry.aliases);
            for key in keys {
                if let Some(previous) = seen.insert(lookup_key(key), &industry.code) {
                    assert_eq!(previous, industry.code, "“{key}” is ambiguous");
                }
                assert_eq!(catalogue.resolve(key).unwrap().code, industry.code, "{key}");
            }
        }
    }

    #[test]
    fn contains_the_nine_national_areas_and_the_county_clusters() {
        let catalogue = IndustryCatalogue::default();
        let names: Vec<&str> = catalogue.all().iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "新一代信息技术",
                "高端装备",
                "新材料",
                "生物",
                "新能源汽车",
                "新能源",
                "节能环保",
                "数字创意",
                "相关服务业",
                "高端装备制造",
                "通用航空",
                "现代农业",
                "现代煤化工",
                "文化旅游",
                "康养",
            ]
        );
        assert_eq!(catalogue.get("sei-05").unwrap().name, "新能源汽车");
        assert_eq!(
            catalogue.get("county-coal-chemical").unwrap().name,
            "现代煤化工"
        );
        assert!(catalogue.get("SEI-05").is_none());
        assert!(catalogue.get("sei-10").is_none());
    }

    #[test]
    fn resolves_official_names_to_the_national_areas() {
        let catalogue = IndustryCatalogue::default();
        let cases = [
            ("新一代信息技术产业", "新一代信息技术"),
            ("高端装备制造产业", "高端装备"),
            ("新材料产业", "新材料"),
            ("生物产业", "生物"),
            ("新能源汽车产业", "新能源汽车"),
            ("新能源产业", "新能源"),
            ("节能环保产业", "节能环保"),
            ("数字创意产业", "数字创意"),
            ("相关服务业", "相关服务业"),
        ];
        for (input, name) in cases {
            assert_eq!(name_of(&catalogue, input), name, "{input}");
        }
    }

    #[test]
    fn keeps_national_equipment_and_county_equipment_apart() {
        let catalogue = IndustryCatalogue::default();
        assert_eq!(catalogue.resolve("高端装备").unwrap().code, "sei-02");
        assert_eq!(
            catalogue.resolve("高端装备制造").unwrap().code,
            "county-equipment"
        );
        assert_eq!(
            catalogue.resolve("装备制造").unwrap().code,
            "county-equipment"
        );
    }

    #[test]
    fn resolves_colloquial_aliases() {
        let catalogue = IndustryCatalogue::default();
        let cases = [
            ("电子信息", "新一代信息技术"),
            ("信息技术", "新一代信息技术"),
            ("IT", "新一代信息技术"),
            ("生物医药", "生物"),
            ("医药", "生物"),
            ("电动汽车", "新能源汽车"),
            ("清洁能源", "新能源"),
            ("可再生能源", "新能源"),
            ("环保", "节能环保"),
            ("节能", "节能环保"),
            ("材料", "新材料"),
            ("航空", "通用航空"),
            ("通航", "通用航空"),
            ("农业", "现代农业"),
            ("智慧农业", "现代农业"),
            ("煤化工", "现代煤化工"),
            ("文旅", "文化旅游"),
            ("旅游", "文化旅游"),
            ("大健康", "康养"),
            ("健康养老", "康养"),
            ("养老", "康养"),
        ];
        for (input, name) in cases {
            assert_eq!(name_of(&catalogue, input), name, "{input}");
        }
    }

    #[test]
    fn matching_ignores_case_whitespace_and_width() {
        let catalogue = IndustryCatalogue::default();
        assert_eq!(name_of(&catalogue, "it"), "新一代信息技术");
        assert_eq!(name_of(&catalogue, " Ｉｔ "), "新一代信息技术");
        assert_eq!(name_of(&catalogue, "New  Energy"), "新能源");
        assert_eq!(name_of(&catalogue, "NEW ENERGY VEHICLES"), "新能源汽车");
        assert_eq!(name_of(&catalogue, "\u{3000}新材料\n"), "新材料");
        assert_eq!(name_of(&catalogue, "SEI-03"), "新材料");
        assert_eq!(name_of(&catalogue, "county-wellness"), "康养");
    }

    #[test]
    fn unknown_names_list_every_accepted_name() {
        let catalogue = IndustryCatalogue::default();
        let error = catalogue.resolve("造船").unwrap_err();
        let CoreError::Invalid { field, reason } = error else {
            panic!("unexpected error");
        };
        assert_eq!(field, FIELD);
        assert!(
            reason.starts_with("未知的产业“造船”，可选：新一代信息技术、高端装备、新材料、"),
            "{reason}"
        );
        assert!(reason.ends_with("文化旅游、康养"), "{reason}");
        assert!(!reason.contains("IT"), "aliases are not listed: {reason}");
        let CoreError::Invalid { reason, .. } = catalogue.resolve("  ").unwrap_err() else {
            panic!("unexpected error");
        };
        assert!(reason.starts_with("产业不能为空"), "{reason}");
    }

    #[test]
    fn reads_a_deployment_catalogue_from_json() {
        let catalogue = IndustryCatalogue::from_json(
            r#"[
                {"code": "county-tea", "name": "茶产业", "aliases": ["茶叶", "tea"]},
                {"code": "county-silk", "name": "丝绸", "aliases": []},
                {"code": "county-ceramics", "name": "陶瓷"}
            ]"#,
        )
        .unwrap();
        assert_eq!(catalogue.all().len(), 3);
        assert_eq!(catalogue.resolve("TEA").unwrap().name, "茶产业");
        assert_eq!(catalogue.resolve("陶瓷").unwrap().code, "county-ceramics");
        let CoreError::Invalid { reason, .. } = catalogue.resolve("新材料").unwrap_err() else {
            panic!("unexpected error");
        };
        assert_eq!(reason, "未知的产业“新材料”，可选：茶产业、丝绸、陶瓷");
    }

    #[test]
    fn rejects_bad_or_ambiguous_json_catalogues() {
        let reason = |json: &str| match IndustryCatalogue::from_json(json).unwrap_err() {
            CoreError::Invalid { field, reason } => {
                assert_eq!(field, "industry_catalogue");
                reason
            }
            other => panic!("unexpected error {other:?}"),
        };
        assert!(reason("{").contains("JSON 数组"));
        assert!(reason(r#"[{"name": "茶"}]"#).contains("JSON 数组"));
        assert!(reason("[]").contains("不能为空"));
        assert!(reason(r#"[{"code": "", "name": "茶"}]"#).contains("缺少代码或名称"));
        assert!(
            reason(r#"[{"code": "a", "name": "茶", "aliases": [" "]}]"#).contains("空白的别名")
        );
        let message = reason(
            r#"[{"code": "a", "name": "茶", "aliases": ["Tea"]},
                {"code": "b", "name": "茶饮", "aliases": ["ＴＥＡ "]}]"#,
        );
        assert_eq!(
            message,
            "“ＴＥＡ ”同时指向产业“茶”和“茶饮”，名称、别名和代码不能重复"
        );
        assert!(
            reason(r#"[{"code": "a", "name": "茶"}, {"code": "a", "name": "丝"}]"#)
                .contains("不能重复")
        );
    }

    #[test]
    fn repeating_a_key_within_one_entry_is_harmless() {
        let catalogue = IndustryCatalogue::from_json(
            r#"[{"code": "tea", "name": "茶", "aliases": ["TEA", "茶"]}]"#,
        )
        .unwrap();
        assert_eq!(catalogue.resolve("tea").unwrap().name, "茶");
    }
}
