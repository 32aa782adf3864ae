//! The 2008 shared-elections quick win, end to end through the binary, as the seed documents tell it
//! (seed 003: the quick wins report, the Board minutes of 1 September 2008, the council report of
//! 17 September 2008), with every refusal on the way and its exit code.

use crate::support::Env;
use serde_json::Value;

/// Runs `args` as `actor` at `now` with `--json`; it must succeed.
#[track_caller]
fn ok(env: &mut Env, now: &str, actor: &str, args: &[&str]) -> Value {
    env.at(now);
    env.json_as(actor, args)
}

/// Runs `args` as `actor` at `now`; it must exit `code` with an error document of `kind` whose
/// message or details mention `needle`. Returns the error document.
#[track_caller]
fn refused(env: &mut Env, now: &str, actor: &str, args: &[&str], code: i32, needle: &str) -> Value {
    env.at(now);
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let run = env.run_as(actor, &all);
    run.expect_code(code);
    assert!(
        run.stdout.is_empty(),
        "nothing on stdout for a refusal: {}",
        run.stdout
    );
    let error = run.error_json();
    let text = format!(
        "{} {}",
        error["error"]["message"], error["error"]["details"]
    );
    assert!(
        text.to_lowercase().contains(&needle.to_lowercase()),
        "the refusal should mention {needle:?}: {text}"
    );
    let kind = match code {
        2 => "usage",
        3 => "refused",
        4 => "conflict",
        5 => "not-permitted",
        _ => "internal",
    };
    assert_eq!(error["error"]["kind"], kind);
    error
}

/// The proposal as `proposal show --json` prints it.
fn show(env: &Env) -> Value {
    env.json_as("audit", &["proposal", "show", "elections"])
}

