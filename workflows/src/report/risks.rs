//! The quarterly report's top risks (layout 3 on): the risks open at the quarter's end, of the
//! programme and of the proposals the council takes part in, chosen by [`crate::risk::top::top`]
//! (every one scoring 15 or more, and at least the five highest).

use super::Inputs;
use crate::risk::top::top;
use crate::risk::Risk;
use jiff::civil::Date;
use serde::Serialize;

/// One top risk as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskLine {
    pub id: String,
    pub title: String,
    /// Its proposal (None: a programme risk).
    pub proposal: Option<String>,
    pub likelihood: u8,
    pub impact: u8,
    pub score: u8,
    pub owner: String,
    pub mitigation: String,
    /// Its next review date as it stood at the quarter's end.
    pub review: Date,
}

/// The council's top risks at the quarter's end, highest score first; `takes_part`: whether the
/// council takes part in a proposal (its report lists it).
pub fn of(inputs: &Inputs<'_>, takes_part: impl Fn(&str) -> bool) -> Vec<RiskLine> {
    let concerns = |r: &Risk| match &r.proposal {
        None => true,
        Some(id) => takes_part(id),
    };
    let mine: Vec<Risk> = inputs
        .risks
        .iter()
        .filter(|r| concerns(r))
        .cloned()
        .collect();
    top(&mine)
        .into_iter()
        .map(|r| RiskLine {
            id: r.id,
            title: r.title,
            proposal: r.proposal,
            likelihood: r.likelihood.get(),
            impact: r.impact.get(),
            score: r.score,
            owner: r.owner,
            mitigation: r.mitigation,
            review: r.review,
        })
        .collect()
}
