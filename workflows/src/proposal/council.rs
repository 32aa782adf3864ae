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
