//! Text clean-up shared by the parsers.
//!
//! Chinese input methods produce full-width digits, letters and punctuation, and
//! spreadsheets copy them verbatim, so every parser folds them to ASCII first.

/// Folds full-width ASCII variants (U+FF01..U+FF5E) and the ideographic space to
/// their half-width forms, leaving every other character untouched.
pub(crate) fn to_half_width(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Folds to half-width, trims and collapses inner whitespace runs to one space, so
/// that lookups keyed by names do not depend on how the name was typed.
pub(crate) fn lookup_key(input: &str) -> String {
    to_half_width(input)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

/// What two organisation names that look the same to a reader share: half-width, no
/// whitespace, one kind of bracket, ASCII lower case. 「某公司（集团）」 and
/// 「某公司 (集团)」 are one name to anyone reading a posting, so they are one name to the
/// bureau's conflict list.
pub fn identity_key(name: &str) -> String {
    to_half_width(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            // 【 〔 〈 《 and their closing forms.
            '\u{3010}' | '\u{3014}' | '[' | '{' | '\u{3008}' | '\u{300A}' => '(',
            '\u{3011}' | '\u{3015}' | ']' | '}' | '\u{3009}' | '\u{300B}' => ')',
            other => other.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_a_reader_cannot_tell_apart_share_an_identity_key() {
        let key = super::identity_key;
        assert_eq!(key("某公司（集团）"), key("某公司 (集团)"));
        assert_eq!(key("某公司【集团】"), key("某公司(集团)"));
        assert_eq!(key("ＡＢＣ科技"), key("abc 科技"));
        assert_ne!(key("某公司"), key("某某公司"));
    }

    use super::*;

    #[test]
    fn folds_full_width_digits_letters_and_space() {
        assert_eq!(to_half_width("９１３５０１００Ｍ"), "91350100M");
        assert_eq!(to_half_width("ａｂｃ\u{3000}１"), "abc 1");
        assert_eq!(to_half_width("中试，～"), "中试,~");
    }

    #[test]
    fn lookup_key_ignores_case_and_spacing() {
        assert_eq!(lookup_key("  New   Energy "), "new energy");
        assert_eq!(lookup_key("ＩＴ"), "it");
        assert_eq!(lookup_key("新材料"), "新材料");
    }
}
