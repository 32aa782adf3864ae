//! The 2008 elections quick win after issue 20: both Councils approve it in principle on 17 Sep 2008
//! (shown, never counted as their decisions); once live, a quarter's saving is corrected, a
//! shortfall is split to the penny, a quarter not yet ended is refused, and money written in a form
//! the parser does not read is refused with the form that would be. On the backend under test.

use crate::support::{elections, Env, Run};
use serde_json::Value;

/// Runs `args` as `actor`; it must succeed.
#[track_caller]
fn ok(env: &Env, actor: &str, args: &[&str]) -> Run {
    let run = env.run_as(actor, args);
    run.ok();
    run
}

/// Runs `args` as `actor` with `--json`; it must exit `code` with a message or detail holding
/// every one of `needles`.
#[track_caller]
fn refused(env: &Env, actor: &str, args: &[&str], code: i32, needles: &[&str]) -> String {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let run = env.run_as(actor, &all);
    run.expect_code(code);
    let error = run.error_json();
    let text = format!(
        "{} {}",
        error["error"]["message"], error["error"]["details"]
    );
    for needle in needles {
        assert!(text.contains(needle), "{needle:?} missing from: {text}");
    }
    text
}

fn show(env: &Env) -> Value {
    env.json_as("audit", &["proposal", "show", "elections"])
}

fn in_principle(env: &Env, clerk: &str, council: &str, minute: &str) -> Run {
    env.run_as(
        clerk,
        &[
            "council",
            "in-principle",
            "elections",
            "--council",
            council,
            "--minute",
            minute,
            "--on",
            "2008-09-17",
        ],
    )
}

/// The elections quick win proposed on 1 Sep 2008 and approved in principle by both Councils.
pub(crate) fn proposed_and_approved_in_principle() -> Env {
    let env = Env::bromsgrove_redditch("2008-09-18T10:00:00+01:00");
    ok(&env, "jce", elections::PROPOSE);
    in_principle(
        &env,
        "bdc-clerk",
        "bromsgrove",
        "BDC Council 17 Sep 2008, 2.1.4",
    )
    .ok();
    in_principle(
        &env,
        "rbc-clerk",
        "redditch",
        "RBC Council 17 Sep 2008, 2.1.4",
    )
    .ok();
    env
}

/// From business case to council approval, as the README's walkthrough takes it.
pub(crate) fn to_council_approval(env: &mut Env) {
    env.at("2008-11-21T17:00:00Z");
    for line in [
        "proposal advance elections --to business-case --on 2008-09-17",
        "proposal business-case elections --one-off-cost 15000 --annual-saving 18000 --share bromsgrove=50 --share redditch=50 --on 2008-10-20",
        "proposal advance elections --to consultation --on 2008-10-20",
        "consultation open elections --with staff,unison,gmb --on 2008-10-21",
        "consultation respond elections --party staff --summary Support --on 2008-11-14",
        "board vote elections --meeting 2008-11-03 --support bdc-leader,bdc-member-2,rbc-leader,rbc-member-2 --abstain rbc-member-3",
        "consultation close elections --on 2008-11-21",
        "proposal advance elections --to council-approval --on 2008-11-21",
    ] {
        let words: Vec<&str> = line.split(' ').collect();
        ok(env, "jce", &words);
    }
}

