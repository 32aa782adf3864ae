//! One Board meeting as its stream's events describe it (a pure fold: no rule is enforced here).

use super::cycle::parse_time;
use super::events::*;
use engine::time::parse_date;
use engine::{Event, Failure};
use jiff::civil::{Date, Time};
use serde::Serialize;
use std::collections::BTreeMap;

/// One item of the agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgendaItem {
    pub proposal: String,
    /// Why the public is excluded, for an exempt item.
    pub exempt: Option<String>,
}

/// Who attended, as last recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attendance {
    pub present: Vec<String>,
    pub apologies: Vec<String>,
    pub absent: Vec<String>,
    pub by_council: BTreeMap<String, CouncilAttendance>,
    pub quorum_per_council: Option<u32>,
    pub quorate: bool,
}

/// The minutes: drafted, perhaps approved at a later meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Minutes {
    pub text: String,
    pub sha256: String,
    pub drafted_on: Date,
    pub approved_at: Option<Date>,
}

/// A meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub on: Date,
    pub at: Time,
    pub venue: String,
    pub chair: Option<String>,
    pub agenda_clear_days: u32,
    pub scheduled_on: Date,
    pub agenda: Vec<AgendaItem>,
    pub attendance: Option<Attendance>,
    pub minutes: Option<Minutes>,
    /// Events in its stream.
    pub version: u64,
}

impl Meeting {
    /// The meeting its stream's events describe (None before it was scheduled).
    pub fn fold(events: &[&Event]) -> Result<Option<Meeting>, Failure> {
        let mut meeting: Option<Meeting> = None;
        for event in events {
            match (&mut meeting, event.kind.as_str()) {
                (None, MEETING_SCHEDULED) => meeting = Some(Meeting::scheduled(event)?),
                (Some(m), _) => m.apply(event)?,
                (None, _) => {}
            }
        }
        Ok(meeting)
    }

    fn scheduled(event: &Event) -> Result<Meeting, Failure> {
        let data: MeetingScheduled = read(event)?;
        Ok(Meeting {
            on: date(event, &data.meeting)?,
            at: parse_time(&data.at).map_err(|m| bad(event, &m))?,
            venue: data.venue,
            chair: data.chair,
            agenda_clear_days: data.agenda_clear_days,
            scheduled_on: date(event, &event.effective_on)?,
            agenda: Vec::new(),
            attendance: None,
            minutes: None,
            version: 1,
        })
    }

    fn apply(&mut self, event: &Event) -> Result<(), Failure> {
        self.version += 1;
        match event.kind.as_str() {
            AGENDA_ITEM_ADDED => {
                let data: AgendaItemAdded = read(event)?;
                self.agenda.push(AgendaItem {
                    proposal: data.proposal,
                    exempt: data.exempt,
                });
            }
            ATTENDANCE_RECORDED => {
                let d: AttendanceRecorded = read(event)?;
                self.attendance = Some(Attendance {
                    present: d.present,
                    apologies: d.apologies,
                    absent: d.absent,
                    by_council: d.by_council,
                    quorum_per_council: d.quorum_per_council,
                    quorate: d.quorate,
                });
            }
            MINUTES_DRAFTED => {
                let d: MinutesDrafted = read(event)?;
                self.minutes = Some(Minutes {
                    text: d.text,
                    sha256: d.sha256,
                    drafted_on: date(event, &event.effective_on)?,
                    approved_at: None,
                });
            }
            MINUTES_APPROVED => {
                let d: MinutesApproved = read(event)?;
                let at = date(event, &d.at)?;
                if let Some(m) = &mut self.minutes {
                    m.approved_at = Some(at);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Whether the minutes have been approved.
    pub fn minutes_approved(&self) -> bool {
        self.minutes
            .as_ref()
            .is_some_and(|m| m.approved_at.is_some())
    }

    /// The agenda item for `proposal`, if it is on the agenda.
    pub fn item(&self, proposal: &str) -> Option<&AgendaItem> {
        self.agenda.iter().find(|i| i.proposal == proposal)
    }
}

fn read<T: serde::de::DeserializeOwned>(event: &Event) -> Result<T, Failure> {
    serde_json::from_value(event.data.clone()).map_err(|e| bad(event, &e.to_string()))
}

fn date(event: &Event, text: &str) -> Result<Date, Failure> {
    parse_date(text).map_err(|e| bad(event, &e.message))
}

fn bad(event: &Event, why: &str) -> Failure {
    Failure::integrity(format!(
        "event {} ({}) does not read as a Board meeting's: {why}",
        event.seq, event.kind
    ))
}
