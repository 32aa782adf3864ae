//! The events of a proposal's stream (`proposal-<id>`) and of a programme milestone's stream
//! (`milestone-<id>`): their `type` names and `data`, a public contract (keys are added, never renamed).
//!
//! Money is a string with two decimals, percentages too, numbers are decimal strings, dates `YYYY-MM-DD`.

use crate::constitution::DecisionBody;
use crate::definition::{Category, MoveKind, Stage};
use crate::money::{Money, Percent};
use crate::quarter::Quarter;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A proposal was created: its identity, councils and the workflow it runs under.
pub const PROPOSAL_CREATED: &str = "proposal-created";
/// The proposal moved between stages (advance, back, hold, resume, withdraw, not-pursue, close).
pub const STAGE_CHANGED: &str = "stage-changed";
/// A business case was recorded (or replaced), with each council's part of the cost and saving.
pub const BUSINESS_CASE_RECORDED: &str = "business-case-recorded";
/// A consultation was opened with the named parties.
pub const CONSULTATION_OPENED: &str = "consultation-opened";
/// A consulted party responded.
pub const CONSULTATION_RESPONSE_RECORDED: &str = "consultation-response-recorded";
/// The consultation was closed.
pub const CONSULTATION_CLOSED: &str = "consultation-closed";
/// The Shared Services Board voted at a meeting (its effective date), with the outcome.
pub const BOARD_VOTE_RECORDED: &str = "board-vote-recorded";
/// A council's decision (a `reject` also moves the proposal to `rejected`).
pub const COUNCIL_DECISION_RECORDED: &str = "council-decision-recorded";
/// Scrutiny called in a council's approval inside its call-in window: the approval is suspended.
pub const CALL_IN_REQUESTED: &str = "call-in-requested";
/// Scrutiny finished with a called-in approval: confirmed (it stands from then) or referred back.
pub const CALL_IN_RESOLVED: &str = "call-in-resolved";
/// An actor declared an interest and is recused from the proposal.
pub const INTEREST_DECLARED: &str = "interest-declared";
/// A performance indicator was defined (or its target changed).
pub const KPI_DEFINED: &str = "kpi-defined";
/// A performance indicator's value for a quarter.
pub const KPI_VALUE_RECORDED: &str = "kpi-value-recorded";
/// A quarter's saving, apportioned between the councils.
pub const SAVING_RECORDED: &str = "saving-recorded";
/// A council's six-month, twelve-month or annual review.
pub const REVIEW_RECORDED: &str = "review-recorded";
/// A milestone was added (to a proposal's stream, or to its own programme stream).
pub const MILESTONE_ADDED: &str = "milestone-added";
/// A milestone's due date was amended, keeping the original.
pub const MILESTONE_AMENDED: &str = "milestone-amended";
/// A milestone was completed.
pub const MILESTONE_COMPLETED: &str = "milestone-completed";
/// A council approved the proposal in principle before council approval: never its decision.
pub const IN_PRINCIPLE_APPROVED: &str = "in-principle-approved";
/// A wrong effective date of an earlier event of the stream put right: who, when (the event's own
/// `recorded_at`), why. The projection reads the corrected event as taken on `to`.
pub const DATE_CORRECTED: &str = "date-corrected";

/// A council left a live service by its own decision: from `from_quarter` its money goes to the
/// councils that remain.
pub const COUNCIL_LEFT: &str = "council-left";
/// The programme manager proposed new shares of the savings of a live service.
pub const SHARE_VARIATION_PROPOSED: &str = "share-variation-proposed";
/// A council consented to the pending variation of shares.
pub const SHARE_VARIATION_CONSENTED: &str = "share-variation-consented";

/// The workflow a proposal runs under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowRef {
    pub name: String,
    pub version: u32,
}

/// `proposal-created`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposalCreated {
    pub id: String,
    pub title: String,
    pub service: String,
    pub lead: String,
    pub councils: Vec<String>,
    pub category: Category,
    pub stage: Stage,
    pub workflow: WorkflowRef,
}

/// `stage-changed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageChanged {
    pub from: Stage,
    pub to: Stage,
    pub action: MoveKind,
    #[serde(default)]
    pub reason: Option<String>,
    /// Consultation, Board outcome and council decisions start again from nothing.
    #[serde(default)]
    pub new_round: bool,
}

