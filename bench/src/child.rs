//! The measured processes. Each child does one thing, times it from the inside, and prints one
//! JSON object on stdout (with its own peak RSS), so every figure comes from a fresh process.

use crate::args::Args;
use crate::synth::{self, Rng};
use engine::store::{EmbeddedStore, OpenMode};
use engine::{AppendRequest, EventStore, Expectation};
use serde_json::{json, Value};
use std::fs::OpenOptions;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const BUSY_WAIT: Duration = Duration::from_secs(10);

/// Runs the child named `mode`; prints its JSON result.
pub fn run(mode: &str, args: &Args) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut out = match mode {
        "child-noop" => json!({}),
        "child-raw" => raw(args),
        "child-gen" => rt.block_on(generate(args)),
        "child-open" => rt.block_on(open(args)),
        "child-command" => rt.block_on(command(args)),
        "child-append" => append(args),
        "child-writer" => rt.block_on(writer(args)),
        "child-verify" => verify(args),
        "child-readall" => rt.block_on(read_all(args)),
        "child-lock" => lock_handoff(args),
        "child-foreach" => rt.block_on(for_each(args)),
        "child-verify-store" => rt.block_on(verify_store(args)),
        other => {
            eprintln!("concordat-bench: unknown child mode {other}");
            std::process::exit(2);
        }
    };
    out["vmhwm_kb"] = json!(vmhwm_kb());
    println!("{out}");
}

/// Peak resident set of this process (VmHWM), in KiB.
pub fn vmhwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn store_path(args: &Args) -> PathBuf {
    PathBuf::from(args.get("--store").expect("--store"))
}

fn open_store(dir: &Path) -> EmbeddedStore {
    EmbeddedStore::open(dir, OpenMode::Existing, BUSY_WAIT)
        .unwrap_or_else(|e| panic!("open {}: {e}", dir.display()))
}

/// Waits until the shared start instant (unix ms), so concurrent children start together.
fn wait_for_start(args: &Args) {
    if let Some(at) = args.get("--start-at") {
        let at: u128 = at.parse().expect("--start-at");
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis();
        if at > now {
            std::thread::sleep(Duration::from_millis((at - now) as u64));
        }
    }
}

/// The raw baseline: `n` records of 300 bytes appended to a plain file, `fdatasync` after each.
fn raw(args: &Args) -> Value {
    let path = PathBuf::from(args.get("--file").expect("--file"));
    let n = args.num("--n", 2000);
    let secs = args.float("--secs", 3.0);
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .expect("raw file");
    let mut record = vec![b'x'; 299];
    record.push(b'\n');
    wait_for_start(args);
    let started = Instant::now();
    let mut done = 0u64;
    while done < n && started.elapsed().as_secs_f64() < secs {
        file.write_all(&record).expect("write");
        file.sync_data().expect("fdatasync");
        done += 1;
    }
    json!({"records": done, "secs": started.elapsed().as_secs_f64()})
}

/// Fills a store (already `init`ed by the real CLI) with synthetic events through the public
/// append path, in batches.
async fn generate(args: &Args) -> Value {
    let dir = store_path(args);
    let events = args.num("--events", 10_000);
    let streams = args.num("--streams", 200);
    let batch = args.num("--batch", 1000) as usize;
    let store = open_store(&dir);
    let mut rng = Rng::new(args.num("--seed", 1));
    let started = Instant::now();
    let mut written = store.head().await.expect("head").seq;
    let mut round = 0u64;
    while written < events {
        let n = batch.min((events - written) as usize);
        let new = (0..n)
            .map(|i| synth::event(&mut rng, streams, written + i as u64 + 1))
            .collect();
        store
            .append(AppendRequest {
                events: new,
                expectations: Vec::new(),
                now: synth::instant(round),
                tz: synth::tz(),
            })
            .await
            .expect("append");
        written += n as u64;
        round += 1;
    }
    let appended = started.elapsed().as_secs_f64();
    store.close().await.expect("close");
    drop(store);
    json!({"events": written, "secs": appended, "close_secs": started.elapsed().as_secs_f64() - appended})
}

