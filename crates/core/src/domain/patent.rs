//! Chinese patent application numbers (专利申请号), with their check character.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::text::to_half_width;
use crate::{CoreError, t};

const FIELD: &str = "patent_no";

/// Weights of the 12-digit format in use since October 2003.
const WEIGHTS_CURRENT: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
/// Weights of the 8-digit format used before October 2003.
const WEIGHTS_OLD: [u32; 8] = [2, 3, 4, 5, 6, 7, 8, 9];

/// A run of at most this many whitespace-separated tokens is tried as one number
/// by [`PatentNo::parse_list`]; "ZL 2007 1 0308494 . X" has six.
const MAX_TOKENS_PER_NUMBER: usize = 8;

/// The kind of protection applied for, encoded by the digit after the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatentKind {
    /// 发明 (type digit 1).
    Invention,
    /// 实用新型 (type digit 2).
    UtilityModel,
    /// 外观设计 (type digit 3).
    Design,
    /// PCT 发明申请进入中国国家阶段 (type digit 8).
    PctInvention,
    /// PCT 实用新型申请进入中国国家阶段 (type digit 9).
    PctUtilityModel,
}

impl PatentKind {
    /// Returns the Chinese name of the kind, as written on certificates.
    pub fn label(self) -> &'static str {
        match self {
            PatentKind::Invention => "发明",
            PatentKind::UtilityModel => "实用新型",
            PatentKind::Design => "外观设计",
            PatentKind::PctInvention => "PCT发明",
            PatentKind::PctUtilityModel => "PCT实用新型",
        }
    }

    fn from_digit(digit: u8) -> Option<PatentKind> {
        match digit {
            b'1' => Some(PatentKind::Invention),
            b'2' => Some(PatentKind::UtilityModel),
            b'3' => Some(PatentKind::Design),
            b'8' => Some(PatentKind::PctInvention),
            b'9' => Some(PatentKind::PctUtilityModel),
            _ => None,
        }
    }
}

impl fmt::Display for PatentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A patent application number whose check character is right.
///
/// Kept in the canonical form `200710308494.X` (digits, a dot, the check
/// character), the form the national intellectual property administration prints
/// without the `ZL`/`CN` prefix, so that equal numbers compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PatentNo {
    canonical: String,
    kind: PatentKind,
    year: u16,
}

impl PatentNo {
    /// Parses one application number in the current 12-digit or the pre-2003
    /// 8-digit format.
    ///
    /// Accepts a `CN` or `ZL` prefix in any case, spaces anywhere, an optional dot
    /// before the check character and full-width characters.
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::Invalid`] when the length, the year, the type digit or
    /// the check character is wrong, or when a character is not a digit.
    pub fn parse(input: &str) -> Result<PatentNo, CoreError> {
        let compact: String = to_half_width(input)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let without_prefix = compact
            .strip_prefix("ZL")
            .or_else(|| compact.strip_prefix("CN"))
            .unwrap_or(&compact);
        if without_prefix.is_empty() {
            return Err(CoreError::invalid(FIELD, t!("patent-empty")));
        }

        let last = without_prefix.chars().count() - 1;
        if let Some((_, c)) = without_prefix
            .chars()
            .enumerate()
            .find(|&(index, c)| !(c.is_ascii_digit() || c == '.' || (c == 'X' && index == last)))
        {
            return Err(CoreError::invalid(
                FIELD,
                t!("patent-bad-character", character = c.to_string()),
            ));
        }
        if matches!(without_prefix.len(), 8 | 12)
            && without_prefix.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(CoreError::invalid(FIELD, t!("patent-missing-check")));
        }
        let (number, check) = split_check(without_prefix)?;
        let digits = number.as_bytes();
        let (year, type_digit, weights): (u16, u8, &[u32]) = match digits.len() {
            12 => (parse_year_current(digits)?, digits[4], &WEIGHTS_CURRENT),
            8 => (parse_year_old(digits)?, digits[2], &WEIGHTS_OLD),
            other => {
                return Err(CoreError::invalid(
                    FIELD,
                    t!("patent-wrong-length", count = other),
                ));
            }
        };
        let kind = PatentKind::from_digit(type_digit).ok_or_else(|| {
            CoreError::invalid(
                FIELD,
                t!("patent-bad-type", digit = (type_digit as char).to_string()),
            )
        })?;
        let expected = check_char(digits, weights);
        if check != expected {
            let (expected, actual) = (expected.to_string(), check.to_string());
            let reason = t!("patent-bad-check", expected = expected, actual = actual);
            return Err(CoreError::invalid(FIELD, reason));
        }
        Ok(PatentNo {
            canonical: format!("{number}.{check}"),
            kind,
            year,
        })
    }

    /// Parses a list of application numbers separated by commas, semicolons, 顿号,
    /// whitespace or line breaks, dropping repeated numbers and keeping the order.
    ///
    /// Because a single number may itself contain spaces ("ZL 2007 1 0308494.X"),
    /// whitespace-separated tokens are grouped into the longest run that forms a
    /// valid number.
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::Invalid`] naming the position and the text of the first
    /// item that is not a valid number.
    pub fn parse_list(input: &str) -> Result<Vec<PatentNo>, CoreError> {
        let normalised = to_half_width(input);
        let mut numbers: Vec<PatentNo> = Vec::new();
        let mut item_count = 0;
        for piece in normalised.split([',', ';', '、', '\n', '\r']) {
            let tokens: Vec<&str> = piece.split_whitespace().collect();
            let mut start = 0;
            while start < tokens.len() {
                item_count += 1;
                let (number, used) = parse_run(&tokens[start..]).map_err(|(text, error)| {
                    let why = match error {
                        CoreError::Invalid { reason, .. } => reason,
                        other => other.to_string(),
                    };
                    let n = item_count;
                    let reason = t!("patent-list-item", position = n, text = text, reason = why);
                    CoreError::invalid(FIELD, reason)
                })?;
                if !numbers.contains(&number) {
                    numbers.push(number);
                }
                start += used;
            }
        }
        Ok(numbers)
    }

    /// Returns the canonical form, e.g. `200710308494.X`.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// Returns the kind of protection applied for.
    pub fn kind(&self) -> PatentKind {
        self.kind
    }

    /// Returns the year of application (four digits, also for the old format).
    pub fn year(&self) -> u16 {
        self.year
    }
}

