//! The stream table: an on-disk open-addressing hash table from stream name to head, with the
//! names themselves in `names` and, per namespace, under `ns/`.

use super::{fnv1a, StreamHead, MAX_NAME};
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;

const TABLE_MAGIC: &[u8; 8] = b"CCDSTR02";
const TABLE_HEADER: u64 = 64;
const BUCKET: u64 = 40;
pub(super) const MIN_CAPACITY: u64 = 1024;
/// Mixed into every bucket's check, so that a bucket of zeros is never a valid free one.
const CHECK_SALT: u64 = 0x5a17_c0de_5a17_c0de;

/// The index found damaged: a hint to rebuild it from the log, never an answer.
pub(super) fn damaged(what: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.into())
}

/// One slot of the table; a zero hash marks it free. Every slot, free or not, carries a check
/// over its slot number and contents, so a damaged or zeroed slot is found, not taken as free.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Bucket {
    hash: u64,
    /// Offset in `names` << 24 | length.
    name: u64,
    pub(super) version: u64,
    pub(super) last_seq: u64,
}

impl Bucket {
    fn check(&self, slot: u64) -> u64 {
        let mut bytes = [0u8; 40];
        bytes[..32].copy_from_slice(&self.words());
        bytes[32..].copy_from_slice(&slot.to_le_bytes());
        fnv1a(&bytes) ^ CHECK_SALT
    }
    fn words(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, w) in [self.hash, self.name, self.version, self.last_seq]
            .iter()
            .enumerate()
        {
            out[i * 8..i * 8 + 8].copy_from_slice(&w.to_le_bytes());
        }
        out
    }
    fn decode(b: &[u8], slot: u64) -> io::Result<Bucket> {
        let word = |i: usize| u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
        let bucket = Bucket {
            hash: word(0),
            name: word(1),
            version: word(2),
            last_seq: word(3),
        };
        if word(4) != bucket.check(slot) {
            return Err(damaged(format!("stream table slot {slot} is damaged")));
        }
        Ok(bucket)
    }
    fn encode(&self, slot: u64) -> [u8; BUCKET as usize] {
        let mut out = [0u8; BUCKET as usize];
        out[..32].copy_from_slice(&self.words());
        out[32..].copy_from_slice(&self.check(slot).to_le_bytes());
        out
    }
    fn name_at(&self) -> (u64, usize) {
        (self.name >> 24, (self.name & MAX_NAME as u64) as usize)
    }
}

/// Recomputes a raw bucket's check (tests forging a consistent but stale slot).
#[cfg(test)]
pub fn reseal_bucket(bytes: &mut [u8], slot: u64) {
    let word = |i: usize| u64::from_le_bytes(bytes[i * 8..i * 8 + 8].try_into().expect("8"));
    let b = Bucket {
        hash: word(0),
        name: word(1),
        version: word(2),
        last_seq: word(3),
    };
    bytes.copy_from_slice(&b.encode(slot));
}

/// One name as `names` and `ns/` hold it: length, bytes, and the name's hash (which is also
/// its bucket's), so a damaged record is found when read.
fn name_record(name: &[u8]) -> Vec<u8> {
    let mut record = Vec::with_capacity(12 + name.len());
    record.extend_from_slice(&(name.len() as u32).to_le_bytes());
    record.extend_from_slice(name);
    record.extend_from_slice(&fnv1a(name).to_le_bytes());
    record
}

/// The names in a run of records, each checked; `Err` if any is damaged or cut short.
fn parse_records(bytes: &[u8]) -> io::Result<Vec<&[u8]>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let cut = || damaged("the stream names are cut short");
        let len = bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")) as usize)
            .ok_or_else(cut)?;
        let name = bytes.get(at + 4..at + 4 + len).ok_or_else(cut)?;
        let sum = bytes.get(at + 4 + len..at + 12 + len).ok_or_else(cut)?;
        if sum != fnv1a(name).to_le_bytes() || std::str::from_utf8(name).is_err() {
            return Err(damaged(format!("the stream name at byte {at} is damaged")));
        }
        out.push(name);
        at += 12 + len;
    }
    Ok(out)
}

/// The stream table: `streams` (the hash table) and `names`.
pub(super) struct Table {
    file: File,
    names: File,
    names_len: u64,
    /// `ns/`: one file of name records per namespace.
    namespaces: PathBuf,
    capacity: u64,
    count: u64,
    /// The seq the table was last brought up to (the header's; checked against the meta's).
    pub(super) seq: u64,
}

