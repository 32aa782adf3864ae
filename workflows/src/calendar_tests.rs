//! The pinned table against the standing rules, the one-offs and their sources.

use super::*;
use jiff::civil::date;
use jiff::ToSpan;

fn first_monday(year: i16, month: i8) -> Date {
    let mut d = date(year, month, 1);
    while d.weekday() != Weekday::Monday {
        d = d.tomorrow().unwrap();
    }
    d
}

fn last_monday(year: i16, month: i8) -> Date {
    let mut d = date(year, month, 1).last_of_month();
    while d.weekday() != Weekday::Monday {
        d = d.yesterday().unwrap();
    }
    d
}

/// The weekday a holiday falling at a weekend is taken on instead (`taken`: days already used).
fn substitute(day: Date, taken: &[Date]) -> Date {
    let mut d = day;
    while matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) || taken.contains(&d) {
        d = d.tomorrow().unwrap();
    }
    d
}

/// The standing rules with the moves and one-offs the table's sources record.
fn expected(year: i16) -> Vec<Date> {
    let easter = easter_sunday(year);
    let mut days = vec![
        substitute(date(year, 1, 1), &[]),
        easter - 2.days(),
        easter + 1.day(),
    ];
    days.push(match year {
        2020 => date(2020, 5, 8),
        _ => first_monday(year, 5),
    });
    days.push(match year {
        2002 => date(2002, 6, 4),
        2012 => date(2012, 6, 4),
        2022 => date(2022, 6, 2),
        _ => last_monday(year, 5),
    });
    days.push(last_monday(year, 8));
    // Boxing Day keeps 26 December when that is a weekday; Christmas takes the next free one.
    let boxing_first = date(year, 12, 25).weekday() == Weekday::Sunday;
    if boxing_first {
        let boxing = substitute(date(year, 12, 26), &[]);
        days.push(boxing);
        days.push(substitute(date(year, 12, 25), &[boxing]));
    } else {
        let christmas = substitute(date(year, 12, 25), &[]);
        days.push(christmas);
        days.push(substitute(date(year, 12, 26), &[christmas]));
    }
    let one_offs = [
        date(2002, 6, 3),
        date(2011, 4, 29),
        date(2012, 6, 5),
        date(2022, 6, 3),
        date(2022, 9, 19),
        date(2023, 5, 8),
    ];
    days.extend(one_offs.into_iter().filter(|d| d.year() == year));
    days.sort();
    days
}

#[test]
fn every_year_from_2000_to_2030_follows_the_rules_and_the_one_offs() {
    let cal = england_and_wales();
    assert_eq!((cal.id.as_str(), cal.version), (ENGLAND_AND_WALES, 1));
    assert_eq!((cal.first_year, cal.last_year), (2000, 2030));
    for year in 2000..=2030 {
        let listed: Vec<Date> = cal
            .holidays()
            .filter(|h| h.date.year() == year)
            .map(|h| h.date)
            .collect();
        assert_eq!(listed, expected(year), "{year}");
    }
    assert_eq!(cal.holidays().count(), 254);
    assert!(cal
        .holidays()
        .all(|h| h.date.weekday() != Weekday::Saturday && h.date.weekday() != Weekday::Sunday));
}

#[test]
fn easter_from_the_computus() {
    for (year, m, d) in [
        (2000, 4, 23),
        (2008, 3, 23),
        (2011, 4, 24),
        (2019, 4, 21),
        (2024, 3, 31),
        (2025, 4, 20),
        (2030, 4, 21),
    ] {
        assert_eq!(easter_sunday(year), date(year, m, d));
    }
}

#[test]
fn each_one_off_and_each_moved_day_says_where_it_came_from() {
    let cal = england_and_wales();
    let special: Vec<&Holiday> = cal
        .holidays()
        .filter(|h| h.one_off || h.moved_from.is_some())
        .collect();
    assert_eq!(special.len(), 10);
    for h in &special {
        let source = h.source.as_deref().unwrap_or_default();
        assert!(
            source.contains("Banking and Financial Dealings Act 1971"),
            "{}: {source}",
            h.date
        );
    }
    assert!(cal
        .holidays()
        .filter(|h| !h.one_off && h.moved_from.is_none())
        .all(|h| h.source.is_none()));
    let moved = |d: Date| cal.holiday(d).and_then(|h| h.moved_from);
    assert_eq!(moved(date(2002, 6, 4)), Some(date(2002, 5, 27)));
    assert_eq!(moved(date(2012, 6, 4)), Some(date(2012, 5, 28)));
    assert_eq!(moved(date(2020, 5, 8)), Some(date(2020, 5, 4)));
    assert_eq!(moved(date(2022, 6, 2)), Some(date(2022, 5, 30)));
    assert!(cal.holiday(date(2011, 4, 29)).unwrap().one_off);
    assert!(cal
        .holiday(date(2022, 9, 19))
        .unwrap()
        .name
        .contains("Funeral"));
    assert!(cal.revisions.iter().any(|r| r.version == cal.version));
}

#[test]
fn working_days_in_2008_are_2008s() {
    let cal = england_and_wales();
    // Easter 2008 was early: Good Friday 21 March, Easter Monday 24 March.
    assert!(!cal.is_working_day(date(2008, 3, 21)).unwrap());
    assert!(!cal.is_working_day(date(2008, 3, 24)).unwrap());
    assert!(cal.is_working_day(date(2008, 3, 25)).unwrap());
    assert!(
        !cal.is_working_day(date(2008, 3, 22)).unwrap(),
        "a Saturday"
    );
    // The moved days were working days in their usual place.
    assert!(cal.is_working_day(date(2020, 5, 4)).unwrap());
    assert!(cal.is_working_day(date(2022, 5, 30)).unwrap());
    assert_eq!(
        cal.next_working_day(date(2022, 9, 16)).unwrap(),
        date(2022, 9, 20)
    );
    let outside = cal.is_working_day(date(2031, 1, 2)).unwrap_err();
    assert_eq!(outside.kind, engine::FailureKind::Refused);
    assert!(outside.message.contains("2000 to 2030"));
    assert!(WorkingDayCalendar::named("scotland").is_none());
    assert_eq!(cal.label(), "england-and-wales v1");
}

#[test]
fn a_flawed_table_is_refused() {
    let twice = "calendar = \"x\"\nversion = 1\nfirst_year = 2000\nlast_year = 2000\nrevision = []\n\
                 [[holiday]]\ndate = \"2000-01-03\"\nname = \"a\"\n[[holiday]]\ndate = \"2000-01-03\"\nname = \"b\"\n";
    assert!(WorkingDayCalendar::from_toml(twice)
        .unwrap_err()
        .message
        .contains("twice"));
    let unknown = twice.replace("name = \"b\"", "name = \"b\"\ncolour = 1");
    assert!(WorkingDayCalendar::from_toml(&unknown).is_err());
}
