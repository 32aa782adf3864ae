//! Passwords: argon2id hashes in the PHC string format (salt and parameters inside), and reading a
//! new password without it ever appearing in argv.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use engine::Failure;
use rand_core::OsRng;
use std::io::BufRead;

/// The shortest password accepted (NCSC: length over complexity rules).
pub const MIN_LENGTH: usize = 12;

/// The argon2id hash of `password` with a fresh random salt (argon2's default cost: 19 MiB, 2 passes).
pub fn hash(password: &str) -> Result<String, Failure> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Failure::internal(format!("cannot hash the password: {e}")))
}

/// Whether `password` matches `stored` (false for a malformed hash too).
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash to verify against when an actor has no account, so an unknown name costs as long as a
/// wrong password (no timing tells which actors have accounts).
pub fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("no account has this password").unwrap_or_default())
}

/// Checks a new password's length; usage error (exit 2) otherwise.
pub fn check_new(password: &str) -> Result<(), Failure> {
    if password.chars().count() < MIN_LENGTH {
        return Err(Failure::usage(format!(
            "the password is shorter than {MIN_LENGTH} characters"
        ))
        .with_detail("choose a longer one: a few unrelated words make a good password"));
    }
    Ok(())
}

/// A new password: the first line of `file`, else asked for twice on the terminal, else the first
/// line of standard input.
pub fn read_new(file: Option<&std::path::Path>) -> Result<String, Failure> {
    let password = match file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::usage(format!("cannot read {}: {e}", path.display())).with_detail(
                    "give --password-file a readable file holding the password on its first line",
                )
            })?;
            text.lines().next().unwrap_or("").to_string()
        }
        None if std::io::IsTerminal::is_terminal(&std::io::stdin()) => {
            let first = prompt("New password: ")?;
            if prompt("Again: ")? != first {
                return Err(Failure::usage("the two passwords differ")
                    .with_detail("run the command again and type the same password twice"));
            }
            first
        }
        None => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    check_new(&password)?;
    Ok(password)
}

fn prompt(text: &str) -> Result<String, Failure> {
    rpassword::prompt_password(text)
        .map_err(|e| Failure::usage(format!("cannot read the password: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password() {
        let h = hash("correct horse battery staple").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery staple", &h));
        assert!(!verify("correct horse battery stapler", &h));
        assert!(!verify("anything", "not a hash"));
        assert_ne!(h, hash("correct horse battery staple").unwrap(), "salted");
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_new("short").is_err());
        assert!(check_new("twelve chars").is_ok());
    }
}
