//! Call-in through the binary (issue 11): three councils with three constitutions
//! (tests/fixtures/three-councils-call-in.toml). A shared payroll proposal waits for the last
//! council's window before it may go live; a call-in blocks it until scrutiny confirms; an urgent
//! decision does not wait; the windows show in `proposal show`, `reminders list|ics` and fire as
//! `call-in-closes`; and a partnership file without these settings behaves exactly as before.

use crate::support::{repo_root, Env, Run};
use serde_json::Value;

fn three_councils() -> String {
    repo_root()
        .join("tests/fixtures/three-councils-call-in.toml")
        .to_str()
        .unwrap()
        .to_string()
}

/// A store with the three councils, and `payroll` at council approval with a consensus Board
/// (all dated Tuesday 6 January 2009).
pub(crate) fn at_council_approval() -> Env {
    let mut env = Env::new();
    env.at("2009-01-05T09:00:00Z");
    env.run(&["init", &three_councils()]).ok();
    env.at("2009-01-06T10:00:00Z");
    let jce = |args: &[&str]| {
        env.run_as("jce", args).ok();
    };
    jce(&[
        "proposal",
        "new",
        "--title",
        "One payroll service",
        "--service",
        "payroll",
        "--lead",
        "bromsgrove",
        "--category",
        "medium-term",
    ]);
    jce(&[
        "proposal",
        "business-case",
        "payroll",
        "--one-off-cost",
        "30000",
        "--annual-saving",
        "90000",
    ]);
    jce(&["proposal", "advance", "payroll", "--to", "consultation"]);
    jce(&["consultation", "open", "payroll", "--with", "staff,unison"]);
    jce(&["consultation", "close", "payroll"]);
    jce(&["proposal", "advance", "payroll", "--to", "council-approval"]);
    jce(&[
        "board",
        "vote",
        "payroll",
        "--meeting",
        "2009-01-06",
        "--support",
        "bdc-leader,rbc-leader,wfdc-leader",
    ]);
    env
}

/// `council decide payroll --council C --decision approve` by its clerk at `now`, with `extra`.
pub(crate) fn approve(env: &mut Env, now: &str, clerk: &str, council: &str, extra: &[&str]) -> Run {
    env.at(now);
    let mut args = vec![
        "--json",
        "council",
        "decide",
        "payroll",
        "--council",
        council,
        "--decision",
        "approve",
    ];
    args.extend_from_slice(extra);
    env.run_as(clerk, &args)
}

fn go_live(env: &mut Env, now: &str) -> Run {
    env.at(now);
    env.run_as(
        "jce",
        &[
            "--json",
            "proposal",
            "advance",
            "payroll",
            "--to",
            "monitoring",
        ],
    )
}

fn show(env: &Env) -> Value {
    env.json_as("audit", &["proposal", "show", "payroll"])
}

