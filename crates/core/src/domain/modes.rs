//! How technology changes hands: the cooperation modes a need accepts and the
//! transfer modes an achievement offers, and which of them fit together.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::text::lookup_key;
use crate::{CoreError, t};

/// Characters separating the items of a mode list; '/' is among them, which is
/// why the label "技术服务/咨询" is taken out before splitting.
const LIST_SEPARATORS: [char; 7] = [',', ';', '、', '/', '|', '\\', '\n'];

/// A cooperation mode a technology need accepts (需求方接受的合作方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CoopMode {
    /// 技术转让: the ownership of the technology is bought.
    Transfer,
    /// 技术许可: the right to use the technology is licensed.
    License,
    /// 合作开发: both sides develop the technology together.
    JointDevelopment,
    /// 委托开发: the need's owner pays the other side to develop it.
    CommissionedDevelopment,
    /// 作价投资: the technology is contributed as capital.
    EquityInvestment,
    /// 技术服务/咨询: services or advice without a transfer of rights.
    Service,
}

/// A transfer mode an achievement offers (成果方提供的转化方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TransferMode {
    /// 转让: the ownership is sold.
    Transfer,
    /// 许可: the right to use is licensed (ordinary, sole or exclusive).
    License,
    /// 作价投资: the technology is contributed as capital.
    EquityInvestment,
    /// 合作实施: the owner works with the partner to put it into practice.
    JointImplementation,
    /// 其他: anything else agreed between the parties.
    Other,
}

impl CoopMode {
    /// Every mode, in the order forms list them.
    pub const ALL: [CoopMode; 6] = [
        CoopMode::Transfer,
        CoopMode::License,
        CoopMode::JointDevelopment,
        CoopMode::CommissionedDevelopment,
        CoopMode::EquityInvestment,
        CoopMode::Service,
    ];

    /// Returns the Chinese label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            CoopMode::Transfer => "技术转让",
            CoopMode::License => "技术许可",
            CoopMode::JointDevelopment => "合作开发",
            CoopMode::CommissionedDevelopment => "委托开发",
            CoopMode::EquityInvestment => "作价投资",
            CoopMode::Service => "技术服务/咨询",
        }
    }

    /// Returns the stable English snake_case code used in storage and JSON.
    pub fn code(self) -> &'static str {
        match self {
            CoopMode::Transfer => "transfer",
            CoopMode::License => "license",
            CoopMode::JointDevelopment => "joint_development",
            CoopMode::CommissionedDevelopment => "commissioned_development",
            CoopMode::EquityInvestment => "equity_investment",
            CoopMode::Service => "service",
        }
    }

    /// Parses one mode from its label, its code or a common short form
    /// ("转让", "许可", "技术服务", "咨询", ...).
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::Invalid`] listing the accepted labels when nothing matches.
    pub fn parse(input: &str) -> Result<CoopMode, CoreError> {
        let key = lookup_key(input);
        let mode = match key.as_str() {
            "技术转让" | "转让" | "transfer" => CoopMode::Transfer,
            "技术许可" | "许可" | "license" | "licence" => CoopMode::License,
            "合作开发" | "合作" | "联合开发" | "joint_development" => {
                CoopMode::JointDevelopment
            }
            "委托开发" | "委托" | "commissioned_development" => {
                CoopMode::CommissionedDevelopment
            }
            "作价投资" | "作价入股" | "技术入股" | "入股" | "equity_investment" => {
                CoopMode::EquityInvestment
            }
            "技术服务/咨询"
            | "技术服务"
            | "技术咨询"
            | "服务"
            | "咨询"
            | "技术服务与咨询"
            | "service" => CoopMode::Service,
            _ => {
                let input = input.trim();
                let choices = Self::ALL.map(Self::label).join(&t!("list-separator"));
                let reason = if input.is_empty() {
                    t!("coop-mode-empty", choices = choices)
                } else {
                    t!("coop-mode-unknown", text = input, choices = choices)
                };
                return Err(CoreError::invalid("coop_mode", reason));
            }
        };
        Ok(mode)
    }

    /// Parses a list of modes separated by commas, semicolons, 顿号, slashes,
    /// vertical bars or whitespace, dropping repeats and keeping the order.
    /// Blank input gives an empty list; whether one is required is the caller's rule.
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::Invalid`] for the first item that is not a mode.
    pub fn parse_set(input: &str) -> Result<Vec<CoopMode>, CoreError> {
        // The label contains the '/' separator, so it is replaced by the code
        // before splitting; the full-width slash is folded first by lookup_key.
        let folded = lookup_key(input).replace("技术服务/咨询", " service ");
        parse_items(&folded, CoopMode::parse)
    }

    /// Returns the bit of this mode in [`CoopMode::mask`].
    pub fn bit(self) -> u64 {
        1 << (self as u32)
    }

    /// Packs a set of modes into a bitmask, for the search index's fast fields.
    pub fn mask(set: &[CoopMode]) -> u64 {
        set.iter().fold(0, |mask, mode| mask | mode.bit())
    }

    /// Unpacks a bitmask made by [`CoopMode::mask`], ignoring unknown bits.
    pub fn from_mask(mask: u64) -> Vec<CoopMode> {
        Self::ALL
            .into_iter()
            .filter(|mode| mask & mode.bit() != 0)
            .collect()
    }

    /// Returns the mask of the transfer modes compatible with this mode.
    fn compatible_offer_mask(self) -> u64 {
        TransferMode::ALL
            .into_iter()
            .filter(|&offer| compatible(self, offer))
            .fold(0, |mask, offer| mask | offer.bit())
    }
}

