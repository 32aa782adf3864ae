//! The due-instant rules, as pure functions over a small summary of the store ([`Facts`]).
//!
//! - `quarterly-report`: each firing of `schedule.quarterly_report` after the partnership was
//!   registered ([`CronSchedule`], civil time, the engine's daylight-saving policy).
//! - reviews: for each council of a proposal in monitoring, 09:00 local 6 and 12 months after the
//!   go-live date, then every 12 months, each counted from go-live ([`add_months_clamped`]).
//!   A review recorded for a council answers (cancels) that council's occurrence of its kind; an
//!   annual review held on D answers the earliest unanswered annual occurrence whose successor
//!   falls after D: the one due next (held early or on time) or the one just past (held late).
//! - milestones: `lead` days before the due date and the day after it, 09:00 local, until
//!   completed.
//! - a proposal on hold has its reminders (and its milestones') suspended; one that ended has them
//!   cancelled.

use super::{Kind, Reminder, ReviewKind};
use crate::quarter::{Quarter, YearStart};
use engine::schedule::{add_months_clamped, local_at, try_resolve_local, CronSchedule};
use engine::time::{format_date, format_instant, local_date};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Where a proposal stands, as far as its reminders care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Activity {
    /// Its reminders fall due.
    Active,
    /// On hold: its reminders are suspended (those that fell due fire after `resume`).
    OnHold,
    /// Not pursued, withdrawn, rejected or closed: its reminders are cancelled.
    Ended,
}

/// A review a council recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewHeld {
    pub council: String,
    pub kind: ReviewKind,
    /// The review's effective date (when it was held).
    pub held_on: Date,
}

/// What the rules need to know about one proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalFacts {
    pub id: String,
    pub title: String,
    pub councils: Vec<String>,
    /// The date it entered `monitoring` (the service went live), if it has.
    pub went_live: Option<Date>,
    pub activity: Activity,
    pub reviews: Vec<ReviewHeld>,
    /// Call-in windows of its approvals that nobody has called in (see [`super::call_in`]).
    pub call_in: Vec<super::CallInFacts>,
}

/// What the rules need to know about one milestone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneFacts {
    pub id: String,
    pub title: String,
    /// The proposal it belongs to, if any (its hold or end applies to the milestone's reminders).
    pub proposal: Option<String>,
    /// The due date in force (after any amendment).
    pub due: Date,
    pub completed: bool,
}

/// Everything the reminder rules read.
#[derive(Debug, Clone)]
pub struct Facts {
    pub tz: TimeZone,
    pub year_start: YearStart,
    /// `schedule.quarterly_report`.
    pub quarterly: CronSchedule,
    /// Quarterly firings count strictly after this instant (when the partnership was registered).
    pub since: Timestamp,
    /// `schedule.milestone_lead_days`.
    pub lead_days: Vec<u32>,
    /// Council id → name, for titles.
    pub council_names: BTreeMap<String, String>,
    pub proposals: Vec<ProposalFacts>,
    pub milestones: Vec<MilestoneFacts>,
    /// The risk register's risks (their review reminders: [`super::risk`]).
    pub risks: Vec<super::RiskFacts>,
    /// The date the partnership ended, if it has: nothing falls due after it but the report of
    /// the quarter containing it ([`super::end`]).
    pub ends: Option<Date>,
    /// The partnership's own arrangements under review ([`super::arrangement`]).
    pub arrangements: Vec<super::ArrangementFacts>,
    /// The Board's scheduled meetings, in date order.
    pub meetings: Vec<super::MeetingFacts>,
}

/// 09:00 local: when review and milestone reminders fall due.
pub const REMINDER_HOUR: i8 = 9;

