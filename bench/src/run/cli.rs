//! Whole `concordat` processes against the store: the latency a user sees.

use super::size::{rss, walls};
use super::Ctx;
use crate::measure::Outcome;
use serde_json::{json, Value};

/// Times the real commands; returns `partnership show`'s figures and every other command's.
pub(super) fn measure(cx: &mut Ctx, store_s: &str, proposals_ok: bool) -> (Value, Value) {
    let reps = cx.plan.reps;
    let shows = cx.repeat(reps, |cx, _| {
        cx.concordat(&["--store", store_s, "--json", "partnership", "show"])
    });
    let series = |outs: &[Outcome], tried: usize| -> Value {
        if outs.is_empty() {
            return Value::Null;
        }
        json!({"process_ms": walls(outs).json(), "rss_kb": rss(outs), "failed": tried - outs.len()})
    };
    let mut cli = serde_json::Map::new();
    if proposals_ok {
        let show = cx.repeat(reps, |cx, _| {
            cx.concordat(&[
                "--store",
                store_s,
                "--json",
                "proposal",
                "show",
                "elections",
            ])
        });
        cli.insert("proposal_show".into(), series(&show, reps));
        let advance = cx.repeat(reps, |cx, i| {
            cx.concordat(&[
                "--store",
                store_s,
                "--as",
                "jce",
                "--json",
                "proposal",
                "advance",
                &format!("advance-{i}"),
                "--to",
                "business-case",
            ])
        });
        cli.insert("proposal_advance".into(), series(&advance, reps));
        let hold = cx.repeat(reps, |cx, i| {
            let word = if i % 2 == 0 { "hold" } else { "resume" };
            cx.concordat(&[
                "--store",
                store_s,
                "--as",
                "jce",
                "--json",
                "proposal",
                word,
                "elections",
                "--reason",
                "bench",
            ])
        });
        cli.insert("proposal_hold_resume".into(), series(&hold, reps));
    }
    let few = reps.min(3);
    let reminders = cx.repeat(few, |cx, _| {
        cx.concordat(&["--store", store_s, "--json", "reminders", "list"])
    });
    cli.insert("reminders_list".into(), series(&reminders, few));
    let replay = cx.repeat(1, |cx, _| {
        cx.concordat(&[
            "--store",
            store_s,
            "--json",
            "audit",
            "replay",
            "--as-of",
            "2010-01-01",
        ])
    });
    cli.insert("audit_replay".into(), series(&replay, 1));
    let partnership_show = if shows.is_empty() {
        Value::Null
    } else {
        json!({"process_ms": walls(&shows).json(), "rss_kb": rss(&shows)})
    };
    (partnership_show, Value::Object(cli))
}
