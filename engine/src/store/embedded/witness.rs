//! `STORE/acknowledged`: the last event the store knows was durable, so that a log found shorter
//! (or different) is refused instead of silently answered from.
//!
//! Why this file and not the index's meta: the meta is written *before* the log's `fdatasync`
//! and never synced on the append path, so after a power cut it may name events that never
//! reached the disk and were never acknowledged; it cannot prove anything was. This record is
//! written only *after* the `fdatasync` of the log has returned, so whatever of it reaches the
//! disk names bytes that were already durable: it need not be synced itself to be honest. A
//! power cut may lose its latest write (it then names an earlier event, and only the events
//! after that are unguarded); a torn write fails its checksum and is treated as absent. It is
//! synced only where it must move backwards (`store accept-loss`).
//!
//! Layout, 64 bytes: magic, seq, log length, the event's hash (32 raw bytes), FNV-1a checksum.

use crate::error::{Failure, Result};
use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// The file's name inside the store.
pub const WITNESS_FILE: &str = "acknowledged";
const MAGIC: &[u8; 8] = b"CCDACK01";
const LEN: usize = 64;

/// An event known to have been durable: its seq, hash, and where its line ended in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledged {
    pub seq: u64,
    pub hash: String,
    pub len: u64,
}

/// The open record of what was acknowledged.
pub(super) struct Witness {
    file: File,
    path: PathBuf,
    /// What the file says (None: a new store, a store of an earlier version, or a damaged record).
    pub last: Option<Acknowledged>,
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

impl Witness {
    /// Opens (creating) the record in `store_dir`, never through a link: a link found there is
    /// removed (its target untouched) and the record starts afresh.
    pub(super) fn open(store_dir: &Path) -> Result<Witness> {
        let path = store_dir.join(WITNESS_FILE);
        let open = || {
            OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .custom_flags(nix::libc::O_NOFOLLOW)
                .open(&path)
        };
        let file = match open() {
            Err(e) if e.raw_os_error() == Some(nix::libc::ELOOP) => {
                tracing::warn!("{} is a link; replacing it", path.display());
                std::fs::remove_file(&path).map_err(|e| cannot(&path, e))?;
                open()
            }
            other => other,
        }
        .map_err(|e| cannot(&path, e))?;
        let mut buf = [0u8; LEN];
        let last = match file.read_exact_at(&mut buf, 0) {
            Ok(()) => decode(&buf),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => None,
            Err(e) => return Err(cannot(&path, e)),
        };
        if last.is_none() && file.metadata().map_err(|e| cannot(&path, e))?.len() > 0 {
            tracing::warn!(
                "{} is damaged; what was acknowledged is taken from the log as it stands",
                path.display()
            );
        }
        Ok(Witness { file, path, last })
    }

    /// Records `ack` (after the log was synced up to it); `sync` when the record moves back.
    pub(super) fn record(&mut self, ack: Acknowledged, sync: bool) -> Result<()> {
        let mut buf = [0u8; LEN];
        buf[..8].copy_from_slice(MAGIC);
        buf[8..16].copy_from_slice(&ack.seq.to_le_bytes());
        buf[16..24].copy_from_slice(&ack.len.to_le_bytes());
        let hash = hex::decode(&ack.hash)
            .ok()
            .filter(|h| h.len() == 32)
            .ok_or_else(|| Failure::internal(format!("not a SHA-256 hash: {}", ack.hash)))?;
        buf[24..56].copy_from_slice(&hash);
        let sum = checksum(&buf[..56]);
        buf[56..].copy_from_slice(&sum.to_le_bytes());
        self.file
            .write_all_at(&buf, 0)
            .and_then(|()| if sync { self.file.sync_data() } else { Ok(()) })
            .map_err(|e| cannot(&self.path, e))?;
        self.last = Some(ack);
        Ok(())
    }
}

fn decode(buf: &[u8; LEN]) -> Option<Acknowledged> {
    if &buf[..8] != MAGIC || buf[56..] != checksum(&buf[..56]).to_le_bytes() {
        return None;
    }
    let word = |i: usize| u64::from_le_bytes(buf[i..i + 8].try_into().expect("8 bytes"));
    Some(Acknowledged {
        seq: word(8),
        len: word(16),
        hash: hex::encode(&buf[24..56]),
    })
}

fn cannot(path: &Path, e: io::Error) -> Failure {
    Failure::internal(format!("cannot read or write {}: {e}", path.display())).with_detail(
        "check the disk and the file's permissions (it must be a plain file of the store's owner or group)",
    )
}

/// What the store knows is missing from (or different in) its log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfall {
    /// The log's last whole event.
    pub log_seq: u64,
    /// The last event known to have been acknowledged, and its hash.
    pub acknowledged_seq: u64,
    pub acknowledged_hash: String,
    /// The log holds event `acknowledged_seq` but with another hash: it was rewritten.
    pub diverged: bool,
    /// Bytes at the log's end that are no whole event (offset, length), when a crash cannot
    /// explain them (they start inside what was acknowledged, or are too long).
    pub torn: Option<(u64, u64)>,
}

impl Shortfall {
    /// The missing seqs, if any, as `first..=last`.
    pub fn missing(&self) -> Option<(u64, u64)> {
        (!self.diverged && self.acknowledged_seq > self.log_seq)
            .then_some((self.log_seq + 1, self.acknowledged_seq))
    }

    /// One plain sentence saying what is wrong.
    pub fn describe(&self) -> String {
        let mut what = if self.diverged {
            format!(
                "the log's event {} is not the one acknowledged (hash {}): the log was rewritten",
                self.acknowledged_seq, self.acknowledged_hash
            )
        } else if let Some((first, last)) = self.missing() {
            let seqs = if first == last {
                format!("seq {first} was")
            } else {
                format!("seqs {first} to {last} were")
            };
            format!(
                "the log ends at seq {}, but {seqs} acknowledged (the last with hash {}): acknowledged events are missing",
                self.log_seq, self.acknowledged_hash
            )
        } else {
            format!("the log ends at seq {}", self.log_seq)
        };
        if let Some((offset, len)) = self.torn {
            what += &format!(
                "; it ends in {len} bytes from byte {offset} that are no whole event and not the tail of an unacknowledged append"
            );
        }
        what
    }

    /// The integrity failure (exit 6) a command other than the audit and repair ones gives.
    pub fn failure(&self, dir: &Path) -> Failure {
        let restore = "restore the missing events from an export or a copy of the log made before the loss: `concordat store restore --from FILE`";
        let failure = Failure::integrity(format!("{}: {}", dir.display(), self.describe()));
        if self.diverged {
            return failure.with_detail("`concordat audit verify` and `audit export` still run; restore the store from an export (`concordat store copy --from EXPORT.jsonl --to NEW-STORE`) and compare it with published heads");
        }
        failure.with_detail(restore).with_detail(format!(
            "or, if they cannot be found, accept the loss on the record: `concordat store accept-loss --after {}`",
            self.log_seq
        ))
    }
}
