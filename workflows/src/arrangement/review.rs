//! `arrangement-review-recorded` (stream `arrangement-<id>`): a council's review of an arrangement,
//! recorded for the Board. Its `data` (a public contract: keys are added, never renamed):
//! `{arrangement, council, months, due, outcome, summary}` — `months` and `due` name the review of
//! the schedule it answers (chosen when it was recorded, see [`super::schedule::Schedule::answers`]).
//! Like a service's review, its outcome (`terminate` included) closes nothing.

use crate::proposal::events::ReviewOutcome;
use crate::proposal::Cut;
use engine::time::parse_date;
use engine::{Event, Failure};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Type of the event.
pub const ARRANGEMENT_REVIEW_RECORDED: &str = "arrangement-review-recorded";

/// The event's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArrangementReviewRecorded {
    pub arrangement: String,
    pub council: String,
    /// The review of the schedule it answers: months after the start, and its due date.
    pub months: u32,
    pub due: Date,
    pub outcome: ReviewOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// A review as the fold keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewHeld {
    pub arrangement: String,
    pub council: String,
    pub months: u32,
    pub due: Date,
    /// The effective date: when it was held.
    pub held_on: Date,
    pub outcome: ReviewOutcome,
    pub summary: Option<String>,
    pub by: String,
    pub seq: u64,
}

/// An arrangement's stream folded at `cut`: its reviews in seq order.
pub fn fold(events: &[Event], cut: &Cut) -> Result<Vec<ReviewHeld>, Failure> {
    let mut held = Vec::new();
    for event in events {
        if event.kind != ARRANGEMENT_REVIEW_RECORDED || !cut.admits(event)? {
            continue;
        }
        let d: ArrangementReviewRecorded =
            serde_json::from_value(event.data.clone()).map_err(|e| {
                Failure::integrity(format!(
                    "event {} does not hold an arrangement's review: {e}",
                    event.seq
                ))
            })?;
        held.push(ReviewHeld {
            arrangement: d.arrangement,
            council: d.council,
            months: d.months,
            due: d.due,
            held_on: parse_date(&event.effective_on)?,
            outcome: d.outcome,
            summary: d.summary,
            by: event.actor.clone(),
            seq: event.seq,
        });
    }
    Ok(held)
}

/// "bromsgrove's 6-month review of joint-chief-executive (due 30 December 2008): continue".
pub fn describe(d: &ArrangementReviewRecorded) -> String {
    format!(
        "{}'s {}-month review of {} (due {}): {}{}",
        d.council,
        d.months,
        d.arrangement,
        crate::words::date(d.due),
        d.outcome.as_str(),
        d.summary
            .as_ref()
            .map(|s| format!(" — {s}"))
            .unwrap_or_default()
    )
}

/// [`describe`] for an event's data, if it is one of these.
pub fn describe_data(kind: &str, data: &serde_json::Value) -> Option<String> {
    if kind != ARRANGEMENT_REVIEW_RECORDED {
        return None;
    }
    let d: ArrangementReviewRecorded = serde_json::from_value(data.clone()).ok()?;
    Some(describe(&d))
}
