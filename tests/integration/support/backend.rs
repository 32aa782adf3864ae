//! Which backend the suite runs on, and a fresh store location for one test.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

/// The backend named by `CONCORDAT_TEST_BACKEND` (`sled`, the default, or `postgres`).
pub fn name() -> String {
    std::env::var("CONCORDAT_TEST_BACKEND").unwrap_or_else(|_| "sled".to_string())
}

/// A store location no other test uses: a directory under `tmp`, or a new PostgreSQL database.
pub fn fresh_store(tmp: &Path) -> String {
    match name().as_str() {
        "sled" => tmp.join("store").display().to_string(),
        "postgres" => fresh_database(),
        other => panic!("unknown CONCORDAT_TEST_BACKEND {other:?}: use sled or postgres"),
    }
}

/// A new, empty database on the server at `CONCORDAT_TEST_POSTGRES`, as a URL for `--store`.
///
/// Made with `psql`, so the tests need no PostgreSQL client library of their own. Never skips: with
/// `CONCORDAT_TEST_BACKEND=postgres` a missing server is a failure.
/// A new, empty database on the server at `CONCORDAT_TEST_POSTGRES` (panics when none is named).
pub fn fresh_database() -> String {
    let base = match std::env::var("CONCORDAT_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => url,
        _ => panic!(
            "CONCORDAT_TEST_BACKEND=postgres needs CONCORDAT_TEST_POSTGRES, the URL of a PostgreSQL \
             server (e.g. postgres://postgres@127.0.0.1:5432); or run the suite through \
             scripts/with-postgres.sh, which starts a throwaway one"
        ),
    };
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970")
        .subsec_nanos();
    let db = format!(
        "concordat_test_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let out = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d"])
        .arg(with_database(&base, "postgres"))
        .args(["-c", &format!("CREATE DATABASE {db}")])
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run psql to create a test database: {e}"));
    assert!(
        out.status.success(),
        "psql could not create database {db} on {base}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    with_database(&base, &db)
}

/// `base` (`postgres://USER@HOST:PORT[/DB][?PARAMS]`) naming database `db` instead, its parameters kept.
pub fn with_database(base: &str, db: &str) -> String {
    let (main, query) = match base.split_once('?') {
        Some((m, q)) => (m, format!("?{q}")),
        None => (base, String::new()),
    };
    let (scheme, rest) = main
        .split_once("://")
        .unwrap_or_else(|| panic!("CONCORDAT_TEST_POSTGRES is not a postgres:// URL: {base}"));
    let authority = rest.split('/').next().unwrap_or("");
    format!("{scheme}://{authority}/{db}{query}")
}
