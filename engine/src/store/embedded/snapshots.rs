//! Projection snapshots in sled (`STORE/snapshots/`): a value folded from one stream, stored with
//! the stream version it covers, so a reader folds only the events after it.
//!
//! Everything here is rebuildable from the log: deleting the directory loses nothing. So sled is
//! opened lazily (commands that never ask pay nothing), never flushed on the acknowledgement path
//! (sled 0.34's flush is not a durability barrier anyway, issue #1452), flushed on close only if
//! written, and any failure to open or read it is a miss, never an error of the command.
//!
//! Value layout: one envelope byte ([`ENVELOPE`]), the stream version (u64, big-endian), the
//! first 8 bytes of the SHA-256 of the version and the caller's bytes, the caller's bytes. A
//! value whose digest does not match is damaged: a miss, never an answer. The tree also holds [`IDENTITY_KEY`]: a digest of the log's first line and the
//! boot id, so snapshots of another log (a store re-created in the same directory), or made before
//! a reboot (which may have folded events a power cut then took away), are dropped, not trusted.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

/// The snapshot database's directory inside a store.
pub const SNAPSHOT_DIR: &str = "snapshots";
/// The layout of a stored value; another byte is an undecodable (absent) snapshot.
const ENVELOPE: u8 = 2;
/// The key of the log identity (a key no stream name can take: streams are never empty).
const IDENTITY_KEY: &[u8] = b"";

/// The lazily opened snapshot database of one store handle.
pub(super) struct Snapshots {
    dir: PathBuf,
    db: Mutex<State>,
    written: AtomicBool,
    /// Bytes saved since the last flush (see [`FLUSH_EVERY_BYTES`]).
    unflushed: AtomicU64,
}

/// A handle that has saved this many bytes since it last flushed flushes: sled holds what was
/// written in memory until then (a projection saved as 20,000 values would otherwise stay whole).
pub const FLUSH_EVERY_BYTES: u64 = 4 * 1024 * 1024;

enum State {
    /// Not asked for yet.
    Closed,
    Open(sled::Db),
    /// Opening failed (e.g. sled's lock still held): this handle works without snapshots.
    Unavailable,
}

impl Snapshots {
    /// Snapshots under `store_dir`; nothing is opened yet.
    pub(super) fn new(store_dir: &Path) -> Snapshots {
        Snapshots {
            dir: store_dir.join(SNAPSHOT_DIR),
            db: Mutex::new(State::Closed),
            written: AtomicBool::new(false),
            unflushed: AtomicU64::new(0),
        }
    }

    /// Whether sled has been opened by this handle.
    #[cfg(test)]
    pub(super) fn is_open(&self) -> bool {
        matches!(*self.db.lock().expect("snapshot mutex"), State::Open(_))
    }

    /// Stores `value` under `key` as it is, to test what a damaged value reads as.
    #[cfg(test)]
    pub(super) fn put_raw(&self, key: &str, value: &[u8]) {
        if let State::Open(db) = &*self.db.lock().expect("snapshot mutex") {
            db.insert(key.as_bytes(), value).expect("insert");
        }
    }

    /// The database, opened on first use; `identity` is the digest of the log's first line.
    fn db(&self, identity: impl FnOnce() -> Vec<u8>) -> Option<sled::Db> {
        let mut state = self.db.lock().expect("snapshot mutex poisoned");
        if let State::Closed = *state {
            *state = match open_checked(&self.dir, &identity()) {
                Ok(db) => State::Open(db),
                Err(e) => {
                    tracing::warn!("projection snapshots unavailable ({e}); folding from the log");
                    State::Unavailable
                }
            };
        }
        match &*state {
            State::Open(db) => Some(db.clone()),
            _ => None,
        }
    }

    /// The snapshot under `key`: the stream version it covers and its bytes (None: absent or undecodable).
    pub(super) fn load(
        &self,
        key: &str,
        identity: impl FnOnce() -> Vec<u8>,
    ) -> Option<(u64, Vec<u8>)> {
        let db = self.db(identity)?;
        let value = match db.get(key.as_bytes()) {
            Ok(v) => v?,
            Err(e) => {
                tracing::warn!("reading snapshot {key}: {e}");
                return None;
            }
        };
        decode(&value)
    }

    /// Stores the snapshot of `key` at stream `version` (not flushed: see the module doc).
    pub(super) fn save(
        &self,
        key: &str,
        version: u64,
        bytes: &[u8],
        identity: impl FnOnce() -> Vec<u8>,
    ) {
        if key.is_empty() {
            return;
        }
        let Some(db) = self.db(identity) else { return };
        let mut value = Vec::with_capacity(17 + bytes.len());
        value.push(ENVELOPE);
        value.extend_from_slice(&version.to_be_bytes());
        value.extend_from_slice(&digest(version, bytes));
        value.extend_from_slice(bytes);
        let size = value.len() as u64;
        match db.insert(key.as_bytes(), value) {
            Ok(_) => self.written.store(true, Ordering::Release),
            Err(e) => tracing::warn!("saving snapshot {key}: {e}"),
        }
        if self.unflushed.fetch_add(size, Ordering::AcqRel) + size >= FLUSH_EVERY_BYTES {
            self.unflushed.store(0, Ordering::Release);
            if let Err(e) = db.flush() {
                tracing::warn!("flushing projection snapshots: {e}");
            }
        }
    }

