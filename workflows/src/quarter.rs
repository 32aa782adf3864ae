//! Financial-year quarters, written `2008/09-Q3` and counted from the partnership's year start.

use engine::Failure;
use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The month and day a financial year starts (1 April by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearStart {
    pub month: i8,
    pub day: i8,
}

impl Default for YearStart {
    fn default() -> Self {
        YearStart { month: 4, day: 1 }
    }
}

impl YearStart {
    /// Parses `MM-DD` (e.g. `04-01`).
    pub fn parse(text: &str) -> Result<YearStart, Failure> {
        let bad = || {
            Failure::usage(format!(
                "financial_year_start {text:?} is not a month and day"
            ))
            .with_detail("write it as MM-DD, e.g. \"04-01\" for 1 April")
        };
        let (m, d) = text.split_once('-').ok_or_else(bad)?;
        let (month, day): (i8, i8) = (m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
        // A year start must exist every year, so 29 February is refused along with nonsense.
        Date::new(2001, month, day).map_err(|_| bad())?;
        Ok(YearStart { month, day })
    }
}

/// A quarter of the financial year that starts in `year`: `q` is 1 to 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i16,
    pub q: u8,
}

impl Quarter {
    /// Parses `2008/09-Q3`.
    pub fn parse(text: &str) -> Result<Quarter, Failure> {
        let bad = || {
            Failure::usage(format!("{text:?} is not a financial quarter")).with_detail(
                "write it like 2008/09-Q3 (the financial year that starts in 2008, third quarter)",
            )
        };
        let (years, q) = text.split_once("-Q").ok_or_else(bad)?;
        let (first, second) = years.split_once('/').ok_or_else(bad)?;
        if first.len() != 4 || second.len() != 2 {
            return Err(bad());
        }
        let year: i16 = first.parse().map_err(|_| bad())?;
        let next: i16 = second.parse().map_err(|_| bad())?;
        let q: u8 = q.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&q) || (year + 1) % 100 != next {
            return Err(bad());
        }
        // The quarter after the last one must still have its days (reports show what falls due
        // then), whatever the year start: 9998/99-Q4 would need days of the year 10000.
        if !(1000..=9997).contains(&year) {
            return Err(Failure::usage(format!(
                "{text:?} is out of range: quarters run from 1000/01 to 9997/98"
            ))
            .with_detail("write it like 2008/09-Q3"));
        }
        Ok(Quarter { year, q })
    }

    /// The quarter that contains `date`.
    pub fn containing(date: Date, start: YearStart) -> Quarter {
        let this_year_start = year_start_date(date.year(), start);
        let year = if date >= this_year_start {
            date.year()
        } else {
            date.year() - 1
        };
        let fy_start = year_start_date(year, start);
        let mut q = 1;
        while q < 4 && (Quarter { year, q: q + 1 }).first_day_from(fy_start) <= date {
            q += 1;
        }
        Quarter { year, q }
    }

    fn first_day_from(self, fy_start: Date) -> Date {
        fy_start
            .checked_add(jiff::Span::new().months(3 * i64::from(self.q - 1)))
            .expect("date in range")
    }

    /// The quarter's first day.
    pub fn first_day(self, start: YearStart) -> Date {
        self.first_day_from(year_start_date(self.year, start))
    }

    /// The quarter's last day.
    pub fn last_day(self, start: YearStart) -> Date {
        self.next()
            .first_day(start)
            .yesterday()
            .expect("date in range")
    }

    /// The quarter after this one.
    pub fn next(self) -> Quarter {
        if self.q == 4 {
            Quarter {
                year: self.year + 1,
                q: 1,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q + 1,
            }
        }
    }

    /// The quarter before this one.
    pub fn previous(self) -> Quarter {
        if self.q == 1 {
            Quarter {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q - 1,
            }
        }
    }
}

/// The label of the financial year that starts in `year`: `2008/09`.
pub fn year_label(year: i16) -> String {
    format!("{year}/{:02}", (year + 1) % 100)
}

fn year_start_date(year: i16, start: YearStart) -> Date {
    Date::new(year, start.month, start.day).expect("a year start exists every year")
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", year_label(self.year), self.q)
    }
}

impl std::str::FromStr for Quarter {
    type Err = Failure;
    fn from_str(text: &str) -> Result<Quarter, Failure> {
        Quarter::parse(text)
    }
}

impl Serialize for Quarter {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Quarter {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Quarter, D::Error> {
        let text = String::deserialize(d)?;
        Quarter::parse(&text).map_err(|e| serde::de::Error::custom(e.message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_year_label_names_both_calendar_years() {
        assert_eq!(year_label(2008), "2008/09");
        assert_eq!(year_label(1999), "1999/00");
    }

    #[test]
    fn q3_of_2008_09_is_october_to_december() {
        let q = Quarter::parse("2008/09-Q3").unwrap();
        let start = YearStart::default();
        assert_eq!(q.first_day(start), date(2008, 10, 1));
        assert_eq!(q.last_day(start), date(2008, 12, 31));
        assert_eq!(
            Quarter::containing(date(2009, 2, 14), start).to_string(),
            "2008/09-Q4"
        );
        assert_eq!(
            Quarter::containing(date(2009, 4, 1), start).to_string(),
            "2009/10-Q1"
        );
        assert_eq!(q.next().next().to_string(), "2009/10-Q1");
    }

    #[test]
    fn malformed_quarters_are_usage_errors() {
        for bad in [
            "2008-Q3",
            "2008/10-Q3",
            "2008/09-Q5",
            "2008/09Q3",
            "1999/00-Q1x",
        ] {
            assert!(Quarter::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Quarter::parse("1999/00-Q1").unwrap().to_string(),
            "1999/00-Q1"
        );
        // Found by fuzzing: with a late year start the quarter after 9998/99-Q4 ran past 9999.
        let late = YearStart::parse("12-31").unwrap();
        let last = Quarter::parse("9997/98-Q4").unwrap();
        assert!(last.next().last_day(late) > last.last_day(late));
        assert!(Quarter::parse("9998/99-Q4").is_err());
    }

    #[test]
    fn a_january_year_start() {
        let start = YearStart::parse("01-01").unwrap();
        assert_eq!(
            Quarter::containing(date(2009, 5, 1), start).to_string(),
            "2009/10-Q2"
        );
        assert!(YearStart::parse("02-29").is_err());
    }
}
