//! People: who they are on the platform (role), how they prove it (password) and what a
//! role may do. Sessions and users are stored by `services::users` and
//! `services::sessions`.

pub mod password;
pub mod role;

pub use role::Role;

use crate::{CoreError, t};

/// Normalises and checks an email address: trimmed, lower-case, one `@` with something
/// on both sides and a dot in the domain. Deliverability is proven by the emailed link
/// of a password reset, not by a pattern.
pub fn normalise_email(email: &str) -> Result<String, CoreError> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
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
        ] {
            assert!(normalise_email(bad).is_err(), "{bad}");
        }
    }
}
