//! `board vote`: the members present at one Shared Services Board meeting, as minuted.

use super::change::{change_expecting, Change, Recorded};
use super::input::{self, Name};
use super::session::Session;
use crate::board::vote::Named;
use crate::proposal::ProposalCommand;
use engine::Failure;
use jiff::civil::Date;

/// The members present at a meeting, by how they voted.
#[derive(Debug, Clone)]
pub struct VoteArgs {
    pub meeting: Date,
    pub support: Vec<Name>,
    pub oppose: Vec<Name>,
    pub abstain: Vec<Name>,
}

/// `board vote ID --meeting DATE --support ... [--oppose ...] [--abstain ...]`; the meeting date is
/// the vote's effective date (`--on`, if given, must be the same day).
pub async fn vote(
    session: &mut Session,
    id: &str,
    args: VoteArgs,
    c: &Change,
) -> Result<Recorded, Failure> {
    let meeting = args.meeting;
    if let Some(on) = c.on {
        if on != meeting {
            return Err(Failure::usage(format!(
                "the vote is dated {on}, not its meeting date {meeting}"
            ))
            .with_detail("a Board vote takes effect on its meeting date"));
        }
    }
    let support = input::distinct(args.support)?;
    let oppose = input::distinct(args.oppose)?;
    let abstain = input::distinct(args.abstain)?;
    let all: Vec<String> = support
        .iter()
        .chain(&oppose)
        .chain(&abstain)
        .cloned()
        .collect();
    if let Some(twice) = input::repeated(&all) {
        return Err(
            Failure::usage(format!("{twice} is named twice among the members present"))
                .with_detail("each member present votes once: in support, against or abstaining"),
        );
    }
    if all.is_empty() {
        return Err(Failure::usage("the vote names no member present")
            .with_detail("list the members present, by how they voted"));
    }
    // A meeting scheduled that day brings its rules: attendance, the agenda, the quorum.
    let named = Named {
        support: &support,
        oppose: &oppose,
        abstain: &abstain,
    };
    let also =
        super::board_meeting::check_vote(session, meeting, id, named, c.expect_version).await?;
    let command = ProposalCommand::BoardVote {
        meeting,
        support,
        oppose,
        abstain,
    };
    let c = Change {
        on: Some(meeting),
        expect_version: c.expect_version,
    };
    change_expecting(session, id, command, &c, also).await
}
