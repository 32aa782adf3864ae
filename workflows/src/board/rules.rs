//! The rules for a meeting's events: scheduling, the agenda, attendance and the minutes. Each
//! `decide_*` returns the event to record or a refusal (exit 3) saying what would put it right.

use super::cycle::{self, chair_at, next_venue};
use super::events::*;
use super::meeting::Meeting;
use crate::partnership::Partnership;
use crate::remedy::Remedy;
use engine::Failure;
use jiff::civil::{Date, Time};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// An event for a meeting's stream: its type and data.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingDraft {
    pub kind: &'static str,
    pub data: serde_json::Value,
}

impl MeetingDraft {
    fn of(kind: &'static str, data: impl Serialize) -> MeetingDraft {
        MeetingDraft {
            kind,
            data: serde_json::to_value(data).expect("event data serialises"),
        }
    }
}

/// What a new meeting needs: its date, and a time and venue when not the cycle's.
#[derive(Debug, Clone)]
pub struct Schedule<'a> {
    pub on: Date,
    pub at: Option<Time>,
    pub venue: Option<&'a str>,
}

/// `board-meeting-scheduled`: at the cycle's usual time unless given, at the council after the
/// last meeting's venue unless given, chaired by the host council's Leader.
pub fn decide_schedule(
    p: &Partnership,
    existing: Option<&Meeting>,
    last_before: Option<&Meeting>,
    s: &Schedule,
) -> Result<MeetingDraft, Failure> {
    if let Some(m) = existing {
        return Err(Failure::refused(format!(
            "a Board meeting is already scheduled on {} (at {} at {})",
            m.on,
            m.at.strftime("%H:%M"),
            m.venue
        ))
        .with_detail("a meeting is named by its date: one meeting a day")
        .with_remedy(Remedy::ListBoardMeetings));
    }
    let venue = match s.venue {
        Some(v) if p.council(v).is_none() => {
            return Err(Failure::refused(format!(
                "{v:?} is not a council of the partnership, so it cannot host the Board"
            ))
            .with_detail(format!("name one of: {}", p.council_ids().join(", ")))
            .with_remedy(Remedy::ShowPartnership))
        }
        Some(v) => v.to_string(),
        None => match last_before {
            Some(last) => next_venue(p, &last.venue),
            None => p.council_ids()[0].clone(),
        },
    };
    let cycle = cycle::of(p);
    Ok(MeetingDraft::of(
        MEETING_SCHEDULED,
        MeetingScheduled {
            meeting: s.on.to_string(),
            at: s.at.unwrap_or(cycle.time()).strftime("%H:%M").to_string(),
            chair: chair_at(p, &venue),
            venue,
            agenda_clear_days: cycle.agenda_clear_days,
        },
    ))
}

/// `board-agenda-item-added`: once per proposal, before the meeting's attendance is recorded.
pub fn decide_agenda(
    m: &Meeting,
    proposal: &str,
    exempt: Option<String>,
) -> Result<MeetingDraft, Failure> {
    if m.item(proposal).is_some() {
        return Err(Failure::refused(format!(
            "{proposal} is already on the agenda of the meeting of {}",
            m.on
        ))
        .with_detail("an item is listed once")
        .with_remedy(Remedy::ShowBoardMeeting { meeting: m.on }));
    }
    if m.attendance.is_some() {
        return Err(Failure::refused(format!(
            "the meeting of {} has been held (its attendance is recorded): its agenda is closed",
            m.on
        ))
        .with_detail("put the item on the agenda of a later meeting")
        .with_remedy(Remedy::ListBoardMeetings));
    }
    Ok(MeetingDraft::of(
        AGENDA_ITEM_ADDED,
        AgendaItemAdded {
            meeting: m.on.to_string(),
            proposal: proposal.to_string(),
            exempt,
        },
    ))
}

