//! `concordat audit follow --from SEQ`: every event as its export line as it is appended, until
//! SIGINT or SIGTERM (exit 0).
//!
//! The follower never keeps the embedded store: it watches the log file's size and time, and only
//! when they change opens the store, writes what is new and closes it again, so every other command
//! keeps writing beside it (as `scheduler run` does). Only acknowledged events are ever written: an
//! append holds the store until its events are durable. On PostgreSQL, which has no such lock, one
//! connection is kept and asked for new events every poll. A busy store or a lost connection is
//! retried with backoff after the first round; anything else ends the command with its exit code.

use super::scheduler::Stop;
use super::GlobalArgs;
use crate::context;
use clap::Args;
use engine::store::{is_database_url, OpenMode, LOG_FILE};
use engine::{open_store, Failure, FailureKind};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};
use workflows::ops::Session;

/// How often the follower looks for new events.
pub const POLL: Duration = Duration::from_millis(200);

/// Arguments of `audit follow`.
#[derive(Debug, Args)]
pub struct FollowArgs {
    /// The seq of the first event to print (1: the whole log, then what follows); resume from the
    /// seq after the last line you kept.
    #[arg(long, value_name = "SEQ", default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub from: u64,
}

/// What was last seen of an embedded log file: a change means there may be new events.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

/// Where new events are looked for.
enum Watch {
    /// An embedded store: its log file, and what was seen of it at the last round.
    File { log: PathBuf, seen: Option<Stamp> },
    /// PostgreSQL: the session kept open between rounds (none before the first or after a failure).
    Database { held: Option<Session> },
}

impl Watch {
    fn new(location: &str) -> Watch {
        if is_database_url(location) {
            Watch::Database { held: None }
        } else {
            Watch::File {
                log: PathBuf::from(location).join(LOG_FILE),
                seen: None,
            }
        }
    }

    /// Whether a round may find something new: always on a database; when the log file changed.
    fn due(&self) -> bool {
        match self {
            Watch::File { log, seen } => seen.is_none() || stamp(log) != *seen,
            Watch::Database { .. } => true,
        }
    }
}

fn stamp(log: &PathBuf) -> Option<Stamp> {
    let meta = std::fs::metadata(log).ok()?;
    Some(Stamp {
        len: meta.len(),
        modified: meta.modified().ok(),
    })
}

/// Runs `audit follow`.
pub async fn exec(g: &GlobalArgs, args: FollowArgs) -> Result<ExitCode, Failure> {
    let mut stop = Stop::new()?;
    let location = context::store_location(g)?;
    let actor = context::actor(g);
    let mut watch = Watch::new(&location);
    let mut next = args.from;
    let mut first = true;
    let mut failures: u32 = 0;
    loop {
        if watch.due() {
            match round(&mut watch, &location, &actor, next).await {
                Ok(Some(seq)) => (next, failures) = (seq, 0),
                // Stdout closed by its reader (`| head`): the follower's work is done.
                Ok(None) => return Ok(ExitCode::SUCCESS),
                // Busy, or the database gone for a while: try again, less often each time. Who
                // may read and what the log holds will not change by waiting.
                Err(e) if !first && retryable(&e) => {
                    failures += 1;
                    tracing::warn!(cause = %e.message, next_seq = next, "audit follow round failed, retrying");
                }
                Err(e) => return Err(e),
            }
            first = false;
        }
        let wait = POLL * 2u32.pow(failures.min(6));
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stop.requested() => return Ok(ExitCode::SUCCESS),
        }
    }
}

fn retryable(failure: &Failure) -> bool {
    matches!(failure.kind, FailureKind::Conflict | FailureKind::Internal)
}

/// One round: open (or reuse) the store, write what is new, release it; the seq to read next, or
/// none when stdout's reader has gone.
async fn round(
    watch: &mut Watch,
    location: &str,
    actor: &Option<String>,
    next: u64,
) -> Result<Option<u64>, Failure> {
    // The stamp is taken before reading, so an append that lands meanwhile is seen next time.
    let before = match watch {
        Watch::File { log, .. } => stamp(log),
        Watch::Database { .. } => None,
    };
    let held = match watch {
        Watch::Database { held } => held.take(),
        Watch::File { .. } => None,
    };
    let mut session = match held {
        Some(session) => session,
        None => {
            let store = open_store(location, OpenMode::Existing, context::BUSY_WAIT).await?;
            Session::new(store, context::now()?, actor.clone())
        }
    };
    let mut out = Stdout { gone: false };
    let result = workflows::ops::audit::follow_round(&mut session, next, &mut out).await;
    if out.gone {
        session.store.close().await?;
        return Ok(None);
    }
    match watch {
        Watch::Database { held } if result.is_ok() => *held = Some(session),
        Watch::File { seen, .. } => {
            session.store.close().await?;
            if result.is_ok() {
                *seen = before;
            }
        }
        Watch::Database { .. } => session.store.close().await?,
    }
    result.map(Some)
}

/// Stdout, noting when its reader has gone (a broken pipe) rather than only failing.
struct Stdout {
    gone: bool,
}

impl Stdout {
    fn noted<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        if matches!(&result, Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe) {
            self.gone = true;
        }
        result
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = std::io::stdout().lock().write(buf);
        self.noted(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let flushed = std::io::stdout().lock().flush();
        self.noted(flushed)
    }
}
