//! 统一社会信用代码 (unified social credit code), GB 32100-2015.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::text::to_half_width;
use crate::{CoreError, t};

const FIELD: &str = "uscc";
const LEN: usize = 18;

/// The code alphabet: digits and upper-case letters without I, O, S, V and Z,
/// which are too easily confused with digits; a character's value is its index.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights 3^(i-1) mod 31 for positions 1..=17.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Weights of the GB 11714 organisation code body (positions 9..=16 of the USCC).
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// A 统一社会信用代码 whose length and alphabet are valid.
///
/// A value built by [`Uscc::parse`] also has both check characters right; one built
/// by [`Uscc::parse_lenient`] may not, because registries contain codes that the
/// issuing bureau accepted despite a failing check.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

impl Uscc {
    /// Parses a code, requiring both the 18th check character and the organisation
    /// code check character (17th) to be right.
    ///
    /// Surrounding whitespace is ignored, letters are upper-cased and full-width
    /// digits and letters are accepted.
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::Invalid`] when the length, an alphabet character or a
    /// check character is wrong.
    pub fn parse(input: &str) -> Result<Uscc, CoreError> {
        let (uscc, check_failure) = Uscc::parse_lenient(input)?;
        match check_failure {
            Some(reason) => Err(CoreError::invalid(FIELD, reason)),
            None => Ok(uscc),
        }
    }

    /// Parses a code requiring only the right length and alphabet, and returns a
    /// description of the failing check characters, if any, instead of an error.
    ///
    /// Used when the bureau has explicitly accepted a code, so that it can be
    /// stored while the discrepancy is still shown to a person.
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::Invalid`] when the length or an alphabet character is wrong.
    pub fn parse_lenient(input: &str) -> Result<(Uscc, Option<String>), CoreError> {
        let normalised = to_half_width(input).trim().to_ascii_uppercase();
        if normalised.is_empty() {
            return Err(CoreError::invalid(FIELD, t!("uscc-empty")));
        }
        let char_count = normalised.chars().count();
        if char_count != LEN {
            return Err(CoreError::invalid(
                FIELD,
                t!("uscc-length", count = char_count),
            ));
        }
        let mut values = [0u32; LEN];
        for (index, c) in normalised.chars().enumerate() {
            values[index] = alphabet_value(c).ok_or_else(|| {
                let (n, ch) = (index + 1, c.to_string());
                let reason = t!("uscc-bad-character", position = n, character = ch);
                CoreError::invalid(FIELD, reason)
            })?;
        }

        let bytes = normalised.as_bytes();
        // Both characters are in the alphabet, which is ASCII.
        let pair = |expected: u8, actual: u8| {
            (
                char::from(expected).to_string(),
                char::from(actual).to_string(),
            )
        };
        let expected_org_check = org_check_char(&bytes[8..16]);
        let org_failure = (bytes[16] != expected_org_check).then(|| {
            let (expected, actual) = pair(expected_org_check, bytes[16]);
            t!("uscc-org-check-wrong", expected = expected, actual = actual)
        });
        let expected_check = check_char(&values);
        let check_failure = (bytes[17] != expected_check).then(|| {
            let (expected, actual) = pair(expected_check, bytes[17]);
            t!("uscc-check-wrong", expected = expected, actual = actual)
        });
        let failure = match (org_failure, check_failure) {
            (Some(org), Some(check)) => {
                Some(t!("uscc-both-checks-wrong", org_check = org, check = check))
            }
            (org, check) => org.or(check),
        };
        Ok((Uscc(normalised), failure))
    }

    /// Returns the 18 characters, upper-case ASCII.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns the embedded GB 11714 organisation code (characters 9..=17),
    /// which older documents quote instead of the USCC.
    pub fn organisation_code(&self) -> &str {
        &self.0[8..17]
    }

    /// Returns the registration administrative-division code (characters 3..=8).
    pub fn region_code(&self) -> &str {
        &self.0[2..8]
    }
}

fn alphabet_value(c: char) -> Option<u32> {
    let byte = u8::try_from(c).ok()?;
    ALPHABET
        .iter()
        .position(|&a| a == byte)
        .and_then(|index| u32::try_from(index).ok())
}

/// Computes the 18th character; `values` holds the alphabet values of all 18
/// characters, of which the first 17 are used.
fn check_char(values: &[u32; LEN]) -> u8 {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    ALPHABET[((31 - sum % 31) % 31) as usize]
}

