//! `scheduler run`: it shares the store with every other command and stops promptly on SIGTERM.

use super::{fired, fired_in_log};
use crate::support::{Env, Run};
use serde_json::Value;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Waits up to `limit` for `child` to exit; its exit code, or None if it is still running.
fn wait_for(child: &mut std::process::Child, limit: Duration) -> Option<i32> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status.code().unwrap_or(-1));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

#[test]
fn scheduler_run_shares_the_store_and_stops_promptly_on_sigterm() {
    let mut env = Env::bromsgrove_redditch("2009-03-01T10:00:00+00:00");
    env.at("2009-03-31T08:59:58+01:00");
    let outbox = env.path("outbox");
    let mut cmd = env.command(&[
        "--as",
        "ops",
        "--json",
        "scheduler",
        "run",
        "--poll-secs",
        "1",
        "--outbox",
        outbox.to_str().unwrap(),
    ]);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut run = cmd.spawn().expect("spawn scheduler run");

    // Other commands keep working beside it, writes included, each well inside the busy wait.
    for i in 0..5 {
        let started = Instant::now();
        let id = format!("m-{i}");
        let r: Run = env.run_as(
            "jce",
            &[
                "milestone",
                "add",
                &id,
                "--title",
                "A milestone",
                "--due",
                "2009-03-30",
            ],
        );
        r.ok();
        env.run(&["reminders", "list"]).ok();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "a command waited {:?}",
            started.elapsed()
        );
    }
    // Overdue milestones added while it runs fire within a poll or two.
    let deadline = Instant::now() + Duration::from_secs(10);
    while fired_in_log(&env)
        .iter()
        .filter(|id| id.contains("overdue"))
        .count()
        < 5
    {
        assert!(
            Instant::now() < deadline,
            "run did not fire the overdue milestones: {:?}",
            fired_in_log(&env)
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    let status = std::process::Command::new("kill")
        .args(["-TERM", &run.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let code = wait_for(&mut run, Duration::from_secs(5));
    if code.is_none() {
        let _ = run.kill();
    }
    assert_eq!(
        code,
        Some(0),
        "scheduler run did not stop cleanly within 5 s of SIGTERM"
    );
    let out = run.wait_with_output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).expect("one JSON document after it stops");
    assert_eq!(
        fired(&doc)
            .keys()
            .filter(|id| id.contains("overdue"))
            .count(),
        5
    );
    // The store is free and whole afterwards.
    env.run_as("audit", &["audit", "verify"]).ok();
}
