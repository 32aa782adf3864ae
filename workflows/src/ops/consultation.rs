//! `consultation open|respond|close`: consulting affected staff and the recognised unions.

use super::change::{change, Change, Recorded};
use super::input;
use super::session::Session;
use crate::proposal::ProposalCommand;
use engine::Failure;

/// `consultation open ID --with staff,unison,...`.
pub async fn open(
    session: &mut Session,
    id: &str,
    with: &[String],
    c: &Change,
) -> Result<Recorded, Failure> {
    let parties: Vec<String> = input::distinct("--with", with)?
        .into_iter()
        .map(|p| p.to_lowercase())
        .collect();
    if parties.is_empty() {
        return Err(
            Failure::usage("--with names no one to consult").with_detail(
                "consult affected staff and at least one union, e.g. --with staff,unison",
            ),
        );
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
    party: &str,
    summary: &str,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::RecordResponse {
        party: input::text("--party", party)?.to_lowercase(),
        summary: input::text("--summary", summary)?,
    };
    change(session, id, command, c).await
}

/// `consultation close ID`.
pub async fn close(session: &mut Session, id: &str, c: &Change) -> Result<Recorded, Failure> {
    change(session, id, ProposalCommand::CloseConsultation, c).await
}
