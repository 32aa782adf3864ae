//! `concordat audit verify|export|log|prove|check-proof`.

use super::GlobalArgs;
use crate::{context, output};
use clap::Subcommand;
use engine::store::OpenMode;
use engine::{Event, Failure};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use workflows::ops::input::HashHex;

/// The `audit` command words.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain of the store, or of an export file (offline, no store needed).
    Verify {
        /// An export (JSON Lines) to check instead of the store.
        #[arg(long)]
        file: Option<PathBuf>,
        /// The chain must end exactly at this hash.
        #[arg(long, value_parser = super::values::parsed::<HashHex>)]
        head: Option<HashHex>,
    },
    /// Write the log as JSON Lines, one event a line, oldest first.
    Export {
        /// Write to this file instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print each event as its export line (JSON) as it is appended, from --from on, until
    /// SIGINT or SIGTERM; never holds the store, so other commands keep writing.
    Follow(super::follow::FollowArgs),
    /// Every proposal as it stood at a date: by when decisions were taken, or by what was recorded.
    Replay(super::replay::ReplayArgs),
    /// List events, filtered by actor and by the date recorded (inclusive).
    Log {
        /// Only the events this actor recorded, e.g. jce.
        #[arg(long)]
        actor: Option<String>,
        /// Only events recorded on or after this date (YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// Only events recorded on or before this date (YYYY-MM-DD).
        #[arg(long)]
        to: Option<String>,
    },
    /// Make an inclusion proof of one event (--event SEQ), or a consistency proof from an older
    /// checkpoint to a newer one (--from CHECKPOINT); to stdout, or to --out.
    Prove {
        /// The seq of the event to prove.
        #[arg(
            long,
            value_name = "SEQ",
            conflicts_with = "from",
            required_unless_present = "from"
        )]
        event: Option<u64>,
        /// An older checkpoint file (body or signed note) to prove the log extends.
        #[arg(long, value_name = "CHECKPOINT")]
        from: Option<PathBuf>,
        /// Prove against this checkpoint (default: the newest signed one that covers it, else the log now).
        #[arg(long, value_name = "CP", conflicts_with = "now")]
        checkpoint: Option<PathBuf>,
        /// Prove against the log as it stands now (an unsigned checkpoint).
        #[arg(long)]
        now: bool,
        /// Write the proof to this file instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Check a proof offline, with nothing but the proof, a checkpoint and the verifier key (no store).
    CheckProof {
        /// The proof file `audit prove` wrote.
        file: PathBuf,
        /// The checkpoint to check against (a signed note, or a body copied from a report).
        #[arg(long, value_name = "CP")]
        checkpoint: PathBuf,
        /// The verifier key (or a file holding it) the checkpoint must be signed with.
        #[arg(long, value_name = "VERIFIER_KEY")]
        key: Option<String>,
    },
}

/// Runs an `audit` command.
pub async fn exec(g: &GlobalArgs, cmd: AuditCommand) -> Result<ExitCode, Failure> {
    match cmd {
        AuditCommand::Verify { file, head } => verify(g, file, head).await,
        AuditCommand::Replay(args) => super::replay::exec(g, args).await,
        AuditCommand::Follow(args) => super::follow::exec(g, args).await,
        AuditCommand::Prove {
            event,
            from,
            checkpoint,
            now,
            out,
        } => super::checkpoint::prove(g, event, from, checkpoint, now, out).await,
        AuditCommand::CheckProof {
            file,
            checkpoint,
            key,
        } => super::checkpoint::check_proof(g, &file, &checkpoint, key),
        AuditCommand::Export { out } => {
            if let Some(path) = &out {
                context::outside_store(g, path, "--out")?;
            }
            let mut session = context::session_despite_loss(g).await?;
            session.check_reader().await?;
            match out {
                Some(path) => {
                    let mut partial = crate::files::Partial::create(&path)?;
                    let mut file = std::io::BufWriter::new(&mut partial.file);
                    let total = session.store.head().await?.seq;
                    let bar = crate::progress::events(total, "exporting");
                    let n = workflows::ops::audit::export_with_progress(
                        &mut session,
                        &mut file,
                        &|n| bar.inc(n),
                    )
                    .await;
                    bar.finish_and_clear();
                    let n = n?;
                    file.flush()?;
                    drop(file);
                    partial.commit()?;
                    let doc = serde_json::json!({"out": path.display().to_string(), "events": n});
                    output::emit(g.json, &doc, |_| {
                        format!("Exported {n} events to {}", path.display())
                    })?;
                }
                None if g.json => {
                    let mut buf = Vec::new();
                    workflows::ops::audit::export_to(&mut session, &mut buf).await?;
                    let lines: Vec<serde_json::Value> = buf
                        .split(|b| *b == b'\n')
                        .filter(|l| !l.is_empty())
                        .map(|l| serde_json::from_slice(l).expect("own export parses"))
                        .collect();
                    output::emit(true, &lines, |_| String::new())?;
                }
                None => {
                    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
                    // A bar only when stdout is redirected: on a terminal it would mix with the lines.
                    let total = if std::io::stdout().is_terminal() {
                        0
                    } else {
                        session.store.head().await?.seq
                    };
                    let bar = crate::progress::events(total, "exporting");
                    let n = workflows::ops::audit::export_with_progress(
                        &mut session,
                        &mut stdout,
                        &|n| bar.inc(n),
                    )
                    .await;
                    bar.finish_and_clear();
                    n?;
                }
            }
            // What is there was exported; what is missing is said, and the exit is 6.
            if let Some(shortfall) = session.store.shortfall() {
                let failure = shortfall.failure(std::path::Path::new(&session.store.location()));
                session.store.close().await?;
                return Err(failure);
            }
            super::finish(session).await
        }
        AuditCommand::Log { actor, from, to } => {
            let mut session = context::session(g, OpenMode::Existing).await?;
            let events = workflows::ops::audit::log(
                &mut session,
                actor.as_deref(),
                from.as_deref(),
                to.as_deref(),
            )
            .await?;
            output::emit(g.json, &events, |e| human_log(e))?;
            super::finish(session).await
        }
    }
}

