//! The quarterly report to one council: the quarter as it stood at its end (effective dates), from
//! what had been recorded by `known_at`. A pure function of its inputs: no generation timestamp,
//! so the same inputs give the same bytes in every format.
//!
//! - [`build`]: the model, from projected proposals and milestones;
//! - [`markdown`] (layout 1, frozen) and [`csv`] (`csv-long`): the first release's renderings;
//! - [`templates`]: layout 2, one template set for Markdown, HTML and the PDF's text;
//! - [`table`]: the spreadsheet CSV, one row per proposal (JSON is the model serialised).

pub mod arrangements;
pub mod csv;
pub mod finance;
pub mod layout;
pub mod markdown;
pub mod money;
pub mod notes;
pub mod programme;
pub mod risks;
pub mod table;
pub mod templates;
mod view;
mod warnings;

use crate::definition::Stage;
use crate::milestone::Milestone;
use crate::money::{Money, Percent};
use crate::proposal::shares::{in_force, takes_part};
use crate::proposal::state::ProposalState;
use crate::quarter::Quarter;
use crate::reminders::rules::{answered_annual_years, review_occurrences};
use crate::reminders::{Reminder, ReminderView, ReviewKind};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// One council's quarterly report (`report quarterly --format json` prints this).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarterlyReport {
    pub quarter: Quarter,
    pub council: String,
    pub council_name: String,
    pub partnership: String,
    /// Council id → name, for the councils named in the report.
    pub council_names: BTreeMap<String, String>,
    pub first_day: Date,
    pub last_day: Date,
    /// What was recorded by then counts: `seq:N` or an instant with the local offset.
    pub known_at: String,
    pub proposals: Vec<ProposalLine>,
    pub savings: Savings,
    pub kpis: Vec<KpiLine>,
    pub reviews: Reviews,
    pub milestones: Vec<MilestoneLine>,
    /// The next quarter.
    pub upcoming_quarter: Quarter,
    pub upcoming: Vec<ReminderView>,
    pub log: LogAnchor,
    /// The financial year of the quarter, e.g. `2008/09`.
    pub financial_year: String,
    /// Each proposal's money for the council, in `proposals` order (layout 2).
    pub money: Vec<money::ProposalMoney>,
    pub money_totals: money::MoneyTotals,
    /// Why the report may not be the whole story (the quarter not over by `known_at`, or outside
    /// the partnership's life), in plain words.
    pub warnings: Vec<String>,
    /// Savings corrected or short (layout 2; absent when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<notes::AdjustmentLine>,
    /// Approvals in principle given in the quarter (layout 2; absent when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub in_principle: Vec<notes::InPrincipleLine>,
    /// The top risks open at the quarter's end (layout 3; absent when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub top_risks: Vec<risks::RiskLine>,
    /// Reviews of the partnership's arrangements due or held in the quarter (layout 3; absent
    /// when the partnership names none the council reviews).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrangement_reviews: Option<Vec<arrangements::ArrangementReviewLine>>,
    /// Costs, funding, budget against actual and net position (layout 3's `finance` section;
    /// set by `ops::report`, which reads the funding stream).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finance: Option<finance::FinanceSection>,
}

/// A proposal the council takes part in, as it stood at the quarter's end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProposalLine {
    pub id: String,
    pub title: String,
    pub stage: Stage,
    /// For a proposal on hold, the stage it will resume.
    pub held_from: Option<Stage>,
    pub lead: String,
    pub councils: Vec<String>,
    pub went_live: Option<Date>,
    /// This council's share of the savings in force for the quarter (the business case's, or
    /// varied), if one was recorded.
    pub share: Option<Percent>,
}

/// Savings: each proposal's in the quarter and to date, with this council's part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Savings {
    pub quarter: Money,
    pub quarter_council: Money,
    pub to_date: Money,
    pub to_date_council: Money,
    pub by_proposal: Vec<SavingLine>,
}

/// One proposal's savings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SavingLine {
    pub proposal: String,
    pub quarter: Money,
    pub quarter_council: Money,
    pub to_date: Money,
    pub to_date_council: Money,
}

/// A performance indicator against its target, for the quarter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiLine {
    pub proposal: String,
    pub name: String,
    pub unit: Option<String>,
    pub target: Option<Decimal>,
    pub value: Option<Decimal>,
    /// value − target, when both are known.
    pub difference: Option<Decimal>,
    /// The definition's baseline, if any (layout 3 on).
    pub baseline: Option<Decimal>,
    /// Which way is better (layout 3 on).
    pub direction: crate::proposal::rag::Direction,
    /// The quarter's value against the target (layout 3 on).
    pub status: Option<crate::proposal::rag::Rag>,
}

