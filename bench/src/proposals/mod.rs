//! `concordat-bench proposals`: stores of real proposals in two shapes, and the commands that look
//! across proposals timed on them (wall, CPU, peak RSS) against `concordat --version` in the same run.
//!
//! `concordat-bench proposals --concordat BIN --demo DEMO_STORE --work DIR --shape breadth|depth
//! --events N [--runs K] [--label TEXT] [--baseline BIN]` builds `DIR/SHAPE-N` once (kept for later runs) and prints
//! one Markdown table (with `--baseline`, that binary beside BIN, runs alternating). A command that
//! writes (the quarter-end tick) runs on a fresh copy of the store each time, copied unmeasured.

mod build;

use crate::args::Args;
use crate::measure::{self, Outcome, Summary};
use build::Shape;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// "Now" for every command: just after the demo partnership's registration, so a first tick
/// fires little, and every copied event is already recorded.
const NOW: &str = "2008-09-02T09:00:00+01:00";
/// "Now" for the quarter-end tick: the morning after 30 September 2008.
const QUARTER_END: &str = "2008-10-01T09:00:00+01:00";

/// One command measured: its label, the arguments after `--store STORE`, the clock it runs at,
/// and whether it writes what the next run would find (then each run gets a fresh copy of the
/// store, made before the clock starts).
struct Cmd {
    name: &'static str,
    argv: Vec<String>,
    now: &'static str,
    writes: bool,
}

/// The commands measured; `show` is the proposal `proposal show` reads.
fn commands(outbox: &str, show: &str) -> Vec<Cmd> {
    let words = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
    let at = |name, argv: Vec<String>| Cmd {
        name,
        argv,
        now: NOW,
        writes: false,
    };
    let tick = words(&format!("scheduler tick --as ops --outbox {outbox} --json"));
    vec![
        at("`--version`", words("--version")),
        at("`scheduler tick` (nothing due)", tick.clone()),
        Cmd {
            name: "`scheduler tick` at a quarter end (a fresh store copy each run)",
            argv: tick,
            now: QUARTER_END,
            writes: true,
        },
        at("`reminders list`", words("reminders list --json")),
        at(
            "`report quarterly`",
            words("report quarterly --quarter 2008/09-Q3 --format json"),
        ),
        at(
            "`audit replay --as-of`",
            words("audit replay --as-of 2008-12-31 --json"),
        ),
        at("`proposal list` (warm)", words("proposal list --json")),
        at(
            "`proposal show` of one proposal",
            words(&format!("proposal show {show} --json")),
        ),
        at("`audit verify`", words("audit verify --json")),
        at("`audit export`", words("audit export")),
    ]
}

/// A proposal every store of the shape holds: the demo's payroll service, copied first.
fn one_proposal(shape: Shape) -> &'static str {
    match shape {
        Shape::Breadth => "payroll-c0",
        Shape::Depth => "payroll-d0",
    }
}

/// `to` made a fresh copy of the store at `from` (what was there is removed first).
fn fresh_copy(from: &Path, to: &Path) {
    if to.exists() {
        std::fs::remove_dir_all(to).expect("remove the old copy");
    }
    copy_dir(from, to);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("the copy's directory");
    for entry in std::fs::read_dir(from).expect("the store's directory") {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("its type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a store file");
        }
    }
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
    let copy = work.join(format!("{}-{events}.copy", shape.name()));
    let err = work.join("last.stderr");
    let commands = commands(&outbox, one_proposal(shape));
    // Unmeasured: fire what is due at NOW once, and warm the proposal snapshots.
    for warm in [&commands[1], &commands[6]] {
        let out = concordat_run(&concordat, &store_s, warm, &err);
        assert_eq!(out.code, 0, "{:?}: {}", warm.argv, read(&err));
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
    for cmd in &commands {
        // Alternating the binaries, so both see the same load.
        let mut outs: Vec<Vec<Outcome>> = vec![Vec::new(); bins.len()];
        for _ in 0..runs {
            for (i, (_, bin)) in bins.iter().enumerate() {
                let on = match cmd.writes {
                    true => {
                        fresh_copy(&store, &copy);
                        copy.display().to_string()
                    }
                    false => store_s.clone(),
                };
                outs[i].push(concordat_run(bin, &on, cmd, &err));
            }
        }
        for (i, (which, _)) in bins.iter().enumerate() {
            row(cmd.name, which, &outs[i], &mut version[i], &err);
        }
    }
    if copy.exists() {
        std::fs::remove_dir_all(&copy).expect("remove the copy");
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

fn concordat_run(bin: &Path, store: &str, what: &Cmd, err: &Path) -> Outcome {
    let mut cmd = Command::new(bin);
    if what.argv[0] != "--version" {
        cmd.arg("--store").arg(store);
    }
    cmd.args(&what.argv)
        .env("CONCORDAT_NOW", what.now)
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
