//! A live service's monitoring: performance indicators and their quarterly values, savings
//! apportioned by the business case's shares, and the councils' reviews.

use super::command::Ctx;
use super::events::*;
use super::refusal::{ended, live, on_hold, proposal_council};
use super::shares;
use super::state::ProposalState;
use crate::definition::Stage;
use crate::money::{pounds, Money};
use crate::proposal::event::ProposalEvent;
use crate::quarter::Quarter;
use crate::remedy::Remedy;
use engine::Failure;
use rust_decimal::Decimal;

/// An indicator's definition as a command gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KpiDefinition<'a> {
    pub name: &'a str,
    pub target: Decimal,
    pub unit: Option<&'a str>,
    pub baseline: Option<Decimal>,
    /// None: higher is better (and the event carries no `direction`).
    pub direction: Option<super::rag::Direction>,
}

/// The `kpi-defined` event (any time before the proposal ends, unless it is on hold).
pub fn decide_define_kpi(state: &ProposalState, d: &KpiDefinition) -> Result<Draft, Failure> {
    if state.has_ended() {
        return Err(ended(state, "define a performance indicator"));
    }
    if state.stage == Stage::OnHold {
        return Err(on_hold(state, "define a performance indicator"));
    }
    Ok(Draft::of(ProposalEvent::KpiDefined(KpiDefined {
        name: d.name.to_string(),
        target: d.target,
        unit: d.unit.map(str::to_string),
        baseline: d.baseline,
        direction: d.direction,
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

/// A quarter's saving as a command gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SavingEntry<'a> {
    pub quarter: Quarter,
    /// Negative: a shortfall.
    pub amount: Money,
    /// Replaces the figure already recorded for the quarter.
    pub correct: bool,
    pub reason: Option<&'a str>,
}

/// The `saving-recorded` event: a quarter's saving apportioned by the business case's shares.
pub fn decide_saving(
    state: &ProposalState,
    ctx: &Ctx,
    entry: SavingEntry,
) -> Result<Draft, Failure> {
    let id = &state.id;
    live(state, "record a saving")?;
    let corrects = saving_allowed(state, ctx, &entry)?;
    let (quarter, amount) = (entry.quarter, entry.amount);
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
        corrects,
        reason: entry.reason.map(str::to_string),
    })))
}

/// Refuses a figure (`what`: "saving", "cost") for a quarter not yet ended on the command's
/// date, or one that ended before the proposal went live: the date rules savings and costs share.
pub(super) fn quarter_recordable(
    state: &ProposalState,
    ctx: &Ctx,
    quarter: Quarter,
    what: &str,
) -> Result<(), Failure> {
    let last_day = quarter.last_day(ctx.partnership.year_start());
    if last_day > ctx.date {
        return Err(Failure::refused(format!(
            "{quarter} has not ended on {}: it ends on {last_day}",
            ctx.date
        ))
        .with_detail_remedy(
            format!("a quarter's {what} is recorded once the quarter has ended"),
            Remedy::DateFrom { date: last_day },
        ));
    }
    if let Some(live) = state.went_live.filter(|live| last_day < *live) {
        return Err(Failure::refused(format!(
            "{quarter} ended on {last_day}, before {} went live on {live}",
            state.id
        ))
        .with_detail(format!(
            "{what}s are recorded for the quarters from go-live on"
        )));
    }
    Ok(())
}

/// Refuses a quarter not yet ended on the saving's date, one that ended before go-live, a second
/// figure that is not a correction and a correction of nothing; else the figure a correction replaces.
fn saving_allowed(
    state: &ProposalState,
    ctx: &Ctx,
    entry: &SavingEntry,
) -> Result<Option<Money>, Failure> {
    let (id, quarter) = (&state.id, entry.quarter);
    quarter_recordable(state, ctx, quarter, "saving")?;
    match (state.savings.get(&quarter), entry.correct) {
        (Some(recorded), false) => Err(Failure::refused(format!(
            "{id} already has a saving of {} for {quarter} (recorded for {})",
            pounds(recorded.amount),
            recorded.on
        ))
        .with_remedy(Remedy::CorrectSaving {
            id: id.clone(),
            quarter,
        })),
        (None, true) => Err(Failure::refused(format!(
            "{id} has no saving for {quarter} to correct"
        ))
        .with_detail("record the quarter's figure without correcting it")),
        // A correction replaces the figure from its date on, so it is not dated before it.
        (Some(recorded), true) if ctx.date < recorded.on => Err(Failure::refused(format!(
            "the correction is dated {}, before the figure it corrects ({} for {quarter}, dated {})",
            ctx.date,
            pounds(recorded.amount),
            recorded.on
        ))
        .with_remedy(Remedy::DateFrom { date: recorded.on })),
        (recorded, _) => Ok(recorded.map(|r| r.amount)),
    }
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
