//! Where an enterprise or a posting is: a GB/T 2260 administrative division
//! where the code is known, otherwise the name as written.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::text::to_half_width;
use crate::{CoreError, t};

const FIELD: &str = "region";

/// A province-level division: code, official name, short name and the suffix
/// that may follow the short name. Suffixes are per division so that "吉林市"
/// (a city of 吉林省) is not mistaken for the province.
struct Province {
    code: &'static str,
    name: &'static str,
    short: &'static str,
    suffixes: &'static [&'static str],
}

const PROVINCE_SUFFIX: &[&str] = &["省"];
const MUNICIPALITY_SUFFIX: &[&str] = &["市"];
const AUTONOMOUS_SUFFIX: &[&str] = &["自治区"];
const SAR_SUFFIX: &[&str] = &["特别行政区"];

const fn province(
    code: &'static str,
    name: &'static str,
    short: &'static str,
    suffixes: &'static [&'static str],
) -> Province {
    Province {
        code,
        name,
        short,
        suffixes,
    }
}

/// The 34 province-level divisions of GB/T 2260.
const PROVINCES: [Province; 34] = [
    province("110000", "北京市", "北京", MUNICIPALITY_SUFFIX),
    province("120000", "天津市", "天津", MUNICIPALITY_SUFFIX),
    province("130000", "河北省", "河北", PROVINCE_SUFFIX),
    province("140000", "山西省", "山西", PROVINCE_SUFFIX),
    province("150000", "内蒙古自治区", "内蒙古", AUTONOMOUS_SUFFIX),
    province("210000", "辽宁省", "辽宁", PROVINCE_SUFFIX),
    province("220000", "吉林省", "吉林", PROVINCE_SUFFIX),
    province("230000", "黑龙江省", "黑龙江", PROVINCE_SUFFIX),
    province("310000", "上海市", "上海", MUNICIPALITY_SUFFIX),
    province("320000", "江苏省", "江苏", PROVINCE_SUFFIX),
    province("330000", "浙江省", "浙江", PROVINCE_SUFFIX),
    province("340000", "安徽省", "安徽", PROVINCE_SUFFIX),
    province("350000", "福建省", "福建", PROVINCE_SUFFIX),
    province("360000", "江西省", "江西", PROVINCE_SUFFIX),
    province("370000", "山东省", "山东", PROVINCE_SUFFIX),
    province("410000", "河南省", "河南", PROVINCE_SUFFIX),
    province("420000", "湖北省", "湖北", PROVINCE_SUFFIX),
    province("430000", "湖南省", "湖南", PROVINCE_SUFFIX),
    province("440000", "广东省", "广东", PROVINCE_SUFFIX),
    province("450000", "广西壮族自治区", "广西", AUTONOMOUS_SUFFIX),
    province("460000", "海南省", "海南", PROVINCE_SUFFIX),
    province("500000", "重庆市", "重庆", MUNICIPALITY_SUFFIX),
    province("510000", "四川省", "四川", PROVINCE_SUFFIX),
    province("520000", "贵州省", "贵州", PROVINCE_SUFFIX),
    province("530000", "云南省", "云南", PROVINCE_SUFFIX),
    province("540000", "西藏自治区", "西藏", AUTONOMOUS_SUFFIX),
    province("610000", "陕西省", "陕西", PROVINCE_SUFFIX),
    province("620000", "甘肃省", "甘肃", PROVINCE_SUFFIX),
    province("630000", "青海省", "青海", PROVINCE_SUFFIX),
    province("640000", "宁夏回族自治区", "宁夏", AUTONOMOUS_SUFFIX),
    province("650000", "新疆维吾尔自治区", "新疆", AUTONOMOUS_SUFFIX),
    province("710000", "台湾省", "台湾", PROVINCE_SUFFIX),
    province("810000", "香港特别行政区", "香港", SAR_SUFFIX),
    province("820000", "澳门特别行政区", "澳门", SAR_SUFFIX),
];

impl Province {
    /// Tells whether `name` is this division's official name, its short name or
    /// the short name with its own suffix ("广西自治区").
    fn is_named(&self, name: &str) -> bool {
        name == self.name
            || name == self.short
            || name
                .strip_prefix(self.short)
                .is_some_and(|suffix| self.suffixes.contains(&suffix))
    }

    /// Tells whether `name` starts with this division's official name or short
    /// name plus suffix, as in "山西省大同市"; the bare short name is not enough,
    /// because "海南藏族自治州" lies in 青海省.
    fn is_prefix_of(&self, name: &str) -> bool {
        name.starts_with(self.name)
            || self.suffixes.iter().any(|suffix| {
                name.strip_prefix(self.short)
                    .is_some_and(|rest| rest.starts_with(suffix))
            })
    }
}

