//! The Board's rule (concordat §4.3(a)(iii)): a recommendation by consensus of the meeting, else by
//! at least `min_support_per_council` councillors of each council in support, else none.

use super::command::Ctx;
use super::events::{BoardOutcome, BoardVoteRecorded, CouncilTally, Draft};
use super::refusal::at;
use super::state::ProposalState;
use crate::definition::Stage;
use crate::partnership::Partnership;
use crate::proposal::event::ProposalEvent;
use crate::remedy::Remedy;
use engine::Failure;
use jiff::civil::Date;
use std::collections::BTreeMap;

/// The outcome of one meeting's vote and each of the proposal's councils' count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub outcome: BoardOutcome,
    pub by_council: BTreeMap<String, CouncilTally>,
}

/// Who voted which way at a Board meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Votes<'a> {
    pub support: &'a [String],
    pub oppose: &'a [String],
    pub abstain: &'a [String],
}

/// The `board-vote-recorded` event of a meeting on `meeting`, at consultation or council approval.
pub fn decide_vote(
    state: &ProposalState,
    ctx: &Ctx,
    meeting: Date,
    votes: Votes,
) -> Result<Draft, Failure> {
    at(
        state,
        &[Stage::Consultation, Stage::CouncilApproval],
        "record a Board vote on it",
        None,
    )?;
    let meeting = meeting.to_string();
    let tally = count(
        ctx.partnership,
        &state.councils,
        votes.support,
        votes.oppose,
        votes.abstain,
        &meeting,
    )?;
    Ok(Draft::of(ProposalEvent::BoardVoteRecorded(
        BoardVoteRecorded {
            meeting,
            support: votes.support.to_vec(),
            oppose: votes.oppose.to_vec(),
            abstain: votes.abstain.to_vec(),
            outcome: tally.outcome,
            min_support_per_council: ctx.partnership.board_rule.min_support_per_council,
            by_council: tally.by_council,
        },
    )))
}

/// Counts a meeting's vote on a proposal of `councils`, with the Board as `partnership` has it on the
/// meeting date. A name that is not a Board member is refused (no substitutes), each one named.
pub fn count(
    partnership: &Partnership,
    councils: &[String],
    support: &[String],
    oppose: &[String],
    abstain: &[String],
    meeting: &str,
) -> Result<Tally, Failure> {
    let present: Vec<&String> = support.iter().chain(oppose).chain(abstain).collect();
    let strangers: Vec<String> = present
        .iter()
        .filter(|m| partnership.council_of_member(m).is_none())
        .map(|m| {
            format!("{m} is not a member of the Shared Services Board on {meeting} (substitutes may not sit on the Board)")
        })
        .collect();
    if !strangers.is_empty() {
        return Err(Failure::refused(format!(
            "the vote names {} who {} not on the Board",
            strangers.len(),
            if strangers.len() == 1 { "is" } else { "are" }
        ))
        .with_details(strangers)
        .with_detail("record only the members present")
        .with_remedy(Remedy::ShowPartnership));
    }
    let mut by_council: BTreeMap<String, CouncilTally> = councils
        .iter()
        .map(|c| {
            (
                c.clone(),
                CouncilTally {
                    present: 0,
                    support: 0,
                },
            )
        })
        .collect();
    for member in &present {
        let council = &partnership.council_of_member(member).expect("checked").id;
        if let Some(t) = by_council.get_mut(council) {
            t.present += 1;
            if support.contains(member) {
                t.support += 1;
            }
        }
    }
    let min = partnership.board_rule.min_support_per_council;
    let outcome =
        if oppose.is_empty() && abstain.is_empty() && by_council.values().all(|t| t.present > 0) {
            BoardOutcome::Consensus
        } else if by_council.values().all(|t| t.support >= min) {
            BoardOutcome::QualifiedMajority
        } else {
            BoardOutcome::NotRecommended
        };
    Ok(Tally {
        outcome,
        by_council,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partnership() -> Partnership {
        Partnership::from_toml(
            r#"
name = "B&R"
[[council]]
id = "bromsgrove"
name = "B"
board = ["b1", "b2", "b3"]
[[council]]
id = "redditch"
name = "R"
board = ["r1", "r2", "r3"]
[[council]]
id = "wyre"
name = "W"
board = ["w1"]
"#,
        )
        .unwrap()
    }

    fn v(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn outcome(support: &[&str], oppose: &[&str], abstain: &[&str]) -> BoardOutcome {
        let councils = v(&["bromsgrove", "redditch"]);
        count(
            &partnership(),
            &councils,
            &v(support),
            &v(oppose),
            &v(abstain),
            "2008-09-01",
        )
        .unwrap()
        .outcome
    }

    #[test]
    fn the_first_meeting_five_present_all_in_favour_is_consensus() {
        assert_eq!(
            outcome(&["b1", "b2", "r1", "r2", "r3"], &[], &[]),
            BoardOutcome::Consensus
        );
    }

    #[test]
    fn without_consensus_two_from_each_council_suffice() {
        assert_eq!(
            outcome(&["b1", "b2", "r1", "r2"], &["r3"], &[]),
            BoardOutcome::QualifiedMajority
        );
        assert_eq!(
            outcome(&["b1", "r1", "r2"], &[], &["b2"]),
            BoardOutcome::NotRecommended
        );
    }

    #[test]
    fn consensus_needs_each_council_present_and_outsiders_can_break_it() {
        assert_eq!(
            outcome(&["b1", "b2", "b3"], &[], &[]),
            BoardOutcome::NotRecommended
        );
        assert_eq!(
            outcome(&["b1", "b2", "r1", "r2"], &["w1"], &[]),
            BoardOutcome::QualifiedMajority
        );
    }

    #[test]
    fn substitutes_are_refused_each_by_name() {
        let e = count(
            &partnership(),
            &v(&["bromsgrove", "redditch"]),
            &v(&["b1", "sub-1", "sub-2"]),
            &[],
            &[],
            "2008-09-01",
        )
        .unwrap_err();
        assert_eq!(e.kind, engine::FailureKind::Refused);
        assert!(e.details[0].contains("sub-1") && e.details[1].contains("sub-2"));
    }
}