/// Splits off the check character, with or without a dot before it.
fn split_check(text: &str) -> Result<(&str, char), CoreError> {
    let Some(check) = text.chars().next_back() else {
        return Err(CoreError::invalid(FIELD, t!("patent-empty")));
    };
    if check == '.' {
        return Err(CoreError::invalid(FIELD, t!("patent-dot-without-check")));
    }
    let number = &text[..text.len() - check.len_utf8()];
    let number = number.strip_suffix('.').unwrap_or(number);
    if number.contains('.') {
        return Err(CoreError::invalid(FIELD, t!("patent-misplaced-dot")));
    }
    Ok((number, check))
}

fn parse_year_current(digits: &[u8]) -> Result<u16, CoreError> {
    let year = digits[..4]
        .iter()
        .fold(0u16, |year, &d| year * 10 + u16::from(d - b'0'));
    if year < 2003 {
        return Err(CoreError::invalid(
            FIELD,
            t!("patent-year-too-early", year = year),
        ));
    }
    Ok(year)
}

/// Expands the two-digit year of the old format; the patent law took effect in
/// 1985 and the format was retired in 2003, which leaves no ambiguity.
fn parse_year_old(digits: &[u8]) -> Result<u16, CoreError> {
    let short = u16::from(digits[0] - b'0') * 10 + u16::from(digits[1] - b'0');
    match short {
        85..=99 => Ok(1900 + short),
        0..=3 => Ok(2000 + short),
        _ => Err(CoreError::invalid(
            FIELD,
            t!("patent-old-year-out-of-range", year = format!("{short:02}")),
        )),
    }
}

fn check_char(digits: &[u8], weights: &[u32]) -> char {
    let sum: u32 = digits
        .iter()
        .zip(weights)
        .map(|(&d, &w)| u32::from(d - b'0') * w)
        .sum();
    match sum % 11 {
        10 => 'X',
        remainder => char::from_digit(remainder, 10).unwrap_or('X'),
    }
}