fn details(run: &Run) -> Vec<String> {
    run.error_json()["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_proposal_waits_for_the_last_window_then_goes_live() {
    let mut env = at_council_approval();
    // Wednesday 14 January 2009, the evening meetings.
    for (clerk, council) in [
        ("bdc-clerk", "bromsgrove"),
        ("rbc-clerk", "redditch"),
        ("wfdc-clerk", "wyre-forest"),
    ] {
        let recorded = approve(&mut env, "2009-01-14T19:30:00Z", clerk, council, &[]);
        recorded.ok();
        let data = &recorded.json()["data"];
        assert!(data["decision_body"].is_string(), "{data}");
        assert_eq!(data["urgent"], false);
    }
    let view = show(&env);
    assert_eq!(view["approvals"]["redditch"], "approve");
    assert_eq!(view["decisions"]["bromsgrove"]["decision_body"], "cabinet");
    assert_eq!(
        view["decisions"]["wyre-forest"]["decision_body"],
        "full-council"
    );
    let closes = |c: &str| view["call_in"][c]["closes"].as_str().unwrap().to_string();
    assert_eq!(closes("bromsgrove"), "2009-01-19T12:00:00+00:00");
    assert_eq!(closes("redditch"), "2009-01-22T17:00:00+00:00");
    assert_eq!(closes("wyre-forest"), "2009-01-22T12:00:00+00:00");
    assert_eq!(view["call_in"]["redditch"]["status"], "open");

    // The guard names each council still inside its window, with its end (exit 3).
    let refused = go_live(&mut env, "2009-01-20T09:00:00Z");
    refused.expect_code(3);
    let unmet = details(&refused);
    assert_eq!(unmet.len(), 2, "{unmet:?}");
    assert!(unmet[0].contains("redditch") && unmet[0].contains("2009-01-22T17:00:00+00:00"));
    assert!(unmet[1].contains("wyre-forest") && unmet[1].contains("2009-01-22T12:00:00+00:00"));
    // At noon on the 22nd only Redditch's is left; at 17:00 it closes too.
    let refused = go_live(&mut env, "2009-01-22T12:00:00Z");
    refused.expect_code(3);
    assert_eq!(details(&refused).len(), 1);
    let view = show(&env);
    assert_eq!(view["call_in"]["bromsgrove"]["status"], "closed");
    assert_eq!(view["call_in"]["wyre-forest"]["status"], "closed");
    assert_eq!(view["call_in"]["redditch"]["status"], "open");
    let live = go_live(&mut env, "2009-01-22T17:00:00Z");
    live.ok();
    assert_eq!(live.json()["stage"], "monitoring");
    // A call-in once it has gone live: refused, every unmet condition named.
    env.at("2009-01-22T17:05:00Z");
    let late = env.run_as(
        "rbc-clerk",
        &[
            "--json",
            "council",
            "call-in",
            "payroll",
            "--council",
            "redditch",
            "--reason",
            "x",
        ],
    );
    late.expect_code(3);
    let unmet = details(&late);
    assert!(unmet[0].contains("only at council-approval"), "{unmet:?}");
    assert!(unmet[1].contains("window closed"), "{unmet:?}");
}

#[test]
fn a_call_in_blocks_going_live_until_scrutiny_confirms() {
    let mut env = at_council_approval();
    for (clerk, council) in [
        ("bdc-clerk", "bromsgrove"),
        ("rbc-clerk", "redditch"),
        ("wfdc-clerk", "wyre-forest"),
    ] {
        approve(&mut env, "2009-01-14T19:30:00Z", clerk, council, &[]).ok();
    }
    env.at("2009-01-16T10:00:00Z");
    let call_in = |env: &Env, actor: &str, council: &str| {
        env.run_as(
            actor,
            &[
                "--json",
                "council",
                "call-in",
                "payroll",
                "--council",
                council,
                "--reason",
                "Overview and Scrutiny Board: the staffing model",
            ],
        )
    };
    // Only that council's clerk (or an admin) may record it (exit 5).
    call_in(&env, "bdc-clerk", "redditch").expect_code(5);
    call_in(&env, "jce", "redditch").expect_code(5);
    let recorded = call_in(&env, "rbc-clerk", "redditch");
    recorded.ok();
    assert_eq!(recorded.json()["event"], "call-in-requested");
    assert_eq!(
        recorded.json()["data"]["closes"],
        "2009-01-22T17:00:00+00:00"
    );
    call_in(&env, "rbc-clerk", "redditch").expect_code(3);

    // Long after every window closed, the call-in still blocks.
    let refused = go_live(&mut env, "2009-02-02T09:00:00Z");
    refused.expect_code(3);
    let unmet = details(&refused);
    assert_eq!(unmet.len(), 1, "{unmet:?}");
    assert!(unmet[0].contains("suspended by a call-in"), "{unmet:?}");
    let view = show(&env);
    assert_eq!(view["call_in"]["redditch"]["status"], "called-in");
    assert_eq!(
        view["call_in"]["redditch"]["requested"]["reason"],
        "Overview and Scrutiny Board: the staffing model"
    );

    // A bad outcome is a usage error; a council not called in is refused.
    env.at("2009-02-03T15:00:00Z");
    let resolve = |env: &Env, council: &str, outcome: &str| {
        env.run_as(
            "admin",
            &[
                "--json",
                "council",
                "call-in-resolved",
                "payroll",
                "--council",
                council,
                "--outcome",
                outcome,
            ],
        )
    };
    resolve(&env, "redditch", "upheld").expect_code(2);
    resolve(&env, "bromsgrove", "confirmed").expect_code(3);
    resolve(&env, "redditch", "confirmed").ok();
    assert_eq!(show(&env)["call_in"]["redditch"]["status"], "confirmed");
    // Back-dated before the confirmation it still does not count; from then it does.
    env.at("2009-02-03T15:30:00Z");
    env.run_as(
        "jce",
        &[
            "proposal",
            "advance",
            "payroll",
            "--to",
            "monitoring",
            "--on",
            "2009-02-02",
        ],
    )
    .expect_code(3);
    go_live(&mut env, "2009-02-03T15:30:00Z").ok();
}

#[test]
fn an_urgent_decision_does_not_wait() {
    let mut env = at_council_approval();
    // Redditch's constitution does not exempt urgent decisions: refused in plain words.
    let refused = approve(
        &mut env,
        "2009-01-14T19:30:00Z",
        "rbc-clerk",
        "redditch",
        &["--urgent"],
    );
    refused.expect_code(3);
    assert!(refused.error_json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("does not exempt urgent decisions"));
    // --urgent on anything but an approval is a usage error (before permission).
    env.at("2009-01-14T19:30:00Z");
    env.run_as(
        "jce",
        &[
            "council",
            "decide",
            "payroll",
            "--council",
            "redditch",
            "--decision",
            "defer",
            "--urgent",
        ],
    )
    .expect_code(2);
    // Redditch decided at its meeting on the 6th: its window (5 clear days) closed at 17:00 on the 14th.
    approve(
        &mut env,
        "2009-01-14T19:30:00Z",
        "rbc-clerk",
        "redditch",
        &["--on", "2009-01-06"],
    )
    .ok();
    for (clerk, council) in [("bdc-clerk", "bromsgrove"), ("wfdc-clerk", "wyre-forest")] {
        let recorded = approve(
            &mut env,
            "2009-01-14T19:30:00Z",
            clerk,
            council,
            &["--urgent"],
        );
        recorded.ok();
        assert_eq!(recorded.json()["data"]["urgent"], true);
        assert!(recorded.json()["data"].get("call_in_closes").is_none());
    }
    assert_eq!(show(&env)["call_in"]["bromsgrove"]["status"], "urgent");
    // Live the same evening: nothing to wait for.
    go_live(&mut env, "2009-01-14T20:00:00Z").ok();
}

#[test]
fn windows_show_as_reminders_and_fire_when_they_close() {
    let mut env = at_council_approval();
    approve(
        &mut env,
        "2009-01-14T19:30:00Z",
        "bdc-clerk",
        "bromsgrove",
        &[],
    )
    .ok();
    env.at("2009-01-15T09:00:00Z");
    let list = env.json_as("audit", &["reminders", "list"]);
    let windows: Vec<(&str, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "call-in-closes")
        .map(|r| (r["id"].as_str().unwrap(), r["due"].as_str().unwrap()))
        .collect();
    assert_eq!(
        windows,
        [(
            "call-in:payroll:bromsgrove:2009-01-19T12:00:00+00:00",
            "2009-01-19T12:00:00+00:00"
        )]
    );
    let next = &show(&env)["next_reminders"];
    assert_eq!(next[0]["kind"], "call-in-closes");
    let ics = env.run(&["reminders", "ics"]);
    ics.ok();
    assert!(ics
        .stdout
        .contains("UID:call-in:payroll:bromsgrove:2009-01-19T12:00:00+00:00"));
    assert!(ics.stdout.contains("DTSTART:20090119T120000Z"));
    // The scheduler fires it once, at the window's end.
    let outbox = env.path("outbox");
    let tick = |env: &Env| {
        env.json_as(
            "ops",
            &["scheduler", "tick", "--outbox", outbox.to_str().unwrap()],
        )
    };
    env.at("2009-01-19T11:59:00Z");
    assert_eq!(tick(&env)["fired"].as_array().unwrap().len(), 0);
    env.at("2009-01-19T12:00:30Z");
    let fired = tick(&env)["fired"].clone();
    assert_eq!(fired[0]["kind"], "call-in-closes");
    assert_eq!(fired[0]["council"], "bromsgrove");
    assert_eq!(fired[0]["late"], false);
    assert_eq!(tick(&env)["fired"].as_array().unwrap().len(), 0);
}

#[test]
fn a_partnership_without_constitutions_behaves_as_before() {
    let mut env = Env::bromsgrove_redditch("2009-01-05T09:00:00Z");
    env.at("2009-01-06T10:00:00Z");
    for args in [
        &[
            "proposal",
            "new",
            "--title",
            "Payroll",
            "--service",
            "payroll",
            "--lead",
            "bromsgrove",
        ][..],
        &["proposal", "advance", "payroll", "--to", "business-case"],
        &[
            "proposal",
            "business-case",
            "payroll",
            "--one-off-cost",
            "1",
            "--annual-saving",
            "2",
        ],
        &["proposal", "advance", "payroll", "--to", "consultation"],
        &["consultation", "open", "payroll", "--with", "staff,unison"],
        &["consultation", "close", "payroll"],
        &["proposal", "advance", "payroll", "--to", "council-approval"],
        &[
            "board",
            "vote",
            "payroll",
            "--meeting",
            "2009-01-06",
            "--support",
            "bdc-leader,bdc-member-2,rbc-leader,rbc-member-2",
        ],
    ] {
        env.run_as("jce", args).ok();
    }
    let refused = approve(
        &mut env,
        "2009-01-14T19:30:00Z",
        "bdc-clerk",
        "bromsgrove",
        &["--urgent"],
    );
    refused.expect_code(3);
    for (clerk, council) in [("bdc-clerk", "bromsgrove"), ("rbc-clerk", "redditch")] {
        let recorded = approve(&mut env, "2009-01-14T19:30:00Z", clerk, council, &[]);
        recorded.ok();
        let data = recorded.json()["data"].clone();
        let keys: Vec<&String> = data.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["council", "decision", "minute", "moves_to"]);
    }
    env.at("2009-01-14T19:31:00Z");
    let call_in = env.run_as(
        "bdc-clerk",
        &[
            "--json",
            "council",
            "call-in",
            "payroll",
            "--council",
            "bromsgrove",
            "--reason",
            "x",
        ],
    );
    call_in.expect_code(3);
    assert!(details(&call_in)[0].contains("has no call-in window"));
    let view = show(&env);
    assert_eq!(view["call_in"], serde_json::json!({}));
    assert_eq!(
        view["decisions"]["bromsgrove"]["decision_body"],
        Value::Null
    );
    go_live(&mut env, "2009-01-14T19:32:00Z").ok();
}

#[test]
fn a_bad_constitution_is_refused_with_its_line() {
    let mut env = Env::new();
    env.at("2009-01-05T09:00:00Z");
    let text = std::fs::read_to_string(three_councils())
        .unwrap()
        .replace("closes_at = \"17:00\"", "closes_at = \"5pm\"");
    let path = env.path("bad.toml");
    std::fs::write(&path, &text).unwrap();
    let run = env.run(&["--json", "init", path.to_str().unwrap()]);
    run.expect_code(2);
    let line = text.lines().position(|l| l.contains("5pm")).unwrap() + 1;
    let message = run.error_json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains(&format!("line {line}: council \"redditch\"")),
        "{message}"
    );
    assert!(message.contains("HH:MM"), "{message}");
}
