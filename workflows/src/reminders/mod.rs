//! Reminders: what falls due when (the contract's "Reminders: when they fall due"), each with a
//! deterministic id, and the firing that records it exactly once.
//!
//! - [`rules`]: the due-instant rules as pure functions over [`Facts`], a small summary of the
//!   partnership, its proposals and its milestones (built from the projection elsewhere).
//! - [`firing`]: the `reminder-fired` / `report-issued` events and the one-stream-per-reminder
//!   expectation that makes a second firing a conflict on every backend.
//! - [`ics`]: the RFC 5545 feed.
//!
//! Reminder ids (stable, part of the log once fired):
//! `quarterly-report:2009-01-01T09:00:00+00:00` (the due instant, local offset),
//! `review:elections:bromsgrove:six-month:2009-03-01` (proposal, council, kind, due date),
//! `milestone:phase-2:approaching:14:2009-01-31` and `milestone:phase-2:overdue:2009-01-31`
//! (milestone, what, lead days, the milestone's due date: amending it makes new ids),
//! `call-in:elections:bromsgrove:2009-01-19T12:00:00+00:00` (proposal, council, the window's end),
//! `arrangement:joint-chief-executive:bromsgrove:6:2008-12-30` (arrangement, council, months, due date),
//! `risk-review:risk-1:2009-01-15` (the risk, its review date),
//! `board:2008-09-01:agenda:2008-08-21`, `board:2008-09-01:meeting` and
//! `board:2008-09-01:minutes:2008-11-03` (the meeting; the agenda's deadline; the next meeting).

pub mod arrangement;
pub mod board;
pub mod call_in;
pub mod end;
pub mod firing;
pub mod ics;
pub mod outbox;
pub mod outlook;
pub mod risk;
pub mod rules;

pub use arrangement::ArrangementFacts;
pub use board::MeetingFacts;
pub use call_in::CallInFacts;
pub use outlook::Outlook;
pub use risk::RiskFacts;
pub use rules::{Activity, Facts, MilestoneFacts, ProposalFacts, ReviewHeld};

use engine::time::format_instant;
use engine::Failure;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a reminder is for (the contract's `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    QuarterlyReport,
    SixMonthReview,
    TwelveMonthReview,
    AnnualReview,
    MilestoneApproaching,
    MilestoneOverdue,
    /// A council's call-in window after an approval ends (issue 11).
    CallInCloses,
    /// A risk's review date (issue 22).
    RiskReview,
    /// A council's review of an arrangement of the partnership falls due (issue 21).
    ArrangementReview,
    /// A Board meeting's agenda is due (issue 21).
    BoardAgendaDeadline,
    /// A Board meeting starts.
    BoardMeeting,
    /// A meeting's minutes are still unapproved after the next meeting.
    BoardMinutesUnapproved,
}

impl Kind {
    /// The kind as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::QuarterlyReport => "quarterly-report",
            Kind::SixMonthReview => "six-month-review",
            Kind::TwelveMonthReview => "twelve-month-review",
            Kind::AnnualReview => "annual-review",
            Kind::MilestoneApproaching => "milestone-approaching",
            Kind::MilestoneOverdue => "milestone-overdue",
            Kind::CallInCloses => "call-in-closes",
            Kind::RiskReview => "risk-review",
            Kind::ArrangementReview => "arrangement-review",
            Kind::BoardAgendaDeadline => "board-agenda-deadline",
            Kind::BoardMeeting => "board-meeting",
            Kind::BoardMinutesUnapproved => "board-minutes-unapproved",
        }
    }

    /// Parses a kind as written in JSON (an event's data); unknown kinds are usage failures.
    pub fn parse(text: &str) -> Result<Kind, Failure> {
        ALL_KINDS
            .iter()
            .copied()
            .find(|k| k.as_str() == text)
            .ok_or_else(|| {
                Failure::usage(format!("{text:?} is not a reminder kind")).with_detail(format!(
                    "use one of: {}",
                    ALL_KINDS.map(Kind::as_str).join(", ")
                ))
            })
    }
}

const ALL_KINDS: [Kind; 12] = [
    Kind::QuarterlyReport,
    Kind::SixMonthReview,
    Kind::TwelveMonthReview,
    Kind::AnnualReview,
    Kind::MilestoneApproaching,
    Kind::MilestoneOverdue,
    Kind::CallInCloses,
    Kind::RiskReview,
    Kind::ArrangementReview,
    Kind::BoardAgendaDeadline,
    Kind::BoardMeeting,
    Kind::BoardMinutesUnapproved,
];

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of a council's review of a shared service (`review record --kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewKind {
    SixMonth,
    TwelveMonth,
    Annual,
}

impl ReviewKind {
    /// The kind as written on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewKind::SixMonth => "six-month",
            ReviewKind::TwelveMonth => "twelve-month",
            ReviewKind::Annual => "annual",
        }
    }

    /// Parses `six-month`, `twelve-month` or `annual`; anything else is a usage failure.
    pub fn parse(text: &str) -> Result<ReviewKind, Failure> {
        match text {
            "six-month" => Ok(ReviewKind::SixMonth),
            "twelve-month" => Ok(ReviewKind::TwelveMonth),
            "annual" => Ok(ReviewKind::Annual),
            _ => Err(Failure::usage(format!("{text:?} is not a kind of review"))
                .with_detail("use one of: six-month, twelve-month, annual")),
        }
    }

    /// The reminder kind that asks for this review.
    pub fn reminder_kind(self) -> Kind {
        match self {
            ReviewKind::SixMonth => Kind::SixMonthReview,
            ReviewKind::TwelveMonth => Kind::TwelveMonthReview,
            ReviewKind::Annual => Kind::AnnualReview,
        }
    }

    /// "Six-month review" and so on, for titles.
    pub fn label(self) -> &'static str {
        match self {
            ReviewKind::SixMonth => "Six-month review",
            ReviewKind::TwelveMonth => "Twelve-month review",
            ReviewKind::Annual => "Annual review",
        }
    }
}

/// One reminder: when it falls due and what it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// Deterministic id (see the module documentation).
    pub id: String,
    pub kind: Kind,
    pub due: Timestamp,
    pub proposal: Option<String>,
    pub council: Option<String>,
    /// One line a person reads.
    pub title: String,
}

/// A reminder as the contract prints it (`reminders list`, `proposal show`'s `next_reminders`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderView {
    pub id: String,
    /// RFC 3339 with the partnership's local offset.
    pub due: String,
    pub kind: Kind,
    pub proposal: Option<String>,
    pub council: Option<String>,
    pub title: String,
}

impl Reminder {
    /// The contract's JSON shape, `due` written in `tz`.
    pub fn view(&self, tz: &TimeZone) -> ReminderView {
        ReminderView {
            id: self.id.clone(),
            due: format_instant(self.due, tz),
            kind: self.kind,
            proposal: self.proposal.clone(),
            council: self.council.clone(),
            title: self.title.clone(),
        }
    }
}

/// The stream that holds a reminder's firing (and, for a quarterly report, the reports it issued).
pub fn stream_of(id: &str) -> String {
    format!("{}{id}", firing::STREAM_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for kind in ALL_KINDS {
            assert_eq!(Kind::parse(kind.as_str()).unwrap(), kind);
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::json!(kind.as_str())
            );
        }
        assert!(Kind::parse("weekly").is_err());
        assert_eq!(ReviewKind::parse("annual").unwrap(), ReviewKind::Annual);
        assert_eq!(
            ReviewKind::parse("yearly").unwrap_err().kind,
            engine::FailureKind::Usage
        );
    }
}
