//! The orchestrator: builds the stores, spawns every measured process, prints the tables.

use crate::args::Args;
use crate::measure::{self, Outcome, Summary};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

const FIXTURE: &str = include_str!("../../tests/fixtures/bromsgrove-redditch.toml");
/// Concurrent writers (threads, or processes) in the append measurements.
const WRITERS: usize = 4;
/// Events per synthetic proposal stream, on average.
const EVENTS_PER_STREAM: u64 = 50;

struct Plan {
    sizes: Vec<u64>,
    reps: usize,
    secs: f64,
    raw_n: u64,
}

struct Ctx {
    work: PathBuf,
    logs: PathBuf,
    concordat: PathBuf,
    me: PathBuf,
    plan: Plan,
    log_n: usize,
}

impl Ctx {
    fn stderr_file(&mut self, what: &str) -> PathBuf {
        self.log_n += 1;
        self.logs.join(format!("{:04}-{what}.stderr", self.log_n))
    }

    /// Runs a bench child; panics (with its stderr) if it fails.
    fn child(&mut self, mode: &str, args: &[&str]) -> Outcome {
        let err = self.stderr_file(mode);
        let out = measure::run(Command::new(&self.me).arg(mode).args(args), &err);
        if out.code != 0 {
            panic!(
                "{mode} {args:?} exited {}: {}",
                out.code,
                std::fs::read_to_string(&err).unwrap_or_default()
            );
        }
        out
    }

    /// Runs `concordat ARGS`; a failure is reported, not fatal (other commands may be mid-change).
    fn concordat(&mut self, args: &[&str]) -> Option<Outcome> {
        let err = self.stderr_file("concordat");
        let out = measure::run(
            Command::new(&self.concordat)
                .args(args)
                .env("CONCORDAT_NOW", "2008-09-17T19:00:00+01:00")
                .env_remove("CONCORDAT_STORE")
                .env_remove("CONCORDAT_ACTOR"),
            &err,
        );
        if out.code != 0 {
            eprintln!(
                "bench: `concordat {}` exited {}: {}",
                args.join(" "),
                out.code,
                std::fs::read_to_string(&err).unwrap_or_default().trim()
            );
            return None;
        }
        Some(out)
    }

    fn repeat(
        &mut self,
        n: usize,
        mut f: impl FnMut(&mut Ctx, usize) -> Option<Outcome>,
    ) -> Vec<Outcome> {
        (0..n).filter_map(|i| f(self, i)).collect()
    }
}

fn say(text: &str) {
    eprintln!("bench: {text}");
}

pub fn run(args: &Args) {
    let size = args.get("--size").unwrap_or("full").to_string();
    let plan = match size.as_str() {
        "smoke" => Plan {
            sizes: vec![2_000],
            reps: 3,
            secs: 0.5,
            raw_n: 300,
        },
        "small" => Plan {
            sizes: vec![10_000, 100_000],
            reps: 9,
            secs: 3.0,
            raw_n: 20_000,
        },
        "full" => Plan {
            sizes: vec![10_000, 100_000, 1_000_000],
            reps: 9,
            secs: 3.0,
            raw_n: 20_000,
        },
        other => {
            eprintln!("bench: unknown --size {other} (smoke, small or full)");
            std::process::exit(2);
        }
    };
    let concordat = PathBuf::from(
        args.get("--concordat")
            .unwrap_or("target/release/concordat"),
    );
    let work = PathBuf::from(args.get("--work").unwrap_or("target/bench")).join(&size);
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(work.join("logs")).expect("work dir");
    let work = work.canonicalize().expect("work dir");
    let mut cx = Ctx {
        logs: work.join("logs"),
        work,
        concordat: concordat
            .canonicalize()
            .expect("the concordat binary (build it first)"),
        me: std::env::current_exe().expect("own path"),
        plan,
        log_n: 0,
    };
    std::fs::write(cx.work.join("partnership.toml"), FIXTURE).expect("fixture");
    let started = std::time::Instant::now();

    let env = environment(&cx.work, args.get("--label").unwrap_or(""));
    say(&format!("{env}"));

    // The physical limit, on the same filesystem as every store.
    settle();
    say("raw fdatasync baseline");
    let raw = raw_baseline(&mut cx);

    // Process start: the yardstick of every command's latency.
    say("bare process starts");
    let reps = cx.plan.reps * 3;
    let version: Vec<f64> = cx
        .repeat(reps, |cx, _| cx.concordat(&["--version"]))
        .iter()
        .map(Outcome::ms)
        .collect();
    let noop: Vec<f64> = cx
        .repeat(reps, |cx, _| Some(cx.child("child-noop", &[])))
        .iter()
        .map(Outcome::ms)
        .collect();
    let starts = json!({
        "concordat_version_ms": Summary::of(&version).json(),
        "bench_noop_ms": Summary::of(&noop).json(),
    });

    let mut sizes = Vec::new();
    for n in cx.plan.sizes.clone() {
        sizes.push(measure_size(&mut cx, n));
    }
    let results = json!({
        "env": env,
        "size": size,
        "raw": raw,
        "starts": starts,
        "sizes": sizes,
        "total_secs": started.elapsed().as_secs_f64(),
        "end": {"cpu_pressure": psi("cpu"), "io_pressure": psi("io"), "loadavg": std::fs::read_to_string("/proc/loadavg").unwrap_or_default().split_whitespace().take(3).collect::<Vec<_>>().join(" ")},
    });
    let report = report(&results);
    println!("{report}");
    if let Some(path) = args.get("--report") {
        std::fs::write(path, &report).expect("report");
    }
    if let Some(path) = args.get("--json") {
        std::fs::write(path, serde_json::to_string_pretty(&results).unwrap()).expect("json");
    }
    say(&format!("done in {:.1} s", started.elapsed().as_secs_f64()));
}

