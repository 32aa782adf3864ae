//! `proposal list`'s saved lines against a fresh fold: saved at every split of the demo's
//! history and brought forward event by event; answered from only while they cover the stream's
//! version; rebuilt when damaged, stale, another proposal's or another release's.

use super::*;
use crate::ops::projection_testing::{append, demo, runtime, session_with};
use crate::ops::reminders::snapshot;
use crate::proposal::Cut;
use engine::Event;

/// The lines (saved, then brought forward), as `sink` receives them.
async fn projected(session: &mut Session) -> Vec<ListItem> {
    let mut lines = Vec::new();
    for_each_line_from(session, 0, |l| lines.push(l))
        .await
        .expect("the lines");
    lines
}

/// Every proposal's line from a fresh fold of the log.
async fn fresh(session: &mut Session) -> Vec<ListItem> {
    let snap = snapshot(session, &Cut::LIVE).await.expect("a fresh fold");
    snap.proposals.iter().map(list_item).collect()
}

async fn same_as_fresh(session: &mut Session) {
    let got = projected(session).await;
    let head = session.store.head().await.unwrap().seq;
    assert_eq!(got, fresh(session).await, "at seq {head}");
    for line in &got {
        let saved = session
            .store
            .load_snapshot(&key(&stream_of(&line.id)))
            .await;
        assert!(
            saved.unwrap().is_some_and(|(v, _)| v == line.version),
            "{}'s line is saved at seq {head}",
            line.id
        );
    }
}

#[test]
fn brought_forward_from_any_split_equals_a_fresh_fold_at_every_prefix() {
    let events = demo();
    for split in [1, 2, 5, 14, 30, 47, 60, events.len()] {
        let dir = tempfile::tempdir().unwrap();
        runtime().block_on(async {
            let mut session = session_with(dir.path(), &events[..split]).await;
            same_as_fresh(&mut session).await;
            for i in split..events.len() {
                append(&mut session, &events[i..=i]).await;
                same_as_fresh(&mut session).await;
            }
        });
    }
}

fn encode(saved: &Saved) -> Vec<u8> {
    let mut bytes = vec![FORMAT];
    serde_json::to_writer(&mut bytes, saved).unwrap();
    bytes
}

/// The saved line of `stream`, decoded.
async fn saved_of(session: &Session, stream: &str) -> (u64, Saved) {
    let (version, bytes) = session
        .store
        .load_snapshot(&key(stream))
        .await
        .unwrap()
        .expect("a saved line");
    (version, serde_json::from_slice(&bytes[1..]).unwrap())
}

/// The first proposal stream of `events` and another.
fn two_streams(events: &[Event]) -> (String, String) {
    let mut streams = events
        .iter()
        .map(|e| e.stream.clone())
        .filter(|s| s.starts_with(PROPOSAL_STREAM_PREFIX));
    let first = streams.next().unwrap();
    let other = streams.find(|s| *s != first).unwrap();
    (first, other)
}

#[test]
fn damaged_stale_or_foreign_lines_are_rebuilt_never_answered_from() {
    let events = demo();
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let mut session = session_with(dir.path(), &events).await;
        same_as_fresh(&mut session).await;
        let (stream, other) = two_streams(&events);
        let good = session.store.load_snapshot(&key(&stream)).await.unwrap();
        let (version, good) = good.unwrap();
        let (_, mut marked) = saved_of(&session, &stream).await;
        // What answering from a bad line would show.
        marked.line.title = "answered from a bad line".into();
        let mut foreign = saved_of(&session, &other).await.1;
        foreign.line.version = version;
        let older = Saved {
            made_by: "0.0.0/0".into(),
            line: marked.line.clone(),
        };
        let mut stale = Saved {
            made_by: saved::made_by(),
            line: marked.line.clone(),
        };
        stale.line.version = version - 1;
        let mut cut_short = good.clone();
        cut_short.truncate(good.len() / 2);
        for (what, at, bytes) in [
            ("not JSON", version, b"\x01{not json".to_vec()),
            ("cut short", version, cut_short),
            (
                "another format",
                version,
                [&[FORMAT + 1][..], &good[1..]].concat(),
            ),
            ("another proposal's", version, encode(&foreign)),
            ("another release's", version, encode(&older)),
            ("a line of an earlier version", version, encode(&stale)),
            ("saved at an earlier version", version - 1, encode(&marked)),
        ] {
            session
                .store
                .save_snapshot(&key(&stream), at, &bytes)
                .await
                .unwrap();
            assert_eq!(
                projected(&mut session).await,
                fresh(&mut session).await,
                "{what}"
            );
            let saved = session.store.load_snapshot(&key(&stream)).await.unwrap();
            assert_eq!(
                saved,
                Some((version, good.clone())),
                "{what}: rebuilt and saved"
            );
        }
    });
}

#[test]
fn only_the_proposals_recorded_since_are_folded_again() {
    let events = demo();
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let mut session = session_with(dir.path(), &events[..40]).await;
        projected(&mut session).await;
        let (stream, _) = two_streams(&events[..40]);
        let (version, mut saved) = saved_of(&session, &stream).await;
        saved.line.title = "as saved".into();
        session
            .store
            .save_snapshot(&key(&stream), version, &encode(&saved))
            .await
            .unwrap();
        let title = |lines: &[ListItem]| {
            let line = lines.iter().find(|l| stream_of(&l.id) == stream).unwrap();
            line.title.clone()
        };
        // Events of other proposals leave the saved line to answer; one of its own refolds it.
        let own = events[40..]
            .iter()
            .position(|e| e.stream == stream)
            .unwrap()
            + 40;
        append(&mut session, &events[40..own]).await;
        assert_eq!(title(&projected(&mut session).await), "as saved");
        append(&mut session, &events[own..=own]).await;
        let lines = projected(&mut session).await;
        assert_ne!(title(&lines), "as saved");
        assert_eq!(lines, fresh(&mut session).await);
    });
}
