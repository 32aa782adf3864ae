//! The whole index built in memory during a rebuild, then installed in one go.

use super::{StreamHead, RECORD};
use std::collections::HashMap;

/// A whole index built in memory (for a rebuild), in seq order.
#[derive(Default)]
pub struct Builder {
    pub(super) records: Vec<u8>,
    pub(super) streams: HashMap<String, StreamHead>,
    pub(super) order: Vec<String>,
    pub(super) end: u64,
}

impl Builder {
    /// An empty index, to push every event of the log into.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Adds the next event.
    pub fn push(&mut self, seq: u64, stream: &str, version: u64, offset: u64, end: u64) {
        debug_assert_eq!(seq, self.records.len() as u64 / RECORD + 1);
        if !self.streams.contains_key(stream) {
            self.order.push(stream.to_string());
            self.streams.insert(
                stream.to_string(),
                StreamHead {
                    version: 0,
                    last_seq: 0,
                },
            );
        }
        let head = self.streams.get_mut(stream).expect("just inserted");
        self.records.extend_from_slice(&offset.to_le_bytes());
        self.records.extend_from_slice(&head.last_seq.to_le_bytes());
        *head = StreamHead {
            version,
            last_seq: seq,
        };
        self.end = end;
    }

    /// The stream's version so far (0 if it has not been seen).
    pub fn version(&self, stream: &str) -> u64 {
        self.streams.get(stream).map_or(0, |h| h.version)
    }

    /// Events pushed so far.
    pub fn events(&self) -> u64 {
        self.records.len() as u64 / RECORD
    }
}
