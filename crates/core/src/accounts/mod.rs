//! People: who they are on the platform (role), how they prove it (password) and what a
//! role may do. Sessions and users are stored by `services::users` and
//! `services::sessions`.

pub mod password;
pub mod role;

pub use role::Role;

use crate::{CoreError, t};

/// Normalises and checks an email address: trimmed, lower-case, a bare address (no
/// display name, angle brackets, quotes or comments), one `@` with something on both
/// sides and a dot in the domain. Deliverability is proven by the emailed link, not by
/// a pattern; but the address must be exactly the mailbox mail goes to, or
/// `a<victim@corp.cn>` and `b<victim@corp.cn>` would be two addresses to every limit
/// and uniqueness rule while reaching one inbox.
pub fn normalise_email(email: &str) -> Result<String, CoreError> {
    let email = email.trim().to_lowercase();
    let bare = |part: &str| {
        !part.is_empty()
            && !part.chars().any(|c| {
                c.is_whitespace()
                    || c.is_control()
                    || matches!(
                        c,
                        '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';' | ':' | '"' | '\\'
                    )
            })
    };
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            bare(local)
                && bare(domain)
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !local.starts_with('.')
                && !local.ends_with('.')
        });
    if valid {
        Ok(email)
    } else {
        Err(CoreError::invalid("email", t!("email-invalid")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalise_email("  Zhang.San@Example.COM ").unwrap(),
            "zhang.san@example.com"
        );
        for bad in [
            "",
            "zhang",
            "@example.com",
            "a@b",
            "a@@b.cn",
            "a b@c.cn",
            "a@.cn",
            "a<victim@corp.cn>",
            "\"x\"@corp.cn",
            "victim@corp.cn (x)",
            "a,b@corp.cn",
            "a@corp.cn;b@corp.cn",
        ] {
            assert!(normalise_email(bad).is_err(), "{bad}");
        }
    }
}
