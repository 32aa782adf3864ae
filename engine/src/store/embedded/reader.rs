//! Reading the log back: recovery at open (cut a torn tail, trust, catch up or rebuild the index),
//! scans in chunks, and the reads the store serves, each checked against what the index says.

use super::index::{Builder, Entry};
use super::witness::{Acknowledged, Shortfall, Witness};
use super::{empty_head, Inner, READ_CHUNK};
use crate::error::{Failure, Result};
use crate::event::Event;
use crate::line::{self, find_newline};
use crate::store::Head;
use std::os::unix::fs::FileExt;

/// The most a crash can leave of one event's line at the log's end; a longer partial line is
/// not cut off but reported (an event line is a few hundred bytes; a stream name at most 16 MiB).
const MAX_TORN: u64 = 64 << 20;

fn damaged(offset: u64, what: impl std::fmt::Display) -> Failure {
    Failure::integrity(format!("the log line at byte {offset} {what}"))
        .with_detail("run `concordat audit verify --file STORE/events.jsonl` to locate the damage")
}

/// Parses whole lines (each ending in `\n`), on several threads when there are many.
pub(super) fn parse_lines(text: &[u8], first_offset: u64) -> Result<Vec<Event>> {
    fn serial(text: &[u8], first_offset: u64) -> Result<Vec<Event>> {
        let mut events = Vec::with_capacity(text.len() / 512);
        let mut at = 0;
        while at < text.len() {
            let len = find_newline(&text[at..]).expect("whole lines");
            let event = line::parse_event(&text[at..at + len]).map_err(|e| {
                damaged(
                    first_offset + at as u64,
                    format_args!("is not an event: {e}"),
                )
            })?;
            events.push(event);
            at += len + 1;
        }
        Ok(events)
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    if threads < 2 || text.len() < (1 << 20) {
        return serial(text, first_offset);
    }
    // Cut at line ends near equal shares.
    let mut cuts = vec![0];
    for k in 1..threads {
        let from = (text.len() * k / threads).max(*cuts.last().expect("a cut"));
        match find_newline(&text[from..]) {
            Some(p) if from + p + 1 < text.len() => cuts.push(from + p + 1),
            _ => break,
        }
    }
    cuts.push(text.len());
    let parts: Vec<Result<Vec<Event>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = cuts
            .windows(2)
            .map(|w| {
                let (a, b) = (w[0], w[1]);
                scope.spawn(move || serial(&text[a..b], first_offset + a as u64))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("parser thread"))
            .collect()
    });
    let mut events = Vec::with_capacity(text.len() / 512);
    for part in parts {
        events.extend(part?);
    }
    Ok(events)
}

impl Inner {
    /// Brings the index up to the log's end: trusting it where it can be trusted and only
    /// indexing the tail it lacks; otherwise rebuilding it from the log. A partial last line (a
    /// write cut short, never acknowledged) is cut off the log.
    pub(super) fn recover(&mut self) -> Result<()> {
        if self.index.trusted && self.index.indexed_len <= self.log_len {
            match self.indexed_head() {
                Ok(Some(head)) => {
                    self.head = head;
                    match self.catch_up() {
                        Ok(()) => return Ok(()),
                        // The log's own damage is found again by the rebuild, and reported.
                        Err(e) => tracing::warn!(
                            "the index cannot be caught up ({}); rebuilding it",
                            e.message
                        ),
                    }
                }
                Ok(None) => tracing::warn!("the index does not match the log; rebuilding it"),
                Err(e) => tracing::warn!("the index cannot be read ({e}); rebuilding it"),
            }
        } else if self.index.trusted {
            tracing::warn!("the index covers more than the log; rebuilding it");
        }
        self.rebuild()
    }

