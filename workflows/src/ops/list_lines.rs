//! `proposal list`'s lines kept beside each proposal's saved live state: under
//! `projection:list:<stream>`, the line of the proposal at the stream version it covers, so a
//! list decodes a few hundred bytes per proposal with no events since, and folds (through the
//! proposal's own snapshot, [`change::fold_live`]) only those with new events.
//!
//! A line answers only when it reads back in [`FORMAT`], was made by this release and proposal
//! fold ([`saved::made_by`]), covers the stream's current version and names that stream; anything
//! else (damaged, stale, another proposal's, another release's) is rebuilt from the fold.

use super::change::{self, SNAPSHOT_MIN_EVENTS};
use super::saved;
use super::session::Session;
use crate::proposal::state::PROPOSAL_STREAM_PREFIX;
use crate::proposal::stream_of;
use crate::proposal::view::{list_item, ListItem};
use engine::Failure;
use serde::{Deserialize, Serialize};

/// The saved lines' format byte; bump it with any change to [`ListItem`]'s shape.
pub const FORMAT: u8 = 1;

/// The key of proposal stream `stream`'s line.
pub fn key(stream: &str) -> String {
    format!("projection:list:{stream}")
}

/// One saved line: who made it, and the line.
#[derive(Debug, Serialize, Deserialize)]
struct Saved {
    made_by: String,
    line: ListItem,
}

/// Every proposal's line in id order, handed to `sink` one at a time (memory holds one).
pub async fn for_each_line(
    session: &mut Session,
    sink: impl FnMut(ListItem),
) -> Result<(), Failure> {
    for_each_line_from(session, SNAPSHOT_MIN_EVENTS, sink).await
}

/// [`for_each_line`], consulting saved lines and states once the proposals hold `min_events`
/// events in all (tests pass 0 to exercise them on small logs).
pub async fn for_each_line_from(
    session: &mut Session,
    min_events: u64,
    mut sink: impl FnMut(ListItem),
) -> Result<(), Failure> {
    let mut streams = Vec::new();
    for stream in session.store.streams(PROPOSAL_STREAM_PREFIX).await? {
        let version = session.store.stream_version(&stream).await?;
        streams.push((stream, version));
    }
    let saving = streams.iter().map(|(_, v)| v).sum::<u64>() >= min_events;
    for (stream, current) in streams {
        if saving {
            if let Some(line) = saved_line(session, &stream, current).await {
                sink(line);
                continue;
            }
        }
        let Some(state) = change::fold_live(session, &stream, None, current, saving).await? else {
            continue;
        };
        let line = list_item(&state);
        drop(state);
        if saving {
            let value = Saved {
                made_by: saved::made_by(),
                line,
            };
            saved::save(
                session.store.as_ref(),
                &key(&stream),
                current,
                FORMAT,
                &value,
            )
            .await?;
            sink(value.line);
        } else {
            sink(line);
        }
    }
    Ok(())
}

/// The saved line of `stream` if it answers for version `current` (see the module's doc).
async fn saved_line(session: &Session, stream: &str, current: u64) -> Option<ListItem> {
    let (version, bytes) = match session.store.load_snapshot(&key(stream)).await {
        Ok(found) => found?,
        Err(e) => {
            tracing::warn!("reading proposal list's line: {e}");
            return None;
        }
    };
    let (&format, json) = bytes.split_first()?;
    if version != current || format != FORMAT {
        return None;
    }
    let saved: Saved = serde_json::from_slice(json)
        .inspect_err(|e| tracing::info!("a saved list line does not decode ({e}); rebuilding it"))
        .ok()?;
    (saved.made_by == saved::made_by()
        && saved.line.version == current
        && stream_of(&saved.line.id) == stream)
        .then_some(saved.line)
}

#[cfg(test)]
#[path = "list_lines_tests.rs"]
mod tests;
