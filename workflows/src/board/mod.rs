//! The Shared Services Board as the concordat sets it (§4.1–4.2): meetings scheduled on a cycle at
//! alternating venues and chaired by the host council's Leader, agendas (public unless an item is
//! exempt), attendance and apologies, quorum, and minutes approved at a later meeting.
//!
//! A meeting is named by its date (one meeting a day, as `board vote --meeting DATE` names it) and
//! lives in a stream of its own, `board-meeting-<date>`.

pub mod cycle;
pub mod events;
pub mod meeting;
pub mod rules;
pub mod vote;

pub use cycle::{agenda_deadline, AgendaDeadline, BoardCycle};
pub use meeting::{Attendance, Meeting};

use crate::partnership::{Actor, Partnership, Role};
use jiff::civil::Date;

/// The stream prefix of Board meetings.
pub const MEETING_STREAM_PREFIX: &str = "board-meeting-";

/// The stream of the meeting on `date`.
pub fn stream_of(date: Date) -> String {
    format!("{MEETING_STREAM_PREFIX}{date}")
}

/// Whether `actor` is a Board member acting in person: a `board-member` whose id is a member of
/// its council's board (so it may share that id).
pub fn is_member_acting(p: &Partnership, actor: &Actor) -> bool {
    actor.roles.contains(&Role::BoardMember)
        && actor
            .council
            .as_deref()
            .and_then(|c| p.council(c))
            .is_some_and(|c| c.board.contains(&actor.id))
}

/// What the partnership file gets wrong about the Board: leaders, quorum, the cycle, members acting.
pub fn partnership_problems(p: &Partnership, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for council in &p.councils {
        if let Some(leader) = &council.leader {
            if !council.board.contains(leader) {
                problems.push(format!(
                    "council {:?}: leader {leader:?} is not one of its board members: name a member of its board",
                    council.id
                ));
            }
        }
    }
    if p.board_rule.quorum_per_council == Some(0) {
        problems.push(
            "board_rule.quorum_per_council must be at least 1 (leave it out for no quorum rule)"
                .to_string(),
        );
    }
    if let Some(cycle) = &p.board_cycle {
        problems.extend(cycle.problems().into_iter().map(|m| {
            let line = text
                .lines()
                .position(|l| l.contains("[board_cycle]"))
                .map(|n| format!("line {}: ", n + 1))
                .unwrap_or_default();
            format!("{line}board_cycle: {m}")
        }));
    }
    for actor in &p.actors {
        if actor.roles.contains(&Role::BoardMember) && !is_member_acting(p, actor) {
            problems.push(format!(
                "actor {:?} is a board-member but not a member of the board of its council: give it council = \"<council id>\" and the id of one of that council's board members",
                actor.id
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
name = "B&R"
[[council]]
id = "bromsgrove"
name = "B"
board = ["b1", "b2", "b3"]
leader = "b1"
[[council]]
id = "redditch"
name = "R"
board = ["r1", "r2", "r3"]
leader = "r1"
[board_rule]
quorum_per_council = 2
[board_cycle]
every_months = 2
at = "17:30"
agenda_clear_days = 5
[[actor]]
id = "b1"
roles = ["board-member"]
council = "bromsgrove"
"#;

    #[test]
    fn leaders_quorum_the_cycle_and_members_acting_load() {
        let p = Partnership::from_toml(FILE).unwrap();
        assert_eq!(p.board_rule.quorum_per_council, Some(2));
        assert_eq!(p.council("redditch").unwrap().leader.as_deref(), Some("r1"));
        assert!(is_member_acting(&p, p.actor("b1").unwrap()));
    }

    #[test]
    fn each_board_rule_of_the_file_is_checked() {
        let refused = |text: &str| {
            let e = Partnership::from_toml(text).unwrap_err();
            format!("{} {}", e.message, e.details.join(" "))
        };
        assert!(refused(&FILE.replace("leader = \"r1\"", "leader = \"b2\"")).contains("leader"));
        assert!(
            refused(&FILE.replace("quorum_per_council = 2", "quorum_per_council = 0"))
                .contains("quorum_per_council")
        );
        assert!(refused(&FILE.replace("at = \"17:30\"", "at = \"5.30pm\"")).contains("board_cycle"));
        assert!(
            refused(&FILE.replace("council = \"bromsgrove\"", "council = \"redditch\""))
                .contains("board-member")
        );
    }
}
