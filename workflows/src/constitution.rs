//! What each council's constitution says about a decision, as the partnership file gives it: the
//! body that takes it (cabinet or full council), the call-in window after an approval (a count of
//! working, clear or calendar days and a time of day), and whether urgent decisions are exempt.
//!
//! A window is counted from the day of the decision (day 0) in the partnership's time zone:
//! - `working-days`: closes at `closes_at` on the Nth working day after it;
//! - `clear-days`: N whole clear days must pass (not the day of the decision, not the closing day,
//!   no weekend or bank holiday), so it closes at `closes_at` on the working day after the Nth;
//! - `calendar-days`: closes at `closes_at` on the Nth day after it, whatever day that is.
//!
//! Working days come from the pinned calendar ([`crate::calendar`]); the instant is the local time
//! on the closing day by [`engine::schedule::local_at`], so BST and GMT are both right.

use crate::calendar::{tomorrow, WorkingDayCalendar, ENGLAND_AND_WALES};
use engine::schedule::local_at;
use engine::Failure;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The body whose decision a council's clerk records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecisionBody {
    Cabinet,
    FullCouncil,
}

impl DecisionBody {
    /// The body as written in the partnership file and in events.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionBody::Cabinet => "cabinet",
            DecisionBody::FullCouncil => "full-council",
        }
    }

    /// "Cabinet" or "Full Council", for people.
    pub fn label(self) -> &'static str {
        match self {
            DecisionBody::Cabinet => "Cabinet",
            DecisionBody::FullCouncil => "Full Council",
        }
    }
}

/// How a call-in window's days are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Counting {
    WorkingDays,
    ClearDays,
    CalendarDays,
}

/// A council's call-in window (`[council.call_in]` in the partnership file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallInRule {
    /// How many days the window runs.
    pub days: u32,
    pub counting: Counting,
    /// The local time of day it closes on its last day, `HH:MM` (24-hour).
    pub closes_at: String,
    /// Decisions taken as urgent (`council decide --urgent`) are exempt from call-in.
    #[serde(default)]
    pub urgent_exempt: bool,
    /// The working-day calendar the days are counted by.
    #[serde(default = "default_calendar")]
    pub calendar: String,
}

fn default_calendar() -> String {
    ENGLAND_AND_WALES.to_string()
}

/// The longest window the file may set (a typo guard).
pub const MAX_DAYS: u32 = 90;

/// A computed window: when it closes, on which day, by which rule and calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub closes: Timestamp,
    pub closing_day: Date,
    /// The rule in words, e.g. "12:00 on the 3rd working day after the decision".
    pub rule: String,
    /// The calendar and its version, when working days were counted (`england-and-wales v1`).
    pub calendar: Option<String>,
}

impl CallInRule {
    /// Every problem with the rule: the key and what is wrong, in words (empty: well formed).
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.days == 0 || self.days > MAX_DAYS {
            out.push((
                "days",
                format!(
                    "call_in.days = {} is out of range: give a number of days from 1 to {MAX_DAYS}",
                    self.days
                ),
            ));
        }
        if let Err(e) = parse_time(&self.closes_at) {
            out.push(("closes_at", e));
        }
        if WorkingDayCalendar::named(&self.calendar).is_none() {
            out.push(("calendar", format!(
                "call_in.calendar = {:?} is not a calendar concordat has: use \"{ENGLAND_AND_WALES}\"",
                self.calendar
            )));
        }
        out
    }

    /// The rule in words: "12:00 on the 3rd working day after the decision".
    pub fn describe(&self) -> String {
        let n = self.days;
        match self.counting {
            Counting::WorkingDays => format!(
                "{} on the {} working day after the decision",
                self.closes_at,
                ordinal(n)
            ),
            Counting::ClearDays => format!(
                "{} on the working day after {n} clear day{} from the decision",
                self.closes_at,
                if n == 1 { "" } else { "s" }
            ),
            Counting::CalendarDays => format!(
                "{} on the {} day after the decision",
                self.closes_at,
                ordinal(n)
            ),
        }
    }

    /// The window an approval on `decided_on` opens, in `tz`.
    pub fn window(&self, decided_on: Date, tz: &TimeZone) -> Result<Window, Failure> {
        let (hour, minute) = parse_time(&self.closes_at).map_err(Failure::internal)?;
        let calendar = WorkingDayCalendar::named(&self.calendar).ok_or_else(|| {
            Failure::internal(format!("no working-day calendar {:?}", self.calendar))
        })?;
        let (closing_day, counted) = match self.counting {
            Counting::CalendarDays => {
                let mut day = decided_on;
                for _ in 0..self.days {
                    day = tomorrow(day)?;
                }
                (day, false)
            }
            Counting::WorkingDays => {
                let mut day = decided_on;
                for _ in 0..self.days {
                    day = calendar.next_working_day(day)?;
                }
                (day, true)
            }
            Counting::ClearDays => {
                let mut day = decided_on;
                for _ in 0..=self.days {
                    day = calendar.next_working_day(day)?;
                }
                (day, true)
            }
        };
        Ok(Window {
            closes: local_at(closing_day, hour, minute, tz),
            closing_day,
            rule: self.describe(),
            calendar: counted.then(|| calendar.label()),
        })
    }
}

/// `HH:MM` as hour and minute; a plain message otherwise.
pub fn parse_time(text: &str) -> Result<(i8, i8), String> {
    let bad = || {
        format!(
            "call_in.closes_at = {text:?} is not a time of day: write it HH:MM, 24-hour (e.g. \"12:00\" for noon)"
        )
    };
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let hour: i8 = h.parse().map_err(|_| bad())?;
    let minute: i8 = m.parse().map_err(|_| bad())?;
    if !(0..=23).contains(&hour) || !(0..=59).contains(&minute) {
        return Err(bad());
    }
    Ok((hour, minute))
}

/// 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st…
pub fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
#[path = "constitution_tests.rs"]
mod tests;