/// Reviews due in the quarter, and those the council held in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reviews {
    pub due: Vec<ReviewDue>,
    pub held: Vec<ReviewHeldLine>,
}

/// A review of this council's that fell due in the quarter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewDue {
    pub proposal: String,
    pub kind: ReviewKind,
    pub due: Date,
    /// Whether a review answering it was recorded (effective by the quarter's end).
    pub held: bool,
}

/// A review the council held in the quarter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewHeldLine {
    pub proposal: String,
    pub kind: ReviewKind,
    pub on: Date,
    pub outcome: String,
    pub summary: Option<String>,
    pub by: String,
}

/// A milestone open at some time in the quarter, with every amendment of its due date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MilestoneLine {
    pub id: String,
    pub title: String,
    pub proposal: Option<String>,
    pub original_due: Date,
    pub due: Date,
    pub completed_on: Option<Date>,
    pub amendments: Vec<AmendmentLine>,
}

/// One amendment of a milestone's due date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AmendmentLine {
    pub from: Date,
    pub to: Date,
    pub reason: String,
    pub by: String,
    pub on: Date,
    pub recorded_at: String,
}

/// The log's head as known at `known_at`: a published report anchors the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogAnchor {
    pub seq: u64,
    pub hash: String,
    /// The RFC 6962 checkpoint body (origin, size, root) of the log's first `seq` events.
    pub checkpoint: String,
}

/// Everything a report is built from, each already cut to what counts.
pub struct Inputs<'a> {
    pub partnership_name: &'a str,
    pub council: &'a str,
    pub council_name: &'a str,
    /// Council id → name (the partnership as it stood at the quarter's end).
    pub council_names: &'a BTreeMap<String, String>,
    pub quarter: Quarter,
    pub first_day: Date,
    pub last_day: Date,
    pub known_at: String,
    /// Every proposal, as it stood at the quarter's end from what was recorded by `known_at`.
    pub proposals: &'a [ProposalState],
    /// Programme milestones, likewise.
    pub programme_milestones: &'a [Milestone],
    /// The reminders due in the next quarter, as known at `known_at`.
    pub upcoming: &'a [Reminder],
    pub tz: &'a TimeZone,
    pub log: LogAnchor,
    pub year_start: crate::quarter::YearStart,
    /// The local date the partnership was registered.
    pub registered_on: Date,
    /// The local date the last event admitted by `known_at` was recorded (none: an empty log).
    pub last_recorded_on: Option<Date>,
    /// The risk register as it stood at the quarter's end, from what was recorded by `known_at`.
    pub risks: &'a [crate::risk::Risk],
}

