//! The guards of the workflow's moves, as functions of the proposal's state (as recorded so far, in
//! seq order). Each returns every unmet condition, in plain words with what would satisfy it.

use super::call_in::{self, Clock};
use super::events::Decision;
use super::state::{ConsultationStatus, ProposalState};
use crate::definition::Guard;
use crate::remedy::{Remedy, Unmet};

/// The unmet conditions of `guard` (empty: it holds). The one guard that reads the clock
/// (`call-in-windows-closed`) holds vacuously without one.
pub fn unmet(guard: Guard, state: &ProposalState, clock: Option<&Clock>) -> Vec<Unmet> {
    match guard {
        Guard::BusinessCaseRecorded => business_case_recorded(state),
        Guard::ConsultationComplete => consultation_complete(state),
        Guard::BoardRecommends => board_recommends(state),
        Guard::AllCouncilsApprove => all_councils_approve(state),
        Guard::CallInWindowsClosed => clock
            .map(|c| call_in::windows_unmet(state, c))
            .unwrap_or_default(),
    }
}

/// The unmet conditions of every guard in `guards`, in order, leaving out the call-in windows
/// (they need a clock: see [`unmet_all_at`]).
pub fn unmet_all(guards: &[Guard], state: &ProposalState) -> Vec<Unmet> {
    guards.iter().flat_map(|g| unmet(*g, state, None)).collect()
}

/// The unmet conditions of every guard in `guards`, in order, for a move happening at `clock`.
pub fn unmet_all_at(guards: &[Guard], state: &ProposalState, clock: &Clock) -> Vec<Unmet> {
    guards
        .iter()
        .flat_map(|g| unmet(*g, state, Some(clock)))
        .collect()
}

fn business_case_recorded(state: &ProposalState) -> Vec<Unmet> {
    match state.business_case {
        Some(_) => vec![],
        None => vec![Unmet::met_by(
            "no business case is recorded",
            Remedy::RecordBusinessCase {
                id: state.id.clone(),
            },
        )],
    }
}

fn consultation_complete(state: &ProposalState) -> Vec<Unmet> {
    let c = &state.consultation;
    let id = &state.id;
    if c.status == ConsultationStatus::NotStarted {
        return vec![Unmet::met_by(
            format!(
                "no consultation has been opened{}",
                if state.round > 1 {
                    " in this round"
                } else {
                    ""
                }
            ),
            Remedy::OpenConsultation { id: id.clone() },
        )];
    }
    let mut unmet = Vec::new();
    if !c.parties.contains_key("staff") {
        unmet.push(Unmet::met_by(
            "affected staff were not consulted",
            Remedy::ConsultStaff,
        ));
    }
    if c.unions.is_empty() {
        unmet.push(Unmet::plain(
            "no recognised trade union was consulted: open a consultation that includes at least one union of the partnership file",
        ));
    }
    if c.status == ConsultationStatus::Open {
        unmet.push(Unmet::met_by(
            "the consultation is still open",
            Remedy::CloseConsultation { id: id.clone() },
        ));
    }
    unmet
}

fn board_recommends(state: &ProposalState) -> Vec<Unmet> {
    match state.board.standing() {
        None => vec![Unmet::met_by(
            format!(
                "the Shared Services Board has not voted on it{}",
                if state.round > 1 { " in this round" } else { "" }
            ),
            Remedy::RecordBoardVote {
                id: state.id.clone(),
            },
        )],
        Some(v) if v.outcome.recommends() => vec![],
        Some(v) => vec![Unmet::plain(format!(
            "the Board did not recommend it at its latest meeting, {} (neither consensus nor enough support from each council): it needs a recommending vote at a later meeting",
            v.meeting
        ))],
    }
}

fn all_councils_approve(state: &ProposalState) -> Vec<Unmet> {
    state
        .approvals()
        .into_iter()
        .filter(|(_, d)| *d != Some(Decision::Approve))
        .map(|(council, d)| match d {
            None if state.decisions.contains_key(&council) => {
                let r = state.decisions[&council]
                    .call_in
                    .as_ref()
                    .and_then(|c| c.resolved.as_ref());
                Unmet::met_by(
                    format!(
                        "{council}'s approval was referred back after a call-in{}: {council} must decide again",
                        r.map(|r| format!(" on {}", r.on)).unwrap_or_default(),
                    ),
                    Remedy::CouncilApproves {
                        id: state.id.clone(),
                        council: council.clone(),
                    },
                )
            }
            None => Unmet::met_by(
                format!("{council} has not decided yet"),
                Remedy::CouncilApproves {
                    id: state.id.clone(),
                    council: council.clone(),
                },
            ),
            Some(d) => Unmet::plain(format!(
                "{council} decided {}: it counts as not yet approved until {council} approves",
                d.as_str()
            )),
        })
        .collect()
}
