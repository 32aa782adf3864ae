//! The due index answers "nothing due" only when a fresh read of the facts agrees: every
//! reminder due by then fired, none falling due within the window, the log moved only by firings.

use super::*;
use crate::ops::reminder_projection::live_from;
use crate::ops::reminders::fired;
use engine::store::{EmbeddedStore, OpenMode};
use engine::{AppendRequest, Event, NewEvent};
use std::time::Duration;

const DEMO: &str = include_str!("../../../tests/fixtures/demo-2008/export.jsonl");

fn demo() -> Vec<Event> {
    DEMO.lines()
        .map(|l| serde_json::from_str(l).expect("an event"))
        .collect()
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

async fn append(session: &mut Session, events: Vec<NewEvent>, now: Timestamp) {
    let request = AppendRequest {
        events,
        expectations: Vec::new(),
        now,
        tz: jiff::tz::TimeZone::get("Europe/London").unwrap(),
    };
    session.store.append(request).await.expect("appended");
}

fn again(e: &Event) -> NewEvent {
    NewEvent {
        stream: e.stream.clone(),
        kind: e.kind.clone(),
        actor: e.actor.clone(),
        effective_on: e.effective_on.clone(),
        data: e.data.clone(),
    }
}

/// What a tick at `now` would find from the facts: nothing unfired due and nothing due soon.
fn fresh_nothing_due(facts: &Facts, fired: &BTreeSet<String>, now: Timestamp) -> bool {
    let within = now + SignedDuration::from_hours(1);
    facts
        .reminders(within)
        .iter()
        .all(|r| r.due <= now && fired.contains(&r.id))
}

#[test]
fn answers_only_what_a_fresh_read_answers_and_only_while_the_log_moved_by_firings() {
    let events = demo();
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = EmbeddedStore::open(dir.path(), OpenMode::Create, Duration::ZERO).unwrap();
        let recorded = at("2009-06-01T12:00:00Z");
        // Half a year after the history was recorded: reminders have fallen due since.
        let now = at("2010-01-15T12:00:00Z");
        let mut session = Session::new(Box::new(store), now, None);
        append(&mut session, events.iter().map(again).collect(), recorded).await;
        let proposal_event = events
            .iter()
            .rfind(|e| e.stream.starts_with("proposal-"))
            .unwrap();
        let hour = SignedDuration::from_hours(1);
        assert!(
            !nothing_due(&mut session, now, hour).await.unwrap(),
            "no index yet"
        );

        let (facts, head) = live_from(&mut session, 0).await.unwrap();
        let mut all_fired = fired(&mut session).await.unwrap();
        all_fired.extend(facts.reminders(now).into_iter().map(|r| r.id));
        // One reminder due by then that had not fired: a tick has work.
        let due_by_then = facts.reminders(now);
        let first = due_by_then
            .first()
            .expect("the demo has reminders due by then");
        let mut one_unfired = all_fired.clone();
        one_unfired.remove(&first.id);
        save(&mut session, &head, &facts, &one_unfired, now)
            .await
            .unwrap();
        assert!(
            !nothing_due(&mut session, now, hour).await.unwrap(),
            "unfired"
        );

        save(&mut session, &head, &facts, &all_fired, now)
            .await
            .unwrap();
        for days in [0, 1, 3, 10, 30, 45] {
            let later = now + SignedDuration::from_hours(24 * days);
            let answer = nothing_due(&mut session, later, hour).await.unwrap();
            let fresh = fresh_nothing_due(&facts, &all_fired, later);
            assert!(
                !answer || fresh,
                "{days} days on: the index says nothing is due"
            );
            if days == 0 {
                assert_eq!(answer, fresh, "right after the tick");
            }
        }
        let before = now - SignedDuration::from_hours(1);
        assert!(
            !nothing_due(&mut session, before, hour).await.unwrap(),
            "clock went back"
        );

        // A firing recorded since keeps the answer; any other event withdraws it.
        let firing = NewEvent {
            stream: format!("{STREAM_PREFIX}test"),
            kind: "reminder-fired".into(),
            actor: "ops".into(),
            effective_on: "2009-06-01".into(),
            data: serde_json::json!({}),
        };
        let answer = nothing_due(&mut session, now, hour).await.unwrap();
        append(&mut session, vec![firing], recorded).await;
        assert_eq!(nothing_due(&mut session, now, hour).await.unwrap(), answer);
        append(&mut session, vec![again(proposal_event)], recorded).await;
        assert!(
            !nothing_due(&mut session, now, hour).await.unwrap(),
            "the log moved"
        );

        session
            .store
            .save_small_snapshot(KEY, head.seq, b"\x01{damaged")
            .await
            .unwrap();
        assert!(
            !nothing_due(&mut session, now, hour).await.unwrap(),
            "damaged"
        );
    });
}

#[test]
fn a_damaged_index_file_is_a_miss_and_the_next_save_rebuilds_it() {
    let events = demo();
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = EmbeddedStore::open(dir.path(), OpenMode::Create, Duration::ZERO).unwrap();
        let now = at("2010-01-15T12:00:00Z");
        let mut session = Session::new(Box::new(store), now, None);
        append(&mut session, events.iter().map(again).collect(), now).await;
        let (facts, head) = live_from(&mut session, 0).await.unwrap();
        let mut all_fired = fired(&mut session).await.unwrap();
        all_fired.extend(facts.reminders(now).into_iter().map(|r| r.id));
        save(&mut session, &head, &facts, &all_fired, now)
            .await
            .unwrap();
        let hour = SignedDuration::from_hours(1);
        let answer = nothing_due(&mut session, now, hour).await.unwrap();
        assert_eq!(answer, fresh_nothing_due(&facts, &all_fired, now));
        assert!(answer, "the demo has nothing due right after a tick");
        // The index is a file of its own beside the log: damage any byte of it.
        let file = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                name.starts_with(engine::store::SMALL_SNAPSHOT_PREFIX)
            })
            .expect("the index's file");
        let good = std::fs::read(&file).unwrap();
        for at in [0, good.len() / 2, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x01;
            std::fs::write(&file, &bad).unwrap();
            assert!(
                !nothing_due(&mut session, now, hour).await.unwrap(),
                "byte {at} damaged: rebuilt, never answered from"
            );
        }
        save(&mut session, &head, &facts, &all_fired, now)
            .await
            .unwrap();
        assert!(
            nothing_due(&mut session, now, hour).await.unwrap(),
            "rebuilt"
        );
    });
}
