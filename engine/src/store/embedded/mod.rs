//! The embedded store: an append-only log file of our own (the authority, fdatasync'ed before an
//! append returns) with a small index of our own that can always be rebuilt from it.
//!
//! Why not sled alone: sled 0.34's `flush` uses `sync_file_range`, which does not flush the device
//! cache or file metadata, so "acknowledged" would not mean "survives power loss" (sled issue #1452).
//!
//! Why sled no longer indexes the log: every command is a process that opens the store, and opening sled
//! 0.34 costs 4–12 ms even when it is empty, ~130 ms at a million events (its recovery scans its
//! segments), plus ~30 ms to flush on close — against ~1 ms for a process start. The index here
//! (see `index.rs`) is a handful of fixed-width files read with `pread`: opening the store costs
//! a few system calls whatever its size, reading one stream costs a few reads per event, and the
//! whole index is ~16 bytes an event (sled's was as large as the log again). BENCHMARKS.md has the
//! numbers.
//!
//! Layout of a store directory: `lock` (who holds the store), `events.jsonl` (the log: one export
//! line per event, exactly what `audit export` prints), `idx/` (the index). A store written by the
//! sled-indexed version also has `index/` (sled); it is removed on first open. `snapshots/` (sled,
//! see `snapshots.rs`) holds rebuildable projection snapshots; it is opened only by a command that
//! asks for one, so the costs above fall only on those, and it can be deleted at any time.

mod boot;
mod index;
mod snapshots;

use super::access::{self, StoreAccess};
use super::{check_expectations, AppendRequest, EventStore, Head, OpenMode, StoreLock};
use crate::error::{Failure, Result};
use crate::event::{Event, ZERO_HASH};
use crate::line::{self, find_newline};
use crate::time::format_instant;
use async_trait::async_trait;
use index::{Builder, Entry, Index};
use snapshots::Snapshots;
pub use snapshots::SNAPSHOT_DIR;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// The authoritative log, one export line per event.
pub const LOG_FILE: &str = "events.jsonl";
/// Where the sled index of earlier versions lived.
const LEGACY_SLED_DIR: &str = "index";
/// Log bytes read at a time by scans and full reads.
const READ_CHUNK: usize = 8 << 20;

/// A store directory held by this process for as long as the value lives.
pub struct EmbeddedStore {
    dir: PathBuf,
    inner: Mutex<Inner>,
    /// The log's file (the same descriptor `Inner` writes through), for syncing outside `inner`.
    log: Arc<File>,
    /// Log bytes written so far (durable or not).
    written: AtomicU64,
    sync: Mutex<SyncState>,
    synced: Condvar,
    /// Projection snapshots (sled), opened on first use.
    snapshots: Snapshots,
    // Dropped last: the lock outlives every handle on the store's files.
    _lock: StoreLock,
}

/// Group commit: one thread syncs the log for every append written before it started.
#[derive(Debug, Default)]
struct SyncState {
    /// Log bytes known to be on the device.
    durable: u64,
    /// A thread is in `fdatasync` now.
    syncing: bool,
    /// An `fdatasync` failed: nothing more is acknowledged by this handle.
    failed: bool,
}

struct Inner {
    log: Arc<File>,
    log_len: u64,
    index: Index,
    head: Head,
    /// Why this handle accepts no more appends (a failed write or sync), if it does not.
    broken: Option<String>,
}

fn empty_head() -> Head {
    Head {
        seq: 0,
        hash: ZERO_HASH.into(),
        recorded_at: None,
    }
}

impl EmbeddedStore {
    /// Opens (or creates, private to its owner) the store in `dir`, holding its lock until dropped.
    pub fn open(dir: &Path, mode: OpenMode, busy_wait: Duration) -> Result<EmbeddedStore> {
        match mode {
            OpenMode::Existing => Self::open_with(dir, mode, busy_wait, &StoreAccess::Owner),
            OpenMode::Create => Self::create(dir, busy_wait, &StoreAccess::Owner),
        }
    }

