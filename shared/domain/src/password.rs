//! The password policy. The user pool in `template.yaml` enforces the same rules; a test
//! keeps the two equal, so the console never accepts what Cognito would refuse.

use std::fmt;

/// The rules, in the shape of Cognito's `PasswordPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub minimum_length: usize,
    pub require_lowercase: bool,
    pub require_uppercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
}

pub const POLICY: PasswordPolicy = PasswordPolicy {
    minimum_length: 12,
    require_lowercase: true,
    require_uppercase: true,
    require_numbers: true,
    require_symbols: false,
};

/// Cognito's own ceiling.
pub const MAXIMUM_LENGTH: usize = 256;

/// A password that meets the policy. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks the policy, and that the password does not contain the login's local part.
    pub fn parse(raw: &str, login_local_part: Option<&str>) -> Result<Self, String> {
        let len = raw.chars().count();
        let p = POLICY;
        if len < p.minimum_length {
            return Err(format!("must be at least {} characters", p.minimum_length));
        }
        if len > MAXIMUM_LENGTH {
            return Err(format!("must be at most {MAXIMUM_LENGTH} characters"));
        }
        if raw.chars().any(char::is_control) {
            return Err("must not contain control characters".into());
        }
        let mut missing = Vec::new();
        if p.require_lowercase && !raw.chars().any(|c| c.is_ascii_lowercase()) {
            missing.push("a lowercase letter");
        }
        if p.require_uppercase && !raw.chars().any(|c| c.is_ascii_uppercase()) {
            missing.push("an uppercase letter");
        }
        if p.require_numbers && !raw.chars().any(|c| c.is_ascii_digit()) {
            missing.push("a digit");
        }
        if p.require_symbols && !raw.chars().any(|c| c.is_ascii_punctuation()) {
            missing.push("a symbol");
        }
        if !missing.is_empty() {
            return Err(format!("must contain {}", missing.join(", ")));
        }
        if let Some(local) = login_local_part.filter(|l| l.len() >= 4) {
            if raw.to_lowercase().contains(&local.to_lowercase()) {
                return Err("must not contain your email address".into());
            }
        }
        Ok(Self(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_strong_password_is_accepted_and_never_printed() {
        let p = Password::parse("Correct-Horse-9", Some("ann")).unwrap();
        assert_eq!(p.expose(), "Correct-Horse-9");
        assert_eq!(format!("{p:?}"), "Password(***)");
    }

    #[test]
    fn weak_passwords_say_what_is_missing() {
        assert_eq!(
            Password::parse("short1A", None).unwrap_err(),
            "must be at least 12 characters"
        );
        assert_eq!(
            Password::parse("alllowercase1", None).unwrap_err(),
            "must contain an uppercase letter"
        );
        assert_eq!(
            Password::parse("NODIGITSORLOWER", None).unwrap_err(),
            "must contain a lowercase letter, a digit"
        );
        assert_eq!(
            Password::parse(&"Aa1".repeat(100), None).unwrap_err(),
            "must be at most 256 characters"
        );
    }

    #[test]
    fn a_password_containing_the_login_is_refused() {
        assert_eq!(
            Password::parse("Jsmith-Summer2026", Some("jsmith")).unwrap_err(),
            "must not contain your email address"
        );
    }
}
