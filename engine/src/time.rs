//! Instants and dates as the contract prints and reads them: instants with the local offset,
//! never `Z`, no fractions; dates `YYYY-MM-DD` in the partnership's time zone.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::error::Failure;
use crate::schedule::resolve_local;

/// `YYYY-MM-DDTHH:MM:SS±HH:MM` in `tz` (whole seconds; `+00:00`, never `Z`).
pub fn format_instant(instant: Timestamp, tz: &TimeZone) -> String {
    instant
        .to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// `YYYY-MM-DD`.
pub fn format_date(date: Date) -> String {
    date.strftime("%Y-%m-%d").to_string()
}

/// The years a date or an instant may fall in: every day of them starts and ends at an instant in
/// every zone, and prints in four digits (the last day of 9999 does not start at an instant jiff
/// can hold in UTC; a year before 0000 does not print as RFC 3339).
const YEARS: std::ops::RangeInclusive<i16> = 1000..=9998;

/// The years (UTC) an instant may fall in: a day of [`YEARS`] in any zone, and nothing that
/// prints before the year 0.
const INSTANT_YEARS: std::ops::RangeInclusive<i16> = 999..=9999;

/// A strict `YYYY-MM-DD` date that exists (`2009-02-30` does not); anything else is a usage
/// failure saying what was wrong.
pub fn parse_date(text: &str) -> Result<Date, Failure> {
    strict_date(text).map_err(|f| f.with_detail("write a date as YYYY-MM-DD, e.g. 2009-04-01"))
}

fn strict_date(text: &str) -> Result<Date, Failure> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return Err(Failure::usage(format!(
            "\"{text}\" is not a date: expected YYYY-MM-DD, e.g. 2009-04-01"
        )));
    }
    let number = |range: std::ops::Range<usize>| -> i16 {
        text[range].parse().expect("checked to be ASCII digits")
    };
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    if !YEARS.contains(&year) {
        return Err(Failure::usage(format!(
            "\"{text}\" is out of range: dates run from 1000-01-01 to 9998-12-31"
        )));
    }
    if !(1..=12).contains(&month) {
        return Err(Failure::usage(format!(
            "\"{text}\" is not a date: the month must be 01 to 12"
        )));
    }
    let first = Date::new(year, month as i8, 1)
        .map_err(|_| Failure::usage(format!("\"{text}\" is not a date: year out of range")))?;
    let days = first.days_in_month();
    if !(1..=i16::from(days)).contains(&day) {
        return Err(Failure::usage(format!(
            "\"{text}\" is not a date: {} {year} has {days} days",
            first.strftime("%B")
        )));
    }
    Ok(Date::new(year, month as i8, day as i8).expect("checked to exist"))
}

/// The date of `instant` in `tz` (e.g. "today" in the partnership's time zone).
pub fn local_date(instant: Timestamp, tz: &TimeZone) -> Date {
    instant.to_zoned(tz.clone()).date()
}

/// The first instant of `date` in `tz`: local midnight, or if midnight falls in a gap, the first
/// instant after it (the daylight-saving policy of [`resolve_local`]).
pub fn start_of_day(date: Date, tz: &TimeZone) -> Timestamp {
    resolve_local(date.to_datetime(jiff::civil::Time::midnight()), tz)
}

/// The last instant of `date` in `tz`, inclusive: one nanosecond before the next day's
/// [`start_of_day`], so `t <= end_of_day(d)` holds exactly for instants on or before `d`
/// (whole-second or not).
pub fn end_of_day(date: Date, tz: &TimeZone) -> Timestamp {
    match date.tomorrow() {
        Ok(next) => start_of_day(next, tz) - SignedDuration::from_nanos(1),
        Err(_) => Timestamp::MAX,
    }
}

