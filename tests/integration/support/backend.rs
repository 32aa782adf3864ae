//! Which backend the suite runs on, and a fresh store location for one test.

use std::path::Path;

/// The backend named by `CONCORDAT_TEST_BACKEND` (`sled`, the default, or `postgres`).
pub fn name() -> String {
    std::env::var("CONCORDAT_TEST_BACKEND").unwrap_or_else(|_| "sled".to_string())
}

/// A store location no other test uses: a directory under `tmp`, or a new PostgreSQL database.
pub fn fresh_store(tmp: &Path) -> String {
    match name().as_str() {
        "sled" => tmp.join("store").display().to_string(),
        other => panic!("unknown CONCORDAT_TEST_BACKEND {other:?}: use sled or postgres"),
    }
}
