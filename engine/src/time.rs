//! Instants as the contract prints them: local offset, never `Z`, no fractions.

use jiff::tz::TimeZone;
use jiff::Timestamp;

/// `YYYY-MM-DDTHH:MM:SS±HH:MM` in `tz` (whole seconds; `+00:00`, never `Z`).
pub fn format_instant(instant: Timestamp, tz: &TimeZone) -> String {
    instant
        .to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
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
}
