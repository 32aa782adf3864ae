//! The quarterly report to one council: the quarter as it stood at its end (effective dates), from
//! what had been recorded by `known_at`. A pure function of its inputs: no generation timestamp,
//! so the same inputs give the same bytes in every format.
//!
//! - [`build`]: the model, from projected proposals and milestones;
//! - [`markdown`] (layout 1, frozen) and [`csv`] (`csv-long`): the first release's renderings;
//! - [`templates`]: layout 2, one template set for Markdown, HTML and the PDF's text;
//! - [`table`]: the spreadsheet CSV, one row per proposal (JSON is the model serialised).

pub mod arrangements;
pub mod builder;
pub mod contribution;
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
use crate::quarter::Quarter;
use crate::reminders::{Reminder, ReminderView, ReviewKind};
use contribution::Contribution;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavingLine {
    pub proposal: String,
    pub quarter: Money,
    pub quarter_council: Money,
    pub to_date: Money,
    pub to_date_council: Money,
}

/// A performance indicator against its target, for the quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewDue {
    pub proposal: String,
    pub kind: ReviewKind,
    pub due: Date,
    /// Whether a review answering it was recorded (effective by the quarter's end).
    pub held: bool,
}

/// A review the council held in the quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewHeldLine {
    pub proposal: String,
    pub kind: ReviewKind,
    pub on: Date,
    pub outcome: String,
    pub summary: Option<String>,
    pub by: String,
}

/// A milestone open at some time in the quarter, with every amendment of its due date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// What every proposal contributes, as it stood at the quarter's end from what was recorded
    /// by `known_at`, in id order.
    pub contributions: &'a [Contribution],
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

/// Builds one council's report (without the money section) from `inputs.contributions`.
pub fn build(inputs: &Inputs<'_>) -> QuarterlyReport {
    let mut report = builder::Builder::new(inputs, None);
    for c in inputs.contributions {
        report.add(c);
    }
    report.finish()
}
