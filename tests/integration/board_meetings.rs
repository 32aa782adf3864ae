//! The Shared Services Board's meetings through the binary (issue 21), on either backend: the
//! first meeting of 1 September 2008 scheduled, its agenda, its attendance (one member per council
//! is no quorum), the vote of the members present, the minutes drafted and approved at the next
//! meeting after the Labour Group Leaders joined; the reminders they bring; and each refusal.

use crate::support::http::Client;
use crate::support::{repo_root, Env, Run};
use crate::web::{account, serve_anonymous, PASSWORD};
use serde_json::Value;

fn fixture() -> String {
    repo_root()
        .join("tests/fixtures/board-meetings.toml")
        .display()
        .to_string()
}

/// The five present at the first meeting (minutes, 1 Sep 2008); bdc-member-3 sent apologies.
const PRESENT: &str = "bdc-leader,bdc-member-2,rbc-leader,rbc-member-2,rbc-member-3";

/// A store with the Board's partnership and payroll and elections at consultation.
fn partnership() -> Env {
    let mut env = Env::new();
    env.at("2008-09-01T12:00:00Z");
    env.run(&["init", &fixture()]).ok();
    for (service, lead) in [("payroll", "redditch"), ("elections", "bromsgrove")] {
        let jce = |args: &[&str]| {
            env.run_as("jce", args).ok();
        };
        jce(&[
            "proposal",
            "new",
            "--title",
            service,
            "--service",
            service,
            "--lead",
            lead,
        ]);
        jce(&["proposal", "advance", service, "--to", "business-case"]);
        jce(&[
            "proposal",
            "business-case",
            service,
            "--one-off-cost",
            "12000",
            "--annual-saving",
            "40000",
        ]);
        jce(&["proposal", "advance", service, "--to", "consultation"]);
    }
    env
}

#[track_caller]
fn refused(run: &Run, code: i32, words: &[&str]) {
    run.expect_code(code);
    for w in words {
        assert!(run.stderr.contains(w), "{w:?} not in:\n{}", run.stderr);
    }
}

fn head(env: &Env) -> Value {
    env.run(&["--json", "audit", "verify"]).json()["events"].clone()
}

fn vote(env: &Env, proposal: &str, support: &str) -> Run {
    env.run_as(
        "jce",
        &[
            "board",
            "vote",
            proposal,
            "--meeting",
            "2008-09-01",
            "--support",
            support,
        ],
    )
}

