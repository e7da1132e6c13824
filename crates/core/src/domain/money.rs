//! Amounts of money as postings state them: in 万元, exactly.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::text::to_half_width;
use crate::{CoreError, t};

const YUAN_PER_WAN: i64 = 10_000;

/// Unit suffixes and how many yuan one unit is. Longer suffixes come first
/// because "万元" also ends in "元".
const UNITS: [(&str, i64, u32); 5] = [
    ("万元", YUAN_PER_WAN, 4),
    ("亿元", 100_000_000, 8),
    ("万", YUAN_PER_WAN, 4),
    ("亿", 100_000_000, 8),
    ("元", 1, 0),
];

/// An amount of money, stored exactly in yuan and shown in 万元.
///
/// Postings state budgets and prices in 万元 with up to four decimals, so a whole
/// number of yuan represents every amount exactly, where a float would not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Wan(i64);

impl Wan {
    /// Parses an amount in 万元 unless a unit says otherwise: "50", "50.5",
    /// "1,000", "50万", "50 万元", "500000元" (yuan), "0.5亿".
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::Invalid`] for empty or negative amounts, malformed
    /// numbers, fractions of a yuan and amounts too large to store.
    pub fn parse(input: &str) -> Result<Wan, CoreError> {
        parse_amount(input, "amount")
    }

    /// Parses an amount typed into `field` (see [`Wan::parse`]); errors name the field.
    ///
    /// # Errors
    ///
    /// As [`Wan::parse`].
    pub fn parse_for(field: &'static str, input: &str) -> Result<Wan, CoreError> {
        parse_amount(input, field)
    }

    /// Writes `yuan` in 万元 as [`Wan`] displays it; empty for a negative amount, which
    /// no stored amount is.
    pub fn yuan_as_wan(yuan: i64) -> String {
        Wan::from_yuan(yuan)
            .map(|w| w.to_string())
            .unwrap_or_default()
    }

    /// Returns the amount of `yuan` yuan.
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::Invalid`] for negative amounts.
    pub fn from_yuan(yuan: i64) -> Result<Wan, CoreError> {
        if yuan < 0 {
            return Err(CoreError::invalid("amount", t!("amount-negative")));
        }
        Ok(Wan(yuan))
    }

    /// Returns the amount in yuan.
    pub fn yuan(self) -> i64 {
        self.0
    }

    /// Returns the amount in 万元 as a float, for display arithmetic and search
    /// indexes; exact for every amount below 2^53 yuan.
    pub fn as_wan_f64(self) -> f64 {
        self.0 as f64 / YUAN_PER_WAN as f64
    }
}

/// Why an amount did not parse, rendered differently by each caller so that a
/// budget error can still say which end was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AmountError {
    Empty,
    Negative,
    Malformed,
    /// Fractions of a yuan, with the number of decimals allowed by the unit used.
    TooManyDecimals(u32),
    TooLarge,
}

impl AmountError {
    fn describe(self, text: &str) -> String {
        let text = text.trim();
        match self {
            AmountError::Empty => t!("amount-empty"),
            AmountError::Negative => t!("amount-negative-text", text = text),
            AmountError::Malformed => t!("amount-malformed", text = text),
            AmountError::TooManyDecimals(0) => t!("amount-yuan-fraction", text = text),
            AmountError::TooManyDecimals(4) => {
                t!("amount-too-many-decimals-wan", text = text, places = 4)
            }
            AmountError::TooManyDecimals(places) => {
                t!("amount-too-many-decimals-yi", text = text, places = places)
            }
            AmountError::TooLarge => t!("amount-too-large", text = text),
        }
    }

    fn into_core(self, field: &'static str, text: &str) -> CoreError {
        CoreError::invalid(field, self.describe(text))
    }
}

fn parse_amount(input: &str, field: &'static str) -> Result<Wan, CoreError> {
    amount_in_yuan(input)
        .map(Wan)
        .map_err(|error| error.into_core(field, input))
}

