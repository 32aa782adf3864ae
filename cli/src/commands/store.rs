//! `concordat store copy|import|restore|accept-loss`.

use super::GlobalArgs;
use crate::{context, output};
use clap::Subcommand;
use engine::store::{is_database_url, EmbeddedStore, OpenMode};
use engine::{open_store, Event, EventStore, Failure};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use workflows::ops::store_copy::{copy, copy_events};

/// The `store` command words.
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Copy a whole log into a new store (a directory or postgres://…), seqs and hashes intact;
    /// --from is a store, or an export file (`audit export`) whose chain is checked first.
    Copy {
        /// The store, or the export file (JSON Lines), to copy from.
        #[arg(long)]
        from: String,
        /// The new, empty store to copy into.
        #[arg(long)]
        to: String,
        /// The log copied must end exactly at this hash.
        #[arg(long, value_name = "HEX")]
        head: Option<String>,
    },
    /// Restore an export into a new, empty store (--store): `store copy --from FILE --to STORE`.
    Import {
        /// The export file (JSON Lines) `audit export` wrote.
        file: PathBuf,
        /// The log imported must end exactly at this hash.
        #[arg(long, value_name = "HEX")]
        head: Option<String>,
    },
    /// Put back acknowledged events missing from the store's log, from an export or a copy of
    /// the log (each checked against its hash and the last one acknowledged).
    Restore {
        /// An export (`audit export`) or a copy of events.jsonl made before the loss.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
    },
    /// Accept, on the record, that the acknowledged events after SEQ (the log's last) are lost.
    AcceptLoss {
        /// The log's last event: everything acknowledged after it is given up.
        #[arg(long, value_name = "SEQ")]
        after: u64,
        /// The date the acceptance is taken (default: today in the partnership's time zone).
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
    },
}

/// Runs a `store` command.
pub async fn exec(g: &GlobalArgs, cmd: StoreCommand) -> Result<ExitCode, Failure> {
    match cmd {
        StoreCommand::Copy { from, to, head } => copy_into(g, &from, &to, head.as_deref()).await,
        StoreCommand::Import { file, head } => {
            let to = context::store_location(g)?;
            let from = file.display().to_string();
            if !file.is_file() {
                return Err(Failure::usage(format!("{from} is not a file")).with_detail(
                    "give the export file `concordat audit export --out FILE` wrote",
                ));
            }
            copy_into(g, &from, &to, head.as_deref()).await
        }
        StoreCommand::Restore { from } => restore(g, &from).await,
        StoreCommand::AcceptLoss { after, on } => accept_loss(g, after, on.as_deref()).await,
    }
}

async fn copy_into(
    g: &GlobalArgs,
    from: &str,
    to: &str,
    head: Option<&str>,
) -> Result<ExitCode, Failure> {
    context::now()?;
    let from_file = !is_database_url(from) && Path::new(from).is_file();
    let (source, events) = if from_file {
        (None, Some(read_export(Path::new(from), head)?))
    } else {
        let source = open_store(from, OpenMode::Existing, context::BUSY_WAIT).await?;
        if let Some(want) = head {
            check_head_arg(want)?;
            let have = source.head().await?.hash;
            if !have.eq_ignore_ascii_case(want) {
                return Err(Failure::integrity(format!(
                    "{from} ends at {have}, not at the --head given"
                ))
                .with_detail("copy the store the head was published from"));
            }
        }
        (Some(source), None)
    };
    let existed = Path::new(to).exists();
    let target = open_store(to, OpenMode::Create, context::BUSY_WAIT).await?;
    let copied = match (&source, events) {
        (Some(source), _) => copy(source.as_ref(), target.as_ref()).await,
        (None, Some(events)) => copy_events(events, from.to_string(), target.as_ref()).await,
        (None, None) => unreachable!("a source or its events"),
    };
    match copied {
        Ok(copied) => {
            output::emit(g.json, &copied, |c| {
                format!(
                    "Copied {} events from {} to {}\nhead {}",
                    c.events, c.from, c.to, c.head
                )
            })?;
            if let Some(source) = source {
                source.close().await?;
            }
            target.close().await?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            drop(target);
            if !existed && !is_database_url(to) {
                let _ = std::fs::remove_dir_all(to);
            }
            Err(e)
        }
    }
}

