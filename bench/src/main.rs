//! `concordat-bench`: the benchmark harness of BENCHMARKS.md.
//!
//! `concordat-bench run --size smoke|small|full --concordat PATH [--work DIR]` generates stores
//! through the engine's public append path and measures everything in one run, on one disk.
//! The `child-*` modes are the measured processes it spawns (one JSON line each on stdout).

mod args;
mod child;
mod measure;
mod proposals;
mod run;
mod synth;

fn main() {
    let mut argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.is_empty() {
        usage();
    }
    let mode = argv.remove(0);
    let args = args::Args::new(argv);
    match mode.as_str() {
        "run" => run::run(&args),
        "proposals" => proposals::run(&args),
        m if m.starts_with("child-") => child::run(m, &args),
        _ => usage(),
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: concordat-bench run --size smoke|small|full --concordat PATH [--work DIR] \
         [--report FILE.md] [--json FILE.json] [--label TEXT]\n       \
         concordat-bench proposals --concordat PATH --demo DEMO_STORE --work DIR \
         --shape breadth|depth --events N [--runs K] [--label TEXT]"
    );
    std::process::exit(2);
}
