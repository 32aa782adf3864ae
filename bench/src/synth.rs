//! Synthetic but valid history: proposal streams with ~300-byte data, in a deterministic order.

use engine::NewEvent;
use serde_json::json;

/// xorshift64*: deterministic, dependency-free.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const WORDS: &[&str] = &[
    "shared",
    "service",
    "council",
    "board",
    "saving",
    "quarter",
    "review",
    "consultation",
    "unison",
    "business",
    "case",
    "revenues",
    "benefits",
    "elections",
    "waste",
    "planning",
    "minute",
    "approved",
    "deferred",
    "monitoring",
    "indicator",
    "target",
    "staff",
    "transfer",
];

const KINDS: &[&str] = &[
    "note-recorded",
    "kpi-recorded",
    "saving-recorded",
    "milestone-noted",
];

/// The synthetic stream `k`. Not `proposal-…`: the workflow folds those as proposals, and these
/// events are valid log entries but not a proposal's steps.
pub fn stream_name(k: u64) -> String {
    format!("synthetic-{k:06}")
}

/// One event on a random one of `streams` proposal streams; `data` serialises to ~300 bytes.
pub fn event(rng: &mut Rng, streams: u64, n: u64) -> NewEvent {
    let mut note = String::with_capacity(260);
    while note.len() < 230 {
        if !note.is_empty() {
            note.push(' ');
        }
        note.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
    }
    let day = 1 + (n / 500) % 28;
    let month = 1 + (n / 14_000) % 12;
    NewEvent {
        stream: stream_name(rng.below(streams)),
        kind: KINDS[rng.below(KINDS.len() as u64) as usize].to_string(),
        actor: "jce".to_string(),
        effective_on: format!("2009-{month:02}-{day:02}"),
        data: json!({
            "n": n,
            "amount": format!("{}.{:02}", rng.below(100_000), rng.below(100)),
            "quarter": "2009/10-Q2",
            "note": note,
        }),
    }
}

/// The `now` of generation round `round`: a minute apart, from 2008-10-01.
pub fn instant(round: u64) -> jiff::Timestamp {
    let base: jiff::Timestamp = "2008-10-01T09:00:00Z".parse().expect("base instant");
    base + jiff::SignedDuration::from_secs(60 * round as i64)
}

/// The partnership's zone (the fixture's).
pub fn tz() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/London").expect("Europe/London")
}
