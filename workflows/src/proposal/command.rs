//! What a decision is asked: the command (its values already parsed and well formed) and the
//! context the rules read besides the proposal.

use super::events::{CallInOutcome, Decision, ReviewKind, ReviewOutcome};
use crate::definition::{Category, Registry, Stage};
use crate::money::{Money, Percent};
use crate::partnership::Partnership;
use crate::permissions::Act;
use crate::quarter::Quarter;
use jiff::civil::Date;
use jiff::Timestamp;
use rust_decimal::Decimal;

/// What the rules need besides the proposal: the workflows, the partnership as it stood on the
/// effective date, that date, who is acting, and the clock (for call-in windows).
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub registry: &'a Registry,
    pub partnership: &'a Partnership,
    pub date: Date,
    pub actor: &'a str,
    /// Now (`$CONCORDAT_NOW` in tests): a change dated today happens at this instant.
    pub now: Timestamp,
}

/// `proposal new`, its values already well formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProposal {
    pub id: String,
    pub title: String,
    pub service: String,
    pub lead: String,
    /// None: every council of the partnership on the effective date.
    pub councils: Option<Vec<String>>,
    pub category: Category,
}

/// Every command that changes an existing proposal, its values already well formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProposalCommand {
    Advance {
        to: Stage,
        reason: Option<String>,
    },
    BusinessCase {
        one_off_cost: Money,
        annual_saving: Money,
        /// Empty: equal shares.
        shares: Vec<(String, Percent)>,
        /// Empty: equal shares.
        cost_shares: Vec<(String, Percent)>,
        risks: Vec<String>,
    },
    Hold {
        reason: String,
    },
    Resume {
        reason: String,
    },
    Withdraw {
        reason: String,
    },
    NotPursue {
        reason: String,
    },
    Close {
        reason: String,
    },
    DeclareInterest {
        reason: String,
    },
    OpenConsultation {
        parties: Vec<String>,
    },
    RecordResponse {
        party: String,
        summary: String,
    },
    CloseConsultation,
    BoardVote {
        meeting: Date,
        support: Vec<String>,
        oppose: Vec<String>,
        abstain: Vec<String>,
    },
    CouncilDecide {
        council: String,
        decision: Decision,
        minute: Option<String>,
        /// Taken as urgent: exempt from call-in, where the council's constitution allows it.
        urgent: bool,
    },
    /// Scrutiny calls in `council`'s approval inside its window.
    CallIn {
        council: String,
        reason: String,
    },
    /// Scrutiny's conclusion on a called-in approval.
    ResolveCallIn {
        council: String,
        outcome: CallInOutcome,
    },
    DefineKpi {
        name: String,
        target: Decimal,
        unit: Option<String>,
        baseline: Option<Decimal>,
        direction: Option<super::rag::Direction>,
    },
    RecordKpi {
        name: String,
        quarter: Quarter,
        value: Decimal,
    },
    RecordSaving {
        quarter: Quarter,
        /// Negative: a shortfall.
        amount: Money,
        /// Replaces the figure already recorded for the quarter.
        correct: bool,
        /// Why (required for a correction and for a shortfall).
        reason: Option<String>,
    },
    /// A quarter's cost, split by the cost shares in force (see `costs.rs`).
    RecordCost {
        quarter: Quarter,
        kind: super::costs::CostKind,
        amount: Money,
        code: Option<String>,
        paid_by: Option<String>,
        correct: bool,
        reason: Option<String>,
    },
    RecordReview {
        kind: ReviewKind,
        council: String,
        outcome: ReviewOutcome,
        summary: Option<String>,
    },
    AddMilestone {
        id: String,
        title: String,
        due: Date,
    },
    AmendMilestone {
        id: String,
        due: Date,
        reason: String,
    },
    CompleteMilestone {
        id: String,
    },
    /// `council`'s approval in principle, before council approval (never its decision).
    InPrinciple {
        council: String,
        minute: String,
    },
    /// `council` leaves the live service, by its own recorded decision.
    Leave {
        council: String,
        minute: String,
    },
    /// New shares of the savings, in force once every remaining council consents.
    VaryShares {
        shares: Vec<(String, Percent)>,
    },
    /// `council` consents to the pending variation of shares.
    Consent {
        council: String,
        minute: String,
    },
}

impl ProposalCommand {
    /// What the command is, as far as permission is concerned.
    pub fn act(&self) -> Act {
        use ProposalCommand::*;
        match self {
            Advance { .. }
            | BusinessCase { .. }
            | Hold { .. }
            | Resume { .. }
            | Withdraw { .. }
            | NotPursue { .. }
            | Close { .. } => Act::ShapeProposal,
            DeclareInterest { .. } => Act::DeclareInterest,
            OpenConsultation { .. } | RecordResponse { .. } | CloseConsultation => Act::Consult,
            BoardVote { .. } => Act::RecordBoardVote,
            CouncilDecide { council, .. } => Act::RecordCouncilDecision(council.clone()),
            CallIn { council, .. } | ResolveCallIn { council, .. } => {
                Act::RecordCallIn(council.clone())
            }
            DefineKpi { .. } | RecordKpi { .. } | RecordSaving { .. } => Act::Monitor,
            RecordReview { council, .. } => Act::RecordReview(council.clone()),
            RecordCost { paid_by, .. } => Act::RecordFinance(paid_by.clone()),
            AddMilestone { .. } | AmendMilestone { .. } | CompleteMilestone { .. } => {
                Act::ManageMilestones
            }
            // Recorded as the council's decisions are: by its clerk.
            InPrinciple { council, .. } => Act::RecordCouncilDecision(council.clone()),
            Leave { council, .. } | Consent { council, .. } => {
                Act::RecordCouncilDecision(council.clone())
            }
            VaryShares { .. } => Act::ShapeProposal,
        }
    }

    /// What the command records, as a refusal names it ("the move", "the business case").
    pub fn what(&self) -> &'static str {
        use ProposalCommand::*;
        match self {
            Advance { .. } => "the move",
            BusinessCase { .. } => "the business case",
            BoardVote { .. } => "the Board meeting",
            CouncilDecide { .. } => "the council decision",
            CallIn { .. } => "the call-in",
            ResolveCallIn { .. } => "the call-in's resolution",
            InPrinciple { .. } => "the approval in principle",
            Leave { .. } => "the leaving",
            VaryShares { .. } => "the variation of shares",
            Consent { .. } => "the consent",
            _ => "the change",
        }
    }
}