impl Table {
    /// Opens the table; the flag says whether its header is sound and matches `names`.
    pub(super) fn open(file: File, names: File, namespaces: PathBuf) -> io::Result<(Table, bool)> {
        let mut header = [0u8; TABLE_HEADER as usize];
        let len = file.metadata()?.len();
        let names_len = names.metadata()?.len();
        let namespaces_ok = super::is_plain_dir(&namespaces);
        let mut table = Table {
            file,
            names,
            names_len,
            namespaces,
            capacity: 0,
            count: 0,
            seq: 0,
        };
        let ok = table.file.read_exact_at(&mut header, 0).is_ok()
            && &header[..8] == TABLE_MAGIC
            && header[56..64] == fnv1a(&header[..56]).to_le_bytes();
        if ok {
            let word = |i: usize| u64::from_le_bytes(header[i..i + 8].try_into().expect("8"));
            let (capacity, count) = (word(8), word(16));
            if namespaces_ok
                && capacity.is_power_of_two()
                && capacity >= MIN_CAPACITY
                && len == TABLE_HEADER + capacity * BUCKET
                && count * 2 <= capacity
                && word(32) == names_len
            {
                table.capacity = capacity;
                table.count = count;
                table.seq = word(24);
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
        header[24..32].copy_from_slice(&self.seq.to_le_bytes());
        header[32..40].copy_from_slice(&self.names_len.to_le_bytes());
        let sum = fnv1a(&header[..56]);
        header[56..64].copy_from_slice(&sum.to_le_bytes());
        self.file.write_all_at(&header, 0)
    }

    /// Records that the table is up to date with the index at `seq`.
    pub(super) fn commit(&mut self, seq: u64) -> io::Result<()> {
        self.seq = seq;
        self.write_header()
    }

    pub(super) fn reset(&mut self) -> io::Result<()> {
        self.file.set_len(0)?;
        self.names.set_len(0)?;
        self.names_len = 0;
        self.seq = 0;
        if self.namespaces.exists() || self.namespaces.is_symlink() {
            match std::fs::remove_dir_all(&self.namespaces) {
                Ok(()) => {}
                // A link or a file where the directory should be: removed, not followed.
                Err(_) => std::fs::remove_file(&self.namespaces)?,
            }
        }
        std::fs::create_dir(&self.namespaces)?;
        self.write_buckets(MIN_CAPACITY, &[])
    }

    fn bucket(&self, slot: u64) -> io::Result<Bucket> {
        let mut buf = [0u8; BUCKET as usize];
        self.file
            .read_exact_at(&mut buf, TABLE_HEADER + slot * BUCKET)?;
        Bucket::decode(&buf, slot)
    }

    /// Whether the bucket (whose hash is `name`'s) holds `name`; its record is checked first.
    fn name_matches(&self, bucket: &Bucket, name: &[u8]) -> io::Result<bool> {
        let (offset, len) = bucket.name_at();
        if offset + 12 + len as u64 > self.names_len {
            return Err(damaged("a stream slot points past the names"));
        }
        let mut buf = vec![0u8; 12 + len];
        self.names.read_exact_at(&mut buf, offset)?;
        let record = parse_records(&buf)?;
        if record.len() != 1 || fnv1a(record[0]) != bucket.hash {
            return Err(damaged("a stream slot and its name disagree"));
        }
        Ok(record[0] == name)
    }

    /// The slot holding `name`, or `Err(free slot)` where it would go. Every slot on the way
    /// is checked, so a miss is an intact free slot, never a damaged one.
    fn probe(&self, name: &[u8]) -> io::Result<Result<(u64, Bucket), u64>> {
        if self.capacity == 0 {
            return Err(damaged("the stream table is not initialised"));
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
        Err(damaged("the stream table is full"))
    }

    pub(super) fn find(&self, name: &[u8]) -> io::Result<Option<(u64, Bucket)>> {
        Ok(self.probe(name)?.ok())
    }

    pub(super) fn update(&mut self, name: &[u8], head: StreamHead) -> io::Result<()> {
        match self.probe(name)? {
            Ok((slot, mut b)) => {
                b.version = head.version;
                b.last_seq = head.last_seq;
                self.file
                    .write_all_at(&b.encode(slot), TABLE_HEADER + slot * BUCKET)
            }
            Err(_) => self.insert(name, head),
        }
    }

    pub(super) fn insert(&mut self, name: &[u8], head: StreamHead) -> io::Result<()> {
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
        let record = name_record(name);
        self.names.write_all_at(&record, offset)?;
        self.names_len += record.len() as u64;
        super::append_in(&self.namespaces, &self.namespace_name(name))?.write_all(&record)?;
        let b = Bucket {
            hash: fnv1a(name),
            name: offset << 24 | name.len() as u64,
            version: head.version,
            last_seq: head.last_seq,
        };
        self.file
            .write_all_at(&b.encode(slot), TABLE_HEADER + slot * BUCKET)?;
        self.write_header()
    }

    /// Doubles the table (rewriting every bucket where its hash now falls).
    fn grow(&mut self) -> io::Result<()> {
        let mut buckets = Vec::with_capacity(self.count as usize);
        let mut old = vec![0u8; (self.capacity * BUCKET) as usize];
        self.file.read_exact_at(&mut old, TABLE_HEADER)?;
        for (slot, bytes) in old.chunks(BUCKET as usize).enumerate() {
            let b = Bucket::decode(bytes, slot as u64)?;
            if b.hash != 0 {
                buckets.push(b);
            }
        }
        self.write_buckets(self.capacity * 2, &buckets)
    }

    /// Writes a table of `capacity` holding `buckets` (every free slot written with its check).
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
        for (slot, b) in slots.iter().enumerate() {
            bytes.extend_from_slice(&b.encode(slot as u64));
        }
        self.capacity = capacity;
        self.count = buckets.len() as u64;
        self.file.set_len(TABLE_HEADER + capacity * BUCKET)?;
        self.file.write_all_at(&bytes, TABLE_HEADER)?;
        self.write_header()
    }

    /// Replaces the table's contents by `streams`, names written in `order`.
    pub(super) fn load(
        &mut self,
        streams: &HashMap<String, StreamHead>,
        order: &[String],
    ) -> io::Result<()> {
        let mut names = Vec::new();
        let mut buckets = Vec::with_capacity(order.len());
        let mut by_namespace: HashMap<String, Vec<u8>> = HashMap::new();
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
            let record = name_record(name.as_bytes());
            names.extend_from_slice(&record);
            by_namespace
                .entry(self.namespace_name(name.as_bytes()))
                .or_default()
                .extend_from_slice(&record);
        }
        self.names.set_len(0)?;
        self.names.write_all_at(&names, 0)?;
        self.names_len = names.len() as u64;
        for (file, records) in by_namespace {
            super::create_in(&self.namespaces, &file)?.write_all(&records)?;
        }
        let capacity = (buckets.len() as u64 * 2 + 2)
            .next_power_of_two()
            .max(MIN_CAPACITY);
        self.write_buckets(capacity, &buckets)
    }

    pub(super) fn sync(&self) -> io::Result<()> {
        self.file.sync_data()?;
        self.names.sync_data()?;
        for entry in std::fs::read_dir(&self.namespaces)? {
            let entry = entry?;
            super::read_in(&self.namespaces, &entry.file_name().to_string_lossy())?.sync_data()?;
        }
        File::open(&self.namespaces)?.sync_all()
    }

    /// The name of the file under `ns/` listing the names of `name`'s namespace (everything up
    /// to its first `-`, or "" for a name without one).
    fn namespace_name(&self, name: &[u8]) -> String {
        let namespace = match name.iter().position(|b| *b == b'-') {
            Some(p) => &name[..=p],
            None => &[][..],
        };
        format!("n{}", hex::encode(namespace))
    }

    /// Every stream name starting with `prefix`, sorted. `names` holds each stream exactly once
    /// whenever the meta is clean (an insert cut short leaves the meta dirty, and the next open
    /// rebuilds), so the table itself need not be read; every record is checked as it is read,
    /// and the whole list must hold as many names as the table has streams.
    pub(super) fn names(&self, prefix: &[u8]) -> io::Result<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        let mut keep = |names: Vec<&[u8]>| {
            for name in names.into_iter().filter(|n| n.starts_with(prefix)) {
                out.push(String::from_utf8_lossy(name).into_owned());
            }
        };
        let namespace = prefix.contains(&b'-').then(|| self.namespace_name(prefix));
        let listed = match &namespace {
            // Every name with this prefix shares its namespace.
            Some(file) => match super::read_in(&self.namespaces, file) {
                Ok(f) => {
                    let mut bytes = Vec::new();
                    std::io::Read::read_to_end(&mut &f, &mut bytes)?;
                    keep(parse_records(&bytes)?);
                    true
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => false,
                Err(e) => return Err(e),
            },
            None => false,
        };
        if !listed {
            // No namespace file (or no namespace): every name, counted against the table.
            let mut bytes = vec![0u8; self.names_len as usize];
            self.names.read_exact_at(&mut bytes, 0)?;
            let names = parse_records(&bytes)?;
            if names.len() as u64 != self.count {
                return Err(damaged("the stream names do not match the table"));
            }
            keep(names);
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}