impl TransferMode {
    /// Every mode, in the order forms list them.
    pub const ALL: [TransferMode; 5] = [
        TransferMode::Transfer,
        TransferMode::License,
        TransferMode::EquityInvestment,
        TransferMode::JointImplementation,
        TransferMode::Other,
    ];

    /// Returns the Chinese label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            TransferMode::Transfer => "转让",
            TransferMode::License => "许可",
            TransferMode::EquityInvestment => "作价投资",
            TransferMode::JointImplementation => "合作实施",
            TransferMode::Other => "其他",
        }
    }

    /// Returns the stable English snake_case code used in storage and JSON.
    pub fn code(self) -> &'static str {
        match self {
            TransferMode::Transfer => "transfer",
            TransferMode::License => "license",
            TransferMode::EquityInvestment => "equity_investment",
            TransferMode::JointImplementation => "joint_implementation",
            TransferMode::Other => "other",
        }
    }

    /// Parses one mode from its label, its code or a common synonym: "技术转让",
    /// "普通许可"/"独占许可"/"排他许可" (all 许可), "入股" (作价投资),
    /// "合作"/"合作开发" (合作实施).
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::Invalid`] listing the accepted labels when nothing matches.
    pub fn parse(input: &str) -> Result<TransferMode, CoreError> {
        let key = lookup_key(input);
        let mode = match key.as_str() {
            "转让" | "技术转让" | "专利转让" | "transfer" => TransferMode::Transfer,
            "许可" | "技术许可" | "专利许可" | "普通许可" | "独占许可" | "排他许可" | "license"
            | "licence" => TransferMode::License,
            "作价投资" | "作价入股" | "技术入股" | "入股" | "equity_investment" => {
                TransferMode::EquityInvestment
            }
            "合作实施" | "合作" | "合作开发" | "joint_implementation" => {
                TransferMode::JointImplementation
            }
            "其他" | "其它" | "other" => TransferMode::Other,
            _ => {
                let input = input.trim();
                let choices = Self::ALL.map(Self::label).join(&t!("list-separator"));
                let reason = if input.is_empty() {
                    t!("transfer-mode-empty", choices = choices)
                } else {
                    t!("transfer-mode-unknown", text = input, choices = choices)
                };
                return Err(CoreError::invalid("transfer_mode", reason));
            }
        };
        Ok(mode)
    }

    /// Parses a list of modes separated by commas, semicolons, 顿号, slashes,
    /// vertical bars or whitespace, dropping repeats and keeping the order.
    /// Blank input gives an empty list; whether one is required is the caller's rule.
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::Invalid`] for the first item that is not a mode.
    pub fn parse_set(input: &str) -> Result<Vec<TransferMode>, CoreError> {
        parse_items(&lookup_key(input), TransferMode::parse)
    }

    /// Returns the bit of this mode in [`TransferMode::mask`].
    pub fn bit(self) -> u64 {
        1 << (self as u32)
    }

    /// Packs a set of modes into a bitmask, for the search index's fast fields.
    pub fn mask(set: &[TransferMode]) -> u64 {
        set.iter().fold(0, |mask, mode| mask | mode.bit())
    }

    /// Unpacks a bitmask made by [`TransferMode::mask`], ignoring unknown bits.
    pub fn from_mask(mask: u64) -> Vec<TransferMode> {
        Self::ALL
            .into_iter()
            .filter(|mode| mask & mode.bit() != 0)
            .collect()
    }
}

