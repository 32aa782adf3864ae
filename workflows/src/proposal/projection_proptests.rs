//! Random histories of two proposals interleaved in one log (back-dated events, date corrections
//! and savings corrections among them): the reminder and report projections, saved part-way and
//! brought forward, equal a fresh fold of the whole log, at the head and at random `known_at`
//! positions, for every quarter the histories span; and `proposal list`'s lines at the head.

use super::proptests::{command, op, Op};
use super::testing::{Log, BROMSGROVE_REDDITCH};
use super::Cut;
use crate::definition::Category;
use crate::ops::init::registration_event;
use crate::ops::reminders::{facts, head_at, snapshot};
use crate::ops::{list_lines, reminder_projection, report_projection, Session};
use crate::partnership::Partnership;
use crate::proposal::view::list_item;
use crate::quarter::Quarter;
use crate::report::contribution::{contribute, Contribution, Period};
use engine::store::{EmbeddedStore, OpenMode};
use engine::{AppendRequest, Event, NewEvent};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, ToSpan};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Debug, Clone)]
enum Step {
    /// A command, dated this many days after (or before, when negative) the previous step.
    Run(Op, i32),
    /// A correction of the event at this position in the stream, to this many days from its date.
    Correct(usize, i32),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => (op(), -25i32..60).prop_map(|(op, days)| Step::Run(op, days)),
        1 => (0usize..60, -40i32..40).prop_map(|(at, days)| Step::Correct(at, days)),
    ]
}

/// One proposal's stream after `steps` (what the rules refuse is left out).
fn history(id: &str, steps: &[Step]) -> Vec<Event> {
    let mut log = Log::new(id);
    log.create(Category::QuickWin, "2008-09-01").unwrap();
    let mut day = jiff::civil::date(2008, 9, 1);
    for step in steps {
        match step {
            Step::Run(op, days) => {
                day = day.checked_add(days.days()).unwrap();
                let (actor, cmd) = command(op, day);
                let _ = log.run(actor, &day.to_string(), cmd);
            }
            Step::Correct(at, days) => {
                let event = &log.events[at % log.events.len()];
                let (seq, on) = (event.seq, event.effective_on.parse::<Date>().unwrap());
                let to = on.checked_add(days.days()).unwrap();
                let _ = log.correct("jce", seq, &to.to_string());
            }
        }
    }
    log.events
}

/// The two streams interleaved as `order` says (then the rest), with each date correction's
/// `seq` renumbered to the corrected event's position in the shared log (registration first).
fn interleave(mut a: Vec<Event>, mut b: Vec<Event>, order: &[bool]) -> Vec<NewEvent> {
    a.reverse();
    b.reverse();
    let mut out = Vec::new();
    let mut renumber: BTreeMap<(String, u64), u64> = BTreeMap::new();
    let mut picks = order.iter().copied().chain(std::iter::repeat(true));
    while !a.is_empty() || !b.is_empty() {
        let from_a = picks.next().unwrap_or(true);
        let Some(mut e) = (if (from_a && !a.is_empty()) || b.is_empty() {
            a.pop()
        } else {
            b.pop()
        }) else {
            break;
        };
        let global = out.len() as u64 + 2;
        renumber.insert((e.stream.clone(), e.seq), global);
        if let Some(seq) = e.data.get("seq").and_then(|s| s.as_u64()) {
            e.data["seq"] = renumber[&(e.stream.clone(), seq)].into();
        }
        out.push(NewEvent {
            stream: e.stream,
            kind: e.kind,
            actor: e.actor,
            effective_on: e.effective_on,
            data: e.data,
        });
    }
    out
}

async fn append(session: &mut Session, events: &[NewEvent], from: usize) {
    for (i, e) in events.iter().enumerate() {
        let at: Timestamp = "2008-09-01T08:00:00Z".parse().unwrap();
        let request = AppendRequest {
            events: vec![e.clone()],
            expectations: Vec::new(),
            now: at + SignedDuration::from_mins((from + i) as i64),
            tz: jiff::tz::TimeZone::get("Europe/London").unwrap(),
        };
        session.store.append(request).await.expect("appended");
    }
}

