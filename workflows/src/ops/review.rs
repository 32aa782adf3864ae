//! `review record`: a council's six-month, twelve-month or annual review, for the Board.

use super::change::{change, Change, Recorded};
use super::input::{Name, Text};
use super::session::Session;
use crate::proposal::events::{ReviewKind, ReviewOutcome};
use crate::proposal::ProposalCommand;
use engine::Failure;

/// `review record ID --kind K --council C --outcome O [--summary TEXT]`.
pub async fn record(
    session: &mut Session,
    id: &str,
    kind: ReviewKind,
    council: Name,
    outcome: ReviewOutcome,
    summary: Option<Text>,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::RecordReview {
        kind,
        council: council.0,
        outcome,
        summary: summary.map(|s| s.0),
    };
    change(session, id, command, c).await
}
