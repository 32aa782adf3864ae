//! Values outside the fixed sets are usage errors; ids that do not exist are refused.

use super::{ok, refused};
use crate::support::Env;

#[test]
fn fixed_sets_are_usage_errors_and_unknown_ids_are_refused() {
    let mut env = Env::bromsgrove_redditch("2008-09-01T17:45:00+01:00");
    ok(
        &mut env,
        "2008-09-03T10:10:00+01:00",
        "jce",
        &[
            "proposal",
            "new",
            "--title",
            "Elections",
            "--service",
            "elections",
            "--lead",
            "bromsgrove",
        ],
    );
    let now = "2008-09-03T10:11:00+01:00";
    refused(
        &mut env,
        now,
        "jce",
        &["proposal", "advance", "elections", "--to", "live"],
        2,
        "live",
    );
    refused(
        &mut env,
        now,
        "jce",
        &[
            "proposal",
            "new",
            "--title",
            "T",
            "--service",
            "s",
            "--lead",
            "bromsgrove",
            "--category",
            "soon",
        ],
        2,
        "soon",
    );
    refused(
        &mut env,
        now,
        "rbc-clerk",
        &[
            "council",
            "decide",
            "elections",
            "--council",
            "redditch",
            "--decision",
            "maybe",
        ],
        2,
        "maybe",
    );
    refused(
        &mut env,
        now,
        "jce",
        &["proposal", "advance", "payroll", "--to", "business-case"],
        3,
        "no proposal",
    );
    refused(
        &mut env,
        now,
        "jce",
        &[
            "proposal",
            "new",
            "--title",
            "T",
            "--service",
            "ict",
            "--lead",
            "wyre-forest",
        ],
        3,
        "wyre-forest",
    );
    refused(
        &mut env,
        now,
        "mayor",
        &["proposal", "advance", "elections", "--to", "business-case"],
        5,
        "not an actor",
    );
    refused(
        &mut env,
        now,
        "audit",
        &["proposal", "advance", "elections", "--to", "business-case"],
        5,
        "may not",
    );
    env.at(now);
    env.run(&["proposal", "advance", "elections", "--to", "business-case"])
        .expect_code(2);
    // A second proposal for the same service is numbered after it.
    let second = ok(
        &mut env,
        now,
        "jce",
        &[
            "proposal",
            "new",
            "--title",
            "Elections, again",
            "--service",
            "Elections",
            "--lead",
            "redditch",
        ],
    );
    assert_eq!(second["id"], "elections-2");
}
