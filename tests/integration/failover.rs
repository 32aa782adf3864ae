//! Two scheduled jobs for resilience: each reminder fires exactly once between them, and when one
//! is killed the other carries on.

use crate::support::{bromsgrove_redditch, Env};
use std::collections::BTreeMap;
use std::process::{Child, Stdio};
use std::time::Duration;

/// A partnership whose "quarterly" report falls due every two seconds for the rest of this hour
/// (bounded, so no report lists millions of upcoming firings), so a test sees many firings.
fn fast_partnership(env: &Env) -> std::path::PathBuf {
    let tz = jiff::tz::TimeZone::get("Europe/London").unwrap();
    let mut now = jiff::Timestamp::now().to_zoned(tz.clone());
    if now.minute() == 59 && now.second() > 30 {
        std::thread::sleep(Duration::from_secs(35));
        now = jiff::Timestamp::now().to_zoned(tz);
    }
    let cron = format!(
        "*/2 * {} {} {} * {}",
        now.hour(),
        now.day(),
        now.month(),
        now.year()
    );
    let text = std::fs::read_to_string(bromsgrove_redditch())
        .unwrap()
        .replace("0 0 9 1 Jan,Apr,Jul,Oct *", &cron);
    let path = env.path("fast.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn scheduler(env: &Env, outbox: &str) -> Child {
    env.command(&[
        "--as",
        "ops",
        "scheduler",
        "run",
        "--poll-secs",
        "1",
        "--outbox",
        outbox,
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .expect("start a scheduler")
}

/// Due instant → how many times it fired, from the log.
fn firings(env: &Env) -> BTreeMap<String, usize> {
    let export = env.run(&["audit", "export"]);
    export.ok();
    let mut fired = BTreeMap::new();
    for line in export
        .stdout
        .lines()
        .filter(|l| l.contains("\"type\":\"reminder-fired\""))
    {
        let event: serde_json::Value = serde_json::from_str(line).unwrap();
        *fired
            .entry(event["data"]["due"].as_str().unwrap().to_string())
            .or_insert(0) += 1;
    }
    fired
}

#[test]
fn two_schedulers_fire_each_reminder_once_and_one_carries_on_when_the_other_is_killed() {
    let env = Env::new();
    let file = fast_partnership(&env);
    env.run(&["init", file.to_str().unwrap()]).ok();
    let outbox = env.path("outbox").display().to_string();
    let mut first = scheduler(&env, &outbox);
    let mut second = scheduler(&env, &outbox);
    std::thread::sleep(Duration::from_secs(5));
    first.kill().unwrap();
    first.wait().unwrap();
    let before = firings(&env);
    std::thread::sleep(Duration::from_secs(5));
    unsafe_sigterm(&second);
    let status = second.wait().unwrap();
    assert!(status.success(), "the survivor stops cleanly on SIGTERM");
    let after = firings(&env);
    assert!(before.len() >= 2, "both were firing: {before:?}");
    assert!(
        after.len() >= before.len() + 2,
        "the survivor carried on after the kill: {} then {}",
        before.len(),
        after.len()
    );
    assert!(
        after.values().all(|n| *n == 1),
        "each reminder fired exactly once: {after:?}"
    );
    // No reminder was skipped: consecutive firings are two seconds apart.
    let instants: Vec<jiff::Timestamp> = after.keys().map(|k| k.parse().unwrap()).collect();
    for pair in instants.windows(2) {
        assert_eq!(
            (pair[1] - pair[0]).get_seconds(),
            2,
            "a gap between {} and {}",
            pair[0],
            pair[1]
        );
    }
    let verify = env.run(&["audit", "verify"]);
    verify.ok();
}

/// Sends SIGTERM (the way a service manager stops the job).
fn unsafe_sigterm(child: &Child) {
    let status = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
}
