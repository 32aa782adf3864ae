//! The Board's cycle (`[board_cycle]`): every N months at a usual time, the venue alternating
//! between the councils' civic offices; and the agenda's deadline, N clear working days before.

use super::meeting::Meeting;
use crate::calendar::WorkingDayCalendar;
use crate::partnership::Partnership;
use engine::schedule::add_months_clamped;
use jiff::civil::{Date, Time, Weekday};
use serde::{Deserialize, Serialize};

/// `[board_cycle]` of the partnership file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardCycle {
    /// Months between meetings (bi-monthly: 2).
    #[serde(default = "default_every")]
    pub every_months: u32,
    /// The usual start time, `HH:MM` local.
    #[serde(default = "default_at")]
    pub at: String,
    /// Clear working days between the agenda's publication and the meeting.
    #[serde(default = "default_clear_days")]
    pub agenda_clear_days: u32,
}

fn default_every() -> u32 {
    2
}

fn default_at() -> String {
    "17:30".to_string()
}

fn default_clear_days() -> u32 {
    5
}

impl Default for BoardCycle {
    fn default() -> Self {
        BoardCycle {
            every_months: default_every(),
            at: default_at(),
            agenda_clear_days: default_clear_days(),
        }
    }
}

impl BoardCycle {
    /// What is wrong with the cycle, in words.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !(1..=12).contains(&self.every_months) {
            problems.push(format!(
                "every_months = {} must be 1 to 12",
                self.every_months
            ));
        }
        if let Err(m) = parse_time(&self.at) {
            problems.push(m);
        }
        if self.agenda_clear_days > 30 {
            problems.push(format!(
                "agenda_clear_days = {} must be at most 30",
                self.agenda_clear_days
            ));
        }
        problems
    }

    /// The usual start time (validated on load).
    pub fn time(&self) -> Time {
        parse_time(&self.at).unwrap_or(Time::constant(17, 30, 0, 0))
    }
}

/// A time written `HH:MM` (24-hour clock).
pub fn parse_time(text: &str) -> Result<Time, String> {
    let bad =
        || format!("{text:?} is not a time: write it HH:MM on the 24-hour clock, e.g. \"17:30\"");
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: i8 = h.parse().map_err(|_| bad())?;
    let m: i8 = m.parse().map_err(|_| bad())?;
    Time::new(h, m, 0, 0).map_err(|_| bad())
}

/// The cycle in force: the file's, else the concordat's defaults (bi-monthly, 17:30, 5 days).
pub fn of(p: &Partnership) -> BoardCycle {
    p.board_cycle.clone().unwrap_or_default()
}

/// The council after `venue` in the file's order (the venues alternate); the first when unknown.
pub fn next_venue(p: &Partnership, venue: &str) -> String {
    let ids = p.council_ids();
    let at = ids.iter().position(|c| c == venue);
    let next = at.map_or(0, |i| (i + 1) % ids.len());
    ids[next].clone()
}

/// The chair of a meeting at `venue`: that council's Leader (§4.1), if the file names one.
pub fn chair_at(p: &Partnership, venue: &str) -> Option<String> {
    p.council(venue).and_then(|c| c.leader.clone())
}

/// The next meeting of the cycle after `last` (computed for display; recorded when scheduled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Planned {
    pub on: Date,
    pub at: Time,
    pub venue: String,
    pub chair: Option<String>,
}

/// The meeting the cycle plans after `last`: N months on, at the usual time, at the other venue.
pub fn next_after(p: &Partnership, last: &Meeting) -> Planned {
    let cycle = of(p);
    let venue = next_venue(p, &last.venue);
    Planned {
        on: add_months_clamped(last.on, cycle.every_months as i32),
        at: cycle.time(),
        chair: chair_at(p, &venue),
        venue,
    }
}

/// When a meeting's agenda is due, and whether bank holidays could be counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgendaDeadline {
    pub date: Date,
    /// True when some day counted lies past the bank-holiday table: weekends only were skipped.
    pub weekdays_only: bool,
}

/// The working day before `clear_days` clear working days that precede `meeting` (neither the
/// day of publication nor the day of the meeting counts). Past the calendar's table only
/// weekends are skipped, and the deadline says so: never a failure.
pub fn agenda_deadline(meeting: Date, clear_days: u32, cal: &WorkingDayCalendar) -> AgendaDeadline {
    let mut weekdays_only = false;
    let mut working = |day: Date| {
        if (cal.first_year..=cal.last_year).contains(&day.year()) {
            cal.is_working_day(day).unwrap_or(false)
        } else {
            weekdays_only = true;
            !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
        }
    };
    // At the start of the calendar (year -9999) the count stops rather than loop.
    let mut day = meeting;
    let mut counted = 0;
    while counted < clear_days {
        let Ok(prev) = day.yesterday() else { break };
        day = prev;
        if working(day) {
            counted += 1;
        }
    }
    while let Ok(prev) = day.yesterday() {
        day = prev;
        if working(day) {
            break;
        }
    }
    AgendaDeadline {
        date: day,
        weekdays_only,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::england_and_wales;
    use jiff::civil::date;

    #[test]
    fn the_agenda_is_due_five_clear_working_days_before_skipping_the_bank_holiday() {
        // 1 Sep 2008 (Mon): clear days 29, 28, 27, 26 Aug and 22 Aug (25 Aug is a bank holiday).
        let d = agenda_deadline(date(2008, 9, 1), 5, england_and_wales());
        assert_eq!(
            d,
            AgendaDeadline {
                date: date(2008, 8, 21),
                weekdays_only: false
            }
        );
        // 5 Jan 2009 (Mon): 2, 31, 30, 29 Dec and 24 Dec (25, 26 Dec and 1 Jan are holidays).
        let d = agenda_deadline(date(2009, 1, 5), 5, england_and_wales());
        assert_eq!(d.date, date(2008, 12, 23));
    }

    #[test]
    fn past_the_table_weekends_only_are_skipped_and_it_says_so() {
        let last = england_and_wales().last_year;
        let mut monday = date(last + 1, 6, 1);
        while monday.weekday() != Weekday::Monday {
            monday = monday.tomorrow().unwrap();
        }
        // Clear days: Monday to Friday of the week before; the deadline the Friday before that.
        let d = agenda_deadline(monday, 5, england_and_wales());
        let friday = monday.checked_sub(jiff::Span::new().days(10)).unwrap();
        assert_eq!(
            d,
            AgendaDeadline {
                date: friday,
                weekdays_only: true
            }
        );
    }

    #[test]
    fn times_are_strict() {
        assert_eq!(parse_time("17:30").unwrap(), Time::constant(17, 30, 0, 0));
        for bad in ["5:30", "17.30", "25:00", "17:3", "noon"] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }
}
