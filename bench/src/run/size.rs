//! One store size: generates the store, then measures its bytes, opens, commands, verification
//! and appends, in the order that keeps each timing free of the previous one's writeback.

use super::raw::settle;
use super::{append, cli, say, Ctx, EVENTS_PER_STREAM};
use crate::measure::{Outcome, Summary};
use serde_json::{json, Value};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Bytes under `dir`: as lengths, and as allocated on disk.
fn dir_bytes(dir: &Path) -> (u64, u64) {
    let mut len = 0;
    let mut alloc = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let m = e.metadata().expect("metadata");
            if m.is_dir() {
                let (l, a) = dir_bytes(&e.path());
                len += l;
                alloc += a;
            } else {
                len += m.len();
                alloc += m.blocks() * 512;
            }
        }
    }
    (len, alloc)
}

/// One JSON field of every run that reports it.
fn field(outs: &[Outcome], k: &str) -> Vec<f64> {
    outs.iter().filter_map(|o| o.json()[k].as_f64()).collect()
}

/// The highest peak RSS of several runs.
pub(super) fn rss(outs: &[Outcome]) -> u64 {
    outs.iter().map(|o| o.maxrss_kb).max().unwrap_or(0)
}

/// The wall times of several whole processes.
pub(super) fn walls(outs: &[Outcome]) -> Summary {
    Summary::of(&outs.iter().map(Outcome::ms).collect::<Vec<_>>())
}

/// Events per second, as a child reports them.
pub(super) fn rate(o: &Outcome) -> f64 {
    o.json()["events"].as_f64().unwrap_or(0.0) / o.json()["secs"].as_f64().unwrap_or(1.0)
}

