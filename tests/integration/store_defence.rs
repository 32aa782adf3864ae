//! The store defends its log (issue 17), each finding reproduced through the binary: damage
//! beside the log (the index), a deleted lock, a shortened or linked log, an `--out` aimed into
//! the store, an index file replaced by a link, an index that cannot grow; and an export
//! restored into a new store. The byte-by-byte sweep of the index is an engine test
//! (`engine/src/store/embedded/defence_tests.rs`), where it runs in seconds.

use crate::support::{binary, Env};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A partnership with the `elections` proposal, on the embedded store (None on PostgreSQL,
/// whose log and indexes are the database's).
fn with_elections() -> Option<Env> {
    let env = Env::bromsgrove_redditch("2008-09-17T19:00:00+01:00");
    if env.store.contains("://") {
        return None;
    }
    new_elections(&env).ok();
    Some(env)
}

fn new_elections(env: &Env) -> crate::support::Run {
    env.run_as(
        "jce",
        &[
            "proposal",
            "new",
            "--id",
            "elections",
            "--title",
            "Shared elections",
            "--service",
            "elections",
            "--lead",
            "bromsgrove",
        ],
    )
}

fn idx(env: &Env, name: &str) -> PathBuf {
    Path::new(&env.store).join("idx").join(name)
}

fn listed(env: &Env) -> Vec<String> {
    let run = env.run(&["--json", "proposal", "list"]);
    run.ok();
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}

/// After damage: the proposal is still there, its id still taken, and the log whole.
#[track_caller]
fn nothing_lost_nothing_invented(env: &Env) {
    env.run(&["proposal", "show", "elections"]).ok();
    assert_eq!(listed(env), vec!["elections".to_string()]);
    let again = new_elections(env);
    again.expect_code(4);
    env.run(&["audit", "verify"]).ok();
    let report = env.run(&["report", "quarterly", "--quarter", "2008/09-Q2"]);
    assert!(
        !report.stderr.contains("no partnership"),
        "{}",
        report.stderr
    );
}

#[test]
fn one_byte_changed_in_the_names_costs_no_proposal_and_invents_none() {
    let Some(env) = with_elections() else { return };
    let path = idx(&env, "names");
    let mut names = std::fs::read(&path).unwrap();
    for byte in names.iter_mut().step_by(7) {
        *byte ^= 0x20;
    }
    std::fs::write(&path, &names).unwrap();
    nothing_lost_nothing_invented(&env);
}

#[test]
fn a_zeroed_bucket_or_garbage_in_a_namespace_file_is_rebuilt_not_believed() {
    let Some(env) = with_elections() else { return };
    let path = idx(&env, "streams");
    let table = std::fs::read(&path).unwrap();
    std::fs::write(&path, vec![0u8; table.len()]).unwrap();
    nothing_lost_nothing_invented(&env);
    for entry in std::fs::read_dir(idx(&env, "ns")).unwrap() {
        std::fs::write(entry.unwrap().path(), b"\xff\xff\xff\x7fgarbage").unwrap();
    }
    nothing_lost_nothing_invented(&env);
}

#[test]
fn deleting_the_lock_file_while_writers_run_lets_no_two_share_a_seq() {
    let Some(env) = with_elections() else { return };
    let lock = Path::new(&env.store).join("lock");
    let children: Vec<_> = (0..12)
        .map(|i| {
            let mut cmd = env.command(&[
                "--as",
                "jce",
                "--json",
                "proposal",
                "new",
                "--title",
                "T",
                "--service",
                &format!("svc-{i}"),
                "--lead",
                "bromsgrove",
            ]);
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
            cmd.spawn().unwrap()
        })
        .collect();
    for _ in 0..200 {
        let _ = std::fs::remove_file(&lock);
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let mut acked = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        let code = out.status.code().unwrap();
        assert!(code == 0 || code == 4, "exit {code}");
        acked += usize::from(code == 0);
    }
    let run = env.run(&["--json", "audit", "verify"]);
    run.ok();
    // partnership + elections + each acknowledged writer: one seq each, none shared.
    assert_eq!(run.json()["events"].as_u64().unwrap(), 2 + acked as u64);
    let seqs: BTreeSet<u64> = std::fs::read_to_string(Path::new(&env.store).join("events.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["seq"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(seqs.len(), 2 + acked);
}

/// Cuts the log to its first `keep` lines.
fn keep_lines(env: &Env, keep: usize) {
    let log = Path::new(&env.store).join("events.jsonl");
    let text = std::fs::read_to_string(&log).unwrap();
    let kept: String = text.lines().take(keep).map(|l| format!("{l}\n")).collect();
    std::fs::write(&log, kept).unwrap();
}

fn more_proposals(env: &Env, n: usize) {
    for i in 0..n {
        env.run_as(
            "jce",
            &[
                "proposal",
                "new",
                "--title",
                "T",
                "--service",
                &format!("more-{i}"),
                "--lead",
                "redditch",
            ],
        )
        .ok();
    }
}

#[test]
fn a_shortened_log_is_refused_naming_the_missing_seqs_then_restored_from_an_export() {
    let Some(env) = with_elections() else { return };
    more_proposals(&env, 4);
    let export = env.path("before.jsonl");
    env.run(&["audit", "export", "--out", export.to_str().unwrap()])
        .ok();
    keep_lines(&env, 3);
    let refused = env.run(&["proposal", "list"]);
    refused.expect_code(6);
    assert!(refused.stderr.contains("seqs 4 to 6"), "{}", refused.stderr);
    let verify = env.run(&["--json", "audit", "verify"]);
    verify.expect_code(6);
    assert_eq!(verify.json()["first_bad_seq"], 4);
    let partial = env.path("partial.jsonl");
    env.run(&["audit", "export", "--out", partial.to_str().unwrap()])
        .expect_code(6);
    assert_eq!(
        std::fs::read_to_string(&partial).unwrap().lines().count(),
        3
    );
    // An edited export is refused; the untouched one restores every event.
    let edited = env.path("edited.jsonl");
    let text = std::fs::read_to_string(&export)
        .unwrap()
        .replace("more-3", "more-9");
    std::fs::write(&edited, text).unwrap();
    env.run(&["store", "restore", "--from", edited.to_str().unwrap()])
        .expect_code(6);
    env.run(&["store", "restore", "--from", export.to_str().unwrap()])
        .ok();
    assert_eq!(listed(&env).len(), 5);
    env.run(&["audit", "verify"]).ok();
}

#[test]
fn a_loss_accepted_is_recorded_in_the_log() {
    let Some(env) = with_elections() else { return };
    more_proposals(&env, 2);
    keep_lines(&env, 2);
    env.run(&["store", "accept-loss", "--after", "2"])
        .expect_code(2); // who is acting?
    env.run_as("jce", &["store", "accept-loss", "--after", "1"])
        .expect_code(2);
    let doc = env.json_as("jce", &["store", "accept-loss", "--after", "2"]);
    assert_eq!(
        (doc["lost_from"].as_u64(), doc["lost_to"].as_u64()),
        (Some(3), Some(4))
    );
    let log = std::fs::read_to_string(Path::new(&env.store).join("events.jsonl")).unwrap();
    assert!(log.lines().last().unwrap().contains("store-loss-accepted"));
    assert_eq!(listed(&env), vec!["elections".to_string()]);
    env.run(&["audit", "verify"]).ok();
}

#[test]
fn a_linked_log_is_refused_and_its_target_never_truncated() {
    let Some(env) = with_elections() else { return };
    let log = Path::new(&env.store).join("events.jsonl");
    let target = env.path("elsewhere.jsonl");
    let mut text = std::fs::read(&log).unwrap();
    text.extend_from_slice(b"{\"seq\":3,\"str");
    std::fs::write(&target, &text).unwrap();
    std::fs::remove_file(&log).unwrap();
    std::os::unix::fs::symlink(&target, &log).unwrap();
    let run = env.run(&["proposal", "list"]);
    run.expect_code(6);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert_eq!(std::fs::read(&target).unwrap(), text);
}

#[test]
fn an_out_path_inside_the_store_is_refused_and_a_sibling_allowed() {
    let Some(env) = with_elections() else { return };
    let store = Path::new(&env.store);
    let log = store.join("events.jsonl");
    let before = std::fs::read(&log).unwrap();
    let prove = |out: &Path| {
        env.run(&[
            "audit",
            "prove",
            "--event",
            "1",
            "--now",
            "--out",
            out.to_str().unwrap(),
        ])
    };
    prove(&log).expect_code(2);
    let link = env.path("innocent.proof");
    std::os::unix::fs::symlink(store.join("idx").join("seqs"), &link).unwrap();
    prove(&link).expect_code(2);
    env.run(&["audit", "export", "--out", log.to_str().unwrap()])
        .expect_code(2);
    env.run(&[
        "checkpoint",
        "keygen",
        "--name",
        "k",
        "--out",
        store.join("k.key").to_str().unwrap(),
    ])
    .expect_code(2);
    assert_eq!(std::fs::read(&log).unwrap(), before);
    prove(&PathBuf::from(format!("{}.proof", env.store))).ok();
}

#[test]
fn an_index_file_replaced_by_a_link_is_never_written_through() {
    let Some(env) = with_elections() else { return };
    let private = env.path("owners-private-file");
    std::fs::write(&private, b"private").unwrap();
    let seqs = idx(&env, "seqs");
    std::fs::remove_file(&seqs).unwrap();
    std::os::unix::fs::symlink(&private, &seqs).unwrap();
    assert_eq!(listed(&env), vec!["elections".to_string()]);
    more_proposals(&env, 1);
    assert_eq!(std::fs::read(&private).unwrap(), b"private");
}

#[test]
fn reads_go_on_when_the_index_cannot_be_written() {
    let Some(env) = with_elections() else { return };
    // The append is durable though its index update fails (as on a full disk) ...
    let mut cmd = env.command(&[
        "--as",
        "jce",
        "proposal",
        "new",
        "--title",
        "T",
        "--service",
        "payroll",
        "--lead",
        "redditch",
    ]);
    let status = cmd
        .env("FAILPOINTS", "append::index=return")
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    // ... and while the rebuilt index still cannot be written, reads answer from the log.
    let mut cmd = env.command(&["--json", "proposal", "list"]);
    let out = cmd
        .env("FAILPOINTS", "index::install=return")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    env.run(&["audit", "verify"]).ok();
}

#[test]
fn the_demo_exported_and_imported_into_a_new_store_keeps_its_head() {
    let env = Env::new();
    let demo = env.path("demo");
    let out = Command::new(binary())
        .args(["demo", "--store", demo.to_str().unwrap()])
        .env_remove("CONCORDAT_STORE")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let demo_env = Env {
        tmp: tempfile::tempdir().unwrap(),
        store: demo.display().to_string(),
        now: None,
    };
    let export = env.path("demo.jsonl");
    demo_env
        .run(&["audit", "export", "--out", export.to_str().unwrap()])
        .ok();
    let head = demo_env.run(&["--json", "audit", "verify"]).json()["head"].clone();
    let wrong = "0".repeat(64);
    env.run(&[
        "store",
        "import",
        export.to_str().unwrap(),
        "--head",
        &wrong,
    ])
    .expect_code(6);
    let imported = env.run(&[
        "--json",
        "store",
        "import",
        export.to_str().unwrap(),
        "--head",
        head.as_str().unwrap(),
    ]);
    imported.ok();
    assert_eq!(imported.json()["head"], head);
    let verify = env.run(&["--json", "audit", "verify"]);
    verify.ok();
    assert_eq!(verify.json()["head"], head);
    assert_eq!(
        env.run(&["audit", "export"]).stdout,
        std::fs::read_to_string(&export).unwrap()
    );
}
