//! Quarterly reports: issued by the scheduler into the outbox with their SHA-256 recorded, and
//! reproduced byte for byte, the hard way, from the tick's `known_at`.

use crate::support::Env;
use crate::time::{go_live, tick};
use serde_json::Value;
use sha2_free::sha256_hex;
use std::path::Path;

/// SHA-256 without a hashing crate in the test binary: `sha256sum`, as an auditor would.
mod sha2_free {
    use std::io::Write;
    use std::process::{Command, Stdio};

    /// Lowercase hex SHA-256 of `bytes`.
    pub fn sha256_hex(bytes: &[u8]) -> String {
        let mut child = Command::new("sha256sum")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("sha256sum");
        child.stdin.take().unwrap().write_all(bytes).unwrap();
        let out = child.wait_with_output().unwrap();
        String::from_utf8(out.stdout).unwrap()[..64].to_string()
    }
}

/// The 2008 partnership with payroll live from 1 Oct 2008, a KPI, a Q3 saving and the phase-2
/// target amended, all recorded before the 1 January 2009 tick.
fn programme() -> Env {
    let mut env = Env::bromsgrove_redditch("2008-09-01T17:45:00+01:00");
    env.at("2008-09-03T10:00:00+01:00");
    env.run_as(
        "jce",
        &[
            "milestone",
            "add",
            "phase-2",
            "--title",
            "Phase 2: identify medium-term opportunities",
            "--due",
            "2008-12-31",
            "--on",
            "2008-09-01",
        ],
    )
    .ok();
    env.run_as(
        "jce",
        &[
            "milestone",
            "amend",
            "phase-2",
            "--due",
            "2009-01-31",
            "--reason",
            "Board 1 Sep 2008: clashed with the holidays",
            "--on",
            "2008-09-01",
        ],
    )
    .ok();
    env.at("2008-10-01T10:00:00+01:00");
    go_live(&env, "payroll", "2008-10-01");
    env.run_as(
        "jce",
        &[
            "monitor", "kpi", "payroll", "--name", "on-time", "--target", "100", "--unit",
            "percent",
        ],
    )
    .ok();
    env.at("2008-12-22T10:00:00+00:00");
    env.run_as(
        "jce",
        &[
            "monitor",
            "saving",
            "payroll",
            "--quarter",
            "2008/09-Q3",
            "--amount",
            "10000.01",
            "--on",
            "2008-12-31",
        ],
    )
    .ok();
    env.run_as(
        "jce",
        &[
            "monitor",
            "record",
            "payroll",
            "--name",
            "on-time",
            "--quarter",
            "2008/09-Q3",
            "--value",
            "98",
            "--on",
            "2008-12-20",
        ],
    )
    .ok();
    env
}

/// The report a tick issued for `council` and `quarter`.
fn issued<'a>(tick: &'a Value, council: &str, quarter: &str) -> &'a Value {
    tick["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["council"] == council && r["quarter"] == quarter)
        .unwrap_or_else(|| panic!("no {quarter} report for {council}: {tick}"))
}

fn report(env: &Env, args: &[&str]) -> String {
    let mut all = vec!["report", "quarterly"];
    all.extend_from_slice(args);
    let run = env.run_as("audit", &all);
    run.ok();
    run.stdout.clone()
}

