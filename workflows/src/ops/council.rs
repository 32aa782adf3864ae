//! `council decide`: a council's Cabinet or Full Council decision, recorded by its clerk; and
//! `council call-in|call-in-resolved`: scrutiny's call-in of an approval inside its window.

use super::change::{change, Change, Recorded};
use super::input;
use super::session::Session;
use crate::proposal::events::{CallInOutcome, Decision};
use crate::proposal::ProposalCommand;
use engine::Failure;

/// `council decide ID --council COUNCIL --decision approve|reject|defer [--minute REF]`.
pub async fn decide(
    session: &mut Session,
    id: &str,
    council: &str,
    decision: Decision,
    minute: Option<&str>,
    c: &Change,
) -> Result<Recorded, Failure> {
    decide_with_urgency(session, id, council, decision, minute, false, c).await
}

/// `council decide … [--urgent]`: an urgent approval skips the council's call-in window, where its
/// constitution exempts urgent decisions.
pub async fn decide_with_urgency(
    session: &mut Session,
    id: &str,
    council: &str,
    decision: Decision,
    minute: Option<&str>,
    urgent: bool,
    c: &Change,
) -> Result<Recorded, Failure> {
    if urgent && decision != Decision::Approve {
        return Err(Failure::usage(format!(
            "--urgent applies to an approval (it skips the call-in window); this decision is {}",
            decision.as_str()
        ))
        .with_detail("leave out --urgent, or record --decision approve --urgent"));
    }
    let command = ProposalCommand::CouncilDecide {
        council: input::text("--council", council)?,
        decision,
        minute: minute.map(|m| input::text("--minute", m)).transpose()?,
        urgent,
    };
    change(session, id, command, c).await
}

/// `council call-in ID --council COUNCIL --reason TEXT`: suspends the council's approval.
pub async fn call_in(
    session: &mut Session,
    id: &str,
    council: &str,
    reason: &str,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::CallIn {
        council: input::text("--council", council)?,
        reason: input::text("--reason", reason)?,
    };
    change(session, id, command, c).await
}

/// `council call-in-resolved ID --council COUNCIL --outcome confirmed|referred-back`.
pub async fn resolve(
    session: &mut Session,
    id: &str,
    council: &str,
    outcome: CallInOutcome,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::ResolveCallIn {
        council: input::text("--council", council)?,
        outcome,
    };
    change(session, id, command, c).await
}
