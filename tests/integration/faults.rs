//! Fault injection in the stores' append paths (`engine::failpoints`, compiled into the binary
//! `cargo test` builds). Embedded: an I/O error before and during the write, a crash in the middle
//! of the write, between the write and the index update, between the index update and the sync,
//! and after the sync; a failed index update and a failed `fdatasync`. PostgreSQL: a failed INSERT,
//! a crash inside the transaction, a lost COMMIT answer, a crash after the COMMIT. After each: no
//! half event is visible, no acknowledged event is lost, the chain verifies, and the next command
//! works.

use crate::support::Env;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// What an append hit by a fault must do.
struct Fault {
    /// `FAILPOINTS` for the faulty command.
    failpoints: &'static str,
    /// The exit code, or `None` for a crash (killed by SIGKILL).
    code: Option<i32>,
    /// Whether its event is in the log afterwards (an unacknowledged one may be: it was written).
    present: bool,
    /// Whether the log, before anything opens it again, ends in a torn line.
    torn: bool,
}

const FAULTS: &[Fault] = &[
    // An I/O error before anything reaches the file.
    Fault {
        failpoints: "append::write=return",
        code: Some(1),
        present: false,
        torn: false,
    },
    // A short write, then an error: the part written is cut off again before the command fails.
    Fault {
        failpoints: "append::write=return(partial)",
        code: Some(1),
        present: false,
        torn: false,
    },
    // A crash in the middle of the write: a torn last line, never acknowledged, cut off at the next open.
    Fault {
        failpoints: "append::write=return(partial-crash)",
        code: None,
        present: false,
        torn: true,
    },
    // A crash after the write, before the index update and the sync: the next open indexes the tail.
    Fault {
        failpoints: "append::after-write=return",
        code: None,
        present: true,
        torn: false,
    },
    // The index update fails: the log is whole and synced, so the append is acknowledged; the
    // index, marked dirty on disk, is rebuilt at the next open.
    Fault {
        failpoints: "append::index=return",
        code: Some(0),
        present: true,
        torn: false,
    },
    // A crash after the index update, before the sync.
    Fault {
        failpoints: "append::after-index=return",
        code: None,
        present: true,
        torn: false,
    },
    // fdatasync fails: not acknowledged (exit 1), though the line was written and may be read back.
    Fault {
        failpoints: "append::sync=return",
        code: Some(1),
        present: true,
        torn: false,
    },
    // A crash after the sync, before the answer: durable, not acknowledged.
    Fault {
        failpoints: "append::after-sync=return",
        code: None,
        present: true,
        torn: false,
    },
];

/// The same promises on PostgreSQL, where the durable write is the transaction's COMMIT.
const POSTGRES_FAULTS: &[Fault] = &[
    // The INSERT fails: rolled back, nothing recorded.
    Fault {
        failpoints: "pg::insert=return",
        code: Some(1),
        present: false,
        torn: false,
    },
    // A crash inside the transaction: the server rolls it back when the connection drops.
    Fault {
        failpoints: "pg::before-commit=return",
        code: None,
        present: false,
        torn: false,
    },
    // The COMMIT's answer is lost: not acknowledged (exit 1, "may or may not be recorded"), yet there.
    Fault {
        failpoints: "pg::commit=return",
        code: Some(1),
        present: true,
        torn: false,
    },
    // A crash after the COMMIT, before the answer: durable, not acknowledged.
    Fault {
        failpoints: "pg::after-commit=return",
        code: None,
        present: true,
        torn: false,
    },
];

