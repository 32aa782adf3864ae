//! What a report notes besides its figures, only when such events exist (so a report from a log
//! without them comes out as before): savings corrected or short in the quarter, and the councils'
//! approvals in principle given in it.

use super::Inputs;
use crate::money::Money;
use crate::proposal::state::ProposalState;
use crate::quarter::Quarter;
use jiff::civil::Date;
use serde::Serialize;

/// A quarter's saving that corrects an earlier figure, or is a shortfall.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InPrincipleLine {
    pub proposal: String,
    pub council: String,
    pub on: Date,
    pub minute: String,
}

/// The corrections and shortfalls standing at the quarter's end that concern it: the quarter's own
/// figure, and figures of earlier quarters recorded during it (they change the totals to date).
pub fn adjustments(inputs: &Inputs<'_>, mine: &[&ProposalState]) -> Vec<AdjustmentLine> {
    let mut lines = Vec::new();
    for p in mine {
        for (quarter, s) in p.savings.range(..=inputs.quarter) {
            let noted = s.corrects.is_some() || s.is_shortfall();
            if !noted || (*quarter != inputs.quarter && s.on < inputs.first_day) {
                continue;
            }
            lines.push(AdjustmentLine {
                proposal: p.id.clone(),
                quarter: *quarter,
                amount: s.amount,
                amount_council: s
                    .by_council
                    .get(inputs.council)
                    .copied()
                    .unwrap_or_default(),
                corrects: s.corrects,
                reason: s.reason.clone(),
                on: s.on,
            });
        }
    }
    lines
}

/// The approvals in principle of the council's proposals given in the quarter, by any of their
/// councils, oldest first.
pub fn in_principle(inputs: &Inputs<'_>, mine: &[&ProposalState]) -> Vec<InPrincipleLine> {
    let mut lines: Vec<InPrincipleLine> = mine
        .iter()
        .flat_map(|p| {
            p.in_principle
                .iter()
                .filter(|a| a.on >= inputs.first_day && a.on <= inputs.last_day)
                .map(|a| InPrincipleLine {
                    proposal: p.id.clone(),
                    council: a.council.clone(),
                    on: a.on,
                    minute: a.minute.clone(),
                })
        })
        .collect();
    lines.sort_by(|a, b| (a.on, &a.proposal, &a.council).cmp(&(b.on, &b.proposal, &b.council)));
    lines
}
