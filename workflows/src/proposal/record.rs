//! The rules for what is recorded on a proposal without moving it on: the business case, the
//! consultation, Board votes, council decisions, performance indicators, savings and reviews.

use super::board;
use super::call_in;
use super::decide::{ended, on_hold, Ctx, ProposalCommand};
use super::events::*;
use super::state::{ConsultationStatus, ProposalState};
use crate::definition::{MoveKind, Stage, WorkflowDefinition};
use crate::money::{apportion, apportion_equally, Money, Percent, WHOLE};
use engine::Failure;
use std::collections::BTreeMap;

/// The unions recognised when a partnership file names none.
pub const DEFAULT_UNIONS: [&str; 3] = ["unison", "gmb", "ucatt"];

/// The event for a recording command (everything `decide` does not handle itself).
pub fn decide_record(
    state: &ProposalState,
    definition: &WorkflowDefinition,
    command: &ProposalCommand,
    ctx: &Ctx,
) -> Result<Draft, Failure> {
    use ProposalCommand::*;
    let id = &state.id;
    match command {
        BusinessCase {
            one_off_cost,
            annual_saving,
            shares,
            cost_shares,
            risks,
        } => {
            at(
                state,
                &[Stage::QuickWin, Stage::BusinessCase],
                "record a business case",
                Some("business-case"),
            )?;
            let mut unmet = check_shares(state, ctx, "share", shares);
            unmet.extend(check_shares(state, ctx, "cost share", cost_shares));
            if !unmet.is_empty() {
                return Err(Failure::refused(format!("the business case for {id} is not right"))
                    .with_details(unmet)
                    .with_detail(format!(
                        "give one --share COUNCIL=PERCENT for each of {} summing to 100, or none for equal shares",
                        state.councils.join(", ")
                    )));
            }
            let (equal_shares, equal_cost_shares) = (shares.is_empty(), cost_shares.is_empty());
            let shares = resolve(state, shares);
            let cost_shares = resolve(state, cost_shares);
            Ok(Draft::new(
                BUSINESS_CASE_RECORDED,
                &BusinessCaseRecorded {
                    one_off_cost: *one_off_cost,
                    annual_saving: *annual_saving,
                    annual_saving_by_council: split(
                        *annual_saving,
                        &shares,
                        equal_shares,
                        &state.lead,
                    ),
                    one_off_cost_by_council: split(
                        *one_off_cost,
                        &cost_shares,
                        equal_cost_shares,
                        &state.lead,
                    ),
                    shares: shares.into_iter().collect(),
                    cost_shares: cost_shares.into_iter().collect(),
                    risks: risks.clone(),
                    equal_shares,
                    equal_cost_shares,
                },
            ))
        }
        OpenConsultation { parties } => {
            at(state, &[Stage::Consultation], "open a consultation", None)?;
            if state.consultation.status == ConsultationStatus::Open {
                return Err(Failure::refused(format!(
                    "the consultation on {id} is already open (since {})",
                    state
                        .consultation
                        .opened_on
                        .map(|d| d.to_string())
                        .unwrap_or_default()
                ))
                .with_detail(format!(
                    "record responses, then `concordat consultation close {id}`"
                )));
            }
            let recognised: Vec<String> = if ctx.partnership.unions.is_empty() {
                DEFAULT_UNIONS.iter().map(|u| u.to_string()).collect()
            } else {
                ctx.partnership.unions.clone()
            };
            let unions = parties
                .iter()
                .filter(|p| recognised.contains(p))
                .cloned()
                .collect();
            Ok(Draft::new(
                CONSULTATION_OPENED,
                &ConsultationOpened {
                    parties: parties.clone(),
                    unions,
                },
            ))
        }
        RecordResponse { party, summary } => {
            open_consultation(state, "record a response")?;
            if !state.consultation.parties.contains_key(party) {
                let consulted: Vec<&str> = state
                    .consultation
                    .parties
                    .keys()
                    .map(String::as_str)
                    .collect();
                return Err(Failure::refused(format!(
                    "{party} is not a party to the consultation on {id}"
                ))
                .with_detail(format!(
                    "the parties consulted are: {}",
                    consulted.join(", ")
                )));
            }
            Ok(Draft::new(
                CONSULTATION_RESPONSE_RECORDED,
                &ConsultationResponseRecorded {
                    party: party.clone(),
                    summary: summary.clone(),
                },
            ))
        }
        CloseConsultation => {
            open_consultation(state, "close it")?;
            let (responded, pending): (Vec<_>, Vec<_>) = state
                .consultation
                .parties
                .iter()
                .partition(|(_, r)| r.is_some());
            Ok(Draft::new(
                CONSULTATION_CLOSED,
                &ConsultationClosed {
                    responded: responded.into_iter().map(|(p, _)| p.clone()).collect(),
                    no_response: pending.into_iter().map(|(p, _)| p.clone()).collect(),
                },
            ))
        }
        BoardVote {
            meeting,
            support,
            oppose,
            abstain,
        } => {
            at(
                state,
                &[Stage::Consultation, Stage::CouncilApproval],
                "record a Board vote on it",
                None,
            )?;
            let meeting = meeting.to_string();
            let tally = board::count(
                ctx.partnership,
                &state.councils,
                support,
                oppose,
                abstain,
                &meeting,
            )?;
            Ok(Draft::new(
                BOARD_VOTE_RECORDED,
                &BoardVoteRecorded {
                    meeting,
                    support: support.clone(),
                    oppose: oppose.clone(),
                    abstain: abstain.clone(),
                    outcome: tally.outcome,
                    min_support_per_council: ctx.partnership.board_rule.min_support_per_council,
                    by_council: tally.by_council,
                },
            ))
        }
        CouncilDecide {
            council,
            decision,
            minute,
            urgent,
        } => {
            at(
                state,
                &[Stage::CouncilApproval],
                "record a council decision",
                None,
            )?;
            proposal_council(state, ctx, council)?;
            let terms = call_in::terms(ctx, council, *decision, *urgent)?;
            let moves_to = match decision {
                Decision::Reject => definition
                    .find(MoveKind::Reject, &state.stage, None)
                    .and_then(|m| m.to.clone()),
                _ => None,
            };
            Ok(Draft::new(
                COUNCIL_DECISION_RECORDED,
                &CouncilDecisionRecorded {
                    council: council.clone(),
                    decision: *decision,
                    minute: minute.clone(),
                    moves_to,
                    decision_body: terms.decision_body,
                    urgent: terms.urgent,
                    call_in_closes: terms.call_in_closes,
                    call_in_rule: terms.call_in_rule,
                    calendar: terms.calendar,
                },
            ))
        }
        DefineKpi { name, target, unit } => {
            if state.has_ended() {
                return Err(ended(state, "define a performance indicator"));
            }
            if state.stage == Stage::OnHold {
                return Err(on_hold(state, "define a performance indicator"));
            }
            Ok(Draft::new(
                KPI_DEFINED,
                &KpiDefined {
                    name: name.clone(),
                    target: *target,
                    unit: unit.clone(),
                },
            ))
        }
        RecordKpi {
            name,
            quarter,
            value,
        } => {
            live(state, "record a performance indicator")?;
            if !state.kpis.contains_key(name) {
                let known: Vec<&str> = state.kpis.keys().map(String::as_str).collect();
                return Err(Failure::refused(format!("{id} has no performance indicator {name:?}"))
                    .with_detail(if known.is_empty() {
                        format!("define it first with `concordat monitor kpi {id} --name {name:?} --target NUMBER`")
                    } else {
                        format!("its indicators are: {}", known.join(", "))
                    }));
            }
            Ok(Draft::new(
                KPI_VALUE_RECORDED,
                &KpiValueRecorded {
                    name: name.clone(),
                    quarter: *quarter,
                    value: *value,
                },
            ))
        }
        RecordSaving { quarter, amount } => {
            live(state, "record a saving")?;
            let case = state.business_case.as_ref().ok_or_else(|| {
                Failure::refused(format!("{id} has no business case to apportion savings by"))
                    .with_detail(format!(
                        "record one with `concordat proposal business-case {id} ...`"
                    ))
            })?;
            let shares: Vec<(String, Percent)> = ordered(state, &case.shares);
            Ok(Draft::new(
                SAVING_RECORDED,
                &SavingRecorded {
                    quarter: *quarter,
                    amount: *amount,
                    by_council: split(*amount, &shares, case.equal_shares, &state.lead),
                    shares: case.shares.clone(),
                    equal_shares: case.equal_shares,
                },
            ))
        }
        RecordReview {
            kind,
            council,
            outcome,
            summary,
        } => {
            let from_monitoring = state.held_from.as_ref() == Some(&Stage::Monitoring);
            if state.stage != Stage::Monitoring && !from_monitoring {
                return Err(Failure::refused(format!(
                    "reviews are of a service in monitoring; {id} is at {}",
                    state.stage
                ))
                .with_detail("a review is recorded after the service has gone live"));
            }
            proposal_council(state, ctx, council)?;
            Ok(Draft::new(
                REVIEW_RECORDED,
                &ReviewRecorded {
                    kind: *kind,
                    council: council.clone(),
                    outcome: *outcome,
                    summary: summary.clone(),
                },
            ))
        }
        _ => unreachable!("decide handles the lifecycle and milestone commands"),
    }
}