fn amount_in_yuan(input: &str) -> Result<i64, AmountError> {
    let compact: String = to_half_width(input)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if compact.is_empty() {
        return Err(AmountError::Empty);
    }
    let without_sign = compact.strip_prefix(['¥', '￥']).unwrap_or(&compact);
    if without_sign.starts_with(['-', '−']) {
        return Err(AmountError::Negative);
    }
    let (number, unit_yuan, max_decimals) = UNITS
        .iter()
        .find_map(|&(suffix, yuan, decimals)| {
            without_sign
                .strip_suffix(suffix)
                .map(|number| (number, yuan, decimals))
        })
        .unwrap_or((without_sign, YUAN_PER_WAN, 4));

    let (integer_part, fraction) = match number.split_once('.') {
        Some((integer_part, fraction)) => (integer_part, fraction),
        None => (number, ""),
    };
    let integer_digits = strip_thousands_separators(integer_part).ok_or(AmountError::Malformed)?;
    if integer_digits.is_empty()
        || !integer_digits.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || (number.contains('.') && fraction.is_empty())
    {
        return Err(AmountError::Malformed);
    }
    let fraction = fraction.trim_end_matches('0');
    let fraction_len = u32::try_from(fraction.len()).unwrap_or(u32::MAX);
    if fraction_len > max_decimals {
        return Err(AmountError::TooManyDecimals(max_decimals));
    }

    let integer: i64 = integer_digits.parse().map_err(|_| AmountError::TooLarge)?;
    let fraction_value: i64 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().map_err(|_| AmountError::TooLarge)?
    };
    // fraction_len <= max_decimals, so the scaled fraction is a whole number of yuan.
    let fraction_scale = 10_i64.pow(max_decimals - fraction_len);
    integer
        .checked_mul(unit_yuan)
        .and_then(|yuan| yuan.checked_add(fraction_value * fraction_scale))
        .ok_or(AmountError::TooLarge)
}

/// Removes thousands separators, refusing commas anywhere but between groups of
/// three digits, because "50,5" is more likely a decimal comma than 505.
fn strip_thousands_separators(integer_part: &str) -> Option<String> {
    if !integer_part.contains(',') {
        return Some(integer_part.to_owned());
    }
    let mut groups = integer_part.split(',');
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 {
        return None;
    }
    let mut digits = first.to_owned();
    for group in groups {
        if group.len() != 3 {
            return None;
        }
        digits.push_str(group);
    }
    Some(digits)
}

impl fmt::Display for Wan {
    /// Writes the amount in 万元 without trailing zeros: "50", "50.5", "0.0001".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / YUAN_PER_WAN;
        let rest = (self.0 % YUAN_PER_WAN).abs();
        if rest == 0 {
            write!(f, "{whole}")
        } else {
            let fraction = format!("{rest:04}");
            write!(f, "{whole}.{}", fraction.trim_end_matches('0'))
        }
    }
}

impl Serialize for Wan {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.as_wan_f64())
    }
}

/// Accepts a number of 万元 or any string [`Wan::parse`] accepts.
impl<'de> Deserialize<'de> for Wan {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(WanVisitor { field: "amount" })
    }
}

struct WanVisitor {
    field: &'static str,
}

