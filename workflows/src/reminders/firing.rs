//! Firing a reminder exactly once: one stream per reminder id, appended to only when it does not
//! exist yet (an [`Expectation`] at version 0), so a second scheduler's firing is a conflict on the
//! embedded and the PostgreSQL store alike, and "not yet fired" means "no such stream".
//!
//! Events (their `type` and `data` keys are part of the contract):
//! - `reminder-fired` on `reminder-<id>`: `{id, kind, due, proposal, council, title, late, fired_at}`;
//! - `report-issued` on the same stream, one per council, for a quarterly report:
//!   `{reminder, council, quarter, format, path, sha256, known_at, layout}` (`layout` absent in
//!   reports issued before layouts were versioned: layout 1).

use super::{stream_of, Kind, Reminder};
use engine::time::format_instant;
use engine::{Expectation, NewEvent};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Every reminder's stream starts with this.
pub const STREAM_PREFIX: &str = "reminder-";
/// Type of the event that records a firing.
pub const REMINDER_FIRED: &str = "reminder-fired";
/// Type of the event that records a quarterly report issued to one council.
pub const REPORT_ISSUED: &str = "report-issued";
/// A firing more than this long after its due instant is `late`.
pub const LATE_AFTER: SignedDuration = SignedDuration::from_secs(60);

/// One firing, as `scheduler tick` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fired {
    pub id: String,
    /// RFC 3339 with the local offset.
    pub due: String,
    pub kind: Kind,
    pub proposal: Option<String>,
    pub council: Option<String>,
    pub late: bool,
    pub title: String,
}

/// One quarterly report written to the outbox, as `scheduler tick` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedReport {
    pub council: String,
    pub quarter: String,
    /// Absolute path of the Markdown file.
    pub path: String,
    /// Lowercase hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// `seq:N`: the log position the report was generated from.
    pub known_at: String,
    /// The report layout it was rendered with (`report quarterly --known-at` uses it again).
    #[serde(default = "layout_one")]
    pub layout: u32,
}

/// Reports issued before layouts were versioned used layout 1.
fn layout_one() -> u32 {
    1
}

/// Whether a firing at `fired_at` of a reminder due at `due` is late (more than a minute after).
pub fn is_late(due: Timestamp, fired_at: Timestamp) -> bool {
    fired_at.duration_since(due) > LATE_AFTER
}

/// The reminder as fired at `now`.
pub fn fired(reminder: &Reminder, now: Timestamp, tz: &TimeZone) -> Fired {
    Fired {
        id: reminder.id.clone(),
        due: format_instant(reminder.due, tz),
        kind: reminder.kind,
        proposal: reminder.proposal.clone(),
        council: reminder.council.clone(),
        late: is_late(reminder.due, now),
        title: reminder.title.clone(),
    }
}

/// The `reminder-fired` event; `today` is its effective date (the day it fired).
pub fn fired_event(
    fired: &Fired,
    now: Timestamp,
    tz: &TimeZone,
    actor: &str,
    today: Date,
) -> NewEvent {
    NewEvent {
        stream: stream_of(&fired.id),
        kind: REMINDER_FIRED.to_string(),
        actor: actor.to_string(),
        effective_on: today.to_string(),
        data: serde_json::json!({
            "id": fired.id,
            "kind": fired.kind,
            "due": fired.due,
            "proposal": fired.proposal,
            "council": fired.council,
            "title": fired.title,
            "late": fired.late,
            "fired_at": format_instant(now, tz),
        }),
    }
}

/// The `report-issued` event for one council's report, on the firing reminder's stream.
pub fn report_event(
    reminder_id: &str,
    report: &IssuedReport,
    actor: &str,
    today: Date,
) -> NewEvent {
    NewEvent {
        stream: stream_of(reminder_id),
        kind: REPORT_ISSUED.to_string(),
        actor: actor.to_string(),
        effective_on: today.to_string(),
        data: serde_json::json!({
            "reminder": reminder_id,
            "council": report.council,
            "quarter": report.quarter,
            "format": "md",
            "path": report.path,
            "sha256": report.sha256,
            "known_at": report.known_at,
            "layout": report.layout,
        }),
    }
}

/// The expectation that makes a firing happen once: the reminder's stream must not exist yet.
pub fn first_firing(reminder_id: &str) -> Expectation {
    Expectation {
        stream: stream_of(reminder_id),
        version: 0,
    }
}

/// The ids of fired reminders, from the store's stream names (`EventStore::streams(STREAM_PREFIX)`).
pub fn fired_ids(streams: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    streams
        .into_iter()
        .filter_map(|s| s.strip_prefix(STREAM_PREFIX).map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_means_more_than_a_minute() {
        let due: Timestamp = "2009-01-01T09:00:00Z".parse().unwrap();
        assert!(!is_late(due, due));
        assert!(!is_late(due, due + SignedDuration::from_secs(60)));
        assert!(is_late(due, due + SignedDuration::from_secs(61)));
        assert!(!is_late(due, due - SignedDuration::from_secs(3600)));
    }

    #[test]
    fn fired_ids_come_from_stream_names() {
        let ids = fired_ids(vec![
            "reminder-quarterly-report:2009-01-01T09:00:00+00:00".to_string(),
            "proposal-payroll".to_string(),
        ]);
        assert_eq!(
            ids.into_iter().collect::<Vec<_>>(),
            ["quarterly-report:2009-01-01T09:00:00+00:00"]
        );
        assert_eq!(first_firing("x").stream, "reminder-x");
        assert_eq!(first_firing("x").version, 0);
    }
}
