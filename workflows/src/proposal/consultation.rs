//! The consultation with staff and the unions: opened with the parties at the consultation stage,
//! their responses, and its close (who responded and who did not).

use super::command::Ctx;
use super::events::*;
use super::refusal::{at, on_hold};
use super::state::{ConsultationStatus, ProposalState};
use crate::definition::Stage;
use crate::proposal::event::ProposalEvent;
use crate::remedy::Remedy;
use engine::Failure;

/// The unions recognised when a partnership file names none.
pub const DEFAULT_UNIONS: [&str; 3] = ["unison", "gmb", "ucatt"];

/// The `consultation-opened` event, naming which parties are recognised unions.
pub fn decide_open(state: &ProposalState, ctx: &Ctx, parties: &[String]) -> Result<Draft, Failure> {
    let id = &state.id;
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
        .with_remedy(Remedy::CloseConsultation { id: id.clone() }));
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
    Ok(Draft::of(ProposalEvent::ConsultationOpened(
        ConsultationOpened {
            parties: parties.to_vec(),
            unions,
        },
    )))
}

/// The `consultation-response-recorded` event of a party consulted.
pub fn decide_response(
    state: &ProposalState,
    party: &str,
    summary: &str,
) -> Result<Draft, Failure> {
    open_consultation(state, "record a response")?;
    if !state.consultation.parties.contains_key(party) {
        let consulted: Vec<&str> = state
            .consultation
            .parties
            .keys()
            .map(String::as_str)
            .collect();
        return Err(Failure::refused(format!(
            "{party} is not a party to the consultation on {}",
            state.id
        ))
        .with_detail(format!(
            "the parties consulted are: {}",
            consulted.join(", ")
        )));
    }
    Ok(Draft::of(ProposalEvent::ConsultationResponseRecorded(
        ConsultationResponseRecorded {
            party: party.to_string(),
            summary: summary.to_string(),
        },
    )))
}

/// The `consultation-closed` event: who responded and who did not.
pub fn decide_close(state: &ProposalState) -> Result<Draft, Failure> {
    open_consultation(state, "close it")?;
    let (responded, pending): (Vec<_>, Vec<_>) = state
        .consultation
        .parties
        .iter()
        .partition(|(_, r)| r.is_some());
    Ok(Draft::of(ProposalEvent::ConsultationClosed(
        ConsultationClosed {
            responded: responded.into_iter().map(|(p, _)| p.clone()).collect(),
            no_response: pending.into_iter().map(|(p, _)| p.clone()).collect(),
        },
    )))
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
        .with_remedy(Remedy::OpenConsultation {
            id: state.id.clone(),
        }));
    }
    Ok(())
}