impl Visitor<'_> for WanVisitor {
    type Value = Wan;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an amount in 万元, as a number or a string")
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Wan, E> {
        i64::try_from(value)
            .ok()
            .and_then(|wan| wan.checked_mul(YUAN_PER_WAN))
            .map(Wan)
            .ok_or_else(|| {
                E::custom(AmountError::TooLarge.into_core(self.field, &value.to_string()))
            })
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Wan, E> {
        match u64::try_from(value) {
            Ok(value) => self.visit_u64(value),
            Err(_) => Err(E::custom(
                AmountError::Negative.into_core(self.field, &value.to_string()),
            )),
        }
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Wan, E> {
        if !value.is_finite() {
            return Err(E::custom(
                AmountError::Malformed.into_core(self.field, &value.to_string()),
            ));
        }
        // Display of f64 is the shortest decimal that reads back as the same
        // float and never uses an exponent, so 50.5 becomes "50.5", not 50.4999….
        parse_amount(&value.to_string(), self.field).map_err(E::custom)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Wan, E> {
        parse_amount(value, self.field).map_err(E::custom)
    }
}

/// A budget as a range of 万元, either end possibly open.
///
/// A single number is read as the upper end: an enterprise that states a budget
/// of N can pay up to N, and offers below N are just as welcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "BudgetRangeRepr")]
pub struct BudgetRange {
    min: Option<Wan>,
    max: Option<Wan>,
}

/// Words that bound the budget from above when written before the amount.
const MAX_PREFIXES: [&str; 8] = ["≤", "≦", "<=", "<", "不超过", "不高于", "最多", "至多"];
/// Words that bound the budget from below when written before the amount.
const MIN_PREFIXES: [&str; 7] = ["≥", "≧", ">=", ">", "不低于", "至少", "最少"];
const MAX_SUFFIXES: [&str; 3] = ["以内", "以下", "之内"];
const MIN_SUFFIXES: [&str; 1] = ["以上"];
/// Range separators; the ASCII hyphen comes last so that dashes are preferred.
const RANGE_SEPARATORS: [&str; 7] = ["~", "至", "到", "——", "—", "–", "-"];
const UNBOUNDED: [&str; 2] = ["不限", "无限制"];

impl BudgetRange {
    /// Returns the range between `min` and `max`, either of which may be open.
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::Invalid`] when `min` is greater than `max`.
    pub fn new(min: Option<Wan>, max: Option<Wan>) -> Result<BudgetRange, CoreError> {
        match (min, max) {
            (Some(low), Some(high)) if low > high => {
                let (low, high) = (low.to_string(), high.to_string());
                let reason = t!("budget-reversed", low = low, high = high);
                Err(CoreError::invalid("budget", reason))
            }
            _ => Ok(BudgetRange { min, max }),
        }
    }

    /// Parses a budget: a range ("50-100", "50~100", "50至100", "50到100万元"),
    /// an upper bound ("≤100", "<=100", "100以内", "100以下", "不超过100"),
    /// a lower bound ("50以上", "≥50"), "不限", or a single number N, which means
    /// up to N. A unit written only after the upper end applies to both ends.
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::Invalid`] when an amount does not parse or the lower
    /// end is greater than the upper end.
    pub fn parse(input: &str) -> Result<BudgetRange, CoreError> {
        let compact: String = to_half_width(input)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if compact.is_empty() {
            return Err(CoreError::invalid("budget", t!("budget-empty")));
        }
        if UNBOUNDED.contains(&compact.as_str()) {
            return Ok(BudgetRange::default());
        }
        let amount = |text: &str| parse_budget_amount(text, input);

        if let Some(rest) = strip_any_prefix(&compact, &MAX_PREFIXES) {
            return BudgetRange::new(None, Some(amount(rest)?));
        }
        if let Some(rest) = strip_any_prefix(&compact, &MIN_PREFIXES) {
            return BudgetRange::new(Some(amount(rest)?), None);
        }
        if let Some(rest) = strip_any_suffix(&compact, &MAX_SUFFIXES) {
            return BudgetRange::new(None, Some(amount(rest)?));
        }
        if let Some(rest) = strip_any_suffix(&compact, &MIN_SUFFIXES) {
            return BudgetRange::new(Some(amount(rest)?), None);
        }
        if let Some((low, high)) = split_range(&compact) {
            let high_unit = UNITS
                .iter()
                .map(|(suffix, _, _)| *suffix)
                .find(|suffix| high.ends_with(suffix));
            let low_has_unit = UNITS.iter().any(|(suffix, _, _)| low.ends_with(suffix));
            let low = match high_unit {
                Some(unit) if !low_has_unit => amount(&format!("{low}{unit}"))?,
                _ => amount(low)?,
            };
            return BudgetRange::new(Some(low), Some(amount(high)?));
        }
        BudgetRange::new(None, Some(amount(&compact)?))
    }

    /// Returns the lower end, if any.
    pub fn min(&self) -> Option<Wan> {
        self.min
    }

    /// Returns the upper end, if any.
    pub fn max(&self) -> Option<Wan> {
        self.max
    }

    /// Tells whether `amount` lies within the range, ends included.
    pub fn contains(&self, amount: Wan) -> bool {
        self.min.is_none_or(|min| min <= amount) && self.max.is_none_or(|max| amount <= max)
    }
}

/// Keeps the specific reason (negative, too many decimals, too large) and replaces
/// the generic "not an amount" with the budget forms, which are what the person
/// needs to see when the shape of the whole budget was not understood.
fn parse_budget_amount(text: &str, input: &str) -> Result<Wan, CoreError> {
    amount_in_yuan(text).map(Wan).map_err(|error| {
        let reason = match error {
            AmountError::Empty | AmountError::Malformed => {
                t!("budget-malformed", text = input.trim())
            }
            specific => specific.describe(text),
        };
        CoreError::invalid("budget", reason)
    })
}

/// Writes a budget's ends, already in 万元, the way lists state budgets and
/// [`BudgetRange::parse`] reads them back: "50-100", "100以内", "50以上"; `None` when
/// neither end is set.
pub(crate) fn budget_list_text(min: Option<&str>, max: Option<&str>) -> Option<String> {
    match (min, max) {
        (Some(min), Some(max)) => Some(format!("{min}-{max}")),
        (None, Some(max)) => Some(format!("{max}{}", MAX_SUFFIXES[0])),
        (Some(min), None) => Some(format!("{min}{}", MIN_SUFFIXES[0])),
        (None, None) => None,
    }
}

fn strip_any_prefix<'a>(text: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes.iter().find_map(|prefix| text.strip_prefix(prefix))
}

