//! `reminders list|ics`, and the read every time-driven operation shares: the store at a cut
//! ([`snapshot`]) summarised for the reminder rules ([`facts`]).

use super::session::{PartnershipHistory, Session, PARTNERSHIP_STREAM};
use crate::milestone::{Milestone, MILESTONE_STREAM_PREFIX};
use crate::partnership::Partnership;
use crate::proposal::reminders::{milestone_facts, proposal_facts};
use crate::proposal::{project, Cut, ProposalState, PROPOSAL_STREAM_PREFIX};
use crate::reminders::firing::{fired_ids, STREAM_PREFIX};
use crate::reminders::{ics, Facts, MilestoneFacts, Outlook, Reminder, ReminderView};
use engine::schedule::{add_months_clamped, CronSchedule};
use engine::time::{end_of_day, local_date, parse_date};
use engine::{Event, Failure, Head, ZERO_HASH};
use jiff::{SignedDuration, Timestamp};
use std::collections::{BTreeMap, BTreeSet};

/// How far ahead `reminders list` looks by default.
pub const LIST_DAYS: i64 = 90;

/// The store as a cut admits it: the partnership as recorded, every proposal and programme
/// milestone, and the log's head.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The partnership as recorded by the cut's recorded/seq bound (amendments apply by their date).
    pub partnership: PartnershipHistory,
    /// When the partnership was registered: quarterly reports count from then.
    pub registered_at: Timestamp,
    /// Every proposal that existed under the cut, in id order.
    pub proposals: Vec<ProposalState>,
    /// Programme milestones (those of a proposal are in its state), in id order.
    pub milestones: Vec<Milestone>,
    /// The last event the cut's recorded/seq bounds admit (seq 0 for none).
    pub head: Head,
}

/// Reads the whole log once and folds it at `cut`. The partnership and the head ignore the cut's
/// effective bound: they are what had been recorded.
pub async fn snapshot(session: &mut Session, cut: &Cut) -> Result<Snapshot, Failure> {
    let events = session.store.read_from(1).await?;
    let recorded_cut = Cut {
        effective_until: None,
        ..*cut
    };
    let mut recorded = Vec::with_capacity(events.len());
    for event in &events {
        if recorded_cut.admits(event)? {
            recorded.push(event);
        }
    }
    let head = match recorded.last() {
        Some(e) => Head {
            seq: e.seq,
            hash: e.hash.clone(),
            recorded_at: Some(e.recorded_at.clone()),
        },
        None => Head {
            seq: 0,
            hash: ZERO_HASH.to_string(),
            recorded_at: None,
        },
    };
    let partnership_events: Vec<Event> = recorded
        .iter()
        .filter(|e| e.stream == PARTNERSHIP_STREAM)
        .map(|e| (*e).clone())
        .collect();
    let partnership = PartnershipHistory::from_events(&partnership_events)?;
    let registered_at = partnership_events[0].recorded_at.parse().map_err(|e| {
        Failure::integrity(format!(
            "the partnership's registration has a bad recorded_at: {e}"
        ))
    })?;

    let mut streams: BTreeMap<&str, Vec<Event>> = BTreeMap::new();
    for event in &recorded {
        if event.stream.starts_with(PROPOSAL_STREAM_PREFIX)
            || event.stream.starts_with(MILESTONE_STREAM_PREFIX)
        {
            streams
                .entry(event.stream.as_str())
                .or_default()
                .push((*event).clone());
        }
    }
    let mut proposals = Vec::new();
    let mut milestones = Vec::new();
    for (stream, events) in &streams {
        if stream.starts_with(PROPOSAL_STREAM_PREFIX) {
            if let Some(state) = project(events, &partnership, cut)? {
                proposals.push(state);
            }
        } else {
            let mut admitted: Vec<&Event> = Vec::with_capacity(events.len());
            for event in events {
                if cut.admits(event)? {
                    admitted.push(event);
                }
            }
            if let Some(m) = Milestone::fold(&admitted)? {
                milestones.push(m);
            }
        }
    }
    Ok(Snapshot {
        partnership,
        registered_at,
        proposals,
        milestones,
        head,
    })
}

