//! `council decide`: a council's Cabinet or Full Council decision, recorded by its clerk;
//! `council call-in|call-in-resolved`: scrutiny's call-in of an approval inside its window; and
//! `council in-principle`: an approval in principle at an earlier stage.
//! `council leave|consent`: a council leaving a live service, or consenting to new shares.

use super::change::{change, Change, Recorded};
use super::input::{Line, Name, Text};
use super::session::Session;
use crate::proposal::events::{CallInOutcome, Decision};
use crate::proposal::ProposalCommand;
use engine::Failure;

/// `council decide ID --council COUNCIL --decision approve|reject|defer [--minute REF]`.
pub async fn decide(
    session: &mut Session,
    id: &str,
    council: Name,
    decision: Decision,
    minute: Option<Line>,
    c: &Change,
) -> Result<Recorded, Failure> {
    decide_with_urgency(session, id, council, decision, minute, false, c).await
}

/// `council decide … [--urgent]`: an urgent approval skips the council's call-in window, where its
/// constitution exempts urgent decisions.
pub async fn decide_with_urgency(
    session: &mut Session,
    id: &str,
    council: Name,
    decision: Decision,
    minute: Option<Line>,
    urgent: bool,
    c: &Change,
) -> Result<Recorded, Failure> {
    if urgent && decision != Decision::Approve {
        return Err(Failure::usage(format!(
            "urgency applies to an approval (it skips the call-in window); this decision is {}",
            decision.as_str()
        ))
        .with_detail("record the decision without urgency, or record an approval as urgent"));
    }
    let command = ProposalCommand::CouncilDecide {
        council: council.0,
        decision,
        minute: minute.map(|m| m.0),
        urgent,
    };
    change(session, id, command, c).await
}

/// `council call-in ID --council COUNCIL --reason TEXT`: suspends the council's approval.
pub async fn call_in(
    session: &mut Session,
    id: &str,
    council: Name,
    reason: Text,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::CallIn {
        council: council.0,
        reason: reason.0,
    };
    change(session, id, command, c).await
}

/// `council call-in-resolved ID --council COUNCIL --outcome confirmed|referred-back`.
pub async fn resolve(
    session: &mut Session,
    id: &str,
    council: Name,
    outcome: CallInOutcome,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::ResolveCallIn {
        council: council.0,
        outcome,
    };
    change(session, id, command, c).await
}

/// `council in-principle ID --council COUNCIL --minute REF`: the council's approval in principle,
/// before council approval (never counted as its decision).
pub async fn in_principle(
    session: &mut Session,
    id: &str,
    council: Name,
    minute: Line,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::InPrinciple {
        council: council.0,
        minute: minute.0,
    };
    change(session, id, command, c).await
}

/// `council leave ID --council COUNCIL --minute REF`: the council leaves the live service; from the
/// quarter containing `--on` its share of the savings goes to the councils that remain.
pub async fn leave(
    session: &mut Session,
    id: &str,
    council: Name,
    minute: Line,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::Leave {
        council: council.0,
        minute: minute.0,
    };
    change(session, id, command, c).await
}

/// `council consent ID --council COUNCIL --minute REF`: the council consents to the pending
/// variation of shares.
pub async fn consent(
    session: &mut Session,
    id: &str,
    council: Name,
    minute: Line,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::Consent {
        council: council.0,
        minute: minute.0,
    };
    change(session, id, command, c).await
}
