//! The refusals several rules share: a proposal on hold, ended, at the wrong stage, not yet live,
//! or asked about a council or milestone that is not its own.

use super::command::Ctx;
use super::state::ProposalState;
use crate::definition::Stage;
use crate::milestone::Milestone;
use crate::remedy::Remedy;
use engine::Failure;

/// The stage a held proposal left, for its refusals.
pub(crate) fn held(state: &ProposalState) -> String {
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
    .with_remedy(Remedy::Resume {
        id: state.id.clone(),
    })
}

/// A refusal for an ended proposal.
pub(crate) fn ended(state: &ProposalState, what: &str) -> Failure {
    Failure::refused(format!(
        "{} has ended ({}): you cannot {what}",
        state.id, state.stage
    ))
    .with_remedy(Remedy::ShowHistory {
        id: state.id.clone(),
    })
}

/// The milestone `id` of the proposal, or a refusal.
pub(crate) fn own_milestone<'s>(
    state: &'s ProposalState,
    id: &str,
) -> Result<&'s Milestone, Failure> {
    state.milestones.get(id).ok_or_else(|| {
        Failure::refused(format!("proposal {} has no milestone {id}", state.id))
            .with_remedy(Remedy::ListMilestones)
    })
}

/// Refuses unless the proposal is at one of `stages`.
pub(crate) fn at(
    state: &ProposalState,
    stages: &[Stage],
    what: &str,
    back_to: Option<Stage>,
) -> Result<(), Failure> {
    if stages.contains(&state.stage) {
        return Ok(());
    }
    if state.stage == Stage::OnHold {
        return Err(on_hold(state, what));
    }
    if state.has_ended() && state.stage != Stage::Rejected {
        return Err(ended(state, what));
    }
    let names: Vec<&str> = stages.iter().map(|s| s.as_str()).collect();
    let failure = Failure::refused(format!(
        "you can {what} only at {}; {} is at {}",
        names.join(" or "),
        state.id,
        state.stage
    ));
    let id = state.id.clone();
    Err(match back_to {
        Some(to) => failure.with_remedy(Remedy::MoveBack { id, to }),
        None => failure.with_remedy(Remedy::ShowProposal { id }),
    })
}

/// Refuses unless the service is live (monitoring, or closed, or held from monitoring).
pub(crate) fn live(state: &ProposalState, what: &str) -> Result<(), Failure> {
    let ok = matches!(state.stage, Stage::Monitoring | Stage::Closed)
        || state.held_from.as_ref() == Some(&Stage::Monitoring);
    if ok {
        Ok(())
    } else {
        Err(Failure::refused(format!(
            "you can {what} only once the service is live (monitoring); {} is at {}",
            state.id, state.stage
        ))
        .with_detail("define indicators any time; record values and savings after go-live"))
    }
}

/// Refuses a council that is not one of the proposal's (or not of the partnership on the date).
pub(crate) fn proposal_council(
    state: &ProposalState,
    ctx: &Ctx,
    council: &str,
) -> Result<(), Failure> {
    if ctx.partnership.council(council).is_none() {
        return Err(Failure::refused(format!(
            "{council} is not a council of the partnership on {}",
            ctx.date
        ))
        .with_detail(format!(
            "the proposal's councils are: {}",
            state.councils.join(", ")
        )));
    }
    if !state.councils.iter().any(|c| c == council) {
        return Err(Failure::refused(format!(
            "{council} is not one of the councils of {}",
            state.id
        ))
        .with_detail(format!(
            "the proposal's councils are: {}",
            state.councils.join(", ")
        )));
    }
    Ok(())
}
