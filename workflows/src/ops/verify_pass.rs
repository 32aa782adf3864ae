//! `audit verify` in one pass over the log: this thread links the chain (`engine::chain`) while a
//! second reads the same lines for the date-order warnings (`proposal::order_scan`), handed over
//! a few chunks at a time through a bounded channel, so memory stays flat and both cores work.
//! Only the log is read: no saved projection or snapshot is trusted by an auditor's check.

use super::audit::{LineCounter, Progress};
use super::date_order::{self, DateOrderWarning};
use super::input::HashHex;
use super::session::Session;
use crate::proposal::order_scan::{Data, OrderEvent, OrderScan, Scanned};
use crate::proposal::state::PROPOSAL_STREAM_PREFIX;
use engine::chain::{LineFacts, LineVerifier, VerifyReport};
use engine::line::{find_newline, LineView};
use engine::{Event, Failure};
use std::collections::VecDeque;
use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

/// Chunks of lines waiting for the scanning thread (each up to the store's 1 MiB reads).
const QUEUE: usize = 4;

/// The chain's verdict and the date-order scan of the same lines.
#[derive(Debug)]
pub struct Pass {
    pub report: VerifyReport,
    scanned: Scanned,
}

/// Verifies the store's own log against an optional expected head, scanning it for the
/// date-order warnings on the way; tells `progress` as lines go by.
pub async fn verify_store(
    session: &mut Session,
    head: Option<&HashHex>,
    progress: Progress<'_>,
) -> Result<Pass, Failure> {
    session.check_reader().await?;
    let mut pass = PassWriter::new(head.map(|h| h.0.as_str()));
    let exported = session
        .store
        .export_lines(1, &mut LineCounter::new(&mut pass, progress))
        .await;
    let pass = pass.finish();
    exported?;
    pass
}

/// Verifies an export read from `reader` (as `audit verify --file` reads it), scanning it too.
pub fn verify_reader(reader: &mut dyn BufRead, head: Option<&HashHex>) -> Result<Pass, Failure> {
    let mut pass = PassWriter::new(head.map(|h| h.0.as_str()));
    let copied = std::io::copy(reader, &mut pass);
    let pass = pass.finish();
    copied?;
    pass
}

impl Pass {
    /// The date-order warnings of a log whose chain verified, in seq order: the one-pass scan's,
    /// and those of each stream that records a date correction, read again whole from the store.
    pub async fn warnings(self, session: &mut Session) -> Result<Vec<DateOrderWarning>, Failure> {
        let mut again = Vec::new();
        for stream in &self.scanned.corrected {
            again.push((stream.clone(), session.store.read_stream(stream).await?));
        }
        combine(self.scanned, again)
    }

    /// [`warnings`](Self::warnings) of an export: the corrected streams are read again from a
    /// fresh `reader` of the same export (one stream's events in memory, as the store's read).
    pub fn warnings_of_export(
        self,
        reader: &mut dyn BufRead,
    ) -> Result<Vec<DateOrderWarning>, Failure> {
        let mut again: std::collections::BTreeMap<String, Vec<Event>> = self
            .scanned
            .corrected
            .iter()
            .map(|s| (s.clone(), Vec::new()))
            .collect();
        if !again.is_empty() {
            for line in reader.lines() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                let event: Event = serde_json::from_str(&line).map_err(|e| {
                    Failure::integrity(format!("a line of the export is not an event: {e}"))
                })?;
                if let Some(events) = again.get_mut(&event.stream) {
                    events.push(event);
                }
            }
        }
        combine(self.scanned, again.into_iter().collect())
    }
}

/// The warnings of the scan and of the corrected streams scanned whole; the failure of the first
/// stream (by name) that fails, as a scan stream by stream would meet it first.
fn combine(
    scanned: Scanned,
    again: Vec<(String, Vec<Event>)>,
) -> Result<Vec<DateOrderWarning>, Failure> {
    let mut failed = scanned.failed;
    let mut out: Vec<DateOrderWarning> = scanned
        .found
        .into_iter()
        .map(|(stream, b)| date_order::warning(&stream, b))
        .collect();
    for (stream, events) in again {
        match date_order::warnings_in([(stream.clone(), events)]) {
            Ok(found) => out.extend(found),
            Err(e) => {
                failed.insert(stream, e);
            }
        }
    }
    if let Some((_, failure)) = failed.into_iter().next() {
        return Err(failure);
    }
    out.sort_by_key(|w| w.seq);
    Ok(out)
}

