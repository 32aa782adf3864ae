//! `concordat demo`: the 2008 programme loaded through the ordinary command line, then a tour.

mod board;
mod programme;

use crate::global::GlobalArgs;
use crate::output;
use engine::Failure;
use programme::{ILLUSTRATIVE, PROGRAMME};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// The 2008 partnership file, bundled.
const PARTNERSHIP: &str = include_str!("../../../examples/bromsgrove-redditch.toml");
/// Where the demo goes without `--store`.
const DEFAULT_DIR: &str = "concordat-demo";
/// When the partnership was recorded: the evening of the Board's first meeting.
const REGISTERED_AT: &str = "2008-09-01T17:45:00+01:00";

/// What the demo reports.
#[derive(Debug, Serialize)]
pub struct DemoSummary {
    pub store: String,
    pub commands: usize,
    pub events: u64,
    pub head: String,
    pub reports: Vec<String>,
    pub try_next: Vec<String>,
    pub illustrative: Vec<String>,
}

/// Loads the programme into a new store, one ordinary `concordat` command at a time.
pub async fn exec(g: &GlobalArgs) -> Result<ExitCode, Failure> {
    let store = g.store.clone().unwrap_or_else(|| DEFAULT_DIR.to_string());
    let store = absolute(&store);
    if looks_like_a_store(&store) {
        return Err(Failure::conflict(format!("the demo is already there: {store}"))
            .with_detail("explore it with the commands the first run printed, or give --store a new directory"));
    }
    let me = std::env::current_exe()
        .map_err(|e| Failure::internal(format!("cannot find this program: {e}")))?;
    let partnership =
        std::env::temp_dir().join(format!("concordat-demo-{}.toml", std::process::id()));
    std::fs::write(&partnership, PARTNERSHIP)?;
    let init = run(
        &me,
        &store,
        REGISTERED_AT,
        "admin",
        &["init", &partnership.display().to_string()],
    );
    let _ = std::fs::remove_file(&partnership);
    init?;
    let files = board::Files::write(&std::env::temp_dir(), PARTNERSHIP)?;
    for step in PROGRAMME {
        let args = files.args(step.args);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        if let Err(e) = run(&me, &store, step.recorded, step.actor, &args) {
            files.remove();
            return Err(e);
        }
    }
    files.remove();
    let verified = run(
        &me,
        &store,
        PROGRAMME
            .last()
            .map(|s| s.recorded)
            .unwrap_or(REGISTERED_AT),
        "audit",
        &["audit", "verify"],
    )?;
    let summary = DemoSummary {
        store: store.clone(),
        commands: PROGRAMME.len() + 1,
        events: verified["events"].as_u64().unwrap_or(0),
        head: verified["head"].as_str().unwrap_or_default().to_string(),
        reports: reports(Path::new(&store)),
        try_next: try_next(&store),
        illustrative: ILLUSTRATIVE.iter().map(|s| s.to_string()).collect(),
    };
    output::emit(g.json, &summary, tour)?;
    Ok(ExitCode::SUCCESS)
}

fn absolute(store: &str) -> String {
    if store.contains("://") {
        return store.to_string();
    }
    let path = PathBuf::from(store);
    let path = if path.is_absolute() {
        path
    } else {
        std::env::current_dir()
            .map(|d| d.join(&path))
            .unwrap_or(path)
    };
    path.display().to_string()
}

fn looks_like_a_store(store: &str) -> bool {
    !store.contains("://") && Path::new(store).join(engine::store::LOG_FILE).exists()
}

/// Runs one ordinary command against the demo store at `recorded`, as `actor`; returns its JSON.
fn run(
    me: &Path,
    store: &str,
    recorded: &str,
    actor: &str,
    args: &[&str],
) -> Result<serde_json::Value, Failure> {
    let out = Command::new(me)
        .arg("--store")
        .arg(store)
        .arg("--as")
        .arg(actor)
        .arg("--json")
        .args(args)
        .env("CONCORDAT_NOW", recorded)
        .env_remove("CONCORDAT_STORE")
        .env_remove("CONCORDAT_ACTOR")
        .stdin(Stdio::null())
        .output()?;
    if !out.status.success() {
        let code = out.status.code().unwrap_or(1);
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(Failure::new(
            if code == 4 {
                engine::FailureKind::Conflict
            } else {
                engine::FailureKind::Internal
            },
            format!(
                "the demo step `concordat {}` failed (exit {code})",
                args.join(" ")
            ),
        )
        .with_detail(stderr.trim().to_string()));
    }
    Ok(serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null))
}

