//! Tests of the parent module.

use super::*;
use crate::time::format_instant;
use chrono::{FixedOffset, MappedLocalTime};
use jiff::civil::date;
use proptest::prelude::*;

/// `civil` read at a fixed `offset`.
fn at_offset(civil: DateTime, offset: Offset) -> Timestamp {
    offset
        .to_timestamp(civil)
        .expect("within the supported range")
}

fn london() -> TimeZone {
    TimeZone::get("Europe/London").unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn show(instants: &[Timestamp], tz: &TimeZone) -> Vec<String> {
    instants.iter().map(|t| format_instant(*t, tz)).collect()
}

// ---- the DST policy ----

#[test]
fn a_gap_time_resolves_to_the_end_of_the_gap() {
    let tz = london();
    let due = resolve_local(date(2009, 3, 29).at(1, 30, 0, 0), &tz);
    assert_eq!(due, ts("2009-03-29T01:00:00Z"));
    assert_eq!(format_instant(due, &tz), "2009-03-29T02:00:00+01:00");
    // The first instant of the gap, and its last second, too.
    assert_eq!(
        resolve_local(date(2009, 3, 29).at(1, 0, 0, 0), &tz),
        ts("2009-03-29T01:00:00Z")
    );
    assert_eq!(
        resolve_local(date(2009, 3, 29).at(1, 59, 59, 999_999_999), &tz),
        ts("2009-03-29T01:00:00Z")
    );
    // Just outside it.
    assert_eq!(
        resolve_local(date(2009, 3, 29).at(0, 59, 59, 0), &tz),
        ts("2009-03-29T00:59:59Z")
    );
    assert_eq!(
        resolve_local(date(2009, 3, 29).at(2, 0, 0, 0), &tz),
        ts("2009-03-29T01:00:00Z")
    );
}

#[test]
fn a_repeated_time_resolves_to_the_first() {
    let tz = london();
    let due = resolve_local(date(2009, 10, 25).at(1, 30, 0, 0), &tz);
    assert_eq!(due, ts("2009-10-25T00:30:00Z"));
    assert_eq!(format_instant(due, &tz), "2009-10-25T01:30:00+01:00");
    assert_eq!(
        resolve_local(date(2009, 10, 25).at(2, 0, 0, 0), &tz),
        ts("2009-10-25T02:00:00Z")
    );
}

#[test]
fn gaps_that_are_not_an_hour_or_not_at_one_oclock() {
    // Lord Howe Island moves by 30 minutes; New York springs forward at 02:00.
    let lord_howe = TimeZone::get("Australia/Lord_Howe").unwrap();
    let due = resolve_local(date(2009, 10, 4).at(2, 15, 0, 0), &lord_howe);
    assert_eq!(format_instant(due, &lord_howe), "2009-10-04T02:30:00+11:00");
    let new_york = TimeZone::get("America/New_York").unwrap();
    let due = resolve_local(date(2009, 3, 8).at(2, 30, 0, 0), &new_york);
    assert_eq!(format_instant(due, &new_york), "2009-03-08T03:00:00-04:00");
    let due = resolve_local(date(2009, 11, 1).at(1, 30, 0, 0), &new_york);
    assert_eq!(format_instant(due, &new_york), "2009-11-01T01:30:00-04:00");
}

#[test]
fn local_at_uses_the_policy() {
    let tz = london();
    assert_eq!(
        format_instant(local_at(date(2009, 1, 5), 9, 0, &tz), &tz),
        "2009-01-05T09:00:00+00:00"
    );
    assert_eq!(
        format_instant(local_at(date(2009, 7, 5), 9, 0, &tz), &tz),
        "2009-07-05T09:00:00+01:00"
    );
    assert_eq!(
        format_instant(local_at(date(2009, 3, 29), 1, 15, &tz), &tz),
        "2009-03-29T02:00:00+01:00"
    );
}

#[test]
fn the_fallback_finds_the_transition() {
    let tz = london();
    let AmbiguousOffset::Gap { before, after } = tz
        .to_ambiguous_timestamp(date(2009, 3, 29).at(1, 30, 0, 0))
        .offset()
    else {
        panic!("01:30 on 2009-03-29 is in the gap");
    };
    let civil = date(2009, 3, 29).at(1, 30, 0, 0);
    let found = first_instant_with_offset(
        &tz,
        at_offset(civil, after),
        at_offset(civil, before),
        after,
    );
    assert_eq!(found, ts("2009-03-29T01:00:00Z"));
}

// ---- months ----

#[test]
fn months_clamp_to_the_end_of_the_month_counted_from_the_original_date() {
    let go_live = date(2008, 8, 31);
    assert_eq!(add_months_clamped(go_live, 6), date(2009, 2, 28));
    assert_eq!(add_months_clamped(go_live, 12), date(2009, 8, 31));
    assert_eq!(add_months_clamped(go_live, 24), date(2010, 8, 31));
    let leap = date(2011, 8, 31);
    assert_eq!(add_months_clamped(leap, 6), date(2012, 2, 29));
    assert_eq!(add_months_clamped(leap, 12), date(2012, 8, 31));
    assert_eq!(add_months_clamped(date(2012, 2, 29), 12), date(2013, 2, 28));
    assert_eq!(add_months_clamped(date(2012, 2, 29), 48), date(2016, 2, 29));
    assert_eq!(add_months_clamped(date(2009, 1, 31), 1), date(2009, 2, 28));
    assert_eq!(add_months_clamped(date(2009, 3, 31), 1), date(2009, 4, 30));
    assert_eq!(add_months_clamped(date(2009, 10, 15), 3), date(2010, 1, 15));
    assert_eq!(add_months_clamped(date(2009, 3, 31), -1), date(2009, 2, 28));
    assert_eq!(
        add_months_clamped(date(2009, 1, 15), -13),
        date(2007, 12, 15)
    );
    assert_eq!(add_months_clamped(date(2009, 1, 15), 0), date(2009, 1, 15));
}

// ---- cron ----

#[test]
fn quarterly_reports_at_nine_local_across_bst_and_gmt() {
    let tz = london();
    let quarterly = CronSchedule::parse("0 0 9 1 Jan,Apr,Jul,Oct *").unwrap();
    let due = quarterly.between(ts("2008-01-01T00:00:00Z"), ts("2010-12-31T23:59:59Z"), &tz);
    let mut expected = Vec::new();
    for year in 2008..=2010 {
        expected.push(format!("{year}-01-01T09:00:00+00:00"));
        expected.push(format!("{year}-04-01T09:00:00+01:00"));
        expected.push(format!("{year}-07-01T09:00:00+01:00"));
        expected.push(format!("{year}-10-01T09:00:00+01:00"));
    }
    assert_eq!(show(&due, &tz), expected);
    assert_eq!(
        quarterly.next_after(ts("2009-04-01T08:00:00Z"), &tz),
        Some(ts("2009-07-01T08:00:00Z"))
    );
    assert_eq!(
        quarterly.next_after(ts("2009-04-01T07:59:59Z"), &tz),
        Some(ts("2009-04-01T08:00:00Z"))
    );
}

#[test]
fn half_past_one_fires_once_on_both_change_days() {
    let tz = london();
    let nightly = CronSchedule::parse("0 30 1 * * *").unwrap();
    let spring = nightly.between(ts("2009-03-27T12:00:00Z"), ts("2009-03-31T00:00:00Z"), &tz);
    assert_eq!(
        show(&spring, &tz),
        [
            "2009-03-28T01:30:00+00:00",
            "2009-03-29T02:00:00+01:00",
            "2009-03-30T01:30:00+01:00",
        ]
    );
    let autumn = nightly.between(ts("2009-10-23T12:00:00Z"), ts("2009-10-27T00:00:00Z"), &tz);
    assert_eq!(
        show(&autumn, &tz),
        [
            "2009-10-24T01:30:00+01:00",
            "2009-10-25T01:30:00+01:00",
            "2009-10-26T01:30:00+00:00",
        ]
    );
    // Asking from inside the repeat, after the first 01:30, does not give the second.
    assert_eq!(
        nightly.next_after(ts("2009-10-25T00:30:00Z"), &tz),
        Some(ts("2009-10-26T01:30:00Z"))
    );
    assert_eq!(
        nightly.next_after(ts("2009-10-25T01:15:00Z"), &tz),
        Some(ts("2009-10-26T01:30:00Z"))
    );
    // From just before the gap, the next firing is the end of the gap; from it, the next day.
    assert_eq!(
        nightly.next_after(ts("2009-03-29T00:59:59Z"), &tz),
        Some(ts("2009-03-29T01:00:00Z"))
    );
    assert_eq!(
        nightly.next_after(ts("2009-03-29T01:00:00Z"), &tz),
        Some(ts("2009-03-30T00:30:00Z"))
    );
}

#[test]
fn firings_in_one_gap_are_yielded_once() {
    let tz = london();
    let every_quarter_hour = CronSchedule::parse("0 */15 * * * *").unwrap();
    let due =
        every_quarter_hour.between(ts("2009-03-29T00:30:00Z"), ts("2009-03-29T01:30:00Z"), &tz);
    assert_eq!(
        show(&due, &tz),
        [
            "2009-03-29T00:45:00+00:00",
            "2009-03-29T02:00:00+01:00",
            "2009-03-29T02:15:00+01:00",
            "2009-03-29T02:30:00+01:00",
        ]
    );
    let due =
        every_quarter_hour.between(ts("2009-10-24T23:30:00Z"), ts("2009-10-25T02:30:00Z"), &tz);
    assert_eq!(
        show(&due, &tz),
        [
            "2009-10-25T00:45:00+01:00",
            "2009-10-25T01:00:00+01:00",
            "2009-10-25T01:15:00+01:00",
            "2009-10-25T01:30:00+01:00",
            "2009-10-25T01:45:00+01:00",
            "2009-10-25T02:00:00+00:00",
            "2009-10-25T02:15:00+00:00",
            "2009-10-25T02:30:00+00:00",
        ]
    );
}

#[test]
fn between_is_exclusive_then_inclusive() {
    let tz = london();
    let nightly = CronSchedule::parse("0 30 1 * * *").unwrap();
    let due = nightly.between(ts("2009-01-05T01:30:00Z"), ts("2009-01-07T01:30:00Z"), &tz);
    assert_eq!(
        due,
        [ts("2009-01-06T01:30:00Z"), ts("2009-01-07T01:30:00Z")]
    );
    assert!(nightly
        .between(ts("2009-01-07T01:30:00Z"), ts("2009-01-07T01:30:00Z"), &tz)
        .is_empty());
    assert!(nightly
        .between(ts("2009-01-08T00:00:00Z"), ts("2009-01-07T00:00:00Z"), &tz)
        .is_empty());
    // A fractional start still finds the next whole-second firing.
    assert_eq!(
        nightly.next_after(ts("2009-01-07T01:29:59.5Z"), &tz),
        Some(ts("2009-01-07T01:30:00Z"))
    );
}

#[test]
fn a_schedule_that_ends_stops() {
    let tz = london();
    let once = CronSchedule::parse("0 0 9 1 Apr * 2009").unwrap();
    assert_eq!(
        once.next_after(ts("2008-01-01T00:00:00Z"), &tz),
        Some(ts("2009-04-01T08:00:00Z"))
    );
    assert_eq!(once.next_after(ts("2009-04-01T08:00:00Z"), &tz), None);
}

#[test]
fn bad_expressions_are_usage_failures_that_say_how_to_fix_them() {
    for bad in [
        "0 9 1 * *",
        "",
        "0 0 9 1 Jan,Apr,Jul,Oct * 2009 x",
        "0 0 25 * * *",
        "nonsense x y z q r",
    ] {
        let failure = CronSchedule::parse(bad).unwrap_err();
        assert_eq!(failure.kind, crate::FailureKind::Usage, "{bad}");
        assert!(
            failure.message.contains(&format!("\"{bad}\"")),
            "{}",
            failure.message
        );
        assert!(
            failure
                .message
                .contains("expected six fields: sec min hour day-of-month month day-of-week"),
            "{}",
            failure.message
        );
    }
    assert_eq!(
        CronSchedule::parse("0 0 25 * * *").unwrap_err().message,
        "cron expression \"0 0 25 * * *\" is not valid: Hours must be less than 23. ('25' \
         specified.); expected six fields: sec min hour day-of-month month day-of-week \
         (optionally a seventh, year), e.g. \"0 0 9 1 Jan,Apr,Jul,Oct *\" (09:00 on the \
         first of each quarter)"
    );
    assert!(CronSchedule::parse("@nonsense")
        .unwrap_err()
        .message
        .starts_with("cron expression \"@nonsense\" is not valid; expected six fields"));
    assert_eq!(CronSchedule::parse("@daily").unwrap().source(), "@daily");
    assert_eq!(
        CronSchedule::parse("0 9 1 * *").unwrap_err().message,
        "cron expression \"0 9 1 * *\" has 5 fields: expected six fields: sec min hour \
         day-of-month month day-of-week (optionally a seventh, year), e.g. \
         \"0 0 9 1 Jan,Apr,Jul,Oct *\" (09:00 on the first of each quarter)"
    );
    assert_eq!(
        CronSchedule::parse(" 0 0 9 1 Jan,Apr,Jul,Oct * ")
            .unwrap()
            .source(),
        "0 0 9 1 Jan,Apr,Jul,Oct *"
    );
}

// ---- what the cron crate does on its own with a zoned DateTime ----

/// A chrono zone backed by jiff's tz database (test only), to see how the `cron` crate treats
/// gaps and repeats when it is handed a zoned `DateTime`.
#[derive(Clone, Debug)]
struct JiffZone(TimeZone);

#[derive(Clone, Debug)]
struct JiffOffset {
    zone: TimeZone,
    fixed: FixedOffset,
}

impl chrono::Offset for JiffOffset {
    fn fix(&self) -> FixedOffset {
        self.fixed
    }
}

impl JiffZone {
    fn wrap(&self, offset: Offset) -> JiffOffset {
        JiffOffset {
            zone: self.0.clone(),
            fixed: FixedOffset::east_opt(offset.seconds()).unwrap(),
        }
    }
}

impl chrono::TimeZone for JiffZone {
    type Offset = JiffOffset;

    fn from_offset(offset: &JiffOffset) -> Self {
        JiffZone(offset.zone.clone())
    }

    fn offset_from_local_date(&self, local: &NaiveDate) -> MappedLocalTime<JiffOffset> {
        self.offset_from_local_datetime(&local.and_hms_opt(0, 0, 0).unwrap())
    }

    fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> MappedLocalTime<JiffOffset> {
        let civil = utc_to_civil(*local).unwrap();
        match self.0.to_ambiguous_timestamp(civil).offset() {
            AmbiguousOffset::Unambiguous { offset } => MappedLocalTime::Single(self.wrap(offset)),
            AmbiguousOffset::Gap { .. } => MappedLocalTime::None,
            AmbiguousOffset::Fold { before, after } => {
                MappedLocalTime::Ambiguous(self.wrap(before), self.wrap(after))
            }
        }
    }

    fn offset_from_utc_date(&self, utc: &NaiveDate) -> JiffOffset {
        self.offset_from_utc_datetime(&utc.and_hms_opt(0, 0, 0).unwrap())
    }

    fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> JiffOffset {
        let instant = Timestamp::from_second(utc.and_utc().timestamp()).unwrap();
        self.wrap(self.0.to_offset(instant))
    }
}

fn cron_crate_zoned(expr: &str, from: &str, until: &str) -> Vec<String> {
    let zone = JiffZone(london());
    let schedule = cron::Schedule::from_str(expr).unwrap();
    let from = zone.from_utc_datetime(
        &ts(from)
            .to_string()
            .parse::<chrono::DateTime<Utc>>()
            .unwrap()
            .naive_utc(),
    );
    let until = ts(until);
    schedule
        .after(&from)
        .map(|d| Timestamp::from_second(d.timestamp()).unwrap())
        .take_while(|t| *t <= until)
        .map(|t| format_instant(t, &london()))
        .collect()
}

#[test]
fn the_cron_crate_on_a_zoned_datetime_skips_the_gap_and_fires_twice_in_the_repeat() {
    // This is why CronSchedule evaluates in civil time: asked directly, the crate breaks
    // "falls due once" on both change days.
    assert_eq!(
        cron_crate_zoned(
            "0 30 1 * * *",
            "2009-03-27T12:00:00Z",
            "2009-03-31T00:00:00Z"
        ),
        ["2009-03-28T01:30:00+00:00", "2009-03-30T01:30:00+01:00"],
        "no firing at all on 2009-03-29"
    );
    assert_eq!(
        cron_crate_zoned(
            "0 30 1 * * *",
            "2009-10-23T12:00:00Z",
            "2009-10-27T00:00:00Z"
        ),
        [
            "2009-10-24T01:30:00+01:00",
            "2009-10-25T01:30:00+01:00",
            "2009-10-25T01:30:00+00:00",
            "2009-10-26T01:30:00+00:00",
        ],
        "two firings on 2009-10-25"
    );
}

// ---- properties ----

fn zone_name() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("Europe/London"),
        Just("America/New_York"),
        Just("Australia/Lord_Howe"),
        Just("America/Sao_Paulo"),
    ]
}

