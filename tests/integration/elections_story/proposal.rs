//! September and October 2008: the quick win proposed, the council's call for a business case,
//! and the case itself with its shares of the costs and savings.

use super::{ok, refused};
use crate::support::{elections, Env};

/// The proposal recorded; its id is taken once, and a quick win cannot skip its business case.
pub(super) fn the_quick_win_is_proposed(env: &mut Env) {
    let created = ok(
        env,
        "2008-09-03T10:10:00+01:00",
        "jce",
        &[
            "proposal",
            "new",
            "--title",
            "A single elections team for both councils",
            "--service",
            "elections",
            "--lead",
            "bromsgrove",
            "--on",
            "2008-09-01",
        ],
    );
    assert_eq!(created["id"], "elections");
    assert_eq!(created["stage"], "quick-win");
    assert_eq!(created["version"], 1);
    refused(
        env,
        "2008-09-03T10:11:00+01:00",
        "jce",
        &[
            "proposal",
            "new",
            "--id",
            "elections",
            "--title",
            "Elections again",
            "--service",
            "elections",
            "--lead",
            "bromsgrove",
        ],
        4,
        "already taken",
    );

    // Refused: a quick win does not skip its business case.
    refused(
        env,
        "2008-09-03T10:12:00+01:00",
        "jce",
        &["proposal", "advance", "elections", "--to", "consultation"],
        3,
        "cannot be skipped",
    );
}

/// Council's approval of the quick wins moves the proposal to its business case.
pub(super) fn the_council_asks_for_a_business_case(env: &mut Env) {
    // 17 September 2008: Council approves the quick wins; "a business case be developed for a
    // single elections team ... It is proposed that Bromsgrove should lead on this."
    let moved = ok(
        env,
        "2008-09-18T09:40:00+01:00",
        "jce",
        elections::TO_BUSINESS_CASE,
    );
    assert_eq!(
        (moved["stage"].as_str(), moved["version"].as_u64()),
        (Some("business-case"), Some(2))
    );

    // Refused: no business case yet.
    refused(
        env,
        "2008-09-18T09:41:00+01:00",
        "jce",
        &["proposal", "advance", "elections", "--to", "consultation"],
        3,
        "no business case",
    );
}

/// The case's money and shares, refused until they add up, then recorded.
pub(super) fn the_business_case_is_made(env: &mut Env) {
    // Refused: shares that do not make 100 (concordat §6.1: savings shared equitably, case by case).
    let error = refused(
        env,
        "2008-10-20T15:00:00+01:00",
        "jce",
        &[
            "proposal",
            "business-case",
            "elections",
            "--one-off-cost",
            "15000",
            "--annual-saving",
            "18000",
            "--share",
            "bromsgrove=60",
            "--share",
            "redditch=30",
            "--on",
            "2008-10-20",
        ],
        3,
        "90.00%",
    );
    assert!(error["error"]["details"][0]
        .as_str()
        .unwrap()
        .contains("sum to 90.00%"));
    // Usage, not rules: money in fractions of a penny, a date that does not exist.
    refused(
        env,
        "2008-10-20T15:00:00+01:00",
        "jce",
        &[
            "proposal",
            "business-case",
            "elections",
            "--one-off-cost",
            "15000.005",
            "--annual-saving",
            "18000",
        ],
        2,
        "two decimals",
    );
    refused(
        env,
        "2008-10-20T15:00:00+01:00",
        "jce",
        &[
            "proposal",
            "business-case",
            "elections",
            "--one-off-cost",
            "15000",
            "--annual-saving",
            "18000",
            "--on",
            "2009-02-30",
        ],
        2,
        "2009-02-30",
    );

    let case = ok(
        env,
        "2008-10-20T15:01:00+01:00",
        "jce",
        &[
            "proposal",
            "business-case",
            "elections",
            "--one-off-cost",
            "15000",
            "--annual-saving",
            "18000.01",
            "--share",
            "bromsgrove=50",
            "--share",
            "redditch=50",
            "--risk",
            "A statutory function: keep the client and contractor split",
            "--on",
            "2008-10-20",
        ],
    );
    assert_eq!(
        case["data"]["annual_saving_by_council"]["bromsgrove"], "9000.01",
        "the odd penny to the lead"
    );
    assert_eq!(
        case["data"]["one_off_cost_by_council"]["redditch"], "7500.00",
        "costs equal (§6.2)"
    );
    ok(
        env,
        "2008-10-20T15:02:00+01:00",
        "jce",
        &[
            "proposal",
            "advance",
            "elections",
            "--to",
            "consultation",
            "--on",
            "2008-10-20",
        ],
    );
}
