//! `concordat-bench proposals`: stores of real proposals in two shapes, and the commands that look
//! across proposals timed on them (wall, CPU, peak RSS) against `concordat --version` in the same run.
//!
//! `concordat-bench proposals --concordat BIN --demo DEMO_STORE --work DIR --shape breadth|depth
//! --events N [--runs K] [--label TEXT] [--baseline BIN]` builds `DIR/SHAPE-N` once (kept for later runs) and prints
//! one Markdown table (with `--baseline`, that binary beside BIN, runs alternating).

mod build;

use crate::args::Args;
use crate::measure::{self, Outcome, Summary};
use build::Shape;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// "Now" for every command: just after the demo partnership's registration, so a first tick
/// fires little, and every copied event is already recorded.
const NOW: &str = "2008-09-02T09:00:00+01:00";

/// The commands measured: a label and the arguments after `--store STORE`.
fn commands(outbox: &str) -> Vec<(&'static str, Vec<String>)> {
    let words = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
    vec![
        ("`--version`", words("--version")),
        (
            "`scheduler tick` (nothing due)",
            words(&format!("scheduler tick --as ops --outbox {outbox} --json")),
        ),
        ("`reminders list`", words("reminders list --json")),
        (
            "`report quarterly`",
            words("report quarterly --quarter 2008/09-Q3 --format json"),
        ),
        (
            "`audit replay --as-of`",
            words("audit replay --as-of 2008-12-31 --json"),
        ),
        ("`proposal list` (warm)", words("proposal list --json")),
        ("`audit verify`", words("audit verify --json")),
    ]
}

/// Runs the `proposals` mode.
pub fn run(args: &Args) {
    let concordat = PathBuf::from(args.get("--concordat").expect("--concordat BIN"));
    let demo = PathBuf::from(args.get("--demo").expect("--demo DEMO_STORE"));
    let work = PathBuf::from(args.get("--work").expect("--work DIR"));
    let shape = Shape::parse(args.get("--shape").unwrap_or("breadth"));
    let events = args.num("--events", 10_000) as usize;
    let runs = args.num("--runs", 5) as usize;
    std::fs::create_dir_all(&work).unwrap();
    let store = work.join(format!("{}-{events}", shape.name()));
    if !store.exists() {
        // Built in its own process: building here would raise every child's measured peak RSS.
        if args.get("--build-only").is_none() {
            let status = Command::new(std::env::current_exe().unwrap())
                .arg("proposals")
                .args(std::env::args().skip(2))
                .args(["--build-only", "yes"])
                .status()
                .expect("the build process");
            assert!(status.success(), "building {}", store.display());
        }
    }
    if !store.exists() {
        let started = std::time::Instant::now();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let (n, p) = rt.block_on(build::build(&demo, &store, shape, events));
        eprintln!(
            "built {} ({n} events, {p} proposals) in {:.1} s",
            store.display(),
            started.elapsed().as_secs_f64()
        );
    }
    if args.get("--build-only").is_some() {
        return;
    }
    let outbox = work.join("outbox").display().to_string();
    let store_s = store.display().to_string();
    let err = work.join("last.stderr");
    // Unmeasured: fire what is due at NOW once, and warm the proposal snapshots.
    for warm in [&commands(&outbox)[1].1, &commands(&outbox)[5].1] {
        let out = concordat_run(&concordat, &store_s, warm, &err);
        assert_eq!(out.code, 0, "{warm:?}: {}", read(&err));
    }
    let label = args.get("--label").unwrap_or("");
    println!(
        "\n{} · {} {} events · {runs} runs each{}\n",
        jiff::Timestamp::now().strftime("%Y-%m-%d %H:%M UTC"),
        shape.name(),
        events,
        if label.is_empty() {
            String::new()
        } else {
            format!(" · {label}")
        }
    );
    let baseline = args.get("--baseline").map(PathBuf::from);
    let mut bins = vec![("after", concordat.clone())];
    if let Some(b) = baseline {
        bins.insert(0, ("before", b));
    }
    println!("| command | binary | wall p50 ms | CPU p50 ms | peak RSS MB | wall ÷ `--version` |");
    println!("|---|---|---|---|---|---|");
    let mut version = vec![0.0; bins.len()];
    for (name, argv) in commands(&outbox) {
        // Alternating the binaries, so both see the same load.
        let mut outs: Vec<Vec<Outcome>> = vec![Vec::new(); bins.len()];
        for _ in 0..runs {
            for (i, (_, bin)) in bins.iter().enumerate() {
                outs[i].push(concordat_run(bin, &store_s, &argv, &err));
            }
        }
        for (i, (which, _)) in bins.iter().enumerate() {
            row(name, which, &outs[i], &mut version[i], &err);
        }
    }
}

/// One table row: p50 wall and CPU, the largest peak RSS, the ratio to `--version`'s wall.
fn row(name: &str, which: &str, outs: &[Outcome], version: &mut f64, err: &Path) {
    if let Some(bad) = outs.iter().find(|o| o.code != 0) {
        let why = read(err).lines().next().unwrap_or_default().to_string();
        println!("| {name} | {which} | exit {} | | | {why} |", bad.code);
        return;
    }
    let wall = Summary::of(&outs.iter().map(Outcome::ms).collect::<Vec<_>>()).p50;
    let cpu = Summary::of(&outs.iter().map(|o| o.cpu_s * 1e3).collect::<Vec<_>>()).p50;
    let rss = outs.iter().map(|o| o.maxrss_kb).max().unwrap_or(0) as f64 / 1024.0;
    if *version == 0.0 {
        *version = wall;
    }
    println!(
        "| {name} | {which} | {wall:.1} | {cpu:.1} | {rss:.1} | {:.0}× |",
        wall / *version
    );
}

fn concordat_run(bin: &Path, store: &str, argv: &[String], err: &Path) -> Outcome {
    let mut cmd = Command::new(bin);
    if argv[0] != "--version" {
        cmd.arg("--store").arg(store);
    }
    cmd.args(argv)
        .env("CONCORDAT_NOW", NOW)
        .env_remove("CONCORDAT_STORE")
        .env_remove("CONCORDAT_ACTOR");
    let stderr = std::fs::File::create(err).expect("stderr file");
    let started = std::time::Instant::now();
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    // Output discarded, never held here: a child's peak RSS (wait4's ru_maxrss) starts from this
    // process's peak, so this process must stay small.
    measure::finish(child, started)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}
