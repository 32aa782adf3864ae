//! `store copy --from STORE --to STORE`: the log copied event by event through the destination's
//! ordinary append path, each event re-sealed and required to come out with its original hash.

use super::session::{PartnershipHistory, PARTNERSHIP_STREAM};
use engine::{AppendRequest, Event, EventStore, Failure};
use serde::Serialize;

/// What `store copy` reports.
#[derive(Debug, Serialize)]
pub struct Copied {
    pub from: String,
    pub to: String,
    pub events: u64,
    pub head: String,
}

/// Copies every event of `from` into the empty store `to`, keeping seqs, versions, recorded
/// instants and hashes; refuses (integrity, exit 6) if any event would come out differently.
pub async fn copy(from: &dyn EventStore, to: &dyn EventStore) -> Result<Copied, Failure> {
    let events = from.read_from(1).await?;
    copy_events(events, from.location(), to).await
}

/// Copies `events` (a whole log from seq 1, e.g. an export whose chain was verified) into the
/// empty store `to` as `copy` does; `from` names where they came from, for the answer.
pub async fn copy_events(
    events: Vec<Event>,
    from: String,
    to: &dyn EventStore,
) -> Result<Copied, Failure> {
    if to.head().await?.seq != 0 {
        return Err(
            Failure::conflict(format!("{} already holds events", to.location()))
                .with_detail("copy into a new, empty store"),
        );
    }
    if events.is_empty() {
        return Err(Failure::usage(format!("{from} holds no events"))
            .with_detail("copy from a store or an export that holds the partnership"));
    }
    let partnership_events: Vec<Event> = events
        .iter()
        .filter(|e| e.stream == PARTNERSHIP_STREAM)
        .cloned()
        .collect();
    let latest = PartnershipHistory::from_events(&partnership_events)?
        .latest()
        .clone();
    let tz = latest.tz();
    // Events recorded together were appended together: keep the batches, so recorded_at is kept.
    let mut start = 0;
    while start < events.len() {
        let mut end = start + 1;
        while end < events.len() && events[end].recorded_at == events[start].recorded_at {
            end += 1;
        }
        let batch = &events[start..end];
        let now: jiff::Timestamp = batch[0].recorded_at.parse().map_err(|e| {
            Failure::integrity(format!("event {} has a bad recorded_at: {e}", batch[0].seq))
        })?;
        let request = AppendRequest {
            events: batch
                .iter()
                .map(|e| engine::NewEvent {
                    stream: e.stream.clone(),
                    kind: e.kind.clone(),
                    actor: e.actor.clone(),
                    effective_on: e.effective_on.clone(),
                    data: e.data.clone(),
                })
                .collect(),
            expectations: Vec::new(),
            now,
            tz: tz.clone(),
        };
        // The bindings come with the last batch: earlier events were appended by whoever acted
        // then, and are judged by the bindings in force before them (none, in a new store).
        let written = if end == events.len() {
            to.append_binding_roles(request, &latest.actor_roles())
                .await?
        } else {
            to.append(request).await?
        };
        for (original, copy) in batch.iter().zip(&written) {
            if original != copy {
                return Err(Failure::integrity(format!(
                    "event {} would not keep its hash in {} (it came out as seq {} with hash {})",
                    original.seq,
                    to.location(),
                    copy.seq,
                    copy.hash
                ))
                .with_detail("verify the source with `concordat audit verify`; the copy is incomplete and should be discarded"));
            }
        }
        start = end;
    }
    to.set_access(&latest.store_access()).await?;
    let head = to.head().await?;
    assert_eq!(head.seq, events.len() as u64, "every event was copied");
    Ok(Copied {
        from,
        to: to.location(),
        events: head.seq,
        head: head.hash,
    })
}