/// An instant given as an RFC 3339 instant (any offset, `Z` included) or as a date `YYYY-MM-DD`
/// in `tz`.
///
/// A date means the [`start_of_day`] of that date, or with `end_of_day` its [`end_of_day`]: the
/// last instant of the day, so the result is an inclusive bound either way ("up to 2009-06-30"
/// and "up to 2009-06-30T23:59:59+01:00" both include everything on that day; compare with
/// `<=`). Anything else is a usage failure with a plain message.
pub fn parse_instant_or_date(
    text: &str,
    tz: &TimeZone,
    end_of_day: bool,
) -> Result<Timestamp, Failure> {
    if !text.contains(['T', 't', ' ']) {
        let date = parse_date(text).map_err(|_| not_an_instant(text))?;
        return Ok(if end_of_day {
            self::end_of_day(date, tz)
        } else {
            start_of_day(date, tz)
        });
    }
    match text.parse::<Timestamp>() {
        Ok(instant) if INSTANT_YEARS.contains(&instant.to_zoned(TimeZone::UTC).year()) => {
            Ok(instant)
        }
        Ok(_) => Err(Failure::usage(format!(
            "\"{text}\" is out of range: instants run from the year 999 to 9999 (UTC)"
        ))
        .with_detail("give an instant such as 2009-04-01T09:00:00+01:00")),
        Err(_) if text.parse::<DateTime>().is_ok() => Err(Failure::usage(format!(
            "\"{text}\" has no UTC offset: add one, e.g. 2009-04-01T09:00:00+01:00"
        ))
        .with_detail(
            "an instant names its offset from UTC: +01:00 in summer time, +00:00 or Z in winter",
        )),
        // The parser's reason helps with something shaped like an instant ("hour 25 is out of
        // range"); for anything else ("yesterday") it is noise.
        Err(e) if text.get(..10).is_some_and(|d| parse_date(d).is_ok()) => {
            Err(not_an_instant(text).with_detail(format!("the parser says: {e}")))
        }
        Err(_) => Err(not_an_instant(text)),
    }
}

