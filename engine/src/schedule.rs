//! Due instants: civil (wall-clock) schedules in a time zone, mapped to instants by one
//! daylight-saving policy.
//!
//! The policy, used by everything here and by everything built on it ([`resolve_local`]):
//!
//! - a local time that does not exist (the spring gap) falls due once, at the first instant
//!   after the gap (01:30 on 2009-03-29 in `Europe/London` is due at 02:00 BST, `01:00:00Z`);
//! - a local time that occurs twice (the autumn repeat) falls due once, at the first of the two
//!   (01:30 on 2009-10-25 in `Europe/London` is due at 01:30 BST, `00:30:00Z`, not again at GMT).
//!
//! This is stated, not inherited: jiff's default ("compatible") disambiguation moves a gap time
//! forward by the gap's length (01:30 → 02:30 BST), and the `cron` crate evaluated on a zoned
//! `DateTime` skips gap times and fires twice in a repeat (see [`CronSchedule`]).

use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime, TimeZone as _, Utc};
use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};
use jiff::Timestamp;

use crate::error::Failure;

/// The instant at which the civil (wall-clock) time `civil` falls due in `tz`.
///
/// The one daylight-saving policy: a civil time in a gap (it does not exist) resolves to the first
/// instant after the gap, the moment the clocks change; a civil time in a fold (it occurs twice)
/// resolves to the first (earlier) of its two instants. Otherwise the one instant it names.
pub fn resolve_local(civil: DateTime, tz: &TimeZone) -> Timestamp {
    try_resolve_local(civil, tz)
        .expect("a civil time jiff resolved in a zone is within the supported range")
}

/// [`resolve_local`], or `None` when the instant lies outside jiff's supported range (a civil
/// time late on 9999-12-31 or early on -9999-01-01, where some offsets run past its ends).
pub fn try_resolve_local(civil: DateTime, tz: &TimeZone) -> Option<Timestamp> {
    let at = |offset: Offset| offset.to_timestamp(civil).ok();
    Some(match tz.to_ambiguous_timestamp(civil).offset() {
        AmbiguousOffset::Unambiguous { offset } => at(offset)?,
        AmbiguousOffset::Fold { before, after } => at(before)?.min(at(after)?),
        AmbiguousOffset::Gap { before, after } => {
            // Read with the offset after the gap, `civil` names an instant just before the
            // transition; read with the offset before it, one at or after. The transition (the
            // first instant after the gap) lies strictly after the first, at or before the second.
            let (a, b) = (at(after)?, at(before)?);
            let (low, high) = (a.min(b), a.max(b));
            match tz.following(low).next().map(|t| t.timestamp()) {
                Some(transition) if transition > low && transition <= high => transition,
                _ => first_instant_with_offset(tz, low, high, after),
            }
        }
    })
}

