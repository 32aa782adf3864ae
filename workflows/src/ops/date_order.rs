//! `proposal correct-date` (a wrong effective date put right by a correcting event) and the
//! date-order warnings `audit verify` gives for a log recorded before the rules.

use super::change::{self, Recorded};
use super::input::Text;
use super::session::Session;
use crate::definition::Registry;
use crate::proposal::date_order::Breach;
use crate::proposal::state::PROPOSAL_STREAM_PREFIX;
use crate::proposal::{correction, date_order};
use engine::{Event, Failure};
use jiff::civil::Date;
use serde::Serialize;

/// `proposal correct-date ID --seq N --on DATE --reason TEXT`: records that event `seq` of the
/// proposal was taken on `on`, by whoever may record an event of its kind.
pub async fn correct_date(
    session: &mut Session,
    id: &str,
    seq: u64,
    on: Date,
    reason: Text,
    expect_version: Option<u64>,
) -> Result<Recorded, Failure> {
    let loaded = change::load(session, id).await?;
    // Who may correct it depends on what it is, so the event is found first.
    let (_, event) = correction::target(&loaded.events, &loaded.state, seq)?;
    let act = correction::act_for(&event)
        .ok_or_else(|| Failure::internal("a correctable event names who may record it"))?;
    let actor = change::permitted(session, on, &act).await?;
    change::check_current(&loaded.state, &actor.id, expect_version)?;
    let registry = Registry::standard();
    let draft = correction::decide_correction(
        &loaded.events,
        &loaded.state,
        &registry,
        seq,
        on,
        &reason.0,
    )?;
    change::commit(session, loaded.state, draft, &actor.id, on).await
}

/// An event of a proposal dated before what it depends on: both events, both dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateOrderWarning {
    pub proposal: String,
    pub seq: u64,
    pub event: String,
    pub on: Date,
    pub depends_on_seq: u64,
    pub depends_on: String,
    pub depends_on_date: Date,
    pub message: String,
}

/// The warnings of a whole log, all its events oldest first, stream by stream: what the one-pass
/// scan (`verify_pass`) must equal, kept as its tests' reference.
#[cfg(test)]
pub(crate) fn warnings_of_log(events: Vec<Event>) -> Result<Vec<DateOrderWarning>, Failure> {
    use std::collections::BTreeMap;
    let mut streams: BTreeMap<String, Vec<Event>> = BTreeMap::new();
    for event in events {
        if event.stream.starts_with(PROPOSAL_STREAM_PREFIX) {
            streams.entry(event.stream.clone()).or_default().push(event);
        }
    }
    warnings_in(streams)
}

/// The warnings of each proposal stream (its name and its events in seq order).
pub(crate) fn warnings_in(
    streams: impl IntoIterator<Item = (String, Vec<Event>)>,
) -> Result<Vec<DateOrderWarning>, Failure> {
    let registry = Registry::standard();
    let mut out = Vec::new();
    for (stream, events) in streams {
        let events = correction::corrected(&events)?;
        for b in date_order::scan(&events, &registry)? {
            out.push(warning(&stream, b));
        }
    }
    out.sort_by_key(|w| w.seq);
    Ok(out)
}

/// The warning of breach `b` of the proposal whose stream is `stream`.
pub(crate) fn warning(stream: &str, b: Breach) -> DateOrderWarning {
    let proposal = stream[PROPOSAL_STREAM_PREFIX.len()..].to_string();
    DateOrderWarning {
        message: format!("{proposal}: {}", b.describe()),
        proposal,
        seq: b.seq.unwrap_or_default(),
        event: b.what,
        on: b.on,
        depends_on_seq: b.after.seq,
        depends_on: b.after.what,
        depends_on_date: b.after.on,
    }
}