/// Computes the GB 11714 check character of an 8-character organisation code body.
/// Letters count 10..=35 as in GB 11714 (A = 10), not as in the USCC alphabet.
fn org_check_char(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .zip(ORG_WEIGHTS)
        .map(|(&b, w)| {
            let value = if b.is_ascii_digit() {
                u32::from(b - b'0')
            } else {
                u32::from(b - b'A') + 10
            };
            value * w
        })
        .sum();
    match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        digit => b'0' + digit as u8,
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Uscc {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Uscc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Uscc::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes of well-known companies, as printed on their business licences.
    const REAL_CODES: [&str; 5] = [
        "91350100M000100Y43",
        "914403001922038216", // 华为技术有限公司
        "9144030071526726XG", // 深圳市腾讯计算机系统有限公司: organisation check X
        "91330100716105852F", // 阿里巴巴（中国）有限公司
        "91110108551385082Q", // 北京小米科技有限责任公司
    ];

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
    fn accepts_real_codes() {
        for code in REAL_CODES {
            let uscc = Uscc::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(uscc.as_str(), code);
            let (lenient, failure) = Uscc::parse_lenient(code).unwrap();
            assert_eq!(lenient, uscc);
            assert_eq!(failure, None);
        }
    }

    #[test]
    fn exposes_parts() {
        let uscc = Uscc::parse("91350100M000100Y43").unwrap();
        assert_eq!(uscc.region_code(), "350100");
        assert_eq!(uscc.organisation_code(), "M000100Y4");
        assert_eq!(uscc.to_string(), "91350100M000100Y43");
        let tencent = Uscc::parse("9144030071526726XG").unwrap();
        assert_eq!(tencent.organisation_code(), "71526726X");
        assert_eq!(tencent.region_code(), "440300");
    }

    #[test]
    fn normalises_case_whitespace_and_full_width() {
        let expected = Uscc::parse("91350100M000100Y43").unwrap();
        assert_eq!(Uscc::parse("  91350100m000100y43\n").unwrap(), expected);
        assert_eq!(
            Uscc::parse("９１３５０１００Ｍ０００１００Ｙ４３").unwrap(),
            expected
        );
        assert_eq!(
            Uscc::parse("\u{3000}9144030071526726xg").unwrap().as_str(),
            "9144030071526726XG"
        );
    }

    #[test]
    fn rejects_wrong_length() {
        assert!(reason(Uscc::parse("91350100M000100Y4").unwrap_err()).contains("实为 17 位"));
        assert!(reason(Uscc::parse("91350100M000100Y433").unwrap_err()).contains("实为 19 位"));
        assert!(reason(Uscc::parse("   ").unwrap_err()).contains("不能为空"));
        assert!(Uscc::parse_lenient("9135").is_err());
    }

    #[test]
    fn rejects_forbidden_letters() {
        for letter in ['I', 'O', 'S', 'V', 'Z'] {
            let code = format!("91350100M000100{letter}43");
            let message = reason(Uscc::parse(&code).unwrap_err());
            assert!(
                message.contains(&format!("第 16 位“{letter}”")),
                "{message}"
            );
            assert!(message.contains("I、O、S、V、Z"), "{message}");
            assert!(Uscc::parse_lenient(&code).is_err());
        }
        assert!(reason(Uscc::parse("91350100M000100-43").unwrap_err()).contains("第 16 位“-”"));
        assert!(Uscc::parse("91350100M000100中43").is_err());
    }

    #[test]
    fn rejects_wrong_check_char() {
        let message = reason(Uscc::parse("91350100M000100Y44").unwrap_err());
        assert_eq!(message, "校验码（第 18 位）应为 3，实为 4");
        assert!(Uscc::parse("914403001922038217").is_err());
        assert!(Uscc::parse("9144030071526726XH").is_err());
    }

    #[test]
    fn rejects_wrong_organisation_check_with_right_final_check() {
        // 18th characters recomputed so that only the organisation code check fails.
        let message = reason(Uscc::parse("914403001922038229").unwrap_err());
        assert_eq!(message, "组织机构代码校验码（第 17 位）应为 1，实为 2");
        let message = reason(Uscc::parse("91350100M000100Y56").unwrap_err());
        assert_eq!(message, "组织机构代码校验码（第 17 位）应为 4，实为 5");
        // Y is in the USCC alphabet but never a GB 11714 check character.
        let message = reason(Uscc::parse("9144030071526726YK").unwrap_err());
        assert_eq!(message, "组织机构代码校验码（第 17 位）应为 X，实为 Y");
    }

    #[test]
    fn organisation_check_maps_eleven_to_zero() {
        assert_eq!(org_check_char(b"00000000"), b'0');
        assert_eq!(org_check_char(b"71526726"), b'X');
    }

    #[test]
    fn lenient_parse_reports_check_failures() {
        let (uscc, failure) = Uscc::parse_lenient("91350100M000100Y44").unwrap();
        assert_eq!(uscc.as_str(), "91350100M000100Y44");
        assert_eq!(failure.as_deref(), Some("校验码（第 18 位）应为 3，实为 4"));

        let (_, failure) = Uscc::parse_lenient("914403001922038229").unwrap();
        assert_eq!(
            failure.as_deref(),
            Some("组织机构代码校验码（第 17 位）应为 1，实为 2")
        );

        let (_, failure) = Uscc::parse_lenient("91350100M000100Y0N").unwrap();
        assert_eq!(
            failure.as_deref(),
            Some("组织机构代码校验码（第 17 位）应为 4，实为 0")
        );

        let (_, failure) = Uscc::parse_lenient("91350100M000100Y00").unwrap();
        assert_eq!(
            failure.as_deref(),
            Some("组织机构代码校验码（第 17 位）应为 4，实为 0；校验码（第 18 位）应为 N，实为 0")
        );
    }

    #[test]
    fn serde_round_trips_as_string_and_deserialises_strictly() {
        let uscc = Uscc::parse("914403001922038216").unwrap();
        let json = serde_json::to_string(&uscc).unwrap();
        assert_eq!(json, "\"914403001922038216\"");
        assert_eq!(serde_json::from_str::<Uscc>(&json).unwrap(), uscc);
        assert_eq!(
            serde_json::from_str::<Uscc>("\"914403001922038216 \"").unwrap(),
            uscc
        );
        assert!(serde_json::from_str::<Uscc>("\"91350100M000100Y44\"").is_err());
        assert!(serde_json::from_str::<Uscc>("914403001922038216").is_err());
    }
}
