//! A vote at a scheduled meeting: only members recorded present vote, every one of them is named,
//! the proposal is on the agenda (when the meeting has one) and the meeting is quorate.

use super::meeting::{Attendance, Meeting};
use crate::partnership::Partnership;
use crate::remedy::Remedy;
use engine::Failure;

/// Who the vote names, by how they voted.
#[derive(Debug, Clone, Copy)]
pub struct Named<'a> {
    pub support: &'a [String],
    pub oppose: &'a [String],
    pub abstain: &'a [String],
}

/// Refuses (exit 3) a vote on `proposal` at `m` that breaks a rule of the meeting; `p` is the
/// partnership on the meeting date.
pub fn check(p: &Partnership, m: &Meeting, proposal: &str, named: Named) -> Result<(), Failure> {
    let Some(attendance) = &m.attendance else {
        return Err(Failure::refused(format!(
            "the attendance at the Board meeting of {} is not recorded, so nobody is recorded present to vote",
            m.on
        ))
        .with_remedy(Remedy::RecordAttendance { meeting: m.on }));
    };
    let all: Vec<&String> = named
        .support
        .iter()
        .chain(named.oppose)
        .chain(named.abstain)
        .collect();
    let not_present: Vec<String> = all
        .iter()
        .filter(|n| !attendance.present.contains(n))
        .map(|n| match attendance.apologies.contains(n) {
            true => format!("{n} sent apologies to the meeting of {}", m.on),
            false => format!("{n} is not recorded present at the meeting of {}", m.on),
        })
        .collect();
    if !not_present.is_empty() {
        return Err(Failure::refused("only members recorded present may vote")
            .with_details(not_present)
            .with_detail(
                "name only the members present; if the attendance is wrong, record it again",
            )
            .with_remedy(Remedy::ShowBoardMeeting { meeting: m.on }));
    }
    let unnamed: Vec<&String> = attendance
        .present
        .iter()
        .filter(|n| !all.contains(n))
        .collect();
    if !unnamed.is_empty() {
        let names: Vec<&str> = unnamed.iter().map(|s| s.as_str()).collect();
        return Err(Failure::refused(format!(
            "every member present votes: {} {} present at the meeting of {} but not named",
            names.join(", "),
            if names.len() == 1 { "is" } else { "are" },
            m.on
        ))
        .with_detail("name each member present in support, against or abstaining"));
    }
    if !m.agenda.is_empty() && m.item(proposal).is_none() {
        return Err(Failure::refused(format!(
            "{proposal} is not on the agenda of the Board meeting of {}",
            m.on
        ))
        .with_remedy(Remedy::AddToAgenda {
            meeting: m.on,
            id: proposal.to_string(),
        }));
    }
    let missing = quorum_shortfall(p, attendance);
    if !missing.is_empty() {
        return Err(Failure::refused(format!(
            "the Board meeting of {} was not quorate ({} of each council must be present), so it cannot vote",
            m.on,
            p.board_rule.quorum_per_council.unwrap_or(0)
        ))
        .with_details(missing)
        .with_detail("a quorate meeting may take the item: put it on a later meeting's agenda"));
    }
    Ok(())
}

/// Per council short of `board_rule.quorum_per_council`: how many were present and who was missing.
pub fn quorum_shortfall(p: &Partnership, a: &Attendance) -> Vec<String> {
    let Some(quorum) = p.board_rule.quorum_per_council else {
        return Vec::new();
    };
    let mut short = Vec::new();
    for council in &p.councils {
        let present: Vec<&String> = council
            .board
            .iter()
            .filter(|m| a.present.contains(m))
            .collect();
        if (present.len() as u32) < quorum {
            let missing: Vec<String> = council
                .board
                .iter()
                .filter(|m| !a.present.contains(m))
                .map(|m| match a.apologies.contains(m) {
                    true => format!("{m} (apologies)"),
                    false => format!("{m} (absent)"),
                })
                .collect();
            short.push(format!(
                "{}: {} of {quorum} present; missing {}",
                council.id,
                present.len(),
                missing.join(", ")
            ));
        }
    }
    short
}

#[cfg(test)]
mod tests {
    use super::super::events::ATTENDANCE_RECORDED;
    use super::super::rules::{decide_attendance, decide_schedule, Schedule};
    use super::*;
    use engine::{Event, FailureKind, NewEvent, ZERO_HASH};
    use jiff::civil::date;

