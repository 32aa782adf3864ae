//! The one path every proposal-changing command takes, in the contract's order of precedence:
//! usage (2, parsed before this) → not permitted (5) → stale `--expect-version` (4) → rules (3);
//! then one event appended with the expectation of the version read.

use super::session::Session;
use crate::definition::{Registry, Stage};
use crate::partnership::Actor;
use crate::permissions::{self, Act};
use crate::proposal::events::{Draft, DATE_CORRECTED};
use crate::proposal::state::PROPOSAL_STREAM_PREFIX;
use crate::proposal::{
    decide, project, snapshot, stream_of, Ctx, Cut, ProposalCommand, ProposalState,
};
use crate::remedy::Remedy;
use engine::{Event, Expectation, Failure, NewEvent};
use jiff::civil::Date;
use serde::Serialize;

/// `--on` and `--expect-version`, which every proposal-changing command takes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// The date the change was taken (default: today in the partnership's time zone).
    pub on: Option<Date>,
    /// The proposal version the caller read; another is a conflict (exit 4).
    pub expect_version: Option<u64>,
}

/// What a proposal-changing command reports: the event it recorded and where the proposal stands.
#[derive(Debug, Clone, Serialize)]
pub struct Recorded {
    pub id: String,
    pub stage: Stage,
    pub version: u64,
    pub event: String,
    pub seq: u64,
    pub effective_on: String,
    pub recorded_at: String,
    pub data: serde_json::Value,
}

impl Recorded {
    /// What the recorded event says, in words.
    pub fn describe(&self) -> String {
        crate::proposal::describe::describe(&self.event, &self.data)
    }

    /// The report for `event`, appended to the proposal now in `state`.
    pub fn of(state: &ProposalState, event: &Event) -> Recorded {
        Recorded {
            id: state.id.clone(),
            stage: state.stage.clone(),
            version: event.version,
            event: event.kind.clone(),
            seq: event.seq,
            effective_on: event.effective_on.clone(),
            recorded_at: event.recorded_at.clone(),
            data: event.data.clone(),
        }
    }
}

/// A proposal read from the store: its events and its live state.
pub struct Loaded {
    pub events: Vec<Event>,
    pub state: ProposalState,
}

/// Reads proposal `id` with its events; an unknown id is refused (exit 3).
pub async fn load(session: &mut Session, id: &str) -> Result<Loaded, Failure> {
    let stream = stream_of(id);
    let events = session.store.read_stream(&stream).await?;
    let current = events.last().map_or(0, |e| e.version);
    let snapshots = current >= SNAPSHOT_MIN_EVENTS;
    match fold_live(session, &stream, Some(&events), current, snapshots).await? {
        Some(state) => Ok(Loaded { events, state }),
        None => Err(unknown_proposal(id)),
    }
}

/// Reads proposal `id`'s live state only (its events are read only if its snapshot lags);
/// an unknown id is refused (exit 3).
pub async fn load_state(session: &mut Session, id: &str) -> Result<ProposalState, Failure> {
    let stream = stream_of(id);
    let current = session.store.stream_version(&stream).await?;
    let snapshots = current >= SNAPSHOT_MIN_EVENTS;
    fold_live(session, &stream, None, current, snapshots)
        .await?
        .ok_or_else(|| unknown_proposal(id))
}

/// Every proposal's live state, in id order.
pub async fn load_all(session: &mut Session) -> Result<Vec<ProposalState>, Failure> {
    let mut all = Vec::new();
    for_each_live(session, |state| all.push(state)).await?;
    Ok(all)
}

/// Every proposal's live state in id order, handed to `f` one at a time (memory holds one).
pub async fn for_each_live(
    session: &mut Session,
    mut f: impl FnMut(ProposalState),
) -> Result<(), Failure> {
    let mut streams = Vec::new();
    for stream in session.store.streams(PROPOSAL_STREAM_PREFIX).await? {
        let version = session.store.stream_version(&stream).await?;
        streams.push((stream, version));
    }
    let snapshots = streams.iter().map(|(_, v)| v).sum::<u64>() >= SNAPSHOT_MIN_EVENTS;
    for (stream, current) in streams {
        if let Some(state) = fold_live(session, &stream, None, current, snapshots).await? {
            f(state);
        }
    }
    Ok(())
}

/// Below this many events to fold, a live read folds them rather than open the snapshot
/// database (sled's open costs a few ms; folding one event costs a few µs). BENCHMARKS.md,
/// "sled: projection snapshots", has the figures.
pub const SNAPSHOT_MIN_EVENTS: u64 = 1_000;

/// The live state of proposal stream `stream` (None: no proposal), exactly as
/// `project(events, _, &Cut::LIVE)` folds it: from the store's snapshot when it is current, else
/// the snapshot plus the events after it, else every event; a snapshot that moved is saved again.
/// `events` is the stream when the caller has read it already.
pub async fn live_state(
    session: &mut Session,
    stream: &str,
    events: Option<&[Event]>,
) -> Result<Option<ProposalState>, Failure> {
    let current = match events {
        Some(events) => events.last().map_or(0, |e| e.version),
        None => session.store.stream_version(stream).await?,
    };
    fold_live(session, stream, events, current, true).await
}

