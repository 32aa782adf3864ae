//! What one proposal contributes to the quarterly reports of one quarter: every line a council's
//! report takes from it, worked out from its state at the quarter's end and then kept without
//! the state (so a report folds one proposal at a time, and the report projection saves these).
//!
//! Extension point: a new per-quarter figure of a proposal is a field of [`Part`] (one council's)
//! or of [`Contribution`] (every council's), filled in [`contribute`] from the state and read
//! where [`super::build`] assembles the report. Bump `ops::report_projection::FORMAT` with it.

use super::finance::CostLine;
use super::money::{self, ProposalMoney};
use super::notes::{AdjustmentLine, InPrincipleLine};
use super::{
    AmendmentLine, KpiLine, MilestoneLine, ProposalLine, ReviewDue, ReviewHeldLine, SavingLine,
};
use crate::definition::Stage;
use crate::finance::funding::Funding;
use crate::finance::position::{self, Flows, Ledger};
use crate::milestone::Milestone;
use crate::money::Money;
use crate::proposal::shares::{in_force, remaining, takes_part};
use crate::proposal::state::{ProposalState, Saving};
use crate::quarter::{Quarter, YearStart};
use crate::reminders::rules::{answered_annual_years, review_occurrences};
use crate::reminders::ReviewKind;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The quarter a report covers, as the partnership's year counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub quarter: Quarter,
    pub first_day: Date,
    pub last_day: Date,
    pub year_start: YearStart,
}

/// One proposal's share of the reports of a quarter (it existed at the quarter's end).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    pub id: String,
    /// The councils a reminder about it concerns: those that have not recorded leaving.
    pub concerned: Vec<String>,
    /// Councils that left it in the quarter (each report says so), in the proposal's order.
    pub left: Vec<(String, LeftNote)>,
    /// Its milestones open at some time in the quarter (in every taking-part council's report).
    pub milestones: Vec<MilestoneLine>,
    /// Approvals in principle given in the quarter.
    pub in_principle: Vec<InPrincipleLine>,
    /// Council id and its lines, for each council taking part in the quarter, in the proposal's
    /// order (a list, not a map: a map's node holds room for eleven parts).
    pub parts: Vec<(String, Part)>,
    /// Its money up to the quarter (the finance section's and `report programme`'s figures).
    pub money: MoneyFacts,
}

impl Contribution {
    /// The lines of `council`, if it takes part.
    pub fn part(&self, council: &str) -> Option<&Part> {
        self.parts
            .iter()
            .find(|(c, _)| c == council)
            .map(|(_, p)| p)
    }

    /// How `council` left the proposal, if it did in the quarter.
    pub fn left_note(&self, council: &str) -> Option<&LeftNote> {
        self.left.iter().find(|(c, _)| c == council).map(|(_, l)| l)
    }
}

/// A council that left a proposal in the quarter, as the report's warning words it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeftNote {
    pub title: String,
    pub on: Date,
    pub minute: String,
    pub remaining: Vec<String>,
}

/// One council's lines of one proposal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    pub line: ProposalLine,
    /// None when the proposal has recorded no savings.
    pub saving: Option<SavingLine>,
    pub kpis: Vec<KpiLine>,
    pub reviews_due: Vec<ReviewDue>,
    pub reviews_held: Vec<ReviewHeldLine>,
    pub money: ProposalMoney,
    pub adjustments: Vec<AdjustmentLine>,
    /// Costs recorded with effect in the quarter, with the council's part (the finance section).
    pub costs: Vec<CostLine>,
}

/// A proposal's money up to the quarter from its own state: its ledgers in total and for each
/// council, before funding (a stream of its own, added when the report is assembled).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoneyFacts {
    pub total: LedgerFacts,
    pub by_council: Vec<(String, LedgerFacts)>,
    /// Whether it has a standing of its own: a business case, and a service gone live.
    pub standing: bool,
}

impl MoneyFacts {
    /// Its ledgers with the funding `funding` gives it up to `as_of`.
    pub fn ledgers(
        &self,
        id: &str,
        funding: &[Funding],
        as_of: Quarter,
    ) -> (Ledger, BTreeMap<String, Ledger>) {
        let mut total = self.total.ledger();
        let mut by = self
            .by_council
            .iter()
            .map(|(c, l)| (c.clone(), l.ledger()))
            .collect();
        position::add_funding(&mut total, &mut by, id, funding, as_of);
        (total, by)
    }
}

/// A ledger as the projection keeps it: each quarter's flows in pence (saving, one-off,
/// recurring, funding, expected saving, expected one-off).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerFacts {
    pub live_from: Option<Quarter>,
    pub flows: Vec<(Quarter, [i64; 6])>,
}

