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

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

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

const TABLE_MAGIC: &[u8; 8] = b"CCDSTR01";
const TABLE_HEADER: u64 = 64;
const BUCKET: u64 = 32;
const MIN_CAPACITY: u64 = 1024;
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

#[derive(Debug, Clone, Copy, Default)]
struct Bucket {
    hash: u64,
    /// Offset in `names` << 24 | length.
    name: u64,
    version: u64,
    last_seq: u64,
}

impl Bucket {
    fn decode(b: &[u8]) -> Bucket {
        let word = |i: usize| u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
        Bucket {
            hash: word(0),
            name: word(1),
            version: word(2),
            last_seq: word(3),
        }
    }
    fn encode(&self) -> [u8; BUCKET as usize] {
        let mut out = [0u8; BUCKET as usize];
        for (i, w) in [self.hash, self.name, self.version, self.last_seq]
            .iter()
            .enumerate()
        {
            out[i * 8..i * 8 + 8].copy_from_slice(&w.to_le_bytes());
        }
        out
    }
    fn name_at(&self) -> (u64, usize) {
        (self.name >> 24, (self.name & MAX_NAME as u64) as usize)
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h.max(1)
}

/// This boot's id (zeros where the kernel does not say).
fn boot_id() -> [u8; 16] {
    static ID: OnceLock<[u8; 16]> = OnceLock::new();
    *ID.get_or_init(|| {
        let text = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").unwrap_or_default();
        let hex: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
        let mut id = [0u8; 16];
        if hex.len() == 32 {
            for (i, pair) in hex.chunks(2).enumerate() {
                let s = std::str::from_utf8(pair).expect("hex digits");
                id[i] = u8::from_str_radix(s, 16).expect("hex digits");
            }
        }
        id
    })
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
}

impl Index {
    /// Opens (creating if need be) the index of the store in `store_dir`, and judges whether it
    /// can be trusted as it stands.
    pub fn open(store_dir: &Path) -> io::Result<Index> {
        let dir = store_dir.join(INDEX_DIR);
        if !dir.is_dir() {
            std::fs::create_dir(&dir)?;
        }
        let open = |name: &str| {
            OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(dir.join(name))
        };
        let meta = open(META)?;
        let seqs = open(SEQS)?;
        let table = Table::open(open(STREAMS)?, open(NAMES)?, dir.join(NAMESPACES))?;
        let mut index = Index {
            dir,
            meta,
            seqs,
            table: table.0,
            indexed_len: 0,
            indexed_seq: 0,
            trusted: false,
            dirty_on_disk: true,
        };
        let table_ok = table.1;
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
                && seqs_len >= index.indexed_seq * RECORD;
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
        debug_assert!(seq >= 1 && seq <= self.indexed_seq);
        let mut buf = [0u8; 2 * RECORD as usize];
        let want = if seq < self.indexed_seq { 32 } else { 16 };
        self.seqs
            .read_exact_at(&mut buf[..want], (seq - 1) * RECORD)?;
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
    /// after a reboot too.
    pub fn install(&mut self, builder: Builder) -> io::Result<()> {
        self.reset()?;
        self.seqs.write_all_at(&builder.records, 0)?;
        self.table.load(&builder.streams, &builder.order)?;
        self.indexed_seq = builder.records.len() as u64 / RECORD;
        self.indexed_len = builder.end;
        self.seqs.sync_data()?;
        self.table.sync()?;
        self.write_meta(FLAG_DIRTY)?;
        File::open(&self.dir)?.sync_all()?;
        self.write_meta(FLAG_SYNCED)?;
        self.meta.sync_data()
    }

    /// Every stream name that starts with `prefix`, sorted.
    pub fn streams(&self, prefix: &str) -> io::Result<Vec<String>> {
        self.table.names(prefix.as_bytes())
    }
}

/// A whole index built in memory (for a rebuild), in seq order.
#[derive(Default)]
pub struct Builder {
    records: Vec<u8>,
    streams: HashMap<String, StreamHead>,
    order: Vec<String>,
    end: u64,
}

impl Builder {
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Adds the next event.
    pub fn push(&mut self, seq: u64, stream: &str, version: u64, offset: u64, end: u64) {
        debug_assert_eq!(seq, self.records.len() as u64 / RECORD + 1);
        if !self.streams.contains_key(stream) {
            self.order.push(stream.to_string());
            self.streams.insert(
                stream.to_string(),
                StreamHead {
                    version: 0,
                    last_seq: 0,
                },
            );
        }
        let head = self.streams.get_mut(stream).expect("just inserted");
        self.records.extend_from_slice(&offset.to_le_bytes());
        self.records.extend_from_slice(&head.last_seq.to_le_bytes());
        *head = StreamHead {
            version,
            last_seq: seq,
        };
        self.end = end;
    }

