//! The auditor's plumbing: verify a chain, export it, and list who did what when.

use super::session::{parse_date, Session};
use engine::{Event, Failure};
use std::io::Write;

/// Told how many more lines (events) have gone by, for a progress bar.
pub type Progress<'a> = &'a (dyn Fn(u64) + Send + Sync);

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
    export_with_progress(session, out, &|_| {}).await
}

/// [`export_to`], telling `progress` as lines are written.
pub async fn export_with_progress(
    session: &mut Session,
    out: &mut (dyn Write + Send),
    progress: Progress<'_>,
) -> Result<u64, Failure> {
    session
        .store
        .export_lines(1, &mut LineCounter::new(out, progress))
        .await
}

/// One round of `audit follow`: writes every event from seq `next` on as its export line (the
/// lines `audit export` writes, byte for byte) and returns the seq to read from next time.
pub async fn follow_round(
    session: &mut Session,
    next: u64,
    out: &mut (dyn Write + Send),
) -> Result<u64, Failure> {
    session.check_reader().await?;
    let written = session.store.export_lines(next, out).await?;
    Ok(next + written)
}

/// A writer that passes bytes on and tells `progress` how many whole lines went by.
pub(super) struct LineCounter<'a, W: Write + ?Sized> {
    inner: &'a mut W,
    progress: Progress<'a>,
}

impl<'a, W: Write + ?Sized> LineCounter<'a, W> {
    pub(super) fn new(inner: &'a mut W, progress: Progress<'a>) -> Self {
        LineCounter { inner, progress }
    }
}

impl<W: Write + ?Sized> Write for LineCounter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        let lines = buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        if lines > 0 {
            (self.progress)(lines);
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
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