/// Small cron expressions dense enough to land in gaps and repeats.
fn expression() -> impl Strategy<Value = String> {
    let second = prop_oneof![Just("0".to_string()), Just("0,30".to_string())];
    let minute = prop_oneof![
        (0..60u8).prop_map(|m| m.to_string()),
        Just("*/15".to_string()),
        Just("0,30".to_string()),
    ];
    let hour = prop_oneof![
        (0..24u8).prop_map(|h| h.to_string()),
        Just("*".to_string()),
        Just("0-3".to_string()),
        Just("1,2".to_string()),
    ];
    let dom = prop_oneof![Just("*".to_string()), (1..32u8).prop_map(|d| d.to_string())];
    (second, minute, hour, dom).prop_map(|(s, m, h, d)| format!("{s} {m} {h} {d} * *"))
}

fn civil_of(t: Timestamp, tz: &TimeZone) -> DateTime {
    t.to_zoned(tz.clone()).datetime()
}

fn scheduled(schedule: &CronSchedule, civil: DateTime) -> bool {
    schedule.schedule.includes(civil_to_utc(civil))
}

/// Whether some scheduled civil time lies in a gap that ends at `t`.
fn ends_a_gap_with_a_firing_in_it(schedule: &CronSchedule, t: Timestamp, tz: &TimeZone) -> bool {
    let before = tz.to_offset(t - jiff::SignedDuration::from_secs(1));
    let after = tz.to_offset(t);
    if after.seconds() <= before.seconds() {
        return false;
    }
    let gap_start = t.to_zoned(TimeZone::fixed(before)).datetime();
    let gap_end = t.to_zoned(TimeZone::fixed(after)).datetime();
    let first = schedule
        .schedule
        .after(&civil_to_utc(
            gap_start - jiff::SignedDuration::from_secs(1),
        ))
        .next()
        .and_then(|d| utc_to_civil(d.naive_utc()));
    matches!(first, Some(c) if c < gap_end)
}