impl LedgerFacts {
    fn of(l: &Ledger) -> LedgerFacts {
        let flows = l
            .flows
            .iter()
            .map(|(q, f)| {
                let pence = [
                    f.saving,
                    f.one_off,
                    f.recurring,
                    f.funding,
                    f.expected_saving,
                    f.expected_one_off,
                ]
                .map(|m| m.pence);
                (*q, pence)
            })
            .collect();
        LedgerFacts {
            live_from: l.live_from,
            flows,
        }
    }

    /// The ledger these facts keep.
    pub fn ledger(&self) -> Ledger {
        let flows = self
            .flows
            .iter()
            .map(|(q, p)| {
                let m = |i: usize| Money::from_pence(p[i]);
                let f = Flows {
                    saving: m(0),
                    one_off: m(1),
                    recurring: m(2),
                    funding: m(3),
                    expected_saving: m(4),
                    expected_one_off: m(5),
                };
                (*q, f)
            })
            .collect();
        Ledger {
            flows,
            live_from: self.live_from,
        }
    }
}

/// The money facts of `p` up to the end of `period`.
fn money_facts(p: &ProposalState, period: &Period) -> MoneyFacts {
    let (total, by) = position::ledgers_before_funding(p, period.quarter, period.year_start);
    MoneyFacts {
        total: LedgerFacts::of(&total),
        by_council: by
            .iter()
            .map(|(c, l)| (c.clone(), LedgerFacts::of(l)))
            .collect(),
        standing: p.business_case.is_some() && p.went_live.is_some(),
    }
}

/// The costs of `p` recorded with effect in the quarter, with `council`'s part.
fn costs(p: &ProposalState, council: &str, period: &Period) -> Vec<CostLine> {
    p.costs
        .iter()
        .filter(|c| Quarter::containing(c.on, period.year_start) == period.quarter)
        .map(|c| CostLine {
            proposal: p.id.clone(),
            quarter: c.quarter,
            kind: c.kind.to_string(),
            code: c.code.clone(),
            amount: c.amount,
            amount_council: c.by_council.get(council).copied().unwrap_or_default(),
            paid_by: c.paid_by.clone(),
            corrects: c.corrects,
            reason: c.reason.clone(),
        })
        .collect()
}

/// What `p` (as it stood at the end of `period`) contributes to that quarter's reports.
pub fn contribute(p: &ProposalState, period: &Period) -> Contribution {
    let left = p
        .left
        .iter()
        .filter(|(_, l)| l.from_quarter == period.quarter)
        .map(|(c, l)| {
            let note = LeftNote {
                title: p.title.clone(),
                on: l.on,
                minute: l.minute.clone(),
                remaining: l.remaining.clone(),
            };
            (c.clone(), note)
        })
        .collect();
    let parts = p
        .councils
        .iter()
        .filter(|c| takes_part(p, c, period.quarter))
        .map(|c| (c.clone(), part(p, c, period)))
        .collect();
    Contribution {
        id: p.id.clone(),
        concerned: remaining(p),
        left,
        milestones: open_milestones(p.milestones.values(), period.first_day),
        in_principle: in_principle(p, period),
        parts,
        money: money_facts(p, period),
    }
}

fn part(p: &ProposalState, council: &str, period: &Period) -> Part {
    let (reviews_due, reviews_held) = reviews(p, council, period);
    Part {
        line: ProposalLine {
            id: p.id.clone(),
            title: p.title.clone(),
            stage: p.stage.clone(),
            held_from: p.held_from.clone(),
            lead: p.lead.clone(),
            councils: p.councils.clone(),
            went_live: p.went_live,
            share: in_force(p, period.quarter).and_then(|s| s.shares.get(council).copied()),
        },
        saving: saving(p, council, period.quarter),
        kpis: kpis(p, period.quarter),
        reviews_due,
        reviews_held,
        money: money::of(p, council, period.quarter, period.year_start),
        adjustments: adjustments(p, council, period),
        costs: costs(p, council, period),
    }
}

fn saving(p: &ProposalState, council: &str, quarter: Quarter) -> Option<SavingLine> {
    if p.savings.is_empty() {
        return None;
    }
    let part = |s: &Saving| s.by_council.get(council).copied().unwrap_or_default();
    let in_quarter = p.savings.get(&quarter);
    let to_date: Vec<_> = p.savings.range(..=quarter).map(|(_, s)| s).collect();
    Some(SavingLine {
        proposal: p.id.clone(),
        quarter: in_quarter.map(|s| s.amount).unwrap_or_default(),
        quarter_council: in_quarter.map(part).unwrap_or_default(),
        to_date: to_date.iter().map(|s| s.amount).sum(),
        to_date_council: to_date.iter().map(|s| part(s)).sum(),
    })
}

