use super::index::INDEX_DIR;
use super::*;
use crate::event::NewEvent;
use crate::store::Expectation;
use serde_json::json;

pub(super) fn request(stream: &str, expect: Option<u64>, n: usize) -> AppendRequest {
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

pub(super) fn open(dir: &Path) -> EmbeddedStore {
    EmbeddedStore::open(dir, OpenMode::Existing, Duration::ZERO).unwrap()
}

/// Everything a reader can see, to compare a store before and after its index is rebuilt.
pub(super) async fn snapshot(
    store: &EmbeddedStore,
) -> (Head, Vec<String>, Vec<Vec<Event>>, Vec<Event>) {
    let streams = store.streams("").await.unwrap();
    let mut per_stream = Vec::new();
    for s in &streams {
        per_stream.push(store.read_stream(s).await.unwrap());
    }
    (
        store.head().await.unwrap(),
        streams,
        per_stream,
        store.read_from(1).await.unwrap(),
    )
}

/// A store with `n` events over a few streams.
pub(super) async fn filled(dir: &Path, n: usize) -> EmbeddedStore {
    let store = EmbeddedStore::open(dir, OpenMode::Create, Duration::ZERO).unwrap();
    for i in 0..n {
        store
            .append(request(&format!("s{}", i % 5), None, 1 + i % 2))
            .await
            .unwrap();
    }
    store
}

pub(super) fn log_ok(dir: &Path) -> bool {
    let text = std::fs::read(dir.join(LOG_FILE)).unwrap();
    crate::chain::verify_lines(&text[..], None).unwrap().ok
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
    let store = open(&dir);
    assert_eq!(store.head().await.unwrap().seq, 3);
    assert_eq!(store.read_stream("a").await.unwrap().len(), 2);
    assert_eq!(store.read_from(2).await.unwrap().len(), 2);
    assert_eq!(
        store.streams("").await.unwrap(),
        vec!["a".to_string(), "b".to_string()]
    );
}

#[tokio::test]
async fn recorded_at_is_never_after_now() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = EmbeddedStore::open(&dir, OpenMode::Create, Duration::ZERO).unwrap();
    let mut late = request("a", None, 1);
    late.now = "2008-09-01T16:30:00.9Z".parse().unwrap();
    let written = store.append(late).await.unwrap();
    assert_eq!(written[0].recorded_at, "2008-09-01T17:30:00+01:00");
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
    let store = open(&dir);
    assert_eq!(store.head().await.unwrap().seq, 3);
    let next = store.append(request("a", Some(3), 1)).await.unwrap();
    assert_eq!(next[0].seq, 4);
    assert!(log_ok(&dir));
}

#[tokio::test]
async fn a_partial_tail_is_dropped_when_the_index_is_current() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    drop(filled(&dir, 4).await);
    let len = std::fs::metadata(dir.join(LOG_FILE)).unwrap().len();
    std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join(LOG_FILE))
        .unwrap()
        .write_all(b"{\"seq\":7,\"stream\":\"s")
        .unwrap();
    let store = open(&dir);
    assert_eq!(std::fs::metadata(dir.join(LOG_FILE)).unwrap().len(), len);
    assert_eq!(store.head().await.unwrap().seq, 6);
    store.append(request("s0", Some(1), 1)).await.unwrap();
    assert!(log_ok(&dir));
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

#[tokio::test]
async fn the_index_is_rebuilt_after_deletion() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = filled(&dir, 40).await;
    let before = snapshot(&store).await;
    assert_eq!(before.0.seq, 60);
    drop(store);
    std::fs::remove_dir_all(dir.join(INDEX_DIR)).unwrap();
    let store = open(&dir);
    assert_eq!(snapshot(&store).await, before);
    // And it goes on from there.
    let next = store.append(request("s1", Some(12), 1)).await.unwrap();
    assert_eq!((next[0].seq, next[0].version), (61, 13));
    assert!(log_ok(&dir));
}

#[tokio::test]
async fn an_index_behind_the_log_catches_up() {
    // As after a crash between the log's fdatasync and the index update: the log holds events
    // the index has never seen.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let behind = tmp.path().join("behind");
    let store = filled(&dir, 10).await;
    drop(store);
    copy_dir(&dir, &behind);
    let store = open(&dir);
    store.append(request("s2", Some(3), 2)).await.unwrap();
    store.append(request("new", Some(0), 1)).await.unwrap();
    let after = snapshot(&store).await;
    drop(store);
    // `behind` gets the longer log but keeps its older index.
    std::fs::copy(dir.join(LOG_FILE), behind.join(LOG_FILE)).unwrap();
    let store = open(&behind);
    assert_eq!(snapshot(&store).await, after);
    assert_eq!(store.stream_version("s2").await.unwrap(), 5);
    assert_eq!(store.read_stream("new").await.unwrap()[0].seq, 18);
}