/// The reminder rules' view of a snapshot (the partnership's latest recorded schedule and zone).
pub fn facts(snapshot: &Snapshot) -> Result<Facts, Failure> {
    let p = snapshot.partnership.latest();
    let quarterly = quarterly_schedule(p)?;
    let mut milestones: Vec<MilestoneFacts> = snapshot
        .milestones
        .iter()
        .map(|m| MilestoneFacts {
            id: m.id.clone(),
            title: m.title.clone(),
            proposal: m.proposal.clone(),
            due: m.due,
            completed: m.completed.is_some(),
        })
        .collect();
    milestones.extend(snapshot.proposals.iter().flat_map(milestone_facts));
    Ok(Facts {
        tz: p.tz(),
        year_start: p.year_start(),
        quarterly,
        since: snapshot.registered_at,
        lead_days: p.schedule.milestone_lead_days.clone(),
        council_names: council_names(&snapshot.partnership),
        proposals: snapshot.proposals.iter().map(proposal_facts).collect(),
        milestones,
        ends: snapshot.partnership.ended().map(|e| e.on),
    })
}

/// The ids of the reminders fired so far.
pub async fn fired(session: &mut Session) -> Result<BTreeSet<String>, Failure> {
    Ok(fired_ids(session.store.streams(STREAM_PREFIX).await?))
}

/// The live reminders not yet fired, due up to `until` (inclusive), in due order.
pub async fn pending(
    session: &mut Session,
    until: Timestamp,
) -> Result<(Facts, Vec<Reminder>), Failure> {
    let snapshot = snapshot(session, &Cut::LIVE).await?;
    let facts = facts(&snapshot)?;
    let fired = fired(session).await?;
    let pending = facts
        .reminders(until)
        .into_iter()
        .filter(|r| !fired.contains(&r.id))
        .collect();
    Ok((facts, pending))
}

/// `reminders list [--until DATE]`: every reminder not yet fired due up to the end of `until` in
/// the partnership's zone (default: 90 days from now), already-due ones included.
pub async fn list(
    session: &mut Session,
    until: Option<&str>,
) -> Result<Vec<ReminderView>, Failure> {
    let until = until.map(parse_date).transpose()?;
    session.check_reader().await?;
    let tz = session.partnership().await?.latest().tz();
    let date = match until {
        Some(date) => date,
        None => local_date(
            session.now + SignedDuration::from_hours(24 * LIST_DAYS),
            &tz,
        ),
    };
    let (_, pending) = pending(session, end_of_day(date, &tz)).await?;
    Ok(pending.iter().map(|r| r.view(&tz)).collect())
}

/// `reminders ics`: the feed of the reminders not yet fired due in the request's window (default:
/// from 90 days ago to 12 months ahead), stamped now.
pub async fn ics(session: &mut Session, request: &ics::Request) -> Result<String, Failure> {
    session.check_reader().await?;
    let p = session.partnership().await?.latest().clone();
    let (from, until) = request.bounds(session.now, &p.tz())?;
    let (facts, mut pending) = pending(session, until).await?;
    pending.retain(|r| r.due >= from);
    let domain = p.calendar_domain();
    let feed = ics::Feed {
        name: &p.name,
        timezone: &p.timezone,
        domain: &domain,
        base_url: request.base_url.as_ref(),
        now: session.now,
    };
    Ok(ics::calendar(&feed, &facts, &pending))
}

/// How far ahead `proposal show` looks for `next_reminders`.
pub const NEXT_MONTHS: i32 = 12;

/// What `proposal show` needs to work out a proposal's next reminders (the live partnership, the
/// fired reminders, the next 12 months), without folding every other stream.
pub async fn outlook(session: &mut Session) -> Result<Outlook, Failure> {
    let history = session.partnership().await?.clone();
    let p = history.latest();
    let tz = p.tz();
    let quarterly = quarterly_schedule(p)?;
    let horizon = add_months_clamped(local_date(session.now, &tz), NEXT_MONTHS);
    Ok(Outlook {
        until: end_of_day(horizon, &tz),
        tz,
        year_start: p.year_start(),
        quarterly,
        lead_days: p.schedule.milestone_lead_days.clone(),
        council_names: council_names(&history),
        fired: fired(session).await?,
        ends: history.ended().map(|e| e.on),
    })
}

/// The recorded partnership's quarterly schedule (validated when it was recorded).
fn quarterly_schedule(p: &Partnership) -> Result<CronSchedule, Failure> {
    CronSchedule::parse(&p.schedule.quarterly_report).map_err(|e| {
        Failure::integrity(format!(
            "the recorded partnership's schedule: {}",
            e.message
        ))
    })
}

/// Every council that was ever part of the partnership, id → name (the latest name).
pub fn council_names(history: &PartnershipHistory) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for (_, version) in history.versions() {
        for c in &version.councils {
            names.insert(c.id.clone(), c.name.clone());
        }
    }
    names
}
