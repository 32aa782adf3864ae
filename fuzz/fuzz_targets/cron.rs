//! Fuzzes cron expressions (`schedule.quarterly_report`): parsing never panics and fails only as a
//! usage error; a parsed schedule's firings, from moments near either end of time and in zones
//! with gaps and repeats, come strictly increasing, inside the window asked for, and never panic.
//!
//! Input: the first byte picks the zone and the starting moment, the rest is the expression.

#![no_main]

use engine::schedule::CronSchedule;
use engine::FailureKind;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use libfuzzer_sys::fuzz_target;

const ZONES: [&str; 4] = [
    "Europe/London",
    "UTC",
    "America/Sao_Paulo",
    "Pacific/Kiritimati",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let schedule = match CronSchedule::parse(text) {
        Ok(s) => s,
        Err(e) => {
            assert_eq!(e.kind, FailureKind::Usage);
            return;
        }
    };
    assert_eq!(
        CronSchedule::parse(schedule.source())
            .map(|s| s.source().to_string())
            .ok()
            .as_deref(),
        Some(schedule.source())
    );
    let tz = TimeZone::get(ZONES[pick as usize % ZONES.len()]).expect("a known zone");
    let start = match (pick / 4) % 4 {
        0 => "2008-10-25T23:00:00Z".parse::<Timestamp>().unwrap(),
        1 => "2009-03-28T23:00:00Z".parse::<Timestamp>().unwrap(),
        2 => Timestamp::MAX - SignedDuration::from_hours(24 * 400),
        _ => Timestamp::MIN,
    };
    let until = start.saturating_add(SignedDuration::from_mins(30)).unwrap();
    let firings = schedule.between(start, until, &tz);
    assert!(firings.len() <= 1801, "more than one firing a second");
    assert!(
        firings.windows(2).all(|w| w[0] < w[1]),
        "firings not strictly increasing"
    );
    assert!(
        firings.iter().all(|t| *t > start && *t <= until),
        "a firing outside the window"
    );
    let mut last = start;
    for t in schedule.firings_after(start, &tz).take(50) {
        assert!(t > last, "firings not strictly increasing");
        last = t;
    }
    let _ = schedule.next_after(start, &tz);
});
