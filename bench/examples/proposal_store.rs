//! A store of real proposals for the snapshot figures of BENCHMARKS.md ("sled: projection
//! snapshots"): `cargo run --release -p concordat-bench --example proposal_store -- DEMO OUT EVENTS`
//! copies the proposals of a `concordat demo` store (DEMO) into a new store OUT under new ids until
//! it holds EVENTS events, padding each copy to ~50 events with ~300-byte notes (a kind the fold
//! ignores), through the engine's own append path.

use engine::store::{EmbeddedStore, EventStore, OpenMode};
use engine::{AppendRequest, NewEvent};
use std::path::Path;
use std::time::Duration;

const PER_PROPOSAL: usize = 50;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (demo, out, total): (&str, &str, usize) =
        (&args[1], &args[2], args[3].parse().expect("EVENTS"));
    let src = EmbeddedStore::open(Path::new(demo), OpenMode::Existing, Duration::ZERO).unwrap();
    let all = src.read_from(1).await.unwrap();
    let partnership: Vec<_> = all.iter().filter(|e| e.stream == "partnership").collect();
    let proposals = src.streams("proposal-").await.unwrap();
    let mut streams = Vec::new();
    for s in &proposals {
        streams.push(src.read_stream(s).await.unwrap());
    }
    drop(src);
    let dst = EmbeddedStore::open(Path::new(out), OpenMode::Create, Duration::ZERO).unwrap();
    let tz = jiff::tz::TimeZone::get("Europe/London").unwrap();
    let now: jiff::Timestamp = partnership[0].recorded_at.parse().unwrap();
    let to_new = |e: &engine::Event, stream: String, data: serde_json::Value| NewEvent {
        stream,
        kind: e.kind.clone(),
        actor: e.actor.clone(),
        effective_on: e.effective_on.clone(),
        data,
    };
    let first: Vec<NewEvent> = partnership
        .iter()
        .map(|e| to_new(e, e.stream.clone(), e.data.clone()))
        .collect();
    let mut written = first.len();
    append(&dst, first, now, &tz).await;
    let note = "shared service council board saving quarter review ".repeat(5);
    let mut batch = Vec::new();
    let mut copy = 0;
    while written < total {
        for events in &streams {
            let old_id = events[0].data["id"].as_str().unwrap();
            let id = format!("{old_id}-c{copy}");
            let stream = format!("proposal-{id}");
            for e in events {
                let mut data = e.data.clone();
                if e.kind == "proposal-created" {
                    data["id"] = serde_json::Value::String(id.clone());
                }
                batch.push(to_new(e, stream.clone(), data));
            }
            for _ in events.len()..PER_PROPOSAL {
                let last = events.last().unwrap();
                batch.push(NewEvent {
                    kind: "note-recorded".into(),
                    ..to_new(last, stream.clone(), serde_json::json!({ "note": note }))
                });
            }
            written += events.len().max(PER_PROPOSAL);
            if batch.len() >= 1000 {
                append(&dst, std::mem::take(&mut batch), now, &tz).await;
            }
            if written >= total {
                break;
            }
        }
        copy += 1;
    }
    append(&dst, batch, now, &tz).await;
    dst.close().await.unwrap();
    println!("{written} events, {} proposals", copy * streams.len());
}

async fn append(
    store: &EmbeddedStore,
    events: Vec<NewEvent>,
    now: jiff::Timestamp,
    tz: &jiff::tz::TimeZone,
) {
    if events.is_empty() {
        return;
    }
    store
        .append(AppendRequest {
            events,
            expectations: Vec::new(),
            now,
            tz: tz.clone(),
        })
        .await
        .unwrap();
}
