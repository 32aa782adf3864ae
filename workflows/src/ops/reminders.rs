//! `reminders list|ics`, and the read every time-driven operation shares: the store at a cut
//! ([`snapshot`]) summarised for the reminder rules ([`facts`]).

use super::session::{PartnershipHistory, Session, PARTNERSHIP_STREAM};
use crate::arrangement::review::ReviewHeld;
use crate::arrangement::STREAM_PREFIX as ARRANGEMENT_PREFIX;
use crate::board::{Meeting, MEETING_STREAM_PREFIX};
use crate::milestone::{Milestone, MILESTONE_STREAM_PREFIX};
use crate::partnership::Partnership;
use crate::proposal::reminders::{milestone_facts, proposal_facts};
use crate::proposal::{project, Cut, ProposalState, PROPOSAL_STREAM_PREFIX};
use crate::reminders::firing::{fired_ids, STREAM_PREFIX};
use crate::reminders::{
    ics, Facts, MeetingFacts, MilestoneFacts, Outlook, ProposalFacts, Reminder, ReminderView,
    RiskFacts,
};
use engine::schedule::{add_months_clamped, CronSchedule};
use engine::time::{end_of_day, local_date, parse_date};
use engine::{Event, EventStore, Failure, Head, ZERO_HASH};
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
    /// The risk register as the cut admits it, in stream order.
    pub risks: Vec<crate::risk::Risk>,
    /// The reviews recorded of the partnership's arrangements, stream by stream.
    pub arrangement_reviews: Vec<crate::arrangement::review::ReviewHeld>,
    /// The Board's meetings, in date order.
    pub meetings: Vec<Meeting>,
    /// The last event the cut's recorded/seq bounds admit (seq 0 for none).
    pub head: Head,
}

/// Folds the store at `cut`, one stream at a time (each proposal through the fold, [`project`]),
/// so memory holds the states, never the log. The partnership and the head ignore the cut's
/// effective bound: they are what had been recorded.
pub async fn snapshot(session: &mut Session, cut: &Cut) -> Result<Snapshot, Failure> {
    let mut all = snapshots(session, std::slice::from_ref(cut)).await?;
    Ok(all.pop().expect("one snapshot per cut"))
}

/// [`snapshot`] at each of `cuts`, reading each stream once.
pub async fn snapshots(session: &mut Session, cuts: &[Cut]) -> Result<Vec<Snapshot>, Failure> {
    let mut all = Vec::with_capacity(cuts.len());
    for cut in cuts {
        let recorded_cut = Cut {
            effective_until: None,
            ..*cut
        };
        let head = head_at(session.store.as_ref(), &recorded_cut).await?;
        let (partnership, registered_at) = partnership_at(session, &recorded_cut).await?;
        all.push(Snapshot {
            partnership,
            registered_at,
            proposals: Vec::new(),
            milestones: Vec::new(),
            risks: Vec::new(),
            arrangement_reviews: Vec::new(),
            meetings: Vec::new(),
            head,
        });
    }
    for stream in session.store.streams(PROPOSAL_STREAM_PREFIX).await? {
        let events = session.store.read_stream(&stream).await?;
        for (cut, snap) in cuts.iter().zip(&mut all) {
            if let Some(state) = project(&events, &snap.partnership, cut)? {
                snap.proposals.push(state);
            }
        }
    }
    for stream in session.store.streams(MILESTONE_STREAM_PREFIX).await? {
        let events = session.store.read_stream(&stream).await?;
        for (cut, snap) in cuts.iter().zip(&mut all) {
            if let Some(m) = milestone_at(&events, cut)? {
                snap.milestones.push(m);
            }
        }
    }
    for stream in session
        .store
        .streams(crate::risk::RISK_STREAM_PREFIX)
        .await?
    {
        let events = session.store.read_stream(&stream).await?;
        for (cut, snap) in cuts.iter().zip(&mut all) {
            snap.risks.extend(risk_at(&events, cut)?);
        }
    }
    for stream in session.store.streams(ARRANGEMENT_PREFIX).await? {
        let events = session.store.read_stream(&stream).await?;
        for (cut, snap) in cuts.iter().zip(&mut all) {
            snap.arrangement_reviews
                .extend(crate::arrangement::review::fold(&events, cut)?);
        }
    }
    for stream in session.store.streams(MEETING_STREAM_PREFIX).await? {
        let events = session.store.read_stream(&stream).await?;
        for (cut, snap) in cuts.iter().zip(&mut all) {
            if let Some(m) = meeting_at(&events, cut)? {
                snap.meetings.push(m);
            }
        }
    }
    Ok(all)
}

/// A Board meeting's events folded at `cut` (None: not scheduled by then).
pub fn meeting_at(events: &[Event], cut: &Cut) -> Result<Option<Meeting>, Failure> {
    let mut admitted: Vec<&Event> = Vec::with_capacity(events.len());
    for event in events {
        if cut.admits(event)? {
            admitted.push(event);
        }
    }
    Meeting::fold(&admitted)
}

/// A programme milestone's stream folded at `cut` (None: not added by then).
pub async fn fold_milestone(
    session: &mut Session,
    stream: &str,
    cut: &Cut,
) -> Result<Option<Milestone>, Failure> {
    milestone_at(&session.store.read_stream(stream).await?, cut)
}

/// A programme milestone's events folded at `cut`.
fn milestone_at(events: &[Event], cut: &Cut) -> Result<Option<Milestone>, Failure> {
    let mut admitted: Vec<&Event> = Vec::with_capacity(events.len());
    for event in events {
        if cut.admits(event)? {
            admitted.push(event);
        }
    }
    Milestone::fold(&admitted)
}