impl Facts {
    /// Every reminder neither suspended nor cancelled that falls due up to `until` (inclusive),
    /// fired or not, in due order (ties by id).
    pub fn reminders(&self, until: Timestamp) -> Vec<Reminder> {
        let mut all = self.quarterly_reminders(until);
        for proposal in &self.proposals {
            all.extend(self.review_reminders(proposal, until));
            all.extend(self.call_in_reminders(proposal, until));
        }
        for milestone in &self.milestones {
            all.extend(self.milestone_reminders(milestone, until));
        }
        for risk in &self.risks {
            all.extend(self.risk_reminders(risk, until));
        }
        for arrangement in &self.arrangements {
            all.extend(self.arrangement_reminders(arrangement, until));
        }
        all.extend(self.board_reminders(until));
        all.retain(|r| super::end::falls_due(self.ends, r, &self.tz, self.year_start));
        all.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.id.cmp(&b.id)));
        all
    }

    /// The reminders of one proposal (its reviews and its milestones) up to `until`.
    pub fn reminders_of(&self, proposal: &str, until: Timestamp) -> Vec<Reminder> {
        self.reminders(until)
            .into_iter()
            .filter(|r| r.proposal.as_deref() == Some(proposal))
            .collect()
    }

    /// The quarterly-report firings in `(since, until]`.
    pub fn quarterly_reminders(&self, until: Timestamp) -> Vec<Reminder> {
        self.quarterly
            .between(self.since, until, &self.tz)
            .into_iter()
            .map(|due| {
                let quarter = reported_quarter(due, &self.tz, self.year_start);
                Reminder {
                    id: quarterly_id(due, &self.tz),
                    kind: Kind::QuarterlyReport,
                    due,
                    proposal: None,
                    council: None,
                    title: format!("Quarterly report to each council for {quarter}"),
                }
            })
            .collect()
    }

    /// 09:00 local on `day`, or `None` at the ends of the calendar.
    pub(super) fn at_nine(&self, day: Date) -> Option<Timestamp> {
        try_resolve_local(day.at(REMINDER_HOUR, 0, 0, 0), &self.tz)
    }

    pub(super) fn activity_of(&self, proposal: &str) -> Activity {
        self.proposals
            .iter()
            .find(|p| p.id == proposal)
            .map_or(Activity::Active, |p| p.activity)
    }

    fn council_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.council_names.get(id).map_or(id, String::as_str)
    }

    /// A proposal's review reminders up to `until`, those answered by a recorded review left out.
    pub fn review_reminders(&self, p: &ProposalFacts, until: Timestamp) -> Vec<Reminder> {
        let Some(go_live) = p.went_live else {
            return Vec::new();
        };
        if p.activity != Activity::Active {
            return Vec::new();
        }
        let mut out = Vec::new();
        for council in &p.councils {
            let held: Vec<&ReviewHeld> =
                p.reviews.iter().filter(|r| &r.council == council).collect();
            let answered_annual = answered_annual_years(
                go_live,
                held.iter()
                    .filter(|r| r.kind == ReviewKind::Annual)
                    .map(|r| r.held_on),
            );
            for occurrence in review_occurrences(go_live, local_date(until, &self.tz)) {
                let due = local_at(occurrence.date, REMINDER_HOUR, 0, &self.tz);
                if due > until {
                    continue;
                }
                let answered = match occurrence.kind {
                    ReviewKind::Annual => answered_annual.contains(&occurrence.year),
                    kind => held.iter().any(|r| r.kind == kind),
                };
                if answered {
                    continue;
                }
                out.push(Reminder {
                    id: review_id(&p.id, council, occurrence.kind, occurrence.date),
                    kind: occurrence.kind.reminder_kind(),
                    due,
                    proposal: Some(p.id.clone()),
                    council: Some(council.clone()),
                    title: format!(
                        "{} of \"{}\" by {} (live since {})",
                        occurrence.kind.label(),
                        p.title,
                        self.council_name(council),
                        format_date(go_live)
                    ),
                });
            }
        }
        out
    }

    /// A milestone's reminders up to `until`: none once completed, or while its proposal is on
    /// hold or after it ended.
    pub fn milestone_reminders(&self, m: &MilestoneFacts, until: Timestamp) -> Vec<Reminder> {
        if m.completed {
            return Vec::new();
        }
        if let Some(p) = &m.proposal {
            if self.activity_of(p) != Activity::Active {
                return Vec::new();
            }
        }
        let mut out = Vec::new();
        let leads: BTreeSet<u32> = self.lead_days.iter().copied().collect();
        for lead in leads.into_iter().rev() {
            // A lead too long for a span or the calendar (a log recorded before leads were
            // bounded) has no day to fall due on: no reminder, never a panic.
            let Some(due) = jiff::Span::new()
                .try_days(i64::from(lead))
                .ok()
                .and_then(|lead| m.due.checked_sub(lead).ok())
                .and_then(|day| self.at_nine(day))
            else {
                continue;
            };
            out.push(Reminder {
                id: milestone_approaching_id(&m.id, lead, m.due),
                kind: Kind::MilestoneApproaching,
                due,
                proposal: m.proposal.clone(),
                council: None,
                title: format!(
                    "Milestone {} \"{}\" is due in {lead} day{} ({})",
                    m.id,
                    m.title,
                    if lead == 1 { "" } else { "s" },
                    format_date(m.due)
                ),
            });
        }
        if let Some(due) = m.due.tomorrow().ok().and_then(|day| self.at_nine(day)) {
            out.push(Reminder {
                id: milestone_overdue_id(&m.id, m.due),
                kind: Kind::MilestoneOverdue,
                due,
                proposal: m.proposal.clone(),
                council: None,
                title: format!(
                    "Milestone {} \"{}\" is overdue (due {})",
                    m.id,
                    m.title,
                    format_date(m.due)
                ),
            });
        }
        out.retain(|r| r.due <= until);
        out
    }
}

