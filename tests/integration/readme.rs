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

/// The variables a walkthrough line may `export`, and nothing else.
const EXPORTED: [&str; 2] = ["CONCORDAT_STORE", "CONCORDAT_NOW"];

#[test]
fn readme_walkthrough() {
    // From an empty directory, with nothing copied in: the walkthrough fetches its own files.
    let tmp = tempfile::tempdir().unwrap();
    let lines = walkthrough();
    assert!(lines.len() > 20, "the walkthrough has its commands");
    let mut vars: Vec<(String, String)> = Vec::new();
    let mut outputs = Vec::new();
    for line in lines {
        let w = words(&line);
        if w[0] == "export" {
            let (key, value) = w[1].split_once('=').unwrap();
            assert!(EXPORTED.contains(&key), "unexpected export: {line}");
            vars.retain(|(k, _)| k != key);
            vars.push((key.to_string(), value.to_string()));
            continue;
        }
        assert_eq!(
            w[0], "concordat",
            "every walkthrough line is a concordat command: {line}"
        );
        let mut cmd = Command::new(binary());
        cmd.args(&w[1..]).current_dir(tmp.path());
        for key in EXPORTED.iter().chain(&["CONCORDAT_ACTOR"]) {
            cmd.env_remove(key);
        }
        cmd.envs(vars.iter().map(|(k, v)| (k, v)));
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "README line failed: {line}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        outputs.push((line, String::from_utf8_lossy(&out.stdout).into_owned()));
    }
    // What the text says the scheduled job does: the quarter just ended, on time, to both councils.
    let (_, tick) = outputs
        .iter()
        .find(|(line, _)| line.ends_with("scheduler tick"))
        .expect("the walkthrough runs the scheduler");
    let q4 = tick
        .lines()
        .find(|l| l.starts_with("fired") && l.contains("2008/09-Q4"))
        .unwrap_or_else(|| panic!("the tick fires the 2008/09-Q4 report:\n{tick}"));
    assert!(!q4.contains("(late)"), "{q4}");
    for council in ["bromsgrove", "redditch"] {
        assert!(
            tick.contains(&format!("report 2008/09-Q4 for {council}")),
            "{tick}"
        );
    }
    let quarterly = |l: &&str| l.starts_with("fired quarterly-report:");
    assert!(
        tick.lines().filter(quarterly).count() <= 3,
        "only the quarters since the store was made:\n{tick}"
    );
    // The partnership's own arrangement: each council's six-month review of the trial, unrecorded.
    assert_eq!(
        tick.lines()
            .filter(|l| l.starts_with("fired arrangement:joint-chief-executive:"))
            .count(),
        2,
        "{tick}"
    );
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
        run.stdout.contains("Eight commands to try next"),
        "{}",
        run.stdout
    );
    let tour: Vec<&str> = run
        .stdout
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("concordat --store"))
        .collect();
    assert_eq!(tour.len(), 8, "eight commands:\n{}", run.stdout);
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

#[test]
fn init_example_writes_the_bundled_file_here_and_never_overwrites_one() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(binary())
            .args(args)
            .current_dir(tmp.path())
            .env_remove("CONCORDAT_STORE")
            .output()
            .unwrap()
    };
    let first = run(&["init", "--example", "bromsgrove-redditch"]);
    assert!(first.status.success());
    let written = tmp.path().join("bromsgrove-redditch.toml");
    let bundled = std::fs::read_to_string(repo_root().join("examples/bromsgrove-redditch.toml"));
    assert_eq!(std::fs::read_to_string(&written).unwrap(), bundled.unwrap());
    assert!(String::from_utf8_lossy(&first.stdout).contains("init bromsgrove-redditch.toml"));
    // No store was made: only the file is there.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);

    std::fs::write(&written, "# my own edits\n").unwrap();
    let again = run(&["init", "--example", "bromsgrove-redditch"]);
    assert_eq!(again.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already there"));
    assert_eq!(
        std::fs::read_to_string(&written).unwrap(),
        "# my own edits\n"
    );

    let both = run(&["init", "x.toml", "--example", "bromsgrove-redditch"]);
    assert_eq!(
        both.status.code(),
        Some(2),
        "a file and --example is a usage error"
    );
    let unknown = run(&["init", "--example", "nowhere"]);
    assert_eq!(unknown.status.code(), Some(2));
}