#[test]
fn the_shared_elections_quick_win_from_the_board_to_a_monitored_service() {
    // 1 September 2008, 5.30pm: the Shared Services Board's first meeting. The Acting Joint Chief
    // Executive (KD) "detailed a proposal for a shared Elections Service".
    let mut env = Env::bromsgrove_redditch("2008-09-01T17:45:00+01:00");
    let created = ok(
        &mut env,
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
        &mut env,
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
        &mut env,
        "2008-09-03T10:12:00+01:00",
        "jce",
        &["proposal", "advance", "elections", "--to", "consultation"],
        3,
        "cannot be skipped",
    );

    // 17 September 2008: Council approves the quick wins; "a business case be developed for a
    // single elections team ... It is proposed that Bromsgrove should lead on this."
    let moved = ok(
        &mut env,
        "2008-09-18T09:40:00+01:00",
        "jce",
        &[
            "proposal",
            "advance",
            "elections",
            "--to",
            "business-case",
            "--on",
            "2008-09-17",
        ],
    );
    assert_eq!(
        (moved["stage"].as_str(), moved["version"].as_u64()),
        (Some("business-case"), Some(2))
    );

    // Refused: no business case yet.
    refused(
        &mut env,
        "2008-09-18T09:41:00+01:00",
        "jce",
        &["proposal", "advance", "elections", "--to", "consultation"],
        3,
        "no business case",
    );

    // Refused: shares that do not make 100 (concordat §6.1: savings shared equitably, case by case).
    let error = refused(
        &mut env,
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
        &mut env,
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
        &mut env,
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
        &mut env,
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
        &mut env,
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

    // "subject to a proper process of consultation with affected staff and trade unions"
    ok(
        &mut env,
        "2008-10-21T10:00:00+01:00",
        "jce",
        &[
            "consultation",
            "open",
            "elections",
            "--with",
            "staff,unison,gmb",
            "--on",
            "2008-10-21",
        ],
    );
    // Refused: the consultation is still open.
    refused(
        &mut env,
        "2008-10-22T10:00:00+01:00",
        "jce",
        &[
            "proposal",
            "advance",
            "elections",
            "--to",
            "council-approval",
        ],
        3,
        "still open",
    );

    // 3 November 2008, the Board. Minutes of 1 September: "substitutes would not be appropriate".
    refused(
        &mut env,
        "2008-11-04T10:00:00+00:00",
        "jce",
        &[
            "board",
            "vote",
            "elections",
            "--meeting",
            "2008-11-03",
            "--support",
            "bdc-leader,bdc-member-2,bdc-substitute,rbc-leader,rbc-member-2",
        ],
        3,
        "substitutes may not sit",
    );
    // Five in support, one abstention: no consensus, but at least two from each council (§4.3(a)(iii)).
    let vote = ok(
        &mut env,
        "2008-11-04T10:01:00+00:00",
        "jce",
        &[
            "board",
            "vote",
            "elections",
            "--meeting",
            "2008-11-03",
            "--support",
            "bdc-leader,bdc-member-2,bdc-member-3,rbc-leader,rbc-member-2",
            "--abstain",
            "rbc-member-3",
        ],
    );
    assert_eq!(vote["data"]["outcome"], "qualified-majority");
    assert_eq!(
        vote["effective_on"], "2008-11-03",
        "the meeting date is the vote's effective date"
    );

    ok(
        &mut env,
        "2008-11-14T16:00:00+00:00",
        "jce",
        &[
            "consultation",
            "respond",
            "elections",
            "--party",
            "staff",
            "--summary",
            "Both elections teams support one team",
            "--on",
            "2008-11-14",
        ],
    );
    ok(
        &mut env,
        "2008-11-18T16:00:00+00:00",
        "jce",
        &[
            "consultation",
            "respond",
            "elections",
            "--party",
            "unison",
            "--summary",
            "Supports, subject to no compulsory redundancies",
            "--on",
            "2008-11-18",
        ],
    );
    ok(
        &mut env,
        "2008-11-21T12:00:00+00:00",
        "jce",
        &["consultation", "close", "elections", "--on", "2008-11-21"],
    );
    ok(
        &mut env,
        "2008-11-21T12:01:00+00:00",
        "jce",
        &[
            "proposal",
            "advance",
            "elections",
            "--to",
            "council-approval",
            "--on",
            "2008-11-21",
        ],
    );
    let now = show(&env);
    assert_eq!(now["consultation"]["status"], "closed");
    assert_eq!(now["consultation"]["parties"]["gmb"], "pending");
    assert_eq!(now["board"]["outcome"], "qualified-majority");
    assert_eq!(now["board"]["meeting"], "2008-11-03");

    // Each council stays sovereign: only its own clerk records its decision.
    refused(
        &mut env,
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
        &mut env,
        "2008-12-15T09:00:00+00:00",
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
            "BDC Council 10 Dec 2008",
            "--on",
            "2008-12-10",
        ],
    );
    // One of the Bromsgrove applicants for the elections post is the clerk's relative: recused.
    ok(
        &mut env,
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
        &mut env,
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

    let deferred = ok(
        &mut env,
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
        &mut env,
        "2008-12-18T09:00:00+00:00",
        "jce",
        &["proposal", "advance", "elections", "--to", "monitoring"],
        3,
        "redditch decided defer",
    );

    // Refused: a stale --expect-version (someone else changed it since it was read).
    let stale = (version - 1).to_string();
    refused(
        &mut env,
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
        &mut env,
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

    // Live on 2 March 2009: the step's effective date is the go-live date.
    let live = ok(
        &mut env,
        "2009-03-02T09:00:00+00:00",
        "jce",
        &[
            "proposal",
            "advance",
            "elections",
            "--to",
            "monitoring",
            "--on",
            "2009-03-02",
        ],
    );
    assert_eq!(live["stage"], "monitoring");
    ok(
        &mut env,
        "2009-03-02T09:01:00+00:00",
        "jce",
        &[
            "monitor",
            "kpi",
            "elections",
            "--name",
            "canvass-return-rate",
            "--target",
            "95",
            "--unit",
            "percent",
        ],
    );
    ok(
        &mut env,
        "2009-04-03T10:00:00+01:00",
        "jce",
        &[
            "monitor",
            "saving",
            "elections",
            "--quarter",
            "2008/09-Q4",
            "--amount",
            "1500.01",
            "--on",
            "2009-03-31",
        ],
    );
    refused(
        &mut env,
        "2009-04-03T10:00:00+01:00",
        "jce",
        &[
            "monitor",
            "saving",
            "elections",
            "--quarter",
            "2008/09-Q4",
            "--amount",
            "-5",
        ],
        2,
        "negative",
    );
    ok(
        &mut env,
        "2009-09-03T10:00:00+01:00",
        "rbc-clerk",
        &[
            "review",
            "record",
            "elections",
            "--kind",
            "six-month",
            "--council",
            "redditch",
            "--outcome",
            "continue",
            "--summary",
            "Cabinet six-month review: continue",
            "--on",
            "2009-09-02",
        ],
    );

    let after = show(&env);
    assert_eq!(after["stage"], "monitoring");
    assert_eq!(
        after["workflow"],
        serde_json::json!({"name": "shared-service-proposal", "version": 1})
    );
    assert_eq!(
        after["approvals"],
        serde_json::json!({"bromsgrove": "approve", "redditch": "approve"})
    );
    assert_eq!(after["business_case"]["shares"]["redditch"], "50.00");
    assert_eq!(after["savings"]["total"], "1500.01");
    assert_eq!(
        after["savings"]["by_council"],
        serde_json::json!({"bromsgrove": "750.01", "redditch": "750.00"})
    );
    assert_eq!(after["reviews"][0]["outcome"], "continue");
    assert_eq!(after["went_live"], "2009-03-02");
    assert!(after["next_reminders"].is_array());

    // The history keeps both times of every event, versions 1..n, and the chain verifies.
    let history = env.json_as("audit", &["proposal", "history", "elections"]);
    let history = history.as_array().unwrap();
    let versions: Vec<u64> = history
        .iter()
        .map(|e| e["version"].as_u64().unwrap())
        .collect();
    assert_eq!(versions, (1..=history.len() as u64).collect::<Vec<_>>());
    assert_eq!(history.len() as u64, after["version"].as_u64().unwrap());
    let decision = history
        .iter()
        .find(|e| e["data"]["minute"] == "RBC Council 21 Jan 2009")
        .unwrap();
    assert_eq!(
        (decision["effective_on"].as_str(), decision["type"].as_str()),
        (Some("2009-01-21"), Some("council-decision-recorded"))
    );
    let listed = env.json_as("audit", &["proposal", "list", "--stage", "monitoring"]);
    assert_eq!(listed[0]["id"], "elections");
    assert_eq!(env.json_as("audit", &["audit", "verify"])["ok"], true);

    // And a human reads it.
    let text = env.run_as("audit", &["proposal", "show", "elections"]);
    text.ok();
    assert!(
        text.stdout
            .contains("Council decisions: bromsgrove approve, redditch approve"),
        "{}",
        text.stdout
    );
}

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
