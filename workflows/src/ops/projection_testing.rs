//! What the projections' tests share: the demo's events from its export fixture, a runtime, and
//! an embedded store holding given events appended again.

use crate::ops::Session;
use engine::store::{EmbeddedStore, OpenMode};
use engine::{AppendRequest, Event, NewEvent};
use std::time::Duration;

/// The demo's export (`audit export` of the bundled programme), one event a line.
pub const DEMO: &str = include_str!("../../../tests/fixtures/demo-2008/export.jsonl");

/// The demo's events.
pub fn demo() -> Vec<Event> {
    events_of(DEMO)
}

/// The events of an export.
pub fn events_of(export: &str) -> Vec<Event> {
    export
        .lines()
        .map(|l| serde_json::from_str(l).expect("an event"))
        .collect()
}

/// A single-threaded runtime, as the CLI uses.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
}

/// A session on a new embedded store in `dir` holding `events` (appended again).
pub async fn session_with(dir: &std::path::Path, events: &[Event]) -> Session {
    let store = EmbeddedStore::open(dir, OpenMode::Create, Duration::ZERO).expect("a store");
    let mut session = Session::new(
        Box::new(store),
        "2009-06-01T12:00:00Z".parse().unwrap(),
        None,
    );
    append(&mut session, events).await;
    session
}

/// Appends `events` again (new hashes, same streams and data) in one batch.
pub async fn append(session: &mut Session, events: &[Event]) {
    let Some(last) = events.last() else { return };
    let request = AppendRequest {
        events: events
            .iter()
            .map(|e| NewEvent {
                stream: e.stream.clone(),
                kind: e.kind.clone(),
                actor: e.actor.clone(),
                effective_on: e.effective_on.clone(),
                data: e.data.clone(),
            })
            .collect(),
        expectations: Vec::new(),
        now: last.recorded_at.parse().unwrap(),
        tz: jiff::tz::TimeZone::get("Europe/London").unwrap(),
    };
    session.store.append(request).await.expect("appended");
}
