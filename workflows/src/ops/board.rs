//! `board vote`: the members present at one Shared Services Board meeting, as minuted.

use super::change::{change, Change, Recorded};
use super::input;
use super::session::{parse_date, Session};
use crate::proposal::ProposalCommand;
use engine::Failure;

/// The members present at a meeting, by how they voted.
#[derive(Debug, Clone, Default)]
pub struct VoteArgs {
    pub meeting: String,
    pub support: Vec<String>,
    pub oppose: Vec<String>,
    pub abstain: Vec<String>,
}

/// `board vote ID --meeting DATE --support ... [--oppose ...] [--abstain ...]`; the meeting date is
/// the vote's effective date (`--on`, if given, must be the same day).
pub async fn vote(
    session: &mut Session,
    id: &str,
    args: VoteArgs,
    c: &Change,
) -> Result<Recorded, Failure> {
    let meeting = parse_date(&args.meeting)?;
    if let Some(on) = &c.on {
        if parse_date(on)? != meeting {
            return Err(
                Failure::usage(format!("--on {on} differs from --meeting {meeting}"))
                    .with_detail("a Board vote takes effect on its meeting date: leave out --on"),
            );
        }
    }
    let support = input::distinct("--support", &args.support)?;
    let oppose = input::distinct("--oppose", &args.oppose)?;
    let abstain = input::distinct("--abstain", &args.abstain)?;
    let all: Vec<String> = support
        .iter()
        .chain(&oppose)
        .chain(&abstain)
        .cloned()
        .collect();
    input::distinct("members present (--support, --oppose, --abstain)", &all)?;
    if all.is_empty() {
        return Err(Failure::usage("the vote names no member present")
            .with_detail("list the members present with --support, --oppose and --abstain"));
    }
    let command = ProposalCommand::BoardVote {
        meeting,
        support,
        oppose,
        abstain,
    };
    let c = Change {
        on: Some(meeting.to_string()),
        expect_version: c.expect_version,
    };
    change(session, id, command, &c).await
}
