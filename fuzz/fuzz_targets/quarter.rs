//! Fuzzes financial quarters (`--quarter 2008/09-Q3`) and the year start (`financial_year_start`):
//! parsing never panics; a parsed quarter prints and parses back to itself; its days, the quarters
//! either side and the quarter containing its first and last days are all computable and agree.
//!
//! Input: `QUARTER\nYEAR_START` (the second line optional).

#![no_main]

use engine::FailureKind;
use libfuzzer_sys::fuzz_target;
use workflows::quarter::{Quarter, YearStart};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (quarter, start) = text.split_once('\n').unwrap_or((text, "04-01"));
    let start = match YearStart::parse(start) {
        Ok(s) => s,
        Err(e) => {
            assert_eq!(e.kind, FailureKind::Usage);
            YearStart::default()
        }
    };
    let q = match Quarter::parse(quarter) {
        Ok(q) => q,
        Err(e) => {
            assert_eq!(e.kind, FailureKind::Usage);
            return;
        }
    };
    let printed = q.to_string();
    assert_eq!(
        Quarter::parse(&printed).ok(),
        Some(q),
        "{printed} round trip"
    );
    let (first, last) = (q.first_day(start), q.last_day(start));
    assert!(first <= last);
    assert_eq!(
        Quarter::containing(first, start),
        q,
        "{printed} from {first}"
    );
    assert_eq!(Quarter::containing(last, start), q, "{printed} to {last}");
    // What the reports ask: the quarter after (upcoming) and before (the one just ended).
    let next = q.next();
    assert_eq!(next.first_day(start), last.tomorrow().unwrap());
    let _ = next.last_day(start);
    let previous = q.previous();
    assert_eq!(previous.last_day(start), first.yesterday().unwrap());
    assert_eq!(previous.next(), q);
});
