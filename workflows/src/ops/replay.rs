//! `audit replay`: every proposal as `proposal show` would have printed it at a cut of the log —
//! by the date decisions were taken (effective) or by what had been recorded (recorded).

use super::reminders::{council_names, snapshot};
use super::session::Session;
use crate::proposal::correction;
use crate::proposal::{show_view_at, Cut, ProposalView, PROPOSAL_STREAM_PREFIX};
use crate::reminders::firing::STREAM_PREFIX as FIRED_PREFIX;
use crate::reminders::Outlook;
use engine::schedule::{add_months_clamped, CronSchedule};
use engine::time::{end_of_day, format_instant, local_date, parse_instant_or_date};
use engine::{Event, Failure};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Which of an event's two times a replay cuts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// What was true on the date: events count from 00:00 local on the day they were taken.
    Effective,
    /// What the system said then: events count from the instant they were recorded.
    Recorded,
}

impl Basis {
    /// The basis as written on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Effective => "effective",
            Basis::Recorded => "recorded",
        }
    }

    /// The cut that answers "as of `instant`" on this basis.
    pub fn cut(self, instant: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> Cut {
        match self {
            Basis::Effective => Cut {
                effective_until: Some(local_date(instant, tz)),
                ..Cut::LIVE
            },
            Basis::Recorded => Cut {
                recorded_until: Some(instant),
                ..Cut::LIVE
            },
        }
    }
}

/// One event on a replayed proposal's timeline, with both of its times.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    pub seq: u64,
    pub effective_on: String,
    pub recorded_at: String,
    pub actor: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// The event in a few words (the stage it moved to, the decision and council, …).
    pub summary: String,
}

/// A proposal as it stood at the cut, and the events that made it so.
#[derive(Debug, Clone, Serialize)]
pub struct ReplayedProposal {
    #[serde(flatten)]
    pub view: ProposalView,
    pub timeline: Vec<TimelineEntry>,
}

/// The contract's `audit replay` document.
#[derive(Debug, Clone, Serialize)]
pub struct Replay {
    pub as_of: String,
    pub basis: &'static str,
    pub proposals: Vec<ReplayedProposal>,
}

/// Replays the log as of `as_of` (an RFC 3339 instant, or a date meaning the end of that day).
pub async fn replay(session: &mut Session, as_of: &str, basis: Basis) -> Result<Replay, Failure> {
    let tz = session.partnership().await?.latest().tz();
    let instant = parse_instant_or_date(as_of, &tz, true)?;
    session.check_reader().await?;
    let cut = basis.cut(instant, &tz);
    let snap = snapshot(session, &cut).await?;
    let mut fired = BTreeSet::new();
    let mut timelines: BTreeMap<String, Vec<TimelineEntry>> = BTreeMap::new();
    // A proposal's event whose date was corrected is on the timeline at its corrected date: the
    // corrections (few) are read in a first pass, then the log is streamed again, never held.
    let mut recorded_corrections = Vec::new();
    session
        .store
        .for_each_from(1, &mut |event| {
            if event.kind == crate::proposal::events::DATE_CORRECTED {
                recorded_corrections.push(event);
            }
            Ok(())
        })
        .await?;
    let dates = correction::corrections(&recorded_corrections, &cut)?;
    session
        .store
        .for_each_from(1, &mut |event| {
            let event = &*correction::as_corrected(&event, &dates);
            if !cut.admits(event)? {
                return Ok(());
            }
            if let Some(id) = event.stream.strip_prefix(FIRED_PREFIX) {
                fired.insert(id.to_string());
            } else if let Some(id) = event.stream.strip_prefix(PROPOSAL_STREAM_PREFIX) {
                timelines
                    .entry(id.to_string())
                    .or_default()
                    .push(timeline_entry(event));
            }
            Ok(())
        })
        .await?;
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

fn timeline_entry(event: &Event) -> TimelineEntry {
    TimelineEntry {
        seq: event.seq,
        effective_on: event.effective_on.clone(),
        recorded_at: event.recorded_at.clone(),
        actor: event.actor.clone(),
        kind: event.kind.clone(),
        summary: summary(event),
    }
}

/// A few words an auditor reads on a timeline, from the keys events commonly carry.
fn summary(event: &Event) -> String {
    let d = &event.data;
    let s = |k: &str| d.get(k).and_then(|v| v.as_str());
    match (
        s("to"),
        s("council"),
        s("decision"),
        s("outcome"),
        s("party"),
    ) {
        (Some(to), ..) => format!("to {to}"),
        (None, Some(council), Some(decision), ..) => format!("{council}: {decision}"),
        (None, Some(council), None, Some(outcome), _) => format!("{council}: {outcome}"),
        (None, Some(council), None, None, _) => match s("reason") {
            Some(reason) => format!("{council}: {reason}"),
            None => council.to_string(),
        },
        (None, None, None, Some(outcome), _) => outcome.to_string(),
        (.., Some(party)) => party.to_string(),
        _ => s("title").or(s("quarter")).unwrap_or_default().to_string(),
    }
}
