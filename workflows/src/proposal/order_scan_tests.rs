//! The one-pass scan finds what `date_order::scan` finds stream by stream, on random histories
//! whose dates are then shuffled (as a log written before the rules could hold them), several
//! proposals interleaved; it fails where that scan fails, in the same words.

use super::*;
use crate::proposal::proptests::{command, op, Op};
use crate::proposal::testing::Log;
use engine::Event;
use jiff::ToSpan;
use proptest::prelude::*;

/// The breaches `date_order::scan` finds on each stream, with the stream, in seq order.
fn scanned_per_stream(events: &[Event]) -> Result<Vec<(String, Breach)>, Failure> {
    let registry = Registry::standard();
    let mut streams: BTreeMap<String, Vec<Event>> = BTreeMap::new();
    for e in events {
        streams.entry(e.stream.clone()).or_default().push(e.clone());
    }
    let mut out = Vec::new();
    for (name, events) in streams {
        for b in date_order::scan(&events, &registry)? {
            out.push((name.clone(), b));
        }
    }
    out.sort_by_key(|(_, b)| b.seq);
    Ok(out)
}

/// The one-pass scan of `events`, reading each as its line (`json`) or as a parsed value.
fn one_pass(events: &[Event], json: bool) -> Scanned {
    let mut scan = OrderScan::new();
    for e in events {
        if json {
            let line = e.to_line();
            let view = engine::line::LineView::parse_str(&line).expect("the engine's layout");
            scan.push(&OrderEvent {
                seq: view.seq,
                stream: view.stream,
                kind: std::str::from_utf8(view.kind).unwrap(),
                effective_on: std::str::from_utf8(view.effective_on).unwrap(),
                data: Data::Json(view.data),
            });
        } else {
            scan.push(&OrderEvent::of(e));
        }
    }
    scan.finish()
}

/// A proposal's stream built from `ops`, one day apart from 1 September 2008.
fn history(id: &str, ops: &[Op]) -> Vec<Event> {
    let mut log = Log::new(id);
    log.create(crate::definition::Category::QuickWin, "2008-09-01")
        .unwrap();
    let mut day = jiff::civil::date(2008, 9, 1);
    for op in ops {
        day = day.checked_add(3.days()).unwrap();
        let (actor, cmd) = command(op, day);
        let _ = log.run(actor, &day.to_string(), cmd);
    }
    log.events
}

/// The way to the later stages, so random runs reach them often.
fn to_approval() -> Vec<Op> {
    vec![
        Op::Advance(1),
        Op::Case { valid: true },
        Op::Advance(2),
        Op::Open {
            staff: true,
            union: true,
        },
        Op::CloseConsultation,
        Op::Advance(3),
        Op::Vote(1),
        Op::Decide {
            council: 0,
            decision: 0,
        },
        Op::Decide {
            council: 1,
            decision: 0,
        },
        Op::Advance(4),
    ]
}

/// Interleaves the streams into one log (seq renumbered), shifting the dates of some events.
fn interleave(streams: Vec<Vec<Event>>, shifts: &[(usize, i32)]) -> Vec<Event> {
    let mut queues: Vec<std::collections::VecDeque<Event>> =
        streams.into_iter().map(Into::into).collect();
    let mut log = Vec::new();
    let mut turn = 0;
    while queues.iter().any(|q| !q.is_empty()) {
        let n = queues.len();
        if let Some(e) = queues[turn % n].pop_front() {
            log.push(e);
        }
        turn += 1;
    }
    for (i, e) in log.iter_mut().enumerate() {
        e.seq = i as u64 + 1;
    }
    for (at, days) in shifts {
        let n = log.len().max(1);
        let e = &mut log[at % n];
        let on: Date = e.effective_on.parse().unwrap();
        e.effective_on = on.checked_add(days.days()).unwrap().to_string();
    }
    log
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 120, ..ProptestConfig::default() })]

    #[test]
    fn one_pass_finds_what_the_scan_of_each_stream_finds(
        a in proptest::collection::vec(op(), 0..30),
        b in proptest::collection::vec(op(), 0..30),
        shifts in proptest::collection::vec((0usize..200, -60i32..60), 0..6),
    ) {
        let mut later = to_approval();
        later.extend(b);
        let log = interleave(vec![history("alpha", &a), history("beta", &later)], &shifts);
        let expected = scanned_per_stream(&log).unwrap();
        for json in [false, true] {
            let got = one_pass(&log, json);
            prop_assert!(got.failed.is_empty() && got.corrected.is_empty());
            prop_assert_eq!(&got.found, &expected);
        }
    }
}

#[test]
fn shifted_dates_are_found_as_the_scan_finds_them() {
    let mut ops = to_approval();
    ops.push(Op::Advance(5));
    let events = history("alpha", &ops);
    // The go-live (the last move) dated before everything it depends on.
    let go_live = events.len() - 1;
    let log = interleave(vec![events], &[(go_live, -40)]);
    let expected = scanned_per_stream(&log).unwrap();
    assert!(!expected.is_empty(), "the shifted go-live breaks the order");
    assert_eq!(one_pass(&log, true).found, expected);
}

#[test]
fn a_stream_with_a_correction_is_left_to_the_caller() {
    let mut log = Log::elections();
    let mut day = jiff::civil::date(2008, 9, 1);
    for op in &to_approval()[..4] {
        day = day.checked_add(3.days()).unwrap();
        let (actor, cmd) = command(op, day);
        log.run(actor, &day.to_string(), cmd).unwrap();
    }
    // The business case (the second op) a day later than recorded.
    let case = log
        .events
        .iter()
        .find(|e| e.kind == "business-case-recorded");
    let case = case.expect("a business case").clone();
    let on: Date = case.effective_on.parse().unwrap();
    let to = on.checked_add(1.days()).unwrap().to_string();
    log.correct("jce", case.seq, &to).unwrap();
    // An event out of order before the correction: not judged here either.
    let mut events = log.events.clone();
    events[1].effective_on = "2008-08-01".into();
    for events in [log.events.clone(), events] {
        let got = one_pass(&events, false);
        assert_eq!(
            got.corrected.into_iter().collect::<Vec<_>>(),
            vec!["proposal-elections".to_string()]
        );
        assert!(got.found.is_empty() && got.failed.is_empty());
    }
}

#[test]
fn data_it_cannot_read_fails_in_the_words_of_the_scan() {
    let mut events = history("alpha", &to_approval());
    let at = events.len() - 1;
    events[at].data = serde_json::json!({"council": 7});
    let expected = scanned_per_stream(&events).unwrap_err();
    for json in [false, true] {
        let got = one_pass(&events, json);
        let failure = got.failed.get("proposal-alpha").expect("the stream failed");
        assert_eq!(failure.message, expected.message);
    }
}