/// [`live_state`] of a stream at version `current`, consulting snapshots only if `snapshots`.
pub(super) async fn fold_live(
    session: &mut Session,
    stream: &str,
    events: Option<&[Event]>,
    current: u64,
    snapshots: bool,
) -> Result<Option<ProposalState>, Failure> {
    if current == 0 {
        return Ok(None);
    }
    if !snapshots {
        let read;
        let events = match events {
            Some(events) => events,
            None => {
                read = session.store.read_stream(stream).await?;
                &read[..]
            }
        };
        return project(events, session.partnership().await?, &Cut::LIVE);
    }
    let saved = session
        .store
        .load_snapshot(stream)
        .await?
        .filter(|(version, _)| *version <= current)
        .and_then(|(version, bytes)| snapshot::decode(&bytes, version));
    if let Some(state) = &saved {
        if state.version == current {
            return Ok(saved);
        }
    }
    let read;
    let events = match events {
        Some(events) => events,
        None => {
            read = session.store.read_stream(stream).await?;
            &read[..]
        }
    };
    let state = match saved {
        // The snapshot folds the stream's first `version` events if its last is the one there.
        // A date correction since the snapshot re-dates earlier events: only a refold honours it.
        Some(mut state)
            if (state.version as usize)
                .checked_sub(1)
                .and_then(|i| events.get(i))
                .is_some_and(|e| e.seq == state.last_seq)
                && !events[state.version as usize..]
                    .iter()
                    .any(|e| e.kind == DATE_CORRECTED) =>
        {
            for event in &events[state.version as usize..] {
                state.apply(event)?;
            }
            Some(state)
        }
        _ => project(events, session.partnership().await?, &Cut::LIVE)?,
    };
    if let Some(state) = &state {
        session
            .store
            .save_snapshot(stream, state.version, &snapshot::encode(state))
            .await?;
    }
    Ok(state)
}

/// The refusal for a proposal id that does not exist.
pub fn unknown_proposal(id: &str) -> Failure {
    Failure::refused(format!("there is no proposal {id:?}")).with_remedy(Remedy::ListProposals)
}

/// The acting actor for a change dated `date`, checked for `act` (exit 2 without one, 5 if not permitted).
pub async fn permitted(session: &mut Session, date: Date, act: &Act) -> Result<Actor, Failure> {
    let actor = session.writer(date).await?;
    let partnership = session.partnership().await?.on(date);
    permissions::check(&actor, act, partnership)?;
    Ok(actor)
}

/// Refuses an actor recused from `state` (5), then a stale expected version (4).
pub fn check_current(
    state: &ProposalState,
    actor: &str,
    expect: Option<u64>,
) -> Result<(), Failure> {
    let declared = state
        .recused
        .get(actor)
        .map(|r| (r.on.to_string(), r.reason.clone()));
    permissions::check_not_recused(
        actor,
        &state.id,
        declared
            .as_ref()
            .map(|(on, why)| (on.as_str(), why.as_str())),
    )?;
    if let Some(expected) = expect {
        if expected != state.version {
            return Err(Failure::conflict(format!(
                "proposal {} is at version {}, not {expected}: it has changed since you read it",
                state.id, state.version
            ))
            .with_remedy(Remedy::RetryAtVersion {
                id: state.id.clone(),
                version: state.version,
            }));
        }
    }
    Ok(())
}

/// Runs one proposal-changing command end to end and appends its event.
pub async fn change(
    session: &mut Session,
    id: &str,
    command: ProposalCommand,
    change: &Change,
) -> Result<Recorded, Failure> {
    change_expecting(session, id, command, change, Vec::new()).await
}

/// [`change`], the append also expecting other streams unchanged (`also`: e.g. the Board meeting
/// whose attendance a vote was checked against), so a change to them meanwhile is a conflict.
pub async fn change_expecting(
    session: &mut Session,
    id: &str,
    command: ProposalCommand,
    change: &Change,
    also: Vec<Expectation>,
) -> Result<Recorded, Failure> {
    let date = session.change_date(change.on).await?;
    let actor = permitted(session, date, &command.act()).await?;
    let state = load_state(session, id).await?;
    check_current(&state, &actor.id, change.expect_version)?;
    let registry = Registry::standard();
    let partnership = session.partnership().await?.on(date).clone();
    let ctx = Ctx {
        registry: &registry,
        partnership: &partnership,
        date,
        actor: &actor.id,
        now: session.now,
    };
    let draft = decide(&state, &command, &ctx)?;
    commit_expecting(session, state, draft, &actor.id, date, also).await
}

/// Appends `draft` to the proposal read as `state` (expecting its version) and reports it.
pub async fn commit(
    session: &mut Session,
    state: ProposalState,
    draft: Draft,
    actor: &str,
    date: Date,
) -> Result<Recorded, Failure> {
    commit_expecting(session, state, draft, actor, date, Vec::new()).await
}

/// [`commit`], expecting the streams of `also` at their versions too.
async fn commit_expecting(
    session: &mut Session,
    mut state: ProposalState,
    draft: Draft,
    actor: &str,
    date: Date,
    also: Vec<Expectation>,
) -> Result<Recorded, Failure> {
    let stream = state.stream();
    let event = NewEvent {
        stream: stream.clone(),
        kind: draft.kind(),
        actor: actor.to_string(),
        effective_on: date.to_string(),
        data: draft.data(),
    };
    let expectation = Expectation {
        stream,
        version: state.version,
    };
    let mut expectations = vec![expectation];
    expectations.extend(also);
    let written = session.append(vec![event], expectations).await?;
    let event = written
        .into_iter()
        .next()
        .ok_or_else(|| Failure::internal("the store returned no event"))?;
    state.apply(&event)?;
    tracing::info!(proposal = %state.id, event = %event.kind, seq = event.seq, "recorded");
    Ok(Recorded::of(&state, &event))
}
