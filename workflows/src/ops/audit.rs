//! The auditor's plumbing: verify a chain, export it, and list who did what when.

use super::session::{parse_date, Session};
use engine::chain::{verify_lines, VerifyReport};
use engine::{Event, Failure};
use std::io::{BufRead, Write};

/// Verifies the store's own log (or an export read from `reader`) against an optional expected head.
pub async fn verify(
    session: &mut Session,
    reader: Option<Box<dyn BufRead>>,
    head: Option<&str>,
) -> Result<VerifyReport, Failure> {
    if let Some(h) = head {
        if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(
                Failure::usage(format!("--head {h:?} is not a SHA-256 hash")).with_detail(
                    "give the 64 hex digits of the head you expect, e.g. from a quarterly report",
                ),
            );
        }
    }
    let report = match reader {
        Some(reader) => verify_lines(reader, head)?,
        None => {
            session.check_reader().await?;
            // Streamed: the store hands over its lines and the verifier links them as they come,
            // so memory stays flat however long the log.
            let mut verifier = engine::chain::LineVerifier::new(head);
            session.store.export_lines(1, &mut verifier).await?;
            verifier.finish()?
        }
    };
    Ok(report)
}

/// The partnership values recorded in the log that break today's limits (`crate::bounds`), one
/// line each naming the version: a log recorded before the limits keeps working, and this is how
/// an auditor hears about it. Warnings, not failures: the chain is intact.
pub async fn partnership_warnings(session: &mut Session) -> Result<Vec<String>, Failure> {
    let history = session.partnership().await?;
    let mut out: Vec<String> = Vec::new();
    for (from, partnership) in history.versions() {
        let version = match from {
            Some(date) => format!("the partnership as amended from {date}"),
            None => "the partnership as registered".to_string(),
        };
        for warning in partnership.bound_warnings() {
            out.push(format!("{version}: {warning}"));
        }
    }
    Ok(out)
}

/// Writes the log as JSON Lines, oldest first; returns the number of events written.
pub async fn export_to(
    session: &mut Session,
    out: &mut (dyn Write + Send),
) -> Result<u64, Failure> {
    session.store.export_lines(1, out).await
}

/// One line of `audit log`.
pub type LogEntry = Event;

/// Events filtered by actor and by the date they were recorded (inclusive, the partnership's zone).
pub async fn log(
    session: &mut Session,
    actor: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Vec<LogEntry>, Failure> {
    let from = from.map(parse_date).transpose()?;
    let to = to.map(parse_date).transpose()?;
    session.check_reader().await?;
    let tz = session.partnership().await?.latest().tz();
    let events = session.store.read_from(1).await?;
    let mut kept = Vec::new();
    for event in events {
        if actor.is_some_and(|a| a != event.actor) {
            continue;
        }
        let recorded: jiff::Timestamp = event.recorded_at.parse().map_err(|e| {
            Failure::integrity(format!("event {} has a bad recorded_at: {e}", event.seq))
        })?;
        let day = recorded.to_zoned(tz.clone()).date();
        if from.is_some_and(|f| day < f) || to.is_some_and(|t| day > t) {
            continue;
        }
        kept.push(event);
    }
    Ok(kept)
}