fn quarters() -> Vec<Quarter> {
    (2008..=2009)
        .flat_map(|year| (1..=4).map(move |q| Quarter { year, q }))
        .collect()
}

fn period(quarter: Quarter) -> Period {
    let start = crate::quarter::YearStart::default();
    Period {
        quarter,
        first_day: quarter.first_day(start),
        last_day: quarter.last_day(start),
        year_start: start,
    }
}

async fn projected(session: &mut Session, period: &Period, seq: u64) -> Vec<Contribution> {
    let cut = Cut {
        seq_until: Some(seq),
        ..Cut::LIVE
    };
    let known = head_at(session.store.as_ref(), &cut).await.unwrap();
    report_projection::contributions_from(session, period, &known, 0)
        .await
        .unwrap()
}

async fn fresh(session: &mut Session, period: &Period, seq: u64) -> Vec<Contribution> {
    let cut = Cut {
        effective_until: Some(period.last_day),
        seq_until: Some(seq),
        ..Cut::LIVE
    };
    let snap = snapshot(session, &cut).await.unwrap();
    snap.proposals
        .iter()
        .map(|p| contribute(p, period))
        .collect()
}

/// Saves both projections at `split` events, appends the rest, and compares them with fresh
/// folds at the head and at `known` (a position at or after the split: brought forward; before
/// it: answered afresh).
async fn check(events: &[NewEvent], split: usize, known: usize) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let store = EmbeddedStore::open(dir.path(), OpenMode::Create, Duration::ZERO).unwrap();
    let now = "2011-01-01T00:00:00Z".parse().unwrap();
    let mut session = Session::new(Box::new(store), now, None);
    append(&mut session, &events[..split], 0).await;
    reminder_projection::live_from(&mut session, 0)
        .await
        .unwrap();
    list_lines::for_each_line_from(&mut session, 0, drop)
        .await
        .unwrap();
    for quarter in quarters() {
        projected(&mut session, &period(quarter), split as u64).await;
    }
    append(&mut session, &events[split..], split).await;
    let head = events.len() as u64;
    for quarter in quarters() {
        let period = period(quarter);
        for seq in [known as u64, head] {
            let got = projected(&mut session, &period, seq).await;
            let want = fresh(&mut session, &period, seq).await;
            prop_assert_eq!(got, want, "{} known at seq {}", quarter, seq);
        }
    }
    let (projected, _) = reminder_projection::live_from(&mut session, 0)
        .await
        .unwrap();
    let fresh = facts(&snapshot(&mut session, &Cut::LIVE).await.unwrap()).unwrap();
    prop_assert_eq!(&projected.proposals, &fresh.proposals);
    prop_assert_eq!(&projected.milestones, &fresh.milestones);
    let until = "2011-01-01T00:00:00Z".parse().unwrap();
    prop_assert_eq!(projected.reminders(until), fresh.reminders(until));
    // `proposal list`'s lines, saved at the split and brought forward.
    let mut lines = Vec::new();
    list_lines::for_each_line_from(&mut session, 0, |l| lines.push(l))
        .await
        .unwrap();
    let fresh = snapshot(&mut session, &Cut::LIVE).await.unwrap();
    let want: Vec<_> = fresh.proposals.iter().map(list_item).collect();
    prop_assert_eq!(lines, want);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn projections_brought_forward_equal_a_fresh_fold(
        a in proptest::collection::vec(step(), 1..40),
        b in proptest::collection::vec(step(), 1..40),
        order in proptest::collection::vec(any::<bool>(), 0..80),
        split in 0.0f64..1.0,
        known in 0.0f64..1.0,
    ) {
        let partnership = Partnership::from_toml(BROMSGROVE_REDDITCH).unwrap();
        let registered = registration_event(&partnership, "admin", "2008-06-30T09:00:00Z".parse().unwrap());
        let mut events = vec![registered];
        events.extend(interleave(history("alpha", &a), history("beta", &b), &order));
        let n = events.len();
        let split = 1 + ((n - 1) as f64 * split) as usize;
        let known = 1 + ((n - 1) as f64 * known) as usize;
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(check(&events, split, known))?;
    }
}
