//! A proposal's live state as a projection snapshot: what the store keeps under the proposal's
//! stream name so a live read folds only the events recorded since (see `ops::change::live_state`).
//!
//! The bytes are [`FORMAT`] then the state as JSON. Change `FORMAT` whenever `ProposalState` (or a
//! type it holds) changes shape or the fold changes meaning: older snapshots then read as absent
//! and are rebuilt from the log.

use super::state::ProposalState;

/// The snapshot format; bump it with any change to the state's shape or to the fold.
pub const FORMAT: u8 = 4;

/// The snapshot bytes of `state`.
pub fn encode(state: &ProposalState) -> Vec<u8> {
    let mut bytes = vec![FORMAT];
    serde_json::to_writer(&mut bytes, state).expect("a state serialises");
    bytes
}

/// The state in snapshot `bytes` taken at stream version `version` (None: another format,
/// undecodable, or not the state at that version).
pub fn decode(bytes: &[u8], version: u64) -> Option<ProposalState> {
    let (&format, json) = bytes.split_first()?;
    if format != FORMAT {
        return None;
    }
    let state: ProposalState = match serde_json::from_slice(json) {
        Ok(state) => state,
        Err(e) => {
            tracing::debug!("undecodable proposal snapshot: {e}");
            return None;
        }
    };
    (state.version == version).then_some(state)
}
