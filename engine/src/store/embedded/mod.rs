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
//! asks for one, so the costs above fall only on those, and it can be deleted at any time. So can
//! the `snapshot.*` files (`small_snapshots.rs`): small snapshots a command reads without sled.

mod boot;
mod index;
mod reader;
mod repair;
mod small_snapshots;
mod snapshots;
mod witness;

use super::access::{self, StoreAccess};
use super::{check_expectations, AppendRequest, EventStore, Head, OpenMode, StoreLock};
use crate::error::{Failure, Result};
use crate::event::{Event, ZERO_HASH};
use crate::time::format_instant;
use async_trait::async_trait;
use index::{Entry, Index};
pub use small_snapshots::SMALL_SNAPSHOT_PREFIX;
use snapshots::Snapshots;
pub use snapshots::SNAPSHOT_DIR;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use witness::{Acknowledged, Witness};
pub use witness::{Shortfall, WITNESS_FILE};

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
    /// The record of the last event known to be durable (see `witness.rs`).
    witness: Mutex<Witness>,
    /// The next record moves backwards (an accepted loss), so it is synced.
    sync_witness: AtomicBool,
    /// What the log lacks, when it was opened despite a loss (reads only until it is resolved).
    shortfall: Mutex<Option<Shortfall>>,
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
    /// Where the log must end at least (the acknowledged length): a partial last line that
    /// starts before it is damage, not a crash's torn tail, and is never cut off.
    cut_floor: u64,
    /// Bytes at the log's end that are no whole event and were left in place (offset, length).
    torn: Option<(u64, u64)>,
    /// The log's path, for messages.
    log_path: PathBuf,
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
    /// A log that lacks acknowledged events is refused (integrity, exit 6).
    pub fn open(dir: &Path, mode: OpenMode, busy_wait: Duration) -> Result<EmbeddedStore> {
        match mode {
            OpenMode::Existing => Self::open_with(dir, mode, busy_wait, &StoreAccess::Owner, false),
            OpenMode::Create => Self::create(dir, busy_wait, &StoreAccess::Owner),
        }
    }

    /// Opens an existing store even if its log lacks acknowledged events: reads answer from
    /// what is there, appends are refused, and [`EventStore::shortfall`] says what is missing
    /// (for `audit verify`/`export`, `store restore` and `store accept-loss`).
    pub fn open_despite_loss(dir: &Path, busy_wait: Duration) -> Result<EmbeddedStore> {
        Self::open_with(
            dir,
            OpenMode::Existing,
            busy_wait,
            &StoreAccess::Owner,
            true,
        )
    }

    /// Creates a store in `dir` (new or empty) open to `access`, holding its lock until dropped.
    pub fn create(dir: &Path, busy_wait: Duration, access: &StoreAccess) -> Result<EmbeddedStore> {
        Self::open_with(dir, OpenMode::Create, busy_wait, access, false)
    }

    fn open_with(
        dir: &Path,
        mode: OpenMode,
        busy_wait: Duration,
        access: &StoreAccess,
        despite_loss: bool,
    ) -> Result<EmbeddedStore> {
        let log_path = dir.join(LOG_FILE);
        match mode {
            OpenMode::Existing => {
                if !dir.join(LOG_FILE).exists() && !permission_denied(&log_path) {
                    return Err(Failure::usage(format!(
                        "there is no concordat store at {}",
                        dir.display()
                    ))
                    .with_remedy(crate::remedy::StoreRemedy::CreateOrName { database: false }));
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
            .with_remedy(crate::remedy::StoreRemedy::OtherStoreDirectory));
        }
        let log = open_log(&log_path, mode)?;
        if mode == OpenMode::Create {
            log.sync_all().map_err(|e| io_failure(&log_path, e))?;
            File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| io_failure(dir, e))?;
        }
        let legacy = dir.join(LEGACY_SLED_DIR);
        if legacy.is_dir() {
            tracing::info!("removing the sled index of an earlier version; the log is unchanged");
            if let Err(e) = std::fs::remove_dir_all(&legacy) {
                tracing::warn!("could not remove {}: {e}", legacy.display());
            }
        }
        let log = Arc::new(log);
        let mut witness = Witness::open(dir)?;
        let index_dir = dir.join(index::INDEX_DIR);
        let mut inner = Inner {
            log_len: log.metadata().map_err(|e| io_failure(&log_path, e))?.len(),
            log: Arc::clone(&log),
            index: Index::open(dir).map_err(|e| {
                io_failure(&index_dir, e).with_detail(
                    "the index is rebuildable: if it stays unreadable, remove STORE/idx and run the command again",
                )
            })?,
            head: empty_head(),
            broken: None,
            cut_floor: witness.last.as_ref().map_or(0, |a| a.len),
            torn: None,
            log_path: log_path.clone(),
        };
        inner.recover()?;
        let shortfall = inner.check_witness(&mut witness)?;
        if let Some(s) = &shortfall {
            if !despite_loss {
                return Err(s.failure(dir));
            }
            // The caller (an audit or repair command) says so itself.
            inner.broken = Some(s.describe());
        }
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
            witness: Mutex::new(witness),
            sync_witness: AtomicBool::new(false),
            shortfall: Mutex::new(shortfall),
            _lock: lock,
        })
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Records that `ack` is durable (called after the log's sync), unless a later one is.
    fn acknowledge(&self, ack: Acknowledged) {
        let mut witness = self.witness.lock().expect("witness mutex poisoned");
        if witness.last.as_ref().is_some_and(|a| a.seq >= ack.seq) {
            return;
        }
        let sync = self.sync_witness.swap(false, Ordering::AcqRel);
        if let Err(e) = witness.record(ack, sync) {
            // The append is durable; only the guard against a later loss of it lags.
            tracing::warn!("{e}");
        }
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
                .with_detail(
                    "the change was written but may not survive a power cut: check the disk",
                )
                .with_remedy(crate::remedy::StoreRemedy::LookBeforeRetry));
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

/// Opens the log to read and append, never through a link (whose target a recovery would
/// otherwise truncate).
fn open_log(path: &Path, mode: OpenMode) -> Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .create(mode == OpenMode::Create)
        .read(true)
        .append(true)
        .custom_flags(nix::libc::O_NOFOLLOW)
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(nix::libc::ELOOP) {
                Failure::integrity(format!(
                    "{} is a symbolic link: the store's log must be a plain file inside the store",
                    path.display()
                ))
                .with_detail("nothing was read or changed; put the file it points to in its place (mv TARGET STORE/events.jsonl), then run the command again")
            } else {
                io_failure(path, e)
            }
        })
}