#[tokio::test]
async fn a_dirty_or_garbled_index_is_rebuilt() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = filled(&dir, 12).await;
    let before = snapshot(&store).await;
    drop(store);
    // (A garbled `names` file is not noticed by every read: the index guards against crashes,
    // not against someone editing it.)
    for file in ["meta", "streams", "seqs"] {
        let path = dir.join(INDEX_DIR).join(file);
        let len = std::fs::metadata(&path).unwrap().len();
        std::fs::write(&path, vec![0x5a; len as usize]).unwrap();
        let store = open(&dir);
        assert_eq!(snapshot(&store).await, before, "after garbling {file}");
    }
}

#[tokio::test]
async fn a_damaged_record_is_noticed_on_read_and_repaired() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = filled(&dir, 12).await;
    let before = snapshot(&store).await;
    drop(store);
    // Point seq 3's record at seq 1's line; the meta still says the index is sound.
    let path = dir.join(INDEX_DIR).join("seqs");
    let mut seqs = std::fs::read(&path).unwrap();
    seqs[32..40].copy_from_slice(&0u64.to_le_bytes());
    std::fs::write(&path, &seqs).unwrap();
    let store = open(&dir);
    let stream = before
        .2
        .iter()
        .find(|s| s.iter().any(|e| e.seq == 3))
        .unwrap();
    assert_eq!(&store.read_stream(&stream[0].stream).await.unwrap(), stream);
    assert_eq!(snapshot(&store).await, before);
}

#[tokio::test]
async fn a_stale_stream_head_is_noticed_before_appending() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = filled(&dir, 12).await;
    drop(store);
    // Make the table claim s0 is one version behind (its last seq then names another stream's line).
    let idx = dir.join(INDEX_DIR);
    let mut table = std::fs::read(idx.join("streams")).unwrap();
    let mut patched = false;
    for (slot, bucket) in table[64..].chunks_mut(40).enumerate() {
        let name = u64::from_le_bytes(bucket[8..16].try_into().unwrap());
        let hash = u64::from_le_bytes(bucket[..8].try_into().unwrap());
        if hash != 0 && (name & 0xff_ffff) == 2 {
            let names = std::fs::read(idx.join("names")).unwrap();
            let at = (name >> 24) as usize + 4;
            if &names[at..at + 2] == b"s0" {
                let v = u64::from_le_bytes(bucket[16..24].try_into().unwrap());
                bucket[16..24].copy_from_slice(&(v - 1).to_le_bytes());
                bucket[24..32].copy_from_slice(&1u64.to_le_bytes());
                // A consistent forgery (its check resealed), not mere damage.
                super::index::reseal_bucket(bucket, slot as u64);
                patched = true;
            }
        }
    }
    assert!(patched);
    std::fs::write(idx.join("streams"), &table).unwrap();
    let store = open(&dir);
    // s0 has events from i = 0, 5, 10: 1 + 2 + 1.
    let written = store.append(request("s0", Some(4), 1)).await.unwrap();
    assert_eq!(written[0].version, 5);
    assert!(log_ok(&dir));
}

#[tokio::test]
async fn a_log_line_that_is_not_an_event_is_an_integrity_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    drop(filled(&dir, 3).await);
    let mut text = std::fs::read(dir.join(LOG_FILE)).unwrap();
    text.splice(0..1, b"x".iter().copied());
    std::fs::write(dir.join(LOG_FILE), &text).unwrap();
    std::fs::remove_dir_all(dir.join(INDEX_DIR)).unwrap();
    let err = EmbeddedStore::open(&dir, OpenMode::Existing, Duration::ZERO)
        .err()
        .unwrap();
    assert_eq!(err.kind, crate::FailureKind::Integrity);
}

#[tokio::test]
async fn the_sled_index_of_an_earlier_version_is_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    drop(filled(&dir, 3).await);
    std::fs::create_dir(dir.join(LEGACY_SLED_DIR)).unwrap();
    std::fs::write(dir.join(LEGACY_SLED_DIR).join("db"), b"sled").unwrap();
    let store = open(&dir);
    assert!(!dir.join(LEGACY_SLED_DIR).exists());
    assert_eq!(store.head().await.unwrap().seq, 4);
}

