//! Text that a spreadsheet would run: Excel and WPS read a cell that begins with `=`,
//! `+`, `-` or `@` (WPS also their full-width forms, and both after a tab or a carriage
//! return) as a formula, and a formula can fetch URLs or start programs (CSV injection).

use crate::{CoreError, CoreResult, t};

/// The first characters that make a spreadsheet read a cell as a formula; the last four
/// are the full-width ＝ ＋ － ＠.
const FORMULA_TRIGGERS: [char; 10] = [
    '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
];

/// Whether a spreadsheet could read `text` as a formula.
pub fn begins_like_formula(text: &str) -> bool {
    text.starts_with(FORMULA_TRIGGERS)
}

/// Checks an organisation's name as it enters the platform (registration, list rows,
/// the bureau's forms). Names are shown in every export and report, and a name a
/// spreadsheet would run is no company's real name.
///
/// # Errors
/// `Invalid` on `org_name` for a name beginning like a formula.
pub fn check_org_name(name: &str) -> CoreResult<()> {
    let name = name.trim();
    if begins_like_formula(name) {
        return Err(CoreError::invalid(
            "org_name",
            t!("org-name-formula", name = name),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_beginnings_are_recognised() {
        for text in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "＝cmd|' /C calc'!A0",
            "＋1",
            "－1",
            "＠x",
        ] {
            assert!(begins_like_formula(text), "{text:?}");
        }
        for text in ["华北材料科技大学", "A=B", "", " 1", "'=x"] {
            assert!(!begins_like_formula(text), "{text:?}");
        }
    }

    #[test]
    fn organisation_names_beginning_like_a_formula_are_refused() {
        assert!(check_org_name("晋阳县华钙纳米材料有限公司").is_ok());
        assert!(check_org_name("A+B 科技有限公司").is_ok());
        for name in ["=HYPERLINK(\"http://evil\")", "  ＝cmd|x", "@公司", "-1+1"] {
            let Err(CoreError::Invalid { field, reason }) = check_org_name(name) else {
                panic!("{name} must be refused");
            };
            assert_eq!(field, "org_name");
            assert!(reason.contains("公式"), "{reason}");
        }
    }
}
