//! Costs a live service incurred (`cost-recorded`): each quarter's one-off and recurring spend,
//! apportioned by the cost shares in force on the quarter's last day (the business case's
//! `cost_shares`, equal unless agreed otherwise, concordat §6.2; less the councils that left), to
//! the penny as savings are. One figure stands per quarter, kind and code; a correction replaces it.

use super::command::Ctx;
use super::event::ProposalEvent;
use super::events::Draft;
use super::refusal::live;
use super::shares::{self, InForce};
use super::state::ProposalState;
use crate::money::{pounds, Money, Percent};
use crate::quarter::Quarter;
use crate::remedy::Remedy;
use engine::Failure;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A cost a live service incurred in a quarter, apportioned between its councils.
pub const COST_RECORDED: &str = "cost-recorded";

/// Whether a cost is spent once (set-up, redundancy, systems) or every year (running costs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CostKind {
    OneOff,
    Recurring,
}

impl CostKind {
    /// The kind as written on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            CostKind::OneOff => "one-off",
            CostKind::Recurring => "recurring",
        }
    }
}

impl fmt::Display for CostKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CostKind {
    type Err = Failure;
    fn from_str(s: &str) -> Result<CostKind, Failure> {
        match s.trim() {
            "one-off" => Ok(CostKind::OneOff),
            "recurring" => Ok(CostKind::Recurring),
            other => Err(Failure::usage(format!("{other:?} is not a kind of cost"))
                .with_detail("write one-off or recurring")),
        }
    }
}

/// `cost-recorded`: the latest record for a quarter, kind and code stands (a correction).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostRecorded {
    pub quarter: Quarter,
    pub kind: CostKind,
    pub amount: Money,
    /// The finance code it was booked to, if given.
    #[serde(default)]
    pub code: Option<String>,
    /// The council that paid the invoice (the others owe it their parts), if given.
    #[serde(default)]
    pub paid_by: Option<String>,
    /// The cost shares in force on the quarter's last day.
    pub shares: BTreeMap<String, Percent>,
    #[serde(default)]
    pub equal_shares: bool,
    pub by_council: BTreeMap<String, Money>,
    /// On a correction: the figure it replaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<Money>,
    /// Why: required for a correction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A cost as the fold keeps it (the latest figure for its quarter, kind and code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cost {
    pub quarter: Quarter,
    pub kind: CostKind,
    pub code: Option<String>,
    pub amount: Money,
    pub paid_by: Option<String>,
    pub by_council: BTreeMap<String, Money>,
    pub on: Date,
    pub corrects: Option<Money>,
    pub reason: Option<String>,
}

impl Cost {
    /// Whether this is the figure for `quarter`, `kind` and `code`.
    pub fn is(&self, quarter: Quarter, kind: CostKind, code: Option<&str>) -> bool {
        self.quarter == quarter && self.kind == kind && self.code.as_deref() == code
    }
}

/// A cost as a command gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostEntry<'a> {
    pub quarter: Quarter,
    pub kind: CostKind,
    pub amount: Money,
    pub code: Option<&'a str>,
    pub paid_by: Option<&'a str>,
    pub correct: bool,
    pub reason: Option<&'a str>,
}

/// The cost shares in force for `quarter`: the business case's, less the councils that left by
/// then, weighted by their hundredths (1 each when equal). None: no case, or nobody takes part.
pub fn in_force(state: &ProposalState, quarter: Quarter) -> Option<InForce> {
    let case = state.business_case.as_ref()?;
    let equal = case.equal_cost_shares || case.cost_shares.is_empty();
    let taking: Vec<(String, Percent)> = state
        .councils
        .iter()
        .filter(|c| shares::takes_part(state, c, quarter))
        .map(|c| {
            (
                c.clone(),
                case.cost_shares.get(c).copied().unwrap_or_default(),
            )
        })
        .collect();
    let weights: Vec<(String, u64)> = taking
        .iter()
        .map(|(c, p)| (c.clone(), if equal { 1 } else { u64::from(p.hundredths) }))
        .collect();
    if weights.iter().all(|(_, w)| *w == 0) {
        return None;
    }
    Some(InForce {
        tie: shares::tie_council(state, &weights),
        shares: taking.into_iter().collect(),
        weights,
        equal,
    })
}

