//! Which shares of a live service's savings are in force for a quarter — the one place every split
//! of a saving (the rules, the fold, so `proposal show`, the reports and `ops::savings`) learns who
//! takes what: the business case's shares, then the latest variation every council consented to
//! (from the quarter of its last consent), less the councils that left (from the quarter they left
//! in), the rest pro rata to their agreed shares, exactly.

use super::events::{COUNCIL_LEFT, SAVING_RECORDED, SHARE_VARIATION_CONSENTED};
use super::state::{ProposalState, ShareVariation};
use crate::money::{apportion_pro_rata, Money, Percent};
use crate::quarter::Quarter;
use std::collections::BTreeMap;

/// The shares in force for one quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InForce {
    /// Each council that takes part, in the proposal's order, with its weight: the hundredths of
    /// its agreed percentage, or 1 each when the shares are equal.
    pub weights: Vec<(String, u64)>,
    /// Their agreed percentages (less than 100 in all once a council has left).
    pub shares: BTreeMap<String, Percent>,
    /// Split equally (the business case gave no shares and none were varied).
    pub equal: bool,
    /// Who takes a tied penny: the lead, or the first remaining council if the lead has left.
    pub tie: String,
}

impl InForce {
    /// `amount` split by these shares to the penny (largest remainder, ties to [`InForce::tie`]).
    pub fn split(&self, amount: Money) -> BTreeMap<String, Money> {
        apportion_pro_rata(amount, &self.weights, &self.tie)
            .into_iter()
            .collect()
    }
}

/// The shares in force for `quarter` (None: no business case yet, or no council takes part).
pub fn in_force(state: &ProposalState, quarter: Quarter) -> Option<InForce> {
    let (agreed, equal): (Vec<(String, Percent)>, bool) = match varied_for(state, quarter) {
        Some(v) => (ordered(state, &v.shares), false),
        None => {
            let case = state.business_case.as_ref()?;
            (ordered(state, &case.shares), case.equal_shares)
        }
    };
    let taking: Vec<(String, Percent)> = agreed
        .into_iter()
        .filter(|(c, _)| takes_part(state, c, quarter))
        .collect();
    let weights: Vec<(String, u64)> = taking
        .iter()
        .map(|(c, p)| (c.clone(), if equal { 1 } else { u64::from(p.hundredths) }))
        .collect();
    if weights.iter().all(|(_, w)| *w == 0) {
        return None;
    }
    Some(InForce {
        tie: tie_council(state, &weights),
        shares: taking.into_iter().collect(),
        weights,
        equal,
    })
}

/// `amount` for `quarter` split by the shares in force, to the penny (None: nothing to split by).
pub fn split(
    state: &ProposalState,
    quarter: Quarter,
    amount: Money,
) -> Option<BTreeMap<String, Money>> {
    in_force(state, quarter).map(|shares| shares.split(amount))
}

/// Whether `council` takes part in the proposal in `quarter`: one of its councils that had not
/// left by then.
pub fn takes_part(state: &ProposalState, council: &str, quarter: Quarter) -> bool {
    state.councils.iter().any(|c| c == council)
        && state
            .left
            .get(council)
            .is_none_or(|l| l.from_quarter > quarter)
}

/// The proposal's councils that have not recorded leaving, in the proposal's order.
pub fn remaining(state: &ProposalState) -> Vec<String> {
    state
        .councils
        .iter()
        .filter(|c| !state.left.contains_key(*c))
        .cloned()
        .collect()
}

/// The variation of shares still waiting for consents, if any.
pub fn pending(state: &ProposalState) -> Option<&ShareVariation> {
    state
        .share_variations
        .last()
        .filter(|v| !v.replaced && in_force_from(state, v).is_none())
}

/// The councils whose consent `v` still needs: those it names that have neither left nor consented.
pub fn awaiting(state: &ProposalState, v: &ShareVariation) -> Vec<String> {
    ordered(state, &v.shares)
        .into_iter()
        .map(|(c, _)| c)
        .filter(|c| !state.left.contains_key(c) && !v.consents.contains_key(c))
        .collect()
}

/// The first quarter `v` is in force for: that of its last consent, once every council consented.
pub fn in_force_from(state: &ProposalState, v: &ShareVariation) -> Option<Quarter> {
    if v.replaced || !awaiting(state, v).is_empty() {
        return None;
    }
    v.consents.values().map(|c| c.quarter).max()
}

/// Whether recording an event of `kind` may change how recorded savings are split.
pub fn reapportions(kind: &str) -> bool {
    matches!(
        kind,
        SAVING_RECORDED | COUNCIL_LEFT | SHARE_VARIATION_CONSENTED
    )
}

/// Splits again every recorded saving of a quarter for which a leave or a variation is in force;
/// the others keep the split recorded with them (the business case's, unchanged).
pub fn reapportion(state: &mut ProposalState) {
    super::costs::reapportion(state);
    let quarters: Vec<Quarter> = state
        .savings
        .keys()
        .copied()
        .filter(|q| adjusted(state, *q))
        .collect();
    for q in quarters {
        let amount = state.savings[&q].amount;
        if let Some(parts) = split(state, q, amount) {
            if let Some(saving) = state.savings.get_mut(&q) {
                saving.by_council = parts;
            }
        }
    }
}

/// Whether a leave or a variation of shares is in force for `quarter`.
pub fn adjusted(state: &ProposalState, quarter: Quarter) -> bool {
    state.left.values().any(|l| l.from_quarter <= quarter) || varied_for(state, quarter).is_some()
}

/// The variation in force for `quarter`: of those every council consented to by then, the one
/// whose last consent is latest (ties: the one proposed last).
fn varied_for(state: &ProposalState, quarter: Quarter) -> Option<&ShareVariation> {
    state
        .share_variations
        .iter()
        .filter_map(|v| in_force_from(state, v).map(|from| (from, v)))
        .filter(|(from, _)| *from <= quarter)
        .max_by_key(|(from, v)| (*from, v.seq))
        .map(|(_, v)| v)
}

/// `shares` in the proposal's council order.
fn ordered(state: &ProposalState, shares: &BTreeMap<String, Percent>) -> Vec<(String, Percent)> {
    state
        .councils
        .iter()
        .filter_map(|c| shares.get(c).map(|p| (c.clone(), *p)))
        .collect()
}

/// The lead if it takes part; else the first taking council in the partnership's order (as the
/// latest leave recorded it), else in the proposal's.
pub(crate) fn tie_council(state: &ProposalState, weights: &[(String, u64)]) -> String {
    let takes = |c: &String| weights.iter().any(|(w, _)| w == c);
    if takes(&state.lead) {
        return state.lead.clone();
    }
    let order = state
        .left
        .values()
        .max_by_key(|l| l.on)
        .map(|l| l.remaining.clone())
        .unwrap_or_default();
    order
        .iter()
        .find(|c| takes(c))
        .or_else(|| weights.first().map(|(c, _)| c))
        .cloned()
        .unwrap_or_default()
}