fn reports(store: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut dirs = vec![store.join("outbox")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                found.push(path.display().to_string());
            }
        }
    }
    found.sort();
    found
}

fn try_next(store: &str) -> Vec<String> {
    let s = shell_quote(store);
    vec![
        format!("concordat --store {s} proposal show elections"),
        format!("concordat --store {s} audit replay --as-of 2009-01-22 --basis recorded"),
        format!("concordat --store {s} audit verify"),
        format!("concordat --store {s} report quarterly --quarter 2008/09-Q4 --council redditch"),
        format!("concordat --store {s} reminders ics"),
        format!("concordat --store {s} funding list"),
        format!("concordat --store {s} monitor position elections --quarter 2009/10-Q1"),
        format!("concordat --store {s} report programme --quarter 2009/10-Q2"),
    ]
}

fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-:".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn tour(s: &DemoSummary) -> String {
    let mut out = String::new();
    out += "The 2008 Bromsgrove and Redditch shared services programme, replayed command by command.\n\n";
    out += "What happened\n";
    out += "  1 Sep 2008   The Shared Services Board meets for the first time (5 present, 1 apology). It sets the\n";
    out += "               phase targets, then moves phase 2 from 31 Dec to 31 Jan and phase 3 from 30 Jun to 31 Jul.\n";
    out += "               Quick wins: elections (Bromsgrove leads), community safety (Redditch leads), performance and\n";
    out += "               financial management, equality and diversity, member development; the Head of Financial\n";
    out += "               Services vacancy goes to a business case; the Benefits Services Manager is not pursued.\n";
    out += "  17 Sep 2008  Both Councils approve the quick wins in principle (not yet their decisions).\n";
    out += "  Sep 2008     Payroll moves to Redditch: business case, consultation with staff and unions, a consensus\n";
    out += "               at the Board, approval by both councils; live on 1 Oct 2008, saving £40,000 a year, 50/50.\n";
    out += "  Oct 2008     Community safety is put on hold over grant funding.\n";
    out += "  Nov 2008     Elections: consultation with staff, Unison, GMB and UCATT; the Board recommends by\n";
    out += "               qualified majority (one abstention broke consensus) at its meeting at Redditch, which\n";
    out += "               approves the minutes of 1 Sep; the Labour Group Leaders sit on the Board from 20 Oct.\n";
    out += "  Dec 2008     Bromsgrove approves elections; Redditch defers, then approves on 21 Jan 2009 (recorded\n";
    out += "               26 Jan: replay 22 Jan on either basis to see the difference). Live on 2 Mar 2009.\n";
    out += "  2009         The scheduled job issues each council's quarterly report; six-month reviews are held.\n";
    out += "               The programme's funding is recorded (£40,000 of match funding from each Council, the\n";
    out += "               regional efficiency partnership's grant) and the elections service's costs.\n\n";
    out += &format!(
        "The store: {}\n  {} commands, {} events; the chain verifies, head {}\n",
        s.store, s.commands, s.events, s.head
    );
    if s.reports.is_empty() {
        out += "Quarterly reports: none were issued\n";
    } else {
        out += "Quarterly reports issued by the scheduled job:\n";
        for r in &s.reports {
            out += &format!("  {r}\n");
        }
    }
    out += "\nEight commands to try next:\n";
    for c in &s.try_next {
        out += &format!("  {c}\n");
    }
    out += "\nIllustrative (not in the 2008 documents, chosen to be plausible):\n";
    for i in &s.illustrative {
        out += &format!("  - {i}\n");
    }
    out
}
