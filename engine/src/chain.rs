//! Offline verification of a hash chain, line by line, as `audit verify` reads an export.

use crate::event::{Event, ZERO_HASH};
use serde::Serialize;
use std::collections::HashMap;
use std::io::BufRead;

/// The result of verifying a chain: the contract's `audit verify` document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub ok: bool,
    /// How many events verified, from the first.
    pub events: u64,
    /// The last good event's hash (64 zeros when none verified).
    pub head: String,
    /// The seq the first line that does not follow from the one before it should have carried.
    pub first_bad_seq: Option<u64>,
    /// Why that line does not follow, in plain words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Checks events one at a time, keeping only what the next one needs.
#[derive(Debug, Default)]
pub struct ChainVerifier {
    events: u64,
    head: Option<String>,
    last_recorded: Option<jiff::Timestamp>,
    stream_versions: HashMap<String, u64>,
}

impl ChainVerifier {
    /// A verifier at the start of a chain.
    pub fn new() -> Self {
        Self::default()
    }

    /// The hash the next event must name as `prev_hash`.
    pub fn head(&self) -> &str {
        self.head.as_deref().unwrap_or(ZERO_HASH)
    }

    /// How many events have verified so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Checks that `event` follows the events before it; on success it becomes the head.
    pub fn push(&mut self, event: &Event) -> Result<(), String> {
        let expected_seq = self.events + 1;
        if event.seq != expected_seq {
            return Err(format!(
                "seq is {} where {} was expected",
                event.seq, expected_seq
            ));
        }
        if event.prev_hash != self.head() {
            return Err("prev_hash does not name the hash of the event before".into());
        }
        if event.compute_hash() != event.hash {
            return Err("hash does not match the event's contents".into());
        }
        let expected_version = self
            .stream_versions
            .get(&event.stream)
            .copied()
            .unwrap_or(0)
            + 1;
        if event.version != expected_version {
            return Err(format!(
                "stream {} is at version {} where {} was expected",
                event.stream, event.version, expected_version
            ));
        }
        let recorded: jiff::Timestamp = event
            .recorded_at
            .parse()
            .map_err(|e| format!("recorded_at is not an RFC 3339 instant: {e}"))?;
        if let Some(last) = self.last_recorded {
            if recorded < last {
                return Err("recorded_at is earlier than the event before".into());
            }
        }
        self.last_recorded = Some(recorded);
        self.stream_versions
            .insert(event.stream.clone(), event.version);
        self.events += 1;
        self.head = Some(event.hash.clone());
        Ok(())
    }
}

/// Verifies JSON Lines from `reader`; with `expected_head`, the chain must end exactly at that hash.
pub fn verify_lines<R: BufRead>(
    reader: R,
    expected_head: Option<&str>,
) -> std::io::Result<VerifyReport> {
    let mut verifier = ChainVerifier::new();
    let mut seen_hashes: Vec<String> = Vec::new();
    let mut failure: Option<String> = None;
    for line in reader.lines() {
        let line = line?;
        if line.is_empty() {
            failure = Some("an empty line stands where an event should".into());
            break;
        }
        let event: Event = match serde_json::from_str(&line) {
            Ok(e) => e,
            Err(e) => {
                failure = Some(format!("the line is not an event: {e}"));
                break;
            }
        };
        if let Err(why) = verifier.push(&event) {
            failure = Some(why);
            break;
        }
        if expected_head.is_some() {
            seen_hashes.push(event.hash);
        }
    }
    let events = verifier.events();
    let head = verifier.head().to_string();
    if let Some(problem) = failure {
        return Ok(VerifyReport {
            ok: false,
            events,
            head,
            first_bad_seq: Some(events + 1),
            problem: Some(problem),
        });
    }
    if let Some(want) = expected_head {
        let want = want.to_ascii_lowercase();
        if head != want {
            let (bad, problem) = match seen_hashes.iter().position(|h| *h == want) {
                Some(p) => (
                    p as u64 + 2,
                    format!(
                        "the chain goes on past the expected head (at seq {})",
                        p + 1
                    ),
                ),
                None => (
                    events + 1,
                    "the chain ends before the expected head".to_string(),
                ),
            };
            return Ok(VerifyReport {
                ok: false,
                events,
                head,
                first_bad_seq: Some(bad),
                problem: Some(problem),
            });
        }
    }
    Ok(VerifyReport {
        ok: true,
        events,
        head,
        first_bad_seq: None,
        problem: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::NewEvent;
    use serde_json::json;

    fn chain(n: u64) -> Vec<Event> {
        let mut prev = ZERO_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let e = Event::seal(
                    NewEvent {
                        stream: "s".into(),
                        kind: "t".into(),
                        actor: "a".into(),
                        effective_on: "2008-09-01".into(),
                        data: json!({"n": seq}),
                    },
                    seq,
                    seq,
                    "2008-09-01T09:00:00+01:00".into(),
                    prev.clone(),
                );
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn text(events: &[Event]) -> String {
        events.iter().map(|e| e.to_line() + "\n").collect()
    }

    #[test]
    fn a_good_chain_verifies() {
        let events = chain(5);
        let r = verify_lines(text(&events).as_bytes(), Some(&events[4].hash)).unwrap();
        assert!(r.ok);
        assert_eq!(r.events, 5);
        assert_eq!(r.head, events[4].hash);
    }

    #[test]
    fn a_deleted_line_is_located() {
        let mut events = chain(5);
        events.remove(2);
        let r = verify_lines(text(&events).as_bytes(), None).unwrap();
        assert_eq!((r.ok, r.first_bad_seq, r.events), (false, Some(3), 2));
    }

    #[test]
    fn truncation_is_caught_by_head_only() {
        let events = chain(5);
        let short = text(&events[..3]);
        assert!(verify_lines(short.as_bytes(), None).unwrap().ok);
        let r = verify_lines(short.as_bytes(), Some(&events[4].hash)).unwrap();
        assert_eq!((r.ok, r.first_bad_seq), (false, Some(4)));
    }
}
