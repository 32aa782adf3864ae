//! The rules: given a proposal's state (as recorded so far) and a command, the event to record or a
//! refusal naming each unmet condition. Pure: no store, no clock; `ops` loads, checks and appends.
//! This module dispatches and owns the moves between stages; each other concept (business case,
//! consultation, Board, council decisions, call-in, monitoring, milestones) decides in its own.

use super::board::{self, Votes};
use super::business_case::{self, CaseTerms};
use super::call_in;
use super::command::{Ctx, NewProposal, ProposalCommand};
use super::consultation;
use super::council::{self, Decided};
use super::date_order;
use super::events::*;
use super::guards;
use super::monitoring::{self, Review, SavingEntry};
use super::refusal::{ended, held, on_hold, own_milestone, proposal_council};
use super::state::ProposalState;
use super::terms;
use crate::definition::{MoveKind, Stage, WorkflowDefinition, SHARED_SERVICE_PROPOSAL};
use crate::milestone;
use crate::proposal::event::ProposalEvent;
use crate::remedy::{with_unmet, Remedy, Unmet};
use engine::Failure;

/// The `proposal-created` event for a new proposal, under the newest workflow version.
pub fn decide_create(new: &NewProposal, ctx: &Ctx) -> Result<Draft, Failure> {
    let definition = ctx
        .registry
        .latest(SHARED_SERVICE_PROPOSAL)
        .ok_or_else(|| Failure::internal("no shared-service-proposal workflow is registered"))?;
    let known = ctx.partnership.council_ids();
    let councils = new.councils.clone().unwrap_or_else(|| known.clone());
    let mut unmet: Vec<Unmet> = councils
        .iter()
        .filter(|c| !known.contains(c))
        .map(|c| {
            Unmet::plain(format!(
                "{c} is not a council of the partnership on {}",
                ctx.date
            ))
        })
        .collect();
    if !known.contains(&new.lead) {
        unmet.push(Unmet::plain(format!(
            "the lead {} is not a council of the partnership on {}",
            new.lead, ctx.date
        )));
    } else if !councils.contains(&new.lead) {
        unmet.push(Unmet::met_by(
            format!(
                "the lead council {} is not one of the proposal's councils ({})",
                new.lead,
                councils.join(", ")
            ),
            Remedy::NameCouncils,
        ));
    }
    if councils.len() < 2 {
        unmet.push(Unmet::met_by(
            "a shared service needs at least two councils",
            Remedy::NameCouncils,
        ));
    }
    if !unmet.is_empty() {
        let failure = Failure::refused(format!("cannot create proposal {}", new.id));
        return Err(with_unmet(failure, unmet).with_detail(format!(
            "the partnership's councils on {}: {}",
            ctx.date,
            known.join(", ")
        )));
    }
    let stage = definition
        .entry_stage(new.category)
        .cloned()
        .ok_or_else(|| Failure::internal("the workflow has no entry stage for this category"))?;
    Ok(Draft::of(ProposalEvent::ProposalCreated(ProposalCreated {
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
    })))
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
            command.what(),
            ctx.date,
            state.id,
            state.created_on
        ))
        .with_remedy(Remedy::DateFrom {
            date: state.created_on,
        }));
    }
    let definition = ctx
        .registry
        .get(&state.workflow.name, state.workflow.version)?;
    let draft = match command {
        Advance { to, reason } => advance(state, definition, to, reason.as_deref(), ctx),
        Hold { reason } => lifecycle(state, definition, MoveKind::Hold, reason),
        Resume { reason } => lifecycle(state, definition, MoveKind::Resume, reason),
        Withdraw { reason } => lifecycle(state, definition, MoveKind::Withdraw, reason),
        NotPursue { reason } => lifecycle(state, definition, MoveKind::NotPursue, reason),
        Close { reason } => lifecycle(state, definition, MoveKind::Close, reason),
        DeclareInterest { reason } => Ok(Draft::of(ProposalEvent::InterestDeclared(
            InterestDeclared {
                actor: ctx.actor.to_string(),
                reason: reason.clone(),
                told: crate::monitoring_officer::told(
                    ctx.partnership,
                    ctx.actor,
                    &state.councils,
                    ctx.now,
                    &ctx.partnership.tz(),
                ),
            },
        ))),
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
        InPrinciple { council, minute } => {
            council::decide_in_principle(state, ctx, council, minute)
        }
        CallIn { council, reason } => {
            proposal_council(state, ctx, council)?;
            call_in::decide_call_in(state, ctx, council, reason)
        }
        ResolveCallIn { council, outcome } => {
            proposal_council(state, ctx, council)?;
            call_in::decide_resolution(state, ctx, council, *outcome)
        }
        Leave { council, minute } => terms::decide_leave(state, ctx, council, minute),
        VaryShares { shares } => terms::decide_vary(state, ctx, shares),
        Consent { council, minute } => terms::decide_consent(state, ctx, council, minute),
        _ => record(state, definition, command, ctx),
    }?;
    // The guards held in seq order; the date must also keep the order decisions were taken in.
    date_order::check(state, definition, &draft.event, ctx.date)?;
    Ok(draft)
}

