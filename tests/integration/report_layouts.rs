//! Report layouts: every report the previous release issued regenerates byte for byte from a
//! committed copy of its log, however the layout has changed since.
//!
//! `tests/fixtures/demo-2008/export.jsonl` is `audit export` of a store made by `concordat demo
//! --store /tmp/concordat-demo` with the release before layout 2 (its `report-issued` events carry
//! no `layout`: layout 1). The embedded store's authority is its log file, which is the export
//! format itself, so the store is restored by writing the export there (and copied with `store
//! copy` when the suite runs on PostgreSQL).

use crate::support::{backend, repo_root, Env};
use serde_json::Value;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::process::Command;

/// The demo's log as the previous release left it.
fn fixture() -> String {
    std::fs::read_to_string(repo_root().join("tests/fixtures/demo-2008/export.jsonl")).unwrap()
}

/// A store holding exactly `export`'s events, on the backend under test.
pub fn restored(export: &str) -> Env {
    let env = Env::new();
    let dir = env.path("restored");
    std::fs::DirBuilder::new().mode(0o700).create(&dir).unwrap();
    let mut log = std::fs::OpenOptions::new()
        .create_new(true)
        .write(true)
        .mode(0o600)
        .open(dir.join("events.jsonl"))
        .unwrap();
    std::io::Write::write_all(&mut log, export.as_bytes()).unwrap();
    if backend::name() == "sled" {
        std::fs::rename(&dir, &env.store).unwrap();
    } else {
        env.run(&[
            "store",
            "copy",
            "--from",
            dir.to_str().unwrap(),
            "--to",
            &env.store,
        ])
        .ok();
    }
    env
}

/// The `report-issued` events of an export.
pub fn issued(export: &str) -> Vec<Value> {
    export
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|e| e["type"] == "report-issued")
        .collect()
}

/// Lowercase hex SHA-256 of `bytes`, by `sha256sum` as an auditor would.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use std::io::Write;
    let mut child = Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sha256sum");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

#[test]
fn every_report_the_previous_release_issued_regenerates_byte_for_byte() {
    let export = fixture();
    let env = restored(&export);
    let issued = issued(&export);
    assert!(
        issued.len() >= 8,
        "the demo issues reports: {}",
        issued.len()
    );
    for event in issued {
        let d = &event["data"];
        assert!(d.get("layout").is_none(), "the fixture predates layouts");
        let run = env.run_as(
            "audit",
            &[
                "report",
                "quarterly",
                "--format",
                "md",
                "--quarter",
                d["quarter"].as_str().unwrap(),
                "--council",
                d["council"].as_str().unwrap(),
                "--known-at",
                d["known_at"].as_str().unwrap(),
            ],
        );
        run.ok();
        assert_eq!(
            sha256_hex(run.stdout.as_bytes()),
            d["sha256"].as_str().unwrap(),
            "{} {} at {} did not regenerate:\n{}",
            d["council"],
            d["quarter"],
            d["known_at"],
            run.stdout
        );
    }
}
