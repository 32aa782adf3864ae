//! The rules: given a proposal's state (as recorded so far) and a command, the event to record or a
//! refusal naming each unmet condition. Pure: no store, no clock; `ops` loads, checks and appends.

use super::call_in;
use super::events::*;
use super::guards;
use super::record;
use super::state::ProposalState;
use crate::definition::{
    Category, MoveKind, Registry, Stage, WorkflowDefinition, SHARED_SERVICE_PROPOSAL,
};
use crate::milestone;
use crate::money::{Money, Percent};
use crate::partnership::Partnership;
use crate::permissions::Act;
use crate::quarter::Quarter;
use engine::Failure;
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
    },
    RecordKpi {
        name: String,
        quarter: Quarter,
        value: Decimal,
    },
    RecordSaving {
        quarter: Quarter,
        amount: Money,
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
            AddMilestone { .. } | AmendMilestone { .. } | CompleteMilestone { .. } => {
                Act::ManageMilestones
            }
        }
    }
}

/// The `proposal-created` event for a new proposal, under the newest workflow version.
pub fn decide_create(new: &NewProposal, ctx: &Ctx) -> Result<Draft, Failure> {
    let definition = ctx
        .registry
        .latest(SHARED_SERVICE_PROPOSAL)
        .ok_or_else(|| Failure::internal("no shared-service-proposal workflow is registered"))?;
    let known = ctx.partnership.council_ids();
    let councils = new.councils.clone().unwrap_or_else(|| known.clone());
    let mut unmet: Vec<String> = councils
        .iter()
        .filter(|c| !known.contains(c))
        .map(|c| format!("{c} is not a council of the partnership on {}", ctx.date))
        .collect();
    if !known.contains(&new.lead) {
        unmet.push(format!(
            "the lead {} is not a council of the partnership on {}",
            new.lead, ctx.date
        ));
    } else if !councils.contains(&new.lead) {
        unmet.push(format!(
            "the lead council {} is not one of the proposal's councils ({}): add it to --councils",
            new.lead,
            councils.join(", ")
        ));
    }
    if councils.len() < 2 {
        unmet
            .push("a shared service needs at least two councils: name them with --councils".into());
    }
    if !unmet.is_empty() {
        return Err(
            Failure::refused(format!("cannot create proposal {}", new.id))
                .with_details(unmet)
                .with_detail(format!(
                    "the partnership's councils on {}: {}",
                    ctx.date,
                    known.join(", ")
                )),
        );
    }
    let stage = definition
        .entry_stage(new.category)
        .cloned()
        .ok_or_else(|| Failure::internal("the workflow has no entry stage for this category"))?;
    Ok(Draft::new(
        PROPOSAL_CREATED,
        &ProposalCreated {
            id: new.id.clone(),
            title: new.title.clone(),
            service: new.service.clone(),
            lead: new.lead.clone(),
            councils,
            category: new.category,
            stage,
            workflow: WorkflowRef {
                name: definition.name.clone(),
                version: definition.version,
            },
        },
    ))
}

/// The event `command` records on `state`, or a refusal naming every unmet condition.
pub fn decide(
    state: &ProposalState,
    command: &ProposalCommand,
    ctx: &Ctx,
) -> Result<Draft, Failure> {
    use ProposalCommand::*;
    if ctx.date < state.created_on {
        return Err(Failure::refused(format!(
            "{} is dated {}, before proposal {} existed (created with effect from {})",
            describe(command),
            ctx.date,
            state.id,
            state.created_on
        ))
        .with_detail(format!("give --on {} or later", state.created_on)));
    }
    let definition = ctx
        .registry
        .get(&state.workflow.name, state.workflow.version)?;
    match command {
        Advance { to, reason } => advance(state, definition, to, reason.as_deref(), ctx),
        Hold { reason } => lifecycle(state, definition, MoveKind::Hold, reason),
        Resume { reason } => lifecycle(state, definition, MoveKind::Resume, reason),
        Withdraw { reason } => lifecycle(state, definition, MoveKind::Withdraw, reason),
        NotPursue { reason } => lifecycle(state, definition, MoveKind::NotPursue, reason),
        Close { reason } => lifecycle(state, definition, MoveKind::Close, reason),
        DeclareInterest { reason } => Ok(Draft::new(
            INTEREST_DECLARED,
            &InterestDeclared {
                actor: ctx.actor.to_string(),
                reason: reason.clone(),
            },
        )),
        AddMilestone { id, title, due } => {
            if state.has_ended() {
                return Err(ended(state, "add a milestone"));
            }
            Ok(milestone::decide_add(id, title, *due, Some(&state.id)))
        }
        AmendMilestone { id, due, reason } => {
            milestone::decide_amend(own_milestone(state, id)?, *due, reason)
        }
        CompleteMilestone { id } => milestone::decide_complete(own_milestone(state, id)?),
        CallIn { council, reason } => {
            record::proposal_council(state, ctx, council)?;
            call_in::decide_call_in(state, ctx, council, reason)
        }
        ResolveCallIn { council, outcome } => {
            record::proposal_council(state, ctx, council)?;
            call_in::decide_resolution(state, ctx, council, *outcome)
        }
        _ => record::decide_record(state, definition, command, ctx),
    }
}