    /// The stream's version so far (0 if it has not been seen).
    pub fn version(&self, stream: &str) -> u64 {
        self.streams.get(stream).map_or(0, |h| h.version)
    }

    /// Events pushed so far.
    pub fn events(&self) -> u64 {
        self.records.len() as u64 / RECORD
    }
}

/// The stream table: `streams` (the hash table) and `names`.
struct Table {
    file: File,
    names: File,
    names_len: u64,
    /// `ns/`: one file of name records per namespace.
    namespaces: PathBuf,
    capacity: u64,
    count: u64,
}

impl Table {
    /// Opens the table; the flag says whether its header is sound.
    fn open(file: File, names: File, namespaces: PathBuf) -> io::Result<(Table, bool)> {
        let mut header = [0u8; TABLE_HEADER as usize];
        let len = file.metadata()?.len();
        let names_len = names.metadata()?.len();
        let namespaces_ok = namespaces.is_dir();
        let mut table = Table {
            file,
            names,
            names_len,
            namespaces,
            capacity: 0,
            count: 0,
        };
        let ok = table.file.read_exact_at(&mut header, 0).is_ok() && &header[..8] == TABLE_MAGIC;
        if ok {
            let capacity = u64::from_le_bytes(header[8..16].try_into().expect("8"));
            let count = u64::from_le_bytes(header[16..24].try_into().expect("8"));
            if namespaces_ok
                && capacity.is_power_of_two()
                && capacity >= MIN_CAPACITY
                && len == TABLE_HEADER + capacity * BUCKET
                && count * 2 <= capacity
            {
                table.capacity = capacity;
                table.count = count;
                return Ok((table, true));
            }
        }
        Ok((table, false))
    }

    fn write_header(&self) -> io::Result<()> {
        let mut header = [0u8; TABLE_HEADER as usize];
        header[..8].copy_from_slice(TABLE_MAGIC);
        header[8..16].copy_from_slice(&self.capacity.to_le_bytes());
        header[16..24].copy_from_slice(&self.count.to_le_bytes());
        self.file.write_all_at(&header, 0)
    }

    fn reset(&mut self) -> io::Result<()> {
        self.file.set_len(0)?;
        self.names.set_len(0)?;
        self.names_len = 0;
        if self.namespaces.exists() {
            std::fs::remove_dir_all(&self.namespaces)?;
        }
        std::fs::create_dir(&self.namespaces)?;
        self.capacity = MIN_CAPACITY;
        self.count = 0;
        self.file.set_len(TABLE_HEADER + MIN_CAPACITY * BUCKET)?;
        self.write_header()
    }

    fn bucket(&self, slot: u64) -> io::Result<Bucket> {
        let mut buf = [0u8; BUCKET as usize];
        self.file
            .read_exact_at(&mut buf, TABLE_HEADER + slot * BUCKET)?;
        Ok(Bucket::decode(&buf))
    }

    fn name_matches(&self, bucket: &Bucket, name: &[u8]) -> io::Result<bool> {
        let (offset, len) = bucket.name_at();
        if len != name.len() {
            return Ok(false);
        }
        let mut buf = vec![0u8; len];
        self.names.read_exact_at(&mut buf, offset + 4)?;
        Ok(buf == name)
    }

    /// The slot holding `name`, or `Err(free slot)` where it would go.
    fn probe(&self, name: &[u8]) -> io::Result<Result<(u64, Bucket), u64>> {
        if self.capacity == 0 {
            return Err(io::Error::other("the stream table is not initialised"));
        }
        let hash = fnv1a(name);
        let mask = self.capacity - 1;
        let mut slot = hash & mask;
        for _ in 0..self.capacity {
            let b = self.bucket(slot)?;
            if b.hash == 0 {
                return Ok(Err(slot));
            }
            if b.hash == hash && self.name_matches(&b, name)? {
                return Ok(Ok((slot, b)));
            }
            slot = (slot + 1) & mask;
        }
        Err(io::Error::other("the stream table is full"))
    }

    fn find(&self, name: &[u8]) -> io::Result<Option<(u64, Bucket)>> {
        Ok(self.probe(name)?.ok())
    }

    fn update(&mut self, name: &[u8], head: StreamHead) -> io::Result<()> {
        match self.probe(name)? {
            Ok((slot, mut b)) => {
                b.version = head.version;
                b.last_seq = head.last_seq;
                self.file
                    .write_all_at(&b.encode(), TABLE_HEADER + slot * BUCKET)
            }
            Err(_) => self.insert(name, head),
        }
    }

