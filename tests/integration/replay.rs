//! Auditors' two questions: what was true on a date, and what the system said on it.
//! Redditch's approval of shared elections was taken on 21 January 2009 and recorded on 26 January.

use crate::support::{elections, Env};
use serde_json::Value;

/// Elections up to council approval, Bromsgrove approving in December, Redditch on 21 Jan (recorded 26 Jan).
fn elections_awaiting_redditch() -> Env {
    let mut env = Env::bromsgrove_redditch("2008-09-01T18:00:00+01:00");
    env.at("2008-09-03T10:00:00+01:00");
    env.run_as("jce", elections::PROPOSE).ok();
    env.at("2008-10-20T15:00:00+01:00");
    env.run_as("jce", elections::TO_BUSINESS_CASE).ok();
    env.run_as(
        "jce",
        &[
            "proposal",
            "business-case",
            "elections",
            "--one-off-cost",
            "15000",
            "--annual-saving",
            "18000",
        ],
    )
    .ok();
    env.run_as(
        "jce",
        &["proposal", "advance", "elections", "--to", "consultation"],
    )
    .ok();
    env.run_as(
        "jce",
        &[
            "consultation",
            "open",
            "elections",
            "--with",
            "staff,unison",
        ],
    )
    .ok();
    env.at("2008-11-21T12:00:00+00:00");
    env.run_as("jce", &["consultation", "close", "elections"])
        .ok();
    env.run_as(
        "jce",
        &[
            "board",
            "vote",
            "elections",
            "--meeting",
            "2008-11-03",
            "--support",
            "bdc-leader,bdc-member-2,bdc-member-3,rbc-leader,rbc-member-2,rbc-member-3",
        ],
    )
    .ok();
    env.run_as(
        "jce",
        &[
            "proposal",
            "advance",
            "elections",
            "--to",
            "council-approval",
        ],
    )
    .ok();
    env.at("2008-12-15T09:00:00+00:00");
    env.run_as(
        "bdc-clerk",
        &[
            "council",
            "decide",
            "elections",
            "--council",
            "bromsgrove",
            "--decision",
            "approve",
            "--on",
            "2008-12-10",
        ],
    )
    .ok();
    env.at("2009-01-26T14:00:00+00:00");
    env.run_as(
        "rbc-clerk",
        &[
            "council",
            "decide",
            "elections",
            "--council",
            "redditch",
            "--decision",
            "approve",
            "--on",
            "2009-01-21",
        ],
    )
    .ok();
    env
}

fn replay(env: &Env, as_of: &str, basis: &str) -> Value {
    let run = env.run(&[
        "--json", "audit", "replay", "--as-of", as_of, "--basis", basis,
    ]);
    run.ok();
    run.json()
}

fn elections(doc: &Value) -> Option<&Value> {
    doc["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "elections")
}

#[test]
fn a_back_dated_decision_shows_by_when_it_was_taken_not_by_when_it_was_recorded() {
    let env = elections_awaiting_redditch();
    let effective = replay(&env, "2009-01-22", "effective");
    assert_eq!(effective["basis"], "effective");
    assert_eq!(effective["as_of"], "2009-01-22T23:59:59+00:00");
    assert_eq!(
        elections(&effective).unwrap()["approvals"]["redditch"],
        "approve"
    );
    let recorded = replay(&env, "2009-01-22", "recorded");
    assert_eq!(recorded["basis"], "recorded");
    assert_eq!(
        elections(&recorded).unwrap()["approvals"]["redditch"],
        "pending"
    );
    // By the day it was recorded, both bases agree.
    let later = replay(&env, "2009-01-26", "recorded");
    assert_eq!(
        elections(&later).unwrap()["approvals"]["redditch"],
        "approve"
    );
    // The default basis is effective; an instant works as well as a date.
    let default = replay(&env, "2009-01-21T00:00:00Z", "effective");
    assert_eq!(
        elections(&default).unwrap()["approvals"]["redditch"],
        "approve"
    );
    let before_the_meeting = replay(&env, "2009-01-20T23:59:59Z", "effective");
    assert_eq!(
        elections(&before_the_meeting).unwrap()["approvals"]["redditch"],
        "pending"
    );
}

#[test]
fn the_bases_differ_exactly_where_decisions_were_back_dated() {
    let env = elections_awaiting_redditch();
    for day in [
        "2008-09-10",
        "2008-11-30",
        "2008-12-20",
        "2009-01-20",
        "2009-01-27",
        "2009-02-01",
    ] {
        let e = replay(&env, day, "effective");
        let r = replay(&env, day, "recorded");
        let (e, r) = (elections(&e), elections(&r));
        // None of these days falls between a decision's taking and its recording.
        assert_eq!(
            e.map(|p| &p["approvals"]),
            r.map(|p| &p["approvals"]),
            "on {day} nothing back-dated is pending"
        );
    }
    let e = replay(&env, "2008-12-12", "effective");
    let r = replay(&env, "2008-12-12", "recorded");
    assert_eq!(elections(&e).unwrap()["approvals"]["bromsgrove"], "approve");
    assert_eq!(elections(&r).unwrap()["approvals"]["bromsgrove"], "pending");
}

#[test]
fn a_replay_before_a_proposal_existed_omits_it() {
    let env = elections_awaiting_redditch();
    let doc = replay(&env, "2008-08-31", "effective");
    assert!(elections(&doc).is_none());
    let doc = replay(&env, "2008-09-02", "recorded");
    assert!(
        elections(&doc).is_none(),
        "recorded on 3 Sep, so the log did not know it on 2 Sep"
    );
    let doc = replay(&env, "2008-09-02", "effective");
    assert!(elections(&doc).is_some(), "taken on 1 Sep");
}

#[test]
fn history_shows_both_times_and_the_human_replay_is_a_timeline() {
    let env = elections_awaiting_redditch();
    let history = env.run(&["--json", "proposal", "history", "elections"]);
    history.ok();
    let last = history.json().as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["effective_on"], "2009-01-21");
    assert_eq!(last["recorded_at"], "2009-01-26T14:00:00+00:00");
    assert_eq!(last["actor"], "rbc-clerk");
    let text = env.run(&[
        "audit",
        "replay",
        "--as-of",
        "2009-01-22",
        "--basis",
        "recorded",
    ]);
    text.ok();
    assert!(
        text.stdout
            .contains("2008-12-10  2008-12-15T09:00:00+00:00"),
        "{}",
        text.stdout
    );
    assert!(
        !text.stdout.contains("2009-01-26"),
        "the recorded replay of 22 Jan cannot know of 26 Jan:\n{}",
        text.stdout
    );
}

#[test]
fn a_bad_date_or_basis_is_a_usage_error() {
    let env = elections_awaiting_redditch();
    env.run(&["audit", "replay", "--as-of", "2009-02-30"])
        .expect_code(2);
    env.run(&[
        "audit",
        "replay",
        "--as-of",
        "2009-01-22",
        "--basis",
        "hindsight",
    ])
    .expect_code(2);
    env.run(&["--as", "nobody", "audit", "replay", "--as-of", "2009-01-22"])
        .expect_code(5);
}
