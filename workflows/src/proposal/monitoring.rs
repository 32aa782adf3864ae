//! A live service's monitoring: performance indicators and their quarterly values, savings
//! apportioned by the business case's shares, and the councils' reviews.

use super::command::Ctx;
use super::events::*;
use super::refusal::{ended, live, on_hold, proposal_council};
use super::shares;
use super::state::ProposalState;
use crate::definition::Stage;
use crate::money::Money;
use crate::proposal::event::ProposalEvent;
use crate::quarter::Quarter;
use crate::remedy::Remedy;
use engine::Failure;
use rust_decimal::Decimal;

/// The `kpi-defined` event (any time before the proposal ends, unless it is on hold).
pub fn decide_define_kpi(
    state: &ProposalState,
    name: &str,
    target: Decimal,
    unit: Option<&str>,
) -> Result<Draft, Failure> {
    if state.has_ended() {
        return Err(ended(state, "define a performance indicator"));
    }
    if state.stage == Stage::OnHold {
        return Err(on_hold(state, "define a performance indicator"));
    }
    Ok(Draft::of(ProposalEvent::KpiDefined(KpiDefined {
        name: name.to_string(),
        target,
        unit: unit.map(str::to_string),
    })))
}

/// The `kpi-value-recorded` event of an indicator defined on a live service.
pub fn decide_record_kpi(
    state: &ProposalState,
    name: &str,
    quarter: Quarter,
    value: Decimal,
) -> Result<Draft, Failure> {
    let id = &state.id;
    live(state, "record a performance indicator")?;
    if !state.kpis.contains_key(name) {
        let known: Vec<&str> = state.kpis.keys().map(String::as_str).collect();
        let failure = Failure::refused(format!("{id} has no performance indicator {name:?}"));
        return Err(if known.is_empty() {
            failure.with_remedy(Remedy::DefineKpi {
                id: id.clone(),
                name: name.to_string(),
            })
        } else {
            failure.with_detail(format!("its indicators are: {}", known.join(", ")))
        });
    }
    Ok(Draft::of(ProposalEvent::KpiValueRecorded(
        KpiValueRecorded {
            name: name.to_string(),
            quarter,
            value,
        },
    )))
}

/// The `saving-recorded` event: a quarter's saving apportioned by the business case's shares.
pub fn decide_saving(
    state: &ProposalState,
    quarter: Quarter,
    amount: Money,
) -> Result<Draft, Failure> {
    let id = &state.id;
    live(state, "record a saving")?;
    state.business_case.as_ref().ok_or_else(|| {
        Failure::refused(format!("{id} has no business case to apportion savings by"))
            .with_remedy(Remedy::RecordBusinessCase { id: id.clone() })
    })?;
    // The shares in force for the quarter (a council that left takes no part; varied shares).
    let terms = shares::in_force(state, quarter).ok_or_else(|| {
        Failure::refused(format!(
            "no council takes a share of {id}'s savings in {quarter}"
        ))
        .with_remedy(Remedy::ShowProposal { id: id.clone() })
    })?;
    Ok(Draft::of(ProposalEvent::SavingRecorded(SavingRecorded {
        quarter,
        amount,
        by_council: terms.split(amount),
        shares: terms.shares,
        equal_shares: terms.equal,
    })))
}

/// What a council's review found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Review<'a> {
    pub kind: ReviewKind,
    pub council: &'a str,
    pub outcome: ReviewOutcome,
    pub summary: Option<&'a str>,
}

/// The `review-recorded` event of one of the proposal's councils, on a service in monitoring.
pub fn decide_review(state: &ProposalState, ctx: &Ctx, review: Review) -> Result<Draft, Failure> {
    let from_monitoring = state.held_from.as_ref() == Some(&Stage::Monitoring);
    if state.stage != Stage::Monitoring && !from_monitoring {
        return Err(Failure::refused(format!(
            "reviews are of a service in monitoring; {} is at {}",
            state.id, state.stage
        ))
        .with_detail("a review is recorded after the service has gone live"));
    }
    proposal_council(state, ctx, review.council)?;
    Ok(Draft::of(ProposalEvent::ReviewRecorded(ReviewRecorded {
        kind: review.kind,
        council: review.council.to_string(),
        outcome: review.outcome,
        summary: review.summary.map(str::to_string),
    })))
}
