//! The partnership's end (`partnership-ended`): after its date nothing falls due but the final
//! quarterly report, the one for the quarter that contains the end.

use super::rules::reported_quarter;
use super::{Kind, Reminder};
use crate::quarter::{Quarter, YearStart};
use engine::time::local_date;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// Whether `reminder` still falls due when the partnership ended on `ends` (None: it has not):
/// a quarterly report up to the one for the quarter containing the end; anything else up to the
/// end of that day.
pub fn falls_due(ends: Option<Date>, reminder: &Reminder, tz: &TimeZone, start: YearStart) -> bool {
    let Some(end) = ends else {
        return true;
    };
    match reminder.kind {
        Kind::QuarterlyReport => {
            reported_quarter(reminder.due, tz, start) <= Quarter::containing(end, start)
        }
        _ => local_date(reminder.due, tz) <= end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reminder(kind: Kind, due: &str) -> Reminder {
        Reminder {
            id: "r".into(),
            kind,
            due: due.parse().unwrap(),
            proposal: None,
            council: None,
            title: String::new(),
        }
    }

    #[test]
    fn the_final_report_is_the_end_quarters_and_nothing_else_falls_due_after() {
        let tz = TimeZone::get("Europe/London").unwrap();
        let start = YearStart::default();
        let end = Some(Date::constant(2016, 11, 15));
        let due = |kind, at| falls_due(end, &reminder(kind, at), &tz, start);
        // The report for Oct–Dec 2016 (due 1 January 2017) is the last one.
        assert!(due(Kind::QuarterlyReport, "2017-01-01T09:00:00Z"));
        assert!(!due(Kind::QuarterlyReport, "2017-04-01T08:00:00Z"));
        assert!(due(Kind::AnnualReview, "2016-11-15T09:00:00Z"));
        assert!(!due(Kind::AnnualReview, "2016-11-16T09:00:00Z"));
        assert!(falls_due(
            None,
            &reminder(Kind::AnnualReview, "2030-01-01T09:00:00Z"),
            &tz,
            start
        ));
    }
}
