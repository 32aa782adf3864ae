//! The partnership as the log holds it: the stream, its event types, and the versions of the
//! file in force from each date, with the partnership's end.

use super::Partnership;
use engine::time::parse_date;
use engine::{Event, Failure};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The stream that holds the partnership file and its amendments.
pub const PARTNERSHIP_STREAM: &str = "partnership";
/// Type of the first event: the partnership file as `init` read it.
pub const PARTNERSHIP_REGISTERED: &str = "partnership-registered";
/// Type of each amendment, effective from its `effective_on` date.
pub const PARTNERSHIP_AMENDED: &str = "partnership-amended";

/// Type of the event that records the partnership's end (`partnership end`).
pub const PARTNERSHIP_ENDED: &str = "partnership-ended";

/// `partnership-ended`'s data (its effective date is the end's): after that date nothing falls
/// due but the final quarterly report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnershipEnd {
    pub minute: String,
    /// The last quarter reported (the one containing the end).
    pub final_quarter: crate::quarter::Quarter,
}

/// The partnership's versions, each in force from a date (the first from the beginning of time),
/// and its end, if recorded.
#[derive(Debug, Clone)]
pub struct PartnershipHistory {
    versions: Vec<(Option<Date>, Partnership)>,
    ended: Option<Ended>,
}

/// The partnership's end as the history holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ended {
    pub on: Date,
    pub minute: String,
    pub seq: u64,
}

impl PartnershipHistory {
    /// Rebuilds the history from the partnership stream's events.
    pub fn from_events(events: &[Event]) -> Result<PartnershipHistory, Failure> {
        let mut versions = Vec::new();
        let mut ended = None;
        for event in events {
            if event.kind == PARTNERSHIP_ENDED {
                let end: PartnershipEnd =
                    serde_json::from_value(event.data.clone()).map_err(|e| {
                        Failure::integrity(format!("event {} does not hold an end: {e}", event.seq))
                    })?;
                ended = Some(Ended {
                    on: parse_date(&event.effective_on)?,
                    minute: end.minute,
                    seq: event.seq,
                });
                continue;
            }
            let partnership: Partnership =
                serde_json::from_value(event.data["partnership"].clone()).map_err(|e| {
                    Failure::integrity(format!(
                        "event {} does not hold a partnership: {e}",
                        event.seq
                    ))
                })?;
            let from = match event.kind.as_str() {
                PARTNERSHIP_REGISTERED => None,
                _ => Some(parse_date(&event.effective_on)?),
            };
            versions.push((from, partnership));
        }
        if versions.is_empty() {
            return Err(Failure::usage("this store has no partnership")
                .with_remedy(crate::remedy::Remedy::CreateStore));
        }
        // Amendments apply by effective date; recorded order only breaks ties.
        versions.sort_by_key(|(from, _)| *from);
        Ok(PartnershipHistory { versions, ended })
    }

    /// The partnership as it stood on `date`.
    pub fn on(&self, date: Date) -> &Partnership {
        self.versions
            .iter()
            .rev()
            .find(|(from, _)| from.is_none_or(|f| f <= date))
            .map(|(_, p)| p)
            .expect("first version has no start")
    }

    /// The partnership as it stands at its latest amendment.
    pub fn latest(&self) -> &Partnership {
        &self.versions.last().expect("at least one version").1
    }

    /// The partnership's recorded end, if any.
    pub fn ended(&self) -> Option<&Ended> {
        self.ended.as_ref()
    }

    /// Every version with the date it took effect (None: from the start).
    pub fn versions(&self) -> &[(Option<Date>, Partnership)] {
        &self.versions
    }
}
