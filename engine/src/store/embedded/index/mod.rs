//! The embedded store's index: small fixed-width files of our own under `STORE/idx/`, read with
//! `pread` and written with `pwrite`, never the authority and always rebuildable from the log.
//!
//! - `seqs`: 16 bytes per event, at `(seq - 1) * 16`: the byte offset of its line in the log and
//!   the seq of the event before it in the same stream (0 for a stream's first event). A line ends
//!   where the next one starts (the last indexed one at `indexed_len`).
//! - `streams`: an open-addressing hash table of 32-byte buckets (FNV-1a hash, where the name
//!   lies in `names`, the stream's version and its last seq), at most half full.
//! - `names`: the stream names, each once (`u32` length, then the bytes); and under `ns/`, the
//!   same records split by namespace (a name up to its first `-`, as in `proposal-`), so that
//!   listing one namespace does not read every name.
//! - `meta`: 64 bytes: how much of the log is indexed (bytes and seq), flags, the boot it was
//!   written in, a checksum.
//!
//! Crash safety without syncing the index: before changing anything the meta is marked dirty,
//! and only once every change is written is it rewritten clean with the new high-water mark. A
//! process killed in between leaves a dirty meta, and the next open rebuilds. The page cache
//! survives a killed process but not a power loss, which may persist index pages in any order:
//! so an index last written during another boot (`/proc/sys/kernel/random/boot_id`) is trusted
//! only if it was synced after its last change (as a rebuild leaves it); otherwise it is rebuilt.

mod builder;
mod table;
#[cfg(test)]
mod tests;

pub use builder::Builder;
#[cfg(test)]
pub use table::reseal_bucket;
use table::Table;

use super::boot::boot_id;
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// The index directory inside the store.
pub const INDEX_DIR: &str = "idx";
const META: &str = "meta";
const SEQS: &str = "seqs";
const STREAMS: &str = "streams";
const NAMES: &str = "names";
const NAMESPACES: &str = "ns";

const META_MAGIC: &[u8; 8] = b"CCDIDX01";
const META_LEN: usize = 64;
const FLAG_DIRTY: u64 = 1;
const FLAG_SYNCED: u64 = 2;

/// Bytes per event in `seqs`.
const RECORD: u64 = 16;
/// Names are stored with a 24-bit length.
pub const MAX_NAME: usize = (1 << 24) - 1;

/// One event as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: u64,
    pub stream: String,
    pub version: u64,
    /// The byte offset of its line in the log.
    pub offset: u64,
    /// Where its line (with the newline) ends.
    pub end: u64,
}

/// A stream's head in the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamHead {
    pub version: u64,
    pub last_seq: u64,
}

/// Where one event's line lies, and the event before it in its stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub offset: u64,
    pub end: u64,
    pub prev: u64,
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h.max(1)
}

/// The open index. Every method leaves it consistent or marked dirty on disk.
pub struct Index {
    dir: PathBuf,
    meta: File,
    seqs: File,
    table: Table,
    /// The log bytes and events the index covers.
    pub indexed_len: u64,
    pub indexed_seq: u64,
    /// Whether the files on disk can be believed (decided at open).
    pub trusted: bool,
    dirty_on_disk: bool,
    /// The whole index in memory, when it could not be written to disk (a full disk): reads
    /// are served from here, and the files stay marked dirty so the next open rebuilds them.
    mem: Option<Builder>,
}

/// Whether `path` is a directory itself, not a link to one.
pub(super) fn is_plain_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// Makes `path` a directory of our own: a link (or a file) found there is removed, never followed.
fn ensure_plain_dir(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => return Ok(()),
        Ok(_) => {
            tracing::warn!("{} is not a directory; replacing it", path.display());
            std::fs::remove_file(path)?;
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    std::fs::create_dir(path)
}

fn options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.custom_flags(nix::libc::O_NOFOLLOW);
    options
}

/// Opens `dir/name` to read, never through a link.
pub(super) fn read_in(dir: &Path, name: &str) -> io::Result<File> {
    options().read(true).open(dir.join(name))
}

/// Opens `dir/name` to add records at its end (created if absent), never through a link.
pub(super) fn append_in(dir: &Path, name: &str) -> io::Result<File> {
    options().create(true).append(true).open(dir.join(name))
}

/// Creates `dir/name` afresh, never through a link.
pub(super) fn create_in(dir: &Path, name: &str) -> io::Result<File> {
    options()
        .create(true)
        .write(true)
        .truncate(true)
        .open(dir.join(name))
}

