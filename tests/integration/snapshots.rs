//! Projection snapshots (sled, `STORE/snapshots/`) never change an answer: every proposal of the
//! demo store folds to the same live state from its events, from a cold snapshot store, from a
//! current snapshot, and from a snapshot of every earlier version plus the events after it.

use crate::support::binary;
use engine::store::{open_store, OpenMode, SNAPSHOT_DIR};
use std::process::Command;
use std::time::Duration;
use workflows::ops::change::live_state;
use workflows::ops::session::Session;
use workflows::proposal::{project, snapshot, Cut, PROPOSAL_STREAM_PREFIX};

#[test]
fn every_demo_proposal_folds_the_same_with_and_without_snapshots() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let out = Command::new(binary())
        .args(["demo", "--store", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "demo: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = |dir: &std::path::Path| {
        let out = Command::new(binary())
            .args([
                "--store",
                dir.to_str().unwrap(),
                "proposal",
                "list",
                "--json",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let cold = list(&dir);
    assert_eq!(list(&dir), cold, "listed again, same list");

    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = open_store(dir.to_str().unwrap(), OpenMode::Existing, Duration::ZERO)
            .await
            .unwrap();
        let mut session = Session::new(store, jiff::Timestamp::now(), None);
        let streams = session.store.streams(PROPOSAL_STREAM_PREFIX).await.unwrap();
        assert!(streams.len() >= 3, "the demo has proposals: {streams:?}");
        let mut partial_folds = 0;
        for stream in &streams {
            let events = session.store.read_stream(stream).await.unwrap();
            let history = session.partnership().await.unwrap().clone();
            let folded = project(&events, &history, &Cut::LIVE).unwrap();
            // No snapshot, then the one that read saved, without and with the events.
            assert_eq!(
                live_state(&mut session, stream, None).await.unwrap(),
                folded
            );
            assert_eq!(
                live_state(&mut session, stream, None).await.unwrap(),
                folded
            );
            assert_eq!(
                live_state(&mut session, stream, Some(&events))
                    .await
                    .unwrap(),
                folded
            );
            // A snapshot of every earlier version, then the events after it.
            for k in 1..events.len() {
                let Some(prefix) = project(&events[..k], &history, &Cut::LIVE).unwrap() else {
                    continue;
                };
                let store = &session.store;
                store
                    .save_snapshot(stream, prefix.version, &snapshot::encode(&prefix))
                    .await
                    .unwrap();
                assert_eq!(
                    live_state(&mut session, stream, None).await.unwrap(),
                    folded
                );
                partial_folds += 1;
            }
            // A snapshot of another format reads as absent.
            session
                .store
                .save_snapshot(stream, 1, b"\x00{}")
                .await
                .unwrap();
            assert_eq!(
                live_state(&mut session, stream, None).await.unwrap(),
                folded
            );
        }
        assert!(partial_folds > 0);
        session.store.close().await.unwrap();
    });
    assert!(dir.join(SNAPSHOT_DIR).is_dir());
    assert_eq!(
        list(&dir),
        cold,
        "with every snapshot saved above, same list"
    );
    std::fs::remove_dir_all(dir.join(SNAPSHOT_DIR)).unwrap();
    assert_eq!(list(&dir), cold, "snapshots deleted, same list");
}