/// One review a council owes: six-month, twelve-month, or the annual review of year `year` (2, 3…).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewOccurrence {
    pub kind: ReviewKind,
    /// Years after go-live (0 for six-month, 1 for twelve-month, 2, 3… for annual).
    pub year: u32,
    /// Due date: go-live plus 6 or 12·year months, clamped to the month's end.
    pub date: Date,
}

/// The reviews owed after going live on `go_live`, with due dates up to `until` (inclusive).
pub fn review_occurrences(go_live: Date, until: Date) -> Vec<ReviewOccurrence> {
    let mut out = Vec::new();
    if go_live.year() > 9998 {
        return out; // no review falls due inside the calendar
    }
    let six = add_months_clamped(go_live, 6);
    if six > until {
        return out;
    }
    out.push(ReviewOccurrence {
        kind: ReviewKind::SixMonth,
        year: 0,
        date: six,
    });
    for year in 1u32.. {
        let Some(date) = annual_date(go_live, year) else {
            break;
        };
        if date > until {
            break;
        }
        let kind = if year == 1 {
            ReviewKind::TwelveMonth
        } else {
            ReviewKind::Annual
        };
        out.push(ReviewOccurrence { kind, year, date });
    }
    out
}

/// Go-live plus `years` years (clamped), or None beyond the calendar's range.
fn annual_date(go_live: Date, years: u32) -> Option<Date> {
    let months = i32::try_from(years).ok()?.checked_mul(12)?;
    if i32::from(go_live.year()) + months / 12 > 9998 {
        return None;
    }
    Some(add_months_clamped(go_live, months))
}

/// Which annual occurrences (years 2, 3…) the annual reviews held on `held` answer: each, in date
/// order, the earliest unanswered year whose successor falls after the date it was held (a year
/// whose successor is already due can no longer be answered: its reminder stands).
pub fn answered_annual_years(go_live: Date, held: impl Iterator<Item = Date>) -> BTreeSet<u32> {
    let mut held: Vec<Date> = held.collect();
    held.sort();
    let mut answered = BTreeSet::new();
    for day in held {
        let mut year = 2u32;
        while let Some(next) = annual_date(go_live, year + 1) {
            if !answered.contains(&year) && day < next {
                answered.insert(year);
                break;
            }
            year += 1;
        }
    }
    answered
}

/// The financial quarter a quarterly report due at `due` covers: the last one that ended before it.
pub fn reported_quarter(due: Timestamp, tz: &TimeZone, start: YearStart) -> Quarter {
    Quarter::containing(local_date(due, tz), start).previous()
}

/// `quarterly-report:2009-01-01T09:00:00+00:00`.
pub fn quarterly_id(due: Timestamp, tz: &TimeZone) -> String {
    format!("quarterly-report:{}", format_instant(due, tz))
}

/// `review:elections:bromsgrove:six-month:2009-03-01`.
pub fn review_id(proposal: &str, council: &str, kind: ReviewKind, due: Date) -> String {
    format!(
        "review:{proposal}:{council}:{}:{}",
        kind.as_str(),
        format_date(due)
    )
}

/// `milestone:phase-2:approaching:14:2009-01-31` (the milestone's due date, not the reminder's).
pub fn milestone_approaching_id(milestone: &str, lead_days: u32, due: Date) -> String {
    format!(
        "milestone:{milestone}:approaching:{lead_days}:{}",
        format_date(due)
    )
}

/// `milestone:phase-2:overdue:2009-01-31`.
pub fn milestone_overdue_id(milestone: &str, due: Date) -> String {
    format!("milestone:{milestone}:overdue:{}", format_date(due))
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