fn not_an_instant(text: &str) -> Failure {
    let mut failure = Failure::usage(format!(
        "\"{text}\" is neither a date (YYYY-MM-DD) nor an RFC 3339 instant \
         (e.g. 2009-04-01T09:00:00+01:00)"
    ))
    .with_detail("give a date such as 2009-04-01, or an instant with its offset such as 2009-04-01T09:00:00+01:00");
    if let Err(e) = parse_date(text) {
        if text.len() == 10 {
            failure = e;
        }
    }
    failure
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_the_local_offset_across_bst_and_gmt() {
        let london = TimeZone::get("Europe/London").unwrap();
        let summer: Timestamp = "2008-09-01T16:30:00Z".parse().unwrap();
        let winter: Timestamp = "2008-12-01T09:00:00.75Z".parse().unwrap();
        assert_eq!(format_instant(summer, &london), "2008-09-01T17:30:00+01:00");
        assert_eq!(format_instant(winter, &london), "2008-12-01T09:00:00+00:00");
    }

    fn london() -> TimeZone {
        TimeZone::get("Europe/London").unwrap()
    }

    #[test]
    fn dates_are_strict_and_must_exist() {
        assert_eq!(
            parse_date("2009-02-28").unwrap(),
            jiff::civil::date(2009, 2, 28)
        );
        assert_eq!(
            parse_date("2012-02-29").unwrap(),
            jiff::civil::date(2012, 2, 29)
        );
        assert_eq!(
            parse_date("2009-02-30").unwrap_err().message,
            "\"2009-02-30\" is not a date: February 2009 has 28 days"
        );
        assert_eq!(
            parse_date("2009-13-01").unwrap_err().message,
            "\"2009-13-01\" is not a date: the month must be 01 to 12"
        );
        for bad in [
            "2009-2-28",
            "2009-02-28 ",
            "09-02-28",
            "2009/02/28",
            "",
            "2009-02-00",
            "+2009-02-28",
        ] {
            let failure = parse_date(bad).unwrap_err();
            assert_eq!(failure.kind, crate::FailureKind::Usage, "{bad}");
            assert!(failure
                .message
                .starts_with(&format!("\"{bad}\" is not a date")));
        }
        assert_eq!(format_date(jiff::civil::date(2009, 4, 1)), "2009-04-01");
        // Found by fuzzing: the start of 9999-12-31 in UTC lies past jiff's last instant (a panic).
        let failure = parse_instant_or_date("9999-12-31", &TimeZone::UTC, false).unwrap_err();
        assert_eq!(failure.kind, crate::FailureKind::Usage);
        assert!(
            failure.message.contains("out of range"),
            "{}",
            failure.message
        );
        assert!(parse_instant_or_date("9998-12-31", &TimeZone::UTC, true).is_ok());
        // Found by fuzzing: an instant before the year 0 printed as "-001-12-31T…", which no
        // RFC 3339 reader takes back.
        let failure = parse_instant_or_date("0000-01-01T00+01:00", &london(), true).unwrap_err();
        assert!(
            failure.message.contains("out of range"),
            "{}",
            failure.message
        );
        assert!(parse_date("0999-12-31").is_err());
        // ... while every day of the dates accepted starts and ends at an accepted instant.
        let pago_pago = TimeZone::get("Pacific/Pago_Pago").unwrap();
        let kiritimati = TimeZone::get("Pacific/Kiritimati").unwrap();
        for (text, tz) in [("9998-12-31", &pago_pago), ("1000-01-01", &kiritimati)] {
            for end in [false, true] {
                let t = parse_instant_or_date(text, tz, end).unwrap();
                assert_eq!(
                    parse_instant_or_date(&format_instant(t, tz), tz, end)
                        .unwrap()
                        .as_second(),
                    t.as_second() - i64::from(t.subsec_nanosecond() < 0)
                );
            }
        }
    }

    #[test]
    fn a_date_is_the_start_or_the_end_of_that_day_in_the_zone() {
        let tz = london();
        let start = parse_instant_or_date("2009-07-01", &tz, false).unwrap();
        assert_eq!(format_instant(start, &tz), "2009-07-01T00:00:00+01:00");
        let end = parse_instant_or_date("2009-07-01", &tz, true).unwrap();
        assert_eq!(
            end,
            "2009-07-01T22:59:59.999999999Z"
                .parse::<Timestamp>()
                .unwrap()
        );
        assert_eq!(format_instant(end, &tz), "2009-07-01T23:59:59+01:00");
        let winter = parse_instant_or_date("2009-01-01", &tz, true).unwrap();
        assert_eq!(format_instant(winter, &tz), "2009-01-01T23:59:59+00:00");
        // The day the clocks go back is 25 hours long.
        let long = end_of_day(jiff::civil::date(2009, 10, 25), &tz)
            .duration_since(start_of_day(jiff::civil::date(2009, 10, 25), &tz));
        assert_eq!(
            long,
            SignedDuration::from_hours(25) - SignedDuration::from_nanos(1)
        );
        assert_eq!(local_date(start, &tz), jiff::civil::date(2009, 7, 1));
        assert_eq!(local_date(end, &tz), jiff::civil::date(2009, 7, 1));
    }

    #[test]
    fn midnight_in_a_gap_starts_the_day_after_the_gap() {
        // Sao Paulo sprang forward at midnight: 2008-10-19 began at 01:00 -02:00.
        let tz = TimeZone::get("America/Sao_Paulo").unwrap();
        let start = start_of_day(jiff::civil::date(2008, 10, 19), &tz);
        assert_eq!(format_instant(start, &tz), "2008-10-19T01:00:00-02:00");
        let end = end_of_day(jiff::civil::date(2008, 10, 18), &tz);
        assert_eq!(format_instant(end, &tz), "2008-10-18T23:59:59-03:00");
    }

    #[test]
    fn instants_are_rfc3339_with_any_offset() {
        let tz = london();
        for (text, utc) in [
            ("2009-07-01T09:00:00+01:00", "2009-07-01T08:00:00Z"),
            ("2009-07-01T08:00:00Z", "2009-07-01T08:00:00Z"),
            ("2009-07-01T04:00:00-04:00", "2009-07-01T08:00:00Z"),
            ("2009-07-01T08:00:00.25Z", "2009-07-01T08:00:00.25Z"),
        ] {
            let parsed = parse_instant_or_date(text, &tz, true).unwrap();
            assert_eq!(parsed, utc.parse::<Timestamp>().unwrap(), "{text}");
        }
    }

    #[test]
    fn bad_instants_and_dates_are_usage_failures() {
        let tz = london();
        let failure = parse_instant_or_date("2009-02-30", &tz, false).unwrap_err();
        assert_eq!(failure.kind, crate::FailureKind::Usage);
        assert_eq!(
            failure.message,
            "\"2009-02-30\" is not a date: February 2009 has 28 days"
        );
        let failure = parse_instant_or_date("2009-07-01T09:00:00", &tz, false).unwrap_err();
        assert_eq!(
            failure.message,
            "\"2009-07-01T09:00:00\" has no UTC offset: add one, e.g. 2009-04-01T09:00:00+01:00"
        );
        for bad in [
            "yesterday",
            "2009-02-30T09:00:00Z",
            "2009-07-01T25:00:00Z",
            "",
            "2009-7-1",
        ] {
            let failure = parse_instant_or_date(bad, &tz, false).unwrap_err();
            assert_eq!(failure.kind, crate::FailureKind::Usage, "{bad}");
            assert!(
                failure.message.starts_with(&format!("\"{bad}\"")),
                "{}",
                failure.message
            );
        }
    }
}
