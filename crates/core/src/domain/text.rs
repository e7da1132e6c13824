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

#[cfg(test)]
mod tests {
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
