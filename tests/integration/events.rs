//! The typed events read what was written (issue 19): every proposal and milestone event the demo
//! records decodes as a `ProposalEvent` of its own type and is described in words, and the
//! partnership each fixture file registers decodes as a partnership history.

use crate::support::{repo_root, Env};
use engine::Event;
use workflows::partnership::PartnershipHistory;
use workflows::proposal::ProposalEvent;

fn export(env: &Env) -> Vec<Event> {
    let run = env.run(&["audit", "export"]);
    run.ok();
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("an export line is an event"))
        .collect()
}

#[test]
fn every_event_of_the_demo_decodes_as_its_typed_event() {
    let env = Env::new();
    if env.store.contains("://") {
        return; // The demo loads the embedded store only; decoding does not depend on the backend.
    }
    env.run(&["demo"]).ok();
    let mut decoded = 0;
    for event in export(&env) {
        if !(event.stream.starts_with("proposal-") || event.stream.starts_with("milestone-")) {
            continue;
        }
        let typed = ProposalEvent::read(&event)
            .unwrap_or_else(|e| panic!("event {} does not decode: {}", event.seq, e.message));
        assert!(
            !matches!(typed, ProposalEvent::Other(_)),
            "event {} ({}) is a type this version knows",
            event.seq,
            event.kind
        );
        assert_eq!(typed.kind(), event.kind);
        assert_ne!(
            typed.describe(),
            event.kind.replace('-', " "),
            "described in words"
        );
        decoded += 1;
    }
    assert!(
        decoded >= 40,
        "the demo records a programme: {decoded} events"
    );
}

#[test]
fn each_fixture_registers_a_partnership_that_decodes() {
    let fixtures = repo_root().join("tests/fixtures");
    let mut files: Vec<_> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for file in files {
        let env = Env::new();
        env.run(&["init", file.to_str().unwrap()]).ok();
        let events: Vec<Event> = export(&env)
            .into_iter()
            .filter(|e| e.stream == "partnership")
            .collect();
        let history = PartnershipHistory::from_events(&events)
            .unwrap_or_else(|e| panic!("{}: {}", file.display(), e.message));
        assert!(
            history.latest().council_ids().len() >= 2,
            "{}",
            file.display()
        );
    }
}
