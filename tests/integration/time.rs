//! Time: reminders fall due by the contract's rules across the clock changes, fire exactly once
//! however often and however late the scheduler runs, and `scheduler run` shares the store.

use crate::support::{bromsgrove_redditch, Env, Run};
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Takes `service` through every stage to `monitoring`, going live on `on` (all steps dated `on`).
pub fn go_live(env: &Env, service: &str, on: &str) {
    let jce = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--on", on]);
        env.run_as("jce", &all).ok();
    };
    jce(&[
        "proposal",
        "new",
        "--title",
        &format!("Shared {service}"),
        "--service",
        service,
        "--lead",
        "bromsgrove",
    ]);
    jce(&["proposal", "advance", service, "--to", "business-case"]);
    jce(&[
        "proposal",
        "business-case",
        service,
        "--one-off-cost",
        "12000",
        "--annual-saving",
        "40000",
    ]);
    jce(&["proposal", "advance", service, "--to", "consultation"]);
    jce(&["consultation", "open", service, "--with", "staff,unison"]);
    jce(&["consultation", "close", service]);
    jce(&[
        "board",
        "vote",
        service,
        "--meeting",
        on,
        "--support",
        "bdc-leader,bdc-member-2,bdc-member-3,rbc-leader,rbc-member-2,rbc-member-3",
    ]);
    jce(&["proposal", "advance", service, "--to", "council-approval"]);
    for (clerk, council) in [("bdc-clerk", "bromsgrove"), ("rbc-clerk", "redditch")] {
        env.run_as(
            clerk,
            &[
                "council",
                "decide",
                service,
                "--council",
                council,
                "--decision",
                "approve",
                "--on",
                on,
            ],
        )
        .ok();
    }
    jce(&["proposal", "advance", service, "--to", "monitoring"]);
}