#[test]
fn an_issued_report_is_reproduced_byte_for_byte_after_back_dated_events() {
    let mut env = programme();
    env.at("2009-01-01T09:05:00+00:00");
    let ticked = tick(&env);
    let q3 = issued(&ticked, "bromsgrove", "2008/09-Q3");
    let path = q3["path"].as_str().unwrap();
    assert!(Path::new(path).is_absolute(), "{path}");
    let known_at = q3["known_at"].as_str().unwrap().to_string();
    assert!(known_at.starts_with("seq:"), "{known_at}");
    let sha = q3["sha256"].as_str().unwrap().to_string();
    let file = std::fs::read(path).unwrap();
    assert_eq!(
        sha256_hex(&file),
        sha,
        "the outbox file is not the bytes recorded"
    );
    let text = String::from_utf8(file.clone()).unwrap();
    for needle in [
        "£10,000.01",
        "£5,000.01",
        "on-time",
        "98 percent",
        "31 January 2009",
        "Board 1 Sep 2008",
        &known_at,
    ] {
        assert!(
            text.contains(needle),
            "{needle:?} missing from the report:\n{text}"
        );
    }
    // The SHA-256 is in the log, in the event that recorded the issue.
    let export = env.json_as("audit", &["audit", "export"]);
    let recorded = export.as_array().unwrap().iter().find(|e| {
        e["type"] == "report-issued"
            && e["data"]["council"] == "bromsgrove"
            && e["data"]["quarter"] == "2008/09-Q3"
    });
    assert_eq!(recorded.unwrap()["data"]["sha256"], sha.as_str());
    assert_eq!(recorded.unwrap()["data"]["known_at"], known_at.as_str());

    // More is recorded: some of it back-dated into that quarter.
    env.at("2009-01-20T11:00:00+00:00");
    env.run_as(
        "jce",
        &[
            "monitor",
            "saving",
            "payroll",
            "--quarter",
            "2008/09-Q3",
            "--amount",
            "12500",
            "--correct",
            "--reason",
            "A second invoice credited",
            "--on",
            "2008-12-31",
        ],
    )
    .ok();
    env.run_as(
        "jce",
        &[
            "monitor",
            "record",
            "payroll",
            "--name",
            "on-time",
            "--quarter",
            "2008/09-Q3",
            "--value",
            "99",
            "--on",
            "2008-12-31",
        ],
    )
    .ok();
    env.run_as(
        "jce",
        &[
            "milestone",
            "amend",
            "phase-2",
            "--due",
            "2009-02-28",
            "--reason",
            "Board 3 Nov 2008: more time",
            "--on",
            "2008-11-03",
        ],
    )
    .ok();
    env.run_as(
        "bdc-clerk",
        &[
            "review",
            "record",
            "payroll",
            "--kind",
            "six-month",
            "--council",
            "bromsgrove",
            "--outcome",
            "continue",
            "--on",
            "2008-12-10",
        ],
    )
    .ok();
    env.run_as(
        "jce",
        &[
            "monitor",
            "saving",
            "payroll",
            "--quarter",
            "2008/09-Q4",
            "--amount",
            "3000",
            "--on",
            "2009-03-31",
        ],
    )
    .ok();

    // Another process, another clock, the tick's known_at: the same bytes.
    env.at("2010-06-01T12:00:00+01:00");
    let again = report(
        &env,
        &[
            "--quarter",
            "2008/09-Q3",
            "--council",
            "bromsgrove",
            "--format",
            "md",
            "--known-at",
            &known_at,
        ],
    );
    assert_eq!(sha256_hex(again.as_bytes()), sha);
    assert_eq!(again.as_bytes(), &file[..]);

    // Without --known-at, the back-dated events show.
    let now = report(
        &env,
        &["--quarter", "2008/09-Q3", "--council", "bromsgrove"],
    );
    assert_ne!(sha256_hex(now.as_bytes()), sha);
    for needle in [
        "£12,500.00",
        "£6,250.00",
        "99 percent",
        "28 February 2009",
        "Board 3 Nov 2008",
    ] {
        assert!(
            now.contains(needle),
            "{needle:?} missing from the current report:\n{now}"
        );
        assert!(
            !again.contains(needle),
            "{needle:?} leaked into the reproduced report"
        );
    }
    // Its own known_at reproduces it too.
    let own = now
        .split('`')
        .find(|s| s.starts_with("seq:"))
        .expect("the report names its known_at")
        .to_string();
    let twice = report(
        &env,
        &[
            "--quarter",
            "2008/09-Q3",
            "--council",
            "bromsgrove",
            "--known-at",
            &own,
        ],
    );
    assert_eq!(twice, now);
}

#[test]
fn an_event_effective_after_the_quarter_changes_nothing_in_it() {
    let mut env = programme();
    env.at("2009-01-15T10:00:00+00:00");
    let before = report(
        &env,
        &[
            "--quarter",
            "2008/09-Q3",
            "--council",
            "redditch",
            "--format",
            "json",
        ],
    );
    env.run_as(
        "jce",
        &[
            "monitor",
            "saving",
            "payroll",
            "--quarter",
            "2008/09-Q3",
            "--amount",
            "99999",
            "--correct",
            "--reason",
            "Found after the quarter's report",
            "--on",
            "2009-01-15",
        ],
    )
    .ok();
    env.run_as(
        "jce",
        &[
            "proposal",
            "close",
            "payroll",
            "--reason",
            "ended",
            "--on",
            "2009-01-15",
        ],
    )
    .ok();
    let after = report(
        &env,
        &[
            "--quarter",
            "2008/09-Q3",
            "--council",
            "redditch",
            "--format",
            "json",
        ],
    );
    let (before, after): (Value, Value) = (
        serde_json::from_str(&before).unwrap(),
        serde_json::from_str(&after).unwrap(),
    );
    assert_eq!(before["proposals"], after["proposals"]);
    assert_eq!(before["savings"], after["savings"]);
    assert_eq!(after["savings"]["quarter"], "10000.01");
    assert_eq!(after["savings"]["quarter_council"], "5000.00");
    assert_ne!(before["log"], after["log"]);
}