/// Fallback for [`resolve_local`]: the first whole second in `(low, high]` whose offset in `tz`
/// is `after` (bisection; offsets only change at transitions).
fn first_instant_with_offset(
    tz: &TimeZone,
    low: Timestamp,
    high: Timestamp,
    after: Offset,
) -> Timestamp {
    let (mut lo, mut hi) = (low.as_second(), high.as_second());
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        let probe = Timestamp::from_second(mid).expect("between two valid instants");
        if tz.to_offset(probe) == after {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Timestamp::from_second(hi).expect("between two valid instants")
}

/// The instant of `hour:minute` local time on `date` in `tz`, by [`resolve_local`]
/// ("09:00 local on D").
///
/// # Panics
/// If `hour` > 23 or `minute` > 59.
pub fn local_at(date: Date, hour: i8, minute: i8, tz: &TimeZone) -> Timestamp {
    resolve_local(date.at(hour, minute, 0, 0), tz)
}

/// `date` moved by `months` calendar months; a day that does not exist in the target month clamps
/// to that month's last day. Always count from the original date (31 Aug + 6 → 28/29 Feb,
/// 31 Aug + 12 → 31 Aug), never step from a clamped result.
///
/// # Panics
/// If the result falls outside jiff's supported years (-9999..=9999).
pub fn add_months_clamped(date: Date, months: i32) -> Date {
    let index = i64::from(date.year()) * 12 + i64::from(date.month() - 1) + i64::from(months);
    let year = i16::try_from(index.div_euclid(12)).expect("year within jiff's supported range");
    let month = i8::try_from(index.rem_euclid(12) + 1).expect("a month is 1..=12");
    let first = Date::new(year, month, 1).expect("year within jiff's supported range");
    let day = date.day().min(first.days_in_month());
    Date::new(year, month, day).expect("a day clamped to its month exists")
}

/// A cron schedule (six fields, seconds first, optional seventh field year, as the `cron` crate
/// reads them) evaluated in the civil time of a zone.
///
/// # Why evaluation is civil
///
/// The `cron` crate (0.15) can iterate over a zoned chrono `DateTime`, but then it builds each
/// candidate with `TimeZone::with_ymd_and_hms` and, as the tests in this module check against a
/// jiff-backed chrono zone for `Europe/London`: a candidate in the spring gap (`LocalResult::None`)
/// is skipped, so a 01:30 schedule does not fire at all on 2009-03-29; a candidate in the autumn
/// repeat (`LocalResult::Ambiguous`) is yielded twice, so a 01:30 schedule fires at 01:30 BST and
/// again at 01:30 GMT on 2009-10-25. Both break "falls due once". So the crate is only asked which
/// wall-clock times match (its iterator is fed the zone's civil time as if it were UTC, which has
/// no gaps or repeats), and each civil firing becomes an instant by [`resolve_local`]. Several
/// civil firings that resolve to one instant (e.g. every minute of a gap) are yielded once;
/// yielded instants are strictly increasing.
#[derive(Debug, Clone)]
pub struct CronSchedule {
    source: String,
    schedule: cron::Schedule,
}

/// The most firings [`CronSchedule::between`] returns from one call.
pub const MAX_ENUMERATED: usize = 100_000;

const CRON_FIELDS: &str = "sec min hour day-of-month month day-of-week";
const CRON_EXAMPLE: &str = "\"0 0 9 1 Jan,Apr,Jul,Oct *\" (09:00 on the first of each quarter)";

impl CronSchedule {
    /// Parses a cron expression: six fields `sec min hour day-of-month month day-of-week`, an
    /// optional seventh `year`. A bad expression is a usage failure naming it and the fix.
    pub fn parse(expr: &str) -> Result<CronSchedule, Failure> {
        let trimmed = expr.trim();
        let fields = trimmed.split_whitespace().count();
        if !trimmed.starts_with('@') && !(6..=7).contains(&fields) {
            return Err(Failure::usage(format!(
                "cron expression \"{expr}\" has {fields} field{}: expected six fields: \
                 {CRON_FIELDS} (optionally a seventh, year), e.g. {CRON_EXAMPLE}",
                if fields == 1 { "" } else { "s" }
            )));
        }
        match cron::Schedule::from_str(trimmed) {
            Ok(schedule) => Ok(CronSchedule {
                source: trimmed.to_string(),
                schedule,
            }),
            Err(e) => {
                // The crate's message is the expression, a caret line, then the reason.
                let e = e.to_string();
                let reason = e
                    .lines()
                    .map(str::trim)
                    .rfind(|line| !line.is_empty() && *line != "^" && *line != trimmed)
                    .map(|line| format!(": {line}"))
                    .unwrap_or_default();
                Err(Failure::usage(format!(
                    "cron expression \"{expr}\" is not valid{reason}; expected six fields: \
                     {CRON_FIELDS} (optionally a seventh, year), e.g. {CRON_EXAMPLE}"
                )))
            }
        }
    }

    /// The expression as parsed (trimmed).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The first due instant strictly after `after`, or `None` if the schedule never fires again.
    pub fn next_after(&self, after: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        self.firings_after(after, tz).next()
    }

    /// Every due instant in `(after_exclusive, until_inclusive]`, strictly increasing, the first
    /// [`MAX_ENUMERATED`] of them at most (so a schedule recorded before its density was bounded,
    /// e.g. every second, costs bounded time and memory instead of gigabytes).
    pub fn between(
        &self,
        after_exclusive: Timestamp,
        until_inclusive: Timestamp,
        tz: &TimeZone,
    ) -> Vec<Timestamp> {
        let firings: Vec<Timestamp> = self
            .firings_after(after_exclusive, tz)
            .take_while(|t| *t <= until_inclusive)
            .take(MAX_ENUMERATED)
            .collect();
        if firings.len() == MAX_ENUMERATED {
            tracing::warn!(
                schedule = %self.source,
                "the schedule fires more than {MAX_ENUMERATED} times in the period: only the first {MAX_ENUMERATED} are taken"
            );
        }
        firings
    }

    /// The most times the schedule can fire in any one year, from its fields alone (seconds ×
    /// minutes × hours a day, times the days a year its day-of-month, month and day-of-week
    /// fields allow; each weekday falls at most five times a month).
    pub fn firings_per_year_at_most(&self) -> u64 {
        use cron::TimeUnitSpec;
        let s = &self.schedule;
        let per_day = u64::from(s.seconds().count())
            * u64::from(s.minutes().count())
            * u64::from(s.hours().count());
        let months = u64::from(s.months().count());
        let days = (months * u64::from(s.days_of_month().count()))
            .min(months * 5 * u64::from(s.days_of_week().count()))
            .min(366);
        per_day * days
    }

    /// The due instants strictly after `after`, strictly increasing (unbounded: bound it with
    /// `take_while`, as [`CronSchedule::between`] does).
    pub fn firings_after(&self, after: Timestamp, tz: &TimeZone) -> Firings<'_> {
        // Starting at the civil time of `after` is enough: resolve_local never decreases as civil
        // time increases, and the civil time of `after` resolves to `after` or (in a repeat) to
        // the earlier instant, so no earlier civil firing can resolve after `after`.
        let civil = civil_to_utc(after.to_zoned(tz.clone()).datetime());
        Firings {
            civil: self.schedule.after(&civil),
            tz: tz.clone(),
            last: after,
        }
    }
}