    /// Compares the recovered log with what the store knows was acknowledged: a shortfall if
    /// acknowledged events are missing or different, or the log ends in bytes a crash cannot
    /// explain. Without a record, makes one from the log as it stands (synced first, so the
    /// record never names bytes that are not durable).
    pub(super) fn check_witness(&mut self, witness: &mut Witness) -> Result<Option<Shortfall>> {
        let head = self.head.clone();
        let torn = self.torn;
        let shortfall = |ack: &Acknowledged, diverged| Shortfall {
            log_seq: head.seq,
            acknowledged_seq: ack.seq,
            acknowledged_hash: ack.hash.clone(),
            diverged,
            torn,
        };
        if let Some(ack) = witness.last.clone() {
            if ack.seq > head.seq {
                return Ok(Some(shortfall(&ack, false)));
            }
            if ack.seq > 0 {
                let seq = ack.seq;
                let hash = self.confirmed(&format!("seq {seq}"), |inner| inner.hash_at(seq))?;
                if hash != ack.hash {
                    return Ok(Some(shortfall(&ack, true)));
                }
            }
            if self.torn.is_some() {
                return Ok(Some(shortfall(&ack, false)));
            }
            // The log may hold more than the record names (an append killed before its sync,
            // or between its sync and the record): that tail was never acknowledged here, so
            // it is left unguarded until an append acknowledges something after it. Syncing
            // it now would make a reader turn an unacknowledged event into a durable one.
            return Ok(None);
        } else if self.torn.is_some() {
            let ack = Acknowledged {
                seq: head.seq,
                hash: head.hash.clone(),
                len: self.log_len,
            };
            return Ok(Some(shortfall(&ack, false)));
        }
        // No record (a new store, one of an earlier version, or a damaged record): the log as it
        // stands is taken as acknowledged, once it is made durable.
        if head.seq > 0 {
            self.log.sync_data().map_err(|e| self.log_error(e))?;
        }
        witness.record(
            Acknowledged {
                seq: head.seq,
                hash: head.hash,
                len: self.log_len,
            },
            false,
        )?;
        Ok(None)
    }

    /// A failure reading or writing the log, naming it and what to do.
    pub(super) fn log_error(&self, e: std::io::Error) -> Failure {
        super::io_failure(&self.log_path, e)
    }

    /// The hash of event `seq` as the log has it (`Ok(Err)`: the index places it wrongly).
    pub(super) fn hash_at(&self, seq: u64) -> Result<std::result::Result<String, String>> {
        let place = self.index.place(seq)?;
        Ok(match self.read_line(place.offset, place.end) {
            Ok(e) if e.seq == seq => Ok(e.hash),
            _ => Err(format!("seq {seq} is not where the index says")),
        })
    }

    /// The head as the index has it, checked against the log (`None`: they disagree).
    pub(super) fn indexed_head(&self) -> Result<Option<Head>> {
        let seq = self.index.indexed_seq;
        if seq == 0 {
            return Ok((self.index.indexed_len == 0).then(empty_head));
        }
        let place = self.index.place(seq)?;
        if place.end != self.index.indexed_len || place.offset >= place.end {
            return Ok(None);
        }
        let Ok(event) = self.read_line(place.offset, place.end) else {
            return Ok(None);
        };
        Ok((event.seq == seq).then_some(Head {
            seq,
            hash: event.hash,
            recorded_at: Some(event.recorded_at),
        }))
    }

    /// Reads and parses the line at `offset..end` (which includes its newline).
    pub(super) fn read_line(&self, offset: u64, end: u64) -> Result<Event> {
        let len = end
            .checked_sub(offset)
            .filter(|l| *l >= 2 && end <= self.log_len)
            .ok_or_else(|| damaged(offset, "lies outside the log"))? as usize;
        let mut buf = vec![0; len];
        self.log
            .read_exact_at(&mut buf, offset)
            .map_err(|e| self.log_error(e))?;
        if buf.pop() != Some(b'\n') {
            return Err(damaged(offset, "does not end where the index says"));
        }
        line::parse_event(&buf).map_err(|e| damaged(offset, format_args!("is not an event: {e}")))
    }

    /// Calls `f(offset, end, line)` for each whole line from `from` to the log's end, in order,
    /// and cuts off a partial last line.
    pub(super) fn scan(
        &mut self,
        from: u64,
        mut f: impl FnMut(u64, u64, &[u8]) -> Result<()>,
    ) -> Result<()> {
        let mut buf: Vec<u8> = Vec::new();
        // Where buf[0] lies in the log.
        let mut base = from;
        let mut read_to = from;
        loop {
            let want = ((self.log_len - read_to) as usize).min(READ_CHUNK);
            let keep = buf.len();
            buf.resize(keep + want, 0);
            self.log
                .read_exact_at(&mut buf[keep..], read_to)
                .map_err(|e| self.log_error(e))?;
            read_to += want as u64;
            let mut at = 0;
            while let Some(len) = find_newline(&buf[at..]) {
                let offset = base + at as u64;
                f(offset, offset + len as u64 + 1, &buf[at..at + len])?;
                at += len + 1;
            }
            buf.drain(..at);
            base += at as u64;
            if read_to == self.log_len {
                break;
            }
        }
        if !buf.is_empty() {
            let len = buf.len() as u64;
            if base >= self.cut_floor && len <= MAX_TORN {
                // A write cut short by a crash: it was never acknowledged, so it goes.
                tracing::warn!(
                    offset = base,
                    bytes = len,
                    "dropping a partial event at the log's end"
                );
                self.log.set_len(base).map_err(|e| self.log_error(e))?;
                self.log.sync_data().map_err(|e| self.log_error(e))?;
            } else {
                // Not what a crash leaves: kept for the operator, and reported by the caller.
                self.torn = Some((base, len));
            }
            self.log_len = base;
        }
        Ok(())
    }