/// Builds one council's report. Deterministic: everything is ordered by id or date.
pub fn build(inputs: &Inputs<'_>) -> QuarterlyReport {
    let council = inputs.council;
    let mut mine: Vec<&ProposalState> = inputs
        .proposals
        .iter()
        // A proposal the council left by the quarter is no longer its to report.
        .filter(|p| takes_part(p, council, inputs.quarter))
        .collect();
    mine.sort_by(|a, b| a.id.cmp(&b.id));

    let proposals = mine
        .iter()
        .map(|p| ProposalLine {
            id: p.id.clone(),
            title: p.title.clone(),
            stage: p.stage.clone(),
            held_from: p.held_from.clone(),
            lead: p.lead.clone(),
            councils: p.councils.clone(),
            went_live: p.went_live,
            share: in_force(p, inputs.quarter).and_then(|s| s.shares.get(council).copied()),
        })
        .collect();

    let mut by_proposal = Vec::new();
    for p in &mine {
        if p.savings.is_empty() {
            continue;
        }
        let part = |s: &crate::proposal::state::Saving| {
            s.by_council.get(council).copied().unwrap_or_default()
        };
        let in_quarter = p.savings.get(&inputs.quarter);
        let to_date: Vec<_> = p.savings.range(..=inputs.quarter).map(|(_, s)| s).collect();
        by_proposal.push(SavingLine {
            proposal: p.id.clone(),
            quarter: in_quarter.map(|s| s.amount).unwrap_or_default(),
            quarter_council: in_quarter.map(part).unwrap_or_default(),
            to_date: to_date.iter().map(|s| s.amount).sum(),
            to_date_council: to_date.iter().map(|s| part(s)).sum(),
        });
    }
    let savings = Savings {
        quarter: by_proposal.iter().map(|s| s.quarter).sum(),
        quarter_council: by_proposal.iter().map(|s| s.quarter_council).sum(),
        to_date: by_proposal.iter().map(|s| s.to_date).sum(),
        to_date_council: by_proposal.iter().map(|s| s.to_date_council).sum(),
        by_proposal,
    };

    let kpis = mine
        .iter()
        .flat_map(|p| {
            p.kpis.iter().map(|(name, kpi)| {
                let value = kpi.values.get(&inputs.quarter).copied();
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
        })
        .collect();

    QuarterlyReport {
        quarter: inputs.quarter,
        council: council.to_string(),
        council_name: inputs.council_name.to_string(),
        partnership: inputs.partnership_name.to_string(),
        council_names: inputs.council_names.clone(),
        first_day: inputs.first_day,
        last_day: inputs.last_day,
        known_at: inputs.known_at.clone(),
        proposals,
        savings,
        kpis,
        reviews: reviews(inputs, &mine),
        milestones: milestones(inputs, &mine),
        upcoming_quarter: inputs.quarter.next(),
        upcoming: inputs
            .upcoming
            .iter()
            .filter(|r| concerns(r, council, inputs.proposals))
            .map(|r| r.view(inputs.tz))
            .collect(),
        log: inputs.log.clone(),
        financial_year: format!(
            "{}/{:02}",
            inputs.quarter.year,
            (inputs.quarter.year + 1) % 100
        ),
        money: mine
            .iter()
            .map(|p| money::of(p, council, inputs.quarter, inputs.year_start))
            .collect::<Vec<_>>(),
        money_totals: money::MoneyTotals::default(),
        warnings: warnings::of(inputs),
        adjustments: notes::adjustments(inputs, &mine),
        in_principle: notes::in_principle(inputs, &mine),
        top_risks: risks::of(inputs),
        arrangement_reviews: None,
        finance: None,
    }
    .with_totals()
}

impl QuarterlyReport {
    fn with_totals(mut self) -> QuarterlyReport {
        self.money_totals = money::totals(&self.money);
        self
    }
}

/// Whether a reminder concerns `council`: its own, the programme's, or a proposal it is part of.
fn concerns(r: &Reminder, council: &str, proposals: &[ProposalState]) -> bool {
    match (&r.council, &r.proposal) {
        (Some(c), _) => c == council,
        (None, None) => true,
        (None, Some(p)) => proposals.iter().any(|s| {
            &s.id == p && s.councils.iter().any(|c| c == council) && !s.left.contains_key(council)
        }),
    }
}

fn reviews(inputs: &Inputs<'_>, mine: &[&ProposalState]) -> Reviews {
    let council = inputs.council;
    let mut due = Vec::new();
    let mut held = Vec::new();
    for p in mine {
        let recorded: Vec<_> = p.reviews.iter().filter(|r| r.council == council).collect();
        let live = matches!(p.stage, Stage::Monitoring)
            || p.held_from.as_ref() == Some(&Stage::Monitoring);
        if let (Some(go_live), true) = (p.went_live, live) {
            let answered = answered_annual_years(
                go_live,
                recorded
                    .iter()
                    .filter(|r| r.kind == ReviewKind::Annual)
                    .map(|r| r.on),
            );
            for o in review_occurrences(go_live, inputs.last_day) {
                if o.date < inputs.first_day {
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
        for r in recorded {
            if r.on >= inputs.first_day && r.on <= inputs.last_day {
                held.push(ReviewHeldLine {
                    proposal: p.id.clone(),
                    kind: r.kind,
                    on: r.on,
                    outcome: r.outcome.as_str().to_string(),
                    summary: r.summary.clone(),
                    by: r.by.clone(),
                });
            }
        }
    }
    due.sort_by(|a, b| (a.due, &a.proposal).cmp(&(b.due, &b.proposal)));
    held.sort_by(|a, b| (a.on, &a.proposal).cmp(&(b.on, &b.proposal)));
    Reviews { due, held }
}

fn milestones(inputs: &Inputs<'_>, mine: &[&ProposalState]) -> Vec<MilestoneLine> {
    let all = inputs
        .programme_milestones
        .iter()
        .chain(mine.iter().flat_map(|p| p.milestones.values()));
    let mut lines: Vec<MilestoneLine> = all
        .filter(|m| {
            m.completed
                .as_ref()
                .is_none_or(|c| c.on >= inputs.first_day)
        })
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
        .collect();
    lines.sort_by(|a, b| (a.due, &a.id).cmp(&(b.due, &b.id)));
    lines
}
