//! `audit replay`: every proposal as `proposal show` would have printed it at a cut of the log —
//! by the date decisions were taken (effective) or by what had been recorded (recorded).

use super::reminders::{council_names, partnership_at};
use super::session::{PartnershipHistory, Session};
use crate::proposal::correction;
use crate::proposal::{project, show_view_at, Cut, ProposalView, PROPOSAL_STREAM_PREFIX};
use crate::reminders::{stream_of, Outlook};
use engine::schedule::{add_months_clamped, CronSchedule};
use engine::time::{end_of_day, format_instant, local_date, parse_instant_or_date};
use engine::{Event, Failure};
use jiff::Timestamp;
use serde::Serialize;
use std::collections::BTreeSet;

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

/// What a replay prints before its proposals: the instant (with the local offset) and the basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayHeader {
    pub as_of: String,
    pub basis: &'static str,
}

/// Replays the log as of `as_of` (an RFC 3339 instant, or a date meaning the end of that day),
/// every proposal collected (the web's `/api/replay`; the CLI streams with [`ReplayRun`]).
pub async fn replay(session: &mut Session, as_of: &str, basis: Basis) -> Result<Replay, Failure> {
    let mut run = ReplayRun::start(session, as_of, basis).await?;
    let mut proposals = Vec::new();
    while let Some(p) = run.next(session).await? {
        proposals.push(p);
    }
    Ok(Replay {
        as_of: run.header.as_of,
        basis: run.header.basis,
        proposals,
    })
}

/// A replay under way: its header, then the proposals in id order, one at a time, each from its
/// own stream (memory holds one proposal's events, state and timeline, never the log).
pub struct ReplayRun {
    /// The instant and basis, known before any proposal is replayed.
    pub header: ReplayHeader,
    instant: Timestamp,
    cut: Cut,
    partnership: PartnershipHistory,
    /// The outlook at the cut with no reminder fired: each proposal's firings are read from the
    /// firing streams of its own reminders.
    outlook: Outlook,
    streams: std::vec::IntoIter<String>,
}

impl ReplayRun {
    /// Parses `as_of`, checks the reader, and lists the proposals' streams.
    pub async fn start(
        session: &mut Session,
        as_of: &str,
        basis: Basis,
    ) -> Result<ReplayRun, Failure> {
        let tz = session.partnership().await?.latest().tz();
        let instant = parse_instant_or_date(as_of, &tz, true)?;
        session.check_reader().await?;
        let cut = basis.cut(instant, &tz);
        // The partnership as recorded by the cut (amendments apply by their date).
        let recorded_cut = Cut {
            effective_until: None,
            ..cut
        };
        let (partnership, _) = partnership_at(session, &recorded_cut).await?;
        let p = partnership.latest();
        let outlook = Outlook {
            until: end_of_day(add_months_clamped(local_date(instant, &tz), 12), &tz),
            tz: tz.clone(),
            year_start: p.year_start(),
            quarterly: CronSchedule::parse(&p.schedule.quarterly_report)?,
            lead_days: p.schedule.milestone_lead_days.clone(),
            council_names: council_names(&partnership),
            fired: BTreeSet::new(),
            ends: partnership.ended().map(|e| e.on),
        };
        let streams = session.store.streams(PROPOSAL_STREAM_PREFIX).await?;
        Ok(ReplayRun {
            header: ReplayHeader {
                as_of: format_instant(instant, &tz),
                basis: basis.as_str(),
            },
            instant,
            cut,
            partnership,
            outlook,
            streams: streams.into_iter(),
        })
    }

    /// The next proposal that existed under the cut, in id order (None: all replayed).
    pub async fn next(
        &mut self,
        session: &mut Session,
    ) -> Result<Option<ReplayedProposal>, Failure> {
        while let Some(stream) = self.streams.next() {
            if let Some(p) = self.replay_stream(session, &stream).await? {
                return Ok(Some(p));
            }
        }
        Ok(None)
    }

    /// One proposal's stream at the cut: its timeline (each event at its corrected date), its
    /// state, and its next reminders less those fired by the cut.
    async fn replay_stream(
        &self,
        session: &mut Session,
        stream: &str,
    ) -> Result<Option<ReplayedProposal>, Failure> {
        let events = session.store.read_stream(stream).await?;
        // A `date-corrected` event corrects an event of its own proposal's stream.
        let dates = correction::corrections(&events, &self.cut)?;
        let mut timeline = Vec::new();
        for event in &events {
            let event = &*correction::as_corrected(event, &dates);
            if self.cut.admits(event)? {
                timeline.push(timeline_entry(event));
            }
        }
        // Folded even when the cut admits the whole stream (then the saved live state would be
        // the same): the stream is read anyway for the timeline, and sled keeps the saved states
        // it reads, 67 MB at depth 1M (BENCHMARKS.md, "`audit replay` streamed").
        let state = project(&events, &self.partnership, &self.cut)?;
        drop(events);
        let Some(state) = state else {
            return Ok(None);
        };
        let mut view = show_view_at(&state, &self.outlook, Some(self.instant));
        let mut fired = BTreeSet::new();
        for r in &view.next_reminders {
            if fired_by(session, &r.id, &self.cut).await? {
                fired.insert(r.id.clone());
            }
        }
        view.next_reminders.retain(|r| !fired.contains(&r.id));
        Ok(Some(ReplayedProposal { view, timeline }))
    }
}

/// Whether reminder `id` had fired under `cut`: its firing stream holds an event the cut admits.
/// (The outlook's rules list a reminder whatever has fired; firing only hides it.)
async fn fired_by(session: &mut Session, id: &str, cut: &Cut) -> Result<bool, Failure> {
    for event in session.store.read_stream(&stream_of(id)).await? {
        if cut.admits(&event)? {
            return Ok(true);
        }
    }
    Ok(false)
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

#[cfg(test)]
#[path = "replay_tests.rs"]
mod tests;
