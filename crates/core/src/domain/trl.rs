//! 技术就绪度 (technology readiness level), nine levels as in GB/T 22900.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::text::to_half_width;
use crate::{CoreError, t};

const FIELD: &str = "trl";

/// Stage labels alone, read as the lowest level of the stage: a submitter who
/// only names the stage has not claimed more, so matching must not assume more.
const STAGES: [(&str, u8); 9] = [
    ("实验室", 1),
    ("实验室阶段", 1),
    ("小试", 4),
    ("小试阶段", 4),
    ("中试", 6),
    ("中试阶段", 6),
    ("产业化", 8),
    ("产业化阶段", 8),
    ("量产", 8),
];

const CHINESE_NUMERALS: [char; 9] = ['一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// A technology readiness level between 1 and 9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Trl(u8);

impl Trl {
    /// Returns the level if it lies between 1 and 9.
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::Invalid`] for 0 and for levels above 9.
    pub fn new(level: u8) -> Result<Trl, CoreError> {
        if (1..=9).contains(&level) {
            Ok(Trl(level))
        } else {
            Err(CoreError::invalid(
                FIELD,
                t!("trl-out-of-range", level = level),
            ))
        }
    }

    /// Parses a level written as a number ("7"), with a TRL prefix ("TRL7",
    /// "TRL 7", "trl-7"), with 级/第 ("7级", "第7级", "第七级"), as a Chinese
    /// numeral ("七级"), or as a stage name alone ("中试", "中试阶段", "量产"),
    /// which reads as the lowest level of the stage.
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::Invalid`] listing the accepted forms when the text is
    /// none of them or the level is outside 1..=9.
    pub fn parse(input: &str) -> Result<Trl, CoreError> {
        let compact: String = to_half_width(input)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let invalid = || CoreError::invalid(FIELD, t!("trl-malformed", text = input.trim()));
        if compact.is_empty() {
            return Err(CoreError::invalid(FIELD, t!("trl-empty")));
        }
        if let Some(&(_, level)) = STAGES.iter().find(|(label, _)| *label == compact) {
            return Ok(Trl(level));
        }

        let upper = compact.to_ascii_uppercase();
        let mut rest = upper.as_str();
        if let Some(after_prefix) = rest.strip_prefix("TRL") {
            rest = after_prefix
                .strip_prefix(['-', ':', '：', '_'])
                .unwrap_or(after_prefix);
        } else if let Some(after_prefix) = rest.strip_prefix('第') {
            rest = after_prefix;
        }
        rest = rest.strip_suffix('级').unwrap_or(rest);

        let mut chars = rest.chars();
        let level = match (chars.next(), chars.next()) {
            (Some(c), None) => single_level(c),
            // Two digits or more: a number, so that "10" says "实为 10" rather
            // than "not a level".
            _ if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) => {
                let value: u32 = rest.parse().map_err(|_| invalid())?;
                return Err(CoreError::invalid(
                    FIELD,
                    t!("trl-out-of-range", level = value),
                ));
            }
            _ => None,
        };
        level.ok_or_else(invalid).and_then(Trl::new)
    }

    /// Returns the level, 1 to 9.
    pub fn get(self) -> u8 {
        self.0
    }

    /// Returns the development stage the level belongs to: 实验室 (1–3),
    /// 小试 (4–5), 中试 (6–7) or 产业化 (8–9).
    pub fn stage_label(self) -> &'static str {
        match self.0 {
            1..=3 => "实验室",
            4..=5 => "小试",
            6..=7 => "中试",
            _ => "产业化",
        }
    }

    /// Describes the level for people, e.g. "7级（中试）".
    pub fn describe(self) -> String {
        t!("trl-describe", level = self.0, stage = self.stage_label())
    }
}

fn single_level(c: char) -> Option<u8> {
    if let Some(digit) = c.to_digit(10) {
        return u8::try_from(digit).ok();
    }
    CHINESE_NUMERALS
        .iter()
        .position(|&numeral| numeral == c)
        .and_then(|index| u8::try_from(index + 1).ok())
}

impl fmt::Display for Trl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Trl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.0)
    }
}