    /// Creates a store in `dir` (new or empty) open to `access`, holding its lock until dropped.
    pub fn create(dir: &Path, busy_wait: Duration, access: &StoreAccess) -> Result<EmbeddedStore> {
        Self::open_with(dir, OpenMode::Create, busy_wait, access)
    }

    fn open_with(
        dir: &Path,
        mode: OpenMode,
        busy_wait: Duration,
        access: &StoreAccess,
    ) -> Result<EmbeddedStore> {
        let log_path = dir.join(LOG_FILE);
        match mode {
            OpenMode::Existing => {
                if !dir.join(LOG_FILE).exists() && !permission_denied(&log_path) {
                    return Err(Failure::usage(format!("there is no concordat store at {}", dir.display()))
                        .with_detail("create one with `concordat init PARTNERSHIP.toml`, or name an existing one with --store or CONCORDAT_STORE"));
                }
                access::check_can_open(dir, LOG_FILE)?;
            }
            OpenMode::Create => access::create_dir(dir, access, LOG_FILE)?,
        }
        access::adopt_umask(dir)?;
        let lock = StoreLock::acquire(dir, busy_wait)?;
        if mode == OpenMode::Create && log_path.exists() {
            return Err(Failure::conflict(format!(
                "a concordat store already exists at {}",
                dir.display()
            ))
            .with_detail("choose another --store directory, or use the store that is there"));
        }
        let log = OpenOptions::new()
            .create(mode == OpenMode::Create)
            .read(true)
            .append(true)
            .open(&log_path)?;
        if mode == OpenMode::Create {
            log.sync_all()?;
            File::open(dir)?.sync_all()?;
        }
        let legacy = dir.join(LEGACY_SLED_DIR);
        if legacy.is_dir() {
            tracing::info!("removing the sled index of an earlier version; the log is unchanged");
            if let Err(e) = std::fs::remove_dir_all(&legacy) {
                tracing::warn!("could not remove {}: {e}", legacy.display());
            }
        }
        let log = Arc::new(log);
        let mut inner = Inner {
            log_len: log.metadata()?.len(),
            log: Arc::clone(&log),
            index: Index::open(dir)?,
            head: empty_head(),
            broken: None,
        };
        inner.recover()?;
        let len = inner.log_len;
        Ok(EmbeddedStore {
            dir: dir.to_path_buf(),
            inner: Mutex::new(inner),
            log,
            written: AtomicU64::new(len),
            sync: Mutex::new(SyncState {
                durable: len,
                ..SyncState::default()
            }),
            synced: Condvar::new(),
            snapshots: Snapshots::new(dir),
            _lock: lock,
        })
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().expect("store mutex poisoned")
    }

    /// Returns once the log is durable up to `end`: the first thread to find no sync running
    /// syncs everything written so far, and every thread it covered returns with it.
    fn make_durable(&self, end: u64) -> Result<()> {
        let mut state = self.sync.lock().expect("sync mutex poisoned");
        loop {
            if state.durable >= end {
                return Ok(());
            }
            if state.failed {
                return Err(Failure::internal(
                    "the event log could not be made durable (fdatasync failed)",
                )
                .with_detail("the change was written but may not survive a power cut: check the disk, then look (`concordat audit log`) before running it again"));
            }
            if state.syncing {
                state = self.synced.wait(state).expect("sync mutex poisoned");
                continue;
            }
            state.syncing = true;
            drop(state);
            let target = self.written.load(Ordering::Acquire);
            let result = crate::failpoints::io_error("append::sync")
                .map_or_else(|| self.log.sync_data(), Err);
            state = self.sync.lock().expect("sync mutex poisoned");
            state.syncing = false;
            match result {
                Ok(()) => state.durable = state.durable.max(target),
                Err(e) => {
                    state.failed = true;
                    tracing::error!("fdatasync of the log failed: {e}");
                }
            }
            self.synced.notify_all();
        }
    }
}

