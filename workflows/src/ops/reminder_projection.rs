//! The scheduler's projection: the reminder facts of every proposal, programme milestone and risk as
//! the log stands, saved beside the log (a projection snapshot under [`KEY`], checked against the
//! log position and event hash it covers), so `scheduler tick` and `reminders list|ics` re-fold
//! only the streams changed since — each through the fold itself ([`live_state`], [`project`]),
//! so every workflow rule reaches the reminders exactly as a fresh fold would.

use super::change::live_state;
use super::reminders::{
    assemble, facts, fold_milestone, meeting_at, partnership_at, programme_milestone_facts,
    risk_at, snapshot,
};
use super::saved;
use super::session::Session;
use crate::arrangement::review::{self, ReviewHeld};
use crate::arrangement::STREAM_PREFIX as ARRANGEMENT_PREFIX;
use crate::board::MEETING_STREAM_PREFIX;
use crate::milestone::MILESTONE_STREAM_PREFIX;
use crate::proposal::reminders::{milestone_facts, proposal_facts};
use crate::proposal::{Cut, PROPOSAL_STREAM_PREFIX};
use crate::reminders::{Facts, MeetingFacts, MilestoneFacts, ProposalFacts, RiskFacts};
use crate::risk::RISK_STREAM_PREFIX;
use engine::{EventStore, Failure, Head};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The key the projection is saved under (no stream is named so).
pub const KEY: &str = "projection:reminder-facts";
/// Below this many events the facts are folded afresh: cheaper than opening saved state.
pub const MIN_EVENTS: u64 = 1_000;
/// The saved bytes' layout: this byte, then JSON. Bump it with any change to [`Projection`].
const FORMAT: u8 = 4;

/// The reminder facts of one stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Entry {
    /// A proposal's facts and its milestones' (None: no `proposal-created` in the stream).
    Proposal(Option<(ProposalFacts, Vec<MilestoneFacts>)>),
    /// A programme milestone's (None: not added).
    Milestone(Option<MilestoneFacts>),
    /// A risk's (None: not entered).
    Risk(Option<RiskFacts>),
    /// The reviews recorded of an arrangement of the partnership.
    Arrangement(Vec<ReviewHeld>),
    /// A Board meeting's (None: not scheduled).
    Meeting(Option<MeetingFacts>),
}

/// The projection: every stream's facts as of log position `seq`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Projection {
    /// The release and proposal-snapshot format that folded it: another fold means rebuild.
    made_by: String,
    /// The log position it covers, and that event's hash.
    seq: u64,
    hash: String,
    streams: BTreeMap<String, Entry>,
}

/// The live reminder facts and the log's head: from the saved projection plus the streams
/// changed since it (rebuilt when absent, damaged, of another log or another fold).
pub async fn live(session: &mut Session) -> Result<(Facts, Head), Failure> {
    live_from(session, MIN_EVENTS).await
}

/// [`live`], using the projection only from `min_events` events on (tests use it on small logs).
pub async fn live_from(session: &mut Session, min_events: u64) -> Result<(Facts, Head), Failure> {
    let head = session.store.head().await?;
    if head.seq < min_events {
        let snap = snapshot(session, &Cut::LIVE).await?;
        return Ok((facts(&snap)?, snap.head));
    }
    let saved = load(session.store.as_ref()).await;
    let changed = match &saved {
        Some(p) => changed_since(session.store.as_ref(), p, head.seq).await?,
        None => None,
    };
    let (mut projection, changed) = match (saved, changed) {
        (Some(p), Some(changed)) => (p, changed),
        _ => {
            tracing::info!("building the reminder projection from the log");
            (empty(), every_stream(session.store.as_ref()).await?)
        }
    };
    for stream in &changed {
        let entry = entry(session, stream).await?;
        projection.streams.insert(stream.clone(), entry);
    }
    if projection.seq != head.seq || !changed.is_empty() {
        projection.seq = head.seq;
        projection.hash = head.hash.clone();
        saved::save(session.store.as_ref(), KEY, head.seq, FORMAT, &projection).await?;
    }
    // Moved out, not cloned: at 1M events a second copy of every stream's facts is tens of MB.
    let c = collect(projection);
    let (history, registered_at) = partnership_at(session, &Cut::LIVE).await?;
    Ok((
        assemble(
            &history,
            registered_at,
            c.proposals,
            c.milestones,
            c.risks,
            &c.arrangements,
            c.meetings,
        )?,
        head,
    ))
}

fn empty() -> Projection {
    Projection {
        made_by: saved::made_by(),
        seq: 0,
        hash: String::new(),
        streams: BTreeMap::new(),
    }
}

/// The saved projection, if it decodes and was made by this fold (damage reads as absent).
async fn load(store: &dyn EventStore) -> Option<Projection> {
    saved::load::<Projection>(store, KEY, FORMAT, "reminder projection")
        .await
        .filter(|p| p.made_by == saved::made_by())
}