/// A writer that verifies the chain of what is written, handing whole lines to the scan. The
/// SHA-256 of each line (most of the chain check's cost) is shared between the two threads: a
/// chunk's hashing goes to whichever claims it first — the scanning thread as it reaches the
/// chunk, or this one when it comes to link a chunk the other has not reached — so neither core
/// waits on the other. Linking stays on this thread, in order.
struct PassWriter {
    chain: LineVerifier,
    pending: Vec<u8>,
    /// Chunks handed over and not yet linked, oldest first.
    in_flight: VecDeque<Arc<Chunk>>,
    to_scan: Option<SyncSender<Arc<Chunk>>>,
    /// The facts of the chunks the scanning thread claimed, in order.
    hashed: Receiver<LineFacts>,
    scanner: Option<JoinHandle<Scanned>>,
}

/// Whole lines, and whether a thread has taken on hashing them.
struct Chunk {
    lines: Vec<u8>,
    claimed: AtomicBool,
}

impl Chunk {
    /// True for the one caller that gets to hash this chunk.
    fn claim(&self) -> bool {
        !self.claimed.swap(true, Ordering::AcqRel)
    }
}

impl PassWriter {
    fn new(head: Option<&str>) -> PassWriter {
        let (to_scan, chunks) = sync_channel::<Arc<Chunk>>(QUEUE);
        let (to_link, hashed) = channel::<LineFacts>();
        let scanner = std::thread::spawn(move || {
            let mut scan = OrderScan::new();
            for chunk in chunks {
                if chunk.claim() {
                    // The linking thread is gone only if it stopped; `finish` says so.
                    let _ = to_link.send(LineFacts::of(&chunk.lines));
                }
                scan_chunk(&mut scan, &chunk.lines);
            }
            scan.finish()
        });
        PassWriter {
            chain: LineVerifier::new(head),
            pending: Vec::new(),
            in_flight: VecDeque::new(),
            to_scan: Some(to_scan),
            hashed,
            scanner: Some(scanner),
        }
    }

    /// The verdict and the scan, once everything has been written.
    fn finish(mut self) -> Result<Pass, Failure> {
        let rest = std::mem::take(&mut self.pending);
        if !rest.is_empty() {
            self.send(rest);
        }
        self.link_while(0)?;
        self.to_scan = None;
        let scanned = self
            .scanner
            .take()
            .and_then(|t| t.join().ok())
            .ok_or_else(|| Failure::internal("the date-order scan stopped"))?;
        let chain = std::mem::replace(&mut self.chain, LineVerifier::new(None));
        Ok(Pass {
            report: chain.finish()?,
            scanned,
        })
    }

    /// Hands `lines` to the scan, then links the oldest chunks while more than `QUEUE` wait.
    fn send(&mut self, lines: Vec<u8>) {
        let chunk = Arc::new(Chunk {
            lines,
            claimed: AtomicBool::new(false),
        });
        // The scan only stops listening if it panicked; `finish` says so.
        if let Some(to_scan) = &self.to_scan {
            let _ = to_scan.send(Arc::clone(&chunk));
        }
        self.in_flight.push_back(chunk);
    }

    /// Links the oldest chunks until no more than `keep` are waiting.
    fn link_while(&mut self, keep: usize) -> std::io::Result<()> {
        while self.in_flight.len() > keep {
            let chunk = self.in_flight.pop_front().expect("more than none");
            if chunk.claim() {
                self.chain.write_lines(&chunk.lines, None)?;
                continue;
            }
            // The scanning thread claimed it: its facts are the next it sends (None if it died,
            // and then the lines are hashed here).
            let facts = self.hashed.recv().ok();
            self.chain.write_lines(&chunk.lines, facts.as_ref())?;
        }
        Ok(())
    }
}

