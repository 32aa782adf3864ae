//! `arrangement-review`: for each council reviewing an arrangement of the partnership, 09:00 local
//! on each review's due date (its schedule, month ends clamped, see
//! [`crate::arrangement::schedule`]), until that council records the review that answers it.

use super::rules::{Facts, REMINDER_HOUR};
use super::{Kind, Reminder};
use crate::arrangement::review::ReviewHeld;
use crate::arrangement::schedule::Schedule;
use crate::partnership::Partnership;
use engine::schedule::try_resolve_local;
use engine::time::{format_date, local_date};
use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What the rules need to know about one arrangement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArrangementFacts {
    pub id: String,
    pub title: String,
    pub started: Date,
    pub reviews: Vec<u32>,
    pub then: Option<u32>,
    /// The councils that review it.
    pub councils: Vec<String>,
    /// Each review recorded: the council and the months of the review it answered.
    pub answered: BTreeSet<(String, u32)>,
}

impl ArrangementFacts {
    fn schedule(&self) -> Schedule {
        Schedule {
            started: self.started,
            reviews: self.reviews.clone(),
            then: self.then,
        }
    }
}

/// The facts of the partnership's arrangements, with the reviews recorded (any order).
pub fn arrangement_facts(p: &Partnership, held: &[ReviewHeld]) -> Vec<ArrangementFacts> {
    p.arrangements
        .iter()
        .map(|a| ArrangementFacts {
            id: a.id.clone(),
            title: a.title.clone(),
            started: a.started_on(),
            reviews: a.reviews.clone(),
            then: a.then,
            councils: a.reviewers(p),
            answered: held
                .iter()
                .filter(|r| r.arrangement == a.id)
                .map(|r| (r.council.clone(), r.months))
                .collect(),
        })
        .collect()
}

impl Facts {
    /// An arrangement's review reminders due up to `until`, those answered left out.
    pub fn arrangement_reminders(&self, a: &ArrangementFacts, until: Timestamp) -> Vec<Reminder> {
        let schedule = a.schedule();
        let mut out = Vec::new();
        for occurrence in schedule.until(local_date(until, &self.tz)) {
            let Some(due) = try_resolve_local(occurrence.date.at(REMINDER_HOUR, 0, 0, 0), &self.tz)
            else {
                continue;
            };
            if due > until {
                continue;
            }
            for council in &a.councils {
                if a.answered.contains(&(council.clone(), occurrence.months)) {
                    continue;
                }
                out.push(Reminder {
                    id: arrangement_review_id(&a.id, council, occurrence.months, occurrence.date),
                    kind: Kind::ArrangementReview,
                    due,
                    proposal: None,
                    council: Some(council.clone()),
                    title: format!(
                        "{} of \"{}\" by {} (started {})",
                        schedule.label(occurrence.months),
                        a.title,
                        self.council_names
                            .get(council)
                            .map_or(council.as_str(), String::as_str),
                        format_date(a.started)
                    ),
                });
            }
        }
        out
    }
}

/// `arrangement:joint-chief-executive:bromsgrove:6:2008-12-30` (arrangement, council, months,
/// due date).
pub fn arrangement_review_id(arrangement: &str, council: &str, months: u32, due: Date) -> String {
    format!(
        "arrangement:{arrangement}:{council}:{months}:{}",
        format_date(due)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quarter::YearStart;
    use engine::schedule::CronSchedule;
    use jiff::civil::date;
    use jiff::tz::TimeZone;

    fn facts(answered: &[(&str, u32)]) -> Facts {
        Facts {
            tz: TimeZone::get("Europe/London").unwrap(),
            year_start: YearStart::default(),
            quarterly: CronSchedule::parse("0 0 9 1 Jan,Apr,Jul,Oct *").unwrap(),
            since: "2010-01-01T00:00:00Z".parse().unwrap(),
            lead_days: vec![],
            council_names: [("bromsgrove".to_string(), "Bromsgrove DC".to_string())].into(),
            proposals: vec![],
            milestones: vec![],
            risks: vec![],
            meetings: vec![],
            ends: None,
            arrangements: vec![ArrangementFacts {
                id: "joint-chief-executive".into(),
                title: "The Joint Chief Executive's trial".into(),
                started: date(2008, 6, 30),
                reviews: vec![6, 12],
                then: Some(12),
                councils: vec!["bromsgrove".into(), "redditch".into()],
                answered: answered.iter().map(|(c, m)| (c.to_string(), *m)).collect(),
            }],
        }
    }

    fn due(f: &Facts, until: &str) -> Vec<(String, String)> {
        let tz = TimeZone::get("Europe/London").unwrap();
        f.reminders(until.parse().unwrap())
            .iter()
            .filter(|r| r.kind == Kind::ArrangementReview)
            .map(|r| (r.id.clone(), engine::time::format_instant(r.due, &tz)))
            .collect()
    }

    #[test]
    fn each_council_is_reminded_at_nine_local_in_gmt_and_bst() {
        let f = facts(&[]);
        // 30 Dec 2008 is GMT (09:00Z); 30 Jun 2009 is BST (08:00Z).
        assert_eq!(
            due(&f, "2009-06-30T08:00:00Z"),
            [
                (
                    "arrangement:joint-chief-executive:bromsgrove:6:2008-12-30".into(),
                    "2008-12-30T09:00:00+00:00".into()
                ),
                (
                    "arrangement:joint-chief-executive:redditch:6:2008-12-30".into(),
                    "2008-12-30T09:00:00+00:00".into()
                ),
                (
                    "arrangement:joint-chief-executive:bromsgrove:12:2009-06-30".into(),
                    "2009-06-30T09:00:00+01:00".into()
                ),
                (
                    "arrangement:joint-chief-executive:redditch:12:2009-06-30".into(),
                    "2009-06-30T09:00:00+01:00".into()
                ),
            ]
        );
        assert_eq!(due(&f, "2009-06-30T07:59:59Z").len(), 2, "not yet due");
        let title = &f.reminders("2008-12-31T00:00:00Z".parse().unwrap())[0].title;
        assert_eq!(
            title,
            "Six-month review of \"The Joint Chief Executive's trial\" by Bromsgrove DC (started 2008-06-30)"
        );
    }

    #[test]
    fn a_recorded_review_answers_its_councils_reminder_only() {
        let f = facts(&[("bromsgrove", 6)]);
        let ids: Vec<String> = due(&f, "2009-01-31T00:00:00Z")
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(
            ids,
            ["arrangement:joint-chief-executive:redditch:6:2008-12-30"]
        );
    }

    #[test]
    fn nothing_falls_due_after_the_partnership_ends() {
        let mut f = facts(&[]);
        f.ends = Some(date(2009, 3, 31));
        assert_eq!(due(&f, "2010-01-01T00:00:00Z").len(), 2);
    }
}
