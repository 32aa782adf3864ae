//! The markdown tables of BENCHMARKS.md, from the run's JSON results.

use super::WRITERS;
use serde_json::Value;
use std::fmt::Write as _;

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn mb(kb: &Value) -> String {
    format!("{:.1}", f(kb) / 1024.0)
}

fn human(n: f64) -> String {
    if n >= 1e6 {
        format!("{:.2} M", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.1} k", n / 1e3)
    } else {
        format!("{n:.0}")
    }
}

fn count(n: u64) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

fn p(v: &Value) -> String {
    format!("{:.2} / {:.2}", f(&v["p50"]), f(&v["p95"]))
}

fn replay_rate(z: &Value) -> String {
    let r = &z["cli"]["audit_replay"];
    if r.is_null() {
        return "failed".into();
    }
    human(f(&z["events"]) / (f(&r["process_ms"]["p50"]) / 1000.0))
}

fn replay_mb(z: &Value) -> String {
    let r = &z["cli"]["audit_replay"];
    if r.is_null() {
        return String::new();
    }
    mb(&r["rss_kb"])
}

/// The markdown tables of BENCHMARKS.md.
pub(super) fn report(r: &Value) -> String {
    let mut s = String::new();
    let e = &r["env"];
    let size = r["size"].as_str().unwrap_or("");
    let _ = writeln!(
        s,
        "### Run: `scripts/bench.sh --size {size}` {}\n",
        e["label"].as_str().unwrap_or("")
    );
    let _ = writeln!(
        s,
        "{} · `nproc` = {} · {} · Linux {} · {} on {} · commit {} · whole run {:.0} s · load average at start {}, at end {} · CPU pressure (PSI some avg60, % of time a task waited for a CPU) at start {} %, at end {} % · I/O pressure at start {} %, at end {} %\n",
        e["date"].as_str().unwrap_or(""),
        e["nproc"].as_str().unwrap_or(""),
        e["cpu"].as_str().unwrap_or(""),
        e["kernel"].as_str().unwrap_or(""),
        e["filesystem"].as_str().unwrap_or(""),
        e["device"].as_str().unwrap_or(""),
        e["git"].as_str().unwrap_or(""),
        f(&r["total_secs"]),
        e["loadavg"].as_str().unwrap_or(""),
        r["end"]["loadavg"].as_str().unwrap_or(""),
        e["cpu_pressure"].as_str().unwrap_or(""),
        r["end"]["cpu_pressure"].as_str().unwrap_or(""),
        e["io_pressure"].as_str().unwrap_or(""),
        r["end"]["io_pressure"].as_str().unwrap_or(""),
    );
    let sizes = r["sizes"].as_array().cloned().unwrap_or_default();
    let raw = f(&r["raw"]["single_per_s"]);
    let ver = f(&r["starts"]["concordat_version_ms"]["p50"]);

    let _ = writeln!(s, "**Raw baseline** (`concordat-bench child-raw`: 300-byte records appended to a plain file on the same filesystem, `fdatasync` after each)\n");
    let _ = writeln!(s, "| writers | records/s |\n|---|---|");
    let _ = writeln!(s, "| 1 process | {} |", human(raw));
    let _ = writeln!(
        s,
        "| {} processes, one file | {} |\n",
        r["raw"]["writers"],
        human(f(&r["raw"]["concurrent_per_s"]))
    );

    let _ = writeln!(
        s,
        "**Process start** (p50 / p95 ms, {} runs each)\n",
        r["starts"]["concordat_version_ms"]["n"]
    );
    let _ = writeln!(s, "| process | ms |\n|---|---|");
    let _ = writeln!(
        s,
        "| `concordat --version` | {} |",
        p(&r["starts"]["concordat_version_ms"])
    );
    let _ = writeln!(
        s,
        "| `concordat-bench child-noop` | {} |\n",
        p(&r["starts"]["bench_noop_ms"])
    );

    let _ = writeln!(s, "**Store bytes against the export** (`concordat audit export --out F`; store = every file under the store directory)\n");
    let _ = writeln!(s, "| events | streams | store bytes | allocated | export bytes | store / export | generation (batched append) events/s |\n|---|---|---|---|---|---|---|");
    for z in &sizes {
        let b = &z["bytes"];
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {:.2}× | {} |",
            count(z["events"].as_u64().unwrap()),
            z["streams"],
            b["store"],
            b["store_allocated"],
            b["export"],
            f(&b["store"]) / f(&b["export"]),
            human(f(&z["gen"]["events_per_s"])),
        );
    }

    let _ = writeln!(s, "\n**Open, first read, close** (`concordat-bench child-open`: open the store, `read_stream` of one proposal, close; p50 / p95 ms in-process, and the whole process)\n");
    let _ = writeln!(s, "| events | open | first read | close | whole process | peak RSS MB |\n|---|---|---|---|---|---|");
    for z in &sizes {
        let o = &z["open"];
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            count(z["events"].as_u64().unwrap()),
            p(&o["open_ms"]),
            p(&o["first_read_ms"]),
            p(&o["close_ms"]),
            p(&o["process_ms"]),
            mb(&o["rss_kb"]),
        );
    }

    let _ = writeln!(s, "\n**Command latency** (whole `concordat` processes: p50 / p95 ms, the ratio of the p50 to `concordat --version`'s p50 = {ver:.2} ms, and peak RSS)\n");
    let _ = writeln!(s, "| events | `proposal show` | ratio | MB | `proposal advance` | ratio | MB | `proposal hold`/`resume` | ratio | MB | `partnership show` | ratio | MB | `reminders list` | ratio | MB |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for z in &sizes {
        let mut row = format!("| {} ", count(z["events"].as_u64().unwrap()));
        for v in [
            &z["cli"]["proposal_show"],
            &z["cli"]["proposal_advance"],
            &z["cli"]["proposal_hold_resume"],
            &z["partnership_show"],
            &z["cli"]["reminders_list"],
        ] {
            if v.is_null() {
                row += "| failed | | ";
            } else {
                row += &format!(
                    "| {} | {:.1}× | {} ",
                    p(&v["process_ms"]),
                    f(&v["process_ms"]["p50"]) / ver,
                    mb(&v["rss_kb"])
                );
            }
        }
        let _ = writeln!(s, "{row}|");
    }
    let _ = writeln!(s, "\n`proposal advance`: a different proposal each time, `quick-win` → `business-case`. `proposal hold`/`resume`: the same proposal, alternately. `reminders list` and `audit replay` fold the whole log (`read_from(1)`), by the workflow's design.\n");
    let _ = writeln!(s, "**The store's share of a changing command** (`concordat-bench child-command`: open, read the partnership stream and one stream, append one event expecting its version, close; p50 / p95 ms of the process, and the p50 of each step in ms)\n");
    let _ = writeln!(s, "| events | process | ratio | open | reads | append (with fdatasync) | close | peak RSS MB |\n|---|---|---|---|---|---|---|---|");
    for z in &sizes {
        let c = &z["command"];
        let _ = writeln!(
            s,
            "| {} | {} | {:.1}× | {:.3} | {:.3} | {:.3} | {:.3} | {} |",
            count(z["events"].as_u64().unwrap()),
            p(&c["process_ms"]),
            f(&c["process_ms"]["p50"]) / ver,
            f(&c["open_ms"]["p50"]),
            f(&c["read_ms"]["p50"]),
            f(&c["append_ms"]["p50"]),
            f(&c["close_ms"]["p50"]),
            mb(&c["rss_kb"]),
        );
    }
    let _ = writeln!(s);

    let _ = writeln!(s, "**Verify and read throughput**\n");
    let _ = writeln!(s, "| events | `verify_lines` over events.jsonl³ events/s | per CPU-second | peak RSS MB | `export_lines` → `LineVerifier`⁴ events/s | peak RSS MB | `concordat audit verify --json` events/s | peak RSS MB | `concordat audit replay` events/s | peak RSS MB | `read_from(1)` events/s | per CPU-second | peak RSS MB | `for_each_from(1)` events/s | per CPU-second | peak RSS MB | `concordat audit export --out` ms | peak RSS MB |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for z in &sizes {
        let cv = &z["cli_verify"];
        let ex = &z["export"];
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            count(z["events"].as_u64().unwrap()),
            human(f(&z["verify"]["events_per_s"])),
            human(f(&z["verify"]["events_per_cpu_s"])),
            mb(&z["verify"]["rss_kb"]),
            human(f(&z["verify_store"]["events_per_s"])),
            mb(&z["verify_store"]["rss_kb"]),
            if cv.is_null() {
                "failed".into()
            } else {
                human(f(&cv["events_per_s"]))
            },
            if cv.is_null() {
                "".into()
            } else {
                mb(&cv["rss_kb"])
            },
            replay_rate(z),
            replay_mb(z),
            human(f(&z["read_all"]["events_per_s"])),
            human(f(&z["read_all"]["events_per_cpu_s"])),
            mb(&z["read_all"]["rss_kb"]),
            human(f(&z["for_each"]["events_per_s"])),
            human(f(&z["for_each"]["events_per_cpu_s"])),
            mb(&z["for_each"]["rss_kb"]),
            if ex.is_null() {
                "failed".into()
            } else {
                format!("{:.0}", f(&ex["ms"]))
            },
            if ex.is_null() {
                "".into()
            } else {
                mb(&ex["rss_kb"])
            },
        );
    }
    let _ = writeln!(s, "\n³ `concordat-bench child-verify`: `engine::chain::verify_lines` reading the log file (p50 of 3 runs). \"Per CPU-second\": events over the process's user + system time, which a machine shared with other work does not inflate as it does the wall time.  ");
    let _ = writeln!(s, "⁴ `concordat-bench child-verify-store`: open the store, `EventStore::export_lines(1, …)` into `engine::chain::LineVerifier` — how `audit verify` can check the store without building any event.\n");

    let _ = writeln!(s, "**Durable append** (events/s, one event per append, each acknowledged after `fdatasync`; \"raw now\": the raw baseline measured again at this point, in three short runs alternating with three of the single writer; the single writer's % is the median of the three pairs, the others are against the median raw)\n");
    let _ = writeln!(s, "| events in store | raw now | 1 writer holding the store | % of raw | {w} threads, one process | % of raw | {w} processes, each op = open+append+close | % of raw | op p50 / p95 ms | 1 such process alone: op p50 / p95 ms | lock handoffs/s ({w} processes, no work) |\n|---|---|---|---|---|---|---|---|---|---|---|", w = WRITERS);
    for z in &sizes {
        let a = &z["append"];
        let raw = f(&a["raw_here_per_s"]);
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.0}% | {} | {:.0}% | {} | {:.0}% | {} | {} | {} |",
            count(z["events"].as_u64().unwrap()),
            human(raw),
            human(f(&a["single_per_s"])),
            100.0 * f(&a["single_ratio"]),
            human(f(&a["threads_per_s"])),
            100.0 * f(&a["threads_per_s"]) / raw,
            human(f(&a["processes_per_s"])),
            100.0 * f(&a["processes_per_s"]) / raw,
            p(&a["process_op_ms"]),
            p(&a["solo_op_ms"]),
            human(f(&a["lock_handoffs_per_s"])),
        );
    }
    let errors: f64 = sizes.iter().map(|z| f(&z["append"]["open_errors"])).sum();
    if errors > 0.0 {
        let _ = writeln!(s, "\nOpens that failed and were retried (the index still locked by the previous holder after STORE/lock was released): {errors}.");
    }

    // Targets, at the largest size of this run.
    if let Some(z) = sizes.last() {
        let at = count(z["events"].as_u64().unwrap());
        let yes = |ok: bool| if ok { "**met**" } else { "not met" };
        let cli = &z["cli"];
        let (cmd, cmd_what) = if cli["proposal_advance"].is_null() {
            (f(&z["command"]["process_ms"]["p50"]), "store-only proxy")
        } else {
            (
                f(&cli["proposal_advance"]["process_ms"]["p50"]),
                "`proposal advance`",
            )
        };
        let show = if cli["proposal_show"].is_null() {
            &z["partnership_show"]
        } else {
            &cli["proposal_show"]
        };
        let show_what = if cli["proposal_show"].is_null() {
            "`partnership show`"
        } else {
            "`proposal show`"
        };
        let show_ms = f(&show["process_ms"]["p50"]);
        let show_mb = f(&show["rss_kb"]) / 1024.0;
        let verify = f(&z["verify"]["events_per_s"]);
        let single_ratio = f(&z["append"]["single_ratio"]);
        let ratio = f(&z["bytes"]["store"]) / f(&z["bytes"]["export"]);
        let _ = writeln!(s, "\n**Targets of issue 8 at {at} events**\n");
        let _ = writeln!(s, "| target | measured | |\n|---|---|---|");
        let replay = if cli["audit_replay"].is_null() {
            f64::NAN
        } else {
            f(&z["events"]) / (f(&cli["audit_replay"]["process_ms"]["p50"]) / 1000.0)
        };
        let _ = writeln!(s, "| changing command ≤ 3× bare start | {cmd_what} p50 {cmd:.2} ms = {:.1}× `concordat --version` | {} |", cmd / ver, yes(cmd <= 3.0 * ver));
        let _ = writeln!(s, "| `proposal show` ≤ 10 ms, ≤ 50 MB RSS | {show_what} p50 {show_ms:.2} ms, {show_mb:.1} MB | {} |", yes(show_ms <= 10.0 && show_mb <= 50.0));
        let _ = writeln!(
            s,
            "| verify ≥ 1M events/s | `verify_lines` {} events/s ({} per CPU-second) | {} |",
            human(verify),
            human(f(&z["verify"]["events_per_cpu_s"])),
            yes(verify >= 1e6)
        );
        let _ = writeln!(s, "| replay ≥ 1M events/s | `audit replay` {} events/s; the store's `read_from(1)` {} events/s, `for_each_from(1)` {} events/s | {} |", human(replay), human(f(&z["read_all"]["events_per_s"])), human(f(&z["for_each"]["events_per_s"])), yes(replay >= 1e6));
        let _ = writeln!(
            s,
            "| durable append ≥ 50% of raw fsync | {:.0}% (1 writer) | {} |",
            100.0 * single_ratio,
            yes(single_ratio >= 0.5)
        );
        let _ = writeln!(
            s,
            "| store ≤ 2× export | {ratio:.2}× | {} |",
            yes(ratio <= 2.0)
        );
    }
    s
}
