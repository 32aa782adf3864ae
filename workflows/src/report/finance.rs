//! The quarterly report's money beyond savings (layout 3's `finance` section): the costs and
//! funding of the quarter, and the budget against actual, net position and payback of the
//! council, of each proposal it takes part in and of the programme's funding. Figures come from
//! `finance::position`, cut as the rest of the report is; this module only selects and words them.

use super::markdown::long_date;
use crate::finance::funding::Funding;
use crate::finance::position::{self, Finance, Measure, Standing};
use crate::money::{pounds, Money};
use crate::proposal::costs::Cost;
use crate::proposal::ProposalState;
use crate::quarter::{Quarter, YearStart};
use serde::Serialize;
use serde_json::{json, Value};

/// A cost recorded with effect in the quarter (of that quarter or an earlier one: a quarter's
/// cost is recorded once it has ended), with the council's part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// The section for `council`, from the proposals it takes part in (as they stood at the quarter's
/// end) and the funding the same cut admits.
pub fn section(
    council: &str,
    mine: &[&ProposalState],
    funding: &[Funding],
    quarter: Quarter,
    start: YearStart,
) -> FinanceSection {
    let part = |parts: &std::collections::BTreeMap<String, Money>| {
        parts.get(council).copied().unwrap_or_default()
    };
    let costs = mine
        .iter()
        .flat_map(|p| p.costs.iter().map(move |c| (p, c)))
        .filter(|(_, c)| Quarter::containing(c.on, start) == quarter)
        .map(|(p, c): (&&ProposalState, &Cost)| CostLine {
            proposal: p.id.clone(),
            quarter: c.quarter,
            kind: c.kind.to_string(),
            code: c.code.clone(),
            amount: c.amount,
            amount_council: part(&c.by_council),
            paid_by: c.paid_by.clone(),
            corrects: c.corrects,
            reason: c.reason.clone(),
        })
        .collect();
    let funded = funding
        .iter()
        .filter(|g| g.recorded.quarter == quarter && g.recorded.by_council.contains_key(council))
        .map(|g| FundingLine {
            source: g.recorded.source.clone(),
            proposal: g.recorded.proposal.clone(),
            amount: g.recorded.amount,
            amount_council: part(&g.recorded.by_council),
            on: g.on,
        })
        .collect();
    let by_proposal = mine
        .iter()
        .filter(|p| p.business_case.is_some() && p.went_live.is_some())
        .filter_map(|p| {
            let f = position::of_proposal(p, funding, quarter, start);
            f.by_council
                .get(council)
                .cloned()
                .map(|standing| ProposalStanding {
                    proposal: p.id.clone(),
                    standing,
                })
        })
        .collect();
    let states: Vec<ProposalState> = mine.iter().map(|p| (*p).clone()).collect();
    let programme =
        position::of_programme(&states, funding, &[council.to_string()], quarter, start);
    FinanceSection {
        costs,
        funding: funded,
        by_proposal,
        council: programme.by_council[council].clone(),
    }
}

/// The section as the templates get it: every figure written as the report prints it.
pub fn view(f: &FinanceSection) -> Value {
    json!({
        "costs": f.costs.iter().map(|c| json!({
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
        })).collect::<Vec<_>>(),
        "funding": f.funding.iter().map(|g| json!({
            "source": g.source,
            "towards": g.proposal.clone().unwrap_or_else(|| "the programme".into()),
            "amount": pounds(g.amount),
            "amount_council": pounds(g.amount_council),
            "on": long_date(g.on),
        })).collect::<Vec<_>>(),
        "by_proposal": f.by_proposal.iter().map(|p| standing(&p.proposal, &p.standing)).collect::<Vec<_>>(),
        "council": standing("all", &f.council),
    })
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