/// Opens (creating if need be) one index file to read and write in place. A link found where
/// the file should be (e.g. to someone else's file, in a shared store) is removed, not
/// followed, and an empty file made in its place; the flag says whether that happened.
fn open_own(dir: &Path, name: &str) -> io::Result<(File, bool)> {
    let path = dir.join(name);
    let open = || {
        options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
    };
    match open() {
        Ok(f) => Ok((f, false)),
        Err(e) if e.raw_os_error() == Some(nix::libc::ELOOP) => {
            tracing::warn!(
                "{} is a link; replacing it by a file of our own",
                path.display()
            );
            std::fs::remove_file(&path)?;
            Ok((open()?, true))
        }
        Err(e) => Err(io::Error::new(
            e.kind(),
            format!("cannot open {}: {e}", path.display()),
        )),
    }
}

impl Index {
    /// Opens (creating if need be) the index of the store in `store_dir`, and judges whether it
    /// can be trusted as it stands.
    pub fn open(store_dir: &Path) -> io::Result<Index> {
        let dir = store_dir.join(INDEX_DIR);
        ensure_plain_dir(&dir)?;
        let (meta, meta_linked) = open_own(&dir, META)?;
        let (seqs, seqs_linked) = open_own(&dir, SEQS)?;
        let (streams, streams_linked) = open_own(&dir, STREAMS)?;
        let (names, names_linked) = open_own(&dir, NAMES)?;
        let table = Table::open(streams, names, dir.join(NAMESPACES))?;
        let linked = meta_linked || seqs_linked || streams_linked || names_linked;
        let mut index = Index {
            dir,
            meta,
            seqs,
            table: table.0,
            indexed_len: 0,
            indexed_seq: 0,
            trusted: false,
            dirty_on_disk: true,
            mem: None,
        };
        let table_ok = table.1 && !linked;
        let mut buf = [0u8; META_LEN];
        let meta_ok = index.meta.read_exact_at(&mut buf, 0).is_ok()
            && &buf[..8] == META_MAGIC
            && u64::from_le_bytes(buf[56..64].try_into().expect("8")) == fnv1a(&buf[..56]);
        if meta_ok && table_ok {
            let word = |i: usize| u64::from_le_bytes(buf[i..i + 8].try_into().expect("8 bytes"));
            let flags = word(24);
            let same_boot = buf[32..48] == boot_id();
            let seqs_len = index.seqs.metadata()?.len();
            index.indexed_len = word(8);
            index.indexed_seq = word(16);
            index.trusted = flags & FLAG_DIRTY == 0
                && (same_boot || flags & FLAG_SYNCED != 0)
                && seqs_len >= index.indexed_seq * RECORD
                && index.table.seq == index.indexed_seq;
            index.dirty_on_disk = flags & FLAG_DIRTY != 0;
            if !index.trusted {
                tracing::info!(
                    dirty = flags & FLAG_DIRTY != 0,
                    same_boot,
                    "the store's index cannot be trusted as it stands"
                );
            }
        }
        Ok(index)
    }

    fn write_meta(&mut self, flags: u64) -> io::Result<()> {
        let mut buf = [0u8; META_LEN];
        buf[..8].copy_from_slice(META_MAGIC);
        buf[8..16].copy_from_slice(&self.indexed_len.to_le_bytes());
        buf[16..24].copy_from_slice(&self.indexed_seq.to_le_bytes());
        buf[24..32].copy_from_slice(&flags.to_le_bytes());
        buf[32..48].copy_from_slice(&boot_id());
        let sum = fnv1a(&buf[..56]);
        buf[56..64].copy_from_slice(&sum.to_le_bytes());
        self.meta.write_all_at(&buf, 0)?;
        self.dirty_on_disk = flags & FLAG_DIRTY != 0;
        Ok(())
    }

    fn begin(&mut self) -> io::Result<()> {
        if !self.dirty_on_disk {
            self.write_meta(FLAG_DIRTY)?;
        }
        Ok(())
    }

    /// The stream's version and last seq, if it exists.
    pub fn stream(&self, stream: &str) -> io::Result<Option<StreamHead>> {
        if let Some(mem) = &self.mem {
            return Ok(mem.streams.get(stream).copied());
        }
        Ok(self
            .table
            .find(stream.as_bytes())?
            .map(|(_, b)| StreamHead {
                version: b.version,
                last_seq: b.last_seq,
            }))
    }

    /// Where event `seq` (1..=indexed_seq) lies.
    pub fn place(&self, seq: u64) -> io::Result<Place> {
        if seq == 0 || seq > self.indexed_seq {
            return Err(table::damaged(format!("seq {seq} is not indexed")));
        }
        let mut buf = [0u8; 2 * RECORD as usize];
        let want = if seq < self.indexed_seq { 32 } else { 16 };
        let at = ((seq - 1) * RECORD) as usize;
        match &self.mem {
            Some(mem) => buf[..want].copy_from_slice(&mem.records[at..at + want]),
            None => self.seqs.read_exact_at(&mut buf[..want], at as u64)?,
        }
        let word = |i: usize| u64::from_le_bytes(buf[i..i + 8].try_into().expect("8 bytes"));
        let end = if want == 32 {
            word(16)
        } else {
            self.indexed_len
        };
        Ok(Place {
            offset: word(0),
            end,
            prev: word(8),
        })
    }