#[test]
fn the_board_from_its_first_meeting_through_a_vote_to_approved_minutes() {
    let mut env = partnership();
    let jce = |env: &Env, args: &[&str]| env.json_as("jce", args);
    // Scheduled at Bromsgrove: its Leader chairs.
    let s = jce(
        &env,
        &[
            "board",
            "meeting",
            "schedule",
            "--on",
            "2008-09-01",
            "--venue",
            "bromsgrove",
        ],
    );
    assert_eq!(s["event"], "board-meeting-scheduled");
    assert_eq!(s["data"]["chair"], "bdc-leader");
    assert_eq!(s["data"]["at"], "17:30");
    jce(
        &env,
        &[
            "board",
            "agenda",
            "add",
            "2008-09-01",
            "--proposal",
            "payroll",
        ],
    );
    jce(
        &env,
        &[
            "board",
            "agenda",
            "add",
            "2008-09-01",
            "--proposal",
            "elections",
            "--exempt",
            "information relating to particular employees",
        ],
    );

    // One member of each council present is not a quorum: the vote is refused, naming who is missing.
    jce(
        &env,
        &[
            "board",
            "attend",
            "2008-09-01",
            "--present",
            "bdc-leader,rbc-leader",
            "--apologies",
            "bdc-member-3",
        ],
    );
    let before = head(&env);
    refused(
        &vote(&env, "payroll", "bdc-leader,rbc-leader"),
        3,
        &[
            "not quorate",
            "bromsgrove: 1 of 2 present; missing bdc-member-2 (absent), bdc-member-3 (apologies)",
            "redditch: 1 of 2 present; missing rbc-member-2 (absent), rbc-member-3 (absent)",
        ],
    );
    assert_eq!(head(&env), before, "a refused vote writes nothing");

    // The attendance as minuted: five present, one apology.
    let a = jce(
        &env,
        &[
            "board",
            "attend",
            "2008-09-01",
            "--present",
            PRESENT,
            "--apologies",
            "bdc-member-3",
        ],
    );
    assert_eq!(a["data"]["quorate"], true);
    assert_eq!(a["data"]["by_council"]["bromsgrove"]["present"], 2);
    refused(
        &vote(&env, "payroll", &format!("{PRESENT},bdc-member-3")),
        3,
        &["bdc-member-3 sent apologies"],
    );
    refused(
        &vote(
            &env,
            "payroll",
            "bdc-leader,bdc-member-2,rbc-leader,rbc-member-2",
        ),
        3,
        &["rbc-member-3 is present", "but not named"],
    );
    let voted = jce(
        &env,
        &[
            "board",
            "vote",
            "payroll",
            "--meeting",
            "2008-09-01",
            "--support",
            PRESENT,
        ],
    );
    assert_eq!(voted["data"]["outcome"], "consensus");

    // The minutes drafted two days later; the cycle's next meeting is at Redditch in November.
    let minutes = env.path("minutes-2008-09-01.txt");
    std::fs::write(&minutes, "Present – Councillors R. Hollingworth (Chairman), C. Gandy, M Hall, J. Luck and C. McMillan\nApologies – Councillor M. Webb\n").unwrap();
    env.at("2008-09-03T10:00:00+01:00");
    jce(
        &env,
        &[
            "board",
            "minutes",
            "draft",
            "2008-09-01",
            "--file",
            minutes.to_str().unwrap(),
        ],
    );
    let list = jce(&env, &["board", "meeting", "list"]);
    assert_eq!(list[1]["scheduled"], false);
    assert_eq!(
        (
            list[1]["meeting"].as_str(),
            list[1]["venue"].as_str(),
            list[1]["chair"].as_str()
        ),
        (Some("2008-11-01"), Some("redditch"), Some("rbc-leader"))
    );

    // The Labour Group Leaders join from 17 September (both Councils' decision).
    let amended = std::fs::read_to_string(fixture())
        .unwrap()
        .replace(
            "\"bdc-member-3\"]",
            "\"bdc-member-3\", \"bdc-labour-leader\"]",
        )
        .replace(
            "\"rbc-member-3\"]",
            "\"rbc-member-3\", \"rbc-labour-leader\"]",
        );
    let file = env.path("amended.toml");
    std::fs::write(&file, amended).unwrap();
    env.run_as(
        "admin",
        &[
            "partnership",
            "amend",
            file.to_str().unwrap(),
            "--on",
            "2008-09-17",
        ],
    )
    .ok();

    // The next meeting: at Redditch by the cycle's alternation; the minutes approved there.
    env.at("2008-10-01T10:00:00+01:00");
    let next = jce(
        &env,
        &["board", "meeting", "schedule", "--on", "2008-11-03"],
    );
    assert_eq!(
        (
            next["data"]["venue"].as_str(),
            next["data"]["chair"].as_str()
        ),
        (Some("redditch"), Some("rbc-leader"))
    );
    let reminders = jce(&env, &["reminders", "list", "--until", "2008-11-30"]);
    let due = |id: &str| {
        reminders
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["due"].clone())
    };
    assert_eq!(
        due("board:2008-11-03:agenda:2008-10-24"),
        Some(Value::from("2008-10-24T09:00:00+01:00"))
    );
    assert_eq!(
        due("board:2008-11-03:meeting"),
        Some(Value::from("2008-11-03T17:30:00+00:00"))
    );
    assert_eq!(
        due("board:2008-09-01:minutes:2008-11-03"),
        Some(Value::from("2008-11-04T09:00:00+00:00"))
    );
    refused(
        &env.run_as(
            "jce",
            &[
                "board",
                "minutes",
                "approve",
                "2008-11-03",
                "--at",
                "2008-09-01",
            ],
        ),
        3,
        &["approved at a later meeting"],
    );
    env.at("2008-11-03T19:00:00Z");
    refused(
        &env.run_as(
            "jce",
            &[
                "board",
                "attend",
                "2008-11-03",
                "--present",
                "bdc-leader,sub-1",
            ],
        ),
        3,
        &["sub-1 is not a member", "substitutes"],
    );
    jce(
        &env,
        &[
            "board",
            "attend",
            "2008-11-03",
            "--present",
            "bdc-leader,bdc-member-2,bdc-labour-leader,rbc-leader,rbc-member-2,rbc-labour-leader",
        ],
    );
    let approved = jce(
        &env,
        &[
            "board",
            "minutes",
            "approve",
            "2008-09-01",
            "--at",
            "2008-11-03",
        ],
    );
    assert_eq!(approved["effective_on"], "2008-11-03");
    let shown = jce(&env, &["board", "meeting", "show", "2008-09-01"]);
    assert_eq!(shown["minutes"], "approved");
    assert_eq!(shown["minutes_approved_at"], "2008-11-03");
    assert!(shown["minutes_text"]
        .as_str()
        .unwrap()
        .contains("Apologies – Councillor M. Webb"));
    let reminders = jce(&env, &["reminders", "list", "--until", "2009-01-31"]);
    assert!(
        reminders
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["kind"] != "board-minutes-unapproved"),
        "approved minutes ask for nothing"
    );
    env.run(&["audit", "verify"]).ok();
}

