//! `concordat scheduler tick|run`.
//!
//! `run` repeats the tick, opening the store for each firing round and closing it before it
//! sleeps, so every other command keeps working beside it (the embedded store is held by one
//! process at a time). It sleeps until the next due instant or the poll interval, whichever comes
//! first, and stops cleanly on SIGINT or SIGTERM (never in the middle of a round).

use super::GlobalArgs;
use crate::{context, output};
use clap::Subcommand;
use engine::{Failure, FailureKind};
use jiff::{SignedDuration, Timestamp};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};
use tokio::signal::unix::{signal, Signal, SignalKind};
use workflows::email::config::OperatorConfig;
use workflows::ops::email::Finished;
use workflows::ops::scheduler::{self, TickReport};
use workflows::ops::Session;

/// The `scheduler` command words.
#[derive(Debug, Subcommand)]
pub enum SchedulerCommand {
    /// Fire everything due up to now, once; then exit.
    Tick {
        /// Where quarterly reports are written (default: STORE/outbox).
        #[arg(long, value_name = "DIR")]
        outbox: Option<PathBuf>,
        /// The operator's configuration: SMTP, contacts, the web address (default:
        /// $CONCORDAT_CONFIG, else /etc/concordat/concordat.toml if it exists; none: no email).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// List what would fire and who would get which email; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Fire everything as it falls due, until SIGINT or SIGTERM.
    Run {
        /// Where quarterly reports are written (default: STORE/outbox).
        #[arg(long, value_name = "DIR")]
        outbox: Option<PathBuf>,
        /// Look for new reminders at least this often, in seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 5)]
        poll_secs: u64,
        /// The operator's configuration (as for `tick`).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

/// Runs a `scheduler` command.
pub async fn exec(g: &GlobalArgs, cmd: SchedulerCommand) -> Result<ExitCode, Failure> {
    match cmd {
        SchedulerCommand::Tick {
            outbox,
            config,
            dry_run,
        } => {
            let config = crate::email::load(config.as_deref())?;
            let mut session = context::session(g, engine::store::OpenMode::Existing).await?;
            if dry_run {
                let plan =
                    workflows::ops::email_plan::dry_run(&mut session, config.as_ref()).await?;
                output::emit(g.json, &plan, super::scheduler_plan::human)?;
                return super::finish(session).await;
            }
            let outbox = outbox_dir(g, outbox)?;
            let finished = &mut Finished::default();
            let report = tick_and_mail(&mut session, &outbox, config.as_ref(), finished).await?;
            output::emit(g.json, &report, |r| human(r, true))?;
            super::finish(session).await
        }
        SchedulerCommand::Run {
            outbox,
            poll_secs,
            config,
        } => {
            let config = crate::email::load(config.as_deref())?;
            let outbox = outbox_dir(g, outbox)?;
            let poll = Duration::from_secs(poll_secs.max(1));
            run(g, &outbox, poll, config.as_ref()).await
        }
    }
}

/// `--outbox`, else `STORE/outbox` for a directory store, else the platform data dir's.
fn outbox_dir(g: &GlobalArgs, given: Option<PathBuf>) -> Result<PathBuf, Failure> {
    if let Some(dir) = given {
        context::outside_store(g, &dir, "--outbox")?;
        return Ok(dir);
    }
    let store = context::store_location(g)?;
    if store.starts_with("postgres://") || store.starts_with("postgresql://") {
        return dirs::data_dir()
            .map(|d| d.join("concordat").join("outbox"))
            .ok_or_else(|| {
                Failure::usage("no --outbox given and no platform data directory")
                    .with_detail("give --outbox DIR")
            });
    }
    Ok(Path::new(&store).join("outbox"))
}

/// The clock of `run`: `$CONCORDAT_NOW` when set, advancing with real time; else the system clock.
struct Clock {
    base: Option<Timestamp>,
    started: Instant,
}

impl Clock {
    fn new() -> Result<Clock, Failure> {
        let simulated = std::env::var("CONCORDAT_NOW").is_ok_and(|v| !v.is_empty());
        Ok(Clock {
            base: simulated.then(context::now).transpose()?,
            started: Instant::now(),
        })
    }

    fn now(&self) -> Timestamp {
        match self.base {
            Some(base) => {
                let elapsed =
                    SignedDuration::try_from(self.started.elapsed()).unwrap_or(SignedDuration::MAX);
                base.saturating_add(elapsed).unwrap_or(base)
            }
            None => Timestamp::now(),
        }
    }
}

/// Stops on SIGINT or SIGTERM, registered before the first round so no signal is lost (`audit
/// follow` stops the same way).
pub(crate) struct Stop {
    interrupt: Signal,
    terminate: Signal,
}

impl Stop {
    pub(crate) fn new() -> Result<Stop, Failure> {
        let install = |kind| {
            signal(kind).map_err(|e| Failure::internal(format!("cannot listen for signals: {e}")))
        };
        Ok(Stop {
            interrupt: install(SignalKind::interrupt())?,
            terminate: install(SignalKind::terminate())?,
        })
    }

    /// Waits for a stop request; returns the signal's name.
    pub(crate) async fn requested(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }
}

/// One tick, then the email due (when the configuration has SMTP).
async fn tick_and_mail(
    session: &mut Session,
    outbox: &Path,
    config: Option<&OperatorConfig>,
    finished: &mut Finished,
) -> Result<TickReport, Failure> {
    let mut report = scheduler::tick_with(session, outbox, config).await?;
    if let Some(smtp) = config.and_then(|c| c.smtp.as_ref().map(|s| (c, s))) {
        let (config, smtp) = smtp;
        let mut postman = crate::email::smtp::SmtpPostman::new(smtp)?;
        report.emails =
            workflows::ops::email::deliver(session, config, &mut postman, finished).await?;
    }
    Ok(report)
}

async fn run(
    g: &GlobalArgs,
    outbox: &Path,
    poll: Duration,
    config: Option<&OperatorConfig>,
) -> Result<ExitCode, Failure> {
    let mut stop = Stop::new()?;
    let clock = Clock::new()?;
    context::share_connections();
    let location = context::store_location(g)?;
    let actor = context::actor(g);
    log_start(&location, outbox, poll, &clock);
    let mut all = TickReport::default();
    // Messages sent or cancelled are never read again while this process runs.
    let mut finished = Finished::default();
    let mut first = true;
    let ended = loop {
        let opened = tokio::select! {
            opened = context::open(&location, engine::store::OpenMode::Existing) => opened,
            signal = stop.requested() => break Ok(signal),
        };
        let mut wait = poll;
        match opened {
            Ok(store) => {
                let now = clock.now();
                let mut session = Session::new(store, now, actor.clone());
                let round = tick_and_mail(&mut session, outbox, config, &mut finished).await;
                session.store.close().await?;
                match round {
                    Ok(report) => {
                        log_round(&report);
                        if !g.json {
                            output::emit(false, &report, |r| human(r, false))?;
                        }
                        all.fired.extend(report.fired);
                        all.reports.extend(report.reports);
                        all.emails.extend(report.emails);
                        if let Some(next) = report.next_due {
                            let until = clock.now().duration_until(next);
                            wait = wait.min(Duration::try_from(until).unwrap_or(Duration::ZERO));
                        }
                    }
                    // Who is acting and what they may do will not change by waiting.
                    Err(e) if first || !retryable(&e) => break Err(e),
                    Err(e) => tracing::warn!(
                        cause = %cause(&e),
                        retry_in_secs = wait.as_secs(),
                        "scheduler round failed, retrying"
                    ),
                }
            }
            Err(e) if e.kind == FailureKind::Conflict => {
                tracing::info!(cause = %cause(&e), "store busy, retrying");
            }
            Err(e) => break Err(e),
        }
        first = false;
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            signal = stop.requested() => break Ok(signal),
        }
    };
    log_end(&ended, &all);
    ended?;
    if g.json {
        output::emit(true, &all, |_| String::new())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The INFO line a service's journal starts with.
fn log_start(location: &str, outbox: &Path, poll: Duration, clock: &Clock) {
    let now = clock.now();
    tracing::info!(
        store = %location,
        outbox = %outbox.display(),
        poll_secs = poll.as_secs(),
        clock = %now.round(jiff::Unit::Second).unwrap_or(now),
        simulated_clock = clock.base.is_some(),
        "scheduler started"
    );
}

/// The line it ends with: the signal that stopped it (INFO), or the failure (ERROR).
fn log_end(ended: &Result<&'static str, Failure>, all: &TickReport) {
    match ended {
        Ok(signal) => tracing::info!(
            signal,
            fired = all.fired.len(),
            reports = all.reports.len(),
            "scheduler stopped"
        ),
        Err(e) => tracing::error!(cause = %cause(e), "scheduler stopped by a failure"),
    }
}

/// One INFO line per firing and per report issued, for the service's journal.
fn log_round(report: &TickReport) {
    for f in &report.fired {
        tracing::info!(
            id = %f.id,
            due = %f.due,
            late = f.late,
            proposal = f.proposal.as_deref().unwrap_or("-"),
            council = f.council.as_deref().unwrap_or("-"),
            "fired: {}",
            f.title
        );
    }
    for r in &report.reports {
        tracing::info!(
            quarter = %r.quarter,
            council = %r.council,
            path = %r.path,
            sha256 = %r.sha256,
            known_at = %r.known_at,
            "report issued"
        );
    }
    for e in &report.emails {
        tracing::info!(
            message_id = %e.message_id,
            contact = %e.contact,
            attempt = e.attempt,
            reply = %e.reply,
            "email {}: {}",
            e.outcome,
            e.subject
        );
    }
}

/// A failure's message with its details, on one line.
fn cause(e: &Failure) -> String {
    std::iter::once(e.message.as_str())
        .chain(e.details.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("; ")
}

fn retryable(e: &Failure) -> bool {
    matches!(e.kind, FailureKind::Conflict | FailureKind::Internal)
}

fn human(r: &TickReport, say_nothing: bool) -> String {
    if r.fired.is_empty() && r.emails.is_empty() {
        return if say_nothing {
            "Nothing was due.".into()
        } else {
            String::new()
        };
    }
    let mut out = String::new();
    for f in &r.fired {
        let late = if f.late { " (late)" } else { "" };
        out += &format!("fired {}{late}: {}\n", f.id, f.title);
    }
    for rep in &r.reports {
        out += &format!(
            "report {} for {}: {} (sha256 {}, known at {})\n",
            rep.quarter, rep.council, rep.path, rep.sha256, rep.known_at
        );
    }
    for e in &r.emails {
        out += &format!(
            "email {} to {} (attempt {}): {} ({})\n",
            e.outcome, e.contact, e.attempt, e.subject, e.reply
        );
    }
    out
}