/// `board-attendance-recorded`: every name a member of the Board on the meeting date (no
/// substitutes), each named once; the members not named are absent.
pub fn decide_attendance(
    p: &Partnership,
    m: &Meeting,
    present: &[String],
    apologies: &[String],
) -> Result<MeetingDraft, Failure> {
    let strangers: Vec<String> = present
        .iter()
        .chain(apologies)
        .filter(|n| p.council_of_member(n).is_none())
        .map(|n| format!("{n} is not a member of the Shared Services Board on {} (substitutes may not sit on the Board)", m.on))
        .collect();
    if !strangers.is_empty() {
        return Err(
            Failure::refused("the attendance names someone who is not on the Board")
                .with_details(strangers)
                .with_detail("record only the Board's members")
                .with_remedy(Remedy::ShowPartnership),
        );
    }
    if let Some(both) = present.iter().find(|n| apologies.contains(n)) {
        return Err(Failure::usage(format!(
            "{both} is named both present and sending apologies"
        ))
        .with_detail("name each member once: present, or sending apologies"));
    }
    let mut by_council = BTreeMap::new();
    let mut absent = Vec::new();
    for council in &p.councils {
        let mut a = CouncilAttendance {
            members: council.board.len() as u32,
            present: 0,
            apologies: 0,
        };
        for member in &council.board {
            if present.contains(member) {
                a.present += 1;
            } else if apologies.contains(member) {
                a.apologies += 1;
            } else {
                absent.push(member.clone());
            }
        }
        by_council.insert(council.id.clone(), a);
    }
    let quorum = p.board_rule.quorum_per_council;
    let quorate = quorum.is_none_or(|q| by_council.values().all(|a| a.present >= q));
    Ok(MeetingDraft::of(
        ATTENDANCE_RECORDED,
        AttendanceRecorded {
            meeting: m.on.to_string(),
            present: present.to_vec(),
            apologies: apologies.to_vec(),
            absent,
            by_council,
            quorum_per_council: quorum,
            quorate,
        },
    ))
}

/// `board-minutes-drafted`: dated on or after the meeting; refused once approved.
pub fn decide_draft(m: &Meeting, text: &str, on: Date) -> Result<MeetingDraft, Failure> {
    if on < m.on {
        return Err(Failure::refused(format!(
            "the minutes of the meeting of {} are dated {on}, before the meeting",
            m.on
        ))
        .with_remedy(Remedy::DateFrom { date: m.on }));
    }
    if let Some(at) = m.minutes.as_ref().and_then(|x| x.approved_at) {
        return Err(Failure::refused(format!(
            "the minutes of the meeting of {} were approved at the meeting of {at}: approved minutes are not redrafted",
            m.on
        ))
        .with_detail("record a correction in the minutes of a later meeting"));
    }
    Ok(MeetingDraft::of(
        MINUTES_DRAFTED,
        MinutesDrafted {
            meeting: m.on.to_string(),
            text: text.to_string(),
            sha256: hex::encode(Sha256::digest(text.as_bytes())),
        },
    ))
}

/// `board-minutes-approved`: at a later meeting (scheduled), once, of a draft.
pub fn decide_approve(m: &Meeting, later: &Meeting) -> Result<MeetingDraft, Failure> {
    if later.on <= m.on {
        return Err(Failure::refused(format!(
            "the minutes of the meeting of {} cannot be approved at the meeting of {}: minutes are approved at a later meeting",
            m.on, later.on
        ))
        .with_detail("name a meeting after the one minuted")
        .with_remedy(Remedy::ListBoardMeetings));
    }
    let Some(minutes) = &m.minutes else {
        return Err(Failure::refused(format!(
            "the meeting of {} has no draft minutes to approve",
            m.on
        ))
        .with_remedy(Remedy::DraftMinutes { meeting: m.on }));
    };
    if let Some(at) = minutes.approved_at {
        return Err(Failure::refused(format!(
            "the minutes of the meeting of {} were already approved at the meeting of {at}",
            m.on
        ))
        .with_detail("nothing to do"));
    }
    Ok(MeetingDraft::of(
        MINUTES_APPROVED,
        MinutesApproved {
            meeting: m.on.to_string(),
            at: later.on.to_string(),
            sha256: minutes.sha256.clone(),
        },
    ))
}

/// The refusal for a date with no meeting scheduled.
pub fn unknown_meeting(on: Date) -> Failure {
    Failure::refused(format!("no Board meeting is scheduled on {on}"))
        .with_detail("a meeting is named by its date (YYYY-MM-DD)")
        .with_remedy(Remedy::ScheduleBoardMeeting { on })
        .with_remedy(Remedy::ListBoardMeetings)
}
