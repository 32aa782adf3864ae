//! The reminder projection against a fresh fold: built at every split of the demo's history and
//! carried forward event by event, and rebuilt when what is saved is damaged or of another log.

use super::*;
use crate::ops::projection_testing::{append, demo, events_of, runtime, session_with};
use crate::ops::Session;
use engine::{Event, NewEvent};

/// The demo with the Joint Chief Executive's trial and each council's six-month review of it.
const DEMO_ARRANGEMENTS: &str =
    include_str!("../../../tests/fixtures/demo-2008-arrangements/export.jsonl");

/// The projection (saved, then brought forward) gives what a fresh fold of the log gives.
async fn same_as_fresh(session: &mut Session) {
    let (projected, head) = live_from(session, 0).await.expect("the projection");
    let snap = snapshot(session, &Cut::LIVE).await.expect("a fresh fold");
    let fresh = facts(&snap).expect("facts");
    assert_eq!(head, snap.head);
    assert_eq!(projected.proposals, fresh.proposals, "at seq {}", head.seq);
    assert_eq!(
        projected.milestones, fresh.milestones,
        "at seq {}",
        head.seq
    );
    assert_eq!(projected.risks, fresh.risks, "at seq {}", head.seq);
    assert_eq!(
        projected.arrangements, fresh.arrangements,
        "at seq {}",
        head.seq
    );
    assert_eq!(projected.meetings, fresh.meetings, "at seq {}", head.seq);
    let until = "2011-01-01T00:00:00Z".parse().unwrap();
    assert_eq!(projected.reminders(until), fresh.reminders(until));
    assert!(load(session.store.as_ref()).await.is_some(), "saved");
}

#[test]
fn brought_forward_from_any_split_equals_a_fresh_fold_at_every_prefix() {
    forward_from_splits(&demo(), &[1, 2, 5, 14, 30, 47, 60]);
}

#[test]
fn arrangement_reviews_brought_forward_equal_a_fresh_fold() {
    let events = events_of(DEMO_ARRANGEMENTS);
    let reviews: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == "arrangement-review-recorded")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(reviews.len(), 2, "each council's six-month review");
    // Split just before, at and after each review.
    let splits: Vec<usize> = reviews.iter().flat_map(|i| [*i, i + 1, i + 2]).collect();
    forward_from_splits(&events, &splits);
}

fn forward_from_splits(events: &[Event], splits: &[usize]) {
    for &split in splits.iter().chain([&events.len()]) {
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

/// A risk event of stream `risk`, recorded at `at` (only its stream, kind, actor, date and data
/// are appended again).
fn risk_event(risk: &str, kind: &str, on: &str, at: &str, data: serde_json::Value) -> Event {
    let new = NewEvent {
        stream: risk.into(),
        kind: kind.into(),
        actor: "jce".into(),
        effective_on: on.into(),
        data,
    };
    Event::seal(new, 1, 1, at.into(), engine::ZERO_HASH.into())
}

/// The demo with two risks entered, one updated (a new review date) and one closed, in order.
fn demo_with_risks() -> Vec<Event> {
    use serde_json::json;
    let added = |id: &str, proposal: Option<&str>, review: &str| {
        json!({"id": id, "title": format!("{id}'s title"), "proposal": proposal,
            "likelihood": 4, "impact": 4, "score": 16, "owner": "jce",
            "mitigation": "watch it", "review": review})
    };
    let mut events = demo();
    let at = events
        .iter()
        .position(|e| e.effective_on.as_str() > "2008-12-01")
        .unwrap();
    let extra = [
        risk_event(
            "risk-1",
            "risk-added",
            "2008-12-01",
            "2008-12-01T10:00:00Z",
            added("risk-1", Some("elections"), "2009-01-15"),
        ),
        risk_event(
            "risk-2",
            "risk-added",
            "2008-12-01",
            "2008-12-01T10:01:00Z",
            added("risk-2", None, "2009-02-02"),
        ),
    ];
    events.splice(at..at, extra);
    let updated = json!({"id": "risk-1", "likelihood": 2, "impact": 4, "score": 8,
        "previous_score": 16, "owner": "jce", "mitigation": "watch it", "review": "2009-06-15",
        "changed": ["likelihood", "review"], "reason": "reviewed"});
    let closed = json!({"id": "risk-2", "score": 16, "reason": "done"});
    events.push(risk_event(
        "risk-1",
        "risk-updated",
        "2009-07-02",
        "2009-07-02T10:00:00+01:00",
        updated,
    ));
    events.push(risk_event(
        "risk-2",
        "risk-closed",
        "2009-07-02",
        "2009-07-02T10:01:00+01:00",
        closed,
    ));
    events
}

#[test]
fn risks_brought_forward_equal_a_fresh_fold_at_every_prefix() {
    let events = demo_with_risks();
    for split in [1, 60, events.len() - 2] {
        let dir = tempfile::tempdir().unwrap();
        runtime().block_on(async {
            let mut session = session_with(dir.path(), &events[..split]).await;
            same_as_fresh(&mut session).await;
            for i in split..events.len() {
                append(&mut session, &events[i..=i]).await;
                same_as_fresh(&mut session).await;
            }
            let (facts, _) = live_from(&mut session, 0).await.unwrap();
            let open: Vec<bool> = facts.risks.iter().map(|r| r.open).collect();
            assert_eq!(open, [true, false], "risk-1 open, risk-2 closed");
        });
    }
}

#[test]
fn damaged_or_foreign_projections_are_rebuilt_never_answered_from() {
    let events = demo();
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let mut session = session_with(dir.path(), &events).await;
        same_as_fresh(&mut session).await;
        let head = session.store.head().await.unwrap();
        let good = session.store.load_snapshot(KEY).await.unwrap().unwrap().1;
        let mut cut_short = good.clone();
        cut_short.truncate(good.len() / 2);
        let mut foreign: Projection = serde_json::from_slice(&good[1..]).unwrap();
        foreign.hash = "0".repeat(64);
        foreign.streams.clear();
        let mut beyond = foreign.clone();
        beyond.seq = head.seq + 5;
        let mut older = foreign.clone();
        older.made_by = "0.0.0/0".into();
        for (what, bytes) in [
            ("not JSON", b"\x01{not json".to_vec()),
            ("cut short", cut_short),
            ("another format", [&[FORMAT + 1][..], &good[1..]].concat()),
            ("another log", encode(&foreign)),
            ("beyond the log", encode(&beyond)),
            ("another fold", encode(&older)),
        ] {
            session
                .store
                .save_snapshot(KEY, head.seq, &bytes)
                .await
                .unwrap();
            same_as_fresh(&mut session).await;
            let saved = session.store.load_snapshot(KEY).await.unwrap().unwrap().1;
            assert_eq!(saved, good, "{what}: rebuilt and saved again");
        }
    });
}

