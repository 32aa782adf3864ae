//! A proposal's state as its events describe it: the one value every view, guard and report reads.
//! Built only by the fold in `apply.rs` (or decoded from a snapshot of it, `snapshot.rs`).

use super::events::{
    BoardOutcome, BusinessCaseRecorded, CallInOutcome, Decision, ReviewKind, ReviewOutcome,
    WorkflowRef,
};
use crate::constitution::DecisionBody;
use crate::definition::{Category, MoveKind, Stage};
use crate::milestone::Milestone;
use crate::money::{Money, Percent};
use crate::quarter::Quarter;
use jiff::civil::Date;
use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The business case as recorded (the latest stands): the event's data and the day it was taken.
/// One type serves the fold, the snapshot and the view, so the three cannot drift apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessCase {
    #[serde(flatten)]
    pub recorded: BusinessCaseRecorded,
    pub recorded_on: Date,
}

// The case reads as its event's data: `case.annual_saving`, `case.shares`.
impl std::ops::Deref for BusinessCase {
    type Target = BusinessCaseRecorded;
    fn deref(&self) -> &BusinessCaseRecorded {
        &self.recorded
    }
}

/// Where the consultation of this round stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConsultationStatus {
    #[default]
    NotStarted,
    Open,
    Closed,
}

impl ConsultationStatus {
    /// The status as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsultationStatus::NotStarted => "not-started",
            ConsultationStatus::Open => "open",
            ConsultationStatus::Closed => "closed",
        }
    }
}

/// The consultation of the current round.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Consultation {
    pub status: ConsultationStatus,
    /// Each party consulted, with its response summary once it responded.
    pub parties: BTreeMap<String, Option<String>>,
    /// The consulted parties that are recognised unions.
    pub unions: Vec<String>,
    pub opened_on: Option<Date>,
    pub closed_on: Option<Date>,
}

/// One Board meeting's vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardVote {
    pub meeting: Date,
    pub support: Vec<String>,
    pub oppose: Vec<String>,
    pub abstain: Vec<String>,
    pub outcome: BoardOutcome,
    pub seq: u64,
}

/// The Board's votes in this round; the latest meeting's stands.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Board {
    pub votes: Vec<BoardVote>,
}

impl Board {
    /// The vote of the latest meeting (ties: the one recorded last).
    pub fn standing(&self) -> Option<&BoardVote> {
        self.votes.iter().max_by_key(|v| (v.meeting, v.seq))
    }
}

/// A council's latest decision in this round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilDecision {
    pub decision: Decision,
    pub minute: Option<String>,
    pub on: Date,
    pub by: String,
    /// The body that took it (the council's constitution), if the partnership file names one.
    pub decision_body: Option<DecisionBody>,
    /// Taken as urgent, exempt from call-in.
    pub urgent: bool,
    /// The call-in window the approval opened (none: it counts at once).
    pub call_in: Option<CallIn>,
}

/// An approval's call-in window and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallIn {
    pub closes: Timestamp,
    pub rule: String,
    pub calendar: Option<String>,
    pub requested: Option<CallInRequest>,
    pub resolved: Option<CallInResolution>,
}

/// Scrutiny's call-in of an approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallInRequest {
    pub on: Date,
    /// When it counts (see `call-in-requested`).
    pub at: Timestamp,
    pub by: String,
    pub reason: String,
}

/// How a call-in ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallInResolution {
    pub outcome: CallInOutcome,
    pub on: Date,
    /// When it counts: a confirmed approval stands from here.
    pub at: Timestamp,
    pub by: String,
}

impl CouncilDecision {
    /// Whether the decision is an approval still in force: not referred back after a call-in.
    pub fn approval_in_force(&self) -> bool {
        self.decision == Decision::Approve
            && !self.call_in.as_ref().is_some_and(|c| {
                c.resolved
                    .as_ref()
                    .is_some_and(|r| r.outcome == CallInOutcome::ReferredBack)
            })
    }
}

/// A performance indicator and its quarterly values.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Kpi {
    pub target: Option<Decimal>,
    pub unit: Option<String>,
    /// The latest definition's baseline, if it gave one.
    #[serde(default)]
    pub baseline: Option<Decimal>,
    #[serde(default)]
    pub direction: super::rag::Direction,
    pub values: BTreeMap<Quarter, Decimal>,
}

/// A quarter's saving, as last recorded (a correction replaces the figure before it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saving {
    pub amount: Money,
    pub by_council: BTreeMap<String, Money>,
    pub on: Date,
    /// The figure this one corrected (None: the quarter's first figure).
    #[serde(default)]
    pub corrects: Option<Money>,
    /// Why it was corrected, or why there was a shortfall.
    #[serde(default)]
    pub reason: Option<String>,
}

impl Saving {
    /// A shortfall: less than nothing was saved.
    pub fn is_shortfall(&self) -> bool {
        self.amount.pence < 0
    }
}

/// A council's approval in principle (never its decision).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InPrinciple {
    pub council: String,
    pub minute: String,
    pub on: Date,
    pub by: String,
}

/// A council's review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub kind: ReviewKind,
    pub council: String,
    pub outcome: ReviewOutcome,
    pub summary: Option<String>,
    pub on: Date,
    pub by: String,
    pub recorded_at: String,
}

