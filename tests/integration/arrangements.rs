//! Arrangements of the partnership itself (issue 21): the Acting Joint Chief Executive's 12-month
//! trial agreed on 30 June 2008, reviewed by each council's Cabinet after six months and formally
//! before twelve, then annually (seed 003, §2.3 and §4.3(c)). Its reminders fall due at 09:00 local
//! — 30 December 2008 in GMT (09:00Z), 30 June 2009 in BST (08:00Z) — in `reminders list|ics` and
//! `scheduler tick`, exactly once; a council's recorded review answers its own reminder; the
//! quarterly report (layout 3) lists them in its reviews section; monitoring officers are told of
//! declared interests.

use crate::support::{bromsgrove_redditch, Env, Run};
use serde_json::Value;

/// The 2008 partnership file with the trial, both Monitoring Officers and a Board member.
const ADDITIONS: &str = r#"
[[actor]]
id = "bdc-monitoring-officer"
roles = ["monitoring-officer"]
council = "bromsgrove"

[[actor]]
id = "rbc-monitoring-officer"
roles = ["monitoring-officer"]
council = "redditch"

[[actor]]
id = "bdc-leader"
roles = ["board-member"]
council = "bromsgrove"

[[arrangement]]
id = "joint-chief-executive"
title = "Acting Joint Chief Executive (12-month trial)"
started = "2008-06-30"
reviews = [6, 12]
then = 12
"#;

