//! The Board's reminders: the agenda's deadline (09:00 local, N clear working days before the
//! meeting, [`crate::board::agenda_deadline`]), the meeting itself at its time, and minutes still
//! unapproved at 09:00 the day after the next meeting. Each through the engine's one
//! daylight-saving policy; no reminder carries an exempt item's reason.

use super::rules::{Facts, REMINDER_HOUR};
use super::{Kind, Reminder};
use crate::board::{agenda_deadline, Meeting};
use crate::calendar::england_and_wales;
use crate::words::date as format_date;
use engine::schedule::{local_at, resolve_local};
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
                "Publish the agenda of the Shared Services Board of {} ({} clear working days before; {}){note}",
                format_date(m.on),
                m.agenda_clear_days,
                items(m.items, m.exempt_items)
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

/// "no items", "1 item", "3 items, 1 exempt".
fn items(n: usize, exempt: usize) -> String {
    let count = match n {
        0 => "no items".to_string(),
        1 => "1 item".to_string(),
        n => format!("{n} items"),
    };
    match exempt {
        0 => count,
        e => format!("{count}, {e} exempt"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quarter::YearStart;
    use engine::schedule::CronSchedule;
    use jiff::civil::date;
    use jiff::tz::TimeZone;

    fn meeting(on: Date, venue: &str, minutes_approved: bool) -> MeetingFacts {
        MeetingFacts {
            on,
            at: Time::constant(17, 30, 0, 0),
            venue: venue.into(),
            chair: Some(format!("{}-leader", &venue[..3])),
            agenda_clear_days: 5,
            items: 2,
            exempt_items: 1,
            minutes_approved,
        }
    }

    fn facts(meetings: Vec<MeetingFacts>) -> Facts {
        Facts {
            tz: TimeZone::get("Europe/London").unwrap(),
            year_start: YearStart::default(),
            quarterly: CronSchedule::parse("0 0 9 1 Jan,Apr,Jul,Oct *").unwrap(),
            since: "2008-09-01T00:00:00Z".parse().unwrap(),
            lead_days: vec![],
            council_names: [("bromsgrove".to_string(), "Bromsgrove DC".to_string())].into(),
            proposals: vec![],
            milestones: vec![],
            risks: vec![],
            arrangements: vec![],
            ends: None,
            meetings,
        }
    }

    /// A cycle across both clock changes: 26 Oct 2008 (BST → GMT) and 29 Mar 2009 (GMT → BST).
    /// Every instant below is worked out by hand in UTC: 09:00 and 17:30 local are 08:00Z and
    /// 16:30Z in summer time, 09:00Z and 17:30Z in winter.
    #[test]
    fn a_meeting_cycle_across_the_2008_09_clock_changes() {
        let f = facts(vec![
            meeting(date(2008, 9, 1), "bromsgrove", false),
            meeting(date(2008, 11, 3), "redditch", false),
            meeting(date(2009, 1, 5), "bromsgrove", false),
            meeting(date(2009, 3, 30), "redditch", false),
        ]);
        let mut got: Vec<(String, String)> = f
            .board_reminders("2010-01-01T00:00:00Z".parse().unwrap())
            .into_iter()
            .map(|r| (r.id, r.due.to_string()))
            .collect();
        got.sort_by(|a, b| a.1.cmp(&b.1));
        let want = [
            // 25 Aug 2008 is a bank holiday: the five clear days are 22 and 26–29 Aug.
            ("board:2008-09-01:agenda:2008-08-21", "2008-08-21T08:00:00Z"),
            ("board:2008-09-01:meeting", "2008-09-01T16:30:00Z"),
            // Published on Friday 24 Oct in summer time; the meeting is in winter time.
            ("board:2008-11-03:agenda:2008-10-24", "2008-10-24T08:00:00Z"),
            ("board:2008-11-03:meeting", "2008-11-03T17:30:00Z"),
            (
                "board:2008-09-01:minutes:2008-11-03",
                "2008-11-04T09:00:00Z",
            ),
            // Christmas, Boxing Day and New Year's Day are not clear working days.
            ("board:2009-01-05:agenda:2008-12-23", "2008-12-23T09:00:00Z"),
            ("board:2009-01-05:meeting", "2009-01-05T17:30:00Z"),
            (
                "board:2008-11-03:minutes:2009-01-05",
                "2009-01-06T09:00:00Z",
            ),
            // Published on Friday 20 Mar in winter time; the meeting, the day after the
            // clocks go forward, in summer time.
            ("board:2009-03-30:agenda:2009-03-20", "2009-03-20T09:00:00Z"),
            ("board:2009-03-30:meeting", "2009-03-30T16:30:00Z"),
            (
                "board:2009-01-05:minutes:2009-03-30",
                "2009-03-31T08:00:00Z",
            ),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn approved_minutes_and_the_last_meeting_ask_for_nothing_more() {
        let f = facts(vec![
            meeting(date(2008, 9, 1), "bromsgrove", true),
            meeting(date(2008, 11, 3), "redditch", false),
        ]);
        let all = f.reminders("2010-01-01T00:00:00Z".parse().unwrap());
        assert!(all.iter().all(|r| r.kind != Kind::BoardMinutesUnapproved));
        assert_eq!(
            all.iter().filter(|r| r.kind == Kind::BoardMeeting).count(),
            2
        );
        let meeting = all.iter().find(|r| r.kind == Kind::BoardMeeting).unwrap();
        assert_eq!(
            meeting.title,
            "The Shared Services Board meets at Bromsgrove DC, chaired by bro-leader"
        );
    }

    #[test]
    fn past_the_bank_holiday_table_the_agenda_reminder_says_it_counted_weekdays_only() {
        let last = england_and_wales().last_year;
        let f = facts(vec![meeting(date(last + 1, 6, 16), "bromsgrove", false)]);
        let all = f.board_reminders("2100-01-01T00:00:00Z".parse().unwrap());
        let agenda = all
            .iter()
            .find(|r| r.kind == Kind::BoardAgendaDeadline)
            .unwrap();
        assert!(
            agenda.title.contains("counted in weekdays only"),
            "{}",
            agenda.title
        );
    }

    #[test]
    fn a_meeting_in_the_spring_gap_falls_due_once_at_the_first_instant_after_it() {
        let mut m = meeting(date(2009, 3, 29), "bromsgrove", false);
        m.at = Time::constant(1, 30, 0, 0);
        let f = facts(vec![m]);
        let all = f.board_reminders("2010-01-01T00:00:00Z".parse().unwrap());
        let meeting = all.iter().find(|r| r.kind == Kind::BoardMeeting).unwrap();
        // 01:30 GMT does not exist on 29 March 2009: 02:00 BST, 01:00 UTC.
        assert_eq!(meeting.due.to_string(), "2009-03-29T01:00:00Z");
    }
}
