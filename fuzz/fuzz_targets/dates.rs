//! Fuzzes dates and instants as the command line reads them (`--on`, `--due`, `--until`,
//! `--as-of`, `--known-at`, `$CONCORDAT_NOW`): parsing never panics and fails only as a usage
//! error; what parses prints and parses back to itself, in every zone tried.
//!
//! Input: the first byte picks the zone, the rest is the text.

#![no_main]

use engine::time::{format_date, format_instant, local_date, parse_date, parse_instant_or_date};
use engine::FailureKind;
use jiff::tz::TimeZone;
use libfuzzer_sys::fuzz_target;

const ZONES: [&str; 6] = [
    "Europe/London",
    "UTC",
    "America/Sao_Paulo",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Australia/Lord_Howe",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let tz = TimeZone::get(ZONES[pick as usize % ZONES.len()]).expect("a known zone");
    match parse_date(text) {
        Ok(d) => assert_eq!(parse_date(&format_date(d)).ok(), Some(d)),
        Err(e) => assert_eq!(e.kind, FailureKind::Usage),
    }
    for end_of_day in [false, true] {
        match parse_instant_or_date(text, &tz, end_of_day) {
            Ok(t) => {
                let printed = format_instant(t, &tz);
                let again = parse_instant_or_date(&printed, &tz, end_of_day)
                    .unwrap_or_else(|e| panic!("{printed} (from {text:?}) does not parse: {e}"));
                // Printed in whole seconds: the second the instant falls in (floor, not toward zero).
                let floor = t.as_second() - i64::from(t.subsec_nanosecond() < 0);
                assert_eq!(again.as_second(), floor, "{printed} round trip");
                let _ = local_date(t, &tz);
            }
            Err(e) => assert_eq!(e.kind, FailureKind::Usage, "{e}"),
        }
    }
});
