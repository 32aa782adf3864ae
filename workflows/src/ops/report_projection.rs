//! The reports' projection: what every proposal contributes to one quarter's reports
//! ([`Contribution`]) as known at a log position, saved beside the log (a projection snapshot
//! under [`key`], checked against the log position and event hash it covers, the fold that made
//! it and the quarter's days), so a later report of that quarter re-folds only the proposals
//! recorded since — one stream at a time, through the fold itself ([`project`]), never the whole
//! log in memory. A report known at an earlier position than the one saved folds every proposal
//! afresh (one at a time) and leaves the saved projection as it was.

use super::reminders::partnership_at;
use super::saved;
use super::session::{PartnershipHistory, Session, PARTNERSHIP_STREAM};
use crate::proposal::{project, Cut, PROPOSAL_STREAM_PREFIX};
use crate::report::contribution::{contribute, Contribution, Period};
use engine::{EventStore, Failure, Head};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Below this many events the contributions are folded afresh and nothing is saved.
pub const MIN_EVENTS: u64 = 1_000;
/// The saved bytes' layout: this byte, then JSON. Bump it with any change to [`Contribution`].
pub const FORMAT: u8 = 2;

/// The key the projection of the quarter ending on `last_day` is saved under.
pub fn key(last_day: Date) -> String {
    format!("projection:report:{last_day}")
}

/// Every proposal's contribution to one quarter's reports as known at log position `seq`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Projection {
    /// The release and proposal-snapshot format that folded it: another fold means rebuild.
    made_by: String,
    /// The log position it is known at, and that event's hash.
    seq: u64,
    hash: String,
    quarter: String,
    first_day: Date,
    last_day: Date,
    /// Proposal stream → its contribution (None: not created by the quarter's end).
    streams: BTreeMap<String, Option<Contribution>>,
}

/// Every proposal's contribution to `period`'s reports as known at `known` (the event at the
/// position the report counts to), in id order: from the saved projection plus the proposals
/// recorded since, or folded afresh.
pub async fn contributions(
    session: &mut Session,
    period: &Period,
    known: &Head,
) -> Result<Vec<Contribution>, Failure> {
    contributions_from(session, period, known, MIN_EVENTS).await
}

/// [`contributions`], using the projection only from `min_events` events on (tests use it on small logs).
pub async fn contributions_from(
    session: &mut Session,
    period: &Period,
    known: &Head,
    min_events: u64,
) -> Result<Vec<Contribution>, Failure> {
    let (partnership, _) = partnership_at(session, &seq_cut(known.seq, None)).await?;
    let cut = seq_cut(known.seq, Some(period.last_day));
    if known.seq < min_events {
        let streams = every_proposal(session.store.as_ref()).await?;
        let fresh = fold(session, &streams, &partnership, &cut, period).await?;
        return Ok(in_order(fresh.into_values()));
    }
    let key = key(period.last_day);
    let saved = load(session.store.as_ref(), &key, period).await;
    if saved.as_ref().is_some_and(|p| p.seq > known.seq) {
        // An earlier position than the one saved: fold afresh, keep the saved projection.
        let streams = every_proposal(session.store.as_ref()).await?;
        let fresh = fold(session, &streams, &partnership, &cut, period).await?;
        return Ok(in_order(fresh.into_values()));
    }
    let changed = match &saved {
        Some(p) => changed_between(session.store.as_ref(), p, known.seq).await?,
        None => None,
    };
    let (mut projection, changed) = match (saved, changed) {
        (Some(p), Some(changed)) => (p, changed),
        _ => {
            tracing::info!(quarter = %period.quarter, "building the report projection from the log");
            let empty = Projection {
                made_by: saved::made_by(),
                seq: 0,
                hash: String::new(),
                quarter: period.quarter.to_string(),
                first_day: period.first_day,
                last_day: period.last_day,
                streams: BTreeMap::new(),
            };
            (empty, every_proposal(session.store.as_ref()).await?)
        }
    };
    let refolded = fold(session, &changed, &partnership, &cut, period).await?;
    let moved = projection.seq != known.seq || !refolded.is_empty();
    projection.streams.extend(refolded);
    if moved {
        projection.seq = known.seq;
        projection.hash = known.hash.clone();
        saved::save(session.store.as_ref(), &key, known.seq, FORMAT, &projection).await?;
    }
    Ok(in_order(projection.streams.into_values()))
}

/// The cut of what was recorded up to log position `seq`, effective up to `effective_until`.
fn seq_cut(seq: u64, effective_until: Option<Date>) -> Cut {
    Cut {
        effective_until,
        recorded_until: None,
        seq_until: Some(seq),
    }
}

/// The contributions that exist, by proposal id.
fn in_order(all: impl Iterator<Item = Option<Contribution>>) -> Vec<Contribution> {
    let mut all: Vec<Contribution> = all.flatten().collect();
    all.sort_by(|a, b| a.id.cmp(&b.id));
    all
}

/// `streams` folded one at a time at `cut`, each kept only as its contribution.
async fn fold(
    session: &mut Session,
    streams: &BTreeSet<String>,
    partnership: &PartnershipHistory,
    cut: &Cut,
    period: &Period,
) -> Result<BTreeMap<String, Option<Contribution>>, Failure> {
    let mut out = BTreeMap::new();
    for stream in streams {
        let events = session.store.read_stream(stream).await?;
        let state = project(&events, partnership, cut)?;
        out.insert(stream.clone(), state.map(|s| contribute(&s, period)));
    }
    Ok(out)
}

async fn every_proposal(store: &dyn EventStore) -> Result<BTreeSet<String>, Failure> {
    Ok(store
        .streams(PROPOSAL_STREAM_PREFIX)
        .await?
        .into_iter()
        .collect())
}

/// The saved projection of `period`, if it decodes, was made by this fold and covers these days
/// (damage reads as absent).
async fn load(store: &dyn EventStore, key: &str, period: &Period) -> Option<Projection> {
    saved::load::<Projection>(store, key, FORMAT, "report projection")
        .await
        .filter(|p| {
            p.made_by == saved::made_by()
                && p.quarter == period.quarter.to_string()
                && p.first_day == period.first_day
                && p.last_day == period.last_day
        })
}

/// The proposal streams with events after the projection's position, up to `until`; None when
/// the projection is not of this log (its event is not the log's event at its position) or the
/// partnership was recorded since (the fold is given the partnership: rebuild).
async fn changed_between(
    store: &dyn EventStore,
    projection: &Projection,
    until: u64,
) -> Result<Option<BTreeSet<String>>, Failure> {
    if projection.seq == 0 {
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
            let partnership = event.seq > projection.seq
                && event.seq <= until
                && event.stream == PARTNERSHIP_STREAM;
            if !matches || event.seq > until || partnership {
                matches &= !partnership;
                stopped = true;
                return Err(Failure::internal("stopped reading"));
            }
            if event.stream.starts_with(PROPOSAL_STREAM_PREFIX) && event.seq > projection.seq {
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

#[cfg(test)]
#[path = "report_projection_tests.rs"]
mod tests;