/// A region: a GB/T 2260 code where one is known, and a name.
///
/// Names that are not province-level are kept as written, without a code,
/// because a county-level table is not shipped; when such a name starts with a
/// province name ("山西省大同市"), the province is still known.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Region {
    code: Option<String>,
    name: String,
    /// Index into [`PROVINCES`].
    province: Option<usize>,
}

impl Region {
    /// Parses a 6-digit division code ("140000", "140200") or a name.
    ///
    /// Province-level names are recognised with or without their suffix
    /// ("山西", "山西省", "北京市", "内蒙古", "广西壮族自治区") and get their code;
    /// other names are kept without a code.
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::Invalid`] for empty input, digit strings that are not
    /// 6 long, and codes whose first two digits are not a province.
    pub fn parse(input: &str) -> Result<Region, CoreError> {
        let text: String = to_half_width(input)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if text.is_empty() {
            return Err(CoreError::invalid(FIELD, t!("region-empty")));
        }
        if text.bytes().all(|b| b.is_ascii_digit()) {
            return Region::from_code(&text);
        }
        if let Some(index) = PROVINCES.iter().position(|p| p.is_named(&text)) {
            let province = &PROVINCES[index];
            return Ok(Region {
                code: Some(province.code.to_owned()),
                name: province.name.to_owned(),
                province: Some(index),
            });
        }
        let province = PROVINCES.iter().position(|p| p.is_prefix_of(&text));
        Ok(Region {
            code: None,
            name: text,
            province,
        })
    }

    fn from_code(digits: &str) -> Result<Region, CoreError> {
        if digits.len() != 6 {
            return Err(CoreError::invalid(
                FIELD,
                t!("region-code-length", count = digits.len()),
            ));
        }
        let index = PROVINCES
            .iter()
            .position(|p| p.code[..2] == digits[..2])
            .ok_or_else(|| {
                let prefix = &digits[..2];
                let reason = t!("region-code-not-province", code = digits, prefix = prefix);
                CoreError::invalid(FIELD, reason)
            })?;
        let province = &PROVINCES[index];
        // Without a county table only the province's own code has a known name;
        // other codes are named by themselves rather than by a guess.
        let name = if province.code == digits {
            province.name.to_owned()
        } else {
            digits.to_owned()
        };
        Ok(Region {
            code: Some(digits.to_owned()),
            name,
            province: Some(index),
        })
    }

    /// Returns the division code, when known.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// Returns the name: the official province name, the name as written, or the
    /// code itself for sub-provincial codes.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the code of the province the region lies in ("140000"), when known.
    pub fn province_code(&self) -> Option<&str> {
        self.province.map(|index| PROVINCES[index].code)
    }

    /// Returns the official name of the province the region lies in, when known.
    pub fn province_name(&self) -> Option<&str> {
        self.province.map(|index| PROVINCES[index].name)
    }

    /// Tells whether both regions are known to lie in the same province.
    pub fn same_province(&self, other: &Region) -> bool {
        matches!((self.province, other.province), (Some(a), Some(b)) if a == b)
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Serialize for Region {
    /// Writes the code when known, else the name; both parse back to the same region.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code.as_deref().unwrap_or(&self.name))
    }
}

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Region::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(input: &str) -> Option<String> {
        Region::parse(input)
            .unwrap_or_else(|e| panic!("{input}: {e}"))
            .code()
            .map(str::to_owned)
    }

    fn reason(error: CoreError) -> String {
        match error {
            CoreError::Invalid { field, reason } => {
                assert_eq!(field, FIELD);
                reason
            }
            other => panic!("unexpected error {other:?}"),
        }
    }

    #[test]
    fn table_has_34_distinct_provinces() {
        let mut codes: Vec<&str> = PROVINCES.iter().map(|p| p.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 34);
        for province in &PROVINCES {
            assert!(
                province.name.starts_with(province.short),
                "{}",
                province.name
            );
            assert!(province.code.ends_with("0000"));
            assert_eq!(code_of(province.name).as_deref(), Some(province.code));
            assert_eq!(code_of(province.short).as_deref(), Some(province.code));
            for suffix in province.suffixes {
                let name = format!("{}{suffix}", province.short);
                assert_eq!(code_of(&name).as_deref(), Some(province.code), "{name}");
            }
        }
    }

    #[test]
    fn parses_province_names_with_and_without_suffix() {
        let cases = [
            ("山西", "140000", "山西省"),
            ("山西省", "140000", "山西省"),
            ("北京", "110000", "北京市"),
            ("北京市", "110000", "北京市"),
            ("内蒙古", "150000", "内蒙古自治区"),
            ("内蒙古自治区", "150000", "内蒙古自治区"),
            ("广西", "450000", "广西壮族自治区"),
            ("广西自治区", "450000", "广西壮族自治区"),
            ("广西壮族自治区", "450000", "广西壮族自治区"),
            ("宁夏", "640000", "宁夏回族自治区"),
            ("新疆维吾尔自治区", "650000", "新疆维吾尔自治区"),
            ("香港", "810000", "香港特别行政区"),
            ("澳门特别行政区", "820000", "澳门特别行政区"),
            ("陕西", "610000", "陕西省"),
            (" 重庆 ", "500000", "重庆市"),
            ("黑龙江省", "230000", "黑龙江省"),
        ];
        for (input, code, name) in cases {
            let region = Region::parse(input).unwrap();
            assert_eq!(region.code(), Some(code), "{input}");
            assert_eq!(region.name(), name, "{input}");
            assert_eq!(region.province_code(), Some(code), "{input}");
            assert_eq!(region.to_string(), name);
        }
    }

    #[test]
    fn suffixes_belong_to_their_kind_of_division() {
        // 吉林市 is a prefecture-level city in 吉林省, not the province.
        let jilin_city = Region::parse("吉林市").unwrap();
        assert_eq!(jilin_city.code(), None);
        assert_eq!(jilin_city.name(), "吉林市");
        assert_eq!(code_of("山西市"), None);
        assert_eq!(code_of("北京省"), None);
    }

    #[test]
    fn parses_codes() {
        let region = Region::parse("140000").unwrap();
        assert_eq!(region.code(), Some("140000"));
        assert_eq!(region.name(), "山西省");

        let datong = Region::parse("140200").unwrap();
        assert_eq!(datong.code(), Some("140200"));
        assert_eq!(datong.name(), "140200");
        assert_eq!(datong.province_code(), Some("140000"));
        assert_eq!(datong.province_name(), Some("山西省"));
        assert!(datong.same_province(&region));

        assert_eq!(code_of("１４０２２５").as_deref(), Some("140225"));
        for code in [
            "110000", "150000", "230000", "370000", "460000", "540000", "650000", "710000",
            "810000", "820000",
        ] {
            assert!(Region::parse(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn rejects_bad_codes_and_empty_input() {
        assert!(reason(Region::parse("").unwrap_err()).contains("不能为空"));
        assert!(reason(Region::parse(" \u{3000}").unwrap_err()).contains("不能为空"));
        assert!(reason(Region::parse("1402").unwrap_err()).contains("实为 4 位"));
        assert!(reason(Region::parse("1402251").unwrap_err()).contains("实为 7 位"));
        for code in [
            "100000", "160000", "240000", "380000", "470000", "550000", "660000", "720000",
            "830000", "990000",
        ] {
            let message = reason(Region::parse(code).unwrap_err());
            assert!(message.contains("不是省级代码"), "{code}: {message}");
        }
    }

    #[test]
    fn keeps_unknown_names_and_infers_their_province() {
        let guangling = Region::parse("山西省大同市广灵县").unwrap();
        assert_eq!(guangling.code(), None);
        assert_eq!(guangling.name(), "山西省大同市广灵县");
        assert_eq!(guangling.province_code(), Some("140000"));
        assert!(guangling.same_province(&Region::parse("山西").unwrap()));
        assert!(!guangling.same_province(&Region::parse("陕西").unwrap()));

        let haidian = Region::parse("北京市海淀区").unwrap();
        assert_eq!(haidian.province_code(), Some("110000"));

        // Bare short names are not trusted as prefixes.
        let hainan_prefecture = Region::parse("海南藏族自治州").unwrap();
        assert_eq!(hainan_prefecture.province_code(), None);

        let county = Region::parse("广灵县").unwrap();
        assert_eq!(county.code(), None);
        assert_eq!(county.province_code(), None);
        assert_eq!(county.to_string(), "广灵县");
        assert!(!county.same_province(&county.clone()));
    }

    #[test]
    fn serde_writes_code_or_name_and_parses_back() {
        let shanxi = Region::parse("山西").unwrap();
        assert_eq!(serde_json::to_string(&shanxi).unwrap(), "\"140000\"");
        let county = Region::parse("广灵县").unwrap();
        assert_eq!(serde_json::to_string(&county).unwrap(), "\"广灵县\"");
        for region in [
            shanxi,
            county,
            Region::parse("140200").unwrap(),
            Region::parse("山西省大同市").unwrap(),
        ] {
            let json = serde_json::to_string(&region).unwrap();
            assert_eq!(serde_json::from_str::<Region>(&json).unwrap(), region);
        }
        assert!(serde_json::from_str::<Region>("\"\"").is_err());
        assert!(serde_json::from_str::<Region>("\"990000\"").is_err());
    }
}
