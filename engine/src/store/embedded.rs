//! The embedded store: an append-only log file of our own (the authority, fdatasync'ed before an
//! append returns) with sled holding indexes that can always be rebuilt from it.
//!
//! Why not sled alone: sled 0.34's `flush` uses `sync_file_range`, which does not flush the device
//! cache or file metadata, so "acknowledged" would not mean "survives power loss" (sled issue #1452).

use super::{check_expectations, AppendRequest, EventStore, Head, OpenMode, StoreLock};
use crate::error::{Failure, Result};
use crate::event::{Event, ZERO_HASH};
use crate::time::format_instant;
use async_trait::async_trait;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// The authoritative log, one export line per event.
pub const LOG_FILE: &str = "events.jsonl";
const INDEX_DIR: &str = "index";
const META_INDEXED_LEN: &[u8] = b"indexed_len";
const META_HEAD: &[u8] = b"head";

/// A store directory held by this process for as long as the value lives.
pub struct EmbeddedStore {
    dir: PathBuf,
    inner: Mutex<Inner>,
    // Dropped last: the lock outlives the sled handle and the log file.
    _lock: StoreLock,
}

struct Inner {
    log: File,
    log_len: u64,
    db: sled::Db,
    /// seq (big-endian) → offset (8 bytes) + length (4 bytes) of its line in the log.
    seqs: sled::Tree,
    /// stream name, 0x00, version (big-endian) → seq (big-endian).
    stream_events: sled::Tree,
    /// stream name → its version (big-endian).
    stream_heads: sled::Tree,
    head: Head,
}

impl EmbeddedStore {
    /// Opens (or creates) the store in `dir`, holding its lock until dropped.
    pub fn open(dir: &Path, mode: OpenMode, busy_wait: Duration) -> Result<EmbeddedStore> {
        let log_path = dir.join(LOG_FILE);
        match mode {
            OpenMode::Existing => {
                if !log_path.is_file() {
                    return Err(Failure::usage(format!("there is no concordat store at {}", dir.display()))
                        .with_detail("create one with `concordat init PARTNERSHIP.toml`, or name an existing one with --store or CONCORDAT_STORE"));
                }
            }
            OpenMode::Create => create_dir_private(dir)?,
        }
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
        let db = sled::Config::new().path(dir.join(INDEX_DIR)).open()?;
        let inner = Inner {
            log_len: log.metadata()?.len(),
            log,
            seqs: db.open_tree("seqs")?,
            stream_events: db.open_tree("stream_events")?,
            stream_heads: db.open_tree("stream_heads")?,
            head: Head {
                seq: 0,
                hash: ZERO_HASH.into(),
                recorded_at: None,
            },
            db,
        };
        let mut store = EmbeddedStore {
            dir: dir.to_path_buf(),
            inner: Mutex::new(inner),
            _lock: lock,
        };
        store.recover()?;
        Ok(store)
    }