    /// Adds events that follow the indexed ones, in seq order.
    pub fn apply(&mut self, entries: &[Entry]) -> io::Result<()> {
        let Some(last) = entries.last() else {
            return Ok(());
        };
        if let Some(mem) = &mut self.mem {
            for e in entries {
                mem.push(e.seq, &e.stream, e.version, e.offset, e.end);
            }
            self.indexed_seq = last.seq;
            self.indexed_len = last.end;
            return Ok(());
        }
        self.begin()?;
        // The head of each stream the batch touches, before it.
        let mut heads: HashMap<&str, StreamHead> = HashMap::new();
        let mut new_streams: Vec<&str> = Vec::new();
        let mut records = Vec::with_capacity(entries.len() * RECORD as usize);
        for (i, e) in entries.iter().enumerate() {
            assert_eq!(
                e.seq,
                self.indexed_seq + 1 + i as u64,
                "the index follows the log in seq order"
            );
            if !heads.contains_key(e.stream.as_str()) {
                let h = match self.stream(&e.stream)? {
                    Some(h) => h,
                    None => {
                        new_streams.push(&e.stream);
                        StreamHead {
                            version: 0,
                            last_seq: 0,
                        }
                    }
                };
                heads.insert(&e.stream, h);
            }
            let head = heads.get_mut(e.stream.as_str()).expect("just inserted");
            records.extend_from_slice(&e.offset.to_le_bytes());
            records.extend_from_slice(&head.last_seq.to_le_bytes());
            *head = StreamHead {
                version: e.version,
                last_seq: e.seq,
            };
        }
        self.seqs
            .write_all_at(&records, (entries[0].seq - 1) * RECORD)?;
        for (stream, head) in &heads {
            if !new_streams.contains(stream) {
                self.table.update(stream.as_bytes(), *head)?;
            }
        }
        for stream in new_streams {
            self.table.insert(stream.as_bytes(), heads[stream])?;
        }
        self.table.commit(last.seq)?;
        self.indexed_seq = last.seq;
        self.indexed_len = last.end;
        self.write_meta(0)
    }

    /// Empties the index, to rebuild it from the start of the log.
    pub fn reset(&mut self) -> io::Result<()> {
        self.write_meta(FLAG_DIRTY)?;
        self.seqs.set_len(0)?;
        self.table.reset()?;
        self.indexed_len = 0;
        self.indexed_seq = 0;
        Ok(())
    }

    /// Replaces the whole index by `builder`'s (a rebuild), then syncs it so that it is trusted
    /// after a reboot too. If the files cannot be written (a full disk, an unwritable
    /// directory), the index is kept in memory for this handle instead, and left marked dirty
    /// on disk: reads go on, answered from the log.
    pub fn install(&mut self, builder: Builder) -> io::Result<()> {
        self.indexed_seq = builder.records.len() as u64 / RECORD;
        self.indexed_len = builder.end;
        self.mem = None;
        if let Err(e) = self.write_files(&builder) {
            tracing::warn!(
                "the store's index cannot be written ({e}); answering from the log in memory"
            );
            self.mem = Some(builder);
            let _ = self.write_meta(FLAG_DIRTY);
        }
        Ok(())
    }

    fn write_files(&mut self, builder: &Builder) -> io::Result<()> {
        crate::failpoints::io_error("index::install").map_or(Ok(()), Err)?;
        let (seq, len) = (self.indexed_seq, self.indexed_len);
        self.reset()?;
        self.seqs.write_all_at(&builder.records, 0)?;
        self.table.load(&builder.streams, &builder.order)?;
        self.table.commit(seq)?;
        (self.indexed_seq, self.indexed_len) = (seq, len);
        self.seqs.sync_data()?;
        self.table.sync()?;
        self.write_meta(FLAG_DIRTY)?;
        File::open(&self.dir)?.sync_all()?;
        self.write_meta(FLAG_SYNCED)?;
        self.meta.sync_data()
    }

    /// Every stream name that starts with `prefix`, sorted.
    pub fn streams(&self, prefix: &str) -> io::Result<Vec<String>> {
        if let Some(mem) = &self.mem {
            let mut names: Vec<String> = mem
                .order
                .iter()
                .filter(|n| n.starts_with(prefix))
                .cloned()
                .collect();
            names.sort();
            return Ok(names);
        }
        self.table.names(prefix.as_bytes())
    }
}