fn strip_any_suffix<'a>(text: &'a str, suffixes: &[&str]) -> Option<&'a str> {
    suffixes.iter().find_map(|suffix| text.strip_suffix(suffix))
}

/// Splits "50-100" at the first separator that has something before it, so that
/// a leading minus sign is left for the amount parser to reject.
fn split_range(text: &str) -> Option<(&str, &str)> {
    RANGE_SEPARATORS.iter().find_map(|separator| {
        let index = text.find(separator).filter(|&index| index > 0)?;
        Some((&text[..index], &text[index + separator.len()..]))
    })
}

#[derive(Deserialize)]
#[serde(untagged)]
enum BudgetRangeRepr {
    Text(String),
    Bounds { min: Option<Wan>, max: Option<Wan> },
}

impl TryFrom<BudgetRangeRepr> for BudgetRange {
    type Error = CoreError;

    fn try_from(repr: BudgetRangeRepr) -> Result<Self, Self::Error> {
        match repr {
            BudgetRangeRepr::Text(text) => BudgetRange::parse(&text),
            BudgetRangeRepr::Bounds { min, max } => BudgetRange::new(min, max),
        }
    }
}

impl fmt::Display for BudgetRange {
    /// Writes the range in 万元: "50–100", "≥50", "≤100" or "不限".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.min, self.max) {
            (Some(min), Some(max)) => write!(f, "{min}–{max}"),
            (Some(min), None) => write!(f, "≥{min}"),
            (None, Some(max)) => write!(f, "≤{max}"),
            (None, None) => f.write_str("不限"),
        }
    }
}

/// The price asked for an achievement: an amount, or 面议 (to be negotiated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AskingPrice {
    /// A stated price.
    Amount(Wan),
    /// 面议: the price is settled in negotiation.
    Negotiable,
}

