//! Call-in windows of three councils with different rules, across weekends, Easter, the one-off
//! bank holidays, and both BST and GMT (tests/fixtures/three-councils-call-in.toml).

use super::*;
use crate::partnership::Partnership;
use engine::time::format_instant;
use jiff::civil::date;

const THREE: &str = include_str!("../../tests/fixtures/three-councils-call-in.toml");

fn rule(council: &str) -> CallInRule {
    let p = Partnership::from_toml(THREE).expect("the fixture loads");
    p.council(council)
        .and_then(|c| c.call_in.clone())
        .expect("the council has a window")
}

/// When `council`'s window after a decision on `y-m-d` closes, as the contract prints instants.
fn closes(council: &str, y: i16, m: i8, d: i8) -> String {
    let tz = TimeZone::get("Europe/London").unwrap();
    let w = rule(council).window(date(y, m, d), &tz).unwrap();
    format_instant(w.closes, &tz)
}

#[test]
fn the_three_constitutions_load() {
    let p = Partnership::from_toml(THREE).unwrap();
    let body = |c: &str| p.council(c).unwrap().decision_body;
    assert_eq!(body("bromsgrove"), Some(DecisionBody::Cabinet));
    assert_eq!(body("wyre-forest"), Some(DecisionBody::FullCouncil));
    assert!(rule("bromsgrove").urgent_exempt && !rule("redditch").urgent_exempt);
    assert_eq!(
        rule("bromsgrove").describe(),
        "12:00 on the 3rd working day after the decision"
    );
    assert_eq!(
        rule("redditch").describe(),
        "17:00 on the working day after 5 clear days from the decision"
    );
    assert_eq!(
        rule("wyre-forest").describe(),
        "12:00 on the 8th day after the decision"
    );
}

#[test]
fn an_ordinary_week_in_gmt_and_in_bst() {
    // Wednesday 14 January 2009 (GMT): Thu, Fri, Mon → noon Monday 19th.
    assert_eq!(
        closes("bromsgrove", 2009, 1, 14),
        "2009-01-19T12:00:00+00:00"
    );
    // Clear days Thu 15, Fri 16, Mon 19, Tue 20, Wed 21 → 17:00 Thursday 22nd.
    assert_eq!(closes("redditch", 2009, 1, 14), "2009-01-22T17:00:00+00:00");
    assert_eq!(
        closes("wyre-forest", 2009, 1, 14),
        "2009-01-22T12:00:00+00:00"
    );
    // The same in July (BST): the instants carry +01:00 and are an hour earlier in UTC.
    assert_eq!(
        closes("bromsgrove", 2009, 7, 15),
        "2009-07-20T12:00:00+01:00"
    );
    assert_eq!(closes("redditch", 2009, 7, 15), "2009-07-23T17:00:00+01:00");
    assert_eq!(
        closes("wyre-forest", 2009, 7, 15),
        "2009-07-23T12:00:00+01:00"
    );
}

#[test]
fn a_decision_on_a_friday_counts_no_weekend() {
    // Friday 6 March 2009: Mon 9, Tue 10, Wed 11.
    assert_eq!(
        closes("bromsgrove", 2009, 3, 6),
        "2009-03-11T12:00:00+00:00"
    );
    // Calendar days count the weekend: Saturday 14 March.
    assert_eq!(
        closes("wyre-forest", 2009, 3, 6),
        "2009-03-14T12:00:00+00:00"
    );
}

#[test]
fn easter_and_the_clocks_changing() {
    // Thursday 20 March 2008, before Easter 2008 (Good Friday 21, Easter Monday 24 March):
    // working days Tue 25, Wed 26, Thu 27.
    assert_eq!(
        closes("bromsgrove", 2008, 3, 20),
        "2008-03-27T12:00:00+00:00"
    );
    // Clear days 25, 26, 27, 28, 31 March; closes on Tuesday 1 April, in BST (clocks went
    // forward on 30 March 2008).
    assert_eq!(closes("redditch", 2008, 3, 20), "2008-04-01T17:00:00+01:00");
    // Eight calendar days: Friday 28 March, still GMT.
    assert_eq!(
        closes("wyre-forest", 2008, 3, 20),
        "2008-03-28T12:00:00+00:00"
    );
    // Thursday 23 October 2008, the clocks going back on the 26th: the window opens in BST and
    // closes in GMT.
    assert_eq!(
        closes("bromsgrove", 2008, 10, 23),
        "2008-10-28T12:00:00+00:00"
    );
    assert_eq!(
        closes("wyre-forest", 2008, 10, 23),
        "2008-10-31T12:00:00+00:00"
    );
    // Easter 2011 (Good Friday 22, Easter Monday 25 April) then the royal wedding on Friday 29 April
    // and the early May holiday on 2 May: from Thursday 21 April, working days are 26, 27, 28.
    assert_eq!(
        closes("bromsgrove", 2011, 4, 21),
        "2011-04-28T12:00:00+01:00"
    );
    // Clear days 26, 27, 28 April, 3, 4 May (not the 29th, not the 2nd) → Thursday 5 May.
    assert_eq!(closes("redditch", 2011, 4, 21), "2011-05-05T17:00:00+01:00");
}