    /// Indexes the lines the index lacks (after a crash between the log's sync and the index
    /// update, or a write by another version).
    pub(super) fn catch_up(&mut self) -> Result<()> {
        let from = self.index.indexed_len;
        if from == self.log_len {
            return Ok(());
        }
        let mut entries: Vec<Entry> = Vec::new();
        let mut last: Option<Event> = None;
        let mut next_seq = self.index.indexed_seq + 1;
        self.scan(from, |offset, end, text| {
            let event = line::parse_event(text)
                .map_err(|e| damaged(offset, format_args!("is not an event: {e}")))?;
            if event.seq != next_seq {
                return Err(damaged(
                    offset,
                    format_args!("carries seq {} where {next_seq} was expected", event.seq),
                ));
            }
            next_seq += 1;
            entries.push(Entry {
                seq: event.seq,
                stream: event.stream.clone(),
                version: event.version,
                offset,
                end,
            });
            last = Some(event);
            Ok(())
        })?;
        if entries.is_empty() {
            return Ok(());
        }
        tracing::info!(events = entries.len(), "indexing the log's tail");
        for chunk in entries.chunks(65_536) {
            self.index.apply(chunk)?;
        }
        let last = last.expect("an event");
        self.head = Head {
            seq: last.seq,
            hash: last.hash,
            recorded_at: Some(last.recorded_at),
        };
        Ok(())
    }

    /// Rebuilds the whole index from the log.
    pub(super) fn rebuild(&mut self) -> Result<()> {
        let started = std::time::Instant::now();
        let mut builder = Builder::new();
        let mut last = None;
        self.scan(0, |offset, end, text| {
            let owned;
            let (seq, stream, version) = match line::parse_prefix(text) {
                Some(p) => p,
                None => {
                    owned = line::parse_event(text)
                        .map_err(|e| damaged(offset, format_args!("is not an event: {e}")))?;
                    (owned.seq, owned.stream.as_str(), owned.version)
                }
            };
            let want = builder.events() + 1;
            if seq != want {
                return Err(damaged(
                    offset,
                    format_args!("carries seq {seq} where {want} was expected"),
                ));
            }
            let want = builder.version(stream) + 1;
            if version != want {
                return Err(damaged(
                    offset,
                    format_args!("puts {stream} at version {version} where {want} was expected"),
                ));
            }
            builder.push(seq, stream, version, offset, end);
            last = Some((offset, end));
            Ok(())
        })?;
        let events = builder.events();
        self.index.install(builder)?;
        self.head = match last {
            Some((offset, end)) => {
                let event = self.read_line(offset, end)?;
                Head {
                    seq: event.seq,
                    hash: event.hash,
                    recorded_at: Some(event.recorded_at),
                }
            }
            None => empty_head(),
        };
        tracing::info!(events, elapsed = ?started.elapsed(), "rebuilt the store's index");
        Ok(())
    }

    /// Answers `ask` from the index, confirmed against the log: an answer the log contradicts,
    /// or an index that cannot be read, is never given; the index is rebuilt from the log and
    /// asked again, and only a second failure (the log itself damaged) is reported.
    pub(super) fn confirmed<T>(
        &mut self,
        what: &str,
        ask: impl Fn(&Inner) -> Result<std::result::Result<T, String>>,
    ) -> Result<T> {
        match ask(self) {
            Ok(Ok(answer)) => return Ok(answer),
            Ok(Err(why)) => {
                tracing::warn!("the index disagrees with the log ({why}); rebuilding it")
            }
            Err(e) => tracing::warn!("the index cannot be read ({}); rebuilding it", e.message),
        }
        self.rebuild()?;
        ask(self)?.map_err(|why| {
            Failure::integrity(format!("the log does not hold {what} whole: {why}")).with_detail(
                "run `concordat audit verify --file STORE/events.jsonl` to locate the damage",
            )
        })
    }

    /// The stream's version, checked against its last event in the log (a stale or damaged
    /// index would otherwise number the next event wrongly). A stream the index does not know
    /// is new only if the slot that says so is intact (every slot carries a check).
    pub(super) fn stream_version(&mut self, stream: &str) -> Result<u64> {
        self.confirmed(stream, |inner| {
            Ok(inner
                .checked_version(stream)?
                .ok_or_else(|| "its last event is not where the index says".to_string()))
        })
    }

    pub(super) fn checked_version(&self, stream: &str) -> Result<Option<u64>> {
        let Some(head) = self.index.stream(stream)? else {
            return Ok(Some(0));
        };
        if head.last_seq == 0 || head.last_seq > self.index.indexed_seq {
            return Ok(None);
        }
        let place = self.index.place(head.last_seq)?;
        Ok(match self.read_line(place.offset, place.end) {
            Ok(e) if e.seq == head.last_seq && e.stream == stream && e.version == head.version => {
                Some(head.version)
            }
            _ => None,
        })
    }

