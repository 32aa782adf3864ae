//! On PostgreSQL, each council's clerk connects as their own database role and is bound to it:
//! Redditch's clerk's login cannot record as Bromsgrove's clerk, through concordat or around it.
//!
//! Runs in the PostgreSQL pass of `scripts/test.sh` (`CONCORDAT_TEST_BACKEND=postgres`), where a
//! server is always there; the embedded pass has no database roles to test.

use crate::support::backend;
use crate::support::{bromsgrove_redditch, Env};
use std::process::{Command, Stdio};

/// Runs SQL on the test store's database as its owner.
fn psql(url: &str, sql: &str) {
    let out = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .stdin(Stdio::null())
        .output()
        .expect("run psql");
    assert!(
        out.status.success(),
        "psql: {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The store's URL logging in as `role`.
fn as_role(url: &str, role: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let rest = rest.split_once('@').map_or(rest, |(_, hosts)| hosts);
    format!("{scheme}://{role}@{rest}")
}

/// The officer grants of docs/threat-model.md, for `role` on `db`.
fn documented_grants(db: &str, role: &str) -> String {
    let doc =
        std::fs::read_to_string(crate::support::repo_root().join("docs/threat-model.md")).unwrap();
    let block = doc
        .split("<!-- officer-grants -->")
        .nth(1)
        .and_then(|r| r.split("<!-- /officer-grants -->").next())
        .expect("the officer-grants block");
    block
        .trim()
        .trim_start_matches("```sql")
        .trim_end_matches("```")
        .replace("DATABASE concordat", &format!("DATABASE {db}"))
        .replace("bdc_clerk", role)
}

#[test]
fn each_clerk_acts_only_from_their_own_database_role() {
    if backend::name() != "postgres" {
        return;
    }
    let mut env = Env::new();
    env.at("2008-09-17T19:00:00+01:00");
    let owner_url = env.store.clone();
    let db = owner_url.rsplit('/').next().unwrap().to_string();
    let (bdc, rbc) = (format!("{db}_bdc"), format!("{db}_rbc"));
    psql(
        &owner_url,
        &format!("CREATE ROLE {bdc} LOGIN; CREATE ROLE {rbc} LOGIN;"),
    );

    let text = std::fs::read_to_string(bromsgrove_redditch())
        .unwrap()
        .replace(
            "id = \"bdc-clerk\"\n",
            &format!("id = \"bdc-clerk\"\ndb_role = \"{bdc}\"\n"),
        )
        .replace(
            "id = \"rbc-clerk\"\n",
            &format!("id = \"rbc-clerk\"\ndb_role = \"{rbc}\"\n"),
        );
    let file = env.path("partnership.toml");
    std::fs::write(&file, &text).unwrap();
    env.run_as("admin", &["init", file.to_str().unwrap()]).ok();
    env.run_as(
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
    )
    .ok();
    psql(&owner_url, &documented_grants(&db, &bdc));
    psql(&owner_url, &documented_grants(&db, &rbc));

    // Redditch's clerk's login reads as Redditch's clerk, and cannot take Bromsgrove's name.
    env.store = as_role(&owner_url, &rbc);
    env.run_as("rbc-clerk", &["proposal", "show", "elections"])
        .ok();
    let run = env.run_as("bdc-clerk", &["proposal", "list"]);
    run.expect_code(5);
    assert!(
        run.stderr
            .contains(&format!("bound to the database role \"{bdc}\""))
            && run.stderr.contains(&format!("connect as {bdc}")),
        "{}",
        run.stderr
    );
    // Nor unbind itself by amending the partnership as the (unbound) admin: the bindings are the
    // owner's to change, and nothing is recorded.
    let unbound = env.path("unbound.toml");
    std::fs::write(
        &unbound,
        text.replace(&format!("db_role = \"{bdc}\"\n"), ""),
    )
    .unwrap();
    let run = env.run_as(
        "admin",
        &["partnership", "amend", unbound.to_str().unwrap()],
    );
    run.expect_code(5);
    assert!(run.stderr.contains("permission denied"), "{}", run.stderr);

    // Bromsgrove's clerk's login acts as Bromsgrove's clerk.
    env.store = as_role(&owner_url, &bdc);
    env.run_as("bdc-clerk", &["proposal", "list"]).ok();
    env.store = owner_url.clone();
    let verify = env.run(&["--json", "audit", "verify"]);
    verify.ok();
    assert_eq!(
        verify.json()["events"],
        2,
        "the refused amendment wrote nothing"
    );

    // The owner's amendment moves the binding, in the same transaction as its event.
    env.run_as(
        "admin",
        &["partnership", "amend", unbound.to_str().unwrap()],
    )
    .ok();
    env.store = as_role(&owner_url, &rbc);
    env.run_as("bdc-clerk", &["proposal", "list"]).ok();
}