/// Open, read one stream, close: what every command pays before and after its own work.
async fn open(args: &Args) -> Value {
    let dir = store_path(args);
    let streams = args.num("--streams", 200);
    let mut rng = Rng::new(args.num("--seed", 7));
    let t0 = Instant::now();
    let store = open_store(&dir);
    let t1 = Instant::now();
    let events = store
        .read_stream(&synth::stream_name(rng.below(streams)))
        .await
        .expect("read_stream");
    let t2 = Instant::now();
    store.close().await.expect("close");
    drop(store);
    let t3 = Instant::now();
    json!({
        "open_ms": ms(t1 - t0),
        "first_read_ms": ms(t2 - t1),
        "close_ms": ms(t3 - t2),
        "events_read": events.len(),
    })
}

/// What a changing command does with the store: open, read the partnership and one proposal,
/// append one event expecting the proposal's version, close.
async fn command(args: &Args) -> Value {
    let dir = store_path(args);
    let streams = args.num("--streams", 200);
    let mut rng = Rng::new(args.num("--seed", 11));
    let stream = synth::stream_name(rng.below(streams));
    let t0 = Instant::now();
    let store = open_store(&dir);
    let t1 = Instant::now();
    let partnership = store.read_stream("partnership").await.expect("partnership");
    assert!(!partnership.is_empty(), "the store has a partnership");
    let history = store.read_stream(&stream).await.expect("read_stream");
    let t2 = Instant::now();
    let seq = store.head().await.expect("head").seq + 1;
    let mut new = synth::event(&mut rng, streams, seq);
    new.stream = stream.clone();
    store
        .append(AppendRequest {
            events: vec![new],
            expectations: vec![Expectation {
                stream,
                version: history.len() as u64,
            }],
            now: jiff::Timestamp::now(),
            tz: synth::tz(),
        })
        .await
        .expect("append");
    let t3 = Instant::now();
    store.close().await.expect("close");
    drop(store);
    let t4 = Instant::now();
    json!({
        "open_ms": ms(t1 - t0),
        "read_ms": ms(t2 - t1),
        "append_ms": ms(t3 - t2),
        "close_ms": ms(t4 - t3),
    })
}

/// One process holding the store, `threads` threads appending one event per batch each.
fn append(args: &Args) -> Value {
    let dir = store_path(args);
    let threads = args.num("--threads", 1) as usize;
    let n = args.num("--n", 2000);
    let secs = args.float("--secs", 3.0);
    let streams = args.num("--streams", 200);
    let store = Arc::new(open_store(&dir));
    let started = Instant::now();
    let counts: Vec<u64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let store = Arc::clone(&store);
                scope.spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .build()
                        .expect("runtime");
                    let mut rng = Rng::new(1000 + t as u64);
                    let mut done = 0u64;
                    while done < n / threads as u64 && started.elapsed().as_secs_f64() < secs {
                        let event = synth::event(&mut rng, streams, done);
                        rt.block_on(store.append(AppendRequest {
                            events: vec![event],
                            expectations: Vec::new(),
                            now: jiff::Timestamp::now(),
                            tz: synth::tz(),
                        }))
                        .expect("append");
                        done += 1;
                    }
                    done
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    rt.block_on(store.close()).expect("close");
    json!({"events": counts.iter().sum::<u64>(), "secs": elapsed})
}