fn environment(work: &Path, label: &str) -> Value {
    let cmd = |c: &str, a: &[&str]| {
        Command::new(c)
            .args(a)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .unwrap_or("")
        .trim()
        .to_string();
    json!({
        "date": jiff::Timestamp::now().strftime("%Y-%m-%d %H:%M UTC").to_string(),
        "nproc": cmd("nproc", &[]),
        "cpu": cpu,
        "kernel": std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default().trim(),
        "filesystem": cmd("findmnt", &["-n", "-o", "FSTYPE", "--target", &work.display().to_string()]),
        "cpu_pressure": psi("cpu"),
        "io_pressure": psi("io"),
        "loadavg": std::fs::read_to_string("/proc/loadavg").unwrap_or_default().split_whitespace().take(3).collect::<Vec<_>>().join(" "),
        "device": cmd("df", &["--output=source", &work.display().to_string()]).lines().last().unwrap_or("").to_string(),
        "git": cmd("git", &["describe", "--always", "--dirty"]),
        "label": label,
        "work": work.display().to_string(),
    })
}

/// The kernel's pressure stall figure (`some avg60`, % of time some task waited) for `what`.
fn psi(what: &str) -> String {
    std::fs::read_to_string(format!("/proc/pressure/{what}"))
        .ok()
        .and_then(|t| {
            t.lines()
                .next()
                .and_then(|l| l.split_whitespace().find(|w| w.starts_with("avg60=")))
                .map(|w| w.trim_start_matches("avg60=").to_string())
        })
        .unwrap_or_else(|| "n/a".into())
}

fn start_at(delay_ms: u128) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis();
    (now + delay_ms).to_string()
}

/// Flushes every dirty page of every filesystem, then waits a moment for the disk to go quiet.
fn settle() {
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
fn raw_for(cx: &mut Ctx, secs: f64) -> (f64, Outcome) {
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

fn raw_baseline(cx: &mut Ctx) -> Value {
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

fn measure_size(cx: &mut Ctx, n: u64) -> Value {
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
    let field = |outs: &[Outcome], k: &str| -> Vec<f64> {
        outs.iter().filter_map(|o| o.json()[k].as_f64()).collect()
    };
    let rss = |outs: &[Outcome]| outs.iter().map(|o| o.maxrss_kb).max().unwrap_or(0);
    let walls = |outs: &[Outcome]| Summary::of(&outs.iter().map(Outcome::ms).collect::<Vec<_>>());

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
    let shows = cx.repeat(reps, |cx, _| {
        cx.concordat(&["--store", &store_s, "--json", "partnership", "show"])
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
                &store_s,
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
                &store_s,
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
                &store_s,
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
        cx.concordat(&["--store", &store_s, "--json", "reminders", "list"])
    });
    cli.insert("reminders_list".into(), series(&reminders, few));
    let replay = cx.repeat(1, |cx, _| {
        cx.concordat(&[
            "--store",
            &store_s,
            "--json",
            "audit",
            "replay",
            "--as-of",
            "2010-01-01",
        ])
    });
    cli.insert("audit_replay".into(), series(&replay, 1));

    // Verification and full reads.
    say(&format!("{n} events: verify and read"));
    let log = store.join("events.jsonl").display().to_string();
    let verifies = cx.repeat(3, |cx, _| Some(cx.child("child-verify", &["--file", &log])));
    let rate = |o: &Outcome| {
        o.json()["events"].as_f64().unwrap_or(0.0) / o.json()["secs"].as_f64().unwrap_or(1.0)
    };
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
                &store_s,
                "--streams",
                &streams_s,
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
            &store_s,
            "--streams",
            &streams_s,
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
                &store_s,
                "--streams",
                &streams_s,
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
            &store_s,
            "--streams",
            &streams_s,
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
                &store_s,
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
        "cli": Value::Object(cli),
        "partnership_show": if shows.is_empty() { Value::Null } else { json!({"process_ms": walls(&shows).json(), "rss_kb": rss(&shows)}) },
        "verify": {"events_per_s": Summary::of(&verify_rates).p50, "events_per_cpu_s": Summary::of(&verify_cpu_rates).p50, "rss_kb": rss(&verifies)},
        "cli_verify": cli_verify.as_ref().map(|o| json!({"ms": o.ms(), "events_per_s": n as f64 / o.wall.as_secs_f64(), "rss_kb": o.maxrss_kb})),
        "verify_store": {"events_per_s": rate(&verify_store), "events_per_cpu_s": n as f64 / verify_store.cpu_s, "rss_kb": verify_store.maxrss_kb},
        "for_each": {"events_per_s": rate(&foreach), "events_per_cpu_s": n as f64 / foreach.cpu_s, "rss_kb": foreach.maxrss_kb},
        "read_all": {"events_per_s": rate(&readall), "events_per_cpu_s": n as f64 / readall.cpu_s, "open_secs": readall.json()["open_secs"], "rss_kb": readall.maxrss_kb},
        "append": {
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
        },
    })
}

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
fn report(r: &Value) -> String {
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