#[test]
fn a_schedule_past_the_end_of_time_fires_no_more() {
    // Civil 9999-12-31 in UTC lies past jiff's last instant; such a firing ends the schedule
    // (the cron crate itself stops after 2099), it never panics.
    let schedule = CronSchedule::parse("0 0 0 * * *").unwrap();
    let now = ts("9999-12-30T12:00:00Z");
    assert_eq!(schedule.next_after(now, &TimeZone::UTC), None);
    assert!(schedule
        .between(now, Timestamp::MAX, &TimeZone::UTC)
        .is_empty());
    assert_eq!(
        try_resolve_local(date(9999, 12, 31).at(0, 0, 0, 0), &TimeZone::UTC),
        None
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn between_yields_strictly_increasing_scheduled_or_gap_end_instants(
        zone in zone_name(),
        expr in expression(),
        start in 1_199_145_600i64..1_293_753_600, // 2008-01-01 .. 2010-12-31
        days in 1i64..4,
        // Half the cases start near a transition, where it matters.
        near_change in any::<bool>(),
        offset_minutes in -180i64..180,
    ) {
        let tz = TimeZone::get(zone).unwrap();
        let schedule = CronSchedule::parse(&expr).unwrap();
        let mut after = Timestamp::from_second(start).unwrap();
        if near_change {
            if let Some(change) = tz.following(after).next() {
                after = change.timestamp() + jiff::SignedDuration::from_mins(offset_minutes);
            }
        }
        let until = after + jiff::SignedDuration::from_hours(24 * days);
        let due = schedule.between(after, until, &tz);

        let mut previous = after;
        let mut civils = std::collections::BTreeSet::new();
        for &t in &due {
            prop_assert!(t > previous, "{t} not after {previous}");
            prop_assert!(t <= until);
            let civil = civil_of(t, &tz);
            prop_assert!(
                scheduled(&schedule, civil) || ends_a_gap_with_a_firing_in_it(&schedule, t, &tz),
                "{} ({}) is neither scheduled nor the end of a gap with a firing in it",
                format_instant(t, &tz), expr
            );
            // Once per civil time: never the second of a repeated time.
            prop_assert!(civils.insert(civil), "{} civil time repeated", format_instant(t, &tz));
            // A repeated civil time falls due at the first of its two instants (asked of jiff
            // directly, not of resolve_local).
            let ambiguous = tz.to_ambiguous_timestamp(civil);
            if matches!(ambiguous.offset(), AmbiguousOffset::Fold { .. }) {
                prop_assert_eq!(t, ambiguous.earlier().unwrap(), "{} is the second of a repeat", format_instant(t, &tz));
            }
            prop_assert_eq!(t, resolve_local(civil, &tz));
            previous = t;
        }

        // Stepping with next_after gives the same instants.
        let mut stepped = Vec::new();
        let mut cursor = after;
        while let Some(t) = schedule.next_after(cursor, &tz) {
            if t > until { break; }
            stepped.push(t);
            cursor = t;
        }
        prop_assert_eq!(&stepped, &due);

        // And nothing scheduled is missed: each civil firing in the window resolves to one
        // of them (or before the window).
        let civil_from = civil_to_utc(civil_of(after, &tz) - jiff::SignedDuration::from_hours(3));
        let civil_until = civil_of(until, &tz) + jiff::SignedDuration::from_hours(3);
        for c in schedule.schedule.after(&civil_from) {
            let c = utc_to_civil(c.naive_utc()).unwrap();
            if c > civil_until { break; }
            let t = resolve_local(c, &tz);
            if t > after && t <= until {
                prop_assert!(due.contains(&t), "{} ({c}) missing for {}", format_instant(t, &tz), expr);
            }
        }
    }

    #[test]
    fn resolve_local_never_goes_backwards(
        zone in zone_name(),
        start in 1_199_145_600i64..1_293_753_600,
        step in 1i64..7200,
    ) {
        let tz = TimeZone::get(zone).unwrap();
        let a = civil_of(Timestamp::from_second(start).unwrap(), &tz);
        let b = a + jiff::SignedDuration::from_secs(step);
        prop_assert!(resolve_local(a, &tz) <= resolve_local(b, &tz));
    }

    #[test]
    fn months_clamp_from_the_original_date(
        year in 1900i16..2100, month in 1i8..=12, day in 1i8..=31, months in -240i32..240,
    ) {
        let first = Date::new(year, month, 1).unwrap();
        let d = Date::new(year, month, day.min(first.days_in_month())).unwrap();
        let moved = add_months_clamped(d, months);
        let total = (i32::from(moved.year()) * 12 + i32::from(moved.month()))
            - (i32::from(d.year()) * 12 + i32::from(d.month()));
        prop_assert_eq!(total, months);
        prop_assert_eq!(moved.day(), d.day().min(moved.days_in_month()));
    }
}

#[test]
fn the_most_firings_a_year_is_read_from_the_fields() {
    let most = |expr: &str| {
        CronSchedule::parse(expr)
            .unwrap()
            .firings_per_year_at_most()
    };
    assert_eq!(most("0 0 9 1 Jan,Apr,Jul,Oct *"), 4);
    assert_eq!(most("0 30 1 * * *"), 366);
    // Every two seconds through one hour of one day (the failover test's schedule).
    assert_eq!(most("*/2 * 10 3 12 * 2026"), 1800);
    assert_eq!(most("0 0 9 * * Mon"), 12 * 5);
    assert_eq!(most("* * * * * *"), 60 * 60 * 24 * 366);
}

#[test]
fn an_every_second_schedule_enumerates_a_bounded_number_of_firings() {
    let tz = TimeZone::get("Europe/London").unwrap();
    let every_second = CronSchedule::parse("* * * * * *").unwrap();
    let from: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let until: Timestamp = "2026-04-01T00:00:00Z".parse().unwrap();
    let firings = every_second.between(from, until, &tz);
    assert_eq!(firings.len(), super::MAX_ENUMERATED);
    assert_eq!(
        firings[0],
        "2026-01-01T00:00:01Z".parse::<Timestamp>().unwrap()
    );
}
