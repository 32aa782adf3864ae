//! The partnership's phase targets, amended by the Board, keeping their original dates.

use super::{ok, refused};
use crate::support::Env;

#[test]
fn the_boards_phase_targets_are_amended_and_keep_their_original_dates() {
    // Targets report §4.1 as amended by the Board on 1 September 2008.
    let mut env = Env::bromsgrove_redditch("2008-09-01T17:45:00+01:00");
    let at = "2008-09-01T18:00:00+01:00";
    ok(
        &mut env,
        at,
        "jce",
        &[
            "milestone",
            "add",
            "phase-2",
            "--title",
            "Identify medium-term opportunities",
            "--due",
            "2008-12-31",
            "--on",
            "2008-09-01",
        ],
    );
    refused(
        &mut env,
        at,
        "jce",
        &[
            "milestone",
            "add",
            "phase-2",
            "--title",
            "Again",
            "--due",
            "2008-12-31",
        ],
        4,
        "already taken",
    );
    ok(
        &mut env,
        "2008-09-03T10:00:00+01:00",
        "jce",
        &[
            "milestone",
            "amend",
            "phase-2",
            "--due",
            "2009-01-31",
            "--reason",
            "Board 1 Sep 2008: 31st December altered to 31st January",
            "--on",
            "2008-09-01",
        ],
    );
    refused(
        &mut env,
        at,
        "bdc-clerk",
        &["milestone", "complete", "phase-2"],
        5,
        "may not",
    );
    refused(
        &mut env,
        at,
        "jce",
        &["milestone", "complete", "phase-9"],
        3,
        "no milestone",
    );
    ok(
        &mut env,
        "2009-01-30T12:00:00+00:00",
        "jce",
        &["milestone", "complete", "phase-2", "--on", "2009-01-30"],
    );
    refused(
        &mut env,
        "2009-01-30T12:00:00+00:00",
        "jce",
        &["milestone", "complete", "phase-2"],
        3,
        "already completed",
    );
    let list = env.json_as("audit", &["milestone", "list"]);
    let m = &list[0];
    assert_eq!(
        (m["original_due"].as_str(), m["due"].as_str()),
        (Some("2008-12-31"), Some("2009-01-31"))
    );
    let amendment = &m["amendments"][0];
    assert_eq!(amendment["by"], "jce");
    assert_eq!(amendment["recorded_at"], "2008-09-03T10:00:00+01:00");
    assert!(amendment["reason"]
        .as_str()
        .unwrap()
        .contains("31st January"));
}
