//! The quarterly report's money beyond savings (layout 3's `finance` section): the costs and
//! funding of the quarter, and the budget against actual, net position and payback of the
//! council, of each proposal it takes part in and of the programme's funding. Figures come from
//! `finance::position`, cut as the rest of the report is; this module only selects and words them.

use super::contribution::{Contribution, Part};
use super::markdown::long_date;
use super::view::{lines, with_lists};
use super::QuarterlyReport;
use crate::finance::funding::Funding;
use crate::finance::position::{self, Finance, Ledger, Measure, Standing};
use crate::money::{pounds, Money};
use crate::quarter::{Quarter, YearStart};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Arc;

/// A cost recorded with effect in the quarter (of that quarter or an earlier one: a quarter's
/// cost is recorded once it has ended), with the council's part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostLine {
    pub proposal: String,
    /// The quarter the cost fell in.
    pub quarter: Quarter,
    pub kind: String,
    pub code: Option<String>,
    pub amount: Money,
    pub amount_council: Money,
    pub paid_by: Option<String>,
    /// The figure a correction replaced.
    pub corrects: Option<Money>,
    pub reason: Option<String>,
}

/// Funding received in the quarter with a part for the council.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundingLine {
    pub source: String,
    /// The proposal funded (None: the programme).
    pub proposal: Option<String>,
    pub amount: Money,
    pub amount_council: Money,
    pub on: jiff::civil::Date,
}

/// One proposal's standing for the council.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProposalStanding {
    pub proposal: String,
    #[serde(flatten)]
    pub standing: Standing,
}

/// The section: the quarter's costs and funding, each proposal's standing and the council's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinanceSection {
    pub costs: Vec<CostLine>,
    pub funding: Vec<FundingLine>,
    pub by_proposal: Vec<ProposalStanding>,
    /// The council across the programme: every proposal it takes part in and the programme's funding.
    pub council: Standing,
}

/// The section for `council`, assembled from the proposals it takes part in (their
/// contributions: as they stood at the quarter's end) as they come, and the funding the same cut
/// admits.
pub struct SectionBuilder<'a> {
    council: &'a str,
    funding: &'a [Funding],
    quarter: Quarter,
    start: YearStart,
    costs: Vec<CostLine>,
    by_proposal: Vec<ProposalStanding>,
    /// The council's part of the programme's funding and of each proposal so far.
    ledger: Ledger,
}

impl<'a> SectionBuilder<'a> {
    /// The section before any proposal: the programme's funding only.
    pub fn new(
        council: &'a str,
        funding: &'a [Funding],
        quarter: Quarter,
        start: YearStart,
    ) -> SectionBuilder<'a> {
        SectionBuilder {
            council,
            funding,
            quarter,
            start,
            costs: Vec::new(),
            by_proposal: Vec::new(),
            ledger: position::programme_funding(funding, Some(council), quarter),
        }
    }

    /// Adds a proposal the council takes part in (`part`: its lines of `c`).
    pub fn add(&mut self, c: &Contribution, part: &Part) {
        self.costs.extend(part.costs.iter().cloned());
        let (_, by) = c.money.ledgers(&c.id, self.funding, self.quarter);
        if let Some(mine) = by.get(self.council) {
            if c.money.standing {
                self.by_proposal.push(ProposalStanding {
                    proposal: c.id.clone(),
                    standing: position::standing(mine, self.quarter, self.start),
                });
            }
            self.ledger.absorb(mine);
        }
    }

    /// The section.
    pub fn finish(self) -> FinanceSection {
        let council = self.council;
        let funded = self
            .funding
            .iter()
            .filter(|g| {
                g.recorded.quarter == self.quarter && g.recorded.by_council.contains_key(council)
            })
            .map(|g| FundingLine {
                source: g.recorded.source.clone(),
                proposal: g.recorded.proposal.clone(),
                amount: g.recorded.amount,
                amount_council: g.recorded.by_council[council],
                on: g.on,
            })
            .collect();
        FinanceSection {
            costs: self.costs,
            funding: funded,
            by_proposal: self.by_proposal,
            council: position::standing(&self.ledger, self.quarter, self.start),
        }
    }
}

/// The section as the templates get it: every figure written as the report prints it (none when
/// the report has no finance section). Its costs and proposals are lazy, like the report's lines.
pub fn view(r: &Arc<QuarterlyReport>) -> minijinja::Value {
    let Some(f) = &r.finance else {
        return minijinja::Value::from(());
    };
    let fields = json!({
        "funding": f.funding.iter().map(|g| json!({
            "source": g.source,
            "towards": g.proposal.clone().unwrap_or_else(|| "the programme".into()),
            "amount": pounds(g.amount),
            "amount_council": pounds(g.amount_council),
            "on": long_date(g.on),
        })).collect::<Vec<_>>(),
        "council": standing("all", &f.council),
    });
    with_lists(
        [fields],
        vec![
            ("costs", lines(r, f.costs.len(), cost)),
            ("by_proposal", lines(r, f.by_proposal.len(), by_proposal)),
        ],
    )
}

/// Cost line `i` of the report's section.
fn cost(r: &QuarterlyReport, i: usize) -> Value {
    let Some(c) = r.finance.as_ref().and_then(|f| f.costs.get(i)) else {
        return Value::Null;
    };
    json!({
        "proposal": c.proposal,
        "quarter": c.quarter.to_string(),
        "kind": c.kind,
        "code": c.code.clone().unwrap_or_else(|| "—".into()),
        "amount": pounds(c.amount),
        "amount_council": pounds(c.amount_council),
        "paid_by": c.paid_by.clone().unwrap_or_else(|| "—".into()),
        "note": match (c.corrects, &c.reason) {
            (Some(was), Some(why)) => format!("corrects {}: {why}", pounds(was)),
            (Some(was), None) => format!("corrects {}", pounds(was)),
            _ => "—".into(),
        },
    })
}

/// Proposal `i`'s standing in the report's section.
fn by_proposal(r: &QuarterlyReport, i: usize) -> Value {
    r.finance
        .as_ref()
        .and_then(|f| f.by_proposal.get(i))
        .map_or(Value::Null, |p| standing(&p.proposal, &p.standing))
}

/// A standing as the templates get it.
pub fn standing(who: &str, s: &Standing) -> Value {
    let period = |p: &position::Position| {
        json!({
            "one_off": measure(&p.one_off_cost),
            "saving": measure(&p.saving),
            "recurring": pounds(p.recurring_cost),
            "funding": pounds(p.funding),
            "net_cost": pounds(p.net_cost),
            "net_position": pounds(p.net_position),
        })
    };
    json!({
        "who": who,
        "since_go_live": period(&s.since_go_live),
        "year_to_date": period(&s.year_to_date),
        "payback": match s.payback.date {
            Some(d) => format!("{} ({})", s.payback.status.words(), long_date(d)),
            None => s.payback.status.words().to_string(),
        },
    })
}

fn measure(m: &Measure) -> Value {
    json!({
        "expected": pounds(m.expected),
        "actual": pounds(m.actual),
        "variance": pounds(m.variance),
        "percent": m.variance_percent.as_ref().map(|p| format!("{p}%")).unwrap_or_else(|| "—".into()),
    })
}

/// The programme's finances as `report programme` gives them: the programme and each proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgrammeFinance {
    pub partnership: String,
    pub quarter: Quarter,
    pub known_at: String,
    pub programme: Finance,
    pub proposals: Vec<Finance>,
    /// Every funding the cut admits.
    pub funding: Vec<Funding>,
}
