//! `store accept-loss`: the record that acknowledged events were lost and the loss accepted.

use super::session::Session;
use engine::{Event, Failure, NewEvent, Shortfall};

/// The stream holding the store's own records.
pub const STORE_STREAM: &str = "store";
/// The event type recording an accepted loss.
pub const LOSS_ACCEPTED: &str = "store-loss-accepted";

/// Records `lost` (already accepted by the store, which lets this one append through) as taken
/// on `on` by the acting actor, who must be registered (and bound) like any writer.
pub async fn record(
    session: &mut Session,
    lost: &Shortfall,
    on: Option<&str>,
) -> Result<Event, Failure> {
    let date = session.effective_date(on).await?;
    let actor = session.writer(date).await?;
    let (first, last) = lost.missing().unwrap_or((lost.log_seq + 1, lost.log_seq));
    let event = NewEvent {
        stream: STORE_STREAM.to_string(),
        kind: LOSS_ACCEPTED.to_string(),
        actor: actor.id.clone(),
        effective_on: date.to_string(),
        data: serde_json::json!({
            "after": lost.log_seq,
            "lost_from": first,
            "lost_to": last,
            "acknowledged_seq": lost.acknowledged_seq,
            "acknowledged_hash": lost.acknowledged_hash,
            "torn_bytes": lost.torn.map_or(0, |(_, len)| len),
        }),
    };
    let written = session.append(vec![event], Vec::new()).await?;
    Ok(written.into_iter().next().expect("one event"))
}