/// Parses the longest run of tokens that forms one number, returning it and the
/// number of tokens used; on failure returns the text to blame and the error.
fn parse_run(tokens: &[&str]) -> Result<(PatentNo, usize), (String, CoreError)> {
    let longest = tokens.len().min(MAX_TOKENS_PER_NUMBER);
    for used in (1..=longest).rev() {
        if let Ok(number) = PatentNo::parse(&tokens[..used].concat()) {
            return Ok((number, used));
        }
    }
    // Blame the longest run shaped like a number (so a bad check character is
    // reported as such), else the first token with a digit in it, so that a bare
    // "ZL" prefix is reported together with what follows.
    let blamed = (1..=longest)
        .rev()
        .find(|&used| looks_like_number(&tokens[..used].concat()))
        .or_else(|| {
            tokens[..longest]
                .iter()
                .position(|t| t.chars().any(|c| c.is_ascii_digit()))
                .map(|index| index + 1)
        })
        .unwrap_or(1);
    let text = tokens[..blamed].join(" ");
    match PatentNo::parse(&text) {
        Err(error) => Err((text, error)),
        Ok(_) => Err((
            text,
            CoreError::Internal("a run that parsed was not found by the search".into()),
        )),
    }
}

fn looks_like_number(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    let body = upper
        .strip_prefix("ZL")
        .or_else(|| upper.strip_prefix("CN"))
        .unwrap_or(&upper);
    let significant = body.chars().filter(|&c| c != '.').count();
    (significant == 13 || significant == 9)
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == 'X')
}

impl fmt::Display for PatentNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

impl Serialize for PatentNo {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.canonical)
    }
}

impl<'de> Deserialize<'de> for PatentNo {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        PatentNo::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn parses_current_format_with_prefixes() {
        let number = PatentNo::parse("ZL200710308494.X").unwrap();
        assert_eq!(number.as_str(), "200710308494.X");
        assert_eq!(number.to_string(), "200710308494.X");
        assert_eq!(number.kind(), PatentKind::Invention);
        assert_eq!(number.year(), 2007);

        let number = PatentNo::parse("CN202110156093.7").unwrap();
        assert_eq!(number.as_str(), "202110156093.7");
        assert_eq!(number.year(), 2021);
        assert_eq!(number.kind().label(), "发明");
    }

    #[test]
    fn accepts_spaces_missing_dot_case_and_full_width() {
        let expected = PatentNo::parse("200710308494.X").unwrap();
        for input in [
            "ZL 2007 1 0308494.X",
            "200710308494X",
            "200710308494x",
            "zl200710308494.x",
            "Cn 200710308494 . X",
            " ＺＬ２００７１０３０８４９４．Ｘ ",
        ] {
            assert_eq!(PatentNo::parse(input).unwrap(), expected, "{input}");
        }
    }

    #[test]
    fn recognises_every_kind() {
        let cases = [
            ("202220123456.7", PatentKind::UtilityModel, "实用新型", 2022),
            ("201930567890.8", PatentKind::Design, "外观设计", 2019),
            ("201880012345.5", PatentKind::PctInvention, "PCT发明", 2018),
            (
                "201990012345.5",
                PatentKind::PctUtilityModel,
                "PCT实用新型",
                2019,
            ),
        ];
        for (input, kind, label, year) in cases {
            let number = PatentNo::parse(input).unwrap();
            assert_eq!(number.kind(), kind);
            assert_eq!(number.kind().label(), label);
            assert_eq!(number.kind().to_string(), label);
            assert_eq!(number.year(), year);
        }
    }

    #[test]
    fn parses_old_format() {
        let number = PatentNo::parse("ZL93100001.7").unwrap();
        assert_eq!(number.as_str(), "93100001.7");
        assert_eq!(number.year(), 1993);
        assert_eq!(number.kind(), PatentKind::Invention);
        assert_eq!(PatentNo::parse("88100001.9").unwrap().year(), 1988);
        assert_eq!(PatentNo::parse("021000018").unwrap().year(), 2002);
        assert_eq!(PatentNo::parse("03100001.0").unwrap().year(), 2003);
        let message = reason(PatentNo::parse("50100001.2").unwrap_err());
        assert!(message.contains("85 到 03"), "{message}");
    }

    #[test]
    fn rejects_wrong_check_character() {
        assert_eq!(
            reason(PatentNo::parse("ZL200710308494.1").unwrap_err()),
            "校验位应为 X，实为 1"
        );
        assert_eq!(
            reason(PatentNo::parse("CN202110156093.X").unwrap_err()),
            "校验位应为 7，实为 X"
        );
        assert!(PatentNo::parse("93100001.8").is_err());
    }

    #[test]
    fn rejects_wrong_type_digit() {
        // Check characters recomputed so that only the type digit is wrong.
        for input in ["200750308494", "200740308494", "200760308494"] {
            let digits = input.as_bytes();
            let with_check = format!("{input}.{}", check_char(digits, &WEIGHTS_CURRENT));
            let message = reason(PatentNo::parse(&with_check).unwrap_err());
            assert!(message.contains("类型位"), "{message}");
            assert!(message.contains("2（实用新型）"), "{message}");
        }
    }