#[test]
fn formats_and_shapes() {
    let mut env = programme();
    env.at("2009-01-10T10:00:00+00:00");
    let one: Value = serde_json::from_str(&report(
        &env,
        &[
            "--quarter",
            "2008/09-Q3",
            "--council",
            "bromsgrove",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    for key in ["quarter", "council", "proposals", "savings", "upcoming"] {
        assert!(one.get(key).is_some(), "no {key} in {one}");
    }
    assert_eq!(one["quarter"], "2008/09-Q3");
    assert_eq!(one["proposals"][0]["id"], "payroll");
    assert_eq!(one["proposals"][0]["stage"], "monitoring");
    assert_eq!(one["savings"]["to_date"], "10000.01");
    // Next quarter, as known: the phase-2 milestone's reminders (due 31 Jan 2009).
    let upcoming: Vec<&str> = one["upcoming"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        upcoming,
        [
            "milestone:phase-2:approaching:14:2009-01-31",
            "milestone:phase-2:approaching:1:2009-01-31",
            "milestone:phase-2:overdue:2009-01-31"
        ]
    );

    let all = env.json_as("audit", &["report", "quarterly", "--quarter", "2008/09-Q3"]);
    let councils: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["council"].as_str().unwrap())
        .collect();
    assert_eq!(councils, ["bromsgrove", "redditch"]);

    let md = report(&env, &["--quarter", "2008/09-Q3"]);
    assert_eq!(
        md.matches("# Shared services: quarterly report to").count(),
        2
    );
    assert!(md.contains("Redditch Borough Council") && md.contains("\n---\n"));
    for section in [
        "## Proposals by stage",
        "## Savings",
        "## Performance indicators",
        "## Reviews",
        "## Milestones",
        "## Coming up in 2008/09-Q4",
        "## Appendix for auditors: log anchor",
    ] {
        assert!(md.contains(section), "{section} missing");
    }

    let csv = report(
        &env,
        &[
            "--quarter",
            "2008/09-Q3",
            "--council",
            "redditch",
            "--format",
            "csv-long",
        ],
    );
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("quarter,council,section,proposal,item,value")
    );
    assert!(csv.contains("2008/09-Q3,redditch,saving,payroll,quarter_council,5000.00\r\n"));
    assert!(csv.contains("2008/09-Q3,redditch,log,,seq,"));
}

#[test]
fn bad_requests_are_refused_with_the_contracts_codes() {
    let env = programme();
    env.run(&["report", "quarterly", "--quarter", "2008-Q3"])
        .expect_code(2);
    env.run(&[
        "report",
        "quarterly",
        "--quarter",
        "2008/09-Q3",
        "--layout",
        "4",
    ])
    .expect_code(2);
    env.run(&[
        "report",
        "quarterly",
        "--quarter",
        "2008/09-Q3",
        "--known-at",
        "seq:x",
    ])
    .expect_code(2);
    env.run(&[
        "report",
        "quarterly",
        "--quarter",
        "2008/09-Q3",
        "--known-at",
        "yesterday",
    ])
    .expect_code(2);
    env.run(&[
        "report",
        "quarterly",
        "--quarter",
        "2008/09-Q3",
        "--council",
        "wyre-forest",
    ])
    .expect_code(3);
    env.run(&[
        "report",
        "quarterly",
        "--quarter",
        "2008/09-Q3",
        "--known-at",
        "seq:100000",
    ])
    .expect_code(3);
    env.run_as(
        "nobody",
        &["report", "quarterly", "--quarter", "2008/09-Q3"],
    )
    .expect_code(5);
}

#[test]
fn a_cut_given_as_an_instant_is_stated_as_its_log_position() {
    let env = programme();
    let by_instant = report(
        &env,
        &[
            "--quarter",
            "2008/09-Q3",
            "--council",
            "bromsgrove",
            "--known-at",
            "2009-01-21T08:00:00Z",
        ],
    );
    let position = by_instant
        .split('`')
        .find(|s| s.starts_with("seq:"))
        .expect("the report names its known_at as a log position")
        .to_string();
    assert!(
        !by_instant.contains("2009-01-21T08:00:00"),
        "the instant leaked into the report:\n{by_instant}"
    );
    let by_position = report(
        &env,
        &[
            "--quarter",
            "2008/09-Q3",
            "--council",
            "bromsgrove",
            "--known-at",
            &position,
        ],
    );
    assert_eq!(by_instant, by_position, "one cut, one document");
}
