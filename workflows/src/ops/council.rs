//! `council decide`: a council's Full Council (or Cabinet) decision, recorded by its clerk.

use super::change::{change, Change, Recorded};
use super::input;
use super::session::Session;
use crate::proposal::events::Decision;
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
    let command = ProposalCommand::CouncilDecide {
        council: input::text("--council", council)?,
        decision,
        minute: minute.map(|m| input::text("--minute", m)).transpose()?,
    };
    change(session, id, command, c).await
}