    #[test]
    fn rejects_wrong_length_letters_and_years() {
        let message = reason(PatentNo::parse("20071030849.4").unwrap_err());
        assert!(message.contains("11 位数字"), "{message}");
        assert!(reason(PatentNo::parse("2007103084941.X").unwrap_err()).contains("13 位数字"));
        assert!(
            reason(PatentNo::parse("200710308494").unwrap_err()).contains("缺少最后一位校验位")
        );
        assert!(reason(PatentNo::parse("93100001").unwrap_err()).contains("缺少最后一位校验位"));
        assert!(
            reason(PatentNo::parse("200710308494.").unwrap_err()).contains("小数点后缺少校验位")
        );
        let message = reason(PatentNo::parse("2007A0308494.X").unwrap_err());
        assert!(message.starts_with("含有“A”"), "{message}");
        assert!(reason(PatentNo::parse("200710308494.Y").unwrap_err()).contains("“Y”"));
        assert!(reason(PatentNo::parse("2007X0308494.1").unwrap_err()).contains("“X”"));
        assert!(reason(PatentNo::parse("US200710308494.X").unwrap_err()).contains("“U”"));
        assert!(reason(PatentNo::parse("2007.10308494.X").unwrap_err()).contains("小数点"));
        assert!(reason(PatentNo::parse("ZL").unwrap_err()).contains("不能为空"));
        assert!(reason(PatentNo::parse("").unwrap_err()).contains("不能为空"));
        let message = reason(PatentNo::parse("199810012345.4").unwrap_err());
        assert!(message.contains("2003"), "{message}");
    }

    #[test]
    fn parses_lists_with_every_separator() {
        let list = PatentNo::parse_list(
            "ZL200710308494.X，CN202110156093.7;202220123456.7；201930567890.8、\
             201880012345.5\n201990012345.5 93100001.7,ZL 2007 1 0308494.X",
        )
        .unwrap();
        let canonical: Vec<&str> = list.iter().map(PatentNo::as_str).collect();
        assert_eq!(
            canonical,
            [
                "200710308494.X",
                "202110156093.7",
                "202220123456.7",
                "201930567890.8",
                "201880012345.5",
                "201990012345.5",
                "93100001.7",
            ]
        );
        assert!(PatentNo::parse_list("  \n ， ").unwrap().is_empty());
    }

    #[test]
    fn groups_spaced_numbers_within_whitespace_separated_lists() {
        let list = PatentNo::parse_list("ZL 2007 1 0308494.X ZL 2021 1 0156093.7").unwrap();
        let canonical: Vec<&str> = list.iter().map(PatentNo::as_str).collect();
        assert_eq!(canonical, ["200710308494.X", "202110156093.7"]);
    }

    #[test]
    fn list_errors_name_the_failing_item() {
        let message =
            reason(PatentNo::parse_list("ZL200710308494.X，CN202110156093.1").unwrap_err());
        assert_eq!(message, "第 2 项“CN202110156093.1”：校验位应为 7，实为 1");

        let message =
            reason(PatentNo::parse_list("200710308494.X ZL 2021 1 0156093.1").unwrap_err());
        assert_eq!(
            message,
            "第 2 项“ZL 2021 1 0156093.1”：校验位应为 7，实为 1"
        );

        let message = reason(PatentNo::parse_list("200710308494.X、见附件").unwrap_err());
        assert!(
            message.starts_with("第 2 项“见附件”：含有“见”"),
            "{message}"
        );
    }

    #[test]
    fn serde_round_trips_as_canonical_string() {
        let number = PatentNo::parse("ZL200710308494X").unwrap();
        let json = serde_json::to_string(&number).unwrap();
        assert_eq!(json, "\"200710308494.X\"");
        assert_eq!(serde_json::from_str::<PatentNo>(&json).unwrap(), number);
        assert_eq!(
            serde_json::from_str::<PatentNo>("\"ZL 2007 1 0308494.X\"").unwrap(),
            number
        );
        assert!(serde_json::from_str::<PatentNo>("\"200710308494.1\"").is_err());
        assert_eq!(
            serde_json::to_string(&PatentKind::PctInvention).unwrap(),
            "\"pct_invention\""
        );
    }
}
