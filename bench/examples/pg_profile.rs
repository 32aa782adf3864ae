//! Where one writer's append goes on PostgreSQL, beside the server's own limit in the same run: N
//! single-event appends through the store (one connection, as a CLI command has), then N
//! autocommit INSERTs of the same row through a prepared statement (what pgbench's single client
//! does), each with the server's wait events sampled from `pg_stat_activity`, the append
//! function's own time (`pg_stat_user_functions`, `track_functions = pl`) and the WAL's writes and
//! flushes (`pg_stat_wal`, `track_wal_io_timing`); then the client's own costs: a prepared
//! `SELECT 1` (the round trip) and sealing an event (JCS + SHA-256).
//!
//! `scripts/with-postgres.sh cargo run --release -p concordat-bench --example pg_profile [N]`

use engine::store::{OpenMode, PostgresStore};
use engine::{AppendRequest, Event, EventStore, NewEvent};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_postgres::{Client, NoTls};

fn event(i: usize) -> NewEvent {
    NewEvent {
        stream: "bench-0".into(),
        kind: "noted".into(),
        actor: "bench".into(),
        effective_on: "2009-01-01".into(),
        data: serde_json::json!({ "writer": 0, "i": i, "pad": "x".repeat(240) }),
    }
}

async fn connect(url: &str) -> Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.expect("connect");
    tokio::spawn(connection);
    client
}

/// `base` naming database `db`, with `params`.
fn url(base: &str, db: &str, params: &str) -> String {
    format!(
        "{}/{db}?sslmode=disable{params}",
        base.trim_end_matches('/')
    )
}

