//! The streamed replay against the one it replaced (every proposal folded from a snapshot of the
//! whole log, timelines and firings from two passes over it): the same document, byte for byte,
//! on the demo with corrected dates, at many cuts on both bases.

use super::*;
use crate::ops::projection_testing::{append, demo, runtime};
use crate::ops::reminders::snapshot;
use crate::proposal::events::DATE_CORRECTED;
use engine::store::{EmbeddedStore, OpenMode};
use std::collections::BTreeMap;
use std::time::Duration;

/// Cuts before, between and after the demo's decisions, firings and corrections.
const AS_OF: &[&str] = &[
    "2008-08-31",
    "2008-09-01",
    "2008-09-17",
    "2008-12-11",
    "2008-12-13",
    "2008-12-31",
    "2009-01-05",
    "2009-01-22",
    "2009-02-11",
    "2009-03-05",
    "2009-04-01T08:05:30Z",
    "2009-04-01",
    "2009-06-30",
    "2009-07-01T10:00:00+01:00",
    "2010-12-31",
];

/// The demo recorded command by command (each its own instant), with two dates corrected later:
/// Bromsgrove's approval of elections (seq 47, taken 10 December) to 12 December, and its go-live
/// (seq 56, 2 March 2009) to 9 March.
async fn demo_with_corrections(dir: &std::path::Path) -> Session {
    let store = EmbeddedStore::open(dir, OpenMode::Create, Duration::ZERO).expect("a store");
    let mut session = Session::new(
        Box::new(store),
        "2009-06-01T12:00:00Z".parse().unwrap(),
        None,
    );
    let events = demo();
    for group in events.chunk_by(|a, b| a.recorded_at == b.recorded_at) {
        append(&mut session, group).await;
    }
    for (seq, to, recorded) in [
        (47, "2008-12-12", "2009-01-10T10:00:00Z"),
        (56, "2009-03-09", "2009-07-02T10:00:00+01:00"),
    ] {
        let target = &events[seq as usize - 1];
        assert_eq!(target.seq, seq);
        let mut correction = target.clone();
        correction.kind = DATE_CORRECTED.to_string();
        correction.actor = "jce".to_string();
        correction.effective_on = recorded[..10].to_string();
        correction.recorded_at = recorded.to_string();
        correction.data = serde_json::json!({
            "seq": seq, "kind": target.kind, "from": target.effective_on, "to": to,
            "reason": "the minutes give the later date",
        });
        append(&mut session, &[correction]).await;
    }
    session
}

/// The replay as it was made before it streamed: every proposal's state from a snapshot of the
/// store at the cut, the corrections, timelines and firings from the whole log.
async fn by_folding_the_log(
    session: &mut Session,
    as_of: &str,
    basis: Basis,
) -> Result<Replay, Failure> {
    let tz = session.partnership().await?.latest().tz();
    let instant = parse_instant_or_date(as_of, &tz, true)?;
    let cut = basis.cut(instant, &tz);
    let snap = snapshot(session, &cut).await?;
    let log = session.store.read_from(1).await?;
    let recorded: Vec<Event> = log
        .iter()
        .filter(|e| e.kind == DATE_CORRECTED)
        .cloned()
        .collect();
    let dates = correction::corrections(&recorded, &cut)?;
    let mut fired = BTreeSet::new();
    let mut timelines: BTreeMap<String, Vec<TimelineEntry>> = BTreeMap::new();
    for event in &log {
        let event = &*correction::as_corrected(event, &dates);
        if !cut.admits(event)? {
            continue;
        }
        if let Some(id) = event.stream.strip_prefix("reminder-") {
            fired.insert(id.to_string());
        } else if let Some(id) = event.stream.strip_prefix(PROPOSAL_STREAM_PREFIX) {
            timelines
                .entry(id.to_string())
                .or_default()
                .push(timeline_entry(event));
        }
    }
    let p = snap.partnership.latest();
    let outlook = Outlook {
        until: end_of_day(add_months_clamped(local_date(instant, &tz), 12), &tz),
        tz: tz.clone(),
        year_start: p.year_start(),
        quarterly: CronSchedule::parse(&p.schedule.quarterly_report)?,
        lead_days: p.schedule.milestone_lead_days.clone(),
        council_names: council_names(&snap.partnership),
        fired,
        ends: snap.partnership.ended().map(|e| e.on),
    };
    let proposals = snap
        .proposals
        .iter()
        .map(|state| ReplayedProposal {
            view: show_view_at(state, &outlook, Some(instant)),
            timeline: timelines.remove(&state.id).unwrap_or_default(),
        })
        .collect();
    Ok(Replay {
        as_of: format_instant(instant, &tz),
        basis: basis.as_str(),
        proposals,
    })
}

/// The document as `--json` prints it, or the refusal's message (before the partnership existed).
fn pretty(replay: Result<Replay, Failure>) -> Result<String, String> {
    replay
        .map(|r| serde_json::to_string_pretty(&r).unwrap())
        .map_err(|e| e.message)
}

#[test]
fn the_streamed_replay_is_the_folded_one_at_every_cut_on_both_bases() {
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let mut session = demo_with_corrections(dir.path()).await;
        for as_of in AS_OF {
            for basis in [Basis::Effective, Basis::Recorded] {
                let old = pretty(by_folding_the_log(&mut session, as_of, basis).await);
                let new = pretty(replay(&mut session, as_of, basis).await);
                assert_eq!(new, old, "as of {as_of}, {basis:?}");
            }
        }
    });
}

#[test]
fn a_corrected_date_moves_the_event_on_the_timeline_and_in_the_state() {
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let mut session = demo_with_corrections(dir.path()).await;
        let elections = |r: &Replay| {
            r.proposals
                .iter()
                .find(|p| p.view.id == "elections")
                .cloned()
                .expect("elections")
        };
        // On 11 December, by date, Bromsgrove had not yet decided (the decision is dated 12th).
        let r = replay(&mut session, "2008-12-11", Basis::Effective)
            .await
            .unwrap();
        assert!(!elections(&r).timeline.iter().any(|e| e.seq == 47));
        let r = replay(&mut session, "2008-12-12", Basis::Effective)
            .await
            .unwrap();
        let decision = elections(&r).timeline.into_iter().find(|e| e.seq == 47);
        assert_eq!(decision.expect("decided").effective_on, "2008-12-12");
        // Live on 9 March, not 2 March.
        let r = replay(&mut session, "2009-03-05", Basis::Effective)
            .await
            .unwrap();
        assert_eq!(elections(&r).view.went_live, None);
        let r = replay(&mut session, "2009-03-09", Basis::Effective)
            .await
            .unwrap();
        assert!(elections(&r).view.went_live.is_some());
    });
}

#[test]
fn a_reminder_fired_after_the_cut_is_still_next_and_one_fired_before_is_not() {
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let mut session = demo_with_corrections(dir.path()).await;
        let review = "review:payroll:bromsgrove:six-month:2009-04-01";
        let next = |r: &Replay| -> Vec<String> {
            let payroll = r.proposals.iter().find(|p| p.view.id == "payroll").unwrap();
            payroll
                .view
                .next_reminders
                .iter()
                .map(|n| n.id.clone())
                .collect()
        };
        let before = replay(&mut session, "2009-03-31", Basis::Recorded)
            .await
            .unwrap();
        assert!(next(&before).iter().any(|id| id == review));
        let after = replay(&mut session, "2009-04-01T09:10:00+01:00", Basis::Recorded)
            .await
            .unwrap();
        assert!(!next(&after).iter().any(|id| id == review));
    });
}
