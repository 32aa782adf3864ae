//! Projection snapshots in sled: round trip, lazy open, reopen, and a deleted or foreign directory.

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

#[tokio::test]
async fn a_snapshot_round_trips_and_survives_a_reopen() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let store = store_with_events(&dir).await;
    assert_eq!(store.load_snapshot("proposal-a").await.unwrap(), None);
    store
        .save_snapshot("proposal-a", 3, b"state")
        .await
        .unwrap();
    store.save_snapshot("proposal-b", 7, b"").await.unwrap();
    assert_eq!(
        store.load_snapshot("proposal-a").await.unwrap(),
        Some((3, b"state".to_vec()))
    );
    store
        .save_snapshot("proposal-a", 4, b"later")
        .await
        .unwrap();
    store.close().await.unwrap();
    drop(store);

    let store = open(&dir);
    assert_eq!(
        store.load_snapshot("proposal-a").await.unwrap(),
        Some((4, b"later".to_vec()))
    );
    assert_eq!(
        store.load_snapshot("proposal-b").await.unwrap(),
        Some((7, Vec::new()))
    );
    store.close().await.unwrap();
}

#[tokio::test]
async fn sled_is_opened_only_when_a_snapshot_is_asked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let store = store_with_events(&dir).await;
    store.read_stream("proposal-a").await.unwrap();
    store.close().await.unwrap();
    assert!(!store.snapshots.is_open());
    assert!(!dir.join(SNAPSHOT_DIR).exists());
    drop(store);

    let store = open(&dir);
    store.load_snapshot("proposal-a").await.unwrap();
    assert!(store.snapshots.is_open());
    store.close().await.unwrap();
    assert!(!store.snapshots.is_open(), "close releases sled");
}

#[tokio::test]
async fn a_deleted_snapshot_directory_is_rebuilt_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let store = store_with_events(&dir).await;
    store
        .save_snapshot("proposal-a", 3, b"state")
        .await
        .unwrap();
    store.close().await.unwrap();
    drop(store);
    std::fs::remove_dir_all(dir.join(SNAPSHOT_DIR)).unwrap();

    let store = open(&dir);
    assert_eq!(store.read_stream("proposal-a").await.unwrap().len(), 3);
    assert_eq!(store.load_snapshot("proposal-a").await.unwrap(), None);
    store
        .save_snapshot("proposal-a", 3, b"again")
        .await
        .unwrap();
    store.close().await.unwrap();
    drop(store);
    let store = open(&dir);
    assert_eq!(
        store.load_snapshot("proposal-a").await.unwrap(),
        Some((3, b"again".to_vec()))
    );
}

#[tokio::test]
async fn snapshots_of_another_log_are_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let store = store_with_events(&dir).await;
    store
        .save_snapshot("proposal-a", 3, b"state")
        .await
        .unwrap();
    store.close().await.unwrap();
    drop(store);
    // Another log (same stream, same versions) with the first store's snapshots moved beside it.
    let dir2 = tmp.path().join("t");
    let store = EmbeddedStore::open(&dir2, OpenMode::Create, Duration::ZERO).unwrap();
    let mut other = request("proposal-a", Some(0), 3);
    other.now = "2009-01-01T00:00:00Z".parse().unwrap();
    store.append(other).await.unwrap();
    std::fs::rename(dir.join(SNAPSHOT_DIR), dir2.join(SNAPSHOT_DIR)).unwrap();
    assert_eq!(store.load_snapshot("proposal-a").await.unwrap(), None);
}

#[tokio::test]
async fn a_damaged_value_reads_as_absent() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let store = store_with_events(&dir).await;
    store.load_snapshot("x").await.unwrap();
    store.snapshots.put_raw("proposal-a", &[9, 1, 2]);
    assert_eq!(store.load_snapshot("proposal-a").await.unwrap(), None);
}
