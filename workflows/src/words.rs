//! Values in the words a person reads: stage names ("Business case"), dates ("10 December 2008")
//! and times ("9:00am"). The one formatter the pages, the CLI's text and the descriptions use;
//! JSON and the contract's formats keep their ids and ISO 8601.

use crate::definition::Stage;
use crate::reminders::Kind;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// A stage's name in words: `not-pursued` → "Not pursued" (a later version's stage: its id
/// with spaces, capitalised).
pub fn stage(stage: &Stage) -> String {
    let known = match stage {
        Stage::QuickWin => "Quick win",
        Stage::BusinessCase => "Business case",
        Stage::Consultation => "Consultation",
        Stage::CouncilApproval => "Council approval",
        Stage::Monitoring => "Monitoring",
        Stage::OnHold => "On hold",
        Stage::NotPursued => "Not pursued",
        Stage::Withdrawn => "Withdrawn",
        Stage::Rejected => "Rejected",
        Stage::Closed => "Closed",
        Stage::Other(id) => return capitalised(&id.replace('-', " ")),
    };
    known.to_string()
}

/// `text` with every stage id in it (`council-approval`) written in words ("council approval"):
/// for showing a refusal worded for the command line to a person.
pub fn stages_in(text: &str) -> String {
    let mut out = text.to_string();
    for s in Stage::CONTRACT {
        let id = s.as_str();
        if !id.contains('-') {
            continue;
        }
        let mut done = String::new();
        let mut rest = out.as_str();
        while let Some(at) = rest.find(id) {
            let before = rest[..at].chars().next_back();
            let after = rest[at + id.len()..].chars().next();
            let joined = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-');
            done += &rest[..at];
            if joined(before) || joined(after) {
                done += id;
            } else {
                done += &stage_lower(&s);
            }
            rest = &rest[at + id.len()..];
        }
        done += rest;
        out = done;
    }
    out
}

/// A stage's name in words, lower case, for the middle of a sentence ("moved to business case").
pub fn stage_lower(s: &Stage) -> String {
    stage(s).to_lowercase()
}

/// A reminder's kind in words.
pub fn reminder_kind(kind: Kind) -> &'static str {
    match kind {
        Kind::QuarterlyReport => "Quarterly report",
        Kind::SixMonthReview => "Six-month review",
        Kind::TwelveMonthReview => "Twelve-month review",
        Kind::AnnualReview => "Annual review",
        Kind::MilestoneApproaching => "Milestone coming up",
        Kind::MilestoneOverdue => "Milestone overdue",
        Kind::CallInCloses => "Call-in window closes",
        Kind::RiskReview => "Risk review",
        Kind::ArrangementReview => "Arrangement review",
        Kind::BoardAgendaDeadline => "Board agenda due",
        Kind::BoardMeeting => "Board meeting",
        Kind::BoardMinutesUnapproved => "Board minutes unapproved",
    }
}

/// `text` with its first letter in upper case.
pub fn capitalised(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// A date as "10 December 2008".
pub fn date(d: Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

/// A time of day as "9:00am", "12:30pm".
pub fn time(t: Time) -> String {
    t.strftime("%-I:%M%P").to_string()
}

/// An instant in `tz` as "2 September 2009, 9:00am".
pub fn instant(at: Timestamp, tz: &TimeZone) -> String {
    let local = at.to_zoned(tz.clone());
    format!("{}, {}", date(local.date()), time(local.time()))
}

/// A stored date (`2008-12-10`) or instant (`2009-09-02T09:00:00+01:00`, shown in `tz`) in
/// words; text that is neither is returned as it is.
pub fn date_or_instant(text: &str, tz: &TimeZone) -> String {
    match text.parse::<Timestamp>() {
        Ok(at) => instant(at, tz),
        Err(_) => date_text(text),
    }
}

/// A stored date (`2008-12-10`) in words; text that is not one is returned as it is.
pub fn date_text(text: &str) -> String {
    match text.parse::<Date>() {
        Ok(d) if text.len() == 10 => date(d),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date as d, time as t};

    #[test]
    fn dates_and_times_read_as_people_write_them() {
        assert_eq!(date(d(2008, 12, 10)), "10 December 2008");
        assert_eq!(date(d(2009, 1, 1)), "1 January 2009");
        assert_eq!(time(t(9, 0, 0, 0)), "9:00am");
        assert_eq!(time(t(0, 5, 0, 0)), "12:05am");
        assert_eq!(time(t(12, 30, 0, 0)), "12:30pm");
        assert_eq!(time(t(17, 45, 0, 0)), "5:45pm");
        let london = TimeZone::get("Europe/London").unwrap();
        assert_eq!(
            date_or_instant("2009-09-02T09:00:00+01:00", &london),
            "2 September 2009, 9:00am"
        );
        assert_eq!(date_or_instant("2008-12-10", &london), "10 December 2008");
        assert_eq!(date_text("2009Q1"), "2009Q1");
    }

    #[test]
    fn every_stage_has_a_name_in_words() {
        for s in Stage::CONTRACT {
            let name = stage(&s);
            assert!(!name.contains('-'), "{name}");
            assert!(name.chars().next().unwrap().is_uppercase());
        }
        assert_eq!(stage(&Stage::NotPursued), "Not pursued");
        assert_eq!(
            stages_in("cannot advance x from council-approval to monitoring; my-on-hold-x"),
            "cannot advance x from council approval to monitoring; my-on-hold-x"
        );
        assert_eq!(stage(&Stage::Other("board-review".into())), "Board review");
    }
}
