//! Dates keep the order decisions were taken in (issue 20), told with the 2008 elections quick win:
//! Bromsgrove approved on 10 December 2008 and Redditch on 21 January 2009, so a go-live dated
//! 1 November 2008 is refused naming both approvals; a council's decision cannot be dated before
//! the proposal reached council approval; a log written before the rule (its go-live dated
//! 1 November) verifies with warnings, and `proposal correct-date` puts it right without rewriting
//! it. Each runs on the backend under test.

use crate::support::{elections, Env};
use engine::Event;
use serde_json::Value;

/// The elections quick win up to both councils' approvals (10 Dec 2008 and 21 Jan 2009).
fn approved_by_both() -> Env {
    let mut env = Env::bromsgrove_redditch("2008-09-01T10:00:00+01:00");
    let steps: &[(&str, &str, &[&str])] = &[
        ("2008-09-01T10:00:00+01:00", "jce", elections::PROPOSE),
        (
            "2008-09-18T09:40:00+01:00",
            "jce",
            elections::TO_BUSINESS_CASE,
        ),
        ("2008-10-20T15:00:00+01:00", "jce", elections::BUSINESS_CASE),
        (
            "2008-10-20T15:01:00+01:00",
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
        ),
        (
            "2008-10-21T10:00:00+01:00",
            "jce",
            &[
                "consultation",
                "open",
                "elections",
                "--with",
                "staff,unison",
                "--on",
                "2008-10-21",
            ],
        ),
        (
            "2008-11-04T10:00:00+00:00",
            "jce",
            &[
                "board",
                "vote",
                "elections",
                "--meeting",
                "2008-11-03",
                "--support",
                "bdc-leader,bdc-member-2,rbc-leader,rbc-member-2",
                "--abstain",
                "rbc-member-3",
            ],
        ),
        (
            "2008-11-14T16:00:00+00:00",
            "jce",
            &[
                "consultation",
                "respond",
                "elections",
                "--party",
                "staff",
                "--summary",
                "Support one team",
                "--on",
                "2008-11-14",
            ],
        ),
        (
            "2008-11-21T12:00:00+00:00",
            "jce",
            &["consultation", "close", "elections", "--on", "2008-11-21"],
        ),
        (
            "2008-11-21T12:01:00+00:00",
            "jce",
            elections::TO_COUNCIL_APPROVAL,
        ),
        (
            "2008-12-15T09:00:00+00:00",
            "bdc-clerk",
            elections::BROMSGROVE_APPROVES,
        ),
        (
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
            ],
        ),
    ];
    for (now, actor, args) in steps {
        env.at(now);
        env.json_as(actor, args);
    }
    env
}

/// The seq of the latest event of `kind` in the elections proposal's history.
fn seq_of(env: &Env, kind: &str) -> u64 {
    let history = env.json_as("audit", &["audit", "log"]);
    history
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == kind && e["stream"] == "proposal-elections")
        .map(|e| e["seq"].as_u64().unwrap())
        .max()
        .unwrap_or_else(|| panic!("no {kind} event"))
}

/// The stage of elections in `audit replay --as-of DATE --basis effective`.
fn stage_on(env: &Env, date: &str) -> String {
    let replay = env.json_as(
        "audit",
        &["audit", "replay", "--as-of", date, "--basis", "effective"],
    );
    let proposals = replay["proposals"].as_array().unwrap();
    let elections = proposals.iter().find(|p| p["id"] == "elections").unwrap();
    elections["stage"].as_str().unwrap().to_string()
}

/// The error document and exit code of a refused run.
fn refusal(env: &Env, actor: &str, args: &[&str], code: i32) -> (String, Vec<String>) {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let run = env.run_as(actor, &all);
    run.expect_code(code);
    assert!(
        run.stdout.is_empty(),
        "a refusal prints nothing: {}",
        run.stdout
    );
    let error = run.error_json()["error"].clone();
    let details = error["details"]
        .as_array()
        .map(|d| d.iter().map(|x| x.as_str().unwrap().to_string()).collect())
        .unwrap_or_default();
    (error["message"].as_str().unwrap().to_string(), details)
}

