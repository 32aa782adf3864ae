//! Acknowledged means durable: kill -9 at any moment, sixteen writers at once, and the sync before the answer.

use crate::support::Env;
use std::collections::BTreeSet;
use std::process::{Child, Stdio};
use std::time::Duration;

fn new_proposal(env: &Env, service: &str) -> std::process::Command {
    let mut cmd = env.command(&[
        "--as",
        "jce",
        "--json",
        "proposal",
        "new",
        "--title",
        service,
        "--service",
        service,
        "--lead",
        "bromsgrove",
    ]);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd
}

/// The proposal id a finished child acknowledged, if it exited 0.
fn acknowledged(child: Child) -> (i32, Option<String>) {
    let out = child.wait_with_output().expect("wait");
    let code = out.status.code().unwrap_or(-9);
    if code != 0 {
        return (code, None);
    }
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("an acknowledged write prints its JSON");
    (0, Some(doc["id"].as_str().expect("id").to_string()))
}

/// Every proposal id in the store's export.
fn ids_in_store(env: &Env) -> BTreeSet<String> {
    let run = env.run(&["--json", "proposal", "list"]);
    run.ok();
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}

#[track_caller]
fn chain_verifies(env: &Env) -> u64 {
    let run = env.run(&["--json", "audit", "verify"]);
    run.ok();
    run.json()["events"].as_u64().unwrap()
}

fn trials() -> u64 {
    std::env::var("CONCORDAT_KILL_TRIALS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(50)
}

#[test]
fn kill_dash_nine_never_loses_an_acknowledged_event_nor_breaks_the_chain() {
    let env = Env::bromsgrove_redditch("2008-09-17T19:00:00+01:00");
    let mut acked = BTreeSet::new();
    let mut killed = 0;
    for trial in 0..trials() {
        let mut child = new_proposal(&env, &format!("service-{trial}"))
            .spawn()
            .expect("spawn");
        // Spread the kills over start-up, the append and the index update.
        std::thread::sleep(Duration::from_micros((trial * 7_919) % 40_000));
        let _ = child.kill();
        match acknowledged(child) {
            (0, Some(id)) => {
                acked.insert(id);
            }
            _ => killed += 1,
        }
        chain_verifies(&env);
    }
    let present = ids_in_store(&env);
    for id in &acked {
        assert!(
            present.contains(id),
            "acknowledged proposal {id} is missing after kill -9"
        );
    }
    eprintln!(
        "{} trials: {} acknowledged, {} killed first",
        trials(),
        acked.len(),
        killed
    );
    // The store still takes writes after all that.
    let (code, id) = acknowledged(new_proposal(&env, "after-the-storm").spawn().unwrap());
    assert_eq!((code, id.as_deref()), (0, Some("after-the-storm")));
}

#[test]
fn sixteen_writers_at_once_each_succeed_or_are_told_the_store_is_busy() {
    let env = Env::bromsgrove_redditch("2008-09-17T19:00:00+01:00");
    let children: Vec<Child> = (0..16)
        .map(|i| {
            new_proposal(&env, &format!("parallel-{i}"))
                .spawn()
                .expect("spawn")
        })
        .collect();
    let mut acked = BTreeSet::new();
    for child in children {
        let (code, id) = acknowledged(child);
        assert!(code == 0 || code == 4, "a writer exits 0 or 4, not {code}");
        acked.extend(id);
    }
    assert!(acked.is_subset(&ids_in_store(&env)));
    assert_eq!(chain_verifies(&env), 1 + acked.len() as u64);
}

/// Parses `strace -f` output into (syscall, first argument, return value) in order.
fn syscalls(trace: &str) -> Vec<(String, String, String)> {
    trace
        .lines()
        .filter_map(|line| {
            let line = line
                .split_once(' ')
                .map(|(pid, rest)| {
                    if pid.chars().all(|c| c.is_ascii_digit()) {
                        rest
                    } else {
                        line
                    }
                })
                .unwrap_or(line);
            let (name, rest) = line.split_once('(')?;
            // openat's interesting argument is its path (the second); other calls' is the fd.
            let first = match name.trim() {
                "openat" => rest.split('"').nth(1).unwrap_or_default().to_string(),
                _ => rest.split([',', ')']).next()?.trim().to_string(),
            };
            let ret = rest
                .rsplit_once(" = ")
                .map(|(_, r)| r.split_whitespace().next().unwrap_or("").to_string())
                .unwrap_or_default();
            Some((name.trim().to_string(), first, ret))
        })
        .collect()
}

#[test]
fn the_log_is_synced_after_its_last_write_and_before_the_answer() {
    if std::process::Command::new("strace")
        .arg("-V")
        .output()
        .is_err()
    {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "strace is required under CI=true (apt-get install strace)"
        );
        eprintln!("skipping: strace is not installed here");
        return;
    }
    let env = Env::bromsgrove_redditch("2008-09-17T19:00:00+01:00");
    if env.store.contains("://") {
        return; // PostgreSQL acknowledges on COMMIT; this test is about the embedded log file.
    }
    let trace_file = env.path("trace.txt");
    let mut cmd = std::process::Command::new("strace");
    cmd.args([
        "-f",
        "-qq",
        "-e",
        "trace=openat,write,writev,pwrite64,fsync,fdatasync,close",
        "-o",
    ])
    .arg(&trace_file);
    let concordat = env.command(&[
        "--as",
        "jce",
        "--json",
        "proposal",
        "new",
        "--title",
        "Shared elections",
        "--service",
        "elections",
        "--lead",
        "bromsgrove",
    ]);
    cmd.arg(concordat.get_program()).args(concordat.get_args());
    for (k, v) in concordat.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let out = cmd.output().expect("run strace");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let trace = std::fs::read_to_string(&trace_file).unwrap();
    let calls = syscalls(&trace);
    let open = calls
        .iter()
        .position(|(n, a, _)| n == "openat" && a.contains("events.jsonl"))
        .expect("the log is opened");
    let fd = calls[open].2.clone();
    let last_write = calls
        .iter()
        .rposition(|(n, a, _)| (n == "write" || n == "writev" || n == "pwrite64") && *a == fd)
        .expect("the event is written to the log");
    let sync = calls[last_write..]
        .iter()
        .position(|(n, a, _)| (n == "fdatasync" || n == "fsync") && *a == fd)
        .map(|i| i + last_write);
    let sync = sync
        .unwrap_or_else(|| panic!("no fsync/fdatasync of fd {fd} after its last write:\n{trace}"));
    let answer = calls
        .iter()
        .position(|(n, a, _)| n == "write" && a == "1")
        .expect("the answer is written to stdout");
    assert!(
        sync < answer,
        "the answer went out (call {answer}) before the log was synced (call {sync})"
    );
    assert!(
        calls[open..sync]
            .iter()
            .all(|(n, a, _)| !(n == "close" && *a == fd)),
        "the log fd was closed before the sync"
    );
}
