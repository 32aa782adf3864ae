//! `audit follow`: each event as its export line as other processes append it, resumable from any
//! seq, on either backend, stopping with exit 0 on SIGTERM or SIGINT.

use crate::support::Env;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// A running `audit follow` and the lines it has printed so far.
struct Follower {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Follower {
    fn start(env: &Env, from: &str) -> Follower {
        let mut cmd = env.command(&["audit", "follow", "--from", from]);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn audit follow");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Follower {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits (up to 20 s) until `n` lines have been printed; all of them.
    #[track_caller]
    fn until(&mut self, n: usize) -> &[String] {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.seen.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(_) => panic!(
                    "{} of {n} lines after 20 s: {:?}",
                    self.seen.len(),
                    self.seen
                ),
            }
        }
        &self.seen
    }

    /// Sends `signal` and returns the exit code (panics unless it exits within 5 s).
    fn stop(mut self, signal: &str) -> i32 {
        let sent = std::process::Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        panic!("audit follow did not stop within 5 s of {signal}");
    }
}

/// `audit export`'s lines.
fn exported(env: &Env) -> Vec<String> {
    let run = env.run(&["audit", "export"]);
    run.ok().stdout.lines().map(str::to_string).collect()
}

fn new_proposal(env: &Env, service: &str) {
    env.run_as(
        "jce",
        &[
            "proposal",
            "new",
            "--title",
            &format!("Shared {service}"),
            "--service",
            service,
            "--lead",
            "bromsgrove",
        ],
    )
    .ok();
}

#[test]
fn audit_follow_prints_what_others_append_and_stops_cleanly() {
    let env = Env::bromsgrove_redditch("2008-09-01T18:00:00+01:00");
    let mut follower = Follower::start(&env, "1");
    // The log so far (the partnership) comes first.
    follower.until(exported(&env).len());
    // Other processes append while it follows: it never holds the store for long.
    for service in ["payroll", "elections", "revenues"] {
        let started = Instant::now();
        new_proposal(&env, service);
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "an append waited {:?}",
            started.elapsed()
        );
    }
    let export = exported(&env);
    let lines = follower.until(export.len()).to_vec();
    assert_eq!(
        lines, export,
        "the follower's lines are the export's, byte for byte"
    );
    let seqs: Vec<u64> = lines
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["seq"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(seqs, (1..=export.len() as u64).collect::<Vec<_>>());

    // Resuming from any seq prints from there on, then what follows.
    let mut resumed = Follower::start(&env, "3");
    resumed.until(export.len() - 2);
    new_proposal(&env, "waste");
    let export = exported(&env);
    assert_eq!(resumed.until(export.len() - 2), &export[2..]);
    assert_eq!(follower.until(export.len()), &export[..]);

    assert_eq!(follower.stop("-TERM"), 0, "SIGTERM ends it cleanly");
    assert_eq!(resumed.stop("-INT"), 0, "SIGINT ends it cleanly");
}

#[test]
fn audit_follow_from_beyond_the_head_waits_and_from_zero_is_usage() {
    let env = Env::bromsgrove_redditch("2008-09-01T18:00:00+01:00");
    let head = exported(&env).len();
    let mut ahead = Follower::start(&env, &(head + 2).to_string());
    new_proposal(&env, "payroll");
    new_proposal(&env, "elections");
    let export = exported(&env);
    assert_eq!(ahead.until(1), &export[head + 1..]);
    assert_eq!(ahead.stop("-TERM"), 0);
    env.run(&["audit", "follow", "--from", "0"]).expect_code(2);
    // An actor given must be registered, as for every read.
    env.run(&["--as", "nobody", "audit", "follow"])
        .expect_code(5);
}