/// Samples the wait events of the backends named `app` until `stop`: counts per state and event.
async fn sample(sampler: Arc<Client>, app: String, stop: Arc<AtomicBool>) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    let query = "SELECT state, wait_event_type, wait_event FROM pg_stat_activity WHERE application_name = $1";
    let statement = sampler.prepare(query).await.unwrap();
    while !stop.load(Ordering::Relaxed) {
        for row in sampler.query(&statement, &[&app]).await.unwrap() {
            let state: Option<String> = row.get(0);
            let kind: Option<String> = row.get(1);
            let what: Option<String> = row.get(2);
            let key = match (state.as_deref(), kind, what) {
                (Some("active"), None, _) => "active: on CPU".to_string(),
                (s, Some(k), Some(w)) => format!("{}: {k}/{w}", s.unwrap_or("?")),
                (s, _, _) => s.unwrap_or("?").to_string(),
            };
            *counts.entry(key).or_insert(0) += 1;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    counts
}

/// The WAL's counters now: (records, bytes, writes, syncs, write ms, sync ms, full-page images).
async fn wal(admin: &Client) -> [f64; 7] {
    let row = admin
        .query_one(
            "SELECT wal_records::float8, wal_bytes::float8, wal_write::float8, wal_sync::float8, wal_write_time, wal_sync_time, wal_fpi::float8 FROM pg_stat_wal",
            &[],
        )
        .await
        .unwrap();
    std::array::from_fn(|i| row.get(i))
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Prints one phase: its rate, latency, wait events and the WAL per operation.
fn report(
    name: &str,
    mut times: Vec<f64>,
    waits: BTreeMap<String, u64>,
    before: [f64; 7],
    after: [f64; 7],
) {
    let n = times.len() as f64;
    let total: f64 = times.iter().sum();
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "\n### {name}: {:.0}/s, mean {:.3} ms, p50 {:.3} ms, p95 {:.3} ms",
        n / (total / 1000.0),
        total / n,
        pct(&times, 0.5),
        pct(&times, 0.95)
    );
    let d: Vec<f64> = (0..7).map(|i| (after[i] - before[i]) / n).collect();
    println!(
        "WAL per operation: {:.1} records ({:.2} full-page images), {:.0} bytes, {:.2} writes, {:.2} flushes, write {:.3} ms, flush {:.3} ms",
        d[0], d[6], d[1], d[2], d[3], d[4], d[5]
    );
    let samples: u64 = waits.values().sum();
    println!("| backend state: wait event | samples | share |\n|---|---|---|");
    for (key, count) in &waits {
        println!(
            "| {key} | {count} | {:.0} % |",
            100.0 * *count as f64 / samples.max(1) as f64
        );
    }
}

/// Runs `f` N times under sampling; returns each call's milliseconds and the samples.
async fn phase<F, Fut>(
    admin: &Arc<Client>,
    app: &str,
    n: usize,
    mut f: F,
) -> (Vec<f64>, BTreeMap<String, u64>, [f64; 7], [f64; 7])
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for i in 0..50 {
        f(n + i).await;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = tokio::spawn(sample(admin.clone(), app.to_string(), stop.clone()));
    let before = wal(admin).await;
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let started = Instant::now();
        f(i).await;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let after = wal(admin).await;
    stop.store(true, Ordering::Relaxed);
    (times, sampler.await.unwrap(), before, after)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    let base =
        std::env::var("CONCORDAT_TEST_POSTGRES").expect("run under scripts/with-postgres.sh");
    let db = format!("concordat_profile_{}", std::process::id());
    let admin = Arc::new(connect(&url(&base, "postgres", "")).await);
    // One at a time: CREATE DATABASE and ALTER SYSTEM refuse to run inside a transaction block.
    for sql in [
        format!("CREATE DATABASE {db}"),
        format!("ALTER DATABASE {db} SET track_functions = 'pl'"),
        "ALTER SYSTEM SET track_wal_io_timing = on".to_string(),
        "SELECT pg_reload_conf()".to_string(),
    ] {
        admin.batch_execute(&sql).await.unwrap();
    }
    let store_url = url(&base, &db, "&application_name=profile_append");
    let store = PostgresStore::open(&store_url, OpenMode::Create, Duration::from_secs(10))
        .await
        .unwrap();
    let tz = jiff::tz::TimeZone::get("Europe/London").unwrap();
    let request = |i| AppendRequest {
        events: vec![event(i)],
        expectations: vec![],
        now: jiff::Timestamp::now(),
        tz: tz.clone(),
    };
    let (t, w, b, a) = phase(&admin, "profile_append", n, |i| {
        let r = request(i);
        let store = &store;
        async move {
            store.append(r).await.expect("append");
        }
    })
    .await;
    let in_db = connect(&url(&base, &db, "")).await;
    let f = in_db
        .query_one("SELECT calls, total_time, self_time FROM pg_stat_user_functions WHERE funcname = 'concordat_append'", &[])
        .await
        .unwrap();
    let (calls, total, own): (i64, f64, f64) = (f.get(0), f.get(1), f.get(2));
    report(
        "append through the store (1 writer, one connection)",
        t,
        w,
        b,
        a,
    );
    println!("concordat_append on the server: {:.3} ms a call ({calls} calls; {:.3} ms in the function's own statements, the rest in the trigger and the statements it runs)", total / calls as f64, own / calls as f64);

    // The same row, inserted in autocommit by a prepared statement: pgbench's single client.
    in_db.batch_execute("CREATE TABLE pgb_events (seq bigint PRIMARY KEY, stream text NOT NULL, version bigint NOT NULL, hash text NOT NULL, recorded_at text NOT NULL, line text NOT NULL, UNIQUE (stream, version))").await.unwrap();
    let inserter = connect(&url(&base, &db, "&application_name=profile_insert")).await;
    let line = Event::seal(
        event(0),
        1,
        1,
        "2026-12-03T13:00:00Z".into(),
        "0".repeat(64),
    )
    .to_line();
    let insert = inserter
        .prepare("INSERT INTO pgb_events VALUES ($1, $2, 1, $3, '2026-12-03T13:00:00Z', $4)")
        .await
        .unwrap();
    let (t, w, b, a) = phase(&admin, "profile_insert", n, |i| {
        let (inserter, insert, line) = (&inserter, &insert, &line);
        async move {
            let seq = i as i64 + 1;
            let stream = format!("bench-{seq}");
            inserter
                .execute(insert, &[&seq, &stream, &"f3c2".repeat(16), line])
                .await
                .unwrap();
        }
    })
    .await;
    report(
        "autocommit INSERT of the same row (pgbench's single client)",
        t,
        w,
        b,
        a,
    );

    // The client's own costs.
    let select = inserter.prepare("SELECT 1").await.unwrap();
    let started = Instant::now();
    for _ in 0..n {
        inserter.query_one(&select, &[]).await.unwrap();
    }
    let round_trip = started.elapsed().as_secs_f64() * 1000.0 / n as f64;
    let started = Instant::now();
    let mut prev = "0".repeat(64);
    for i in 0..n {
        let sealed = Event::seal(
            event(i),
            i as u64 + 1,
            i as u64 + 1,
            "2026-12-03T13:00:00Z".into(),
            prev,
        );
        std::hint::black_box(sealed.to_line());
        prev = sealed.hash;
    }
    let sealing = started.elapsed().as_secs_f64() * 1000.0 / n as f64;
    println!("\nclient: a prepared SELECT 1 round trip {round_trip:.3} ms; sealing an event (JCS, SHA-256, export line) {sealing:.3} ms");

    drop((store, in_db, inserter));
    for sql in [
        format!("DROP DATABASE {db} WITH (FORCE)"),
        "ALTER SYSTEM RESET track_wal_io_timing".to_string(),
        "SELECT pg_reload_conf()".to_string(),
    ] {
        admin.batch_execute(&sql).await.unwrap();
    }
}
