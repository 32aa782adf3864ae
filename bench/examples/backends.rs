//! The two backends side by side, in one run on one machine: durable appends (one event per append,
//! acknowledged only once durable) by 1 and by 8 concurrent writers, on the embedded store and on
//! PostgreSQL, against raw `fdatasync` appends to a plain file on the same disk.
//!
//! `scripts/with-postgres.sh cargo run --release -p concordat-bench --example backends [EVENTS]`
//! (the server is the throwaway one `with-postgres.sh` starts, its data on the same disk).

use engine::store::{open_store, OpenMode};
use engine::{AppendRequest, EventStore, NewEvent};
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn event(writer: usize, i: usize) -> NewEvent {
    NewEvent {
        stream: format!("bench-{writer}"),
        kind: "noted".into(),
        actor: "bench".into(),
        effective_on: "2009-01-01".into(),
        data: serde_json::json!({ "writer": writer, "i": i, "pad": "x".repeat(240) }),
    }
}

/// Events per second for `writers` tasks each appending `per_writer` single-event batches.
async fn appends(store: Arc<Box<dyn EventStore>>, writers: usize, per_writer: usize) -> f64 {
    let tz = jiff::tz::TimeZone::get("Europe/London").unwrap();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..writers {
        let store = store.clone();
        let tz = tz.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..per_writer {
                let request = AppendRequest {
                    events: vec![event(w, i)],
                    expectations: vec![],
                    now: jiff::Timestamp::now(),
                    tz: tz.clone(),
                };
                store.append(request).await.expect("append");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    (writers * per_writer) as f64 / started.elapsed().as_secs_f64()
}

fn raw(dir: &std::path::Path, n: usize) -> f64 {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("raw.log"))
        .unwrap();
    let record = [b'x'; 299];
    let started = Instant::now();
    for _ in 0..n {
        file.write_all(&record).unwrap();
        file.write_all(b"\n").unwrap();
        file.sync_data().unwrap();
    }
    n as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    let work = std::path::Path::new("target/bench/backends");
    let _ = std::fs::remove_dir_all(work);
    std::fs::create_dir_all(work).unwrap();
    println!("| backend | writers | events | events/s | against raw fdatasync |");
    println!("|---|---|---|---|---|");
    let raw_rate = raw(work, n);
    println!("| raw file, fdatasync each | 1 | {n} | {raw_rate:.0} | 100 % |");
    let mut targets = vec![(
        "embedded".to_string(),
        work.join("store").display().to_string(),
    )];
    match std::env::var("CONCORDAT_TEST_POSTGRES") {
        Ok(base) => targets.push(("PostgreSQL".to_string(), format!("{}/concordat_bench_{}", base.trim_end_matches('/'), std::process::id()))),
        Err(_) => eprintln!("no CONCORDAT_TEST_POSTGRES: run under scripts/with-postgres.sh for the PostgreSQL rows"),
    }
    for (name, location) in targets {
        for writers in [1usize, 8] {
            let location = format!("{location}_{writers}");
            let store = open_store(&location, OpenMode::Create, Duration::from_secs(10))
                .await
                .expect("create store");
            let store = Arc::new(store);
            let rate = appends(store.clone(), writers, n / writers).await;
            store.close().await.unwrap();
            println!(
                "| {name} | {writers} | {n} | {rate:.0} | {:.0} % |",
                100.0 * rate / raw_rate
            );
        }
    }
}
