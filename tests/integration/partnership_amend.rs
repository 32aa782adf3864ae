//! `partnership amend`: a council joins (as Forest of Dean joined the 2020 partnership in 2015) and the
//! Board changes, each from its effective date; existing proposals keep their councils.

use crate::support::{bromsgrove_redditch, Env};

fn amended_file(env: &Env) -> String {
    let text = std::fs::read_to_string(bromsgrove_redditch())
        .unwrap()
        .replace("\"bdc-member-3\"", "\"bdc-member-4\"")
        + r#"
[[council]]
id = "wyre-forest"
name = "Wyre Forest District Council"
board = ["wfdc-leader", "wfdc-member-2"]

[[actor]]
id = "wfdc-clerk"
roles = ["clerk"]
council = "wyre-forest"
"#;
    let path = env.path("amended.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_council_joins_and_the_board_changes_from_the_amendments_date() {
    let mut env = Env::bromsgrove_redditch("2009-03-01T10:00:00+00:00");
    env.json_as(
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
    let file = amended_file(&env);
    let r = env.run_as(
        "jce",
        &["partnership", "amend", &file, "--on", "2009-04-01"],
    );
    r.expect_code(5);
    let amended = env.json_as(
        "admin",
        &["partnership", "amend", &file, "--on", "2009-04-01"],
    );
    let changes = amended["changes"].to_string();
    assert!(changes.contains("council wyre-forest joins"), "{changes}");
    assert!(
        changes.contains("bdc-member-4 joins the Board for bromsgrove"),
        "{changes}"
    );
    assert!(
        changes.contains("bdc-member-3 leaves the Board for bromsgrove"),
        "{changes}"
    );
    let r = env.run_as(
        "admin",
        &[
            "--json",
            "partnership",
            "amend",
            &file,
            "--on",
            "2009-04-01",
        ],
    );
    r.expect_code(3);

    // Before 1 April the new council cannot be named; from then on it can.
    let three = [
        "proposal",
        "new",
        "--title",
        "Shared ICT",
        "--service",
        "ict",
        "--lead",
        "bromsgrove",
        "--councils",
        "bromsgrove,redditch,wyre-forest",
        "--category",
        "long-term",
    ];
    let mut early = three.to_vec();
    early.extend(["--on", "2009-03-31"]);
    let r = env.run_as("jce", &early);
    r.expect_code(3);
    assert!(
        r.stderr.contains("wyre-forest is not a council"),
        "{}",
        r.stderr
    );
    let mut from = three.to_vec();
    from.extend(["--on", "2009-04-01"]);
    let ict = env.json_as("jce", &from);
    assert_eq!(
        ict["councils"],
        serde_json::json!(["bromsgrove", "redditch", "wyre-forest"])
    );
    // The existing proposal keeps its two councils.
    let elections = env.json_as("audit", &["proposal", "show", "elections"]);
    assert_eq!(
        elections["councils"],
        serde_json::json!(["bromsgrove", "redditch"])
    );

    // The Board as it stood at each meeting: bdc-member-4 sits from 1 April, bdc-member-3 until then.
    env.json_as(
        "jce",
        &[
            "proposal",
            "business-case",
            "ict",
            "--one-off-cost",
            "30000",
            "--annual-saving",
            "90000",
            "--on",
            "2009-04-01",
        ],
    );
    env.json_as(
        "jce",
        &[
            "proposal",
            "advance",
            "ict",
            "--to",
            "consultation",
            "--on",
            "2009-04-01",
        ],
    );
    let vote = |meeting: &str, member: &str| {
        let support =
            format!("bdc-leader,{member},rbc-leader,rbc-member-2,wfdc-leader,wfdc-member-2");
        env.run_as(
            "jce",
            &[
                "--json",
                "board",
                "vote",
                "ict",
                "--meeting",
                meeting,
                "--support",
                &support,
            ],
        )
    };
    vote("2009-04-15", "bdc-member-3").expect_code(3);
    let ok = vote("2009-04-15", "bdc-member-4");
    ok.expect_code(0);
    assert_eq!(ok.json()["data"]["outcome"], "consensus");
    // The three-council split is exact: thirds of £90,000, cost thirds to the penny.
    let shown = env.json_as("audit", &["proposal", "show", "ict"]);
    assert_eq!(shown["business_case"]["shares"]["bromsgrove"], "33.34");
    assert_eq!(
        shown["business_case"]["annual_saving_by_council"]["bromsgrove"],
        "30000.00"
    );
    // The new clerk acts only from the amendment's date.
    env.at("2009-04-20T10:00:00+01:00");
    let r = env.run_as(
        "wfdc-clerk",
        &[
            "proposal",
            "declare-interest",
            "ict",
            "--reason",
            "x",
            "--on",
            "2009-03-31",
        ],
    );
    r.expect_code(5);
}

#[test]
fn a_binding_added_by_amendment_holds_for_back_dated_changes_too() {
    let mut env = Env::bromsgrove_redditch("2009-03-01T10:00:00+00:00");
    let text = std::fs::read_to_string(bromsgrove_redditch())
        .unwrap()
        .replace(
            "id = \"jce\"\n",
            "id = \"jce\"\nos_user = \"no-such-os-user-anywhere\"\n",
        );
    let file = env.path("bound.toml");
    std::fs::write(&file, text).unwrap();
    env.json_as(
        "admin",
        &[
            "partnership",
            "amend",
            file.to_str().unwrap(),
            "--on",
            "2009-04-01",
        ],
    );
    // Bindings are who may use the store now: a change dated before the amendment is no way round.
    env.at("2009-04-20T10:00:00+01:00");
    let r = env.run_as(
        "jce",
        &[
            "proposal",
            "new",
            "--title",
            "Payroll",
            "--service",
            "payroll",
            "--lead",
            "redditch",
            "--on",
            "2009-03-15",
        ],
    );
    r.expect_code(5);
    assert!(
        r.stderr.contains("bound to the operating-system user"),
        "{}",
        r.stderr
    );
}
