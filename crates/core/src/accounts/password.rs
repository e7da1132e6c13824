//! Passwords: argon2id hashes in PHC strings, and the rules a new password must meet.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};

use crate::{CoreError, t};

pub const MIN_LENGTH: usize = 8;
const MAX_LENGTH: usize = 128;

/// Checks a new password against the rules people are told about.
pub fn check_new(password: &str) -> Result<(), CoreError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(CoreError::invalid(
            "password",
            t!("password-too-short", min = MIN_LENGTH),
        ));
    }
    if length > MAX_LENGTH {
        return Err(CoreError::invalid(
            "password",
            t!("password-too-long", max = MAX_LENGTH),
        ));
    }
    Ok(())
}

/// Hashes a password with argon2id and a fresh salt. Deliberately slow: call it off the
/// async executor.
pub fn hash(password: &str) -> Result<String, CoreError> {
    // A fresh random salt comes from the OS generator inside `hash_password`.
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| CoreError::Internal(format!("password hashing failed: {e}")))
}

/// Whether `password` matches a stored hash; a malformed stored hash matches nothing.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("正确的密码123").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("正确的密码123", &stored));
        assert!(!verify("错误的密码123", &stored));
        assert!(!verify("正确的密码123", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_new("1234567").is_err());
        assert!(check_new("12345678").is_ok());
    }
}