/// A period on hold: from the hold's effective date until the resume's (or still held).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldPeriod {
    pub stage: Stage,
    pub from: Date,
    pub until: Option<Date>,
    pub reason: Option<String>,
}

/// One recorded stage change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageStep {
    pub from: Stage,
    pub to: Stage,
    pub action: MoveKind,
    pub reason: Option<String>,
    pub on: Date,
    pub by: String,
    pub seq: u64,
}

/// An actor's declared interest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recusal {
    pub reason: String,
    pub on: Date,
}

/// A council's recorded decision to leave a live service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Left {
    pub on: Date,
    /// The first quarter it takes no part in (the one containing `on`).
    pub from_quarter: Quarter,
    pub minute: String,
    pub by: String,
    /// The councils that remained, in the partnership's order.
    pub remaining: Vec<String>,
}

/// A proposed variation of the shares of the savings and the consents recorded to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareVariation {
    /// The seq of its `share-variation-proposed` event (consents name it).
    pub seq: u64,
    pub proposed_on: Date,
    pub by: String,
    pub shares: BTreeMap<String, Percent>,
    pub consents: BTreeMap<String, Consent>,
    /// Replaced by a later proposal before every council consented.
    pub replaced: bool,
}

/// A council's consent to a variation of shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub on: Date,
    pub quarter: Quarter,
    pub minute: String,
    pub by: String,
}

/// A proposal as its events (all of them, or those a cut admits) describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalState {
    pub id: String,
    pub title: String,
    pub service: String,
    pub lead: String,
    pub councils: Vec<String>,
    pub category: Category,
    pub workflow: WorkflowRef,
    pub stage: Stage,
    /// The stage a held proposal returns to on `resume`.
    pub held_from: Option<Stage>,
    /// The stream version of the last event applied.
    pub version: u64,
    /// The seq of the last event applied.
    pub last_seq: u64,
    pub created_on: Date,
    pub created_by: String,
    /// 1, and one more each time the proposal moves back to an earlier stage.
    pub round: u32,
    pub business_case: Option<BusinessCase>,
    pub consultation: Consultation,
    pub board: Board,
    pub decisions: BTreeMap<String, CouncilDecision>,
    /// The effective date of the step into monitoring: the day the service went live.
    pub went_live: Option<Date>,
    pub kpis: BTreeMap<String, Kpi>,
    pub savings: BTreeMap<Quarter, Saving>,
    pub reviews: Vec<Review>,
    pub milestones: BTreeMap<String, Milestone>,
    pub recused: BTreeMap<String, Recusal>,
    pub holds: Vec<HoldPeriod>,
    pub steps: Vec<StageStep>,
    /// The councils' approvals in principle, in the order recorded.
    #[serde(default)]
    pub in_principle: Vec<InPrinciple>,
    /// What the date-order rules read: the seq and date of each event they may name.
    #[serde(default)]
    pub marks: super::date_order::Marks,
    /// The councils that left the service, by their own recorded decision.
    #[serde(default)]
    pub left: BTreeMap<String, Left>,
    /// Every variation of shares proposed after go-live, oldest first.
    #[serde(default)]
    pub share_variations: Vec<ShareVariation>,
    /// The costs recorded after go-live, the latest figure for each quarter, kind and code.
    #[serde(default)]
    pub costs: Vec<super::costs::Cost>,
}

impl ProposalState {
    /// The proposal's stream.
    pub fn stream(&self) -> String {
        stream_of(&self.id)
    }

    /// The total of the savings recorded, and each council's part of it (parts sum to the total).
    pub fn savings_total(&self) -> (Money, BTreeMap<String, Money>) {
        let mut by_council: BTreeMap<String, Money> = self
            .councils
            .iter()
            .map(|c| (c.clone(), Money::default()))
            .collect();
        let mut total = Money::default();
        for saving in self.savings.values() {
            total = total + saving.amount;
            for (council, part) in &saving.by_council {
                let entry = by_council.entry(council.clone()).or_default();
                *entry = *entry + *part;
            }
        }
        (total, by_council)
    }

    /// The decision in force of each council of the proposal (None: pending, or an approval
    /// referred back after a call-in: the council must decide again).
    pub fn approvals(&self) -> Vec<(String, Option<Decision>)> {
        self.councils
            .iter()
            .map(|c| {
                let d = self
                    .decisions
                    .get(c)
                    .filter(|d| d.decision != Decision::Approve || d.approval_in_force());
                (c.clone(), d.map(|d| d.decision))
            })
            .collect()
    }

    /// Whether the proposal has ended (an outcome stage of workflow v1 or later).
    pub fn has_ended(&self) -> bool {
        matches!(
            self.stage,
            Stage::NotPursued | Stage::Withdrawn | Stage::Rejected | Stage::Closed
        )
    }
}

/// The stream of proposal `id`.
pub fn stream_of(id: &str) -> String {
    format!("{PROPOSAL_STREAM_PREFIX}{id}")
}

/// The prefix of every proposal stream.
pub const PROPOSAL_STREAM_PREFIX: &str = "proposal-";
