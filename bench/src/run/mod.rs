//! The orchestrator: builds the stores, spawns every measured process, prints the tables.

mod append;
mod cli;
mod raw;
mod report;
mod size;

use crate::args::Args;
use crate::measure::{self, Outcome, Summary};
use raw::{raw_baseline, settle};
use report::report;
use serde_json::{json, Value};
use size::measure_size;
use std::path::{Path, PathBuf};
use std::process::Command;

const FIXTURE: &str = include_str!("../../../tests/fixtures/bromsgrove-redditch.toml");
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
