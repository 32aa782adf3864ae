//! The Board's reminders: the agenda's deadline (09:00 local, N clear working days before the
//! meeting, [`crate::board::agenda_deadline`]), the meeting itself at its time, and minutes still
//! unapproved at 09:00 the day after the next meeting. Each through the engine's one
//! daylight-saving policy; no reminder carries an exempt item's reason.

use super::rules::{Facts, REMINDER_HOUR};
use super::{Kind, Reminder};
use crate::board::{agenda_deadline, Meeting};
use crate::calendar::england_and_wales;
use engine::schedule::{local_at, resolve_local};
use engine::time::format_date;
use jiff::civil::{Date, Time};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// What the rules need of one scheduled meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingFacts {
    pub on: Date,
    pub at: Time,
    pub venue: String,
    pub chair: Option<String>,
    pub agenda_clear_days: u32,
    /// Items on its agenda, and how many of them are exempt.
    pub items: usize,
    pub exempt_items: usize,
    pub minutes_approved: bool,
}

impl MeetingFacts {
    /// The facts of a folded meeting.
    pub fn of(m: &Meeting) -> MeetingFacts {
        MeetingFacts {
            on: m.on,
            at: m.at,
            venue: m.venue.clone(),
            chair: m.chair.clone(),
            agenda_clear_days: m.agenda_clear_days,
            items: m.agenda.len(),
            exempt_items: m.agenda.iter().filter(|i| i.exempt.is_some()).count(),
            minutes_approved: m.minutes_approved(),
        }
    }
}

impl Facts {
    /// Every Board reminder due up to `until` (`meetings` in date order).
    pub fn board_reminders(&self, until: Timestamp) -> Vec<Reminder> {
        let mut all = Vec::new();
        for (i, m) in self.meetings.iter().enumerate() {
            all.push(self.agenda_reminder(m));
            all.push(self.meeting_reminder(m));
            if let (false, Some(next)) = (m.minutes_approved, self.meetings.get(i + 1)) {
                all.push(self.minutes_reminder(m, next));
            }
        }
        all.retain(|r| r.due <= until);
        all
    }

    fn venue_name(&self, m: &MeetingFacts) -> String {
        self.council_names
            .get(&m.venue)
            .cloned()
            .unwrap_or_else(|| m.venue.clone())
    }

    fn agenda_reminder(&self, m: &MeetingFacts) -> Reminder {
        let deadline = agenda_deadline(m.on, m.agenda_clear_days, england_and_wales());
        let note = if deadline.weekdays_only {
            format!(
                " (counted in weekdays only: the bank-holiday table ends with {})",
                england_and_wales().last_year
            )
        } else {
            String::new()
        };
        Reminder {
            id: format!("board:{}:agenda:{}", m.on, deadline.date),
            kind: Kind::BoardAgendaDeadline,
            due: local_at(deadline.date, REMINDER_HOUR, 0, &self.tz),
            proposal: None,
            council: Some(m.venue.clone()),
            title: format!(
                "Publish the agenda of the Shared Services Board of {} ({} clear working days before; {} items, {} exempt){note}",
                format_date(m.on),
                m.agenda_clear_days,
                m.items,
                m.exempt_items
            ),
        }
    }

    fn meeting_reminder(&self, m: &MeetingFacts) -> Reminder {
        let chair = m
            .chair
            .as_deref()
            .map(|c| format!(", chaired by {c}"))
            .unwrap_or_default();
        Reminder {
            id: format!("board:{}:meeting", m.on),
            kind: Kind::BoardMeeting,
            due: resolve_local(m.on.to_datetime(m.at), &self.tz),
            proposal: None,
            council: Some(m.venue.clone()),
            title: format!(
                "The Shared Services Board meets at {}{chair}",
                self.venue_name(m)
            ),
        }
    }

    fn minutes_reminder(&self, m: &MeetingFacts, next: &MeetingFacts) -> Reminder {
        let day_after = next.on.tomorrow().unwrap_or(next.on);
        Reminder {
            id: format!("board:{}:minutes:{}", m.on, next.on),
            kind: Kind::BoardMinutesUnapproved,
            due: local_at(day_after, REMINDER_HOUR, 0, &self.tz),
            proposal: None,
            council: None,
            title: format!(
                "The minutes of the Shared Services Board of {} are still not approved (the next meeting was {})",
                format_date(m.on),
                format_date(next.on)
            ),
        }
    }
}
