//! A council's decision at council approval: approve, reject (which ends the proposal) or defer,
//! with the terms its constitution sets (decision body, call-in window, urgency).

use super::call_in;
use super::command::Ctx;
use super::events::*;
use super::refusal::{at, proposal_council};
use super::state::ProposalState;
use crate::definition::{MoveKind, Stage, WorkflowDefinition};
use crate::proposal::event::ProposalEvent;
use engine::Failure;

/// What a clerk records of a council's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decided<'a> {
    pub council: &'a str,
    pub decision: Decision,
    pub minute: Option<&'a str>,
    pub urgent: bool,
}

/// The `council-decision-recorded` event; a reject names the stage it moves the proposal to.
pub fn decide_decision(
    state: &ProposalState,
    definition: &WorkflowDefinition,
    ctx: &Ctx,
    decided: Decided,
) -> Result<Draft, Failure> {
    let council = decided.council;
    at(
        state,
        &[Stage::CouncilApproval],
        "record a council decision",
        None,
    )?;
    proposal_council(state, ctx, council)?;
    let terms = call_in::terms(ctx, council, decided.decision, decided.urgent)?;
    let moves_to = match decided.decision {
        Decision::Reject => definition
            .find(MoveKind::Reject, &state.stage, None)
            .and_then(|m| m.to.clone()),
        _ => None,
    };
    Ok(Draft::of(ProposalEvent::CouncilDecisionRecorded(
        CouncilDecisionRecorded {
            council: council.to_string(),
            decision: decided.decision,
            minute: decided.minute.map(str::to_string),
            moves_to,
            decision_body: terms.decision_body,
            urgent: terms.urgent,
            call_in_closes: terms.call_in_closes,
            call_in_rule: terms.call_in_rule,
            calendar: terms.calendar,
        },
    )))
}

/// The `in-principle-approved` event: a council's approval in principle, at a stage before council
/// approval (from then on only its decision counts). It never counts as the council's decision.
pub fn decide_in_principle(
    state: &ProposalState,
    ctx: &Ctx,
    council: &str,
    minute: &str,
) -> Result<Draft, Failure> {
    let before = [Stage::QuickWin, Stage::BusinessCase, Stage::Consultation];
    if !before.contains(&state.stage) && !state.has_ended() && state.stage != Stage::OnHold {
        return Err(Failure::refused(format!(
            "{} is at {}: an approval in principle comes before council approval",
            state.id, state.stage
        ))
        .with_detail("from council approval on, record the council's decision instead"));
    }
    at(state, &before, "record an approval in principle", None)?;
    proposal_council(state, ctx, council)?;
    Ok(Draft::of(ProposalEvent::InPrincipleApproved(
        InPrincipleApproved {
            council: council.to_string(),
            minute: minute.to_string(),
        },
    )))
}
