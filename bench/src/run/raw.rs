//! The physical limit: `fdatasync`ed appends to a plain file, and the helpers that keep the disk
//! quiet and the writers in step around every timed run.

use super::{Ctx, WRITERS};
use crate::measure::{self, Outcome};
use serde_json::{json, Value};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// The wall-clock moment, `delay_ms` from now, at which spawned writers all start.
pub(super) fn start_at(delay_ms: u128) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis();
    (now + delay_ms).to_string()
}

/// Flushes every dirty page of every filesystem, then waits a moment for the disk to go quiet.
pub(super) fn settle() {
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() };
    std::thread::sleep(std::time::Duration::from_millis(500));
}

/// One process appending 300-byte records with `fdatasync` after each: records/s.
fn raw_single(cx: &mut Ctx) -> (f64, Outcome) {
    let secs = cx.plan.secs;
    raw_for(cx, secs)
}

/// [`raw_single`] for `secs` seconds.
pub(super) fn raw_for(cx: &mut Ctx, secs: f64) -> (f64, Outcome) {
    let file = cx.work.join("raw.dat");
    let n = cx.plan.raw_n.to_string();
    let secs = secs.to_string();
    let one = cx.child(
        "child-raw",
        &["--file", file.to_str().unwrap(), "--n", &n, "--secs", &secs],
    );
    let _ = std::fs::remove_file(&file);
    let j = one.json();
    (
        j["records"].as_f64().unwrap() / j["secs"].as_f64().unwrap(),
        one,
    )
}

/// The raw baseline: one writer, then [`WRITERS`] processes appending to one file at once.
pub(super) fn raw_baseline(cx: &mut Ctx) -> Value {
    let file = cx.work.join("raw.dat");
    let n = cx.plan.raw_n.to_string();
    let secs = cx.plan.secs.to_string();
    let (single, one) = raw_single(cx);
    let j = one.json();
    // Several processes appending to one file at once: what the filesystem gives to concurrent syncs.
    let at = start_at(300);
    let mut children = Vec::new();
    for _ in 0..WRITERS {
        let err = cx.stderr_file("child-raw");
        children.push(measure::spawn(
            Command::new(&cx.me).args([
                "child-raw",
                "--file",
                file.to_str().unwrap(),
                "--n",
                &n,
                "--secs",
                &secs,
                "--start-at",
                &at,
            ]),
            &err,
        ));
    }
    let outs: Vec<Outcome> = children
        .into_iter()
        .map(|(c, s)| measure::finish(c, s))
        .collect();
    let total: f64 = outs
        .iter()
        .map(|o| o.json()["records"].as_f64().unwrap())
        .sum();
    let secs_max = outs
        .iter()
        .map(|o| o.json()["secs"].as_f64().unwrap())
        .fold(0.0, f64::max);
    let _ = std::fs::remove_file(&file);
    json!({
        "single_per_s": single,
        "single_records": j["records"],
        "concurrent_per_s": total / secs_max,
        "writers": WRITERS,
        "rss_kb": one.maxrss_kb,
    })
}