/// The due instants of a [`CronSchedule`] after some instant; see [`CronSchedule::firings_after`].
pub struct Firings<'a> {
    civil: cron::ScheduleIterator<'a, Utc>,
    tz: TimeZone,
    last: Timestamp,
}

impl Iterator for Firings<'_> {
    type Item = Timestamp;

    fn next(&mut self) -> Option<Timestamp> {
        loop {
            let civil = utc_to_civil(self.civil.next()?.naive_utc())?;
            // Past the end of time as jiff knows it (9999), the schedule fires no more.
            let due = try_resolve_local(civil, &self.tz)?;
            // Civil firings later in a repeat, or in the same gap, resolve at or before the last.
            if due > self.last {
                self.last = due;
                return Some(due);
            }
        }
    }
}

/// A civil time as a chrono UTC `DateTime` with the same wall-clock fields (UTC has no gaps or
/// repeats, so the `cron` crate sees plain civil time).
fn civil_to_utc(civil: DateTime) -> chrono::DateTime<Utc> {
    let naive = NaiveDate::from_ymd_opt(
        i32::from(civil.year()),
        civil.month() as u32,
        civil.day() as u32,
    )
    .and_then(|d| {
        d.and_hms_nano_opt(
            civil.hour() as u32,
            civil.minute() as u32,
            civil.second() as u32,
            civil.subsec_nanosecond() as u32,
        )
    })
    .expect("every jiff civil datetime exists in chrono");
    Utc.from_utc_datetime(&naive)
}

/// The inverse of [`civil_to_utc`]; `None` outside jiff's supported years.
fn utc_to_civil(naive: NaiveDateTime) -> Option<DateTime> {
    use chrono::{Datelike, Timelike};
    DateTime::new(
        i16::try_from(naive.year()).ok()?,
        naive.month() as i8,
        naive.day() as i8,
        naive.hour() as i8,
        naive.minute() as i8,
        naive.second() as i8,
        naive.nanosecond().min(999_999_999) as i32,
    )
    .ok()
}

#[cfg(test)]
mod tests;