/// An I/O failure naming the file and what to do about it.
pub(crate) fn io_failure(path: &Path, e: std::io::Error) -> Failure {
    let hint = match e.kind() {
        std::io::ErrorKind::PermissionDenied => "check that this account may read and write it (the store's owner, or a member of its store_group)",
        std::io::ErrorKind::StorageFull => "the disk is full: free some space, then run the command again",
        _ => "check the disk (dmesg, df) and the file, then run the command again",
    };
    Failure::internal(format!("{}: {e}", path.display())).with_detail(hint)
}

/// Whether looking at `path` fails for want of permission (so the store may be there, but not for us).
fn permission_denied(path: &Path) -> bool {
    matches!(std::fs::symlink_metadata(path), Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied)
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
            if let Some((base, _)) = inner.torn {
                // An accepted loss: the bytes after the last whole event go before anything follows it.
                let path = self.dir.join(LOG_FILE);
                inner.log.set_len(base).map_err(|e| io_failure(&path, e))?;
                inner.torn = None;
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
                let log = self.dir.join(LOG_FILE);
                return Err(Failure::internal(format!(
                    "nothing was recorded: writing {} failed: {e}",
                    log.display()
                ))
                .with_detail(
                    "check the disk (space: df; permissions), then run the command again",
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
        let last = events.last().expect("an event");
        self.acknowledge(Acknowledged {
            seq: last.seq,
            hash: last.hash.clone(),
            len: end,
        });
        crate::failpoints::crash("append::after-sync");
        Ok(events)
    }

    async fn read_stream(&self, stream: &str) -> Result<Vec<Event>> {
        self.inner()
            .confirmed(stream, |inner| inner.read_stream(stream))
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
        let mut inner = self.inner();
        let from_seq = from_seq.max(1);
        if from_seq > inner.index.indexed_seq {
            return Ok(0);
        }
        let mut at =
            inner.confirmed(&format!("seq {from_seq}"), |inner| inner.start_of(from_seq))?;
        let end = inner.index.indexed_len;
        let mut buf = vec![0u8; (1 << 20).min((end - at) as usize)];
        while at < end {
            let n = ((end - at) as usize).min(buf.len());
            inner
                .log
                .read_exact_at(&mut buf[..n], at)
                .map_err(|e| inner.log_error(e))?;
            out.write_all(&buf[..n])?;
            at += n as u64;
        }
        out.flush()?;
        Ok(inner.index.indexed_seq - from_seq + 1)
    }

    async fn streams(&self, prefix: &str) -> Result<Vec<String>> {
        self.inner().confirmed("the stream names", |inner| {
            Ok(Ok(inner.index.streams(prefix)?))
        })
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

    async fn load_small_snapshot(&self, key: &str) -> Result<Option<(u64, Vec<u8>)>> {
        Ok(small_snapshots::load(&self.dir, key, || {
            snapshots::log_identity(&self.log)
        }))
    }

    async fn save_small_snapshot(&self, key: &str, version: u64, bytes: &[u8]) -> Result<()> {
        let identity = snapshots::log_identity(&self.log);
        small_snapshots::save(&self.dir, key, version, bytes, &identity);
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

    fn shortfall(&self) -> Option<Shortfall> {
        self.shortfall.lock().expect("shortfall mutex").clone()
    }
}

#[cfg(test)]
mod defence_tests;
#[cfg(test)]
mod small_snapshot_tests;
#[cfg(test)]
mod snapshot_tests;
#[cfg(test)]
mod tests;
