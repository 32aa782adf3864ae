//! Small snapshots in files of their own: round trip without sled, and every kind of damage,
//! another key's or another log's file, or a link, reads as a miss.

use super::tests::{open, request};
use super::*;

async fn store_with_events(dir: &Path) -> EmbeddedStore {
    let store = EmbeddedStore::open(dir, OpenMode::Create, Duration::ZERO).unwrap();
    store
        .append(request("proposal-a", Some(0), 3))
        .await
        .unwrap();
    store
}

const KEY: &str = "projection:due";

#[tokio::test]
async fn a_small_snapshot_round_trips_across_a_reopen_without_opening_sled() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let store = store_with_events(&dir).await;
    assert_eq!(store.load_small_snapshot(KEY).await.unwrap(), None);
    store.save_small_snapshot(KEY, 3, b"due").await.unwrap();
    store.save_small_snapshot(KEY, 4, b"later").await.unwrap();
    store.close().await.unwrap();
    drop(store);

    let store = open(&dir);
    assert_eq!(
        store.load_small_snapshot(KEY).await.unwrap(),
        Some((4, b"later".to_vec()))
    );
    // Another key that maps to the same file name is not this one.
    assert_eq!(
        store.load_small_snapshot("projection_due").await.unwrap(),
        None
    );
    assert!(!store.snapshots.is_open());
    assert!(!dir.join(SNAPSHOT_DIR).exists());
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(SMALL_SNAPSHOT_PREFIX))
        .collect();
    assert_eq!(names.len(), 1, "one file, no temporary left: {names:?}");
    store.close().await.unwrap();
}

#[tokio::test]
async fn a_damaged_truncated_or_linked_file_is_a_miss() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let store = store_with_events(&dir).await;
    store.save_small_snapshot(KEY, 3, b"due").await.unwrap();
    let path = small_snapshots::file_of(&dir, KEY);
    let good = std::fs::read(&path).unwrap();
    for at in 0..good.len() {
        let mut bad = good.clone();
        bad[at] ^= 0x20;
        std::fs::write(&path, &bad).unwrap();
        assert_eq!(
            store.load_small_snapshot(KEY).await.unwrap(),
            None,
            "byte {at}"
        );
    }
    for len in 0..good.len() {
        std::fs::write(&path, &good[..len]).unwrap();
        assert_eq!(
            store.load_small_snapshot(KEY).await.unwrap(),
            None,
            "{len} bytes"
        );
    }
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::write(&elsewhere, &good).unwrap();
    std::fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
    assert_eq!(
        store.load_small_snapshot(KEY).await.unwrap(),
        None,
        "a link"
    );
    // A save replaces the link, never writes through it.
    store.save_small_snapshot(KEY, 3, b"again").await.unwrap();
    assert_eq!(std::fs::read(&elsewhere).unwrap(), good);
    assert_eq!(
        store.load_small_snapshot(KEY).await.unwrap(),
        Some((3, b"again".to_vec()))
    );
    store.close().await.unwrap();
}

#[tokio::test]
async fn another_logs_file_is_a_miss() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    let store = store_with_events(&one).await;
    store.save_small_snapshot(KEY, 3, b"due").await.unwrap();
    store.close().await.unwrap();
    let other = EmbeddedStore::open(&two, OpenMode::Create, Duration::ZERO).unwrap();
    other
        .append(request("proposal-b", Some(0), 3))
        .await
        .unwrap();
    let file = small_snapshots::file_of(&one, KEY);
    std::fs::copy(&file, small_snapshots::file_of(&two, KEY)).unwrap();
    assert_eq!(other.load_small_snapshot(KEY).await.unwrap(), None);
    other.close().await.unwrap();
}
