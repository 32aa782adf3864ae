//! The event: what one step of the log records, and the hash that chains it to the one before.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// `prev_hash` of the first event.
pub const ZERO_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event as stored and exported: exactly one line of `audit export`.
///
/// Every field but `hash` is covered by `hash` (SHA-256 of the RFC 8785 form of the line without `hash`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub seq: u64,
    pub stream: String,
    pub version: u64,
    #[serde(rename = "type")]
    pub kind: String,
    pub actor: String,
    pub recorded_at: String,
    pub effective_on: String,
    pub data: Value,
    pub prev_hash: String,
    pub hash: String,
}

/// An event before the store gives it its place: seq, version, recorded time and hashes.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub stream: String,
    pub kind: String,
    pub actor: String,
    pub effective_on: String,
    pub data: Value,
}

impl Event {
    /// The hash this event should carry, recomputed from its other fields.
    pub fn compute_hash(&self) -> String {
        let unhashed = serde_json::json!({
            "seq": self.seq,
            "stream": self.stream,
            "version": self.version,
            "type": self.kind,
            "actor": self.actor,
            "recorded_at": self.recorded_at,
            "effective_on": self.effective_on,
            "data": self.data,
            "prev_hash": self.prev_hash,
        });
        hash_canonical(&unhashed)
    }

    /// Builds the event that follows `prev_hash` at `seq`/`version`, with its hash computed.
    pub fn seal(
        new: NewEvent,
        seq: u64,
        version: u64,
        recorded_at: String,
        prev_hash: String,
    ) -> Event {
        assert!(seq >= 1 && version >= 1, "seq and version count from 1");
        let mut event = Event {
            seq,
            stream: new.stream,
            version,
            kind: new.kind,
            actor: new.actor,
            recorded_at,
            effective_on: new.effective_on,
            data: new.data,
            prev_hash,
            hash: String::new(),
        };
        event.hash = event.compute_hash();
        event
    }

    /// The export line (no trailing newline).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("an event always serialises")
    }
}

/// Lowercase hex SHA-256 of the RFC 8785 canonical form of `value`.
pub fn hash_canonical(value: &Value) -> String {
    let canonical =
        serde_json_canonicalizer::to_vec(value).expect("JSON values always canonicalise");
    hex::encode(Sha256::digest(&canonical))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Event {
        Event::seal(
            NewEvent {
                stream: "proposal-elections".into(),
                kind: "proposal-created".into(),
                actor: "jce".into(),
                effective_on: "2008-09-01".into(),
                data: json!({"title": "Shared elections", "z": 1, "a": "é"}),
            },
            1,
            1,
            "2008-09-01T17:30:00+01:00".into(),
            ZERO_HASH.into(),
        )
    }

    #[test]
    fn hash_is_sha256_of_canonical_line_without_hash() {
        let e = sample();
        let canonical = r#"{"actor":"jce","data":{"a":"é","title":"Shared elections","z":1},"effective_on":"2008-09-01","prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","recorded_at":"2008-09-01T17:30:00+01:00","seq":1,"stream":"proposal-elections","type":"proposal-created","version":1}"#;
        assert_eq!(e.hash, hex::encode(Sha256::digest(canonical.as_bytes())));
    }

    #[test]
    fn every_field_is_covered() {
        let e = sample();
        let mut changed = e.clone();
        changed.actor = "rbc-clerk".into();
        assert_ne!(changed.compute_hash(), e.hash);
        let mut changed = e.clone();
        changed.seq = 2;
        assert_ne!(changed.compute_hash(), e.hash);
        let mut changed = e.clone();
        changed.prev_hash = "1".repeat(64);
        assert_ne!(changed.compute_hash(), e.hash);
    }

    #[test]
    fn line_round_trips() {
        let e = sample();
        let back: Event = serde_json::from_str(&e.to_line()).unwrap();
        assert_eq!(back, e);
    }
}
