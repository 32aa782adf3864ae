//! The working-day calendar: bank holidays in England and Wales from 2000, pinned and versioned in
//! `workflows/data/bank-holidays-england-and-wales.toml` and embedded in the binary (never fetched at
//! run time). A working day is Monday to Friday and not a bank holiday of the table.

use engine::time::parse_date;
use engine::Failure;
use jiff::civil::{Date, Weekday};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The pinned table, as the repository holds it.
pub const ENGLAND_AND_WALES_TOML: &str =
    include_str!("../data/bank-holidays-england-and-wales.toml");

/// The id of the England and Wales calendar (the only one so far).
pub const ENGLAND_AND_WALES: &str = "england-and-wales";

/// One bank holiday of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub date: Date,
    pub name: String,
    /// An additional, one-off bank holiday (a jubilee, a royal wedding, a state funeral…).
    pub one_off: bool,
    /// For a standing holiday moved by proclamation: the date it would have fallen on.
    pub moved_from: Option<Date>,
    /// Where a one-off or moved day came from.
    pub source: Option<String>,
}

/// One revision of the table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    pub version: u32,
    pub on: String,
    pub note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayRow {
    date: String,
    name: String,
    #[serde(default)]
    one_off: bool,
    #[serde(default)]
    moved_from: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    calendar: String,
    version: u32,
    first_year: i16,
    last_year: i16,
    revision: Vec<Revision>,
    holiday: Vec<HolidayRow>,
}

/// A pinned, versioned table of bank holidays and the working days it implies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingDayCalendar {
    pub id: String,
    pub version: u32,
    /// The first and last years the table covers (inclusive).
    pub first_year: i16,
    pub last_year: i16,
    pub revisions: Vec<Revision>,
    holidays: BTreeMap<Date, Holiday>,
}

impl WorkingDayCalendar {
    /// Reads a table in the format of the pinned file; any flaw is an internal failure.
    pub fn from_toml(text: &str) -> Result<WorkingDayCalendar, Failure> {
        let bad = |m: String| Failure::internal(format!("the working-day calendar: {m}"));
        let table: Table = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        let mut holidays = BTreeMap::new();
        for row in table.holiday {
            let date = parse_date(&row.date).map_err(|e| bad(e.message))?;
            let moved_from = row
                .moved_from
                .as_deref()
                .map(parse_date)
                .transpose()
                .map_err(|e| bad(e.message))?;
            let holiday = Holiday {
                date,
                name: row.name,
                one_off: row.one_off,
                moved_from,
                source: row.source,
            };
            if holidays.insert(date, holiday).is_some() {
                return Err(bad(format!("{date} is listed twice")));
            }
        }
        Ok(WorkingDayCalendar {
            id: table.calendar,
            version: table.version,
            first_year: table.first_year,
            last_year: table.last_year,
            revisions: table.revision,
            holidays,
        })
    }

    /// The calendar with this id (only `england-and-wales` so far).
    pub fn named(id: &str) -> Option<&'static WorkingDayCalendar> {
        (id == ENGLAND_AND_WALES).then(england_and_wales)
    }

    /// `england-and-wales v1`: the table and version a window was counted with.
    pub fn label(&self) -> String {
        format!("{} v{}", self.id, self.version)
    }

    /// Every bank holiday of the table, in date order.
    pub fn holidays(&self) -> impl Iterator<Item = &Holiday> {
        self.holidays.values()
    }

    /// The bank holiday on `date`, if it is one.
    pub fn holiday(&self, date: Date) -> Option<&Holiday> {
        self.holidays.get(&date)
    }

    /// Whether `date` is a working day: a weekday that is not a bank holiday. A date outside the
    /// years the table covers is refused (exit 3), never guessed.
    pub fn is_working_day(&self, date: Date) -> Result<bool, Failure> {
        if !(self.first_year..=self.last_year).contains(&date.year()) {
            return Err(Failure::refused(format!(
                "the working-day calendar ({}) covers {} to {}, not {date}",
                self.label(),
                self.first_year,
                self.last_year
            ))
            .with_detail(
                "a concordat with a newer calendar table counts these days: upgrade concordat",
            ));
        }
        let weekend = matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday);
        Ok(!weekend && !self.holidays.contains_key(&date))
    }

    /// The first working day after `date`.
    pub fn next_working_day(&self, date: Date) -> Result<Date, Failure> {
        let mut day = date;
        loop {
            day = tomorrow(day)?;
            if self.is_working_day(day)? {
                return Ok(day);
            }
        }
    }
}

/// The day after `date` (a refusal at the end of the supported range).
pub fn tomorrow(date: Date) -> Result<Date, Failure> {
    date.tomorrow().map_err(|_| {
        Failure::refused(format!("{date} has no next day in the calendar"))
            .with_detail("give a date before 9999-12-31")
    })
}

/// The pinned England and Wales table, read once.
pub fn england_and_wales() -> &'static WorkingDayCalendar {
    static CALENDAR: OnceLock<WorkingDayCalendar> = OnceLock::new();
    CALENDAR.get_or_init(|| {
        WorkingDayCalendar::from_toml(ENGLAND_AND_WALES_TOML)
            .expect("the pinned calendar is checked by the tests")
    })
}

/// Easter Sunday of `year` (Gregorian computus, the anonymous algorithm), for checking the table.
pub fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let (a, b, c) = (y % 19, y / 100, y % 100);
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    jiff::civil::date(year, month as i8, day as i8)
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