fn check_head_arg(head: &str) -> Result<(), Failure> {
    if head.len() != 64 || !head.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(
            Failure::usage(format!("--head {head:?} is not a SHA-256 hash"))
                .with_detail("give the 64 hex digits of the head you expect"),
        );
    }
    Ok(())
}

/// The events of an export file (or a copy of a log), after checking its whole chain (and that
/// it ends at `head`, if given).
fn read_export(path: &Path, head: Option<&str>) -> Result<Vec<Event>, Failure> {
    if let Some(h) = head {
        check_head_arg(h)?;
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Failure::usage(format!("cannot read {}: {e}", path.display()))
            .with_detail("give the export file `concordat audit export --out FILE` wrote")
    })?;
    let report = engine::chain::verify_lines(&bytes[..], head)?;
    if !report.ok {
        return Err(Failure::integrity(format!(
            "{} does not verify: the chain breaks at seq {}: {}",
            path.display(),
            report.first_bad_seq.unwrap_or(0),
            report.problem.as_deref().unwrap_or("it does not follow")
        ))
        .with_detail(
            "use an untouched export; `concordat audit verify --file FILE` shows where it breaks",
        ));
    }
    bytes
        .split(|b| *b == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| {
            engine::line::parse_event(line).map_err(|e| {
                Failure::integrity(format!(
                    "{} holds a line that is not an event: {e}",
                    path.display()
                ))
            })
        })
        .collect()
}

/// The embedded store at --store, opened even though its log lacks acknowledged events.
fn damaged_store(g: &GlobalArgs) -> Result<EmbeddedStore, Failure> {
    let location = context::store_location(g)?;
    if is_database_url(&location) {
        return Err(Failure::usage(
            "a PostgreSQL log cannot lose acknowledged events (its rows are append-only by trigger)",
        )
        .with_detail("store restore and store accept-loss repair directory stores"));
    }
    EmbeddedStore::open_despite_loss(Path::new(&location), context::BUSY_WAIT)
}

async fn restore(g: &GlobalArgs, from: &Path) -> Result<ExitCode, Failure> {
    let events = read_export(from, None)?;
    let store = damaged_store(g)?;
    let Some(shortfall) = store.shortfall() else {
        return Err(Failure::refused(format!(
            "the log at {} lacks no acknowledged event: there is nothing to restore",
            store.location()
        ))
        .with_detail("`concordat audit verify` checks the chain"));
    };
    let missing: Vec<Event> = events
        .into_iter()
        .filter(|e| e.seq > shortfall.log_seq)
        .collect();
    let head = store.restore(&missing)?;
    let doc = serde_json::json!({
        "file": from.display().to_string(),
        "restored": missing.len(),
        "first_seq": shortfall.log_seq + 1,
        "head_seq": head.seq,
        "head": head.hash,
    });
    output::emit(g.json, &doc, |_| {
        format!(
            "Restored {} events (seq {} to {}) from {}\nhead {}",
            missing.len(),
            shortfall.log_seq + 1,
            head.seq,
            from.display(),
            head.hash
        )
    })?;
    store.close().await?;
    Ok(ExitCode::SUCCESS)
}

async fn accept_loss(g: &GlobalArgs, after: u64, on: Option<&str>) -> Result<ExitCode, Failure> {
    let now = context::now()?;
    let store = damaged_store(g)?;
    let lost = store.accept_loss(after)?;
    let mut session = workflows::ops::Session::new(Box::new(store), now, context::actor(g));
    let recorded = workflows::ops::store_loss::record(&mut session, &lost, on).await?;
    let doc = serde_json::json!({
        "after": after,
        "lost_from": recorded.data["lost_from"],
        "lost_to": recorded.data["lost_to"],
        "recorded_seq": recorded.seq,
        "head": recorded.hash,
    });
    output::emit(g.json, &doc, |_| {
        format!(
            "Accepted the loss ({}); recorded as seq {} by {}\nhead {}",
            lost.describe(),
            recorded.seq,
            recorded.actor,
            recorded.hash
        )
    })?;
    super::finish(session).await
}
