//! Rebuildable state kept beside the log (the reminder and report projections, the tick's due
//! index): a format byte, then JSON. Whatever does not read back in this format — damaged bytes,
//! another format, JSON that does not decode — is absent, so the caller rebuilds it from the log
//! and never answers from it.

use engine::{EventStore, Failure};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Who made a projection: the release and the proposal fold's format (either changing means the
/// saved facts may differ from a fresh fold's).
pub fn made_by() -> String {
    format!(
        "{}/{}",
        env!("CARGO_PKG_VERSION"),
        crate::proposal::snapshot::FORMAT
    )
}

/// Saves `value` under `key` as of log position `seq`: `format`, then its JSON.
pub async fn save<T: Serialize>(
    store: &dyn EventStore,
    key: &str,
    seq: u64,
    format: u8,
    value: &T,
) -> Result<(), Failure> {
    store.save_snapshot(key, seq, &encode(format, value)).await
}

/// [`save`] for a value of a few hundred bytes, kept where reading it costs next to nothing
/// (`EventStore::save_small_snapshot`).
pub async fn save_small<T: Serialize>(
    store: &dyn EventStore,
    key: &str,
    seq: u64,
    format: u8,
    value: &T,
) -> Result<(), Failure> {
    store
        .save_small_snapshot(key, seq, &encode(format, value))
        .await
}

fn encode<T: Serialize>(format: u8, value: &T) -> Vec<u8> {
    let mut bytes = vec![format];
    serde_json::to_writer(&mut bytes, value).expect("saved state serialises");
    bytes
}

/// The value saved under `key` if it reads back in `format`; `what` names it in the trace.
pub async fn load<T: DeserializeOwned>(
    store: &dyn EventStore,
    key: &str,
    format: u8,
    what: &str,
) -> Option<T> {
    decode(store.load_snapshot(key).await, format, what)
}

/// [`load`] of a value saved with [`save_small`].
pub async fn load_small<T: DeserializeOwned>(
    store: &dyn EventStore,
    key: &str,
    format: u8,
    what: &str,
) -> Option<T> {
    decode(store.load_small_snapshot(key).await, format, what)
}

fn decode<T: DeserializeOwned>(
    found: Result<Option<(u64, Vec<u8>)>, Failure>,
    format: u8,
    what: &str,
) -> Option<T> {
    let (_, bytes) = match found {
        Ok(found) => found?,
        Err(e) => {
            tracing::warn!("reading the {what}: {e}");
            return None;
        }
    };
    let (&saved_format, json) = bytes.split_first()?;
    if saved_format != format {
        return None;
    }
    match serde_json::from_slice::<T>(json) {
        Ok(value) => Some(value),
        Err(e) => {
            tracing::info!("the saved {what} does not decode ({e}); rebuilding it");
            None
        }
    }
}
