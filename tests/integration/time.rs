//! Time: reminders fall due by the contract's rules across the clock changes, fire exactly once
//! however often and however late the scheduler runs, and `scheduler run` shares the store.

mod dst;
mod feed;
mod run;

use crate::support::Env;
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Stdio;

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
