//! `reminders ics`, checked by a real RFC 5545 parser (Python's `icalendar`).

use super::{go_live, listed};
use crate::support::Env;
use serde_json::Value;
use std::process::Stdio;

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
