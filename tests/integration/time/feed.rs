//! `reminders ics`, checked by a real RFC 5545 parser (Python's `icalendar`): every event has an
//! end, a UID `ID@DOMAIN` unique in the feed and across partnerships, a description saying what to
//! do, a link when the web address is known, and only the window asked for.

use super::{go_live, listed};
use crate::support::{bromsgrove_redditch, Env};
use serde_json::Value;
use std::process::Stdio;

/// What the parser read of one event.
const PARSE: &str = r#"
import sys, json, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
out = []
for ev in cal.walk('VEVENT'):
    start = ev.decoded('DTSTART')
    end = ev.decoded('DTEND') if 'DTEND' in ev else None
    out.append({"uid": str(ev['UID']), "start": start.strftime('%Y-%m-%dT%H:%M:%SZ'),
                "utc": start.utcoffset() is not None and start.utcoffset().total_seconds() == 0,
                "minutes": (end - start).total_seconds() / 60 if end is not None else None,
                "summary": str(ev['SUMMARY']), "description": str(ev.get('DESCRIPTION', '')),
                "url": str(ev['URL']) if 'URL' in ev else None, "stamp": 'DTSTAMP' in ev})
print(json.dumps(out))
"#;

/// The feed's events as the parser read them; `None` when python3 with icalendar is missing
/// (a failure under CI).
fn parsed(feed: &str) -> Option<Vec<Value>> {
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
        return None;
    }
    let mut child = std::process::Command::new("python3")
        .args(["-c", PARSE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), feed.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "icalendar rejected the feed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

/// CRLF everywhere, no line longer than 75 octets.
fn assert_well_formed(feed: &str) {
    assert!(feed.ends_with("\r\n"));
    for line in feed.split("\r\n") {
        assert!(!line.contains('\n'), "a bare LF in {line:?}");
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
}

fn uids(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["uid"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_ics_feed_parses_with_a_real_icalendar_parser() {
    let mut env = Env::bromsgrove_redditch("2008-09-01T18:00:00+01:00");
    env.at("2008-10-01T10:00:00+01:00");
    go_live(&env, "payroll", "2008-10-01");
    env.run_as("jce", &["milestone", "add", "phase-3", "--title", "Phase 3: business case for long-term sharing, with a title long enough to fold — «accents»", "--due", "2009-07-31"]).ok();
    let feed = env.run(&[
        "reminders",
        "ics",
        "--base-url",
        "https://concordat.example.org/",
    ]);
    feed.ok();
    assert_well_formed(&feed.stdout);
    let listed: Vec<(String, String)> = listed(&env, "2009-10-01");
    let Some(events) = parsed(&feed.stdout) else {
        return;
    };
    let uids = uids(&events);
    let domain = "bromsgrove-and-redditch.concordat.invalid";
    for (id, _) in &listed {
        let uid = format!("{id}@{domain}");
        assert!(uids.contains(&uid), "{uid} missing from the feed");
    }
    let unique: std::collections::BTreeSet<&String> = uids.iter().collect();
    assert_eq!(unique.len(), uids.len(), "a UID twice: {uids:?}");
    assert!(uids.iter().all(|u| u.contains('@')));
    assert!(events
        .iter()
        .all(|e| e["utc"] == true && e["stamp"] == true && e["minutes"] == 30.0));
    let six = events
        .iter()
        .find(|e| e["uid"] == format!("review:payroll:bromsgrove:six-month:2009-04-01@{domain}"))
        .unwrap();
    assert_eq!(six["start"], "2009-04-01T08:00:00Z");
    assert_eq!(
        six["url"],
        "https://concordat.example.org/proposals/payroll"
    );
    let what = six["description"].as_str().unwrap();
    assert!(
        what.starts_with(
            "Bromsgrove District Council should review the shared service of \"Shared payroll\""
        ),
        "{what}"
    );
    assert!(
        what.contains("Due: 1 April 2009 at 09:00 (Europe/London)"),
        "{what}"
    );
    let long = events
        .iter()
        .find(|e| e["uid"] == format!("milestone:phase-3:overdue:2009-07-31@{domain}"))
        .unwrap();
    assert!(long["summary"].as_str().unwrap().contains("«accents»"));
    assert_eq!(long["url"], "https://concordat.example.org/upcoming");
}

#[test]
fn two_partnerships_in_one_calendar_never_collide() {
    let first = Env::bromsgrove_redditch("2008-09-01T18:00:00+01:00");
    let mut second = Env::new();
    second.at("2008-09-01T18:00:00+01:00");
    let file = second.path("worcs.toml");
    let text = std::fs::read_to_string(bromsgrove_redditch())
        .unwrap()
        .replacen(
            "name = \"Bromsgrove and Redditch\"",
            "name = \"Bromsgrove and Redditch\"\ndomain = \"shared.worcs.example\"",
            1,
        );
    std::fs::write(&file, text).unwrap();
    second.run(&["init", file.to_str().unwrap()]).ok();
    let shown = second.run(&["partnership", "show"]);
    assert!(shown
        .ok()
        .stdout
        .contains("Calendar domain: shared.worcs.example"));
    let a = first.run(&["reminders", "ics"]);
    let b = second.run(&["reminders", "ics"]);
    let (Some(a), Some(b)) = (parsed(&a.ok().stdout), parsed(&b.ok().stdout)) else {
        return;
    };
    assert!(
        a.iter().all(|e| e["url"].is_null()),
        "no address given, no link"
    );
    let (a, b) = (uids(&a), uids(&b));
    assert!(!a.is_empty() && a.len() == b.len(), "{a:?} / {b:?}");
    assert!(b.iter().all(|u| u.ends_with("@shared.worcs.example")));
    assert!(
        a.iter().all(|u| !b.contains(u)),
        "{a:?} and {b:?} share a UID"
    );
}

#[test]
fn a_bad_domain_is_refused_with_the_line() {
    let env = Env::new();
    let file = env.path("bad.toml");
    let text = std::fs::read_to_string(bromsgrove_redditch())
        .unwrap()
        .replacen("timezone =", "domain = \"not a domain\"\ntimezone =", 1);
    std::fs::write(&file, text).unwrap();
    let run = env.run(&["init", file.to_str().unwrap()]);
    run.expect_code(2);
    assert!(run.stderr.contains("is not a DNS name"), "{}", run.stderr);
}

#[test]
fn the_feed_keeps_to_its_window_however_long_the_scheduler_was_down() {
    let mut env = Env::bromsgrove_redditch("2008-09-01T18:00:00+01:00");
    // Eighteen years on, nothing has fired: the feed carries the last 90 days and the next year.
    env.at("2026-12-03T12:00:00+00:00");
    let feed = env.run(&["reminders", "ics"]);
    let Some(events) = parsed(&feed.ok().stdout) else {
        return;
    };
    let starts: Vec<&str> = events
        .iter()
        .map(|e| e["start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2026-10-01T08:00:00Z",
            "2027-01-01T09:00:00Z",
            "2027-04-01T08:00:00Z",
            "2027-07-01T08:00:00Z",
            "2027-10-01T08:00:00Z"
        ]
    );
    let wider = env.run(&["reminders", "ics", "--overdue-days", "365"]);
    let wider = parsed(&wider.ok().stdout).unwrap();
    assert_eq!(wider.len(), 8, "{wider:?}");
    let window = env.run(&[
        "reminders",
        "ics",
        "--from",
        "2009-01-01",
        "--until",
        "2009-12-31",
    ]);
    let window = parsed(&window.ok().stdout).unwrap();
    let starts: Vec<&str> = window
        .iter()
        .map(|e| e["start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2009-01-01T09:00:00Z",
            "2009-04-01T08:00:00Z",
            "2009-07-01T08:00:00Z",
            "2009-10-01T08:00:00Z"
        ]
    );
    let backwards = env.run(&[
        "reminders",
        "ics",
        "--from",
        "2010-01-01",
        "--until",
        "2009-12-31",
    ]);
    backwards.expect_code(2);
    assert!(
        backwards.stderr.contains("before it starts"),
        "{}",
        backwards.stderr
    );
    env.run(&[
        "reminders",
        "ics",
        "--from",
        "2009-01-01",
        "--overdue-days",
        "5",
    ])
    .expect_code(2);
    env.run(&["reminders", "ics", "--base-url", "ftp://x"])
        .expect_code(2);
}
