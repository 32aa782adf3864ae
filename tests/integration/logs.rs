//! What the service logs: `scheduler run` says at INFO when it starts, what it fires and issues,
//! and when it stops; as plain text without colour in a pipe, or one JSON object a line.

use crate::support::Env;
use serde_json::Value;
use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Runs `scheduler run` until the 2008/09-Q2 reports are in the outbox, then SIGTERMs it;
/// returns its stderr.
fn run_until_q2_reports(env: &Env, extra: &[&str]) -> String {
    let outbox = env.path("outbox");
    let mut args = vec!["--as", "ops"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["scheduler", "run", "--poll-secs", "1", "--outbox"]);
    args.push(outbox.to_str().unwrap());
    let mut cmd = env.command(&args);
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn scheduler run");
    let q2 = outbox.join("2008-09-Q2-redditch.md");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !q2.exists() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("scheduler run issued no 2008/09-Q2 report within 30 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let exit = child.wait().unwrap();
    assert_eq!(exit.code(), Some(0), "stops cleanly on SIGTERM:\n{stderr}");
    stderr
}

/// The 2008 partnership, with the clock two seconds before the 2008/09-Q2 report falls due.
fn env_before_q2() -> Env {
    let mut env = Env::bromsgrove_redditch("2008-06-01T10:00:00+01:00");
    env.at("2008-10-01T08:59:58+01:00");
    env
}

#[test]
fn scheduler_run_logs_start_each_firing_and_report_and_shutdown_at_info() {
    let env = env_before_q2();
    let stderr = run_until_q2_reports(&env, &[]);
    assert!(!stderr.contains('\u{1b}'), "no colour in a pipe:\n{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    let find = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(" INFO ") && l.contains(needle))
            .unwrap_or_else(|| panic!("no INFO line with {needle:?}:\n{stderr}"))
    };
    let started = find("scheduler started");
    let late_q1 = find("fired: Quarterly report to each council for 2008/09-Q1");
    let q2 = find("fired: Quarterly report to each council for 2008/09-Q2");
    let report = find("report issued quarter=2008/09-Q2 council=redditch");
    let stopped = find("scheduler stopped signal=\"SIGTERM\"");
    assert!(started < late_q1 && late_q1 < q2 && q2 < report && report < stopped);
    assert!(lines[late_q1].contains("late=true"), "{}", lines[late_q1]);
    assert!(lines[q2].contains("late=false"), "{}", lines[q2]);
    assert!(lines[report].contains("sha256="), "{}", lines[report]);
    assert!(lines[stopped].contains("reports=4"), "{}", lines[stopped]);
}

#[test]
fn scheduler_run_logs_json_lines_with_log_format_json() {
    let env = env_before_q2();
    let stderr = run_until_q2_reports(&env, &["--log-format", "json"]);
    let events: Vec<Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let messages: Vec<&str> = events
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.first(), Some(&"scheduler started"), "{messages:?}");
    assert_eq!(messages.last(), Some(&"scheduler stopped"), "{messages:?}");
    let issued: Vec<&Value> = events
        .iter()
        .filter(|e| e["message"] == "report issued")
        .collect();
    assert_eq!(issued.len(), 4, "{messages:?}");
    assert!(events.iter().all(|e| e["level"] == "INFO"));
    assert_eq!(issued[3]["quarter"], "2008/09-Q2");
}

#[test]
fn a_failing_start_is_logged_with_its_cause() {
    let env = env_before_q2();
    // `jce` is not the scheduler: refused before the first round, and the log says why.
    let mut cmd = env.command(&["--as", "jce", "scheduler", "run"]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.contains("ERROR") && l.contains("scheduler stopped by a failure"))
        .unwrap_or_else(|| panic!("no ERROR line:\n{stderr}"));
    assert!(line.contains("cause="), "{line}");
}