/// Tells whether a need accepting `need` can be served by an achievement
/// offering `offer`.
///
/// The pairs follow what changes hands:
/// - 技术转让 ↔ 转让, 技术许可 ↔ 许可 and 作价投资 ↔ 作价投资 are the same legal
///   act seen from either side (ownership, a right of use, capital).
/// - 合作开发 and 委托开发 ↔ 合作实施: both need the achievement's owner to keep
///   working on the technology with the partner, which is what 合作实施 offers;
///   a plain sale or licence does not include that work.
/// - 技术服务/咨询 ↔ 合作实施 or 其他: a service involves the owner's people but no
///   transfer of rights, so it fits cooperation and whatever 其他 covers, but not
///   a sale, a licence or an investment.
pub fn compatible(need: CoopMode, offer: TransferMode) -> bool {
    matches!(
        (need, offer),
        (CoopMode::Transfer, TransferMode::Transfer)
            | (CoopMode::License, TransferMode::License)
            | (CoopMode::EquityInvestment, TransferMode::EquityInvestment)
            | (
                CoopMode::JointDevelopment,
                TransferMode::JointImplementation
            )
            | (
                CoopMode::CommissionedDevelopment,
                TransferMode::JointImplementation
            )
            | (
                CoopMode::Service,
                TransferMode::JointImplementation | TransferMode::Other
            )
    )
}

/// Tells whether any mode in `need_mask` (from [`CoopMode::mask`]) is
/// [`compatible`] with any mode in `offer_mask` (from [`TransferMode::mask`]).
pub fn compatible_masks(need_mask: u64, offer_mask: u64) -> bool {
    let acceptable_offers = CoopMode::ALL
        .into_iter()
        .filter(|need| need_mask & need.bit() != 0)
        .fold(0, |mask, need| mask | need.compatible_offer_mask());
    acceptable_offers & offer_mask != 0
}

fn parse_items<T: PartialEq>(
    folded: &str,
    parse: impl Fn(&str) -> Result<T, CoreError>,
) -> Result<Vec<T>, CoreError> {
    let mut modes = Vec::new();
    let items = folded
        .split(|c: char| LIST_SEPARATORS.contains(&c) || c.is_whitespace())
        .filter(|item| !item.is_empty());
    for item in items {
        let mode = parse(item)?;
        if !modes.contains(&mode) {
            modes.push(mode);
        }
    }
    Ok(modes)
}

