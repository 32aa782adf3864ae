//! Durable appends: one writer, threads, whole processes taking turns, and the lock handoff alone,
//! each against the raw baseline measured at the same moment.

use super::raw::{raw_for, settle, start_at};
use super::size::rate;
use super::{Ctx, WRITERS};
use crate::measure::{self, Outcome, Summary};
use serde_json::{json, Value};
use std::process::Command;

/// The `append` figures of one store size.
pub(super) fn measure(cx: &mut Ctx, store_s: &str, streams_s: &str) -> Value {
    settle();
    // The raw rate again, right before the appends it is compared with (the disk's latency drifts).
    // The disk's fsync latency drifts (and jumps while the machine is busy): alternate short runs
    // of the raw baseline and of the store, and compare each pair.
    let rounds = 3;
    let part = cx.plan.secs / rounds as f64;
    let part_s = part.to_string();
    let (mut raws, mut singles, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let (raw, _) = raw_for(cx, part);
        let one = cx.child(
            "child-append",
            &[
                "--store",
                store_s,
                "--streams",
                streams_s,
                "--threads",
                "1",
                "--n",
                "1000000",
                "--secs",
                &part_s,
            ],
        );
        let store_rate = rate(&one);
        raws.push(raw);
        singles.push(store_rate);
        ratios.push(store_rate / raw);
    }
    let raw_here = Summary::of(&raws).p50;
    let single_rate = Summary::of(&singles).p50;
    let single_ratio = Summary::of(&ratios).p50;
    let secs = cx.plan.secs.to_string();
    let threads = cx.child(
        "child-append",
        &[
            "--store",
            store_s,
            "--streams",
            streams_s,
            "--threads",
            &WRITERS.to_string(),
            "--n",
            "1000000",
            "--secs",
            &secs,
        ],
    );
    let at = start_at(300);
    let mut children = Vec::new();
    for w in 0..WRITERS {
        let err = cx.stderr_file("child-writer");
        children.push(measure::spawn(
            Command::new(&cx.me).args([
                "child-writer",
                "--store",
                store_s,
                "--streams",
                streams_s,
                "--secs",
                &secs,
                "--start-at",
                &at,
                "--seed",
                &(w + 1).to_string(),
            ]),
            &err,
        ));
    }
    let writers: Vec<Outcome> = children
        .into_iter()
        .map(|(c, s)| measure::finish(c, s))
        .collect();
    assert!(
        writers.iter().all(|o| o.code == 0),
        "a writer failed; see {}",
        cx.logs.display()
    );
    let writer_events: f64 = writers
        .iter()
        .map(|o| o.json()["events"].as_f64().unwrap())
        .sum();
    let open_errors: f64 = writers
        .iter()
        .map(|o| o.json()["open_errors"].as_f64().unwrap_or(0.0))
        .sum();
    let op_ms: Vec<f64> = writers
        .iter()
        .flat_map(|o| o.json()["op_ms"].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_f64())
        .collect();
    // One CLI-style writer alone: the per-command cost without waiting for the lock.
    let solo = cx.child(
        "child-writer",
        &[
            "--store",
            store_s,
            "--streams",
            streams_s,
            "--secs",
            &secs,
            "--seed",
            "99",
        ],
    );
    let solo_ms: Vec<f64> = solo.json()["op_ms"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_f64())
        .collect();
    // Lock handoff alone: WRITERS processes taking and releasing STORE/lock, nothing else.
    let at = start_at(300);
    let mut children = Vec::new();
    for _ in 0..WRITERS {
        let err = cx.stderr_file("child-lock");
        children.push(measure::spawn(
            Command::new(&cx.me).args([
                "child-lock",
                "--store",
                store_s,
                "--secs",
                &secs,
                "--start-at",
                &at,
            ]),
            &err,
        ));
    }
    let takes: f64 = children
        .into_iter()
        .map(|(c, s)| {
            measure::finish(c, s).json()["takes"]
                .as_f64()
                .unwrap_or(0.0)
        })
        .sum();
    let handoffs_per_s = takes / cx.plan.secs;

    json!({
        "single_per_s": single_rate,
        "single_ratio": single_ratio,
        "rounds": {"raw": raws, "store": singles},
        "threads_per_s": rate(&threads),
        "processes_per_s": writer_events / cx.plan.secs,
        "process_op_ms": Summary::of(&op_ms).json(),
        "solo_op_ms": Summary::of(&solo_ms).json(),
        "solo_per_s": rate(&solo),
        "raw_here_per_s": raw_here,
        "lock_handoffs_per_s": handoffs_per_s,
        "open_errors": open_errors + solo.json()["open_errors"].as_f64().unwrap_or(0.0),
    })
}