fn version(env: &Env) -> u64 {
    env.json_as("audit", &["proposal", "show", "elections"])["version"]
        .as_u64()
        .unwrap()
}

#[test]
fn a_go_live_dated_before_the_approvals_is_refused_naming_both() {
    let mut env = approved_by_both();
    env.at("2009-03-02T09:00:00+00:00");
    let before = version(&env);
    let (bromsgrove, redditch) = (
        seq_of(&env, "council-decision-recorded") - 1,
        seq_of(&env, "council-decision-recorded"),
    );
    let (message, details) = refusal(
        &env,
        "jce",
        &[
            "proposal",
            "advance",
            "elections",
            "--to",
            "monitoring",
            "--on",
            "2008-11-01",
        ],
        3,
    );
    assert!(
        message.contains("go-live") && message.contains("2008-11-01"),
        "{message}"
    );
    let named = |council: &str, seq: u64, date: &str| {
        details.iter().any(|d| {
            d.contains(&format!(
                "{council}'s decision (approve) (seq {seq}) is dated {date}"
            ))
        })
    };
    assert!(named("bromsgrove", bromsgrove, "2008-12-10"), "{details:?}");
    assert!(named("redditch", redditch, "2009-01-21"), "{details:?}");
    assert!(
        details
            .last()
            .unwrap()
            .ends_with("give --on 2009-01-21 or later"),
        "{details:?}"
    );
    assert_eq!(version(&env), before, "nothing was written");
    // Dated on or after the last approval it goes live, and the replay by date agrees.
    env.json_as(
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
    assert_eq!(stage_on(&env, "2008-11-02"), "consultation");
    assert_eq!(stage_on(&env, "2009-03-01"), "council-approval");
    assert_eq!(stage_on(&env, "2009-03-02"), "monitoring");
}

#[test]
fn a_decision_dated_before_council_approval_is_refused() {
    let mut env = approved_by_both();
    env.at("2009-01-27T09:00:00+00:00");
    let entry = seq_of(&env, "stage-changed");
    let (message, details) = refusal(
        &env,
        "rbc-clerk",
        &[
            "council",
            "decide",
            "elections",
            "--council",
            "redditch",
            "--decision",
            "defer",
            "--on",
            "2008-11-20",
        ],
        3,
    );
    assert!(
        message.contains("redditch's decision (defer)") && message.contains("2008-11-20"),
        "{message}"
    );
    assert!(
        details.iter().any(|d| d.contains(&format!(
            "the move to council-approval (seq {entry}) is dated 2008-11-21"
        ))),
        "{details:?}"
    );
    // Nor before the same council's previous decision: the latest decision is latest by date too.
    let (_, details) = refusal(
        &env,
        "rbc-clerk",
        &[
            "council",
            "decide",
            "elections",
            "--council",
            "redditch",
            "--decision",
            "defer",
            "--on",
            "2009-01-20",
        ],
        3,
    );
    assert!(
        details
            .iter()
            .any(|d| d.contains("redditch's decision (approve)") && d.contains("2009-01-21")),
        "{details:?}"
    );
}

/// The store's log as events.
fn exported(env: &Env) -> Vec<Event> {
    env.run(&["audit", "export"])
        .ok()
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("an export line"))
        .collect()
}

/// A log as an earlier version could have written it: event `seq` dated `date`, the chain re-hashed.
fn with_date(mut events: Vec<Event>, seq: u64, date: &str) -> (String, String) {
    let mut prev = engine::ZERO_HASH.to_string();
    for event in &mut events {
        if event.seq == seq {
            event.effective_on = date.to_string();
        }
        event.prev_hash = prev;
        event.hash = event.compute_hash();
        prev = event.hash.clone();
    }
    let text: String = events.iter().map(|e| e.to_line() + "\n").collect();
    (text, prev)
}