/// `reminders list --until DATE` as (id, due) pairs.
pub fn listed(env: &Env, until: &str) -> Vec<(String, String)> {
    env.json_as("audit", &["reminders", "list", "--until", until])
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["due"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// One `scheduler tick --json` as `ops`, with the outbox in the scratch directory.
pub fn tick(env: &Env) -> Value {
    let outbox = env.path("outbox");
    env.json_as(
        "ops",
        &["scheduler", "tick", "--outbox", outbox.to_str().unwrap()],
    )
}

/// The fired reminders of a tick: id → late.
pub fn fired(tick: &Value) -> BTreeMap<String, bool> {
    tick["fired"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["late"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// The `reminder-fired` events in the log: their reminder ids, in log order.
pub fn fired_in_log(env: &Env) -> Vec<String> {
    env.json_as("audit", &["audit", "export"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "reminder-fired")
        .map(|e| e["data"]["id"].as_str().unwrap().to_string())
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn quarterly_reports_fall_at_nine_local_across_the_2008_to_2010_clock_changes() {
    let env = Env::bromsgrove_redditch("2008-01-01T00:00:00+00:00");
    let quarterly: Vec<(String, String)> = listed(&env, "2010-12-31");
    let mut expected = Vec::new();
    for year in 2008..=2010 {
        for (month, offset) in [
            ("01", "+00:00"),
            ("04", "+01:00"),
            ("07", "+01:00"),
            ("10", "+01:00"),
        ] {
            let due = format!("{year}-{month}-01T09:00:00{offset}");
            expected.push((format!("quarterly-report:{due}"), due));
        }
    }
    assert_eq!(quarterly, expected);
}

#[test]
fn review_reminders_clamp_to_the_end_of_february_from_the_go_live_date() {
    let mut env = Env::bromsgrove_redditch("2008-08-01T10:00:00+01:00");
    env.at("2008-08-31T10:00:00+01:00");
    go_live(&env, "payroll", "2008-08-31");
    let reviews: Vec<(String, String)> = listed(&env, "2010-09-01")
        .into_iter()
        .filter(|(id, _)| id.starts_with("review:payroll:bromsgrove"))
        .collect();
    assert_eq!(
        reviews,
        pairs(&[
            (
                "review:payroll:bromsgrove:six-month:2009-02-28",
                "2009-02-28T09:00:00+00:00"
            ),
            (
                "review:payroll:bromsgrove:twelve-month:2009-08-31",
                "2009-08-31T09:00:00+01:00"
            ),
            (
                "review:payroll:bromsgrove:annual:2010-08-31",
                "2010-08-31T09:00:00+01:00"
            ),
        ])
    );
    // In a leap year, 31 Aug + 6 months is 29 Feb.
    env.at("2011-08-31T10:00:00+01:00");
    go_live(&env, "elections", "2011-08-31");
    let six: Vec<String> = listed(&env, "2012-03-31")
        .into_iter()
        .filter(|(id, _)| id.starts_with("review:elections:redditch:six-month"))
        .map(|(_, due)| due)
        .collect();
    assert_eq!(six, ["2012-02-29T09:00:00+00:00"]);
}

#[test]
fn after_four_months_down_each_missed_reminder_fires_once_marked_late() {
    let mut env = Env::bromsgrove_redditch("2008-09-01T17:45:00+01:00");
    env.at("2008-10-15T10:00:00+01:00");
    go_live(&env, "payroll", "2008-10-15");
    env.run_as(
        "jce",
        &[
            "milestone",
            "add",
            "cutover",
            "--title",
            "Payroll cut-over complete",
            "--due",
            "2009-05-31",
            "--proposal",
            "payroll",
        ],
    )
    .ok();

    // On time: a tick thirty seconds after 09:00 on 1 April is not late.
    env.at("2009-04-01T09:00:30+01:00");
    let on_time = fired(&tick(&env));
    assert_eq!(
        on_time.get("quarterly-report:2009-04-01T09:00:00+01:00"),
        Some(&false)
    );

    // Then the scheduler is down for four months.
    env.at("2009-08-01T10:00:00+01:00");
    let caught_up = fired(&tick(&env));
    let expected = [
        "review:payroll:bromsgrove:six-month:2009-04-15",
        "review:payroll:redditch:six-month:2009-04-15",
        "milestone:cutover:approaching:14:2009-05-31",
        "milestone:cutover:approaching:1:2009-05-31",
        "milestone:cutover:overdue:2009-05-31",
        "quarterly-report:2009-07-01T09:00:00+01:00",
    ];
    assert_eq!(
        caught_up.keys().cloned().collect::<Vec<_>>().len(),
        expected.len(),
        "{caught_up:?}"
    );
    for id in expected {
        assert_eq!(
            caught_up.get(id),
            Some(&true),
            "{id} should have fired late: {caught_up:?}"
        );
    }

    // A second tick at the same instant fires nothing; nothing fired twice.
    let again = tick(&env);
    assert_eq!(again["fired"], serde_json::json!([]));
    assert_eq!(again["reports"], serde_json::json!([]));
    let log = fired_in_log(&env);
    let mut distinct = log.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), log.len(), "a reminder fired twice: {log:?}");
    // And what fired is no longer listed.
    assert!(listed(&env, "2009-08-01").is_empty());
}

#[test]
fn ticks_racing_at_the_same_instant_fire_each_reminder_once() {
    let mut env = Env::bromsgrove_redditch("2008-09-01T17:45:00+01:00");
    env.at("2008-10-15T10:00:00+01:00");
    go_live(&env, "payroll", "2008-10-15");
    env.at("2009-10-20T10:00:00+01:00");
    let outbox = env.path("outbox");
    let children: Vec<_> = (0..4)
        .map(|_| {
            let mut cmd = env.command(&[
                "--as",
                "ops",
                "--json",
                "scheduler",
                "tick",
                "--outbox",
                outbox.to_str().unwrap(),
            ]);
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
            cmd.spawn().expect("spawn")
        })
        .collect();
    let mut ids = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        ids.extend(fired(&doc).into_keys());
    }
    let mut distinct = ids.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        ids.len(),
        "one reminder reported fired twice: {ids:?}"
    );
    assert_eq!(fired_in_log(&env).len(), ids.len());
    assert!(ids.contains(&"review:payroll:redditch:six-month:2009-04-15".to_string()));
}

#[test]
fn a_completed_milestones_overdue_reminder_never_fires() {
    let mut env = Env::bromsgrove_redditch("2009-03-01T10:00:00+00:00");
    env.run_as(
        "jce",
        &[
            "milestone",
            "add",
            "phase-3",
            "--title",
            "Phase 3 business case",
            "--due",
            "2009-03-31",
        ],
    )
    .ok();
    env.at("2009-03-18T12:00:00+00:00");
    assert_eq!(
        fired(&tick(&env)).into_keys().collect::<Vec<_>>(),
        ["milestone:phase-3:approaching:14:2009-03-31"]
    );
    env.at("2009-03-20T12:00:00+00:00");
    env.run_as("jce", &["milestone", "complete", "phase-3"])
        .ok();
    assert!(listed(&env, "2009-06-30")
        .iter()
        .all(|(id, _)| !id.starts_with("milestone:")));
    env.at("2009-04-05T12:00:00+01:00");
    let after = fired(&tick(&env));
    assert!(
        after.keys().all(|id| !id.starts_with("milestone:")),
        "{after:?}"
    );
    assert!(fired_in_log(&env).iter().all(|id| !id.contains("overdue")));
}

#[test]
fn amending_a_milestone_moves_its_reminders() {
    let env = Env::bromsgrove_redditch("2008-09-01T18:00:00+01:00");
    env.run_as(
        "jce",
        &[
            "milestone",
            "add",
            "phase-2",
            "--title",
            "Phase 2",
            "--due",
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
            "2009-01-31",
            "--reason",
            "holidays",
        ],
    )
    .ok();
    let milestones: Vec<(String, String)> = listed(&env, "2009-03-31")
        .into_iter()
        .filter(|(id, _)| id.starts_with("milestone:"))
        .collect();
    assert_eq!(
        milestones,
        pairs(&[
            (
                "milestone:phase-2:approaching:14:2009-01-31",
                "2009-01-17T09:00:00+00:00"
            ),
            (
                "milestone:phase-2:approaching:1:2009-01-31",
                "2009-01-30T09:00:00+00:00"
            ),
            (
                "milestone:phase-2:overdue:2009-01-31",
                "2009-02-01T09:00:00+00:00"
            ),
        ])
    );
}

#[test]
fn a_review_recorded_cancels_that_councils_pending_reminder_of_that_kind() {
    let mut env = Env::bromsgrove_redditch("2008-09-01T18:00:00+01:00");
    env.at("2008-10-01T10:00:00+01:00");
    go_live(&env, "payroll", "2008-10-01");
    env.at("2009-03-20T10:00:00+00:00");
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
            "terminate",
        ],
    )
    .ok();
    let reviews: Vec<String> = listed(&env, "2009-10-01")
        .into_iter()
        .map(|(id, _)| id)
        .filter(|id| id.starts_with("review:"))
        .collect();
    assert_eq!(
        reviews,
        [
            "review:payroll:redditch:six-month:2009-04-01",
            "review:payroll:bromsgrove:twelve-month:2009-10-01",
            "review:payroll:redditch:twelve-month:2009-10-01",
        ]
    );
    // proposal show lists the same, as next_reminders.
    let show = env.json_as("audit", &["proposal", "show", "payroll"]);
    let next: Vec<&str> = show["next_reminders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(&next[..3], &reviews[..]);
    assert!(next.iter().all(|id| !id.contains("bromsgrove:six-month")));
}

#[test]
fn on_hold_reminders_wait_for_resume_and_fire_late_and_an_end_cancels_them() {
    let mut env = Env::bromsgrove_redditch("2008-09-01T18:00:00+01:00");
    env.at("2008-10-01T10:00:00+01:00");
    go_live(&env, "payroll", "2008-10-01");
    go_live(&env, "elections", "2008-10-01");
    env.at("2009-03-01T10:00:00+00:00");
    env.run_as(
        "jce",
        &["proposal", "hold", "payroll", "--reason", "grant funding"],
    )
    .ok();
    env.run_as(
        "jce",
        &["proposal", "close", "elections", "--reason", "merged"],
    )
    .ok();
    env.at("2009-04-02T10:00:00+01:00");
    let during = fired(&tick(&env));
    assert!(
        during.keys().all(|id| !id.starts_with("review:")),
        "{during:?}"
    );
    env.at("2009-05-01T10:00:00+01:00");
    env.run_as(
        "jce",
        &[
            "proposal",
            "resume",
            "payroll",
            "--reason",
            "funding agreed",
        ],
    )
    .ok();
    let after = fired(&tick(&env));
    assert_eq!(
        after.get("review:payroll:bromsgrove:six-month:2009-04-01"),
        Some(&true)
    );
    assert_eq!(
        after.get("review:payroll:redditch:six-month:2009-04-01"),
        Some(&true)
    );
    assert!(
        after.keys().all(|id| !id.contains("elections")),
        "{after:?}"
    );
}

#[test]
fn only_the_scheduler_or_an_admin_may_tick() {
    let env = Env::bromsgrove_redditch("2009-01-01T10:00:00+00:00");
    env.run(&["scheduler", "tick"]).expect_code(2);
    env.run_as("jce", &["scheduler", "tick"]).expect_code(5);
    env.run_as("audit", &["scheduler", "tick"]).expect_code(5);
    let outbox = env.path("outbox");
    env.run_as(
        "admin",
        &["scheduler", "tick", "--outbox", outbox.to_str().unwrap()],
    )
    .ok();
}

/// The 2008 partnership with a daily 01:30 schedule.
fn half_past_one(now: &str) -> Env {
    let mut env = Env::new();
    env.at(now);
    let text = std::fs::read_to_string(bromsgrove_redditch())
        .unwrap()
        .replace("\"0 0 9 1 Jan,Apr,Jul,Oct *\"", "\"0 30 1 * * *\"");
    let file = env.path("half-past-one.toml");
    std::fs::write(&file, text).unwrap();
    env.run(&["init", file.to_str().unwrap()]).ok();
    env
}

#[test]
fn a_half_past_one_schedule_falls_due_once_when_the_clocks_go_forward() {
    let mut env = half_past_one("2009-03-27T12:00:00+00:00");
    let spring: Vec<String> = listed(&env, "2009-03-30")
        .into_iter()
        .map(|(_, due)| due)
        .collect();
    // 01:30 does not exist on 29 March: due once, at the end of the gap (02:00 BST).
    assert_eq!(
        spring,
        [
            "2009-03-28T01:30:00+00:00",
            "2009-03-29T02:00:00+01:00",
            "2009-03-30T01:30:00+01:00"
        ]
    );
    env.at("2009-03-29T00:59:00+00:00");
    tick(&env);
    env.at("2009-03-29T02:00:20+01:00");
    let fired_at_gap_end = fired(&tick(&env));
    assert_eq!(
        fired_at_gap_end.get("quarterly-report:2009-03-29T02:00:00+01:00"),
        Some(&false)
    );
}

#[test]
fn a_half_past_one_schedule_falls_due_once_when_the_clocks_go_back() {
    let mut env = half_past_one("2009-10-23T12:00:00+01:00");
    let autumn: Vec<String> = listed(&env, "2009-10-26")
        .into_iter()
        .map(|(_, due)| due)
        .collect();
    // 01:30 happens twice on 25 October: due once, at the first (BST).
    assert_eq!(
        autumn,
        [
            "2009-10-24T01:30:00+01:00",
            "2009-10-25T01:30:00+01:00",
            "2009-10-26T01:30:00+00:00"
        ]
    );
    env.at("2009-10-24T12:00:00+01:00");
    tick(&env);
    env.at("2009-10-25T01:31:00+01:00");
    let first = fired(&tick(&env));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        ["quarterly-report:2009-10-25T01:30:00+01:00"]
    );
    // An hour later the clock reads 01:31 again (GMT): nothing more falls due.
    env.at("2009-10-25T01:31:00+00:00");
    assert_eq!(tick(&env)["fired"], serde_json::json!([]));
}

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

#[test]
fn the_ics_feed_parses_with_a_real_icalendar_parser() {
    let mut env = Env::bromsgrove_redditch("2008-09-01T18:00:00+01:00");
    env.at("2008-10-01T10:00:00+01:00");
    go_live(&env, "payroll", "2008-10-01");
    env.run_as("jce", &["milestone", "add", "phase-3", "--title", "Phase 3: business case for long-term sharing, with a title long enough to fold — «accents»", "--due", "2009-07-31"]).ok();
    let feed = env.run(&["reminders", "ics"]);
    feed.ok();
    let bytes = feed.stdout.as_bytes();
    // CRLF everywhere, no line longer than 75 octets.
    assert!(feed.stdout.ends_with("\r\n"));
    for line in feed.stdout.split("\r\n") {
        assert!(!line.contains('\n'), "a bare LF in {line:?}");
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    assert!(bytes.len() > 100);
    let listed: Vec<(String, String)> = listed(&env, "2009-10-01");

    let script = r#"
import sys, json, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
out = []
for ev in cal.walk('VEVENT'):
    start = ev.decoded('DTSTART')
    out.append({"uid": str(ev['UID']), "start": start.strftime('%Y-%m-%dT%H:%M:%SZ'),
                "utc": start.utcoffset() is not None and start.utcoffset().total_seconds() == 0,
                "summary": str(ev['SUMMARY']), "stamp": 'DTSTAMP' in ev})
print(json.dumps(out))
"#;
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let check = std::process::Command::new("python3")
        .args(["-c", "import icalendar"])
        .output();
    if !matches!(&check, Ok(o) if o.status.success()) {
        assert!(
            !ci,
            "CI=true needs python3 with icalendar (python3 -m pip install icalendar)"
        );
        eprintln!("skipping the parser check: python3 with icalendar is not installed");
        return;
    }
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "icalendar rejected the feed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let uids: Vec<&str> = events.iter().map(|e| e["uid"].as_str().unwrap()).collect();
    for (id, _) in &listed {
        assert!(uids.contains(&id.as_str()), "{id} missing from the feed");
    }
    assert!(events
        .iter()
        .all(|e| e["utc"] == true && e["stamp"] == true));
    let six = events
        .iter()
        .find(|e| e["uid"] == "review:payroll:bromsgrove:six-month:2009-04-01")
        .unwrap();
    assert_eq!(six["start"], "2009-04-01T08:00:00Z");
    let long = events
        .iter()
        .find(|e| e["uid"] == "milestone:phase-3:overdue:2009-07-31")
        .unwrap();
    assert!(long["summary"].as_str().unwrap().contains("«accents»"));
}
