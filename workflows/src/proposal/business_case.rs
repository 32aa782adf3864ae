//! The business case: each council's share of the savings and of the one-off cost, checked against
//! the proposal's councils and apportioned to the penny (concordat §6).

use super::command::Ctx;
use super::events::*;
use super::refusal::at;
use super::state::ProposalState;
use crate::definition::Stage;
use crate::money::{apportion, apportion_equally, Money, Percent, WHOLE};
use crate::proposal::event::ProposalEvent;
use crate::remedy::Remedy;
use engine::Failure;
use std::collections::BTreeMap;

/// What `proposal business-case` gives: the money, the shares (empty: equal) and the risks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseTerms<'a> {
    pub one_off_cost: Money,
    pub annual_saving: Money,
    pub shares: &'a [(String, Percent)],
    pub cost_shares: &'a [(String, Percent)],
    pub risks: &'a [String],
}

/// The `business-case-recorded` event, at quick-win or business-case, with shares that add up.
pub fn decide_business_case(
    state: &ProposalState,
    ctx: &Ctx,
    case: CaseTerms,
) -> Result<Draft, Failure> {
    at(
        state,
        &[Stage::QuickWin, Stage::BusinessCase],
        "record a business case",
        Some(Stage::BusinessCase),
    )?;
    let mut unmet = check_shares(state, ctx, "share", case.shares);
    unmet.extend(check_shares(state, ctx, "cost share", case.cost_shares));
    if !unmet.is_empty() {
        return Err(
            Failure::refused(format!("the business case for {} is not right", state.id))
                .with_details(unmet)
                .with_remedy(Remedy::GiveShares {
                    councils: state.councils.clone(),
                }),
        );
    }
    let (equal_shares, equal_cost_shares) = (case.shares.is_empty(), case.cost_shares.is_empty());
    let shares = resolve(state, case.shares);
    let cost_shares = resolve(state, case.cost_shares);
    Ok(Draft::of(ProposalEvent::BusinessCaseRecorded(
        BusinessCaseRecorded {
            one_off_cost: case.one_off_cost,
            annual_saving: case.annual_saving,
            annual_saving_by_council: split(case.annual_saving, &shares, equal_shares, &state.lead),
            one_off_cost_by_council: split(
                case.one_off_cost,
                &cost_shares,
                equal_cost_shares,
                &state.lead,
            ),
            shares: shares.into_iter().collect(),
            cost_shares: cost_shares.into_iter().collect(),
            risks: case.risks.to_vec(),
            equal_shares,
            equal_cost_shares,
        },
    )))
}

/// Each problem with a set of shares: unknown councils, councils outside the proposal, missing ones, sum ≠ 100.
fn check_shares(
    state: &ProposalState,
    ctx: &Ctx,
    what: &str,
    shares: &[(String, Percent)],
) -> Vec<String> {
    if shares.is_empty() {
        return vec![];
    }
    let mut unmet = Vec::new();
    for (council, _) in shares {
        if ctx.partnership.council(council).is_none() && !state.councils.contains(council) {
            unmet.push(format!(
                "{council} (given a {what}) is not a council of the partnership"
            ));
        } else if !state.councils.contains(council) {
            unmet.push(format!(
                "{council} has a {what} but is not one of the councils of {}",
                state.id
            ));
        }
    }
    for council in &state.councils {
        if !shares.iter().any(|(c, _)| c == council) {
            unmet.push(format!(
                "{council} has no {what}: every council of the proposal needs one"
            ));
        }
    }
    let sum: u32 = shares.iter().map(|(_, p)| p.hundredths).sum();
    if sum != WHOLE.hundredths {
        unmet.push(format!(
            "the {what}s sum to {}%, not 100%",
            Percent { hundredths: sum }
        ));
    }
    unmet
}

/// The shares in the proposal's council order; none given: equal shares.
fn resolve(state: &ProposalState, shares: &[(String, Percent)]) -> Vec<(String, Percent)> {
    if shares.is_empty() {
        state
            .councils
            .iter()
            .cloned()
            .zip(Percent::equal_split(state.councils.len()))
            .collect()
    } else {
        let map: BTreeMap<String, Percent> = shares.iter().cloned().collect();
        ordered(state, &map)
    }
}

/// The shares in the proposal's council order.
pub(crate) fn ordered(
    state: &ProposalState,
    shares: &BTreeMap<String, Percent>,
) -> Vec<(String, Percent)> {
    state
        .councils
        .iter()
        .filter_map(|c| shares.get(c).map(|p| (c.clone(), *p)))
        .collect()
}

/// `total` split by `shares` to the penny (largest remainder, ties to the lead), or exactly equally.
pub(crate) fn split(
    total: Money,
    shares: &[(String, Percent)],
    equal: bool,
    lead: &str,
) -> BTreeMap<String, Money> {
    if equal {
        let parties: Vec<String> = shares.iter().map(|(c, _)| c.clone()).collect();
        apportion_equally(total, &parties, lead)
            .into_iter()
            .collect()
    } else {
        apportion(total, shares, lead).into_iter().collect()
    }
}