/// The `cost-recorded` event of a live service, split by the cost shares in force.
pub fn decide_cost(state: &ProposalState, ctx: &Ctx, entry: CostEntry) -> Result<Draft, Failure> {
    let id = &state.id;
    live(state, "record a cost")?;
    let corrects = cost_allowed(state, ctx, &entry)?;
    if let Some(payer) = entry.paid_by {
        if !state.councils.iter().any(|c| c == payer) {
            return Err(Failure::refused(format!(
                "{payer} is not one of {id}'s councils ({})",
                state.councils.join(", ")
            ))
            .with_detail("a cost is paid by one of the councils that share the service"));
        }
    }
    let terms = in_force(state, entry.quarter).ok_or_else(|| {
        Failure::refused(format!("{id} has no business case to apportion costs by"))
            .with_remedy(Remedy::RecordBusinessCase { id: id.clone() })
    })?;
    Ok(Draft::of(ProposalEvent::CostRecorded(CostRecorded {
        quarter: entry.quarter,
        kind: entry.kind,
        amount: entry.amount,
        code: entry.code.map(str::to_string),
        paid_by: entry.paid_by.map(str::to_string),
        by_council: terms.split(entry.amount),
        shares: terms.shares,
        equal_shares: terms.equal,
        corrects,
        reason: entry.reason.map(str::to_string),
    })))
}

/// The date rules of savings, for costs: the quarter has ended on the cost's date and not before
/// go-live; a second figure is a correction, not dated before the figure it corrects.
fn cost_allowed(
    state: &ProposalState,
    ctx: &Ctx,
    entry: &CostEntry,
) -> Result<Option<Money>, Failure> {
    let (id, quarter) = (&state.id, entry.quarter);
    super::monitoring::quarter_recordable(state, ctx, quarter, "cost")?;
    let recorded = state
        .costs
        .iter()
        .find(|c| c.is(quarter, entry.kind, entry.code));
    let what = describe_key(entry.kind, entry.code);
    match (recorded, entry.correct) {
        (Some(r), false) => Err(Failure::refused(format!(
            "{id} already has a {what} cost of {} for {quarter} (recorded for {})",
            pounds(r.amount),
            r.on
        ))
        .with_detail("to replace it, record the figure again as a correction with a reason")),
        (None, true) => Err(Failure::refused(format!(
            "{id} has no {what} cost for {quarter} to correct"
        ))
        .with_detail("record the quarter's figure without correcting it")),
        (Some(r), true) if ctx.date < r.on => Err(Failure::refused(format!(
            "the correction is dated {}, before the figure it corrects ({} for {quarter}, dated {})",
            ctx.date,
            pounds(r.amount),
            r.on
        ))
        .with_remedy(Remedy::DateFrom { date: r.on })),
        (r, _) => Ok(r.map(|r| r.amount)),
    }
}

/// "one-off" or "recurring (code SS-ELEC-01)".
fn describe_key(kind: CostKind, code: Option<&str>) -> String {
    match code {
        Some(code) => format!("{kind} ({code})"),
        None => kind.to_string(),
    }
}

/// Folds a `cost-recorded` event: it replaces the figure for its quarter, kind and code.
pub fn apply(state: &mut ProposalState, d: CostRecorded, on: Date) {
    let cost = Cost {
        quarter: d.quarter,
        kind: d.kind,
        code: d.code,
        amount: d.amount,
        paid_by: d.paid_by,
        by_council: d.by_council,
        on,
        corrects: d.corrects,
        reason: d.reason,
    };
    match state
        .costs
        .iter_mut()
        .find(|c| c.is(cost.quarter, cost.kind, cost.code.as_deref()))
    {
        Some(slot) => *slot = cost,
        None => state.costs.push(cost),
    }
}

/// Splits again every cost of a quarter a council left in (its part goes to those that remain).
pub fn reapportion(state: &mut ProposalState) {
    let quarters: Vec<Quarter> = state
        .costs
        .iter()
        .map(|c| c.quarter)
        .filter(|q| state.left.values().any(|l| l.from_quarter <= *q))
        .collect();
    for q in quarters {
        let Some(terms) = in_force(state, q) else {
            continue;
        };
        for cost in state.costs.iter_mut().filter(|c| c.quarter == q) {
            cost.by_council = terms.split(cost.amount);
        }
    }
}

/// A cost in words, with each council's part (a correction says what it replaced).
pub fn describe(d: &CostRecorded) -> String {
    let parts: Vec<String> = d
        .by_council
        .iter()
        .map(|(c, m)| format!("{c} {}", pounds(*m)))
        .collect();
    let mut out = format!(
        "{} cost for {}: {} ({})",
        describe_key(d.kind, d.code.as_deref()),
        d.quarter,
        pounds(d.amount),
        parts.join(", ")
    );
    if let Some(payer) = &d.paid_by {
        out += &format!(", paid by {payer}");
    }
    if let Some(was) = d.corrects {
        out += &format!("; corrects {}", pounds(was));
    }
    if let Some(reason) = &d.reason {
        out += &format!(": {reason}");
    }
    out
}