/// The event of a command that records something without moving the proposal on.
fn record(
    state: &ProposalState,
    definition: &WorkflowDefinition,
    command: &ProposalCommand,
    ctx: &Ctx,
) -> Result<Draft, Failure> {
    use ProposalCommand::*;
    match command {
        BusinessCase {
            one_off_cost,
            annual_saving,
            shares,
            cost_shares,
            risks,
        } => business_case::decide_business_case(
            state,
            ctx,
            CaseTerms {
                one_off_cost: *one_off_cost,
                annual_saving: *annual_saving,
                shares,
                cost_shares,
                risks,
            },
        ),
        OpenConsultation { parties } => consultation::decide_open(state, ctx, parties),
        RecordResponse { party, summary } => consultation::decide_response(state, party, summary),
        CloseConsultation => consultation::decide_close(state),
        BoardVote {
            meeting,
            support,
            oppose,
            abstain,
        } => board::decide_vote(
            state,
            ctx,
            *meeting,
            Votes {
                support,
                oppose,
                abstain,
            },
        ),
        CouncilDecide {
            council,
            decision,
            minute,
            urgent,
        } => council::decide_decision(
            state,
            definition,
            ctx,
            Decided {
                council,
                decision: *decision,
                minute: minute.as_deref(),
                urgent: *urgent,
            },
        ),
        _ => monitor(state, command, ctx),
    }
}

/// The event of a monitoring command: indicators, savings and reviews.
fn monitor(state: &ProposalState, command: &ProposalCommand, ctx: &Ctx) -> Result<Draft, Failure> {
    use ProposalCommand::*;
    match command {
        DefineKpi {
            name,
            target,
            unit,
            baseline,
            direction,
        } => {
            let definition = monitoring::KpiDefinition {
                name,
                target: *target,
                unit: unit.as_deref(),
                baseline: *baseline,
                direction: *direction,
            };
            monitoring::decide_define_kpi(state, &definition)
        }
        RecordKpi {
            name,
            quarter,
            value,
        } => monitoring::decide_record_kpi(state, name, *quarter, *value),
        RecordSaving {
            quarter,
            amount,
            correct,
            reason,
        } => monitoring::decide_saving(
            state,
            ctx,
            SavingEntry {
                quarter: *quarter,
                amount: *amount,
                correct: *correct,
                reason: reason.as_deref(),
            },
        ),
        RecordCost {
            quarter,
            kind,
            amount,
            code,
            paid_by,
            correct,
            reason,
        } => super::costs::decide_cost(
            state,
            ctx,
            super::costs::CostEntry {
                quarter: *quarter,
                kind: *kind,
                amount: *amount,
                code: code.as_deref(),
                paid_by: paid_by.as_deref(),
                correct: *correct,
                reason: reason.as_deref(),
            },
        ),
        RecordReview {
            kind,
            council,
            outcome,
            summary,
        } => monitoring::decide_review(
            state,
            ctx,
            Review {
                kind: *kind,
                council,
                outcome: *outcome,
                summary: summary.as_deref(),
            },
        ),
        _ => unreachable!("record handles the other commands"),
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
        return Err(Failure::refused(format!("{id} is already at {to}"))
            .with_remedy(Remedy::ShowProposal { id: id.clone() }));
    }
    let targets = definition.advance_targets(&state.stage);
    let Some(step) = targets.iter().find(|m| m.to.as_ref() == Some(to)) else {
        let can: Vec<String> = targets
            .iter()
            .filter_map(|m| m.to.as_ref().map(|s| s.to_string()))
            .collect();
        let mut remedy = None;
        let why = if definition.is_outcome(&state.stage) && can.is_empty() {
            format!("{id} has ended ({}): nothing moves it now", state.stage)
        } else if to == &definition.hold_stage || definition.is_outcome(to) {
            remedy = Some(Remedy::MoveBy { to: to.clone() });
            format!("{to} is not reached by advance")
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
        let failure = Failure::refused(why).with_detail(hint);
        return Err(match remedy {
            Some(remedy) => failure.with_remedy(remedy),
            None => failure,
        });
    };
    let unmet = guards::unmet_all_at(&step.guards, state, &call_in::Clock::of(ctx));
    if !unmet.is_empty() {
        let failure = Failure::refused(format!(
            "cannot advance {id} from {} to {to} yet: {} condition{} unmet",
            state.stage,
            unmet.len(),
            if unmet.len() == 1 { " is" } else { "s are" }
        ));
        return Err(with_unmet(failure, unmet));
    }
    Ok(Draft::of(ProposalEvent::StageChanged(StageChanged {
        from: state.stage.clone(),
        to: to.clone(),
        action: step.kind,
        reason: reason.map(str::to_string),
        new_round: step.new_round,
    })))
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
        return Err(Failure::refused(why).with_remedy(Remedy::ShowProposal { id: id.clone() }));
    };
    let to = match &step.to {
        Some(to) => to.clone(),
        None => state.held_from.clone().ok_or_else(|| {
            Failure::integrity(format!(
                "{id} is on hold but its stream does not say from where"
            ))
        })?,
    };
    Ok(Draft::of(ProposalEvent::StageChanged(StageChanged {
        from: state.stage.clone(),
        to,
        action: kind,
        reason: Some(reason.to_string()),
        new_round: step.new_round,
    })))
}
