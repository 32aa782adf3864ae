//! A partnership outgrowing one machine: its log copied between backends with seqs and hashes intact.

use crate::support::{backend, Env};

/// `env` pointed at another store (same scratch directory and clock).
fn on(env: &Env, store: &str) -> Env {
    Env {
        tmp: tempfile::tempdir().unwrap(),
        store: store.to_string(),
        now: env.now.clone(),
    }
}

fn export(store: &str, env: &Env) -> String {
    let run = on(env, store).run(&["audit", "export"]);
    run.ok();
    run.stdout
}

fn head(store: &str, env: &Env) -> serde_json::Value {
    let run = on(env, store).run(&["--json", "audit", "verify"]);
    run.ok();
    run.json()["head"].clone()
}

/// A store on the backend under test with a proposal, a back-dated decision and a report.
fn a_little_history() -> Env {
    let mut env = Env::bromsgrove_redditch("2008-09-01T18:00:00+01:00");
    env.at("2008-09-03T10:00:00+01:00");
    env.run_as(
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
            "2008-09-01",
        ],
    )
    .ok();
    env.run_as(
        "jce",
        &[
            "proposal",
            "advance",
            "payroll",
            "--to",
            "business-case",
            "--on",
            "2008-09-01",
        ],
    )
    .ok();
    env.run_as(
        "jce",
        &[
            "milestone",
            "add",
            "phase-1",
            "--title",
            "Quick wins",
            "--due",
            "2008-09-30",
        ],
    )
    .ok();
    env.at("2008-10-01T09:05:00+01:00");
    env.run_as(
        "ops",
        &[
            "scheduler",
            "tick",
            "--outbox",
            env.path("outbox").to_str().unwrap(),
        ],
    )
    .ok();
    env
}

#[test]
fn a_copy_keeps_every_seq_and_hash_and_verifies_on_both_sides() {
    let env = a_little_history();
    let copy = env.path("copy").display().to_string();
    let run = env.run(&[
        "--json", "store", "copy", "--from", &env.store, "--to", &copy,
    ]);
    run.ok();
    let events = export(&env.store, &env).lines().count();
    assert_eq!(run.json()["events"], events);
    assert_eq!(head(&env.store, &env), head(&copy, &env));
    assert_eq!(
        export(&env.store, &env),
        export(&copy, &env),
        "the two logs are the same, line for line"
    );
    // The copy is a working store: it takes the next event.
    on(&env, &copy)
        .run_as(
            "jce",
            &["proposal", "hold", "payroll", "--reason", "grant funding"],
        )
        .ok();
}

#[test]
fn copying_onto_a_store_that_exists_is_a_conflict_and_changes_nothing() {
    let env = a_little_history();
    let other = Env::bromsgrove_redditch("2008-09-01T18:00:00+01:00");
    let before = export(&other.store, &env);
    env.run(&["store", "copy", "--from", &env.store, "--to", &other.store])
        .expect_code(4);
    assert_eq!(export(&other.store, &env), before);
    env.run(&[
        "store",
        "copy",
        "--from",
        env.path("nowhere").to_str().unwrap(),
        "--to",
        env.path("x").to_str().unwrap(),
    ])
    .expect_code(2);
}

#[test]
fn a_directory_goes_to_postgresql_and_back_unchanged() {
    if std::env::var("CONCORDAT_TEST_POSTGRES").is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true needs PostgreSQL (CONCORDAT_TEST_POSTGRES)"
        );
        eprintln!("skipping: no PostgreSQL named by CONCORDAT_TEST_POSTGRES");
        return;
    }
    let env = a_little_history();
    let database = backend::fresh_database();
    let dir = env.path("back-again").display().to_string();
    // Whichever backend the suite runs on, copy across to the other and back.
    env.run(&["store", "copy", "--from", &env.store, "--to", &database])
        .ok();
    env.run(&["store", "copy", "--from", &database, "--to", &dir])
        .ok();
    assert_eq!(head(&env.store, &env), head(&database, &env));
    assert_eq!(export(&env.store, &env), export(&dir, &env));
}
