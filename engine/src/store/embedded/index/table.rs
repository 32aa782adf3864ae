//! The stream table: an on-disk open-addressing hash table from stream name to head, with the
//! names themselves in `names` and, per namespace, under `ns/`.

use super::{fnv1a, StreamHead, MAX_NAME};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;

const TABLE_MAGIC: &[u8; 8] = b"CCDSTR01";
const TABLE_HEADER: u64 = 64;
const BUCKET: u64 = 32;
pub(super) const MIN_CAPACITY: u64 = 1024;

/// One slot of the table; a zero hash marks it free.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Bucket {
    hash: u64,
    /// Offset in `names` << 24 | length.
    name: u64,
    pub(super) version: u64,
    pub(super) last_seq: u64,
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

/// The stream table: `streams` (the hash table) and `names`.
pub(super) struct Table {
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
    pub(super) fn open(file: File, names: File, namespaces: PathBuf) -> io::Result<(Table, bool)> {
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

    pub(super) fn reset(&mut self) -> io::Result<()> {
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

    pub(super) fn find(&self, name: &[u8]) -> io::Result<Option<(u64, Bucket)>> {
        Ok(self.probe(name)?.ok())
    }

    pub(super) fn update(&mut self, name: &[u8], head: StreamHead) -> io::Result<()> {
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
    pub(super) fn load(
        &mut self,
        streams: &HashMap<String, StreamHead>,
        order: &[String],
    ) -> io::Result<()> {
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

    pub(super) fn sync(&self) -> io::Result<()> {
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
    pub(super) fn names(&self, prefix: &[u8]) -> io::Result<Vec<String>> {
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
