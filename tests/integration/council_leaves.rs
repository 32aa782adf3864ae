//! A three-council partnership in which one council leaves a live service (issue 20): of a £1,000
//! saving recorded afterwards nothing goes to the leaver and the two that remain split it pro rata
//! to their shares; its review reminders stop; its report for the quarter before is unchanged;
//! the partnership is not amended without it until it has left. Then the shares are varied with
//! both remaining councils' consent, and the partnership ends after one final report.

use crate::support::Env;
use serde_json::Value;

/// Bromsgrove, Redditch and Wychavon, each with two members on the Board and a clerk.
const THREE: &str = r#"
name = "Worcestershire shared revenues"
unions = ["unison"]

[[council]]
id = "bromsgrove"
name = "Bromsgrove District Council"
board = ["bdc-leader", "bdc-member-2"]

[[council]]
id = "redditch"
name = "Redditch Borough Council"
board = ["rbc-leader", "rbc-member-2"]

[[council]]
id = "wychavon"
name = "Wychavon District Council"
board = ["wdc-leader", "wdc-member-2"]

[[actor]]
id = "admin"
roles = ["admin"]

[[actor]]
id = "jce"
roles = ["programme-manager"]

[[actor]]
id = "bdc-clerk"
roles = ["clerk"]
council = "bromsgrove"

[[actor]]
id = "rbc-clerk"
roles = ["clerk"]
council = "redditch"

[[actor]]
id = "wdc-clerk"
roles = ["clerk"]
council = "wychavon"

[[actor]]
id = "audit"
roles = ["auditor"]

[[actor]]
id = "ops"
roles = ["scheduler"]
"#;

/// The file without Wychavon (its council table and its clerk).
fn without_wychavon() -> String {
    THREE
        .replace(
            "[[council]]\nid = \"wychavon\"\nname = \"Wychavon District Council\"\nboard = [\"wdc-leader\", \"wdc-member-2\"]\n",
            "",
        )
        .replace(
            "[[actor]]\nid = \"wdc-clerk\"\nroles = [\"clerk\"]\ncouncil = \"wychavon\"\n",
            "",
        )
}

/// The partnership registered in January 2015, and the shared revenues service live from
/// 1 April 2015 with shares of 33.33 / 27.42 / 39.25.
fn live_service() -> Env {
    let mut env = Env::new();
    env.at("2015-01-05T10:00:00+00:00");
    let file = env.path("three.toml");
    std::fs::write(&file, THREE).unwrap();
    env.run(&["init", file.to_str().unwrap()]).ok();
    let steps: &[(&str, &[&str])] = &[
        (
            "jce",
            &[
                "proposal",
                "new",
                "--title",
                "Shared revenues",
                "--service",
                "revenues",
                "--lead",
                "bromsgrove",
                "--category",
                "medium-term",
                "--on",
                "2015-01-05",
            ],
        ),
        (
            "jce",
            &[
                "proposal",
                "business-case",
                "revenues",
                "--one-off-cost",
                "30000",
                "--annual-saving",
                "4000",
                "--share",
                "bromsgrove=33.33",
                "--share",
                "redditch=27.42",
                "--share",
                "wychavon=39.25",
                "--on",
                "2015-01-10",
            ],
        ),
        (
            "jce",
            &[
                "proposal",
                "advance",
                "revenues",
                "--to",
                "consultation",
                "--on",
                "2015-01-12",
            ],
        ),
        (
            "jce",
            &[
                "consultation",
                "open",
                "revenues",
                "--with",
                "staff,unison",
                "--on",
                "2015-01-12",
            ],
        ),
        (
            "jce",
            &["consultation", "close", "revenues", "--on", "2015-02-01"],
        ),
        (
            "jce",
            &[
                "proposal",
                "advance",
                "revenues",
                "--to",
                "council-approval",
                "--on",
                "2015-02-02",
            ],
        ),
        (
            "jce",
            &[
                "board",
                "vote",
                "revenues",
                "--meeting",
                "2015-02-03",
                "--support",
                "bdc-leader,bdc-member-2,rbc-leader,rbc-member-2,wdc-leader,wdc-member-2",
            ],
        ),
        (
            "bdc-clerk",
            &[
                "council",
                "decide",
                "revenues",
                "--council",
                "bromsgrove",
                "--decision",
                "approve",
                "--on",
                "2015-02-10",
            ],
        ),
        (
            "rbc-clerk",
            &[
                "council",
                "decide",
                "revenues",
                "--council",
                "redditch",
                "--decision",
                "approve",
                "--on",
                "2015-02-11",
            ],
        ),
        (
            "wdc-clerk",
            &[
                "council",
                "decide",
                "revenues",
                "--council",
                "wychavon",
                "--decision",
                "approve",
                "--on",
                "2015-02-12",
            ],
        ),
        (
            "jce",
            &[
                "proposal",
                "advance",
                "revenues",
                "--to",
                "monitoring",
                "--on",
                "2015-04-01",
            ],
        ),
    ];
    for (actor, args) in steps {
        env.run_as(actor, args).ok();
    }
    env
}