#[tokio::test]
async fn export_lines_is_the_log_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = filled(&dir, 9).await;
    // A value the fast line reader leaves to serde_json.
    let mut odd = request("odd", None, 1);
    odd.events[0].data = json!({"ratio": 0.25, "é": "\u{1}"});
    store.append(odd).await.unwrap();
    let mut out = Vec::new();
    assert_eq!(store.export_lines(1, &mut out).await.unwrap(), 14);
    assert_eq!(out, std::fs::read(dir.join(LOG_FILE)).unwrap());
    let lines: String = store
        .read_from(4)
        .await
        .unwrap()
        .iter()
        .map(|e| e.to_line() + "\n")
        .collect();
    let mut tail = Vec::new();
    assert_eq!(store.export_lines(4, &mut tail).await.unwrap(), 11);
    assert_eq!(String::from_utf8(tail).unwrap(), lines);
    assert!(crate::chain::verify_lines(&out[..], None).unwrap().ok);
    let mut verifier = crate::chain::LineVerifier::new(Some(&store.head().await.unwrap().hash));
    store.export_lines(1, &mut verifier).await.unwrap();
    let report = verifier.finish().unwrap();
    assert!(report.ok && report.events == 14, "{report:?}");
    assert_eq!(
        store.read_stream("odd").await.unwrap()[0].data["ratio"],
        0.25
    );
}

#[tokio::test]
async fn for_each_from_hands_over_what_read_from_returns() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = filled(&dir, 30).await;
    let mut seen = Vec::new();
    store
        .for_each_from(7, &mut |e| {
            seen.push(e);
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(seen, store.read_from(7).await.unwrap());
    let mut n = 0;
    let err = store
        .for_each_from(1, &mut |_| {
            n += 1;
            if n == 3 {
                Err(Failure::refused("enough"))
            } else {
                Ok(())
            }
        })
        .await
        .unwrap_err();
    assert_eq!((err.message.as_str(), n), ("enough", 3));
    let mut none = 0;
    store
        .for_each_from(46, &mut |_| {
            none += 1;
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(none, 0);
}

#[tokio::test]
async fn many_streams_and_a_long_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = EmbeddedStore::open(&dir, OpenMode::Create, Duration::ZERO).unwrap();
    // Big enough for several stream-table doublings and a multi-threaded full read.
    let batch = |k: usize| AppendRequest {
        events: (0..500)
            .map(|i| NewEvent {
                stream: format!("p-{}", (k * 500 + i) % 3000),
                kind: "noted".into(),
                actor: "jce".into(),
                effective_on: "2008-09-01".into(),
                data: json!({"pad": "x".repeat(300), "i": i}),
            })
            .collect(),
        ..request("x", None, 0)
    };
    for k in 0..12 {
        store.append(batch(k)).await.unwrap();
    }
    assert_eq!(store.streams("p-").await.unwrap().len(), 3000);
    assert_eq!(store.streams("p-29").await.unwrap().len(), 111);
    assert_eq!(store.streams("q-").await.unwrap(), Vec::<String>::new());
    assert_eq!(store.streams("").await.unwrap().len(), 3000);
    assert_eq!(store.read_stream("p-7").await.unwrap().len(), 2);
    let all = store.read_from(1).await.unwrap();
    assert_eq!(all.len(), 6000);
    assert!(all.iter().enumerate().all(|(i, e)| e.seq == i as u64 + 1));
    drop(store);
    std::fs::remove_dir_all(dir.join(INDEX_DIR)).unwrap();
    let store = open(&dir);
    assert_eq!(store.read_from(1).await.unwrap(), all);
    assert_eq!(store.stream_version("p-2999").await.unwrap(), 2);
    assert_eq!(store.streams("p-29").await.unwrap().len(), 111);
    store.append(request("p-29x", None, 1)).await.unwrap();
    assert_eq!(store.streams("p-29").await.unwrap().len(), 112);
}

#[test]
fn concurrent_appenders_share_syncs_and_lose_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = Arc::new(EmbeddedStore::open(&dir, OpenMode::Create, Duration::ZERO).unwrap());
    std::thread::scope(|scope| {
        for t in 0..4 {
            let store = Arc::clone(&store);
            scope.spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap();
                for i in 0..25 {
                    let written = rt
                        .block_on(store.append(request(&format!("t{t}"), Some(i), 1)))
                        .unwrap();
                    assert_eq!(written[0].version, i + 1);
                }
            });
        }
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert_eq!(rt.block_on(store.head()).unwrap().seq, 100);
    let state = store.sync.lock().unwrap();
    assert_eq!(
        state.durable,
        std::fs::metadata(dir.join(LOG_FILE)).unwrap().len()
    );
    drop(state);
    assert!(log_ok(&dir));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