#[test]
fn an_exempt_reason_is_for_registered_readers_and_never_in_the_calendar_feed() {
    let env = partnership();
    env.run_as(
        "jce",
        &[
            "board",
            "meeting",
            "schedule",
            "--on",
            "2008-11-03",
            "--venue",
            "redditch",
        ],
    )
    .ok();
    refused(
        &env.run_as(
            "jce",
            &[
                "board",
                "agenda",
                "add",
                "2008-11-03",
                "--proposal",
                "elections",
                "--exempt",
                "",
            ],
        ),
        2,
        &["--exempt"],
    );
    env.run_as(
        "jce",
        &[
            "board",
            "agenda",
            "add",
            "2008-11-03",
            "--proposal",
            "elections",
            "--exempt",
            "information relating to particular employees",
        ],
    )
    .ok();
    let anonymous = env.run(&["--json", "board", "meeting", "show", "2008-11-03"]);
    anonymous.ok();
    assert_eq!(anonymous.json()["agenda"][0]["exempt"], true);
    assert_eq!(anonymous.json()["agenda"][0]["reason"], Value::Null);
    let member = env.json_as("rbc-leader", &["board", "meeting", "show", "2008-11-03"]);
    assert_eq!(
        member["agenda"][0]["reason"],
        "information relating to particular employees"
    );
    let ics = env.run(&["reminders", "ics"]);
    ics.ok();
    assert!(
        ics.stdout.contains("board:2008-11-03:meeting"),
        "{}",
        ics.stdout
    );
    assert!(!ics.stdout.contains("particular employees"));
    // The web: the meeting on the upcoming page without the reason; the reason in the API, which
    // answers only those signed in.
    account(&env, "rbc-leader");
    let server = serve_anonymous(&env, &[]);
    assert_eq!(server.get("/api/board/meetings/2008-11-03").status, 401);
    let member = Client::signed_in(&server.addr, "rbc-leader", PASSWORD);
    let upcoming = member.get("/upcoming").text();
    assert!(
        upcoming.contains("The Shared Services Board meets at Redditch Borough Council"),
        "{upcoming}"
    );
    assert!(!upcoming.contains("particular employees"));
    let api = member.get("/api/board/meetings/2008-11-03").json();
    assert_eq!(
        api["agenda"][0]["reason"],
        "information relating to particular employees"
    );
    assert_eq!(
        member.get("/api/board/meetings").json()[0]["meeting"],
        "2008-11-03"
    );
    // A Board member reads everything and records nothing.
    refused(
        &env.run_as(
            "rbc-leader",
            &["board", "meeting", "schedule", "--on", "2009-01-05"],
        ),
        5,
        &["may not record the Board's meetings"],
    );
}

#[test]
fn without_a_meeting_that_day_a_vote_stands_alone_and_unknown_meetings_are_refused() {
    let env = partnership();
    env.run_as(
        "jce",
        &["board", "meeting", "schedule", "--on", "2008-09-01"],
    )
    .ok();
    // No meeting recorded on 2 September: the contract's vote as before.
    let v = env.json_as(
        "jce",
        &[
            "board",
            "vote",
            "elections",
            "--meeting",
            "2008-09-02",
            "--support",
            "bdc-leader,rbc-leader",
        ],
    );
    assert_eq!(v["data"]["outcome"], "consensus");
    // On 1 September the meeting's rules apply: nobody is recorded present yet.
    refused(
        &vote(&env, "payroll", PRESENT),
        3,
        &["attendance", "not recorded", "board attend 2008-09-01"],
    );
    let before = head(&env);
    refused(
        &env.run_as(
            "jce",
            &["board", "attend", "2008-09-02", "--present", "bdc-leader"],
        ),
        3,
        &[
            "no Board meeting is scheduled on 2008-09-02",
            "board meeting schedule --on 2008-09-02",
        ],
    );
    refused(
        &env.run_as(
            "jce",
            &[
                "board",
                "agenda",
                "add",
                "2008-09-01",
                "--proposal",
                "nothing",
            ],
        ),
        3,
        &["no proposal"],
    );
    refused(
        &env.run_as(
            "jce",
            &["board", "meeting", "schedule", "--on", "2008-09-01"],
        ),
        3,
        &["already scheduled"],
    );
    refused(
        &env.run_as(
            "jce",
            &[
                "board",
                "meeting",
                "schedule",
                "--on",
                "2008-09-08",
                "--at",
                "5.30pm",
            ],
        ),
        2,
        &["HH:MM"],
    );
    refused(
        &env.run_as(
            "jce",
            &[
                "board",
                "minutes",
                "approve",
                "2008-09-01",
                "--at",
                "2008-09-02",
            ],
        ),
        3,
        &["no Board meeting is scheduled on 2008-09-02"],
    );
    assert_eq!(head(&env), before, "refusals write nothing");
}
