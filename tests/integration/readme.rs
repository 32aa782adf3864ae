//! The README's walkthrough and the demo's tour are run as written, so neither can rot.

use crate::support::{binary, repo_root, Env};
use std::path::Path;
use std::process::Command;

/// Splits a command line as a POSIX shell would for the simple quoting the README uses.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_quotes = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                in_quotes = !in_quotes;
                any = true;
            }
            c if c.is_whitespace() && !in_quotes => {
                if any {
                    out.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(word);
    }
    out
}

/// The shell lines between the walkthrough markers of README.md.
fn walkthrough() -> Vec<String> {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme
        .find("<!-- walkthrough -->")
        .expect("walkthrough start marker");
    let end = readme
        .find("<!-- /walkthrough -->")
        .expect("walkthrough end marker");
    let mut lines = Vec::new();
    let mut in_block = false;
    for line in readme[start..end].lines() {
        if line.starts_with("```") {
            in_block = !in_block;
        } else if in_block && !line.trim().is_empty() {
            lines.push(line.trim().to_string());
        }
    }
    lines
}

#[test]
fn readme_walkthrough() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("examples")).unwrap();
    std::fs::copy(
        repo_root().join("examples/bromsgrove-redditch.toml"),
        tmp.path().join("examples/bromsgrove-redditch.toml"),
    )
    .unwrap();
    let lines = walkthrough();
    assert!(lines.len() > 20, "the walkthrough has its commands");
    let mut store = None;
    for line in lines {
        let w = words(&line);
        if w[0] == "export" {
            let (key, value) = w[1].split_once('=').unwrap();
            assert_eq!(key, "CONCORDAT_STORE");
            store = Some(value.to_string());
            continue;
        }
        assert_eq!(
            w[0], "concordat",
            "every walkthrough line is a concordat command: {line}"
        );
        let out = Command::new(binary())
            .args(&w[1..])
            .current_dir(tmp.path())
            .env(
                "CONCORDAT_STORE",
                store.as_deref().expect("the store is exported first"),
            )
            .env_remove("CONCORDAT_ACTOR")
            .env_remove("CONCORDAT_NOW")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "README line failed: {line}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_demo_loads_the_2008_programme_and_its_tour_commands_work_as_printed() {
    let env = Env::new();
    if env.store.contains("://") {
        return; // The demo's default is the embedded store; the backends are covered elsewhere.
    }
    let run = env.run(&["demo"]);
    run.ok();
    assert!(
        run.stdout.contains("Five commands to try next"),
        "{}",
        run.stdout
    );
    let tour: Vec<&str> = run
        .stdout
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("concordat --store"))
        .collect();
    assert_eq!(tour.len(), 5, "five commands:\n{}", run.stdout);
    for line in &tour {
        let w = words(line);
        let out = Command::new(binary())
            .args(&w[1..])
            .env_remove("CONCORDAT_STORE")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "tour command failed: {line}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let verify = env.run(&["--json", "audit", "verify"]);
    verify.ok();
    assert_eq!(verify.json()["ok"], true);
    // The scheduled job's reports are in the outbox, each recorded with its hash.
    let outbox = Path::new(&env.store).join("outbox");
    let reports: Vec<_> = std::fs::read_dir(&outbox).unwrap().flatten().collect();
    assert!(reports.len() >= 6, "quarterly reports for both councils");
    let export = env.run(&["audit", "export"]);
    let issued = export
        .stdout
        .lines()
        .filter(|l| l.contains("\"type\":\"report-issued\""))
        .count();
    assert_eq!(
        issued,
        reports.len(),
        "each report file has its recorded SHA-256"
    );
    // The partnership's history is real: the phase targets were amended at the first Board meeting.
    let log = env.run(&["audit", "export"]).stdout;
    assert!(log.contains("31st December altered to 31st January"));
    // Twice on the same store: the demo is already there.
    let again = env.run(&["demo"]);
    again.expect_code(4);
    assert!(again.stderr.contains("already there"), "{}", again.stderr);
}