const NEGOTIABLE_WORDS: [&str; 8] = [
    "面议",
    "价格面议",
    "协商",
    "协商确定",
    "议价",
    "面谈",
    "negotiable",
    "待定",
];

impl AskingPrice {
    /// Parses "面议", "协商", "议价" (and a few synonyms, or "negotiable") as
    /// [`AskingPrice::Negotiable`], anything else as an amount like [`Wan::parse`].
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::Invalid`] when the text is neither a negotiation word
    /// nor an amount.
    pub fn parse(input: &str) -> Result<AskingPrice, CoreError> {
        let compact: String = to_half_width(input)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if NEGOTIABLE_WORDS.contains(&compact.as_str()) {
            return Ok(AskingPrice::Negotiable);
        }
        parse_amount(input, "asking_price")
            .map(AskingPrice::Amount)
            .map_err(|error| match error {
                CoreError::Invalid { reason, .. } => {
                    CoreError::invalid("asking_price", t!("asking-price-invalid", reason = reason))
                }
                other => other,
            })
    }

    /// Returns the amount, unless the price is negotiable.
    pub fn amount(self) -> Option<Wan> {
        match self {
            AskingPrice::Amount(amount) => Some(amount),
            AskingPrice::Negotiable => None,
        }
    }
}

impl fmt::Display for AskingPrice {
    /// Writes "50万元" or "面议".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AskingPrice::Amount(amount) => write!(f, "{amount}万元"),
            AskingPrice::Negotiable => f.write_str("面议"),
        }
    }
}

impl Serialize for AskingPrice {
    /// Writes a number of 万元, or the string "negotiable".
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AskingPrice::Amount(amount) => amount.serialize(serializer),
            AskingPrice::Negotiable => serializer.serialize_str("negotiable"),
        }
    }
}

/// Accepts a number of 万元 or any string [`AskingPrice::parse`] accepts.
impl<'de> Deserialize<'de> for AskingPrice {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AskingPriceVisitor;

        impl Visitor<'_> for AskingPriceVisitor {
            type Value = AskingPrice;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("an amount in 万元 or \"negotiable\"")
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<AskingPrice, E> {
                WanVisitor {
                    field: "asking_price",
                }
                .visit_u64(value)
                .map(AskingPrice::Amount)
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<AskingPrice, E> {
                WanVisitor {
                    field: "asking_price",
                }
                .visit_i64(value)
                .map(AskingPrice::Amount)
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<AskingPrice, E> {
                WanVisitor {
                    field: "asking_price",
                }
                .visit_f64(value)
                .map(AskingPrice::Amount)
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<AskingPrice, E> {
                AskingPrice::parse(value).map_err(E::custom)
            }
        }

        deserializer.deserialize_any(AskingPriceVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wan(input: &str) -> Wan {
        Wan::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"))
    }

    fn yuan(input: &str) -> i64 {
        wan(input).yuan()
    }

    fn reason(error: CoreError) -> String {
        match error {
            CoreError::Invalid { reason, .. } => reason,
            other => panic!("unexpected error {other:?}"),
        }
    }

    fn range(min: Option<&str>, max: Option<&str>) -> BudgetRange {
        BudgetRange::new(min.map(wan), max.map(wan)).unwrap()
    }

    #[test]
    fn parses_plain_numbers_as_wan() {
        assert_eq!(yuan("50"), 500_000);
        assert_eq!(yuan("50.5"), 505_000);
        assert_eq!(yuan("0.0001"), 1);
        assert_eq!(yuan("0"), 0);
        assert_eq!(yuan("12.3400"), 123_400);
        assert_eq!(yuan("1,000"), 10_000_000);
        assert_eq!(yuan("1，000"), 10_000_000);
        assert_eq!(yuan("1,234,567.5"), 12_345_675_000);
        assert_eq!(yuan("５０"), 500_000);
    }

    #[test]
    fn parses_units() {
        assert_eq!(yuan("50万"), 500_000);
        assert_eq!(yuan("50万元"), 500_000);
        assert_eq!(yuan("50 万元"), 500_000);
        assert_eq!(yuan("500000元"), 500_000);
        assert_eq!(yuan("500,000元"), 500_000);
        assert_eq!(yuan("0.5亿"), 50_000_000);
        assert_eq!(yuan("1.2亿元"), 120_000_000);
        assert_eq!(yuan("0.00000001亿"), 1);
        assert_eq!(yuan("¥50万"), 500_000);
        assert_eq!(yuan("￥500000元"), 500_000);
    }

    #[test]
    fn rejects_bad_amounts() {
        assert!(reason(Wan::parse("").unwrap_err()).contains("不能为空"));
        assert!(reason(Wan::parse("  ").unwrap_err()).contains("不能为空"));
        assert!(reason(Wan::parse("-5").unwrap_err()).contains("不能为负数"));
        assert!(reason(Wan::parse("−5万元").unwrap_err()).contains("不能为负数"));
        let message = reason(Wan::parse("0.00001").unwrap_err());
        assert!(message.contains("最多 4 位小数"), "{message}");
        assert!(reason(Wan::parse("100.5元").unwrap_err()).contains("不能有小数"));
        assert!(reason(Wan::parse("0.000000001亿").unwrap_err()).contains("最多 8 位小数"));
        for input in [
            "abc", "50美元", "5,0", "50,00", "1,0000", ",100", "1.", ".5", "1.2.3", "万元", "5e3",
        ] {
            let message = reason(Wan::parse(input).unwrap_err());
            assert!(message.contains("不是有效的金额"), "{input}: {message}");
            assert!(message.contains("50万元"), "{input}: {message}");
        }
        assert!(reason(Wan::parse("99999999999999999999").unwrap_err()).contains("太大"));
        assert!(reason(Wan::parse("9223372036854775807").unwrap_err()).contains("太大"));
    }

    #[test]
    fn trailing_zeros_do_not_count_as_decimals() {
        assert_eq!(yuan("100.50万"), 1_005_000);
        assert_eq!(yuan("100.00元"), 100);
        assert_eq!(yuan("1.500000万"), 15_000);
    }

    #[test]
    fn constructs_from_yuan() {
        assert_eq!(Wan::from_yuan(505_000).unwrap(), wan("50.5"));
        assert!(Wan::from_yuan(-1).is_err());
        assert_eq!(Wan::from_yuan(0).unwrap().yuan(), 0);
        assert_eq!(wan("50.5").as_wan_f64(), 50.5);
    }

    #[test]
    fn displays_wan_without_trailing_zeros() {
        assert_eq!(wan("50").to_string(), "50");
        assert_eq!(wan("50.5").to_string(), "50.5");
        assert_eq!(wan("50.50").to_string(), "50.5");
        assert_eq!(wan("0.0001").to_string(), "0.0001");
        assert_eq!(wan("12345元").to_string(), "1.2345");
        assert_eq!(wan("0").to_string(), "0");
        assert_eq!(wan("0.5亿").to_string(), "5000");
    }

    #[test]
    fn serde_writes_wan_and_reads_numbers_or_strings() {
        assert_eq!(serde_json::to_string(&wan("50.5")).unwrap(), "50.5");
        assert_eq!(serde_json::to_string(&wan("50")).unwrap(), "50.0");
        assert_eq!(serde_json::from_str::<Wan>("50.5").unwrap(), wan("50.5"));
        assert_eq!(serde_json::from_str::<Wan>("50").unwrap(), wan("50"));
        assert_eq!(serde_json::from_str::<Wan>("0.0001").unwrap(), wan("1元"));
        assert_eq!(
            serde_json::from_str::<Wan>("\"500000元\"").unwrap(),
            wan("50")
        );
        assert!(serde_json::from_str::<Wan>("-1").is_err());
        assert!(serde_json::from_str::<Wan>("-0.5").is_err());
        assert!(serde_json::from_str::<Wan>("0.00001").is_err());
        assert!(serde_json::from_str::<Wan>("1e300").is_err());
        assert!(serde_json::from_str::<Wan>("true").is_err());
        for text in ["0.1", "0.3", "123.4567", "99999.9999"] {
            let amount = wan(text);
            let json = serde_json::to_string(&amount).unwrap();
            assert_eq!(
                serde_json::from_str::<Wan>(&json).unwrap(),
                amount,
                "{text}"
            );
        }
    }

    #[test]
    fn parses_budget_ranges_with_every_separator() {
        let expected = range(Some("50"), Some("100"));
        for input in [
            "50-100",
            "50~100",
            "50～100",
            "50至100",
            "50到100",
            "50—100",
            "50——100",
            "50–100",
            "50 - 100",
            "50-100万",
            "50-100万元",
            "50万-100万元",
            "50万元至100万元",
            "500000-1000000元",
            "５０－１００",
        ] {
            assert_eq!(BudgetRange::parse(input).unwrap(), expected, "{input}");
        }
        assert_eq!(
            BudgetRange::parse("5000万-1亿").unwrap(),
            range(Some("5000"), Some("10000"))
        );
        assert_eq!(
            BudgetRange::parse("50.5-100.25").unwrap(),
            range(Some("50.5"), Some("100.25"))
        );
    }

    #[test]
    fn parses_budget_upper_bounds() {
        let expected = range(None, Some("100"));
        for input in [
            "≤100",
            "<=100",
            "<100",
            "100以内",
            "100以下",
            "不超过100",
            "不超过100万元",
            "100万以内",
            "最多100",
            "100",
            "100万元",
            "1,000,000元",
        ] {
            assert_eq!(BudgetRange::parse(input).unwrap(), expected, "{input}");
        }
    }

    #[test]
    fn parses_budget_lower_bounds_and_unbounded() {
        let expected = range(Some("50"), None);
        for input in [
            "50以上",
            "50万以上",
            "≥50",
            ">=50",
            ">50",
            "不低于50",
            "至少50万元",
        ] {
            assert_eq!(BudgetRange::parse(input).unwrap(), expected, "{input}");
        }
        assert_eq!(BudgetRange::parse("不限").unwrap(), BudgetRange::default());
    }

    #[test]
    fn rejects_bad_budgets() {
        let message = reason(BudgetRange::parse("100-50").unwrap_err());
        assert_eq!(message, "预算下限 100 万元大于上限 50 万元");
        assert!(reason(BudgetRange::parse("").unwrap_err()).contains("不能为空"));
        for input in [
            "abc-100",
            "50-",
            "50-abc",
            "以内",
            "≤",
            "面议",
            "50-100-200",
        ] {
            let message = reason(BudgetRange::parse(input).unwrap_err());
            assert!(message.contains("不是有效的预算"), "{input}: {message}");
            assert!(message.contains("50-100"), "{input}: {message}");
        }
        assert!(reason(BudgetRange::parse("-100").unwrap_err()).contains("不能为负数"));
        assert!(reason(BudgetRange::parse("50-100.00001").unwrap_err()).contains("最多 4 位小数"));
        assert!(BudgetRange::new(Some(wan("2")), Some(wan("1"))).is_err());
    }

    #[test]
    fn budget_contains_is_inclusive() {
        let budget = BudgetRange::parse("50-100").unwrap();
        assert!(budget.contains(wan("50")));
        assert!(budget.contains(wan("75.5")));
        assert!(budget.contains(wan("100")));
        assert!(!budget.contains(wan("49.9999")));
        assert!(!budget.contains(wan("100.0001")));
        assert!(BudgetRange::parse("100以内").unwrap().contains(wan("0")));
        assert!(BudgetRange::parse("50以上").unwrap().contains(wan("1亿")));
        assert!(!BudgetRange::parse("50以上").unwrap().contains(wan("10")));
        assert!(BudgetRange::default().contains(wan("123")));
    }

    #[test]
    fn displays_budgets() {
        assert_eq!(BudgetRange::parse("50-100").unwrap().to_string(), "50–100");
        assert_eq!(
            BudgetRange::parse("50.5至100万元").unwrap().to_string(),
            "50.5–100"
        );
        assert_eq!(BudgetRange::parse("100以内").unwrap().to_string(), "≤100");
        assert_eq!(BudgetRange::parse("50以上").unwrap().to_string(), "≥50");
        assert_eq!(BudgetRange::parse("80-80").unwrap().to_string(), "80–80");
        assert_eq!(BudgetRange::default().to_string(), "不限");
        assert_eq!(BudgetRange::parse("50-100").unwrap().min(), Some(wan("50")));
        assert_eq!(
            BudgetRange::parse("50-100").unwrap().max(),
            Some(wan("100"))
        );
    }

    #[test]
    fn budget_serde_uses_bounds_and_validates() {
        let budget = BudgetRange::parse("50-100").unwrap();
        let json = serde_json::to_string(&budget).unwrap();
        assert_eq!(json, r#"{"min":50.0,"max":100.0}"#);
        assert_eq!(serde_json::from_str::<BudgetRange>(&json).unwrap(), budget);
        assert_eq!(
            serde_json::from_str::<BudgetRange>(r#"{"min":null,"max":"100万"}"#).unwrap(),
            range(None, Some("100"))
        );
        assert_eq!(
            serde_json::from_str::<BudgetRange>(r#""50至100""#).unwrap(),
            budget
        );
        assert!(serde_json::from_str::<BudgetRange>(r#"{"min":100,"max":50}"#).is_err());
    }

    #[test]
    fn parses_asking_prices() {
        for input in [
            "面议",
            " 面议 ",
            "协商",
            "议价",
            "negotiable",
            "Negotiable",
            "价格面议",
        ] {
            assert_eq!(
                AskingPrice::parse(input).unwrap(),
                AskingPrice::Negotiable,
                "{input}"
            );
        }
        assert_eq!(
            AskingPrice::parse("50万元").unwrap(),
            AskingPrice::Amount(wan("50"))
        );
        assert_eq!(
            AskingPrice::parse("50.5").unwrap().amount(),
            Some(wan("50.5"))
        );
        assert_eq!(AskingPrice::Negotiable.amount(), None);
        let error = AskingPrice::parse("好价").unwrap_err();
        assert!(matches!(
            error,
            CoreError::Invalid {
                field: "asking_price",
                ..
            }
        ));
        assert!(reason(error).contains("面议"));
        assert!(AskingPrice::parse("-1").is_err());
    }

    #[test]
    fn displays_and_serialises_asking_prices() {
        assert_eq!(AskingPrice::Negotiable.to_string(), "面议");
        assert_eq!(AskingPrice::Amount(wan("50.5")).to_string(), "50.5万元");
        assert_eq!(
            serde_json::to_string(&AskingPrice::Negotiable).unwrap(),
            "\"negotiable\""
        );
        assert_eq!(
            serde_json::to_string(&AskingPrice::Amount(wan("50"))).unwrap(),
            "50.0"
        );
        for price in [AskingPrice::Negotiable, AskingPrice::Amount(wan("12.3456"))] {
            let json = serde_json::to_string(&price).unwrap();
            assert_eq!(serde_json::from_str::<AskingPrice>(&json).unwrap(), price);
        }
        assert_eq!(
            serde_json::from_str::<AskingPrice>("\"面议\"").unwrap(),
            AskingPrice::Negotiable
        );
        assert_eq!(
            serde_json::from_str::<AskingPrice>("30").unwrap(),
            AskingPrice::Amount(wan("30"))
        );
        assert!(serde_json::from_str::<AskingPrice>("-30").is_err());
    }
}