#[test]
fn the_one_off_bank_holidays() {
    // 2002: the Golden Jubilee (3 June) and the spring holiday moved to 4 June; 27 May worked.
    // From Thursday 30 May: Fri 31, Wed 5, Thu 6 June.
    assert_eq!(
        closes("bromsgrove", 2002, 5, 30),
        "2002-06-06T12:00:00+01:00"
    );
    assert_eq!(
        closes("bromsgrove", 2002, 5, 24),
        "2002-05-29T12:00:00+01:00"
    );
    // 2012: the spring holiday moved to 4 June and the Diamond Jubilee on 5 June.
    assert_eq!(
        closes("bromsgrove", 2012, 6, 1),
        "2012-06-08T12:00:00+01:00"
    );
    // 2020: the early May holiday moved to VE Day, Friday 8 May; Monday 4 May was worked.
    assert_eq!(
        closes("bromsgrove", 2020, 5, 1),
        "2020-05-06T12:00:00+01:00"
    );
    assert_eq!(
        closes("bromsgrove", 2020, 5, 6),
        "2020-05-12T12:00:00+01:00"
    );
    // 2022: spring holiday Thursday 2 June, Platinum Jubilee Friday 3 June; 30 May was worked.
    assert_eq!(
        closes("bromsgrove", 2022, 5, 31),
        "2022-06-07T12:00:00+01:00"
    );
    // Clear days 1, 6, 7, 8, 9 June 2022 → 17:00 on Friday 10 June.
    assert_eq!(closes("redditch", 2022, 5, 31), "2022-06-10T17:00:00+01:00");
    // The State Funeral, Monday 19 September 2022.
    assert_eq!(
        closes("bromsgrove", 2022, 9, 15),
        "2022-09-21T12:00:00+01:00"
    );
    // The Coronation, Monday 8 May 2023, a week after the early May holiday.
    assert_eq!(
        closes("bromsgrove", 2023, 5, 4),
        "2023-05-10T12:00:00+01:00"
    );
    assert_eq!(closes("redditch", 2023, 4, 28), "2023-05-10T17:00:00+01:00");
    // Calendar days ignore every holiday: eight days after 31 May 2022 is 8 June.
    assert_eq!(
        closes("wyre-forest", 2022, 5, 31),
        "2022-06-08T12:00:00+01:00"
    );
}

#[test]
fn christmas_and_the_new_year() {
    // Tuesday 22 December 2009: Wed 23, Thu 24, Tue 29 (25, 28 Boxing substitute).
    assert_eq!(
        closes("bromsgrove", 2009, 12, 22),
        "2009-12-29T12:00:00+00:00"
    );
    // Wednesday 29 December 2010: Thu 30, Fri 31, Tue 4 January 2011 (3rd: New Year substitute).
    assert_eq!(
        closes("bromsgrove", 2010, 12, 29),
        "2011-01-04T12:00:00+00:00"
    );
}

#[test]
fn a_window_records_its_calendar_and_day() {
    let tz = TimeZone::get("Europe/London").unwrap();
    let w = rule("bromsgrove").window(date(2009, 1, 14), &tz).unwrap();
    assert_eq!(w.closing_day, date(2009, 1, 19));
    assert_eq!(w.calendar.as_deref(), Some("england-and-wales v1"));
    let w = rule("wyre-forest").window(date(2009, 1, 14), &tz).unwrap();
    assert_eq!(w.calendar, None, "calendar days need no calendar");
    // Beyond the table's years, working days are refused rather than guessed.
    let far = rule("bromsgrove")
        .window(date(2030, 12, 30), &tz)
        .unwrap_err();
    assert_eq!(far.kind, engine::FailureKind::Refused);
}

#[test]
fn a_bad_rule_is_refused_with_its_line_and_the_fix() {
    let refused = |text: &str| Partnership::from_toml(text).unwrap_err();
    let e = refused(&THREE.replace("closes_at = \"17:00\"", "closes_at = \"5pm\""));
    assert_eq!(e.kind, engine::FailureKind::Usage);
    let line = THREE.lines().position(|l| l.contains("\"17:00\"")).unwrap() + 1;
    assert!(
        e.message
            .starts_with(&format!("line {line}: council \"redditch\"")),
        "{}",
        e.message
    );
    assert!(e.message.contains("HH:MM"));
    let e = refused(&THREE.replace("days = 8", "days = 0"));
    assert!(e.message.contains("\"wyre-forest\"") && e.message.contains("from 1 to 90"));
    let e = refused(&THREE.replace("\"clear-days\"", "\"weekdays\""));
    assert!(e.message.contains("working-days"), "{}", e.message);
    assert!(e.message.starts_with("line "));
    let e = refused(&THREE.replace("decision_body = \"cabinet\"", "decision_body = \"mayor\""));
    assert!(e.message.contains("full-council"), "{}", e.message);
    let e = refused(&THREE.replace("urgent_exempt = true", "urgent = true"));
    assert!(e.message.contains("urgent"), "{}", e.message);
    let e = refused(&THREE.replace(
        "closes_at = \"12:00\"\nurgent_exempt = true\n\n[board_rule]",
        "closes_at = \"12:00\"\ncalendar = \"scotland\"\n\n[board_rule]",
    ));
    assert!(e.message.contains("england-and-wales"), "{}", e.message);
}

#[test]
fn ordinals() {
    let words: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111]
        .iter()
        .map(|n| ordinal(*n))
        .collect();
    assert_eq!(
        words,
        [
            "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st",
            "111th"
        ]
    );
}
