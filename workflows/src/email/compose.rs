//! The words of a message: its subject and plain-text body. Bodies say what to do and link to the
//! web pages when the configuration gives the web address.

use crate::reminders::ics::{description, BaseUrl};
use crate::reminders::{Facts, Reminder};

/// A reminder's subject.
pub fn reminder_subject(r: &Reminder) -> String {
    format!("Reminder: {}", one_line(&r.title))
}

/// A council's quarterly report's subject.
pub fn report_subject(quarter: &str, council_name: &str) -> String {
    format!("Quarterly report {quarter}: {}", one_line(council_name))
}

/// A reminder's body: the calendar feed's description (what to do, when, where to look).
pub fn reminder_body(facts: &Facts, r: &Reminder, base: Option<&BaseUrl>, to: &str) -> String {
    format!(
        "Dear {to},\n\n{}\n\nThis message was sent by the concordat scheduler.\n",
        description(facts, r, base)
    )
}

/// A report's body: what is attached and how to check it against the log.
pub fn report_body(
    quarter: &str,
    council_name: &str,
    known_at: &str,
    sha256: &str,
    base: Option<&BaseUrl>,
    to: &str,
) -> String {
    let mut text = format!(
        "Dear {to},\n\nThe quarterly report of {council_name} for {quarter} is attached as a PDF and a spreadsheet (CSV).\n\nIt was issued from the log as known at {known_at}; the Markdown report recorded then has the SHA-256 {sha256}.\n"
    );
    if let Some(base) = base {
        text += &format!("\nThe web pages: {}\n", base.page("/"));
    }
    text + "\nThis message was sent by the concordat scheduler.\n"
}

/// Text for a header: line breaks and control characters become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_stay_on_one_line() {
        assert_eq!(
            report_subject("2008/09-Q3", "Bromsgrove\r\nBcc: x"),
            "Quarterly report 2008/09-Q3: Bromsgrove  Bcc: x"
        );
    }
}