/// Every measurement at `n` events; the store is removed afterwards.
pub(super) fn measure_size(cx: &mut Ctx, n: u64) -> Value {
    let streams = (n / EVENTS_PER_STREAM).max(1);
    let streams_s = streams.to_string();
    let store = cx.work.join(format!("store-{n}"));
    let store_s = store.display().to_string();
    say(&format!("{n} events: generating ({streams} streams)"));
    let fixture = cx.work.join("partnership.toml").display().to_string();
    cx.concordat(&["--store", &store_s, "--json", "init", &fixture])
        .expect("concordat init works");
    // Real proposals through the real CLI: one to show and hold/resume, one per advance.
    let reps = cx.plan.reps;
    let proposals_ok = cx
        .concordat(&[
            "--store",
            &store_s,
            "--as",
            "jce",
            "--json",
            "proposal",
            "new",
            "--title",
            "Shared elections",
            "--service",
            "elections",
            "--lead",
            "bromsgrove",
        ])
        .is_some();
    for i in 0..reps {
        let service = format!("advance-{i}");
        cx.concordat(&[
            "--store",
            &store_s,
            "--as",
            "jce",
            "--json",
            "proposal",
            "new",
            "--title",
            &service,
            "--service",
            &service,
            "--lead",
            "redditch",
        ]);
    }
    let gen = cx.child(
        "child-gen",
        &[
            "--store",
            &store_s,
            "--events",
            &n.to_string(),
            "--streams",
            &streams_s,
        ],
    );
    let g = gen.json();

    // Bytes: the store against its export.
    say(&format!("{n} events: export and sizes"));
    let (store_len, store_alloc) = dir_bytes(&store);
    let log_bytes = std::fs::metadata(store.join("events.jsonl"))
        .map(|m| m.len())
        .unwrap_or(0);
    let export_path = cx.work.join(format!("export-{n}.jsonl"));
    let export = cx.concordat(&[
        "--store",
        &store_s,
        "audit",
        "export",
        "--out",
        export_path.to_str().unwrap(),
    ]);
    let export_bytes = std::fs::metadata(&export_path)
        .map(|m| m.len())
        .unwrap_or(0);
    let _ = std::fs::remove_file(&export_path);
    // Let the writeback of what generation and export dirtied finish before anything is timed:
    // otherwise every fdatasync below queues behind a gigabyte of it.
    settle();

    // Open, first read, close.
    say(&format!("{n} events: open/close"));
    let reps = cx.plan.reps;
    let opens = cx.repeat(reps, |cx, i| {
        Some(cx.child(
            "child-open",
            &[
                "--store",
                &store_s,
                "--streams",
                &streams_s,
                "--seed",
                &(i + 1).to_string(),
            ],
        ))
    });

    // A changing command's store work, as its own process.
    say(&format!("{n} events: changing-command proxy"));
    let cmds = cx.repeat(reps, |cx, i| {
        Some(cx.child(
            "child-command",
            &[
                "--store",
                &store_s,
                "--streams",
                &streams_s,
                "--seed",
                &(100 + i).to_string(),
            ],
        ))
    });

    // Real CLI processes.
    say(&format!("{n} events: concordat commands"));
    let (partnership_show, cli) = cli::measure(cx, &store_s, proposals_ok);

    // Verification and full reads.
    say(&format!("{n} events: verify and read"));
    let log = store.join("events.jsonl").display().to_string();
    let verifies = cx.repeat(3, |cx, _| Some(cx.child("child-verify", &["--file", &log])));
    let verify_rates: Vec<f64> = verifies.iter().map(rate).collect();
    let verify_cpu_rates: Vec<f64> = verifies
        .iter()
        .map(|o| o.json()["events"].as_f64().unwrap_or(0.0) / o.cpu_s)
        .collect();
    let cli_verify = cx.concordat(&["--store", &store_s, "--json", "audit", "verify"]);
    let readall = cx.child("child-readall", &["--store", &store_s]);
    let foreach = cx.child("child-foreach", &["--store", &store_s]);
    let verify_store = cx.child("child-verify-store", &["--store", &store_s]);

    // Durable append.
    say(&format!("{n} events: durable append"));
    let append = append::measure(cx, &store_s, &streams_s);
    let (store_len_after, _) = dir_bytes(&store);
    let _ = std::fs::remove_dir_all(&store);

    json!({
        "events": n,
        "streams": streams,
        "gen": {"events_per_s": g["events"].as_f64().unwrap() / g["secs"].as_f64().unwrap(), "secs": g["secs"], "close_secs": g["close_secs"], "rss_kb": gen.maxrss_kb},
        "bytes": {"store": store_len, "store_allocated": store_alloc, "log": log_bytes, "export": export_bytes, "store_after_appends": store_len_after},
        "export": export.as_ref().map(|o| json!({"ms": o.ms(), "rss_kb": o.maxrss_kb})),
        "open": {
            "open_ms": Summary::of(&field(&opens, "open_ms")).json(),
            "first_read_ms": Summary::of(&field(&opens, "first_read_ms")).json(),
            "close_ms": Summary::of(&field(&opens, "close_ms")).json(),
            "process_ms": walls(&opens).json(),
            "rss_kb": rss(&opens),
        },
        "command": {
            "process_ms": walls(&cmds).json(),
            "open_ms": Summary::of(&field(&cmds, "open_ms")).json(),
            "read_ms": Summary::of(&field(&cmds, "read_ms")).json(),
            "append_ms": Summary::of(&field(&cmds, "append_ms")).json(),
            "close_ms": Summary::of(&field(&cmds, "close_ms")).json(),
            "rss_kb": rss(&cmds),
        },
        "cli": cli,
        "partnership_show": partnership_show,
        "verify": {"events_per_s": Summary::of(&verify_rates).p50, "events_per_cpu_s": Summary::of(&verify_cpu_rates).p50, "rss_kb": rss(&verifies)},
        "cli_verify": cli_verify.as_ref().map(|o| json!({"ms": o.ms(), "events_per_s": n as f64 / o.wall.as_secs_f64(), "rss_kb": o.maxrss_kb})),
        "verify_store": {"events_per_s": rate(&verify_store), "events_per_cpu_s": n as f64 / verify_store.cpu_s, "rss_kb": verify_store.maxrss_kb},
        "for_each": {"events_per_s": rate(&foreach), "events_per_cpu_s": n as f64 / foreach.cpu_s, "rss_kb": foreach.maxrss_kb},
        "read_all": {"events_per_s": rate(&readall), "events_per_cpu_s": n as f64 / readall.cpu_s, "open_secs": readall.json()["open_secs"], "rss_kb": readall.maxrss_kb},
        "append": append,
    })
}