fn new_proposal(env: &Env, id: &str, failpoints: Option<&str>) -> (Option<i32>, String, String) {
    let mut cmd = env.command(&[
        "--as",
        "jce",
        "--json",
        "proposal",
        "new",
        "--title",
        id,
        "--service",
        id,
        "--id",
        id,
        "--lead",
        "bromsgrove",
    ]);
    match failpoints {
        Some(f) => cmd.env("FAILPOINTS", f),
        None => cmd.env_remove("FAILPOINTS"),
    };
    let out = cmd.output().expect("run concordat");
    use std::os::unix::process::ExitStatusExt;
    if out.status.code().is_none() {
        assert_eq!(
            out.status.signal(),
            Some(9),
            "a crash is SIGKILL, as kill -9"
        );
    }
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The embedded store's log file; None on PostgreSQL.
fn log_file(env: &Env) -> Option<PathBuf> {
    (!env.store.contains("://")).then(|| PathBuf::from(&env.store).join("events.jsonl"))
}

/// The proposals in the store, and the number of events, after `audit verify` passes.
#[track_caller]
fn verified(env: &Env) -> (BTreeSet<String>, u64) {
    let run = env.run(&["--json", "audit", "verify"]);
    run.ok();
    let doc = run.json();
    assert_eq!(doc["ok"], true, "{doc}");
    let list = env.run(&["--json", "proposal", "list"]);
    list.ok();
    let ids = list
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    (ids, doc["events"].as_u64().unwrap())
}

#[test]
fn after_every_injected_fault_nothing_acknowledged_is_lost_and_the_next_command_works() {
    let env = Env::bromsgrove_redditch("2008-09-17T19:00:00+01:00");
    let (faults, probe) = match log_file(&env) {
        Some(_) => (FAULTS, "append::write=return"),
        None => (POSTGRES_FAULTS, "pg::insert=return"),
    };
    let probe = new_proposal(&env, "probe", Some(probe));
    assert_eq!(
        probe.0,
        Some(1),
        "the test binary must be built with the engine's failpoints feature (cargo test does it)"
    );
    let mut acknowledged = BTreeSet::new();
    for (i, fault) in faults.iter().enumerate() {
        let (before_ids, before_events) = verified(&env);
        let before_len = log_file(&env).map(|f| std::fs::metadata(f).unwrap().len());
        let id = format!("fault-{i}");
        let (code, stdout, stderr) = new_proposal(&env, &id, Some(fault.failpoints));
        let what = format!(
            "{}: exit {code:?}\nstdout: {stdout}\nstderr: {stderr}",
            fault.failpoints
        );
        assert_eq!(code, fault.code, "{what}");
        match code {
            Some(0) => {
                let doc: serde_json::Value =
                    serde_json::from_str(&stdout).expect("an acknowledged append answers");
                assert_eq!(doc["id"], id.as_str());
                acknowledged.insert(id.clone());
            }
            Some(_) => {
                assert!(stdout.is_empty(), "{what}");
                // Logs (tracing, on stderr) may come first; the error document is the last line.
                let last = stderr.trim().lines().last().unwrap_or_default();
                let doc: serde_json::Value =
                    serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {what}"));
                assert_eq!(doc["error"]["kind"], "internal", "{what}");
            }
            None => {}
        }
        // Before anything opens the store again: the log on disk.
        if let Some(file) = log_file(&env) {
            let raw = std::fs::read(file).unwrap();
            assert_eq!(
                raw.last() != Some(&b'\n'),
                fault.torn,
                "torn last line? {what}"
            );
            if !fault.present && !fault.torn {
                assert_eq!(
                    Some(raw.len() as u64),
                    before_len,
                    "a failed write must leave the log as it was: {what}"
                );
            }
        }
        if fault.failpoints == "pg::commit=return" {
            assert!(stderr.contains("may or may not be recorded"), "{what}");
        }
        // The next open: no half event, nothing acknowledged lost, the chain verifies.
        let (ids, events) = verified(&env);
        assert_eq!(ids.contains(&id), fault.present, "{what}");
        assert_eq!(events, before_events + u64::from(fault.present), "{what}");
        assert!(before_ids.is_subset(&ids), "{what}");
        assert!(
            acknowledged.is_subset(&ids),
            "an acknowledged proposal is missing after {what}"
        );
        if let Some(file) = log_file(&env) {
            let raw = std::fs::read(file).unwrap();
            assert_eq!(
                raw.last(),
                Some(&b'\n'),
                "a torn line survived the next open: {what}"
            );
        }
        // And the next command works.
        let next = format!("after-{i}");
        let (code, stdout, stderr) = new_proposal(&env, &next, None);
        assert_eq!(
            code,
            Some(0),
            "the command after {}: {stdout}{stderr}",
            fault.failpoints
        );
        acknowledged.insert(next);
        let (ids, events_after) = verified(&env);
        assert_eq!(events_after, events + 1);
        assert!(acknowledged.is_subset(&ids));
    }
}
