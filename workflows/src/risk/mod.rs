//! The risk register (targets report §8.1: risk managed at programme and at project level): a
//! risk's state folded from its own stream, `risk-N` (the id is the stream's name), its score
//! (likelihood × impact) and its history. Pure: no store, no clock.

pub mod decide;
pub mod events;
pub mod top;

use crate::proposal::events::read;
use engine::time::parse_date;
use engine::{Event, Failure};
use events::{RiskAdded, RiskClosed, RiskUpdated, RISK_ADDED, RISK_CLOSED, RISK_UPDATED};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The prefix of every risk's stream (and id): `risk-1`, `risk-2`, … in the order entered.
pub const RISK_STREAM_PREFIX: &str = "risk-";

/// The id (and stream) of the `n`th risk entered.
pub fn nth_id(n: usize) -> String {
    format!("{RISK_STREAM_PREFIX}{n}")
}

/// A likelihood or an impact: a whole number from 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Rating(u8);

impl Rating {
    /// The rating's number, 1 to 5.
    pub fn get(self) -> u8 {
        self.0
    }

    /// A rating of `n`, if 1 to 5.
    pub fn new(n: u8) -> Option<Rating> {
        (1..=5).contains(&n).then_some(Rating(n))
    }
}

impl TryFrom<u8> for Rating {
    type Error = String;
    fn try_from(n: u8) -> Result<Rating, String> {
        Rating::new(n).ok_or_else(|| format!("a rating is 1 to 5, not {n}"))
    }
}

impl From<Rating> for u8 {
    fn from(r: Rating) -> u8 {
        r.0
    }
}

impl FromStr for Rating {
    type Err = Failure;
    fn from_str(text: &str) -> Result<Rating, Failure> {
        text.trim()
            .parse::<u8>()
            .ok()
            .and_then(Rating::new)
            .ok_or_else(|| {
                Failure::usage(format!("{text:?} is not a rating"))
                    .with_detail("rate likelihood and impact each from 1 (lowest) to 5 (highest)")
            })
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A risk's score: likelihood × impact (1 to 25).
pub fn score(likelihood: Rating, impact: Rating) -> u8 {
    likelihood.0 * impact.0
}

/// Open, or closed (no longer managed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Open,
    Closed,
}

/// One entry of a risk's history: what it was rated after each event, who recorded it and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// `added`, `updated` or `closed`.
    pub event: String,
    pub on: Date,
    pub by: String,
    pub recorded_at: String,
    pub seq: u64,
    pub likelihood: Rating,
    pub impact: Rating,
    pub score: u8,
    pub status: Status,
    /// What changed (an update), empty otherwise.
    pub changed: Vec<String>,
    pub reason: Option<String>,
}

/// A risk as its events describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Risk {
    pub id: String,
    pub title: String,
    /// The proposal it belongs to (None: a programme risk).
    pub proposal: Option<String>,
    pub likelihood: Rating,
    pub impact: Rating,
    pub score: u8,
    pub owner: String,
    pub mitigation: String,
    /// The date it is next to be reviewed.
    pub review: Date,
    pub status: Status,
    pub added_on: Date,
    /// The date of its latest event (nothing is dated before it).
    pub last_on: Date,
    /// Its stream's version (the number of its events).
    pub version: u64,
    pub history: Vec<HistoryEntry>,
}

impl Risk {
    /// The risk of a risk stream's events (None before `risk-added`).
    pub fn fold(events: &[&Event]) -> Result<Option<Risk>, Failure> {
        let mut risk: Option<Risk> = None;
        for event in events {
            match (&mut risk, event.kind.as_str()) {
                (None, RISK_ADDED) => risk = Some(Risk::added(event)?),
                (Some(r), _) => r.apply(event)?,
                (None, _) => {}
            }
        }
        Ok(risk)
    }

    fn added(event: &Event) -> Result<Risk, Failure> {
        let d: RiskAdded = read(event)?;
        let on = stored_date(event, &event.effective_on)?;
        let mut risk = Risk {
            id: d.id,
            title: d.title,
            proposal: d.proposal,
            likelihood: d.likelihood,
            impact: d.impact,
            score: score(d.likelihood, d.impact),
            owner: d.owner,
            mitigation: d.mitigation,
            review: stored_date(event, &d.review)?,
            status: Status::Open,
            added_on: on,
            last_on: on,
            version: 1,
            history: Vec::new(),
        };
        risk.record(event, "added", Vec::new(), None)?;
        Ok(risk)
    }

    /// Applies a `risk-updated` or `risk-closed` event (others are ignored).
    fn apply(&mut self, event: &Event) -> Result<(), Failure> {
        self.version += 1;
        match event.kind.as_str() {
            RISK_UPDATED => {
                let d: RiskUpdated = read(event)?;
                self.likelihood = d.likelihood;
                self.impact = d.impact;
                self.score = score(d.likelihood, d.impact);
                self.owner = d.owner;
                self.mitigation = d.mitigation;
                self.review = stored_date(event, &d.review)?;
                self.record(event, "updated", d.changed, d.reason)
            }
            RISK_CLOSED => {
                let d: RiskClosed = read(event)?;
                self.status = Status::Closed;
                self.record(event, "closed", Vec::new(), Some(d.reason))
            }
            _ => Ok(()),
        }
    }

    fn record(
        &mut self,
        event: &Event,
        what: &str,
        changed: Vec<String>,
        reason: Option<String>,
    ) -> Result<(), Failure> {
        let on = stored_date(event, &event.effective_on)?;
        self.last_on = self.last_on.max(on);
        self.history.push(HistoryEntry {
            event: what.to_string(),
            on,
            by: event.actor.clone(),
            recorded_at: event.recorded_at.clone(),
            seq: event.seq,
            likelihood: self.likelihood,
            impact: self.impact,
            score: self.score,
            status: self.status,
            changed,
            reason,
        });
        Ok(())
    }

    /// Whether it is still open.
    pub fn is_open(&self) -> bool {
        self.status == Status::Open
    }
}

fn stored_date(event: &Event, text: &str) -> Result<Date, Failure> {
    parse_date(text).map_err(|e| {
        Failure::integrity(format!(
            "event {} has a bad date {text:?}: {}",
            event.seq, e.message
        ))
    })
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