/// A risk's events folded at `cut` (None: not entered by then).
pub fn risk_at(events: &[Event], cut: &Cut) -> Result<Option<crate::risk::Risk>, Failure> {
    let mut admitted: Vec<&Event> = Vec::with_capacity(events.len());
    for event in events {
        if cut.admits(event)? {
            admitted.push(event);
        }
    }
    crate::risk::Risk::fold(&admitted)
}

/// The partnership as recorded under `recorded_cut`, and when it was registered.
pub async fn partnership_at(
    session: &mut Session,
    recorded_cut: &Cut,
) -> Result<(PartnershipHistory, Timestamp), Failure> {
    let mut events = session.store.read_stream(PARTNERSHIP_STREAM).await?;
    let mut admitted = 0;
    for event in &events {
        if !recorded_cut.admits(event)? {
            break;
        }
        admitted += 1;
    }
    events.truncate(admitted);
    let partnership = PartnershipHistory::from_events(&events)?;
    let registered_at = events[0].recorded_at.parse().map_err(|e| {
        Failure::integrity(format!(
            "the partnership's registration has a bad recorded_at: {e}"
        ))
    })?;
    Ok((partnership, registered_at))
}

/// The last event `recorded_cut` admits (seq 0 for none): the store's head when the cut admits
/// it. The log in seq order is in recorded order, so the admitted events are a prefix; this reads
/// up to the first event the cut refuses, holding none of them.
pub async fn head_at(store: &dyn EventStore, recorded_cut: &Cut) -> Result<Head, Failure> {
    let head = store.head().await?;
    if head.seq == 0 || head_admitted(&head, recorded_cut)? {
        return Ok(head);
    }
    if let Some(n) = recorded_cut.seq_until {
        // Event n, if admitted, is the last: every earlier event was recorded no later.
        let at_n = last_admitted(store, n, recorded_cut, true).await?;
        if at_n.seq == n {
            return Ok(at_n);
        }
    }
    last_admitted(store, 1, recorded_cut, false).await
}

/// The last event from `from` on that `cut` admits, reading until it refuses one (or after the
/// first, with `first_only`).
async fn last_admitted(
    store: &dyn EventStore,
    from: u64,
    cut: &Cut,
    first_only: bool,
) -> Result<Head, Failure> {
    let mut last = Head {
        seq: 0,
        hash: ZERO_HASH.to_string(),
        recorded_at: None,
    };
    let mut stopped = false;
    let result = store
        .for_each_from(from, &mut |event| {
            if cut.admits(&event)? {
                last = Head {
                    seq: event.seq,
                    hash: event.hash,
                    recorded_at: Some(event.recorded_at),
                };
                if !first_only {
                    return Ok(());
                }
            }
            stopped = true;
            Err(Failure::internal("stopped reading at the cut"))
        })
        .await;
    match result {
        Err(_) if stopped => Ok(last),
        other => other.map(|()| last),
    }
}

/// Whether `recorded_cut` admits the head event (its seq and recorded instant).
fn head_admitted(head: &Head, recorded_cut: &Cut) -> Result<bool, Failure> {
    if recorded_cut.seq_until.is_some_and(|n| head.seq > n) {
        return Ok(false);
    }
    let Some(until) = recorded_cut.recorded_until else {
        return Ok(true);
    };
    let at: Timestamp = head
        .recorded_at
        .as_deref()
        .unwrap_or_default()
        .parse()
        .map_err(|e| {
            Failure::integrity(format!("the log's last event has a bad recorded_at: {e}"))
        })?;
    Ok(at <= until)
}

/// The reminder rules' view of a snapshot (the partnership's latest recorded schedule and zone).
pub fn facts(snapshot: &Snapshot) -> Result<Facts, Failure> {
    let mut milestones: Vec<MilestoneFacts> = snapshot
        .milestones
        .iter()
        .map(programme_milestone_facts)
        .collect();
    milestones.extend(snapshot.proposals.iter().flat_map(milestone_facts));
    assemble(
        &snapshot.partnership,
        snapshot.registered_at,
        snapshot.proposals.iter().map(proposal_facts).collect(),
        milestones,
        snapshot.risks.iter().map(RiskFacts::of).collect(),
        &snapshot.arrangement_reviews,
        snapshot.meetings.iter().map(MeetingFacts::of).collect(),
    )
}

/// What the reminder rules need of a programme milestone.
pub fn programme_milestone_facts(m: &Milestone) -> MilestoneFacts {
    MilestoneFacts {
        id: m.id.clone(),
        title: m.title.clone(),
        proposal: m.proposal.clone(),
        due: m.due,
        completed: m.completed.is_some(),
    }
}

/// The reminder rules' facts: the partnership's latest recorded schedule and zone, with the
/// proposals' and milestones' facts (programme milestones first, each proposal's after) and the
/// latest recorded arrangements with the reviews recorded of them.
pub fn assemble(
    partnership: &PartnershipHistory,
    registered_at: Timestamp,
    proposals: Vec<ProposalFacts>,
    milestones: Vec<MilestoneFacts>,
    risks: Vec<RiskFacts>,
    arrangement_reviews: &[ReviewHeld],
    meetings: Vec<MeetingFacts>,
) -> Result<Facts, Failure> {
    let p = partnership.latest();
    Ok(Facts {
        tz: p.tz(),
        year_start: p.year_start(),
        quarterly: quarterly_schedule(p)?,
        since: registered_at,
        lead_days: p.schedule.milestone_lead_days.clone(),
        council_names: council_names(partnership),
        proposals,
        milestones,
        risks,
        ends: partnership.ended().map(|e| e.on),
        arrangements: crate::reminders::arrangement::arrangement_facts(p, arrangement_reviews),
        meetings,
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
    let (facts, _) = super::reminder_projection::live(session).await?;
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