fn warnings(env: &Env) -> Vec<Value> {
    let run = env.run(&["--json", "audit", "verify"]);
    run.ok();
    let doc = run.json();
    assert_eq!(doc["ok"], true, "warnings are not a chain failure: {doc}");
    doc["date_order_warnings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn an_old_log_out_of_order_warns_and_a_correction_puts_it_right() {
    let mut old = approved_by_both();
    old.at("2009-03-02T09:00:00+00:00");
    old.json_as(
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
    let go_live = seq_of(&old, "stage-changed");
    let redditch = seq_of(&old, "council-decision-recorded");
    // The go-live as a log written before the rule could hold it: dated 1 November 2008.
    let (text, head) = with_date(exported(&old), go_live, "2008-11-01");
    let file = old.path("old.jsonl");
    std::fs::write(&file, text).unwrap();
    let mut env = Env::new();
    env.at("2009-03-05T09:00:00+00:00");
    env.run(&["store", "import", file.to_str().unwrap(), "--head", &head])
        .ok();

    // verify: the chain is intact (exit 0), and the events out of order are listed by seq.
    let found = warnings(&env);
    assert!(!found.is_empty());
    assert!(found.iter().all(|w| w["seq"] == go_live), "{found:?}");
    assert!(found.iter().any(|w| w["depends_on_seq"] == redditch
        && w["depends_on_date"] == "2009-01-21"
        && w["on"] == "2008-11-01"));
    // An auditor verifying the export itself hears the same.
    let from_file = env.run(&[
        "--json",
        "audit",
        "verify",
        "--file",
        file.to_str().unwrap(),
    ]);
    from_file.ok();
    assert_eq!(
        from_file.json()["date_order_warnings"],
        Value::Array(found.clone())
    );
    let text = env.run(&["audit", "verify"]);
    text.ok();
    assert!(
        text.stdout
            .contains("warning: out of date order: elections: the go-live"),
        "{}",
        text.stdout
    );
    // The replay shows what never happened: live before either council approved.
    assert_eq!(stage_on(&env, "2008-11-02"), "monitoring");

    // Only whoever may record a move may correct its date; the new date must keep the order too.
    let seq = go_live.to_string();
    let correct = |on: &'static str| -> Vec<String> {
        [
            "proposal",
            "correct-date",
            "elections",
            "--seq",
            &seq,
            "--on",
            on,
            "--reason",
            "entered as 1 Nov 2008; live on 2 Mar 2009",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let args = correct("2009-03-02");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    refusal(&env, "rbc-clerk", &args, 5);
    let early = correct("2009-01-01");
    let early: Vec<&str> = early.iter().map(String::as_str).collect();
    let (message, details) = refusal(&env, "jce", &early, 3);
    assert!(
        message.contains(&format!("seq {go_live}")) && message.contains("2009-01-01"),
        "{message}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.contains(&format!("(seq {redditch}), dated 2009-01-21"))),
        "{details:?}"
    );

    let done = env.json_as("jce", &args);
    assert_eq!(done["event"], "date-corrected");
    assert_eq!(done["effective_on"], "2009-03-02");
    assert_eq!(done["data"]["seq"], go_live);
    assert_eq!(done["data"]["from"], "2008-11-01");
    assert_eq!(
        done["data"]["reason"],
        "entered as 1 Nov 2008; live on 2 Mar 2009"
    );
    // The projection honours it: the replay by date, the proposal's go-live, and verify agree.
    assert_eq!(stage_on(&env, "2008-11-02"), "consultation");
    assert_eq!(stage_on(&env, "2009-03-02"), "monitoring");
    assert!(warnings(&env).is_empty());
    let show = env.json_as("audit", &["proposal", "show", "elections"]);
    assert_eq!(show["stage"], "monitoring");
    let history = env.json_as("audit", &["proposal", "history", "elections"]);
    let last = history.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["actor"], "jce", "{last}");
}
