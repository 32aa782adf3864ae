//! The reminders as an iCalendar feed (RFC 5545): one `VEVENT` per reminder, `UID` the reminder
//! id, `DTSTART` in UTC, CRLF line endings, content lines folded at 75 octets.

use super::Reminder;
use jiff::Timestamp;

/// The feed: a `VCALENDAR` named after the partnership, stamped `now`, one event per reminder.
pub fn calendar(
    partnership: &str,
    timezone: &str,
    reminders: &[Reminder],
    now: Timestamp,
) -> String {
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&fold(&text));
        out.push_str("\r\n");
    };
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//concordat//reminders//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!(
        "X-WR-CALNAME:{}",
        escape(&format!("{partnership}: reminders"))
    ));
    line(format!("X-WR-TIMEZONE:{}", escape(timezone)));
    for r in reminders {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", escape(&r.id)));
        line(format!("DTSTAMP:{}", utc(now)));
        line(format!("DTSTART:{}", utc(r.due)));
        line(format!("SUMMARY:{}", escape(&r.title)));
        let mut description = vec![format!("Kind: {}", r.kind)];
        if let Some(p) = &r.proposal {
            description.push(format!("Proposal: {p}"));
        }
        if let Some(c) = &r.council {
            description.push(format!("Council: {c}"));
        }
        description.push(format!("Reminder id: {}", r.id));
        line(format!("DESCRIPTION:{}", escape(&description.join("\n"))));
        line(format!("CATEGORIES:{}", escape(r.kind.as_str())));
        line("TRANSP:TRANSPARENT".into());
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

/// `20090101T090000Z`.
fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value escaped (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded (RFC 5545 §3.1): at most 75 octets a line, continuations start with a
/// space, never splitting a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 74 * 3);
    let mut used = 0;
    let mut limit = 75;
    for c in line.chars() {
        let width = c.len_utf8();
        if used + width > limit {
            out.push_str("\r\n ");
            used = 0;
            limit = 74;
        }
        out.push(c);
        used += width;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reminders::Kind;

    #[test]
    fn lines_are_folded_at_75_octets_without_splitting_characters() {
        let long = format!("SUMMARY:{}", "é".repeat(60));
        let folded = fold(&long);
        for physical in folded.split("\r\n") {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded, long);
        assert_eq!(fold("SHORT:1"), "SHORT:1");
    }

    #[test]
    fn a_feed_has_crlf_lines_and_utc_starts() {
        let r = Reminder {
            id: "quarterly-report:2009-04-01T09:00:00+01:00".into(),
            kind: Kind::QuarterlyReport,
            due: "2009-04-01T08:00:00Z".parse().unwrap(),
            proposal: None,
            council: None,
            title: "Quarterly report, to each council; 2008/09-Q4".into(),
        };
        let now = "2009-03-01T12:00:00Z".parse().unwrap();
        let feed = calendar("Bromsgrove and Redditch", "Europe/London", &[r], now);
        assert!(feed.ends_with("END:VCALENDAR\r\n"));
        assert!(!feed.replace("\r\n", "").contains('\n'));
        assert!(feed.contains("\r\nDTSTART:20090401T080000Z\r\n"));
        assert!(feed.contains("\r\nUID:quarterly-report:2009-04-01T09:00:00+01:00\r\n"));
        assert!(feed.contains("SUMMARY:Quarterly report\\, to each council\\; 2008/09-Q4"));
    }
}