async fn verify(
    g: &GlobalArgs,
    file: Option<PathBuf>,
    head: Option<HashHex>,
) -> Result<ExitCode, Failure> {
    let (report, warnings, date_order_warnings, session) = match file {
        Some(path) => {
            let open = || {
                std::fs::File::open(&path)
                    .map(std::io::BufReader::new)
                    .map_err(|e| {
                        Failure::usage(format!("cannot read {}: {e}", path.display())).with_detail(
                            "give the path of an export made by `concordat audit export`",
                        )
                    })
            };
            // One pass: the chain and the date-order scan together, memory flat.
            let pass = workflows::ops::verify_pass::verify_reader(&mut open()?, head.as_ref())?;
            let report = pass.report.clone();
            let date_order = match report.ok {
                true => pass.warnings_of_export(&mut open()?)?,
                false => Vec::new(),
            };
            (report, Vec::new(), date_order, None)
        }
        None => {
            let mut session = context::session_despite_loss(g).await?;
            let total = session.store.head().await?.seq;
            let bar = crate::progress::events(total, "verifying");
            let pass =
                workflows::ops::verify_pass::verify_store(&mut session, head.as_ref(), &|n| {
                    bar.inc(n)
                })
                .await;
            bar.finish_and_clear();
            let pass = pass?;
            let mut report = pass.report.clone();
            if let Some(shortfall) = session.store.shortfall() {
                // The chain of what is there may verify; the log still lacks what was acknowledged.
                report.ok = false;
                report.first_bad_seq = report.first_bad_seq.or(Some(shortfall.log_seq + 1));
                report.problem = Some(match report.problem.take() {
                    Some(p) => format!("{p}; and {}", shortfall.describe()),
                    None => shortfall.describe(),
                });
            }
            let (warnings, date_order) = match report.ok {
                true => (
                    workflows::ops::audit::partnership_warnings(&mut session).await?,
                    pass.warnings(&mut session).await?,
                ),
                false => (Vec::new(), Vec::new()),
            };
            (report, warnings, date_order, Some(session))
        }
    };
    let doc = Verified {
        report: report.clone(),
        warnings,
        date_order_warnings,
    };
    output::emit(g.json, &doc, |v| {
        let r = &v.report;
        if r.ok {
            let mut out = format!(
                "ok: {} events, the chain is unbroken\nhead {}",
                r.events, r.head
            );
            for w in &v.warnings {
                out += &format!("\nwarning: {w}");
            }
            for w in &v.date_order_warnings {
                out += &format!("\nwarning: out of date order: {}", w.message);
            }
            out
        } else {
            format!(
                "BROKEN: the chain breaks at seq {}: {}\n{} events verify before it; the last good hash is {}",
                r.first_bad_seq.unwrap_or(0),
                r.problem.as_deref().unwrap_or("it does not follow"),
                r.events,
                r.head
            )
        }
    })?;
    if let Some(session) = session {
        session.store.close().await?;
    }
    if report.ok {
        Ok(ExitCode::SUCCESS)
    } else {
        if !g.json {
            eprintln!("error: the log does not verify; see the line above for where it breaks");
        }
        Ok(ExitCode::from(6))
    }
}

/// `audit verify`'s document: the contract's keys, and `warnings` (issue 18): values recorded
/// before today's limits, which keep working but an auditor should know of.
#[derive(serde::Serialize)]
struct Verified {
    #[serde(flatten)]
    report: engine::chain::VerifyReport,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<String>,
    /// Events dated before what they depend on (issue 20): recorded before the date-order rules,
    /// put right with `proposal correct-date`. Not a chain failure.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    date_order_warnings: Vec<workflows::ops::date_order::DateOrderWarning>,
}

fn human_log(events: &[Event]) -> String {
    let mut out = String::new();
    for e in events {
        out += &format!(
            "{:>6}  recorded {}  taken {}  {:<12} {:<24} {}\n",
            e.seq,
            e.recorded_at,
            e.effective_on,
            output::field(&e.actor),
            e.kind,
            output::field(&e.stream)
        );
    }
    if events.is_empty() {
        out += "no events match\n";
    }
    out
}