fn advance(
    state: &ProposalState,
    definition: &WorkflowDefinition,
    to: &Stage,
    reason: Option<&str>,
    ctx: &Ctx,
) -> Result<Draft, Failure> {
    let id = &state.id;
    if state.stage == definition.hold_stage {
        return Err(on_hold(state, "advance it"));
    }
    if &state.stage == to {
        return Err(
            Failure::refused(format!("{id} is already at {to}")).with_detail(format!(
                "`concordat proposal show {id}` shows what it needs next"
            )),
        );
    }
    let targets = definition.advance_targets(&state.stage);
    let Some(step) = targets.iter().find(|m| m.to.as_ref() == Some(to)) else {
        let can: Vec<String> = targets
            .iter()
            .filter_map(|m| m.to.as_ref().map(|s| s.to_string()))
            .collect();
        let why = if definition.is_outcome(&state.stage) && can.is_empty() {
            format!("{id} has ended ({}): nothing moves it now", state.stage)
        } else if to == &definition.hold_stage || definition.is_outcome(to) {
            format!(
                "{to} is not reached by advance: use `concordat proposal {}` (or, for rejected, a council's decision)",
                match to {
                    Stage::OnHold => "hold",
                    Stage::Withdrawn => "withdraw",
                    Stage::NotPursued => "not-pursue",
                    _ => "close",
                }
            )
        } else if !definition.has_stage(to) {
            format!(
                "{to} is not a stage of {} version {}",
                definition.name, definition.version
            )
        } else {
            format!(
                "cannot move {id} from {} to {to}: a stage cannot be skipped",
                state.stage
            )
        };
        let hint = if can.is_empty() {
            format!("from {} no advance is possible", state.stage)
        } else {
            format!("from {} it can move to: {}", state.stage, can.join(", "))
        };
        return Err(Failure::refused(why).with_detail(hint));
    };
    let unmet = guards::unmet_all_at(&step.guards, state, &call_in::Clock::of(ctx));
    if !unmet.is_empty() {
        return Err(Failure::refused(format!(
            "cannot advance {id} from {} to {to} yet: {} condition{} unmet",
            state.stage,
            unmet.len(),
            if unmet.len() == 1 { " is" } else { "s are" }
        ))
        .with_details(unmet));
    }
    Ok(Draft::new(
        STAGE_CHANGED,
        &StageChanged {
            from: state.stage.clone(),
            to: to.clone(),
            action: step.kind,
            reason: reason.map(str::to_string),
            new_round: step.new_round,
        },
    ))
}

fn lifecycle(
    state: &ProposalState,
    definition: &WorkflowDefinition,
    kind: MoveKind,
    reason: &str,
) -> Result<Draft, Failure> {
    let id = &state.id;
    let Some(step) = definition.find(kind, &state.stage, None) else {
        let why = match kind {
            _ if state.has_ended() || definition.is_outcome(&state.stage) => {
                format!("{id} has already ended ({}): nothing more can change its course", state.stage)
            }
            MoveKind::Hold => format!("{id} is already on hold (since it left {})", held(state)),
            MoveKind::Resume => format!("{id} is not on hold (it is at {})", state.stage),
            MoveKind::Close => format!(
                "only a proposal in monitoring can be closed; {id} is at {}: withdraw it or mark it not pursued instead",
                state.stage
            ),
            _ => format!("{id} cannot {} from {}", kind.as_str(), state.stage),
        };
        return Err(Failure::refused(why).with_detail(format!(
            "`concordat proposal show {id}` shows where it stands"
        )));
    };
    let to = match &step.to {
        Some(to) => to.clone(),
        None => state.held_from.clone().ok_or_else(|| {
            Failure::integrity(format!(
                "{id} is on hold but its stream does not say from where"
            ))
        })?,
    };
    Ok(Draft::new(
        STAGE_CHANGED,
        &StageChanged {
            from: state.stage.clone(),
            to,
            action: kind,
            reason: Some(reason.to_string()),
            new_round: step.new_round,
        },
    ))
}

fn held(state: &ProposalState) -> String {
    state
        .held_from
        .as_ref()
        .map(|s| s.to_string())
        .unwrap_or_else(|| "?".into())
}

/// A refusal for a held proposal.
pub(crate) fn on_hold(state: &ProposalState, what: &str) -> Failure {
    let since = state
        .holds
        .last()
        .map(|h| h.from.to_string())
        .unwrap_or_default();
    Failure::refused(format!(
        "{} is on hold (since {since}, from {}): resume it before you {what}",
        state.id,
        held(state)
    ))
    .with_detail(format!(
        "`concordat proposal resume {} --reason TEXT`",
        state.id
    ))
}

/// A refusal for an ended proposal.
pub(crate) fn ended(state: &ProposalState, what: &str) -> Failure {
    Failure::refused(format!(
        "{} has ended ({}): you cannot {what}",
        state.id, state.stage
    ))
    .with_detail(format!(
        "`concordat proposal history {}` shows how it ended",
        state.id
    ))
}

fn own_milestone<'s>(
    state: &'s ProposalState,
    id: &str,
) -> Result<&'s milestone::Milestone, Failure> {
    state.milestones.get(id).ok_or_else(|| {
        Failure::refused(format!("proposal {} has no milestone {id}", state.id))
            .with_detail("`concordat milestone list` lists every milestone")
    })
}

fn describe(command: &ProposalCommand) -> &'static str {
    use ProposalCommand::*;
    match command {
        Advance { .. } => "the move",
        BusinessCase { .. } => "the business case",
        BoardVote { .. } => "the Board meeting",
        CouncilDecide { .. } => "the council decision",
        CallIn { .. } => "the call-in",
        ResolveCallIn { .. } => "the call-in's resolution",
        _ => "the change",
    }
}