/// A CLI-style writer: each operation opens the store (waiting for the lock), reads the
/// stream's version, appends one event expecting it, and closes, until `--secs` have passed.
async fn writer(args: &Args) -> Value {
    let dir = store_path(args);
    let secs = args.float("--secs", 3.0);
    let streams = args.num("--streams", 200);
    let mut rng = Rng::new(args.num("--seed", 5));
    wait_for_start(args);
    let started = Instant::now();
    let mut ops_ms = Vec::new();
    let mut open_ms = Vec::new();
    let mut open_errors = 0u64;
    while started.elapsed().as_secs_f64() < secs {
        let t0 = Instant::now();
        // The sled index (before this harness's store change) could still be locked by the
        // previous holder's background thread after STORE/lock was released: count and retry.
        let store = loop {
            match EmbeddedStore::open(&dir, OpenMode::Existing, BUSY_WAIT) {
                Ok(store) => break store,
                Err(e) if open_errors < 10_000 => {
                    open_errors += 1;
                    tracing_note(&e);
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(e) => panic!("open {}: {e}", dir.display()),
            }
        };
        let t1 = Instant::now();
        let stream = synth::stream_name(rng.below(streams));
        let version = store.stream_version(&stream).await.expect("version");
        let mut event = synth::event(&mut rng, streams, 0);
        event.stream = stream.clone();
        store
            .append(AppendRequest {
                events: vec![event],
                expectations: vec![Expectation { stream, version }],
                now: jiff::Timestamp::now(),
                tz: synth::tz(),
            })
            .await
            .expect("append");
        store.close().await.expect("close");
        drop(store);
        if started.elapsed().as_secs_f64() <= secs {
            ops_ms.push(ms(t0.elapsed()));
            open_ms.push(ms(t1 - t0));
        }
    }
    json!({"events": ops_ms.len(), "secs": secs, "op_ms": ops_ms, "open_ms": open_ms, "open_errors": open_errors})
}

fn tracing_note(e: &engine::Failure) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| eprintln!("open failed (retrying): {e}"));
}

/// `audit verify`-style: the chain checked line by line straight from the log file.
fn verify(args: &Args) -> Value {
    let path = PathBuf::from(args.get("--file").expect("--file"));
    let started = Instant::now();
    let file = std::fs::File::open(&path).expect("log");
    let report =
        engine::chain::verify_lines(BufReader::with_capacity(1 << 20, file), None).expect("verify");
    assert!(report.ok, "the generated chain verifies: {report:?}");
    json!({"events": report.events, "secs": started.elapsed().as_secs_f64()})
}

/// Every event, from seq 1, through the store.
async fn read_all(args: &Args) -> Value {
    let dir = store_path(args);
    let t0 = Instant::now();
    let store = open_store(&dir);
    let t1 = Instant::now();
    let events = store.read_from(1).await.expect("read_from");
    let t2 = Instant::now();
    let n = events.len();
    drop(events);
    store.close().await.expect("close");
    json!({"events": n, "open_secs": (t1 - t0).as_secs_f64(), "secs": (t2 - t1).as_secs_f64()})
}

/// The store's chain, verified as `audit verify` could: `export_lines` into a `LineVerifier`.
async fn verify_store(args: &Args) -> Value {
    let dir = store_path(args);
    let started = Instant::now();
    let store = open_store(&dir);
    let mut verifier = engine::chain::LineVerifier::new(None);
    store
        .export_lines(1, &mut verifier)
        .await
        .expect("export_lines");
    let report = verifier.finish().expect("verify");
    assert!(report.ok, "the generated chain verifies: {report:?}");
    json!({"events": report.events, "secs": started.elapsed().as_secs_f64()})
}

/// Every event, from seq 1, handed over one at a time (bounded memory).
async fn for_each(args: &Args) -> Value {
    let dir = store_path(args);
    let store = open_store(&dir);
    let t0 = Instant::now();
    let mut n = 0u64;
    let mut bytes = 0usize;
    store
        .for_each_from(1, &mut |e| {
            n += 1;
            bytes += e.stream.len();
            Ok(())
        })
        .await
        .expect("for_each_from");
    let secs = t0.elapsed().as_secs_f64();
    json!({"events": n, "secs": secs, "checksum": bytes})
}

/// Lock handoff alone: take `STORE/lock` and let it go, again and again, against other
/// processes doing the same; each take is one handoff.
fn lock_handoff(args: &Args) -> Value {
    let dir = store_path(args);
    let secs = args.float("--secs", 1.0);
    wait_for_start(args);
    let started = Instant::now();
    let mut takes = 0u64;
    while started.elapsed().as_secs_f64() < secs {
        let lock = engine::store::StoreLock::acquire(&dir, BUSY_WAIT).expect("lock");
        takes += 1;
        drop(lock);
    }
    json!({"takes": takes, "secs": started.elapsed().as_secs_f64()})
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
