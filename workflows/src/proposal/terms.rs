//! A live service's terms after go-live (concordat §1.4, §6.1): a council leaving by its own
//! recorded decision, and the shares of the savings varied with every remaining council's consent.
//! What is in force for a quarter is worked out in `shares.rs`.

use super::command::Ctx;
use super::events::*;
use super::refusal::{ended, proposal_council};
use super::shares::{awaiting, pending, remaining};
use super::state::ProposalState;
use crate::definition::Stage;
use crate::money::{Percent, WHOLE};
use crate::proposal::event::ProposalEvent;
use crate::quarter::Quarter;
use crate::remedy::Remedy;
use engine::Failure;

/// Refuses unless the service is live: in monitoring, or on hold from it.
fn running(state: &ProposalState, what: &str) -> Result<(), Failure> {
    if state.has_ended() {
        return Err(ended(state, what));
    }
    if state.stage == Stage::Monitoring || state.held_from.as_ref() == Some(&Stage::Monitoring) {
        return Ok(());
    }
    Err(Failure::refused(format!(
        "you can {what} only while the service is live (monitoring); {} is at {}",
        state.id, state.stage
    ))
    .with_remedy(Remedy::ShowProposal {
        id: state.id.clone(),
    }))
}

/// Refuses a date before the service went live.
fn not_before_go_live(state: &ProposalState, ctx: &Ctx, what: &str) -> Result<(), Failure> {
    match state.went_live {
        Some(live) if ctx.date < live => Err(Failure::refused(format!(
            "{what} is dated {}, before {} went live on {live}",
            ctx.date, state.id
        ))
        .with_remedy(Remedy::DateFrom { date: live })),
        _ => Ok(()),
    }
}

/// The `council-left` event: `council` leaves the live service from the quarter containing the date.
pub fn decide_leave(
    state: &ProposalState,
    ctx: &Ctx,
    council: &str,
    minute: &str,
) -> Result<Draft, Failure> {
    running(state, "record a council leaving")?;
    proposal_council(state, ctx, council)?;
    not_before_go_live(state, ctx, "the leaving")?;
    if let Some(left) = state.left.get(council) {
        return Err(Failure::refused(format!(
            "{council} already left {} on {} (minute: {})",
            state.id, left.on, left.minute
        ))
        .with_remedy(Remedy::ShowHistory {
            id: state.id.clone(),
        }));
    }
    let rest: Vec<String> = remaining(state)
        .into_iter()
        .filter(|c| c != council)
        .collect();
    if rest.is_empty() {
        return Err(Failure::refused(format!(
            "{council} is the last council of {}: a service nobody shares is closed, not left",
            state.id
        ))
        .with_remedy(Remedy::ShowProposal {
            id: state.id.clone(),
        }));
    }
    // The partnership's order first (a tied penny goes to the first when the lead has left).
    let order = ctx.partnership.council_ids();
    let mut remaining: Vec<String> = order.iter().filter(|c| rest.contains(c)).cloned().collect();
    remaining.extend(rest.into_iter().filter(|c| !order.contains(c)));
    Ok(Draft::of(ProposalEvent::CouncilLeft(CouncilLeft {
        council: council.to_string(),
        minute: minute.to_string(),
        from_quarter: Quarter::containing(ctx.date, ctx.partnership.year_start()),
        remaining,
    })))
}

/// The `share-variation-proposed` event: shares for exactly the councils that remain, summing to 100.
pub fn decide_vary(
    state: &ProposalState,
    ctx: &Ctx,
    shares: &[(String, Percent)],
) -> Result<Draft, Failure> {
    running(state, "vary the shares")?;
    not_before_go_live(state, ctx, "the variation")?;
    let remaining = remaining(state);
    let mut unmet = Vec::new();
    for (council, _) in shares {
        if state.left.contains_key(council) {
            unmet.push(format!("{council} has a share but has left {}", state.id));
        } else if !state.councils.contains(council) {
            unmet.push(format!(
                "{council} has a share but is not one of the councils of {}",
                state.id
            ));
        }
    }
    for council in &remaining {
        if !shares.iter().any(|(c, _)| c == council) {
            unmet.push(format!(
                "{council} has no share: every council that remains in {} needs one",
                state.id
            ));
        }
    }
    let sum: u32 = shares.iter().map(|(_, p)| p.hundredths).sum();
    if sum != WHOLE.hundredths {
        unmet.push(format!(
            "the shares sum to {}%, not 100%",
            Percent { hundredths: sum }
        ));
    }
    if !unmet.is_empty() {
        return Err(Failure::refused(format!(
            "the variation of shares for {} is not right",
            state.id
        ))
        .with_details(unmet)
        .with_remedy(Remedy::GiveRemainingShares {
            councils: remaining,
        }));
    }
    Ok(Draft::of(ProposalEvent::ShareVariationProposed(
        ShareVariationProposed {
            shares: shares.iter().cloned().collect(),
            replaces_pending: pending(state).is_some(),
        },
    )))
}

/// The `share-variation-consented` event: `council` consents to the pending variation.
pub fn decide_consent(
    state: &ProposalState,
    ctx: &Ctx,
    council: &str,
    minute: &str,
) -> Result<Draft, Failure> {
    running(state, "record a consent to new shares")?;
    proposal_council(state, ctx, council)?;
    let Some(variation) = pending(state) else {
        return Err(Failure::refused(format!(
            "no variation of the shares of {} is waiting for consent",
            state.id
        ))
        .with_remedy(Remedy::ShowProposal {
            id: state.id.clone(),
        }));
    };
    if let Some(given) = variation.consents.get(council) {
        return Err(Failure::refused(format!(
            "{council} already consented to the variation proposed on {} (on {}, minute: {})",
            variation.proposed_on, given.on, given.minute
        ))
        .with_detail(format!(
            "still to consent: {}",
            awaiting(state, variation).join(", ")
        )));
    }
    if !awaiting(state, variation).iter().any(|c| c == council) {
        return Err(Failure::refused(format!(
            "{council} has left {}: its consent is not needed",
            state.id
        ))
        .with_detail(format!(
            "still to consent: {}",
            awaiting(state, variation).join(", ")
        )));
    }
    if ctx.date < variation.proposed_on {
        return Err(Failure::refused(format!(
            "the consent is dated {}, before the variation was proposed on {}",
            ctx.date, variation.proposed_on
        ))
        .with_remedy(Remedy::DateFrom {
            date: variation.proposed_on,
        }));
    }
    Ok(Draft::of(ProposalEvent::ShareVariationConsented(
        ShareVariationConsented {
            council: council.to_string(),
            minute: minute.to_string(),
            quarter: Quarter::containing(ctx.date, ctx.partnership.year_start()),
            variation: variation.seq,
        },
    )))
}