fn saving(env: &Env, quarter: &str, on: &str) -> Value {
    env.json_as(
        "jce",
        &[
            "monitor",
            "saving",
            "revenues",
            "--quarter",
            quarter,
            "--amount",
            "1000",
            "--on",
            on,
        ],
    )
}

fn parts(recorded: &Value) -> Value {
    recorded["data"]["by_council"].clone()
}

fn tick(env: &Env) -> Value {
    let outbox = env.path("outbox");
    env.json_as(
        "ops",
        &["scheduler", "tick", "--outbox", outbox.to_str().unwrap()],
    )
}

/// Every reminder not yet fired up to `until`.
fn reminders(env: &Env, until: &str) -> Vec<Value> {
    let list = env.json_as("audit", &["reminders", "list", "--until", until]);
    list.as_array().unwrap().clone()
}

#[test]
fn a_council_leaves_and_the_two_that_remain_share_its_part_pro_rata() {
    let mut env = live_service();
    env.at("2016-04-01T10:00:00+01:00");
    let q4 = saving(&env, "2015/16-Q4", "2016-03-31");
    assert_eq!(
        parts(&q4),
        serde_json::json!({"bromsgrove": "333.30", "redditch": "274.20", "wychavon": "392.50"})
    );
    // The 2015/16-Q4 reports are issued: Wychavon's is hashed into the log.
    let ticked = tick(&env);
    let issued = ticked["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["council"] == "wychavon" && r["quarter"] == "2015/16-Q4")
        .unwrap_or_else(|| panic!("no Q4 report for wychavon: {ticked}"))
        .clone();
    let before = reminders(&env, "2017-06-30");
    assert!(
        before.iter().any(|r| r["council"] == "wychavon"),
        "Wychavon's annual review is due before it leaves: {before:?}"
    );

    // The partnership cannot drop Wychavon while it is still in the live service.
    let smaller = env.path("without-wychavon.toml");
    std::fs::write(&smaller, without_wychavon()).unwrap();
    let amend = [
        "partnership",
        "amend",
        smaller.to_str().unwrap(),
        "--on",
        "2016-04-01",
    ];
    let refused = env.run_as("admin", &amend);
    refused.expect_code(3);
    assert!(
        refused
            .stderr
            .contains("wychavon is still in the live service revenues"),
        "{}",
        refused.stderr
    );
    assert!(
        refused
            .stderr
            .contains("council leave revenues --council wychavon"),
        "{}",
        refused.stderr
    );

    // Leaving is Wychavon's own decision: another council's clerk may not record it.
    let leave = [
        "council",
        "leave",
        "revenues",
        "--council",
        "wychavon",
        "--minute",
        "Cabinet 16 Mar 2016, item 7",
        "--on",
        "2016-04-01",
    ];
    env.run_as("bdc-clerk", &leave).expect_code(5);
    let left = env.json_as("wdc-clerk", &leave);
    assert_eq!(left["event"], "council-left");
    assert_eq!(left["data"]["from_quarter"], "2016/17-Q1");
    env.run_as("wdc-clerk", &leave).expect_code(3);
    env.json_as("admin", &amend);

    // Of £1,000 saved in April–June 2016 nothing goes to Wychavon. By hand: the remaining
    // shares are 33.33 and 27.42 (6,075 hundredths); 100,000p × 3,333 / 6,075 = 54,864.197…p
    // and 100,000p × 2,742 / 6,075 = 45,135.802…p; the odd penny goes to the larger remainder.
    env.at("2016-07-01T10:00:00+01:00");
    let q1 = saving(&env, "2016/17-Q1", "2016-06-30");
    assert_eq!(
        parts(&q1),
        serde_json::json!({"bromsgrove": "548.64", "redditch": "451.36"})
    );
    let show = env.json_as("audit", &["proposal", "show", "revenues"]);
    assert_eq!(show["savings"]["by_council"]["wychavon"], "392.50");
    assert_eq!(show["savings"]["by_council"]["bromsgrove"], "881.94");
    assert_eq!(
        show["left"]["wychavon"]["minute"],
        "Cabinet 16 Mar 2016, item 7"
    );
    let history = env.run_as("audit", &["proposal", "history", "revenues"]);
    assert!(
        history.ok().stdout.contains("wychavon left the service"),
        "{}",
        history.stdout
    );

    // Its review reminders stop; Bromsgrove's carry on.
    let after = reminders(&env, "2017-06-30");
    assert!(
        !after.iter().any(|r| r["council"] == "wychavon"),
        "{after:?}"
    );
    assert!(after
        .iter()
        .any(|r| r["council"] == "bromsgrove" && r["kind"] == "annual-review"));

    // Its report for the quarter before is the one issued, byte for byte; its report for the
    // quarter after is given (not refused) and lists none of the service's money.
    let known_at = issued["known_at"].as_str().unwrap();
    let again = env.run_as(
        "audit",
        &[
            "report",
            "quarterly",
            "--quarter",
            "2015/16-Q4",
            "--council",
            "wychavon",
            "--known-at",
            known_at,
        ],
    );
    let file = std::fs::read_to_string(issued["path"].as_str().unwrap()).unwrap();
    assert_eq!(again.ok().stdout, file);
    let q4_now = env.json_as(
        "audit",
        &[
            "report",
            "quarterly",
            "--quarter",
            "2015/16-Q4",
            "--council",
            "wychavon",
            "--format",
            "json",
        ],
    );
    assert_eq!(q4_now["savings"]["quarter_council"], "392.50");
    let q1_report = env.json_as(
        "audit",
        &[
            "report",
            "quarterly",
            "--quarter",
            "2016/17-Q1",
            "--council",
            "wychavon",
            "--format",
            "json",
        ],
    );
    assert_eq!(q1_report["proposals"], serde_json::json!([]));
    let said = q1_report["warnings"].to_string();
    assert!(said.contains("Wychavon District Council left"), "{said}");
    assert_eq!(q1_report["savings"]["quarter_council"], "0.00");
    let q1_bromsgrove = env.json_as(
        "audit",
        &[
            "report",
            "quarterly",
            "--quarter",
            "2016/17-Q1",
            "--council",
            "bromsgrove",
            "--format",
            "json",
        ],
    );
    assert_eq!(q1_bromsgrove["savings"]["quarter_council"], "548.64");
}

#[test]
fn shares_are_varied_with_every_remaining_councils_consent_then_the_partnership_ends() {
    let mut env = live_service();
    env.at("2016-04-02T10:00:00+01:00");
    env.json_as(
        "wdc-clerk",
        &[
            "council",
            "leave",
            "revenues",
            "--council",
            "wychavon",
            "--minute",
            "Cabinet 16 Mar 2016, item 7",
            "--on",
            "2016-04-01",
        ],
    );

    // New shares must cover exactly the councils that remain and sum to 100.
    let vary = |shares: &[&str], on: &str| {
        let mut args = vec!["proposal", "vary-shares", "revenues"];
        for s in shares {
            args.extend(["--share", s]);
        }
        args.extend(["--on", on]);
        env.run_as("jce", &args)
    };
    let r = vary(
        &["bromsgrove=50", "redditch=30", "wychavon=20"],
        "2016-07-15",
    );
    r.expect_code(3);
    assert!(
        r.stderr
            .contains("wychavon has a share but has left revenues"),
        "{}",
        r.stderr
    );
    vary(&["bromsgrove=50", "redditch=40"], "2016-07-15").expect_code(3);
    vary(&["bromsgrove=50", "redditch=50"], "2016-07-15").ok();
    env.run_as(
        "rbc-clerk",
        &[
            "council",
            "consent",
            "revenues",
            "--council",
            "bromsgrove",
            "--minute",
            "x",
            "--on",
            "2016-07-20",
        ],
    )
    .expect_code(5);
    env.json_as(
        "bdc-clerk",
        &[
            "council",
            "consent",
            "revenues",
            "--council",
            "bromsgrove",
            "--minute",
            "Cabinet 20 Jul 2016",
            "--on",
            "2016-07-20",
        ],
    );
    // A new proposal replaces the one still waiting: consents start again.
    let replaced = vary(&["bromsgrove=60", "redditch=40"], "2016-08-01");
    assert!(
        replaced
            .ok()
            .stdout
            .contains("replacing the variation awaiting consent"),
        "{}",
        replaced.stdout
    );
    env.json_as(
        "bdc-clerk",
        &[
            "council",
            "consent",
            "revenues",
            "--council",
            "bromsgrove",
            "--minute",
            "Cabinet 10 Aug 2016",
            "--on",
            "2016-08-10",
        ],
    );
    let show = env.json_as("audit", &["proposal", "show", "revenues"]);
    let variations = show["share_variations"].as_array().unwrap();
    assert_eq!(variations[0]["status"], "replaced");
    assert_eq!(variations[1]["status"], "pending");
    assert_eq!(variations[1]["awaiting"], serde_json::json!(["redditch"]));

    // Until Redditch consents the old shares apply: July–September goes 33.33 : 27.42.
    env.at("2016-10-01T10:00:00+01:00");
    assert_eq!(
        parts(&saving(&env, "2016/17-Q2", "2016-09-30")),
        serde_json::json!({"bromsgrove": "548.64", "redditch": "451.36"})
    );
    env.json_as(
        "rbc-clerk",
        &[
            "council",
            "consent",
            "revenues",
            "--council",
            "redditch",
            "--minute",
            "Executive 5 Oct 2016",
            "--on",
            "2016-10-05",
        ],
    );
    // In force from the quarter of the last consent (October–December).
    env.at("2017-01-01T08:00:00+00:00");
    assert_eq!(
        parts(&saving(&env, "2016/17-Q3", "2016-12-31")),
        serde_json::json!({"bromsgrove": "600.00", "redditch": "400.00"})
    );
    let show = env.json_as("audit", &["proposal", "show", "revenues"]);
    assert_eq!(show["share_variations"][1]["in_force_from"], "2016/17-Q3");
    // What the business case's £4,000 a year means for Bromsgrove, by the shares in force.
    let expected = |quarter: &str| {
        let r = env.json_as(
            "audit",
            &[
                "report",
                "quarterly",
                "--quarter",
                quarter,
                "--council",
                "bromsgrove",
                "--format",
                "json",
            ],
        );
        r["money"][0]["expected_annual_council"].clone()
    };
    assert_eq!(expected("2015/16-Q4"), "1333.20");
    assert_eq!(expected("2016/17-Q2"), "2194.57");
    assert_eq!(expected("2016/17-Q3"), "2400.00");
    assert_eq!(
        show["savings"]["by_quarter"]["2016/17-Q2"]["by_council"]["bromsgrove"],
        "548.64"
    );

    // The partnership ends on 15 November 2016 (an admin's act): the report for October–December
    // is the last thing that falls due.
    env.at("2016-11-16T10:00:00+00:00");
    tick(&env);
    let end = [
        "partnership",
        "end",
        "--on",
        "2016-11-15",
        "--minute",
        "Joint Committee 15 Nov 2016",
    ];
    env.run_as("jce", &end).expect_code(5);
    let ended = env.json_as("admin", &end);
    assert_eq!(ended["final_quarter"], "2016/17-Q3");
    env.run_as("admin", &end).expect_code(3);
    let left = reminders(&env, "2018-12-31");
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["kind"], "quarterly-report");
    assert_eq!(left[0]["due"], "2017-01-01T09:00:00+00:00");
    let ics = env.run_as("audit", &["reminders", "ics"]);
    assert_eq!(
        ics.ok().stdout.matches("BEGIN:VEVENT").count(),
        1,
        "{}",
        ics.stdout
    );
    env.at("2018-06-01T10:00:00+01:00");
    let last = tick(&env);
    let quarters: Vec<&str> = last["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["quarter"].as_str().unwrap())
        .collect();
    assert_eq!(last["fired"].as_array().unwrap().len(), 1, "{last}");
    assert!(
        !quarters.is_empty() && quarters.iter().all(|q| *q == "2016/17-Q3"),
        "{last}"
    );
    assert_eq!(tick(&env)["fired"], serde_json::json!([]));
}