/// Accepts a number and, for hand-written JSON, any string [`Trl::parse`] accepts.
impl<'de> Deserialize<'de> for Trl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TrlVisitor;

        impl Visitor<'_> for TrlVisitor {
            type Value = Trl;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a technology readiness level between 1 and 9")
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Trl, E> {
                let level = u8::try_from(value).unwrap_or(u8::MAX);
                Trl::new(level).map_err(E::custom)
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Trl, E> {
                let level = u8::try_from(value).unwrap_or(u8::MAX);
                Trl::new(level).map_err(E::custom)
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Trl, E> {
                Trl::parse(value).map_err(E::custom)
            }
        }

        deserializer.deserialize_any(TrlVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(input: &str) -> u8 {
        Trl::parse(input)
            .unwrap_or_else(|e| panic!("{input}: {e}"))
            .get()
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
    fn new_accepts_one_to_nine_only() {
        for value in 1..=9 {
            assert_eq!(Trl::new(value).unwrap().get(), value);
        }
        assert!(reason(Trl::new(0).unwrap_err()).contains("实为 0"));
        assert!(Trl::new(10).is_err());
        assert!(Trl::new(255).is_err());
    }

    #[test]
    fn parses_numeric_forms() {
        for input in [
            "7",
            " 7 ",
            "７",
            "TRL7",
            "TRL 7",
            "trl-7",
            "Trl:7",
            "TRL７",
            "7级",
            "7 级",
            "第7级",
            "第 7 级",
            "TRL7级",
        ] {
            assert_eq!(level(input), 7, "{input}");
        }
        assert_eq!(level("1"), 1);
        assert_eq!(level("TRL9"), 9);
    }

    #[test]
    fn parses_chinese_numerals() {
        assert_eq!(level("七级"), 7);
        assert_eq!(level("第七级"), 7);
        assert_eq!(level("一级"), 1);
        assert_eq!(level("九"), 9);
        assert_eq!(level("第三级"), 3);
    }

    #[test]
    fn parses_stage_labels_as_their_lowest_level() {
        assert_eq!(level("实验室"), 1);
        assert_eq!(level("实验室阶段"), 1);
        assert_eq!(level("小试"), 4);
        assert_eq!(level("小试阶段"), 4);
        assert_eq!(level("中试"), 6);
        assert_eq!(level(" 中试阶段 "), 6);
        assert_eq!(level("产业化"), 8);
        assert_eq!(level("产业化阶段"), 8);
        assert_eq!(level("量产"), 8);
    }

    #[test]
    fn rejects_everything_else_listing_accepted_forms() {
        for input in [
            "0",
            "TRL0",
            "10",
            "TRL 12",
            "十级",
            "第十级",
            "中",
            "TRL",
            "级",
            "7.5",
            "成熟",
            "-7",
        ] {
            let message = reason(Trl::parse(input).unwrap_err());
            assert!(message.contains("1 到 9 级"), "{input}: {message}");
            assert!(message.contains("中试"), "{input}: {message}");
        }
        assert!(reason(Trl::parse("10").unwrap_err()).contains("实为 10"));
        assert!(reason(Trl::parse("").unwrap_err()).contains("不能为空"));
    }

    #[test]
    fn stage_labels_cover_the_nine_levels() {
        let labels: Vec<&str> = (1..=9).map(|l| Trl(l).stage_label()).collect();
        assert_eq!(
            labels,
            [
                "实验室",
                "实验室",
                "实验室",
                "小试",
                "小试",
                "中试",
                "中试",
                "产业化",
                "产业化"
            ]
        );
        // Reading a stage label back gives a level in that stage.
        for value in 1..=9 {
            let trl = Trl(value);
            assert_eq!(
                Trl::parse(trl.stage_label()).unwrap().stage_label(),
                trl.stage_label()
            );
        }
    }

    #[test]
    fn displays_number_and_describes_stage() {
        let trl = Trl::parse("TRL 7").unwrap();
        assert_eq!(trl.to_string(), "7");
        assert_eq!(trl.describe(), "7级（中试）");
        assert_eq!(Trl(3).describe(), "3级（实验室）");
        assert_eq!(Trl(9).describe(), "9级（产业化）");
    }

    #[test]
    fn orders_by_level() {
        assert!(Trl(4) < Trl(6));
        let mut levels = vec![Trl(8), Trl(1), Trl(6)];
        levels.sort();
        assert_eq!(levels, [Trl(1), Trl(6), Trl(8)]);
    }

    #[test]
    fn serde_uses_a_number() {
        assert_eq!(serde_json::to_string(&Trl(6)).unwrap(), "6");
        assert_eq!(serde_json::from_str::<Trl>("6").unwrap(), Trl(6));
        assert_eq!(serde_json::from_str::<Trl>("\"TRL 6\"").unwrap(), Trl(6));
        assert!(serde_json::from_str::<Trl>("0").is_err());
        assert!(serde_json::from_str::<Trl>("10").is_err());
        assert!(serde_json::from_str::<Trl>("-1").is_err());
        assert!(serde_json::from_str::<Trl>("300").is_err());
        assert!(serde_json::from_str::<Trl>("6.5").is_err());
    }
}