/// Refuses unless the proposal is at one of `stages`.
fn at(
    state: &ProposalState,
    stages: &[Stage],
    what: &str,
    back_to: Option<&str>,
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
    let mut failure = Failure::refused(format!(
        "you can {what} only at {}; {} is at {}",
        names.join(" or "),
        state.id,
        state.stage
    ));
    if let Some(back) = back_to {
        failure = failure.with_detail(format!(
            "move it back first: `concordat proposal advance {} --to {back}`",
            state.id
        ));
    } else {
        failure = failure.with_detail(format!(
            "`concordat proposal show {}` shows where it stands",
            state.id
        ));
    }
    Err(failure)
}

fn open_consultation(state: &ProposalState, what: &str) -> Result<(), Failure> {
    if state.stage == Stage::OnHold {
        return Err(on_hold(state, what));
    }
    if state.consultation.status != ConsultationStatus::Open {
        return Err(Failure::refused(format!(
            "there is no open consultation on {} (it is {}), so you cannot {what}",
            state.id,
            state.consultation.status.as_str()
        ))
        .with_detail(format!(
            "open one with `concordat consultation open {} --with staff,UNION`",
            state.id
        )));
    }
    Ok(())
}

fn live(state: &ProposalState, what: &str) -> Result<(), Failure> {
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
                "{council} (in a --{}) is not a council of the partnership",
                what.replace(' ', "-")
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

fn ordered(state: &ProposalState, shares: &BTreeMap<String, Percent>) -> Vec<(String, Percent)> {
    state
        .councils
        .iter()
        .filter_map(|c| shares.get(c).map(|p| (c.clone(), *p)))
        .collect()
}

/// `total` split by `shares` to the penny (largest remainder, ties to the lead), or exactly equally.
fn split(
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
