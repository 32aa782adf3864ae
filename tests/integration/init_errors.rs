//! `init` validates the whole partnership file before it writes anything.

use crate::support::{bromsgrove_redditch, Env};

fn base() -> String {
    std::fs::read_to_string(bromsgrove_redditch()).unwrap()
}

/// Runs `init` on `text` and checks it exits 2, says `needle`, and leaves no store behind.
#[track_caller]
fn refused(text: &str, needle: &str) {
    let env = Env::new();
    let file = env.path("partnership.toml");
    std::fs::write(&file, text).unwrap();
    let run = env.run(&["init", file.to_str().unwrap()]);
    run.expect_code(2);
    assert!(
        run.stderr.contains(needle),
        "stderr should mention {needle:?}:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.lines().count() <= 4,
        "a refusal is a line or two:\n{}",
        run.stderr
    );
    if !env.store.contains("://") {
        assert!(
            !std::path::Path::new(&env.store).exists(),
            "no store may be left behind"
        );
    }
    let json = env.run(&["--json", "init", file.to_str().unwrap()]);
    json.expect_code(2);
    assert_eq!(json.error_json()["error"]["kind"], "usage");
}

#[test]
fn malformed_toml() {
    refused(&format!("{}\n[[council]\n", base()), "line");
}

#[test]
fn unknown_keys() {
    refused(
        &base().replace("unions =", "colour = \"blue\"\nunions ="),
        "colour",
    );
}

#[test]
fn fewer_than_two_councils() {
    let one = base().replace(
        "[[council]]\nid = \"redditch\"",
        "[[counsel]]\nid = \"redditch\"",
    );
    refused(&one, "counsel");
    let text = "name = \"Solo\"\n[[council]]\nid = \"a\"\nname = \"A\"\n";
    refused(text, "at least two councils");
}

#[test]
fn duplicate_ids() {
    refused(
        &base().replace("id = \"redditch\"", "id = \"bromsgrove\""),
        "already used",
    );
    refused(
        &base().replace("id = \"audit\"", "id = \"jce\""),
        "already used",
    );
}

#[test]
fn a_member_on_two_boards() {
    refused(
        &base().replace("\"rbc-member-3\"", "\"bdc-member-3\""),
        "already used",
    );
}

#[test]
fn a_clerk_without_a_council() {
    refused(
        &base().replace("council = \"redditch\"\n", ""),
        "clerk without a council",
    );
}

#[test]
fn a_clerk_of_an_unknown_council() {
    refused(
        &base().replace("council = \"redditch\"\n", "council = \"wyre-forest\"\n"),
        "wyre-forest",
    );
}

#[test]
fn an_unknown_role() {
    refused(
        &base().replace("roles = [\"auditor\"]", "roles = [\"mayor\"]"),
        "mayor",
    );
}

#[test]
fn a_bad_time_zone() {
    refused(
        &base().replace("Europe/London", "Europe/Bromsgrove"),
        "IANA",
    );
}

#[test]
fn a_bad_cron_expression() {
    refused(
        &base().replace("0 0 9 1 Jan,Apr,Jul,Oct *", "quarterly"),
        "quarterly",
    );
    refused(
        &base().replace("0 0 9 1 Jan,Apr,Jul,Oct *", "0 0 9 1 Foo *"),
        "quarterly_report",
    );
}

#[test]
fn a_missing_file() {
    let env = Env::new();
    let run = env.run(&["init", env.path("nowhere.toml").to_str().unwrap()]);
    run.expect_code(2);
}

#[test]
fn a_second_init_is_a_conflict() {
    let env = Env::bromsgrove_redditch("2008-09-01T17:30:00+01:00");
    let again = env.run(&["init", bromsgrove_redditch().to_str().unwrap()]);
    again.expect_code(4);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
}