/// The proposal and milestone streams with events after the projection's seq, up to `head`;
/// None when the projection is not of this log (its event is not the log's event at its seq).
async fn changed_since(
    store: &dyn EventStore,
    projection: &Projection,
    head: u64,
) -> Result<Option<BTreeSet<String>>, Failure> {
    if projection.seq == 0 || projection.seq > head {
        return Ok(None);
    }
    let mut changed = BTreeSet::new();
    let mut matches = false;
    let mut stopped = false;
    let result = store
        .for_each_from(projection.seq, &mut |event| {
            if event.seq == projection.seq {
                matches = event.hash == projection.hash;
            }
            if !matches || event.seq > head {
                stopped = true;
                return Err(Failure::internal("stopped reading"));
            }
            if is_folded(&event.stream) && event.seq > projection.seq {
                changed.insert(event.stream);
            }
            Ok(())
        })
        .await;
    match result {
        Err(_) if stopped => {}
        other => other?,
    }
    Ok(matches.then_some(changed))
}

fn is_folded(stream: &str) -> bool {
    stream.starts_with(PROPOSAL_STREAM_PREFIX)
        || stream.starts_with(MILESTONE_STREAM_PREFIX)
        || stream.starts_with(RISK_STREAM_PREFIX)
        || stream.starts_with(ARRANGEMENT_PREFIX)
        || stream.starts_with(MEETING_STREAM_PREFIX)
}

async fn every_stream(store: &dyn EventStore) -> Result<BTreeSet<String>, Failure> {
    let mut all: BTreeSet<String> = store
        .streams(PROPOSAL_STREAM_PREFIX)
        .await?
        .into_iter()
        .collect();
    all.extend(store.streams(MILESTONE_STREAM_PREFIX).await?);
    all.extend(store.streams(RISK_STREAM_PREFIX).await?);
    all.extend(store.streams(ARRANGEMENT_PREFIX).await?);
    all.extend(store.streams(MEETING_STREAM_PREFIX).await?);
    Ok(all)
}

/// One stream folded live: a proposal through the fold, a programme milestone or an arrangement
/// through its own.
async fn entry(session: &mut Session, stream: &str) -> Result<Entry, Failure> {
    if stream.starts_with(ARRANGEMENT_PREFIX) {
        let events = session.store.read_stream(stream).await?;
        return Ok(Entry::Arrangement(review::fold(&events, &Cut::LIVE)?));
    }
    if stream.starts_with(PROPOSAL_STREAM_PREFIX) {
        let state = live_state(session, stream, None).await?;
        return Ok(Entry::Proposal(
            state.map(|s| (proposal_facts(&s), milestone_facts(&s))),
        ));
    }
    if stream.starts_with(RISK_STREAM_PREFIX) {
        let events = session.store.read_stream(stream).await?;
        let risk = risk_at(&events, &Cut::LIVE)?;
        return Ok(Entry::Risk(risk.as_ref().map(RiskFacts::of)));
    }
    if stream.starts_with(MEETING_STREAM_PREFIX) {
        let events = session.store.read_stream(stream).await?;
        let meeting = meeting_at(&events, &Cut::LIVE)?;
        return Ok(Entry::Meeting(meeting.as_ref().map(MeetingFacts::of)));
    }
    let milestone = fold_milestone(session, stream, &Cut::LIVE).await?;
    Ok(Entry::Milestone(
        milestone.as_ref().map(programme_milestone_facts),
    ))
}

/// The facts of every stream, gathered as a fresh fold has them.
struct Collected {
    proposals: Vec<ProposalFacts>,
    milestones: Vec<MilestoneFacts>,
    arrangements: Vec<ReviewHeld>,
    risks: Vec<RiskFacts>,
    meetings: Vec<MeetingFacts>,
}

/// Proposals in id order; programme milestones first, then each proposal's, as a fresh fold has
/// them; the arrangements' reviews, the risks and the Board's meetings stream by stream.
fn collect(projection: Projection) -> Collected {
    let mut proposals = Vec::new();
    let mut arrangements = Vec::new();
    let mut programme = Vec::new();
    let mut of_proposals = Vec::new();
    let mut risks = Vec::new();
    let mut meetings = Vec::new();
    for entry in projection.streams.into_values() {
        match entry {
            Entry::Proposal(Some((p, ms))) => {
                proposals.push(p);
                of_proposals.extend(ms);
            }
            Entry::Milestone(Some(m)) => programme.push(m),
            Entry::Risk(Some(r)) => risks.push(r),
            Entry::Arrangement(held) => arrangements.extend(held),
            Entry::Meeting(Some(m)) => meetings.push(m),
            _ => {}
        }
    }
    programme.extend(of_proposals);
    Collected {
        proposals,
        milestones: programme,
        arrangements,
        risks,
        meetings,
    }
}

#[cfg(test)]
#[path = "reminder_projection_tests.rs"]
mod tests;
