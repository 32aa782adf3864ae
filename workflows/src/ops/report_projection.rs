//! The reports' projection: what every proposal contributes to one quarter's reports
//! ([`Contribution`]) as known at a log position, saved beside the log one key per proposal
//! ([`entry_key`]) under a small header ([`key`]: the log position and event hash it covers, the
//! fold that made it, the quarter's days), so a later report of that quarter re-folds only the
//! proposals recorded since — one stream at a time, through the fold itself ([`project`]) — and
//! reads the others one saved contribution at a time, never the whole log or every contribution
//! in memory. A report known at an earlier position than the one saved folds every proposal
//! afresh (one at a time) and leaves the saved projection as it was.

use super::reminders::partnership_at;
use super::saved;
use super::session::{PartnershipHistory, Session, PARTNERSHIP_STREAM};
use crate::proposal::{project, Cut, PROPOSAL_STREAM_PREFIX};
use crate::report::contribution::{contribute, Contribution, Period};
use engine::{EventStore, Failure, Head};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Below this many events the contributions are folded afresh and nothing is saved.
pub const MIN_EVENTS: u64 = 1_000;
/// The saved bytes' layout: this byte, then JSON. Bump it with any change to [`Contribution`].
pub const FORMAT: u8 = 3;

/// The key of the header of the projection of the quarter ending on `last_day`.
pub fn key(last_day: Date) -> String {
    format!("projection:report:{last_day}")
}

/// The key of `stream`'s contribution in the projection of the quarter ending on `last_day`.
pub fn entry_key(last_day: Date, stream: &str) -> String {
    format!("projection:report:{last_day}:{stream}")
}

/// What the saved contributions of one quarter are known at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Header {
    /// The release and proposal-snapshot format that folded it: another fold means rebuild.
    made_by: String,
    /// The log position it is known at, and that event's hash.
    seq: u64,
    hash: String,
    quarter: String,
    first_day: Date,
    last_day: Date,
    /// Names the build the entries belong to (the fold, position and hash it was built at from
    /// nothing): an entry of another build, or of another store, is folded again.
    lineage: String,
}

/// One proposal's saved contribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Entry {
    lineage: String,
    /// The log position it was folded at (never beyond its header's).
    seq: u64,
    /// None: the proposal was not created by the quarter's end.
    contribution: Option<Contribution>,
}

/// Hands `each` every proposal's contribution to `period`'s reports as known at `known` (the
/// event at the position the report counts to), one at a time in id order: from the saved
/// projection, the proposals recorded since folded again, or every proposal folded afresh.
pub async fn for_each(
    session: &mut Session,
    period: &Period,
    known: &Head,
    each: &mut dyn FnMut(Contribution),
) -> Result<(), Failure> {
    for_each_from(session, period, known, MIN_EVENTS, each).await
}

/// Every proposal's contribution to `period`'s reports as known at `known`, in id order.
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
    let mut all = Vec::new();
    for_each_from(session, period, known, min_events, &mut |c| all.push(c)).await?;
    Ok(all)
}