/// Both councils' decisions, then live on 2 March 2009.
pub(crate) fn live(env: &mut Env) {
    env.at("2009-03-02T09:00:00Z");
    ok(
        env,
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
    );
    ok(
        env,
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
    );
    ok(
        env,
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
}

fn saving(quarter: &str, amount: &str, on: &str, more: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["monitor", "saving", "elections", "--quarter", quarter]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.push(format!("--amount={amount}"));
    args.extend(more.iter().map(|s| s.to_string()));
    args.extend(["--on".to_string(), on.to_string()]);
    args
}

fn words(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[test]
fn both_councils_approve_the_quick_win_in_principle_on_17_september_2008() {
    let mut env = proposed_and_approved_in_principle();
    // Only a council's own clerk records its approval in principle.
    in_principle(&env, "jce", "bromsgrove", "BDC Council 17 Sep 2008").expect_code(5);
    in_principle(&env, "rbc-clerk", "bromsgrove", "BDC Council 17 Sep 2008").expect_code(5);
    let view = show(&env);
    let recorded = view["in_principle"].as_array().unwrap();
    assert_eq!(recorded.len(), 2, "{view}");
    assert_eq!(recorded[0]["council"], "bromsgrove");
    assert_eq!(recorded[0]["on"], "2008-09-17");
    assert_eq!(recorded[0]["minute"], "BDC Council 17 Sep 2008, 2.1.4");
    assert_eq!(recorded[1]["council"], "redditch");
    // Not the councils' decisions.
    assert_eq!(view["approvals"]["bromsgrove"], "pending");
    assert_eq!(view["approvals"]["redditch"], "pending");
    let text = ok(&env, "audit", &["proposal", "show", "elections"])
        .stdout
        .clone();
    assert!(
        text.contains("In principle: redditch on 2008-09-17"),
        "{text}"
    );
    let history = ok(&env, "audit", &["proposal", "history", "elections"])
        .stdout
        .clone();
    assert!(
        history
            .contains("bromsgrove approved in principle (minute: BDC Council 17 Sep 2008, 2.1.4)"),
        "{history}"
    );
    // The quarter's report to each council lists them.
    let report = ok(
        &env,
        "audit",
        &[
            "report",
            "quarterly",
            "--quarter",
            "2008/09-Q2",
            "--council",
            "redditch",
        ],
    )
    .stdout
    .clone();
    assert!(
        report.contains("Approved in principle this quarter"),
        "{report}"
    );
    assert!(report.contains("| elections | Bromsgrove District Council | 17 September 2008 | BDC Council 17 Sep 2008, 2.1.4 |"), "{report}");
    let json = env.json_as(
        "audit",
        &[
            "report",
            "quarterly",
            "--quarter",
            "2008/09-Q2",
            "--council",
            "bromsgrove",
            "--format",
            "json",
        ],
    );
    assert_eq!(json["in_principle"][1]["council"], "redditch", "{json}");

    // At council approval only a decision counts; going live still needs both.
    to_council_approval(&mut env);
    let late = in_principle(&env, "bdc-clerk", "bromsgrove", "BDC Council 10 Dec 2008");
    late.expect_code(3);
    assert!(
        late.stderr.contains("before council approval"),
        "{}",
        late.stderr
    );
    refused(
        &env,
        "jce",
        &[
            "proposal",
            "advance",
            "elections",
            "--to",
            "monitoring",
            "--on",
            "2008-12-01",
        ],
        3,
        &["bromsgrove", "redditch"],
    );
}

#[test]
fn a_quarters_saving_is_corrected_with_a_reason_and_the_history_keeps_both() {
    let mut env = proposed_and_approved_in_principle();
    to_council_approval(&mut env);
    live(&mut env);
    env.at("2009-04-03T10:00:00+01:00");
    ok(
        &env,
        "jce",
        &words(&saving("2008/09-Q4", "£1,500", "2009-03-31", &[])),
    );
    // A second figure is refused, naming the quarter, the figure and the way to replace it.
    let second = saving("2008/09-Q4", "1,450.00", "2009-04-20", &[]);
    let text = refused(
        &env,
        "jce",
        &words(&second),
        3,
        &["2008/09-Q4", "£1,500.00"],
    );
    let plain = env.run_as("jce", &words(&second));
    assert!(
        plain.stderr.contains("--correct") && plain.stderr.contains("--reason"),
        "{text}\n{}",
        plain.stderr
    );
    // --correct needs a reason.
    let no_reason = saving("2008/09-Q4", "1,450.00", "2009-04-20", &["--correct"]);
    env.run_as("jce", &words(&no_reason)).expect_code(2);
    let why = ["--correct", "--reason", "A printing invoice counted twice"];
    ok(
        &env,
        "jce",
        &words(&saving("2008/09-Q4", "1,450.00", "2009-04-20", &why)),
    );
    let view = show(&env);
    let q4 = &view["savings"]["by_quarter"]["2008/09-Q4"];
    assert_eq!(q4["amount"], "1450.00", "{view}");
    assert_eq!(q4["corrects"], "1500.00");
    assert_eq!(q4["reason"], "A printing invoice counted twice");
    assert_eq!(q4["by_council"]["bromsgrove"], "725.00");
    assert_eq!(view["savings"]["total"], "1450.00");
    let history = env.json_as("audit", &["proposal", "history", "elections"]);
    let figures: Vec<&Value> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "saving-recorded")
        .map(|e| &e["data"]["amount"])
        .collect();
    assert_eq!(figures, ["1500.00", "1450.00"]);
    // The quarter's report stands as it was at its end; the next one notes the correction.
    let q4_report = ok(
        &env,
        "audit",
        &[
            "report",
            "quarterly",
            "--quarter",
            "2008/09-Q4",
            "--council",
            "bromsgrove",
        ],
    )
    .stdout
    .clone();
    assert!(
        q4_report.contains("£1,500.00") && !q4_report.contains("Corrected figures"),
        "{q4_report}"
    );
    let q1_report = ok(
        &env,
        "audit",
        &[
            "report",
            "quarterly",
            "--quarter",
            "2009/10-Q1",
            "--council",
            "bromsgrove",
        ],
    )
    .stdout
    .clone();
    assert!(
        q1_report.contains("| elections | 2008/09-Q4 | correction | £1,450.00 | £725.00 | £1,500.00 | A printing invoice counted twice | 20 April 2009 |"),
        "{q1_report}"
    );
}

#[test]
fn a_shortfall_is_split_to_the_penny_and_reported() {
    let mut env = proposed_and_approved_in_principle();
    to_council_approval(&mut env);
    live(&mut env);
    env.at("2009-07-02T10:00:00+01:00");
    ok(
        &env,
        "jce",
        &words(&saving("2008/09-Q4", "1500", "2009-03-31", &[])),
    );
    // A shortfall needs a reason.
    let bare = saving("2009/10-Q1", "-250.01", "2009-06-30", &[]);
    refused(&env, "jce", &words(&bare), 2, &["shortfall", "reason"]);
    let why = ["--reason", "Agency staff for the county elections"];
    ok(
        &env,
        "jce",
        &words(&saving("2009/10-Q1", "-250.01", "2009-06-30", &why)),
    );
    // By hand: 25,001p at 50% is 12,500.5p each; the odd penny goes to the lead, Bromsgrove.
    let view = show(&env);
    let q1 = &view["savings"]["by_quarter"]["2009/10-Q1"];
    assert_eq!(q1["amount"], "-250.01", "{view}");
    assert_eq!(q1["by_council"]["bromsgrove"], "-125.01");
    assert_eq!(q1["by_council"]["redditch"], "-125.00");
    // Totals: £1,500.00 − £250.01; Bromsgrove £750.00 − £125.01, Redditch £750.00 − £125.00.
    assert_eq!(view["savings"]["total"], "1249.99");
    assert_eq!(view["savings"]["by_council"]["bromsgrove"], "624.99");
    assert_eq!(view["savings"]["by_council"]["redditch"], "625.00");
    let report = ok(
        &env,
        "audit",
        &[
            "report",
            "quarterly",
            "--quarter",
            "2009/10-Q1",
            "--council",
            "redditch",
        ],
    )
    .stdout
    .clone();
    assert!(
        report.contains("| elections | 2009/10-Q1 | shortfall | -£250.01 | -£125.00 | — | Agency staff for the county elections | 30 June 2009 |"),
        "{report}"
    );
    let json = env.json_as(
        "audit",
        &[
            "report",
            "quarterly",
            "--quarter",
            "2009/10-Q1",
            "--council",
            "redditch",
            "--format",
            "json",
        ],
    );
    assert_eq!(json["savings"]["quarter_council"], "-125.00", "{json}");
    assert_eq!(json["adjustments"][0]["amount_council"], "-125.00");
}

#[test]
fn quarters_not_yet_ended_or_before_go_live_are_refused() {
    let mut env = proposed_and_approved_in_principle();
    to_council_approval(&mut env);
    live(&mut env);
    env.at("2009-06-29T10:00:00+01:00");
    let early = saving("2009/10-Q1", "100", "2009-06-29", &[]);
    refused(
        &env,
        "jce",
        &words(&early),
        3,
        &["2009/10-Q1", "has not ended", "2009-06-30"],
    );
    let before = saving("2008/09-Q3", "100", "2009-06-29", &[]);
    refused(
        &env,
        "jce",
        &words(&before),
        3,
        &["2008/09-Q3", "went live on 2009-03-02"],
    );
    // Nothing was written.
    assert_eq!(show(&env)["savings"]["total"], "0.00");
}

#[test]
fn money_in_other_forms_is_refused_in_one_plain_line() {
    let mut env = proposed_and_approved_in_principle();
    to_council_approval(&mut env);
    live(&mut env);
    env.at("2009-04-03T10:00:00+01:00");
    let version = show(&env)["version"].clone();
    for amount in ["1e3", "1,5,0,0", "15,00", "1500.001", "", "£", "1 500"] {
        let args = saving("2008/09-Q4", amount, "2009-03-31", &[]);
        refused(
            &env,
            "jce",
            &words(&args),
            2,
            &["is not a sum of money", "1500, 1500.50, 1,500.00 or £1,500"],
        );
        let plain = env.run_as("jce", &words(&args));
        let lines: Vec<&str> = plain
            .stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert!(lines.len() <= 2, "one or two plain lines: {}", plain.stderr);
    }
    assert_eq!(show(&env)["version"], version, "nothing written");
    ok(
        &env,
        "jce",
        &words(&saving("2008/09-Q4", "1,500.5", "2009-03-31", &[])),
    );
    assert_eq!(show(&env)["savings"]["total"], "1500.50");
}
