//! The pinned bank-holiday table against an independent source: the `holidays` package from PyPI,
//! run by `bank_holidays.py`. Under `CI=true` a missing Python or package fails the test; elsewhere
//! the test says so and skips.

use std::collections::BTreeSet;
use std::process::Command;
use workflows::calendar::england_and_wales;

#[test]
fn the_pinned_table_agrees_with_the_holidays_package() {
    let cal = england_and_wales();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bank_holidays.py");
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let out = Command::new("python3")
        .arg(script)
        .arg(cal.first_year.to_string())
        .arg(cal.last_year.to_string())
        .output();
    let out = match out {
        Ok(out) if out.status.success() => out,
        other => {
            let why = match &other {
                Ok(out) => String::from_utf8_lossy(&out.stderr).trim().to_string(),
                Err(e) => format!("python3 could not be run: {e}"),
            };
            assert!(!ci, "CI=true, so the cross-check must run: {why}");
            eprintln!("skipped: the bank-holiday table was not cross-checked ({why})");
            return;
        }
    };
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let theirs: BTreeSet<String> = stdout
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').next().unwrap_or_default().to_string())
        .collect();
    let ours: BTreeSet<String> = cal.holidays().map(|h| h.date.to_string()).collect();
    let only_ours: Vec<&String> = ours.difference(&theirs).collect();
    let only_theirs: Vec<&String> = theirs.difference(&ours).collect();
    assert!(
        only_ours.is_empty() && only_theirs.is_empty(),
        "the pinned table ({}) and {} disagree: only in the table {only_ours:?}; only in the package {only_theirs:?}",
        cal.label(),
        stdout.lines().next().unwrap_or_default()
    );
    assert_eq!(ours.len(), 254);
}