/// [`for_each`], using the projection only from `min_events` events on.
pub async fn for_each_from(
    session: &mut Session,
    period: &Period,
    known: &Head,
    min_events: u64,
    each: &mut dyn FnMut(Contribution),
) -> Result<(), Failure> {
    let (partnership, _) = partnership_at(session, &seq_cut(known.seq, None)).await?;
    let fold = Fold {
        partnership: &partnership,
        cut: seq_cut(known.seq, Some(period.last_day)),
        period,
    };
    let streams = every_proposal(session.store.as_ref()).await?;
    let saved = if known.seq < min_events {
        None
    } else {
        load(session.store.as_ref(), &key(period.last_day), period).await
    };
    if known.seq < min_events || saved.as_ref().is_some_and(|h| h.seq > known.seq) {
        // Too small to keep, or an earlier position than the one saved (kept as it is).
        for stream in &streams {
            if let Some(c) = fold.one(session, stream).await? {
                each(c);
            }
        }
        return Ok(());
    }
    let changed = match &saved {
        Some(h) => changed_between(session.store.as_ref(), h, known.seq).await?,
        None => None,
    };
    let (header, changed) = match (saved, changed) {
        (Some(h), Some(changed)) => (h, Some(changed)),
        _ => {
            tracing::info!(quarter = %period.quarter, "building the report projection from the log");
            (fresh_header(period, known), None)
        }
    };
    let mut moved = header.seq != known.seq;
    for stream in &streams {
        let kept = match &changed {
            Some(changed) if !changed.contains(stream) => {
                load_entry(session.store.as_ref(), period, stream, &header).await
            }
            _ => None,
        };
        let contribution = match kept {
            Some(c) => c,
            None => {
                moved = true;
                let c = fold.one(session, stream).await?;
                let entry = Entry {
                    lineage: header.lineage.clone(),
                    seq: known.seq,
                    contribution: c,
                };
                let key = entry_key(period.last_day, stream);
                saved::save(session.store.as_ref(), &key, known.seq, FORMAT, &entry).await?;
                entry.contribution
            }
        };
        if let Some(c) = contribution {
            each(c);
        }
    }
    if moved {
        let header = Header {
            seq: known.seq,
            hash: known.hash.clone(),
            ..header
        };
        saved::save(
            session.store.as_ref(),
            &key(period.last_day),
            known.seq,
            FORMAT,
            &header,
        )
        .await?;
    }
    Ok(())
}

/// The header of a projection built from nothing at `known`.
fn fresh_header(period: &Period, known: &Head) -> Header {
    Header {
        made_by: saved::made_by(),
        seq: 0,
        hash: String::new(),
        quarter: period.quarter.to_string(),
        first_day: period.first_day,
        last_day: period.last_day,
        lineage: format!("{}/{FORMAT}/{}:{}", saved::made_by(), known.seq, known.hash),
    }
}

/// The fold of one proposal to its contribution.
struct Fold<'a> {
    partnership: &'a PartnershipHistory,
    cut: Cut,
    period: &'a Period,
}

impl Fold<'_> {
    /// `stream` folded at the cut, kept only as its contribution.
    async fn one(
        &self,
        session: &mut Session,
        stream: &str,
    ) -> Result<Option<Contribution>, Failure> {
        let events = session.store.read_stream(stream).await?;
        let state = project(&events, self.partnership, &self.cut)?;
        Ok(state.map(|s| contribute(&s, self.period)))
    }
}

/// The saved contribution of `stream` if it reads back, belongs to `header`'s build and is not
/// beyond it (damage, another build or another store's reads as absent: fold again).
async fn load_entry(
    store: &dyn EventStore,
    period: &Period,
    stream: &str,
    header: &Header,
) -> Option<Option<Contribution>> {
    let key = entry_key(period.last_day, stream);
    saved::load::<Entry>(store, &key, FORMAT, "report projection's entry")
        .await
        .filter(|e| e.lineage == header.lineage && e.seq <= header.seq)
        .map(|e| e.contribution)
}

/// The cut of what was recorded up to log position `seq`, effective up to `effective_until`.
fn seq_cut(seq: u64, effective_until: Option<Date>) -> Cut {
    Cut {
        effective_until,
        recorded_until: None,
        seq_until: Some(seq),
    }
}

/// Every proposal stream, in name (so proposal id) order.
async fn every_proposal(store: &dyn EventStore) -> Result<Vec<String>, Failure> {
    let mut all = store.streams(PROPOSAL_STREAM_PREFIX).await?;
    all.sort();
    Ok(all)
}

/// The saved projection of `period`, if it decodes, was made by this fold and covers these days
/// (damage reads as absent).
async fn load(store: &dyn EventStore, key: &str, period: &Period) -> Option<Header> {
    saved::load::<Header>(store, key, FORMAT, "report projection")
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
    projection: &Header,
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