    fn insert(&mut self, name: &[u8], head: StreamHead) -> io::Result<()> {
        if name.len() > MAX_NAME {
            return Err(io::Error::other("a stream name is longer than 16 MiB"));
        }
        if (self.count + 1) * 2 > self.capacity {
            self.grow()?;
        }
        let slot = match self.probe(name)? {
            Ok((slot, _)) => slot,
            Err(slot) => {
                self.count += 1;
                slot
            }
        };
        let offset = self.names_len;
        let mut record = Vec::with_capacity(4 + name.len());
        record.extend_from_slice(&(name.len() as u32).to_le_bytes());
        record.extend_from_slice(name);
        self.names.write_all_at(&record, offset)?;
        self.names_len += record.len() as u64;
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.namespace_file(name))?
            .write_all(&record)?;
        let b = Bucket {
            hash: fnv1a(name),
            name: offset << 24 | name.len() as u64,
            version: head.version,
            last_seq: head.last_seq,
        };
        self.file
            .write_all_at(&b.encode(), TABLE_HEADER + slot * BUCKET)?;
        self.write_header()
    }

    /// Doubles the table (rewriting every bucket where its hash now falls).
    fn grow(&mut self) -> io::Result<()> {
        let mut old = vec![0u8; (self.capacity * BUCKET) as usize];
        self.file.read_exact_at(&mut old, TABLE_HEADER)?;
        let buckets: Vec<Bucket> = old
            .chunks(BUCKET as usize)
            .map(Bucket::decode)
            .filter(|b| b.hash != 0)
            .collect();
        self.write_buckets(self.capacity * 2, &buckets)
    }

    /// Writes a table of `capacity` holding `buckets`.
    fn write_buckets(&mut self, capacity: u64, buckets: &[Bucket]) -> io::Result<()> {
        let mask = capacity - 1;
        let mut slots = vec![Bucket::default(); capacity as usize];
        for b in buckets {
            let mut slot = b.hash & mask;
            while slots[slot as usize].hash != 0 {
                slot = (slot + 1) & mask;
            }
            slots[slot as usize] = *b;
        }
        let mut bytes = Vec::with_capacity((capacity * BUCKET) as usize);
        for b in &slots {
            bytes.extend_from_slice(&b.encode());
        }
        self.capacity = capacity;
        self.count = buckets.len() as u64;
        self.file.set_len(TABLE_HEADER + capacity * BUCKET)?;
        self.file.write_all_at(&bytes, TABLE_HEADER)?;
        self.write_header()
    }

    /// Replaces the table's contents by `streams`, names written in `order`.
    fn load(&mut self, streams: &HashMap<String, StreamHead>, order: &[String]) -> io::Result<()> {
        let mut names = Vec::new();
        let mut buckets = Vec::with_capacity(order.len());
        for name in order {
            let head = streams[name];
            if name.len() > MAX_NAME {
                return Err(io::Error::other("a stream name is longer than 16 MiB"));
            }
            buckets.push(Bucket {
                hash: fnv1a(name.as_bytes()),
                name: (names.len() as u64) << 24 | name.len() as u64,
                version: head.version,
                last_seq: head.last_seq,
            });
            names.extend_from_slice(&(name.len() as u32).to_le_bytes());
            names.extend_from_slice(name.as_bytes());
        }
        self.names.set_len(0)?;
        self.names.write_all_at(&names, 0)?;
        self.names_len = names.len() as u64;
        let mut by_namespace: HashMap<PathBuf, Vec<u8>> = HashMap::new();
        for name in order {
            let record = by_namespace
                .entry(self.namespace_file(name.as_bytes()))
                .or_default();
            record.extend_from_slice(&(name.len() as u32).to_le_bytes());
            record.extend_from_slice(name.as_bytes());
        }
        for (path, records) in by_namespace {
            std::fs::write(path, records)?;
        }
        let capacity = (buckets.len() as u64 * 2 + 2)
            .next_power_of_two()
            .max(MIN_CAPACITY);
        self.write_buckets(capacity, &buckets)
    }

    fn sync(&self) -> io::Result<()> {
        self.file.sync_data()?;
        self.names.sync_data()?;
        for entry in std::fs::read_dir(&self.namespaces)? {
            File::open(entry?.path())?.sync_data()?;
        }
        File::open(&self.namespaces)?.sync_all()
    }

    /// The file listing the names of `name`'s namespace (everything up to its first `-`, or ""
    /// for a name without one).
    fn namespace_file(&self, name: &[u8]) -> PathBuf {
        let namespace = match name.iter().position(|b| *b == b'-') {
            Some(p) => &name[..=p],
            None => &[][..],
        };
        self.namespaces.join(format!("n{}", hex::encode(namespace)))
    }