    /// Where event `from_seq` starts in the log, checked there (`Ok(Err)`: the index is wrong).
    pub(super) fn start_of(&self, from_seq: u64) -> Result<std::result::Result<u64, String>> {
        if from_seq <= 1 {
            return Ok(Ok(0));
        }
        let place = self.index.place(from_seq)?;
        Ok(match self.read_line(place.offset, place.end) {
            Ok(e)
                if e.seq == from_seq
                    && (place.offset == 0 || self.newline_before(place.offset)?) =>
            {
                Ok(place.offset)
            }
            _ => Err(format!("seq {from_seq} is not where the index says")),
        })
    }

    fn newline_before(&self, offset: u64) -> Result<bool> {
        let mut byte = [0u8; 1];
        self.log
            .read_exact_at(&mut byte, offset - 1)
            .map_err(|e| self.log_error(e))?;
        Ok(byte[0] == b'\n')
    }

    /// One stream's events, or `Ok(Err(why))` when the index and the log disagree.
    pub(super) fn read_stream(
        &self,
        stream: &str,
    ) -> Result<std::result::Result<Vec<Event>, String>> {
        let Some(head) = self.index.stream(stream)? else {
            return Ok(Ok(Vec::new()));
        };
        let mut events = Vec::with_capacity(head.version as usize);
        let (mut seq, mut version) = (head.last_seq, head.version);
        while seq != 0 {
            if version == 0 || seq > self.index.indexed_seq {
                return Ok(Err(format!("{stream} links past its first event")));
            }
            let place = self.index.place(seq)?;
            let event = match self.read_line(place.offset, place.end) {
                Ok(e) => e,
                Err(e) => return Ok(Err(e.message)),
            };
            if event.seq != seq || event.stream != stream || event.version != version {
                return Ok(Err(format!(
                    "the index places seq {seq} ({stream} version {version}) where the log has seq {}",
                    event.seq
                )));
            }
            events.push(event);
            if place.prev >= seq {
                return Ok(Err(format!("{stream} links forward from seq {seq}")));
            }
            seq = place.prev;
            version -= 1;
        }
        if version != 0 {
            return Ok(Err(format!(
                "{stream} is missing events before version {version}"
            )));
        }
        events.reverse();
        Ok(Ok(events))
    }

    pub(super) fn read_from(&mut self, from_seq: u64) -> Result<Vec<Event>> {
        let from_seq = from_seq.max(1);
        let mut events =
            Vec::with_capacity(self.index.indexed_seq.saturating_sub(from_seq - 1) as usize);
        self.each_chunk_from(from_seq, &mut |chunk| {
            events.extend(chunk);
            Ok(())
        })?;
        Ok(events)
    }

    /// Parses the log from `from_seq` to the indexed end a chunk at a time, checking the seqs
    /// follow on, and hands each chunk's events to `f` in order.
    pub(super) fn each_chunk_from(
        &mut self,
        from_seq: u64,
        f: &mut dyn FnMut(Vec<Event>) -> Result<()>,
    ) -> Result<()> {
        if from_seq > self.index.indexed_seq {
            return Ok(());
        }
        let start = self.confirmed(&format!("seq {from_seq}"), |inner| inner.start_of(from_seq))?;
        let end = self.index.indexed_len;
        let mut next_seq = from_seq;
        let mut at = start;
        let mut carry: Vec<u8> = Vec::new();
        while at < end {
            let want = ((end - at) as usize).min(READ_CHUNK);
            let keep = carry.len();
            carry.resize(keep + want, 0);
            self.log
                .read_exact_at(&mut carry[keep..], at)
                .map_err(|e| self.log_error(e))?;
            at += want as u64;
            let whole = match carry.iter().rposition(|b| *b == b'\n') {
                Some(p) => p + 1,
                None => continue,
            };
            let chunk_offset = at - carry.len() as u64;
            let events = parse_lines(&carry[..whole], chunk_offset)?;
            carry.drain(..whole);
            for event in &events {
                if event.seq != next_seq {
                    return Err(Failure::integrity(format!(
                        "the log has seq {} where {next_seq} was expected",
                        event.seq
                    ))
                    .with_detail(
                        "run `concordat audit verify --file STORE/events.jsonl` to locate the damage",
                    ));
                }
                next_seq += 1;
            }
            f(events)?;
        }
        if !carry.is_empty() {
            return Err(damaged(end - carry.len() as u64, "has no end"));
        }
        Ok(())
    }
}
