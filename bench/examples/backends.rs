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

/// Events per second for one task per store in `stores` each appending `per_writer` single-event
/// batches; with `read_first`, each append is preceded by a read of the writer's stream version,
/// as a command reads before it appends.
async fn appends(stores: Vec<Arc<dyn EventStore>>, per_writer: usize, read_first: bool) -> f64 {
    let tz = jiff::tz::TimeZone::get("Europe/London").unwrap();
    let started = Instant::now();
    let mut tasks = Vec::new();
    let writers = stores.len();
    for (w, store) in stores.into_iter().enumerate() {
        let tz = tz.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..per_writer {
                if read_first {
                    store
                        .stream_version(&format!("bench-{w}"))
                        .await
                        .expect("read");
                }
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
    for (name, location) in &targets {
        for (writers, read_first) in [(1usize, false), (8, false), (8, true)] {
            let location = format!("{location}_{writers}_{read_first}");
            let store: Arc<dyn EventStore> =
                open_store(&location, OpenMode::Create, Duration::from_secs(10))
                    .await
                    .expect("create store")
                    .into();
            let rate = appends(vec![store.clone(); writers], n / writers, read_first).await;
            store.close().await.unwrap();
            let how = if read_first {
                ", each reading first"
            } else {
                ""
            };
            println!(
                "| {name}{how} | {writers} | {n} | {rate:.0} | {:.0} % |",
                100.0 * rate / raw_rate
            );
        }
    }
    if let Some((_, location)) = targets.iter().find(|(name, _)| name == "PostgreSQL") {
        pooled(location, n, raw_rate).await;
    }
}

/// 8 writers on handles of one pool (`serve`'s and `scheduler run`'s way), appending only and
/// reading first: reads take connections of their own, appends still share commits.
async fn pooled(location: &str, n: usize, raw_rate: f64) {
    for read_first in [false, true] {
        let location = format!("{location}_pool_{read_first}");
        let created = open_store(&location, OpenMode::Create, Duration::from_secs(10))
            .await
            .expect("create store");
        created.close().await.unwrap();
        drop(created);
        let pool = engine::store::PostgresStore::open_pooled(
            &format!("{location}?pool_size=8"),
            Duration::from_secs(10),
        )
        .await
        .expect("open the pool");
        let handles: Vec<Arc<dyn EventStore>> = (0..8)
            .map(|_| Arc::new(pool.handle()) as Arc<dyn EventStore>)
            .collect();
        let rate = appends(handles, n / 8, read_first).await;
        let how = if read_first {
            ", each reading first"
        } else {
            ""
        };
        println!(
            "| PostgreSQL, pool of 8{how} | 8 | {n} | {rate:.0} | {:.0} % |",
            100.0 * rate / raw_rate
        );
    }
}
