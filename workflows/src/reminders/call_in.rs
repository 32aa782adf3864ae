//! `call-in-closes`: a reminder at the instant a council's call-in window ends after an approval
//! that nobody called in (issue 11). A call-in cancels it (the resolution decides instead); a new
//! decision replaces it; a proposal on hold has it suspended, one that ended has it cancelled.

use super::rules::{Activity, Facts, ProposalFacts};
use super::{Kind, Reminder};
use engine::time::{format_date, format_instant};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// One approval's call-in window, still uninterrupted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CallInFacts {
    pub council: String,
    /// The date of the approval that opened it.
    pub decided_on: Date,
    /// When it closes.
    pub closes: Timestamp,
    /// The council's rule in words.
    pub rule: String,
}

impl Facts {
    /// A proposal's `call-in-closes` reminders due up to `until`.
    pub fn call_in_reminders(&self, p: &ProposalFacts, until: Timestamp) -> Vec<Reminder> {
        if p.activity != Activity::Active {
            return Vec::new();
        }
        p.call_in
            .iter()
            .filter(|w| w.closes <= until)
            .map(|w| Reminder {
                id: call_in_id(&p.id, &w.council, w.closes, &self.tz),
                kind: Kind::CallInCloses,
                due: w.closes,
                proposal: Some(p.id.clone()),
                council: Some(w.council.clone()),
                title: format!(
                    "Call-in window closes for \"{}\": {}'s approval of {} ({})",
                    p.title,
                    self.council_names
                        .get(&w.council)
                        .map_or(w.council.as_str(), String::as_str),
                    format_date(w.decided_on),
                    w.rule
                ),
            })
            .collect()
    }
}

/// `call-in:elections:bromsgrove:2009-01-19T12:00:00+00:00` (the window's end, local offset).
pub fn call_in_id(proposal: &str, council: &str, closes: Timestamp, tz: &TimeZone) -> String {
    format!(
        "call-in:{proposal}:{council}:{}",
        format_instant(closes, tz)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quarter::YearStart;
    use engine::schedule::CronSchedule;

    fn facts(activity: Activity, windows: Vec<CallInFacts>) -> Facts {
        Facts {
            tz: TimeZone::get("Europe/London").unwrap(),
            year_start: YearStart::default(),
            quarterly: CronSchedule::parse("0 0 9 1 Jan,Apr,Jul,Oct *").unwrap(),
            since: "2009-01-01T00:00:00Z".parse().unwrap(),
            lead_days: vec![],
            council_names: [("bromsgrove".to_string(), "Bromsgrove DC".to_string())].into(),
            proposals: vec![ProposalFacts {
                id: "elections".into(),
                title: "Shared elections".into(),
                councils: vec!["bromsgrove".into(), "redditch".into()],
                went_live: None,
                activity,
                reviews: vec![],
                call_in: windows,
            }],
            milestones: vec![],
            risks: Vec::new(),
            ends: None,
            arrangements: Vec::new(),
            meetings: Vec::new(),
        }
    }

    fn window(council: &str, closes: &str) -> CallInFacts {
        CallInFacts {
            council: council.into(),
            decided_on: jiff::civil::date(2009, 1, 14),
            closes: closes.parse().unwrap(),
            rule: "12:00 on the 3rd working day after the decision".into(),
        }
    }

    #[test]
    fn a_window_falls_due_when_it_closes_in_local_time() {
        let f = facts(
            Activity::Active,
            vec![
                window("bromsgrove", "2009-01-19T12:00:00Z"),
                window("redditch", "2009-07-23T16:00:00Z"),
            ],
        );
        let due = f.reminders("2009-12-31T00:00:00Z".parse().unwrap());
        let mine: Vec<(&str, Kind, Option<&str>)> = due
            .iter()
            .filter(|r| r.kind == Kind::CallInCloses)
            .map(|r| (r.id.as_str(), r.kind, r.council.as_deref()))
            .collect();
        assert_eq!(
            mine,
            [
                (
                    "call-in:elections:bromsgrove:2009-01-19T12:00:00+00:00",
                    Kind::CallInCloses,
                    Some("bromsgrove")
                ),
                (
                    "call-in:elections:redditch:2009-07-23T17:00:00+01:00",
                    Kind::CallInCloses,
                    Some("redditch")
                ),
            ]
        );
        let title = &due
            .iter()
            .find(|r| r.kind == Kind::CallInCloses)
            .unwrap()
            .title;
        assert!(
            title.contains("Bromsgrove DC's approval of 2009-01-14"),
            "{title}"
        );
        // Not yet due at the horizon: left out.
        let early = f.reminders("2009-01-19T11:59:59Z".parse().unwrap());
        assert!(early.iter().all(|r| r.kind != Kind::CallInCloses));
    }

    #[test]
    fn held_or_ended_proposals_have_none() {
        for activity in [Activity::OnHold, Activity::Ended] {
            let f = facts(activity, vec![window("bromsgrove", "2009-01-19T12:00:00Z")]);
            let due = f.reminders("2009-12-31T00:00:00Z".parse().unwrap());
            assert!(due.iter().all(|r| r.kind != Kind::CallInCloses));
        }
    }
}