    /// Every stream name starting with `prefix`, sorted. `names` holds each stream exactly once
    /// whenever the meta is clean (an insert cut short leaves the meta dirty, and the next open
    /// rebuilds), so the table itself need not be read.
    fn names(&self, prefix: &[u8]) -> io::Result<Vec<String>> {
        let names = if prefix.contains(&b'-') {
            // Every name with this prefix shares its namespace.
            match std::fs::read(self.namespace_file(prefix)) {
                Ok(names) => names,
                Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
                Err(e) => return Err(e),
            }
        } else {
            let mut names = vec![0u8; self.names_len as usize];
            self.names.read_exact_at(&mut names, 0)?;
            names
        };
        let mut out = Vec::new();
        let mut at = 0;
        while at < names.len() {
            let len = names
                .get(at..at + 4)
                .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")) as usize)
                .ok_or_else(|| io::Error::other("the stream names are cut short"))?;
            let name = names
                .get(at + 4..at + 4 + len)
                .ok_or_else(|| io::Error::other("the stream names are cut short"))?;
            if name.starts_with(prefix) {
                out.push(String::from_utf8_lossy(name).into_owned());
            }
            at += 4 + len;
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: u64, stream: &str, version: u64) -> Entry {
        Entry {
            seq,
            stream: stream.into(),
            version,
            offset: (seq - 1) * 100,
            end: seq * 100,
        }
    }

    #[test]
    fn streams_grow_past_the_first_table_and_survive_reopening() {
        let tmp = tempfile::tempdir().unwrap();
        let mut index = Index::open(tmp.path()).unwrap();
        assert!(!index.trusted);
        index.reset().unwrap();
        let n = 3 * MIN_CAPACITY;
        let entries: Vec<Entry> = (1..=n)
            .map(|seq| {
                entry(
                    seq,
                    &format!("s{}", seq % (n / 2)),
                    1 + u64::from(seq > n / 2),
                )
            })
            .collect();
        for chunk in entries.chunks(500) {
            index.apply(chunk).unwrap();
        }
        drop(index);
        let index = Index::open(tmp.path()).unwrap();
        assert!(index.trusted);
        assert_eq!((index.indexed_seq, index.indexed_len), (n, n * 100));
        assert_eq!(
            index.stream("s5").unwrap(),
            Some(StreamHead {
                version: 2,
                last_seq: n / 2 + 5
            })
        );
        assert_eq!(
            index.place(n / 2 + 5).unwrap(),
            Place {
                offset: (n / 2 + 4) * 100,
                end: (n / 2 + 5) * 100,
                prev: 5
            }
        );
        assert_eq!(index.place(n).unwrap().end, n * 100);
        assert_eq!(index.stream("nope").unwrap(), None);
        assert!(index.streams("s1-").unwrap().is_empty());
        let names = index.streams("s1").unwrap();
        assert_eq!(names[0], "s1");
        assert!(names.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(index.streams("").unwrap().len() as u64, n / 2);
    }

    #[test]
    fn an_interrupted_update_is_not_trusted() {
        let tmp = tempfile::tempdir().unwrap();
        let mut index = Index::open(tmp.path()).unwrap();
        index.reset().unwrap();
        index.apply(&[entry(1, "a", 1)]).unwrap();
        // As if killed between marking the meta dirty and writing it clean again.
        index.begin().unwrap();
        drop(index);
        assert!(!Index::open(tmp.path()).unwrap().trusted);
    }

    #[test]
    fn another_boot_trusts_only_a_synced_index() {
        let tmp = tempfile::tempdir().unwrap();
        let mut index = Index::open(tmp.path()).unwrap();
        let mut builder = Builder::new();
        builder.push(1, "a", 1, 0, 10);
        index.install(builder).unwrap();
        // Pretend the meta was written during another boot.
        let other_boot = |index: &mut Index, flags: u64| {
            let mut buf = [0u8; META_LEN];
            index.meta.read_exact_at(&mut buf, 0).unwrap();
            buf[24..32].copy_from_slice(&flags.to_le_bytes());
            buf[32] = !boot_id()[0];
            let sum = fnv1a(&buf[..56]);
            buf[56..64].copy_from_slice(&sum.to_le_bytes());
            index.meta.write_all_at(&buf, 0).unwrap();
        };
        other_boot(&mut index, FLAG_SYNCED);
        assert!(Index::open(tmp.path()).unwrap().trusted);
        other_boot(&mut index, 0);
        assert!(!Index::open(tmp.path()).unwrap().trusted);
    }
}