/// `business-case-recorded`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessCaseRecorded {
    pub one_off_cost: Money,
    pub annual_saving: Money,
    /// How savings are split (concordat §6.1).
    pub shares: BTreeMap<String, Percent>,
    /// How the one-off cost is split (equal unless agreed otherwise, §6.2).
    pub cost_shares: BTreeMap<String, Percent>,
    /// The annual saving apportioned to the penny.
    pub annual_saving_by_council: BTreeMap<String, Money>,
    /// The one-off cost apportioned to the penny.
    pub one_off_cost_by_council: BTreeMap<String, Money>,
    #[serde(default)]
    pub risks: Vec<String>,
    /// Savings are split equally (no `--share` given): exactly, not by the rounded percentages.
    #[serde(default)]
    pub equal_shares: bool,
    /// The one-off cost is split equally (no `--cost-share` given).
    #[serde(default)]
    pub equal_cost_shares: bool,
}

/// `consultation-opened`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsultationOpened {
    pub parties: Vec<String>,
    /// The parties that are recognised trade unions of the partnership.
    pub unions: Vec<String>,
}

/// `consultation-response-recorded`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsultationResponseRecorded {
    pub party: String,
    pub summary: String,
}

/// `consultation-closed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsultationClosed {
    pub responded: Vec<String>,
    pub no_response: Vec<String>,
}

/// The Board's recommendation (concordat §4.3(a)(iii)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BoardOutcome {
    Consensus,
    QualifiedMajority,
    NotRecommended,
}

impl BoardOutcome {
    /// The outcome as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            BoardOutcome::Consensus => "consensus",
            BoardOutcome::QualifiedMajority => "qualified-majority",
            BoardOutcome::NotRecommended => "not-recommended",
        }
    }

    /// Whether this outcome recommends the proposal to the councils.
    pub fn recommends(self) -> bool {
        self != BoardOutcome::NotRecommended
    }
}

/// One council's members at a Board meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilTally {
    pub present: u32,
    pub support: u32,
}

/// `board-vote-recorded`; its effective date is the meeting's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardVoteRecorded {
    pub meeting: String,
    pub support: Vec<String>,
    pub oppose: Vec<String>,
    pub abstain: Vec<String>,
    pub outcome: BoardOutcome,
    pub min_support_per_council: u32,
    /// The proposal's councils only.
    pub by_council: BTreeMap<String, CouncilTally>,
}

/// A council's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    Approve,
    Reject,
    Defer,
}

impl Decision {
    /// The decision as written on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Reject => "reject",
            Decision::Defer => "defer",
        }
    }
}

/// `council-decision-recorded`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CouncilDecisionRecorded {
    pub council: String,
    pub decision: Decision,
    #[serde(default)]
    pub minute: Option<String>,
    /// The stage the decision moved the proposal to (`rejected` on a reject), else null.
    #[serde(default)]
    pub moves_to: Option<Stage>,
    /// The body that took it, from the council's constitution (absent when the file names none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_body: Option<DecisionBody>,
    /// On an approval by a council with a call-in window: whether it was taken as urgent (exempt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgent: Option<bool>,
    /// When the approval's call-in window closes (an instant, local offset); absent when urgent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_in_closes: Option<String>,
    /// The council's call-in rule in words, e.g. "12:00 on the 3rd working day after the decision".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_in_rule: Option<String>,
    /// The working-day calendar and version the window was counted with (`england-and-wales v1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
}

/// `call-in-requested`: `at` is when it counts (now if recorded on its date, else that date's start).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallInRequested {
    pub council: String,
    pub reason: String,
    /// The end of the window it interrupted.
    pub closes: String,
    pub at: String,
}

/// What scrutiny concluded about a called-in approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallInOutcome {
    /// The approval stands from the resolution.
    Confirmed,
    /// The approval no longer counts: the council must decide again.
    ReferredBack,
}

impl CallInOutcome {
    /// The outcome as written on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            CallInOutcome::Confirmed => "confirmed",
            CallInOutcome::ReferredBack => "referred-back",
        }
    }
}

/// `call-in-resolved`: `at` as for `call-in-requested` (a confirmed approval counts from it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallInResolved {
    pub council: String,
    pub outcome: CallInOutcome,
    pub at: String,
}

/// `interest-declared`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterestDeclared {
    pub actor: String,
    pub reason: String,
    /// The monitoring officers told of it (absent before issue 21, or when none is named).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub told: Vec<crate::monitoring_officer::Told>,
}