impl Write for PassWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let Some(last) = buf.iter().rposition(|b| *b == b'\n') else {
            self.pending.extend_from_slice(buf);
            return Ok(buf.len());
        };
        let mut whole = std::mem::take(&mut self.pending);
        whole.extend_from_slice(&buf[..=last]);
        self.pending.extend_from_slice(&buf[last + 1..]);
        self.send(whole);
        self.link_while(QUEUE)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for PassWriter {
    fn drop(&mut self) {
        // Close the channel before waiting, so the scanning thread ends.
        self.to_scan = None;
        if let Some(t) = self.scanner.take() {
            let _ = t.join();
        }
    }
}

/// Scans each line of `chunk`. A line that is not an event is skipped: the chain fails on it, and
/// the warnings of a chain that fails are not given.
fn scan_chunk(scan: &mut OrderScan, chunk: &[u8]) {
    let mut rest = chunk;
    while !rest.is_empty() {
        let end = find_newline(rest).unwrap_or(rest.len());
        let line = &rest[..end];
        rest = rest.get(end + 1..).unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        match fields(line) {
            Some(event) if !event.stream.starts_with(PROPOSAL_STREAM_PREFIX) => {}
            Some(event) => scan.push(&event),
            // Escapes, or another layout: read as the store reads it.
            None => {
                let event = match LineView::parse(line) {
                    Some(view) => view.to_event(),
                    None => serde_json::from_slice::<Event>(line),
                };
                if let Ok(event) = event {
                    scan.push(&OrderEvent::of(&event));
                }
            }
        }
    }
}

/// `,"prev_hash":"…","hash":"…"}`: the end of every line in the engine's layout.
const TAIL: usize = 14 + 64 + 10 + 64 + 2;

/// The fields the scan reads, found by position in a line of the engine's layout (which
/// `engine::line` documents) when none of them holds an escape; None: read the line in full. The
/// chain check reads every line in full: a line whose chain fails gives no warnings.
fn fields(line: &[u8]) -> Option<OrderEvent<'_>> {
    let rest = line.strip_prefix(b"{\"seq\":")?;
    let (seq, rest) = number(rest)?;
    let (stream, rest) = string(rest.strip_prefix(b",\"stream\":")?)?;
    let (_, rest) = number(rest.strip_prefix(b",\"version\":")?)?;
    let (kind, rest) = string(rest.strip_prefix(b",\"type\":")?)?;
    let (_, rest) = string(rest.strip_prefix(b",\"actor\":")?)?;
    let (_, rest) = string(rest.strip_prefix(b",\"recorded_at\":")?)?;
    let (effective_on, rest) = string(rest.strip_prefix(b",\"effective_on\":")?)?;
    let rest = rest.strip_prefix(b",\"data\":")?;
    let (data, tail) = rest.split_at(rest.len().checked_sub(TAIL)?);
    let hash_at = 14 + 64;
    let layout = tail.starts_with(b",\"prev_hash\":\"")
        && tail[hash_at..].starts_with(b"\",\"hash\":\"")
        && tail.ends_with(b"\"}");
    layout.then_some(OrderEvent {
        seq,
        stream,
        kind,
        effective_on,
        data: Data::Json(data),
    })
}

/// A run of digits at the start of `b`, and what follows it.
fn number(b: &[u8]) -> Option<(u64, &[u8])> {
    let end = b
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(b.len());
    let n = std::str::from_utf8(&b[..end]).ok()?.parse().ok()?;
    Some((n, &b[end..]))
}

/// A string without escapes at the start of `b` (its contents), and what follows it.
fn string(b: &[u8]) -> Option<(&str, &[u8])> {
    let b = b.strip_prefix(b"\"")?;
    let end = b.iter().position(|c| *c == b'"' || *c == b'\\')?;
    if b[end] != b'"' {
        return None;
    }
    Some((std::str::from_utf8(&b[..end]).ok()?, &b[end + 1..]))
}

#[cfg(test)]
#[path = "verify_pass_tests.rs"]
mod tests;