fn encode(p: &Projection) -> Vec<u8> {
    let mut bytes = vec![FORMAT];
    serde_json::to_writer(&mut bytes, p).unwrap();
    bytes
}

#[test]
fn only_the_streams_changed_since_are_folded_again() {
    let events = demo();
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let mut session = session_with(dir.path(), &events[..40]).await;
        same_as_fresh(&mut session).await;
        // Mark one proposal's saved facts; a later event of another stream must leave it alone.
        let mut saved = load(session.store.as_ref()).await.unwrap();
        let Some(Entry::Proposal(Some((facts, _)))) = saved.streams.get_mut("proposal-payroll")
        else {
            panic!("payroll is in the projection");
        };
        facts.title = "as saved".into();
        let head = session.store.head().await.unwrap();
        session
            .store
            .save_snapshot(KEY, head.seq, &encode(&saved))
            .await
            .unwrap();
        let other = events[40..]
            .iter()
            .position(|e| e.stream.starts_with("proposal-") && e.stream != "proposal-payroll")
            .unwrap();
        append(&mut session, &events[40..=40 + other]).await;
        let changed = events[40..=40 + other]
            .iter()
            .any(|e| e.stream == "proposal-payroll");
        let (projected, _) = live_from(&mut session, 0).await.unwrap();
        let payroll = projected
            .proposals
            .iter()
            .find(|p| p.id == "payroll")
            .unwrap();
        assert_eq!(payroll.title == "as saved", !changed);
    });
}

/// A Board meeting's event, sealed as the demo's are (new hash on append).
fn meeting_event(on: &str, draft: crate::board::rules::MeetingDraft) -> Event {
    let mut event = demo().pop().unwrap();
    event.stream = format!("board-meeting-{on}");
    event.kind = draft.kind.to_string();
    event.actor = "jce".into();
    event.effective_on = on.into();
    event.data = draft.data;
    event
}

#[test]
fn board_meetings_are_brought_forward_like_every_other_stream() {
    use crate::board::rules::{decide_approve, decide_draft, decide_schedule, Schedule};
    use crate::partnership::Partnership;
    use jiff::civil::date;
    let p =
        Partnership::from_toml(include_str!("../../../examples/bromsgrove-redditch.toml")).unwrap();
    let (sep, nov) = (date(2008, 9, 1), date(2008, 11, 3));
    let first = Schedule {
        on: sep,
        at: None,
        venue: None,
    };
    let second = Schedule {
        on: nov,
        at: None,
        venue: None,
    };
    let e1 = meeting_event(
        "2008-09-01",
        decide_schedule(&p, None, None, &first).unwrap(),
    );
    let m1 = crate::board::Meeting::fold(&[&e1]).unwrap().unwrap();
    let e2 = meeting_event(
        "2008-11-03",
        decide_schedule(&p, None, Some(&m1), &second).unwrap(),
    );
    let m2 = crate::board::Meeting::fold(&[&e2]).unwrap().unwrap();
    let e3 = meeting_event("2008-09-01", decide_draft(&m1, "Minutes", sep).unwrap());
    let drafted = crate::board::Meeting::fold(&[&e1, &e3]).unwrap().unwrap();
    let e4 = meeting_event("2008-09-01", decide_approve(&drafted, &m2).unwrap());
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let mut session = session_with(dir.path(), &demo()).await;
        same_as_fresh(&mut session).await;
        for e in [e1, e2, e3, e4] {
            append(&mut session, std::slice::from_ref(&e)).await;
            same_as_fresh(&mut session).await;
        }
        let (projected, _) = live_from(&mut session, 0).await.unwrap();
        assert_eq!(projected.meetings.len(), 2);
        assert!(projected.meetings[0].minutes_approved);
        assert_eq!(
            projected.meetings[1].venue, "redditch",
            "the venues alternate"
        );
    });
}