/// `kpi-defined`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiDefined {
    pub name: String,
    pub target: Decimal,
    #[serde(default)]
    pub unit: Option<String>,
    /// Where the indicator stood before the service (absent: not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Decimal>,
    /// Which way it improves (absent: higher).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<super::rag::Direction>,
}

/// `kpi-value-recorded`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiValueRecorded {
    pub name: String,
    pub quarter: Quarter,
    pub value: Decimal,
}

/// `saving-recorded`: the latest record for a quarter stands. A negative amount is a shortfall
/// (split as its absolute amount, then negated); a second figure for a quarter is a correction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavingRecorded {
    pub quarter: Quarter,
    pub amount: Money,
    pub shares: BTreeMap<String, Percent>,
    /// Split equally, exactly (the business case gave no shares).
    #[serde(default)]
    pub equal_shares: bool,
    pub by_council: BTreeMap<String, Money>,
    /// On a correction: the figure it replaces (absent on a quarter's first figure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<Money>,
    /// Why: required for a correction and for a shortfall.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

pub use crate::reminders::ReviewKind;

/// A review's outcome, recorded for the Board (it closes nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewOutcome {
    Continue,
    Amend,
    Terminate,
}

impl ReviewOutcome {
    /// The outcome as written on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewOutcome::Continue => "continue",
            ReviewOutcome::Amend => "amend",
            ReviewOutcome::Terminate => "terminate",
        }
    }
}

/// `review-recorded`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewRecorded {
    pub kind: ReviewKind,
    pub council: String,
    pub outcome: ReviewOutcome,
    #[serde(default)]
    pub summary: Option<String>,
}

/// `milestone-added`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MilestoneAdded {
    pub id: String,
    pub title: String,
    pub due: String,
    #[serde(default)]
    pub proposal: Option<String>,
}

/// `milestone-amended`: the new due date, the one it replaces, the original, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MilestoneAmended {
    pub id: String,
    pub due: String,
    pub previous_due: String,
    pub original_due: String,
    pub reason: String,
}

/// `milestone-completed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MilestoneCompleted {
    pub id: String,
    pub due: String,
}

/// `in-principle-approved`: a council's approval in principle (its minute), before council
/// approval. It is not the council's decision: the move to monitoring never counts it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InPrincipleApproved {
    pub council: String,
    pub minute: String,
}

/// `date-corrected`: event `seq` (of type `kind`, recorded as taken on `from`) was taken on `to`,
/// which is also this event's own effective date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateCorrected {
    pub seq: u64,
    pub kind: String,
    pub from: String,
    pub to: String,
    pub reason: String,
}

/// `council-left`: the council's own recorded decision to leave a live service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CouncilLeft {
    pub council: String,
    pub minute: String,
    /// The quarter containing the effective date: from it on, the council takes no part.
    pub from_quarter: Quarter,
    /// The councils that remain, in the partnership's order (the first takes a tied penny when
    /// the lead has left).
    pub remaining: Vec<String>,
}

/// `share-variation-proposed`: new shares of the savings, in force once every council named
/// consents (a pending variation is replaced by a new one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareVariationProposed {
    pub shares: BTreeMap<String, Percent>,
    /// Whether it replaces a variation still waiting for consents.
    #[serde(default)]
    pub replaces_pending: bool,
}

/// `share-variation-consented`: a council's consent to the pending variation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareVariationConsented {
    pub council: String,
    pub minute: String,
    /// The quarter containing the consent's date (the variation is in force from the latest).
    pub quarter: Quarter,
    /// The seq of the `share-variation-proposed` event consented to.
    pub variation: u64,
}

/// An event decided, ready to be given a stream, actor and date.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub event: super::event::ProposalEvent,
}

impl Draft {
    /// A draft of `event`.
    pub fn of(event: super::event::ProposalEvent) -> Draft {
        Draft { event }
    }

    /// Its `type`.
    pub fn kind(&self) -> String {
        self.event.kind().to_string()
    }

    /// Its `data`, serialised once, as it will be stored and hashed.
    pub fn data(&self) -> serde_json::Value {
        self.event.data()
    }
}

/// Reads an event's data as `T`; malformed data is an integrity failure naming the event.
pub fn read<T: for<'de> Deserialize<'de>>(event: &engine::Event) -> Result<T, engine::Failure> {
    serde_json::from_value(event.data.clone()).map_err(|e| {
        engine::Failure::integrity(format!(
            "event {} ({}) has data this version cannot read: {e}",
            event.seq, event.kind
        ))
    })
}