macro_rules! text_serde {
    ($type:ty) => {
        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }

        impl Serialize for $type {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        /// Accepts the code and, for hand-written data, anything `parse` accepts.
        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(deserializer)?;
                <$type>::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

text_serde!(CoopMode);
text_serde!(TransferMode);

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(error: CoreError) -> (&'static str, String) {
        match error {
            CoreError::Invalid { field, reason } => (field, reason),
            other => panic!("unexpected error {other:?}"),
        }
    }

    #[test]
    fn labels_and_codes_parse_back() {
        for mode in CoopMode::ALL {
            assert_eq!(CoopMode::parse(mode.label()).unwrap(), mode);
            assert_eq!(CoopMode::parse(mode.code()).unwrap(), mode);
            assert_eq!(mode.to_string(), mode.label());
        }
        for mode in TransferMode::ALL {
            assert_eq!(TransferMode::parse(mode.label()).unwrap(), mode);
            assert_eq!(TransferMode::parse(mode.code()).unwrap(), mode);
            assert_eq!(mode.to_string(), mode.label());
        }
    }

    #[test]
    fn coop_mode_accepts_short_forms() {
        let cases = [
            ("转让", CoopMode::Transfer),
            ("许可", CoopMode::License),
            ("技术服务", CoopMode::Service),
            ("技术咨询", CoopMode::Service),
            ("服务", CoopMode::Service),
            ("咨询", CoopMode::Service),
            ("技术服务／咨询", CoopMode::Service),
            (" JOINT_DEVELOPMENT ", CoopMode::JointDevelopment),
            (
                "Commissioned_Development",
                CoopMode::CommissionedDevelopment,
            ),
            ("入股", CoopMode::EquityInvestment),
        ];
        for (input, mode) in cases {
            assert_eq!(CoopMode::parse(input).unwrap(), mode, "{input}");
        }
    }

    #[test]
    fn transfer_mode_accepts_synonyms() {
        let cases = [
            ("技术转让", TransferMode::Transfer),
            ("技术许可", TransferMode::License),
            ("普通许可", TransferMode::License),
            ("独占许可", TransferMode::License),
            ("排他许可", TransferMode::License),
            ("入股", TransferMode::EquityInvestment),
            ("合作", TransferMode::JointImplementation),
            ("合作开发", TransferMode::JointImplementation),
            ("其它", TransferMode::Other),
            ("Joint_Implementation", TransferMode::JointImplementation),
        ];
        for (input, mode) in cases {
            assert_eq!(TransferMode::parse(input).unwrap(), mode, "{input}");
        }
    }

    #[test]
    fn unknown_modes_list_the_labels() {
        let (field, message) = reason(CoopMode::parse("众筹").unwrap_err());
        assert_eq!(field, "coop_mode");
        assert_eq!(
            message,
            "未知的合作方式“众筹”，可选：技术转让、技术许可、合作开发、委托开发、作价投资、技术服务/咨询"
        );
        let (field, message) = reason(TransferMode::parse("拍卖").unwrap_err());
        assert_eq!(field, "transfer_mode");
        assert_eq!(
            message,
            "未知的转化方式“拍卖”，可选：转让、许可、作价投资、合作实施、其他"
        );
        assert!(
            reason(CoopMode::parse(" ").unwrap_err())
                .1
                .starts_with("合作方式不能为空")
        );
        // 委托开发 is something a need asks for, not something an achievement offers.
        assert!(TransferMode::parse("委托开发").is_err());
    }

    #[test]
    fn parse_set_keeps_the_service_label_whole() {
        let set = CoopMode::parse_set("技术转让、技术服务/咨询/合作开发").unwrap();
        assert_eq!(
            set,
            [
                CoopMode::Transfer,
                CoopMode::Service,
                CoopMode::JointDevelopment
            ]
        );
        let set = CoopMode::parse_set("技术服务／咨询，许可").unwrap();
        assert_eq!(set, [CoopMode::Service, CoopMode::License]);
    }

    #[test]
    fn parse_set_splits_on_every_separator_and_dedupes() {
        let set = CoopMode::parse_set(
            "转让,许可；委托开发;作价投资|合作开发 技术咨询\n技术服务、转让，transfer",
        )
        .unwrap();
        assert_eq!(
            set,
            [
                CoopMode::Transfer,
                CoopMode::License,
                CoopMode::CommissionedDevelopment,
                CoopMode::EquityInvestment,
                CoopMode::JointDevelopment,
                CoopMode::Service,
            ]
        );
        let set = TransferMode::parse_set("独占许可/普通许可 | 转让；入股,其他").unwrap();
        assert_eq!(
            set,
            [
                TransferMode::License,
                TransferMode::Transfer,
                TransferMode::EquityInvestment,
                TransferMode::Other,
            ]
        );
        assert!(CoopMode::parse_set("  ").unwrap().is_empty());
        assert!(TransferMode::parse_set("").unwrap().is_empty());
    }

    #[test]
    fn parse_set_reports_the_bad_item() {
        let (_, message) = reason(CoopMode::parse_set("转让、众筹").unwrap_err());
        assert!(message.starts_with("未知的合作方式“众筹”"), "{message}");
        let (_, message) = reason(TransferMode::parse_set("转让/委托开发").unwrap_err());
        assert!(message.starts_with("未知的转化方式“委托开发”"), "{message}");
    }

    #[test]
    fn compatibility_table() {
        use CoopMode as N;
        use TransferMode as O;
        let expected: [(N, &[O]); 6] = [
            (N::Transfer, &[O::Transfer]),
            (N::License, &[O::License]),
            (N::JointDevelopment, &[O::JointImplementation]),
            (N::CommissionedDevelopment, &[O::JointImplementation]),
            (N::EquityInvestment, &[O::EquityInvestment]),
            (N::Service, &[O::JointImplementation, O::Other]),
        ];
        for (need, offers) in expected {
            for offer in TransferMode::ALL {
                assert_eq!(
                    compatible(need, offer),
                    offers.contains(&offer),
                    "{need:?} / {offer:?}"
                );
            }
        }
    }

    #[test]
    fn masks_round_trip_and_are_distinct() {
        assert_eq!(CoopMode::mask(&CoopMode::ALL), 0b11_1111);
        assert_eq!(TransferMode::mask(&TransferMode::ALL), 0b1_1111);
        assert_eq!(CoopMode::mask(&[]), 0);
        let needs = [CoopMode::Service, CoopMode::Transfer];
        assert_eq!(
            CoopMode::from_mask(CoopMode::mask(&needs)),
            [CoopMode::Transfer, CoopMode::Service]
        );
        let offers = [TransferMode::Other, TransferMode::License];
        assert_eq!(
            TransferMode::from_mask(TransferMode::mask(&offers)),
            [TransferMode::License, TransferMode::Other]
        );
        assert_eq!(TransferMode::from_mask(1 << 40), []);
    }

    #[test]
    fn compatible_masks_agrees_with_compatible_for_every_pair_of_sets() {
        // Every subset of needs against every subset of offers: 64 × 32 cases.
        for need_mask in 0..(1u64 << CoopMode::ALL.len()) {
            for offer_mask in 0..(1u64 << TransferMode::ALL.len()) {
                let expected = CoopMode::from_mask(need_mask).into_iter().any(|need| {
                    TransferMode::from_mask(offer_mask)
                        .into_iter()
                        .any(|offer| compatible(need, offer))
                });
                assert_eq!(compatible_masks(need_mask, offer_mask), expected);
            }
        }
        let need = CoopMode::mask(&[CoopMode::Service]);
        assert!(compatible_masks(
            need,
            TransferMode::mask(&[TransferMode::Other])
        ));
        assert!(!compatible_masks(
            need,
            TransferMode::mask(&[TransferMode::Transfer])
        ));
    }

    #[test]
    fn serde_uses_codes() {
        assert_eq!(
            serde_json::to_string(&[CoopMode::Service, CoopMode::JointDevelopment]).unwrap(),
            r#"["service","joint_development"]"#
        );
        assert_eq!(
            serde_json::to_string(&TransferMode::JointImplementation).unwrap(),
            r#""joint_implementation""#
        );
        for mode in CoopMode::ALL {
            let json = serde_json::to_string(&mode).unwrap();
            assert_eq!(serde_json::from_str::<CoopMode>(&json).unwrap(), mode);
        }
        for mode in TransferMode::ALL {
            let json = serde_json::to_string(&mode).unwrap();
            assert_eq!(serde_json::from_str::<TransferMode>(&json).unwrap(), mode);
        }
        assert_eq!(
            serde_json::from_str::<TransferMode>(r#""独占许可""#).unwrap(),
            TransferMode::License
        );
        assert!(serde_json::from_str::<CoopMode>(r#""crowdfunding""#).is_err());
    }
}