fn partnership_file(env: &Env, extra: &str) -> String {
    let text = std::fs::read_to_string(bromsgrove_redditch()).unwrap() + extra;
    let path = env.path("partnership.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// A store with the trial, registered on the evening of the Board's first meeting.
fn with_the_trial() -> Env {
    let mut env = Env::new();
    env.at("2008-09-01T17:45:00+01:00");
    let file = partnership_file(&env, ADDITIONS);
    env.run(&["init", &file]).ok();
    env
}

/// The arrangement reminders of a JSON list (`reminders list`, or a tick's `fired`): id and due.
fn arrangement_ones(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "arrangement-review")
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["due"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pair(id: &str, due: &str) -> (String, String) {
    (id.to_string(), due.to_string())
}

fn record(env: &mut Env, now: &str, clerk: &str, council: &str, on: &str) -> Value {
    env.at(now);
    env.json_as(
        clerk,
        &[
            "review",
            "record",
            "--arrangement",
            "joint-chief-executive",
            "--council",
            council,
            "--outcome",
            "continue",
            "--summary",
            "Cabinet six-month review: continue",
            "--on",
            on,
        ],
    )
}

/// `scheduler tick` as the scheduled job, into the scratch directory's outbox.
fn tick(env: &Env) -> Value {
    let outbox = env.path("outbox");
    env.json_as(
        "ops",
        &["scheduler", "tick", "--outbox", outbox.to_str().unwrap()],
    )
}

fn report(env: &Env, quarter: &str, council: &str) -> String {
    let run = env.run(&[
        "report",
        "quarterly",
        "--quarter",
        quarter,
        "--council",
        council,
    ]);
    run.ok();
    run.stdout
}

#[test]
fn the_trials_six_month_reviews_from_reminder_to_report() {
    let mut env = with_the_trial();
    env.at("2008-12-01T12:00:00Z");
    let list = env.json_as("jce", &["reminders", "list", "--until", "2009-07-31"]);
    // Hand-computed: 30 Jun 2008 + 6 months = 30 Dec 2008, 09:00 GMT = 09:00Z; + 12 months =
    // 30 Jun 2009, 09:00 BST = 08:00Z.
    assert_eq!(
        arrangement_ones(&list),
        [
            pair(
                "arrangement:joint-chief-executive:bromsgrove:6:2008-12-30",
                "2008-12-30T09:00:00+00:00"
            ),
            pair(
                "arrangement:joint-chief-executive:redditch:6:2008-12-30",
                "2008-12-30T09:00:00+00:00"
            ),
            pair(
                "arrangement:joint-chief-executive:bromsgrove:12:2009-06-30",
                "2009-06-30T09:00:00+01:00"
            ),
            pair(
                "arrangement:joint-chief-executive:redditch:12:2009-06-30",
                "2009-06-30T09:00:00+01:00"
            ),
        ]
    );
    let show = env.run(&["partnership", "show"]);
    show.ok();
    assert!(show.stdout.contains(
        "Acting Joint Chief Executive (12-month trial) (from 2008-06-30): reviewed by bromsgrove, redditch after 6 and 12 months, then every 12 months"
    ), "{}", show.stdout);
    let ics = env.run(&["reminders", "ics"]);
    ics.ok();
    assert!(ics
        .stdout
        .contains("UID:arrangement:joint-chief-executive:redditch:6:2008-12-30@"));
    assert!(ics.stdout.contains("DTSTART:20081230T090000Z"));
    assert!(ics.stdout.contains("DTSTART:20090630T080000Z"));

    // Bromsgrove's Cabinet reviews it early; its clerk records it.
    let held = record(
        &mut env,
        "2008-12-18T10:00:00Z",
        "bdc-clerk",
        "bromsgrove",
        "2008-12-17",
    );
    assert_eq!(held["event"], "arrangement-review-recorded");
    assert_eq!(held["data"]["months"], 6);
    assert_eq!(held["data"]["due"], "2008-12-30");
    assert_eq!(held["version"], 1);

    // The New Year tick fires Redditch's (late), not Bromsgrove's; a second tick fires nothing.
    env.at("2009-01-01T09:05:00Z");
    let new_year = tick(&env);
    assert_eq!(
        arrangement_ones(&new_year["fired"]),
        [pair(
            "arrangement:joint-chief-executive:redditch:6:2008-12-30",
            "2008-12-30T09:00:00+00:00"
        )]
    );
    let fired = &new_year["fired"].as_array().unwrap();
    let redditch = fired
        .iter()
        .find(|f| f["kind"] == "arrangement-review")
        .unwrap();
    assert_eq!(redditch["late"], true);
    assert_eq!(redditch["council"], "redditch");
    assert_eq!(redditch["proposal"], Value::Null);
    let again = tick(&env);
    assert!(arrangement_ones(&again["fired"]).is_empty());

    // Redditch's Executive reviews it in January.
    let late = record(
        &mut env,
        "2009-01-15T10:00:00Z",
        "rbc-clerk",
        "redditch",
        "2009-01-14",
    );
    assert_eq!(
        late["data"]["months"], 6,
        "held late, it answers the six-month review"
    );

    // The Oct–Dec report: Bromsgrove's held, Redditch's not yet (14 January is after the quarter).
    let bdc = report(&env, "2008/09-Q3", "bromsgrove");
    assert!(
        bdc.contains("### Reviews of the partnership's arrangements"),
        "{bdc}"
    );
    assert!(bdc.contains(
        "| Acting Joint Chief Executive (12-month trial) | Six-month review | 30 December 2008 | 17 December 2008 | continue | Cabinet six-month review: continue | bdc-clerk |"
    ), "{bdc}");
    let rbc = report(&env, "2008/09-Q3", "redditch");
    assert!(
        rbc.contains("| Six-month review | 30 December 2008 | not yet held | — | — | — |"),
        "{rbc}"
    );
    let rbc_q4 = report(&env, "2008/09-Q4", "redditch");
    assert!(
        rbc_q4.contains("| 30 December 2008 | 14 January 2009 | continue |"),
        "{rbc_q4}"
    );
    let html = env.run(&[
        "report",
        "quarterly",
        "--quarter",
        "2008/09-Q4",
        "--council",
        "redditch",
        "--format",
        "html",
    ]);
    html.ok();
    assert!(html
        .stdout
        .contains("<h3>Reviews of the partnership's arrangements</h3>"));
    assert!(html
        .stdout
        .contains("<td>30 December 2008</td><td>14 January 2009</td><td>continue</td>"));
    let json = env.json_as(
        "jce",
        &[
            "report",
            "quarterly",
            "--quarter",
            "2008/09-Q4",
            "--council",
            "redditch",
            "--format",
            "json",
        ],
    );
    assert_eq!(json["arrangement_reviews"][0]["held_on"], "2009-01-14");
    assert_eq!(json["arrangement_reviews"][0]["by"], "rbc-clerk");

    // The web view's upcoming page shows the twelve-month reviews, as `reminders list` does.
    env.at("2009-06-01T12:00:00+01:00");
    crate::web::account(&env, "audit");
    let mut server = crate::web::serve_anonymous(&env, &[]);
    server.sign_in("audit", crate::web::PASSWORD);
    let upcoming = server.ok("/upcoming").text();
    for council in ["bromsgrove", "redditch"] {
        let id = format!("arrangement:joint-chief-executive:{council}:12:2009-06-30");
        assert!(upcoming.contains(&id), "{id} in {upcoming}");
    }
    assert!(upcoming.contains("Twelve-month review of"), "{upcoming}");
    drop(server);

    // The twelve-month reviews fall due at 09:00 BST: a tick at 09:00:30 BST fires both, on time.
    env.at("2009-06-30T08:00:30Z");
    let summer = tick(&env);
    let twelve: Vec<&Value> = summer["fired"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "arrangement-review")
        .collect();
    assert_eq!(twelve.len(), 2);
    assert!(twelve
        .iter()
        .all(|f| f["due"] == "2009-06-30T09:00:00+01:00" && f["late"] == false));
}

#[test]
fn a_declared_interest_is_told_to_the_councils_monitoring_officer() {
    let mut env = with_the_trial();
    env.at("2008-09-03T10:00:00+01:00");
    env.json_as(
        "jce",
        &[
            "proposal",
            "new",
            "--title",
            "Shared elections",
            "--service",
            "elections",
            "--lead",
            "bromsgrove",
        ],
    );
    let member = env.json_as(
        "bdc-leader",
        &[
            "proposal",
            "declare-interest",
            "elections",
            "--reason",
            "A relative works in elections",
        ],
    );
    assert_eq!(
        member["data"]["told"],
        serde_json::json!([{
            "council": "bromsgrove",
            "officer": "bdc-monitoring-officer",
            "at": "2008-09-03T10:00:00+01:00"
        }])
    );
    // The Joint Chief Executive belongs to neither council: both Monitoring Officers are told.
    let jce = env.json_as(
        "jce",
        &[
            "proposal",
            "declare-interest",
            "elections",
            "--reason",
            "Seconded from Bromsgrove",
        ],
    );
    let told: Vec<&str> = jce["data"]["told"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["officer"].as_str().unwrap())
        .collect();
    assert_eq!(told, ["bdc-monitoring-officer", "rbc-monitoring-officer"]);
    // Recusal as before; a Board member records nothing else; a monitoring officer records nothing.
    env.run_as(
        "jce",
        &["proposal", "advance", "elections", "--to", "business-case"],
    )
    .expect_code(5);
    env.run_as(
        "bdc-leader",
        &["proposal", "hold", "elections", "--reason", "x"],
    )
    .expect_code(5);
    env.run_as(
        "bdc-monitoring-officer",
        &["proposal", "declare-interest", "elections", "--reason", "x"],
    )
    .expect_code(5);
    let history = env.run(&["proposal", "history", "elections"]);
    history.ok();
    assert!(
        history
            .stdout
            .contains("told bromsgrove's monitoring officer (bdc-monitoring-officer)"),
        "{}",
        history.stdout
    );
}

/// Exit `code` with nothing written, and `words` in the refusal.
#[track_caller]
fn refused(env: &Env, run: Run, code: i32, words: &str) {
    let before = env.run(&["audit", "verify", "--json"]).json()["events"].clone();
    run.expect_code(code);
    assert!(run.stderr.contains(words), "{}", run.stderr);
    if code != 2 {
        // A refusal is a line or two: what was wrong, and what would put it right.
        assert!(run.stderr.trim().lines().count() <= 3, "{}", run.stderr);
    }
    let after = env.run(&["audit", "verify", "--json"]).json()["events"].clone();
    assert_eq!(before, after, "nothing written");
}

#[test]
fn reviews_of_unknown_arrangements_councils_or_dates_are_refused_in_plain_words() {
    let mut env = with_the_trial();
    env.at("2009-01-05T10:00:00Z");
    let review = |actor: &str, arrangement: &str, council: &str, on: &str| {
        env.run_as(
            actor,
            &[
                "review",
                "record",
                "--arrangement",
                arrangement,
                "--council",
                council,
                "--outcome",
                "continue",
                "--on",
                on,
            ],
        )
    };
    let unknown = review("bdc-clerk", "chief-executive", "bromsgrove", "2009-01-05");
    refused(
        &env,
        unknown,
        3,
        "there is no arrangement \"chief-executive\"",
    );
    let outside = review("admin", "joint-chief-executive", "wychavon", "2009-01-05");
    refused(
        &env,
        outside,
        3,
        "there is no council \"wychavon\" in the partnership",
    );
    let other = review(
        "bdc-clerk",
        "joint-chief-executive",
        "redditch",
        "2009-01-05",
    );
    refused(&env, other, 5, "may not record redditch's reviews");
    let early = review(
        "bdc-clerk",
        "joint-chief-executive",
        "bromsgrove",
        "2008-06-01",
    );
    refused(
        &env,
        early,
        3,
        "before arrangement joint-chief-executive started",
    );
    let both = env.run_as(
        "bdc-clerk",
        &[
            "review",
            "record",
            "elections",
            "--arrangement",
            "joint-chief-executive",
            "--council",
            "bromsgrove",
            "--outcome",
            "continue",
        ],
    );
    refused(&env, both, 2, "cannot be used with");
    let neither = env.run_as(
        "bdc-clerk",
        &[
            "review",
            "record",
            "--council",
            "bromsgrove",
            "--outcome",
            "continue",
        ],
    );
    refused(&env, neither, 2, "required");
}

#[test]
fn a_bad_arrangement_in_the_partnership_file_is_a_usage_error_naming_its_line() {
    for (bad, words) in [
        ("reviews = [6, 12]", "reviews = [12, 6]", "ascending order"),
        (
            "started = \"2008-06-30\"",
            "started = \"2008-02-30\"",
            "is not a date",
        ),
        ("then = 12", "then = 0", "then must be 1 to 120 months"),
        (
            "roles = [\"monitoring-officer\"]\ncouncil = \"redditch\"",
            "roles = [\"monitoring-officer\"]",
            "monitoring officer without a council",
        ),
    ]
    .map(|(from, to, words)| (ADDITIONS.replace(from, to), words))
    {
        let env = Env::new();
        let file = partnership_file(&env, &bad);
        let run = env.run(&["init", &file]);
        run.expect_code(2);
        assert!(run.stderr.contains(words), "{words}: {}", run.stderr);
        assert!(run.stderr.contains("line "), "{}", run.stderr);
        assert!(!std::path::Path::new(&env.store)
            .join("events.jsonl")
            .exists());
    }
    let env = Env::new();
    let file = partnership_file(
        &env,
        &ADDITIONS.replace("then = 12", "then = 12\ncouncils = [\"wychavon\"]"),
    );
    let run = env.run(&["init", &file]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("names council \"wychavon\", which is not a council of this file"),
        "{}",
        run.stderr
    );
}
