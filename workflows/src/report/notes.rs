//! What a report notes besides its figures, only when such events exist (so a report from a log
//! without them comes out as before): savings corrected or short in the quarter, and the councils'
//! approvals in principle given in it.

use crate::money::Money;
use crate::quarter::Quarter;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A quarter's saving that corrects an earlier figure, or is a shortfall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdjustmentLine {
    pub proposal: String,
    pub quarter: Quarter,
    /// The figure that stands (all councils), and the council's part of it.
    pub amount: Money,
    pub amount_council: Money,
    /// The figure a correction replaced.
    pub corrects: Option<Money>,
    pub reason: Option<String>,
    pub on: Date,
}

/// A council's approval in principle of a proposal, given in the quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InPrincipleLine {
    pub proposal: String,
    pub council: String,
    pub on: Date,
    pub minute: String,
}

/// Approvals in principle given in the quarter, by date.
pub fn in_principle(mut lines: Vec<InPrincipleLine>) -> Vec<InPrincipleLine> {
    lines.sort_by(|a, b| (a.on, &a.proposal, &a.council).cmp(&(b.on, &b.proposal, &b.council)));
    lines
}