    fn partnership(quorum: u32) -> Partnership {
        Partnership::from_toml(&format!(
            r#"
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
quorum_per_council = {quorum}
"#
        ))
        .unwrap()
    }

    fn seal(seq: u64, kind: &str, data: serde_json::Value) -> Event {
        Event::seal(
            NewEvent {
                stream: "board-meeting-2008-09-01".into(),
                kind: kind.into(),
                actor: "jce".into(),
                effective_on: "2008-09-01".into(),
                data,
            },
            seq,
            seq,
            "2008-09-01T18:00:00+01:00".into(),
            ZERO_HASH.into(),
        )
    }

    fn held(p: &Partnership, present: &[&str], apologies: &[&str]) -> Meeting {
        let s = Schedule {
            on: date(2008, 9, 1),
            at: None,
            venue: Some("bromsgrove"),
        };
        let scheduled = decide_schedule(p, None, None, &s).unwrap();
        let e1 = seal(1, scheduled.kind, scheduled.data);
        let m = Meeting::fold(&[&e1]).unwrap().unwrap();
        assert_eq!(
            m.chair.as_deref(),
            Some("b1"),
            "the host council's Leader chairs"
        );
        let v = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let a = decide_attendance(p, &m, &v(present), &v(apologies)).unwrap();
        assert_eq!(a.kind, ATTENDANCE_RECORDED);
        let e2 = seal(2, a.kind, a.data);
        Meeting::fold(&[&e1, &e2]).unwrap().unwrap()
    }

    fn names(l: &[&str]) -> Vec<String> {
        l.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_first_meeting_five_present_one_apology_votes() {
        let p = partnership(2);
        let m = held(&p, &["b1", "b2", "r1", "r2", "r3"], &["b3"]);
        assert!(m.attendance.as_ref().unwrap().quorate);
        let support = names(&["b1", "b2", "r1", "r2", "r3"]);
        let ok = Named {
            support: &support,
            oppose: &[],
            abstain: &[],
        };
        assert!(check(&p, &m, "payroll", ok).is_ok());
    }

    #[test]
    fn a_member_not_present_and_a_member_left_unnamed_are_refused() {
        let p = partnership(2);
        let m = held(&p, &["b1", "b2", "r1", "r2"], &["b3"]);
        let support = names(&["b1", "b2", "r1", "r2", "b3"]);
        let e = check(
            &p,
            &m,
            "x",
            Named {
                support: &support,
                oppose: &[],
                abstain: &[],
            },
        )
        .unwrap_err();
        assert_eq!(e.kind, FailureKind::Refused);
        assert!(e.details[0].contains("b3 sent apologies"), "{e:?}");
        let support = names(&["b1", "b2", "r1"]);
        let e = check(
            &p,
            &m,
            "x",
            Named {
                support: &support,
                oppose: &[],
                abstain: &[],
            },
        )
        .unwrap_err();
        assert!(e.message.contains("r2 is present"), "{}", e.message);
    }

    #[test]
    fn one_member_per_council_is_not_a_quorum_and_says_who_is_missing() {
        let p = partnership(2);
        let m = held(&p, &["b1", "r1"], &["r2"]);
        assert!(!m.attendance.as_ref().unwrap().quorate);
        let support = names(&["b1", "r1"]);
        let e = check(
            &p,
            &m,
            "x",
            Named {
                support: &support,
                oppose: &[],
                abstain: &[],
            },
        )
        .unwrap_err();
        assert_eq!(e.kind, FailureKind::Refused);
        assert_eq!(
            e.details[0],
            "bromsgrove: 1 of 2 present; missing b2 (absent), b3 (absent)"
        );
        assert_eq!(
            e.details[1],
            "redditch: 1 of 2 present; missing r2 (apologies), r3 (absent)"
        );
    }

    #[test]
    fn without_a_quorum_key_one_member_per_council_may_vote_as_the_contract_allows() {
        let p = Partnership::from_toml(
            r#"
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
"#,
        )
        .unwrap();
        assert_eq!(p.board_rule.quorum_per_council, None);
        let m = held(&p, &["b1", "r1"], &[]);
        assert!(m.attendance.as_ref().unwrap().quorate);
        let support = names(&["b1", "r1"]);
        let named = Named {
            support: &support,
            oppose: &[],
            abstain: &[],
        };
        assert!(check(&p, &m, "x", named).is_ok());
    }
}
