//! The risk register's events (stream `risk-N`): their data keys are a public contract, added to
//! and never renamed, and the one description of each.

use super::Rating;
use serde::{Deserialize, Serialize};

/// A risk entered in the register.
pub const RISK_ADDED: &str = "risk-added";
/// A risk's ratings, owner, mitigation or review date changed.
pub const RISK_UPDATED: &str = "risk-updated";
/// A risk closed (it no longer needs managing).
pub const RISK_CLOSED: &str = "risk-closed";

/// `risk-added`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskAdded {
    pub id: String,
    pub title: String,
    /// The proposal it belongs to (null: a programme risk).
    pub proposal: Option<String>,
    pub likelihood: Rating,
    pub impact: Rating,
    /// likelihood × impact, 1 to 25.
    pub score: u8,
    pub owner: String,
    pub mitigation: String,
    /// The date it is next to be reviewed (YYYY-MM-DD).
    pub review: String,
}

/// `risk-updated`: every value as it stands after the update, which of them changed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskUpdated {
    pub id: String,
    pub likelihood: Rating,
    pub impact: Rating,
    pub score: u8,
    /// The score before this update.
    pub previous_score: u8,
    pub owner: String,
    pub mitigation: String,
    pub review: String,
    /// The keys that changed (`likelihood`, `impact`, `owner`, `mitigation`, `review`).
    pub changed: Vec<String>,
    pub reason: Option<String>,
}

/// `risk-closed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskClosed {
    pub id: String,
    /// The score it closed at.
    pub score: u8,
    pub reason: String,
}

/// What a risk event recorded, in words (None: not a risk event, or data this version cannot read).
pub fn describe(kind: &str, data: &serde_json::Value) -> Option<String> {
    let read = |d: &serde_json::Value| d.clone();
    match kind {
        RISK_ADDED => serde_json::from_value::<RiskAdded>(read(data)).ok().map(|d| {
            format!(
                "risk {} \"{}\" entered{}: likelihood {} × impact {} = score {}, owned by {}; review by {}",
                d.id,
                d.title,
                d.proposal.map(|p| format!(" for {p}")).unwrap_or_else(|| " for the programme".into()),
                d.likelihood,
                d.impact,
                d.score,
                d.owner,
                crate::words::date_text(&d.review)
            )
        }),
        RISK_UPDATED => serde_json::from_value::<RiskUpdated>(read(data)).ok().map(|d| {
            format!(
                "risk {} updated ({}): score {} → {}, owned by {}; review by {}{}",
                d.id,
                d.changed.join(", "),
                d.previous_score,
                d.score,
                d.owner,
                crate::words::date_text(&d.review),
                d.reason.map(|r| format!(": {r}")).unwrap_or_default()
            )
        }),
        RISK_CLOSED => serde_json::from_value::<RiskClosed>(read(data))
            .ok()
            .map(|d| format!("risk {} closed at score {}: {}", d.id, d.score, d.reason)),
        _ => None,
    }
}
