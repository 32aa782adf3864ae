//! On PostgreSQL: a server that takes no writes (a standby, or read-only by setting) still serves
//! reads, and refuses a change with exit 4 and two plain lines saying where to go; the pool's URL
//! parameters are accepted by every command and checked.
//!
//! Runs in the PostgreSQL pass of `scripts/test.sh` (`CONCORDAT_TEST_BACKEND=postgres`); the
//! embedded pass has no server to make read-only.

use crate::support::backend;
use crate::support::Env;
use std::process::{Command, Stdio};

/// Runs SQL on the server's `postgres` database.
fn admin(url: &str, sql: &str) {
    let out = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d"])
        .arg(backend::with_database(url, "postgres"))
        .args(["-c", sql])
        .stdin(Stdio::null())
        .output()
        .expect("run psql");
    assert!(
        out.status.success(),
        "psql: {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An Env on the Bromsgrove/Redditch partnership with the elections proposal.
fn elections() -> Env {
    let env = Env::bromsgrove_redditch("2008-09-17T19:00:00+01:00");
    env.run_as(
        "jce",
        &[
            "proposal",
            "new",
            "--title",
            "Elections",
            "--service",
            "elections",
            "--lead",
            "bromsgrove",
        ],
    )
    .ok();
    env
}

#[test]
fn a_server_that_takes_no_writes_serves_reads_and_refuses_changes_plainly() {
    if backend::name() != "postgres" {
        return;
    }
    let env = elections();
    let db = env.store.rsplit('/').next().unwrap().to_string();
    admin(
        &env.store,
        &format!("ALTER DATABASE {db} SET default_transaction_read_only = on"),
    );
    env.run_as("jce", &["proposal", "show", "elections"]).ok();
    let run = env.run_as(
        "jce",
        &["proposal", "hold", "elections", "--reason", "budget"],
    );
    run.expect_code(4);
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(lines.len() <= 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("accepts only reads")
            && run.stderr.contains("nothing was written")
            && run.stderr.contains("target_session_attrs=read-write"),
        "{}",
        run.stderr
    );
    admin(
        &env.store,
        &format!("ALTER DATABASE {db} SET default_transaction_read_only = off"),
    );
    let verify = env.run(&["--json", "audit", "verify"]);
    verify.ok();
    assert_eq!(verify.json()["events"], 2, "the refused hold wrote nothing");
}

#[test]
fn the_pool_parameters_are_taken_by_every_command_and_checked() {
    if backend::name() != "postgres" {
        return;
    }
    let mut env = elections();
    let url = env.store.clone();
    let sep = if url.contains('?') { '&' } else { '?' };
    env.store = format!("{url}{sep}pool_size=2&pool_timeout=5");
    env.run_as("jce", &["proposal", "show", "elections"]).ok();
    // The accounts table's own connection takes the same URL.
    let password = env.path("password");
    std::fs::write(&password, "a long enough password\n").unwrap();
    env.run_as(
        "admin",
        &[
            "user",
            "add",
            "audit",
            "--password-file",
            password.to_str().unwrap(),
        ],
    )
    .ok();
    env.store = format!("{url}{sep}pool_size=0");
    let run = env.run_as("jce", &["proposal", "show", "elections"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("pool_size=0 is not a whole number from 1 to 64"),
        "{}",
        run.stderr
    );
}
