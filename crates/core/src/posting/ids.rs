//! A posting's two identifiers.
//!
//! The public id (`external_id`) is what URLs, JSON, search hits, matches and contact
//! requests carry. It is random for every posting, however it arrived: a list's own
//! identifiers are sequential (XQ-2026-001, XQ-2026-003…), so public ids taken from a
//! list would show where an enterprise's confidential need sits among its public ones,
//! and an id derived from title and organisation could be computed by anyone guessing.
//!
//! The source key (`source_key`) remembers privately which row of which list a posting
//! came from, so that importing the same list again updates in place: `bureau:<id>` for
//! a row of a list the bureau imports, `<organisation id>:<id>` for a row of a list an
//! organisation uploads. The two never collide: an organisation id is a number.

use rand::RngCore;

use crate::posting::PostingKind;

/// How a bureau list's row identifier is kept in `source_key`.
const BUREAU_PREFIX: &str = "bureau:";

/// A fresh random public id: `WN-` for a need, `WA-` for an achievement, then 12
/// upper-case hexadecimal digits (48 random bits).
pub fn new_public_id(kind: PostingKind) -> String {
    let prefix = match kind {
        PostingKind::Need => "WN",
        PostingKind::Achievement => "WA",
    };
    let mut bytes = [0u8; 6];
    rand::rng().fill_bytes(&mut bytes);
    let digits: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    format!("{prefix}-{digits}")
}

/// Whether `id` has the shape of [`new_public_id`]'s ids for `kind`: anything else came
/// from a list (or from before public ids were random) and may be one of a sequence.
pub fn is_random_public_id(kind: PostingKind, id: &str) -> bool {
    let prefix = match kind {
        PostingKind::Need => "WN-",
        PostingKind::Achievement => "WA-",
    };
    id.strip_prefix(prefix).is_some_and(|digits| {
        digits.len() == 12
            && digits
                .chars()
                .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c))
    })
}

/// The source key of a row of a list the bureau imports.
pub fn bureau_source_key(list_id: &str) -> String {
    format!("{BUREAU_PREFIX}{list_id}")
}

/// The source key of a row of a list an organisation uploads: its ids are its own, so
/// they are kept apart from every other list's.
pub fn organisation_source_key(org_id: i64, row_id: &str) -> String {
    format!("{org_id}:{row_id}")
}

/// The bureau list's identifier a source key holds, if it is a bureau list's.
pub fn bureau_list_id(source_key: &str) -> Option<&str> {
    source_key.strip_prefix(BUREAU_PREFIX)
}

/// The id the bureau's own surfaces (its exports, the command line) show for a posting:
/// the bureau list's identifier when it came from one, its public id otherwise.
pub fn bureau_facing_id<'a>(source_key: Option<&'a str>, public_id: &'a str) -> &'a str {
    source_key.and_then(bureau_list_id).unwrap_or(public_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_shaped_ids_are_told_from_a_list_s() {
        assert!(is_random_public_id(
            PostingKind::Need,
            &new_public_id(PostingKind::Need)
        ));
        assert!(is_random_public_id(
            PostingKind::Achievement,
            &new_public_id(PostingKind::Achievement)
        ));
        for listed in [
            "XQ-2026-003",
            "WN-0123456789ab",
            "WN-0123456789ABC",
            "WA-0123456789AB",
        ] {
            assert!(!is_random_public_id(PostingKind::Need, listed), "{listed}");
        }
    }

    #[test]
    fn public_ids_are_random_and_shaped_like_the_webs() {
        let a = new_public_id(PostingKind::Need);
        let b = new_public_id(PostingKind::Need);
        assert_ne!(a, b);
        assert!(a.starts_with("WN-") && a.len() == 15, "{a}");
        assert!(
            a[3..]
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
        );
        assert!(new_public_id(PostingKind::Achievement).starts_with("WA-"));
    }

    #[test]
    fn the_bureau_sees_its_list_ids_and_public_ids_otherwise() {
        let key = bureau_source_key("XQ-2026-003");
        assert_eq!(bureau_list_id(&key), Some("XQ-2026-003"));
        assert_eq!(
            bureau_facing_id(Some(&key), "WN-0A1B2C3D4E5F"),
            "XQ-2026-003"
        );
        let uploaded = organisation_source_key(7, "XQ-2026-003");
        assert_eq!(bureau_list_id(&uploaded), None);
        assert_eq!(
            bureau_facing_id(Some(&uploaded), "WN-0A1B2C3D4E5F"),
            "WN-0A1B2C3D4E5F"
        );
        assert_eq!(bureau_facing_id(None, "WN-0A1B2C3D4E5F"), "WN-0A1B2C3D4E5F");
    }
}
