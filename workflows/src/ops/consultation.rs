//! `consultation open|respond|close`: consulting affected staff and the recognised unions.

use super::change::{change, Change, Recorded};
use super::input::{self, Name, Text};
use super::session::Session;
use crate::proposal::ProposalCommand;
use engine::Failure;

/// `consultation open ID --with staff,unison,...`.
pub async fn open(
    session: &mut Session,
    id: &str,
    with: Vec<Name>,
    c: &Change,
) -> Result<Recorded, Failure> {
    let lower = with.into_iter().map(|p| Name(p.0.to_lowercase())).collect();
    let parties = input::distinct(lower)?;
    if parties.is_empty() {
        return Err(Failure::usage("the consultation names no one to consult")
            .with_detail("consult affected staff and at least one union"));
    }
    change(
        session,
        id,
        ProposalCommand::OpenConsultation { parties },
        c,
    )
    .await
}

/// `consultation respond ID --party PARTY --summary TEXT`.
pub async fn respond(
    session: &mut Session,
    id: &str,
    party: Name,
    summary: Text,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::RecordResponse {
        party: party.0.to_lowercase(),
        summary: summary.0,
    };
    change(session, id, command, c).await
}

/// `consultation close ID`.
pub async fn close(session: &mut Session, id: &str, c: &Change) -> Result<Recorded, Failure> {
    change(session, id, ProposalCommand::CloseConsultation, c).await
}