/// Whether looking at `path` fails for want of permission (so the store may be there, but not for us).
fn permission_denied(path: &Path) -> bool {
    matches!(std::fs::symlink_metadata(path), Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied)
}

fn damaged(offset: u64, what: impl std::fmt::Display) -> Failure {
    Failure::integrity(format!("the log line at byte {offset} {what}"))
        .with_detail("run `concordat audit verify --file STORE/events.jsonl` to locate the damage")
}

/// Parses whole lines (each ending in `\n`), on several threads when there are many.
fn parse_lines(text: &[u8], first_offset: u64) -> Result<Vec<Event>> {
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
    fn recover(&mut self) -> Result<()> {
        if self.index.trusted && self.index.indexed_len <= self.log_len {
            match self.indexed_head() {
                Ok(Some(head)) => {
                    self.head = head;
                    return self.catch_up();
                }
                Ok(None) => tracing::warn!("the index does not match the log; rebuilding it"),
                Err(e) => tracing::warn!("the index cannot be read ({e}); rebuilding it"),
            }
        } else if self.index.trusted {
            tracing::warn!("the index covers more than the log; rebuilding it");
        }
        self.rebuild()
    }

    /// The head as the index has it, checked against the log (`None`: they disagree).
    fn indexed_head(&self) -> Result<Option<Head>> {
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
    fn read_line(&self, offset: u64, end: u64) -> Result<Event> {
        let len = end
            .checked_sub(offset)
            .filter(|l| *l >= 2 && end <= self.log_len)
            .ok_or_else(|| damaged(offset, "lies outside the log"))? as usize;
        let mut buf = vec![0; len];
        self.log.read_exact_at(&mut buf, offset)?;
        if buf.pop() != Some(b'\n') {
            return Err(damaged(offset, "does not end where the index says"));
        }
        line::parse_event(&buf).map_err(|e| damaged(offset, format_args!("is not an event: {e}")))
    }

    /// Calls `f(offset, end, line)` for each whole line from `from` to the log's end, in order,
    /// and cuts off a partial last line.
    fn scan(&mut self, from: u64, mut f: impl FnMut(u64, u64, &[u8]) -> Result<()>) -> Result<()> {
        let mut buf: Vec<u8> = Vec::new();
        // Where buf[0] lies in the log.
        let mut base = from;
        let mut read_to = from;
        loop {
            let want = ((self.log_len - read_to) as usize).min(READ_CHUNK);
            let keep = buf.len();
            buf.resize(keep + want, 0);
            self.log.read_exact_at(&mut buf[keep..], read_to)?;
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
            // A write cut short by a crash: it was never acknowledged, so it goes.
            tracing::warn!(
                offset = base,
                bytes = buf.len(),
                "dropping a partial event at the log's end"
            );
            self.log.set_len(base)?;
            self.log.sync_data()?;
            self.log_len = base;
        }
        Ok(())
    }

    /// Indexes the lines the index lacks (after a crash between the log's sync and the index
    /// update, or a write by another version).
    fn catch_up(&mut self) -> Result<()> {
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
    fn rebuild(&mut self) -> Result<()> {
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

    /// The stream's version, checked against its last event in the log (a stale index would
    /// otherwise number the next event wrongly); an index that disagrees is rebuilt.
    fn stream_version(&mut self, stream: &str) -> Result<u64> {
        match self.checked_version(stream)? {
            Some(v) => Ok(v),
            None => {
                tracing::warn!("the index disagrees with the log about {stream}; rebuilding it");
                self.rebuild()?;
                self.checked_version(stream)?.ok_or_else(|| {
                    Failure::integrity(format!("the log does not hold {stream} whole"))
                        .with_detail(
                            "run `concordat audit verify --file STORE/events.jsonl` to locate the damage",
                        )
                })
            }
        }
    }

    fn checked_version(&self, stream: &str) -> Result<Option<u64>> {
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

    /// One stream's events, or `Ok(Err(why))` when the index and the log disagree.
    fn read_stream(&self, stream: &str) -> Result<std::result::Result<Vec<Event>, String>> {
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

    fn read_from(&self, from_seq: u64) -> Result<Vec<Event>> {
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
    fn each_chunk_from(
        &self,
        from_seq: u64,
        f: &mut dyn FnMut(Vec<Event>) -> Result<()>,
    ) -> Result<()> {
        if from_seq > self.index.indexed_seq {
            return Ok(());
        }
        let start = self.index.place(from_seq)?.offset;
        let end = self.index.indexed_len;
        let mut next_seq = from_seq;
        let mut at = start;
        let mut carry: Vec<u8> = Vec::new();
        while at < end {
            let want = ((end - at) as usize).min(READ_CHUNK);
            let keep = carry.len();
            carry.resize(keep + want, 0);
            self.log.read_exact_at(&mut carry[keep..], at)?;
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

#[async_trait]
impl EventStore for EmbeddedStore {
    async fn append(&self, request: AppendRequest) -> Result<Vec<Event>> {
        let (events, end) = {
            let mut inner = self.inner();
            if let Some(why) = &inner.broken {
                return Err(Failure::internal(why.clone())
                    .with_detail("open the store again (a new command) to continue"));
            }
            let mut known: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
            for stream in request
                .expectations
                .iter()
                .map(|e| e.stream.as_str())
                .chain(request.events.iter().map(|e| e.stream.as_str()))
            {
                if !known.contains_key(stream) {
                    let version = inner.stream_version(stream)?;
                    known.insert(stream, version);
                }
            }
            check_expectations(&request.expectations, |s| Ok(known[s]))?;
            let now = super::recorded_second(request.now)?;
            let recorded = match &inner.head.recorded_at {
                Some(last) => {
                    let last: jiff::Timestamp = last
                        .parse()
                        .map_err(|e| Failure::internal(format!("head recorded_at: {e}")))?;
                    now.max(last)
                }
                None => now,
            };
            let recorded_at = format_instant(recorded, &request.tz);
            let mut versions: std::collections::HashMap<String, u64> =
                known.into_iter().map(|(s, v)| (s.to_string(), v)).collect();
            let mut prev_hash = inner.head.hash.clone();
            let mut seq = inner.head.seq;
            let mut bytes = Vec::new();
            let mut entries = Vec::with_capacity(request.events.len());
            let mut events = Vec::with_capacity(request.events.len());
            for new in request.events {
                if new.stream.len() > index::MAX_NAME {
                    return Err(Failure::usage("a stream name is longer than 16 MiB"));
                }
                let version = versions[&new.stream] + 1;
                versions.insert(new.stream.clone(), version);
                seq += 1;
                let event = Event::seal(new, seq, version, recorded_at.clone(), prev_hash);
                prev_hash = event.hash.clone();
                let offset = inner.log_len + bytes.len() as u64;
                bytes.extend_from_slice(event.to_line().as_bytes());
                bytes.push(b'\n');
                entries.push(Entry {
                    seq,
                    stream: event.stream.clone(),
                    version,
                    offset,
                    end: inner.log_len + bytes.len() as u64,
                });
                events.push(event);
            }
            if events.is_empty() {
                return Ok(Vec::new());
            }
            // One write; the fdatasync follows below, before anything is acknowledged.
            let written = crate::failpoints::write("append::write", &inner.log, &bytes)
                .unwrap_or_else(|| (&*inner.log).write_all(&bytes));
            if let Err(e) = written {
                // Nothing was acknowledged; cut back whatever reached the file so the log stays whole.
                let len = inner.log_len;
                if inner.log.set_len(len).is_err() {
                    inner.broken = Some(format!("a write to the event log failed: {e}"));
                }
                return Err(Failure::from(e).with_detail(
                    "nothing was recorded: check the disk (space, permissions), then run the command again",
                ));
            }
            inner.log_len += bytes.len() as u64;
            self.written.store(inner.log_len, Ordering::Release);
            crate::failpoints::crash("append::after-write");
            let indexed = crate::failpoints::io_error("append::index")
                .map_or_else(|| inner.index.apply(&entries), Err);
            if let Err(e) = indexed {
                // The log is whole; the index is marked dirty on disk and rebuilt at the next open.
                inner.broken = Some(format!("the store's index could not be updated: {e}"));
            }
            crate::failpoints::crash("append::after-index");
            let last = events.last().expect("an event");
            inner.head = Head {
                seq: last.seq,
                hash: last.hash.clone(),
                recorded_at: Some(last.recorded_at.clone()),
            };
            (events, inner.log_len)
        };
        self.make_durable(end)?;
        crate::failpoints::crash("append::after-sync");
        Ok(events)
    }

    async fn read_stream(&self, stream: &str) -> Result<Vec<Event>> {
        let mut inner = self.inner();
        match inner.read_stream(stream)? {
            Ok(events) => Ok(events),
            Err(why) => {
                tracing::warn!("the index disagrees with the log ({why}); rebuilding it");
                inner.rebuild()?;
                inner.read_stream(stream)?.map_err(|why| {
                    Failure::integrity(format!("the log does not hold {stream} whole: {why}"))
                        .with_detail(
                            "run `concordat audit verify --file STORE/events.jsonl` to locate the damage",
                        )
                })
            }
        }
    }

    async fn read_from(&self, from_seq: u64) -> Result<Vec<Event>> {
        self.inner().read_from(from_seq)
    }

    async fn for_each_from(
        &self,
        from_seq: u64,
        f: &mut (dyn FnMut(Event) -> Result<()> + Send),
    ) -> Result<()> {
        self.inner()
            .each_chunk_from(from_seq.max(1), &mut |events| {
                events.into_iter().try_for_each(&mut *f)
            })
    }

    async fn export_lines(
        &self,
        from_seq: u64,
        out: &mut (dyn std::io::Write + Send),
    ) -> Result<u64> {
        let inner = self.inner();
        let from_seq = from_seq.max(1);
        if from_seq > inner.index.indexed_seq {
            return Ok(0);
        }
        let mut at = inner.index.place(from_seq)?.offset;
        let end = inner.index.indexed_len;
        let mut buf = vec![0u8; (1 << 20).min((end - at) as usize)];
        while at < end {
            let n = ((end - at) as usize).min(buf.len());
            inner.log.read_exact_at(&mut buf[..n], at)?;
            out.write_all(&buf[..n])?;
            at += n as u64;
        }
        out.flush()?;
        Ok(inner.index.indexed_seq - from_seq + 1)
    }

    async fn streams(&self, prefix: &str) -> Result<Vec<String>> {
        Ok(self.inner().index.streams(prefix)?)
    }

    async fn stream_version(&self, stream: &str) -> Result<u64> {
        self.inner().stream_version(stream)
    }

    async fn head(&self) -> Result<Head> {
        Ok(self.inner().head.clone())
    }

    async fn load_snapshot(&self, key: &str) -> Result<Option<(u64, Vec<u8>)>> {
        Ok(self
            .snapshots
            .load(key, || snapshots::log_identity(&self.log)))
    }

    async fn save_snapshot(&self, key: &str, version: u64, bytes: &[u8]) -> Result<()> {
        self.snapshots
            .save(key, version, bytes, || snapshots::log_identity(&self.log));
        Ok(())
    }

    async fn close(&self) -> Result<()> {
        // Acknowledged events are durable and the index is written through as it changes;
        // snapshots are flushed only if this handle wrote any.
        self.snapshots.close();
        Ok(())
    }

    async fn set_access(&self, access: &StoreAccess) -> Result<()> {
        access::share(&self.dir, access)
    }

    fn location(&self) -> String {
        self.dir.display().to_string()
    }
}

#[cfg(test)]
mod snapshot_tests;
#[cfg(test)]
mod tests;