fn kpis(p: &ProposalState, quarter: Quarter) -> Vec<KpiLine> {
    p.kpis
        .iter()
        .map(|(name, kpi)| {
            let value = kpi.values.get(&quarter).copied();
            KpiLine {
                proposal: p.id.clone(),
                name: name.clone(),
                unit: kpi.unit.clone(),
                target: kpi.target,
                value,
                difference: value.zip(kpi.target).map(|(v, t)| v - t),
                baseline: kpi.baseline,
                direction: kpi.direction,
                status: value
                    .zip(kpi.target)
                    .map(|(v, t)| crate::proposal::rag::status(t, v, kpi.direction)),
            }
        })
        .collect()
}

/// The council's reviews due in the quarter (while the service is live) and those it held in it.
fn reviews(
    p: &ProposalState,
    council: &str,
    period: &Period,
) -> (Vec<ReviewDue>, Vec<ReviewHeldLine>) {
    let mut due = Vec::new();
    let recorded: Vec<_> = p.reviews.iter().filter(|r| r.council == council).collect();
    let live =
        matches!(p.stage, Stage::Monitoring) || p.held_from.as_ref() == Some(&Stage::Monitoring);
    if let (Some(go_live), true) = (p.went_live, live) {
        let answered = answered_annual_years(
            go_live,
            recorded
                .iter()
                .filter(|r| r.kind == ReviewKind::Annual)
                .map(|r| r.on),
        );
        for o in review_occurrences(go_live, period.last_day) {
            if o.date < period.first_day {
                continue;
            }
            let was_held = match o.kind {
                ReviewKind::Annual => answered.contains(&o.year),
                kind => recorded.iter().any(|r| r.kind == kind),
            };
            due.push(ReviewDue {
                proposal: p.id.clone(),
                kind: o.kind,
                due: o.date,
                held: was_held,
            });
        }
    }
    let held = recorded
        .into_iter()
        .filter(|r| r.on >= period.first_day && r.on <= period.last_day)
        .map(|r| ReviewHeldLine {
            proposal: p.id.clone(),
            kind: r.kind,
            on: r.on,
            outcome: r.outcome.as_str().to_string(),
            summary: r.summary.clone(),
            by: r.by.clone(),
        })
        .collect();
    (due, held)
}

/// Milestones not completed before the quarter began, with every amendment of their due date.
pub fn open_milestones<'a>(
    milestones: impl Iterator<Item = &'a Milestone>,
    first_day: Date,
) -> Vec<MilestoneLine> {
    milestones
        .filter(|m| m.completed.as_ref().is_none_or(|c| c.on >= first_day))
        .map(|m| MilestoneLine {
            id: m.id.clone(),
            title: m.title.clone(),
            proposal: m.proposal.clone(),
            original_due: m.original_due,
            due: m.due,
            completed_on: m.completed.as_ref().map(|c| c.on),
            amendments: m
                .amendments
                .iter()
                .map(|a| AmendmentLine {
                    from: a.from,
                    to: a.to,
                    reason: a.reason.clone(),
                    by: a.by.clone(),
                    on: a.on,
                    recorded_at: a.recorded_at.clone(),
                })
                .collect(),
        })
        .collect()
}

/// Savings up to the quarter that were corrected or short, noted when recorded for the quarter
/// or in it.
fn adjustments(p: &ProposalState, council: &str, period: &Period) -> Vec<AdjustmentLine> {
    p.savings
        .range(..=period.quarter)
        .filter(|(quarter, s)| {
            let noted = s.corrects.is_some() || s.is_shortfall();
            noted && (**quarter == period.quarter || s.on >= period.first_day)
        })
        .map(|(quarter, s)| AdjustmentLine {
            proposal: p.id.clone(),
            quarter: *quarter,
            amount: s.amount,
            amount_council: s.by_council.get(council).copied().unwrap_or_default(),
            corrects: s.corrects,
            reason: s.reason.clone(),
            on: s.on,
        })
        .collect()
}

fn in_principle(p: &ProposalState, period: &Period) -> Vec<InPrincipleLine> {
    p.in_principle
        .iter()
        .filter(|a| a.on >= period.first_day && a.on <= period.last_day)
        .map(|a| InPrincipleLine {
            proposal: p.id.clone(),
            council: a.council.clone(),
            on: a.on,
            minute: a.minute.clone(),
        })
        .collect()
}
