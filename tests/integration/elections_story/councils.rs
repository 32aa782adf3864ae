//! December 2008 and January 2009: each council decides for itself, through its own clerk.

use super::{ok, refused};
use crate::support::{elections, Env};

/// Bromsgrove approves; its clerk, having declared an interest, may not record more.
pub(super) fn bromsgrove_approves(env: &mut Env) {
    // Each council stays sovereign: only its own clerk records its decision.
    refused(
        env,
        "2008-12-11T09:00:00+00:00",
        "bdc-clerk",
        &[
            "council",
            "decide",
            "elections",
            "--council",
            "redditch",
            "--decision",
            "approve",
        ],
        5,
        "redditch's clerk",
    );
    ok(
        env,
        "2008-12-15T09:00:00+00:00",
        "bdc-clerk",
        elections::BROMSGROVE_APPROVES,
    );
    // One of the Bromsgrove applicants for the elections post is the clerk's relative: recused.
    ok(
        env,
        "2008-12-15T09:05:00+00:00",
        "bdc-clerk",
        &[
            "proposal",
            "declare-interest",
            "elections",
            "--reason",
            "a relative applied for the elections manager post",
        ],
    );
    refused(
        env,
        "2008-12-16T09:00:00+00:00",
        "bdc-clerk",
        &[
            "council",
            "decide",
            "elections",
            "--council",
            "bromsgrove",
            "--decision",
            "approve",
            "--minute",
            "corrected",
        ],
        5,
        "declared an interest",
    );
}

/// Redditch defers, which holds the proposal back, then approves against the version it read.
pub(super) fn redditch_defers_then_approves(env: &mut Env) {
    let deferred = ok(
        env,
        "2008-12-17T09:00:00+00:00",
        "rbc-clerk",
        &[
            "council",
            "decide",
            "elections",
            "--council",
            "redditch",
            "--decision",
            "defer",
            "--minute",
            "RBC Council 15 Dec 2008: the ICT costs to be reported",
            "--on",
            "2008-12-15",
        ],
    );
    let version = deferred["version"].as_u64().unwrap();
    // Refused: one approval only (a deferral counts as not yet approved).
    refused(
        env,
        "2008-12-18T09:00:00+00:00",
        "jce",
        &["proposal", "advance", "elections", "--to", "monitoring"],
        3,
        "redditch decided defer",
    );

    // Refused: a stale --expect-version (someone else changed it since it was read).
    let stale = (version - 1).to_string();
    refused(
        env,
        "2009-01-26T14:00:00+00:00",
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
            "--expect-version",
            &stale,
        ],
        4,
        &format!("at version {version}"),
    );
    // The Redditch decision, taken on 21 January, recorded on 26 January.
    let current = version.to_string();
    let approved = ok(
        env,
        "2009-01-26T14:00:00+00:00",
        "rbc-clerk",
        &[
            "council",
            "decide",
            "elections",
            "--council",
            "redditch",
            "--decision",
            "approve",
            "--minute",
            "RBC Council 21 Jan 2009",
            "--on",
            "2009-01-21",
            "--expect-version",
            &current,
        ],
    );
    assert_eq!(approved["version"].as_u64(), Some(version + 1));
    assert_eq!(approved["recorded_at"], "2009-01-26T14:00:00+00:00");
}
