//! `review record`: a council's six-month, twelve-month or annual review, for the Board.

use super::change::{change, Change, Recorded};
use super::input;
use super::session::Session;
use crate::proposal::events::{ReviewKind, ReviewOutcome};
use crate::proposal::ProposalCommand;
use engine::Failure;

/// `review record ID --kind K --council C --outcome O [--summary TEXT]`.
pub async fn record(
    session: &mut Session,
    id: &str,
    kind: ReviewKind,
    council: &str,
    outcome: ReviewOutcome,
    summary: Option<&str>,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::RecordReview {
        kind,
        council: input::text("--council", council)?,
        outcome,
        summary: summary.map(|s| input::text("--summary", s)).transpose()?,
    };
    change(session, id, command, c).await
}