    /// Drops an unacknowledged partial tail and brings the index up to the log's end.
    fn recover(&mut self) -> Result<()> {
        let inner = self.inner.get_mut().expect("store mutex poisoned");
        let mut indexed_len = read_u64(inner.db.get(META_INDEXED_LEN)?).unwrap_or(0);
        if indexed_len > inner.log_len {
            tracing::warn!("index is ahead of the log; rebuilding it");
            for tree in [&inner.seqs, &inner.stream_events, &inner.stream_heads] {
                tree.clear()?;
            }
            inner.db.remove(META_HEAD)?;
            indexed_len = 0;
        }
        if let Some(head) = inner.db.get(META_HEAD)? {
            inner.head = decode_head(&head)?;
        }
        if indexed_len == inner.log_len {
            return Ok(());
        }
        let mut reader = BufReader::new(inner.log.try_clone()?);
        reader.seek(SeekFrom::Start(indexed_len))?;
        let mut offset = indexed_len;
        let mut line = Vec::new();
        loop {
            line.clear();
            let read = reader.read_until(b'\n', &mut line)?;
            if read == 0 {
                break;
            }
            if line.last() != Some(&b'\n') {
                // A write cut short by a crash: it was never acknowledged, so it goes.
                tracing::warn!(
                    offset,
                    bytes = read,
                    "dropping a partial event at the log's end"
                );
                inner.log.set_len(offset)?;
                inner.log.sync_data()?;
                inner.log_len = offset;
                break;
            }
            let event: Event = serde_json::from_slice(&line[..line.len() - 1]).map_err(|e| {
                Failure::integrity(format!(
                    "the log line at byte {offset} is not an event: {e}"
                ))
                .with_detail("run `concordat audit verify` to locate the damage")
            })?;
            index_events(inner, &[(event, offset, read as u32)])?;
            offset += read as u64;
        }
        Ok(())
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

fn create_dir_private(dir: &Path) -> Result<()> {
    if dir.exists() {
        let empty = dir.read_dir()?.next().is_none();
        if !empty {
            if dir.join(LOG_FILE).exists() {
                return Err(Failure::conflict(format!(
                    "a concordat store already exists at {}",
                    dir.display()
                ))
                .with_detail("choose another --store directory, or use the store that is there"));
            }
            return Err(
                Failure::usage(format!("{} exists and is not empty", dir.display()))
                    .with_detail("name a new or empty directory for the store"),
            );
        }
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    Ok(())
}

fn read_u64(bytes: Option<sled::IVec>) -> Option<u64> {
    bytes.map(|b| u64::from_be_bytes(b.as_ref().try_into().expect("8-byte counter")))
}

fn decode_head(bytes: &[u8]) -> Result<Head> {
    let v: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| Failure::internal(format!("index head: {e}")))?;
    Ok(Head {
        seq: v["seq"].as_u64().unwrap_or(0),
        hash: v["hash"].as_str().unwrap_or(ZERO_HASH).to_string(),
        recorded_at: v["recorded_at"].as_str().map(str::to_string),
    })
}

fn stream_key(stream: &str, version: u64) -> Vec<u8> {
    let mut key = Vec::with_capacity(stream.len() + 9);
    key.extend_from_slice(stream.as_bytes());
    key.push(0);
    key.extend_from_slice(&version.to_be_bytes());
    key
}

/// Records where each event's line lies; `(event, offset, length)` in seq order, following the head.
fn index_events(inner: &mut Inner, events: &[(Event, u64, u32)]) -> Result<()> {
    let mut seqs = sled::Batch::default();
    let mut stream_events = sled::Batch::default();
    let mut stream_heads = sled::Batch::default();
    let mut end = None;
    for (event, offset, len) in events {
        assert_eq!(
            event.seq,
            inner.head.seq + 1,
            "the index follows the log in seq order"
        );
        let mut place = offset.to_be_bytes().to_vec();
        place.extend_from_slice(&len.to_be_bytes());
        seqs.insert(&event.seq.to_be_bytes(), place);
        stream_events.insert(
            stream_key(&event.stream, event.version),
            &event.seq.to_be_bytes(),
        );
        stream_heads.insert(event.stream.as_bytes(), &event.version.to_be_bytes());
        inner.head = Head {
            seq: event.seq,
            hash: event.hash.clone(),
            recorded_at: Some(event.recorded_at.clone()),
        };
        end = Some(offset + *len as u64);
    }
    inner.seqs.apply_batch(seqs)?;
    inner.stream_events.apply_batch(stream_events)?;
    inner.stream_heads.apply_batch(stream_heads)?;
    if let Some(end) = end {
        let head = serde_json::json!({"seq": inner.head.seq, "hash": inner.head.hash, "recorded_at": inner.head.recorded_at});
        let mut meta = sled::Batch::default();
        meta.insert(
            META_HEAD,
            serde_json::to_vec(&head).expect("head serialises"),
        );
        meta.insert(META_INDEXED_LEN, &end.to_be_bytes());
        inner.db.apply_batch(meta)?;
    }
    Ok(())
}

impl Inner {
    fn stream_version(&self, stream: &str) -> Result<u64> {
        Ok(read_u64(self.stream_heads.get(stream.as_bytes())?).unwrap_or(0))
    }

    fn read_at(&self, place: &[u8]) -> Result<Event> {
        let offset = u64::from_be_bytes(place[..8].try_into().expect("offset"));
        let len = u32::from_be_bytes(place[8..12].try_into().expect("length")) as usize;
        let mut buf = vec![0; len];
        self.log.read_exact_at(&mut buf, offset)?;
        serde_json::from_slice(&buf[..len - 1]).map_err(|e| {
            Failure::integrity(format!(
                "the log line at byte {offset} is not an event: {e}"
            ))
        })
    }

    fn offset_of(&self, seq: u64) -> Result<Option<u64>> {
        Ok(self
            .seqs
            .get(seq.to_be_bytes())?
            .map(|p| u64::from_be_bytes(p[..8].try_into().expect("offset"))))
    }
}

#[async_trait]
impl EventStore for EmbeddedStore {
    async fn append(&self, request: AppendRequest) -> Result<Vec<Event>> {
        let mut inner = self.inner.lock().expect("store mutex poisoned");
        check_expectations(&request.expectations, |s| inner.stream_version(s))?;
        let now = request
            .now
            .round(jiff::Unit::Second)
            .map_err(|e| Failure::internal(e.to_string()))?;
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
        let mut versions = std::collections::HashMap::new();
        let mut prev_hash = inner.head.hash.clone();
        let mut seq = inner.head.seq;
        let mut bytes = Vec::new();
        let mut placed = Vec::with_capacity(request.events.len());
        for new in request.events {
            let version = match versions.get(&new.stream) {
                Some(v) => *v + 1,
                None => inner.stream_version(&new.stream)? + 1,
            };
            versions.insert(new.stream.clone(), version);
            seq += 1;
            let event = Event::seal(new, seq, version, recorded_at.clone(), prev_hash);
            prev_hash = event.hash.clone();
            let line = event.to_line();
            let offset = inner.log_len + bytes.len() as u64;
            bytes.extend_from_slice(line.as_bytes());
            bytes.push(b'\n');
            placed.push((event, offset, line.len() as u32 + 1));
        }
        if placed.is_empty() {
            return Ok(Vec::new());
        }
        // One write and one fdatasync: the batch is acknowledged only once it is on the device.
        if let Err(e) = inner
            .log
            .write_all(&bytes)
            .and_then(|_| inner.log.sync_data())
        {
            // Nothing was acknowledged; cut back whatever reached the file so the log stays whole.
            let len = inner.log_len;
            let _ = inner.log.set_len(len);
            return Err(e.into());
        }
        inner.log_len += bytes.len() as u64;
        index_events(&mut inner, &placed)?;
        Ok(placed.into_iter().map(|(e, _, _)| e).collect())
    }

    async fn read_stream(&self, stream: &str) -> Result<Vec<Event>> {
        let inner = self.inner.lock().expect("store mutex poisoned");
        let mut prefix = stream.as_bytes().to_vec();
        prefix.push(0);
        let mut events = Vec::new();
        for entry in inner.stream_events.scan_prefix(&prefix) {
            let (_, seq) = entry?;
            let place = inner
                .seqs
                .get(&seq)?
                .ok_or_else(|| Failure::internal("index names a missing seq"))?;
            events.push(inner.read_at(&place)?);
        }
        Ok(events)
    }

    async fn read_from(&self, from_seq: u64) -> Result<Vec<Event>> {
        let inner = self.inner.lock().expect("store mutex poisoned");
        let from_seq = from_seq.max(1);
        let Some(offset) = inner.offset_of(from_seq)? else {
            return Ok(Vec::new());
        };
        let mut file = &inner.log;
        file.seek(SeekFrom::Start(offset))?;
        let mut text = Vec::with_capacity((inner.log_len - offset) as usize);
        file.take(inner.log_len - offset).read_to_end(&mut text)?;
        text.split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| {
                serde_json::from_slice(l)
                    .map_err(|e| Failure::integrity(format!("a log line is not an event: {e}")))
            })
            .collect()
    }

    async fn streams(&self, prefix: &str) -> Result<Vec<String>> {
        let inner = self.inner.lock().expect("store mutex poisoned");
        inner
            .stream_heads
            .scan_prefix(prefix.as_bytes())
            .map(|e| Ok(String::from_utf8_lossy(&e?.0).into_owned()))
            .collect()
    }

    async fn stream_version(&self, stream: &str) -> Result<u64> {
        self.inner
            .lock()
            .expect("store mutex poisoned")
            .stream_version(stream)
    }

    async fn head(&self) -> Result<Head> {
        Ok(self
            .inner
            .lock()
            .expect("store mutex poisoned")
            .head
            .clone())
    }

    async fn close(&self) -> Result<()> {
        let inner = self.inner.lock().expect("store mutex poisoned");
        inner.db.flush()?;
        Ok(())
    }

    fn location(&self) -> String {
        self.dir.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::NewEvent;
    use crate::store::Expectation;
    use serde_json::json;

    fn request(stream: &str, expect: Option<u64>, n: usize) -> AppendRequest {
        AppendRequest {
            events: (0..n)
                .map(|i| NewEvent {
                    stream: stream.into(),
                    kind: "noted".into(),
                    actor: "jce".into(),
                    effective_on: "2008-09-01".into(),
                    data: json!({ "i": i }),
                })
                .collect(),
            expectations: expect
                .map(|v| {
                    vec![Expectation {
                        stream: stream.into(),
                        version: v,
                    }]
                })
                .unwrap_or_default(),
            now: "2008-09-01T16:30:00Z".parse().unwrap(),
            tz: jiff::tz::TimeZone::get("Europe/London").unwrap(),
        }
    }

    #[tokio::test]
    async fn appends_reads_and_reopens() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("store");
        {
            let store = EmbeddedStore::open(&dir, OpenMode::Create, Duration::ZERO).unwrap();
            let written = store.append(request("a", Some(0), 2)).await.unwrap();
            assert_eq!(written[1].version, 2);
            assert_eq!(written[0].recorded_at, "2008-09-01T17:30:00+01:00");
            store.append(request("b", None, 1)).await.unwrap();
            let err = store.append(request("a", Some(1), 1)).await.unwrap_err();
            assert_eq!(err.kind, crate::FailureKind::Conflict);
            store.close().await.unwrap();
        }
        let store = EmbeddedStore::open(&dir, OpenMode::Existing, Duration::ZERO).unwrap();
        assert_eq!(store.head().await.unwrap().seq, 3);
        assert_eq!(store.read_stream("a").await.unwrap().len(), 2);
        assert_eq!(store.read_from(2).await.unwrap().len(), 2);
        assert_eq!(
            store.streams("").await.unwrap(),
            vec!["a".to_string(), "b".to_string()]
        );
    }

    #[tokio::test]
    async fn a_partial_tail_is_dropped_and_the_index_rebuilt() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("store");
        {
            let store = EmbeddedStore::open(&dir, OpenMode::Create, Duration::ZERO).unwrap();
            store.append(request("a", None, 3)).await.unwrap();
        }
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.join(LOG_FILE))
            .unwrap()
            .write_all(b"{\"seq\":4,")
            .unwrap();
        std::fs::remove_dir_all(dir.join(INDEX_DIR)).unwrap();
        let store = EmbeddedStore::open(&dir, OpenMode::Existing, Duration::ZERO).unwrap();
        assert_eq!(store.head().await.unwrap().seq, 3);
        let next = store.append(request("a", Some(3), 1)).await.unwrap();
        assert_eq!(next[0].seq, 4);
        let text = std::fs::read(dir.join(LOG_FILE)).unwrap();
        assert!(crate::chain::verify_lines(&text[..], None).unwrap().ok);
    }

    #[test]
    fn a_second_holder_is_told_the_store_is_busy() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("store");
        let _first = EmbeddedStore::open(&dir, OpenMode::Create, Duration::ZERO).unwrap();
        let err = EmbeddedStore::open(&dir, OpenMode::Existing, Duration::from_millis(50))
            .err()
            .unwrap();
        assert_eq!(err.kind, crate::FailureKind::Conflict);
    }
}
