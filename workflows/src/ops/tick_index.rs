//! The scheduler's due index: after a tick, the instant before which nothing can fall due that
//! has not fired, saved beside the log (a small projection snapshot under [`KEY`] — on the embedded store a file
//! of its own, so a tick with nothing due never opens the snapshot database — checked against the
//! log position and event hash it was worked out at). A later tick whose log has since gained
//! only firings (which can only fire more) and whose clock is before that instant has nothing to
//! do, and answers so from this record without reading any proposal's facts.

use super::saved;
use super::session::Session;
use crate::reminders::firing::STREAM_PREFIX;
use crate::reminders::Facts;
use engine::{EventStore, Failure, Head};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The key the index is saved under (no stream is named so).
pub const KEY: &str = "projection:reminder-due";
/// The saved bytes' layout: this byte, then JSON. Bump it with any change to [`DueIndex`].
const FORMAT: u8 = 1;
/// How far ahead the index looks: a tick this long after the last one reads the facts again.
const HORIZON: SignedDuration = SignedDuration::from_hours(24 * 40);

/// When nothing unfired can fall due, as worked out at log position `seq`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct DueIndex {
    /// The release that worked it out: its reminder rules.
    made_by: String,
    seq: u64,
    hash: String,
    /// The tick's clock then: every reminder due by it had fired.
    computed_at: Timestamp,
    /// The first instant after `computed_at` a reminder falls due, or that of any reminder not
    /// fired (the horizon when none is within it).
    clear_until: Timestamp,
}

/// Whether a tick at `now` would fire nothing and see nothing due within `within` after it: the
/// saved index says so and the log has gained only firings since it was worked out.
pub async fn nothing_due(
    session: &mut Session,
    now: Timestamp,
    within: SignedDuration,
) -> Result<bool, Failure> {
    let Some(index) = load(session.store.as_ref()).await else {
        return Ok(false);
    };
    if now < index.computed_at || now + within >= index.clear_until {
        return Ok(false);
    }
    only_firings_since(session.store.as_ref(), &index).await
}

/// Saves the index after a tick at `now` that read `facts` at `head`, every reminder in `fired`
/// having fired (before or by the tick).
pub async fn save(
    session: &mut Session,
    head: &Head,
    facts: &Facts,
    fired: &BTreeSet<String>,
    now: Timestamp,
) -> Result<(), Failure> {
    let horizon = now + HORIZON;
    let clear_until = facts
        .reminders(horizon)
        .into_iter()
        .find(|r| r.due > now || !fired.contains(&r.id))
        .map_or(horizon, |r| r.due);
    let index = DueIndex {
        made_by: env!("CARGO_PKG_VERSION").to_string(),
        seq: head.seq,
        hash: head.hash.clone(),
        computed_at: now,
        clear_until,
    };
    saved::save_small(session.store.as_ref(), KEY, head.seq, FORMAT, &index).await
}

/// The saved index, if it decodes and was made by this release (damage reads as absent).
async fn load(store: &dyn EventStore) -> Option<DueIndex> {
    saved::load_small::<DueIndex>(store, KEY, FORMAT, "tick's due index")
        .await
        .filter(|i| i.made_by == env!("CARGO_PKG_VERSION") && i.seq > 0)
}

/// Whether the log's event at the index's position is the one it was worked out at, and every
/// later event is a firing.
async fn only_firings_since(store: &dyn EventStore, index: &DueIndex) -> Result<bool, Failure> {
    let mut ok = false;
    let mut stopped = false;
    let result = store
        .for_each_from(index.seq, &mut |event| {
            ok = if event.seq == index.seq {
                event.hash == index.hash
            } else {
                ok && event.stream.starts_with(STREAM_PREFIX)
            };
            if !ok {
                stopped = true;
                return Err(Failure::internal("stopped reading"));
            }
            Ok(())
        })
        .await;
    match result {
        Err(_) if stopped => Ok(false),
        other => other.map(|()| ok),
    }
}

#[cfg(test)]
#[path = "tick_index_tests.rs"]
mod tests;