    /// Flushes what this handle wrote (if anything) and releases sled (its lock and files).
    pub(super) fn close(&self) {
        let state = std::mem::replace(
            &mut *self.db.lock().expect("snapshot mutex poisoned"),
            State::Closed,
        );
        if let State::Open(db) = state {
            if self.written.swap(false, Ordering::AcqRel) {
                if let Err(e) = db.flush() {
                    tracing::warn!("flushing projection snapshots: {e}");
                }
            }
        }
    }
}

/// The digest identifying a log by its first line (empty log: the digest of nothing) and this
/// boot: snapshots made in another boot are dropped, since they may fold events that were in the
/// page cache, never synced, and lost with it in a power cut.
pub(super) fn log_identity(log: &std::fs::File) -> Vec<u8> {
    use std::os::unix::fs::FileExt;
    let mut first = Vec::new();
    let mut buf = vec![0u8; 64 << 10];
    let mut offset = 0u64;
    while first.len() < (16 << 20) {
        let n = match log.read_at(&mut buf, offset) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        match crate::line::find_newline(&buf[..n]) {
            Some(i) => {
                first.extend_from_slice(&buf[..i]);
                break;
            }
            None => first.extend_from_slice(&buf[..n]),
        }
        offset += n as u64;
    }
    let mut identity = Sha256::digest(&first).to_vec();
    identity.extend_from_slice(&super::boot::boot_id());
    identity
}

fn digest(version: u64, bytes: &[u8]) -> [u8; 8] {
    let mut hasher = Sha256::new();
    hasher.update(version.to_be_bytes());
    hasher.update(bytes);
    hasher.finalize()[..8].try_into().expect("8 bytes")
}

fn decode(value: &[u8]) -> Option<(u64, Vec<u8>)> {
    if value.len() < 17 || value[0] != ENVELOPE {
        return None;
    }
    let version = u64::from_be_bytes(value[1..9].try_into().ok()?);
    let bytes = &value[17..];
    if value[9..17] != digest(version, bytes) {
        tracing::warn!("a projection snapshot is damaged; folding from the log");
        return None;
    }
    Some((version, bytes.to_vec()))
}

/// sled's page cache, in bytes. Its default (1 GiB) lets one command's reads of large saved
/// values grow the process without bound; the projections read each value once per command.
pub const SNAPSHOT_CACHE_BYTES: u64 = 16 * 1024 * 1024;

fn open_sled(dir: &Path) -> sled::Result<sled::Db> {
    // No background flusher: nothing here needs to reach the disk before `close`.
    sled::Config::new()
        .path(dir)
        .cache_capacity(SNAPSHOT_CACHE_BYTES)
        .flush_every_ms(None)
        .open()
}

/// Whether `dir` and everything in it are plain files and directories, not links (sled opens
/// its files following links; in a shared store a member could point one at another's file).
fn free_of_links(dir: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(dir) else {
        return true; // absent: sled creates it
    };
    if !meta.is_dir() {
        return false;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().all(|entry| match entry.file_type() {
        Ok(t) if t.is_dir() => free_of_links(&entry.path()),
        Ok(t) => t.is_file(),
        Err(_) => false,
    })
}

/// Opens the database, rebuilding it empty if it is damaged, holds links, or belongs to another log.
fn open_checked(dir: &Path, identity: &[u8]) -> sled::Result<sled::Db> {
    if !free_of_links(dir) {
        tracing::warn!(
            "{} holds a link or a foreign file; starting the snapshots afresh",
            dir.display()
        );
        // remove_dir_all removes links themselves, never what they point to.
        if std::fs::remove_dir_all(dir).is_err() {
            std::fs::remove_file(dir)?;
        }
    }
    let db = match open_sled(dir) {
        Ok(db) => db,
        Err(sled::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {
            return Err(sled::Error::Io(e));
        }
        Err(e) => {
            tracing::warn!("projection snapshots damaged ({e}); starting them afresh");
            let _ = std::fs::remove_dir_all(dir);
            open_sled(dir)?
        }
    };
    let stored = db.get(IDENTITY_KEY)?;
    if stored.as_deref() != Some(identity) {
        if stored.is_some() || !db.is_empty() {
            tracing::info!("projection snapshots belong to another log; dropping them");
            db.clear()?;
        }
        db.insert(IDENTITY_KEY, identity)?;
    }
    Ok(db)
}
