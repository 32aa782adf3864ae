use super::*;
use jiff::civil::date;

fn london() -> TimeZone {
    TimeZone::get("Europe/London").unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn facts() -> Facts {
    Facts {
        tz: london(),
        year_start: YearStart::default(),
        quarterly: CronSchedule::parse("0 0 9 1 Jan,Apr,Jul,Oct *").unwrap(),
        since: ts("2008-09-01T16:45:00Z"),
        lead_days: vec![14, 1],
        council_names: [
            (
                "bromsgrove".to_string(),
                "Bromsgrove District Council".to_string(),
            ),
            (
                "redditch".to_string(),
                "Redditch Borough Council".to_string(),
            ),
        ]
        .into_iter()
        .collect(),
        proposals: Vec::new(),
        milestones: Vec::new(),
        risks: Vec::new(),
        ends: None,
        arrangements: Vec::new(),
        meetings: Vec::new(),
    }
}

fn live(id: &str, go_live: Date) -> ProposalFacts {
    ProposalFacts {
        id: id.into(),
        title: format!("Shared {id}"),
        councils: vec!["bromsgrove".into(), "redditch".into()],
        went_live: Some(go_live),
        activity: Activity::Active,
        reviews: Vec::new(),
        call_in: Vec::new(),
    }
}

fn ids_and_dues(reminders: &[Reminder], tz: &TimeZone) -> Vec<(String, String)> {
    reminders
        .iter()
        .map(|r| (r.id.clone(), format_instant(r.due, tz)))
        .collect()
}

#[test]
fn quarterly_reports_across_the_clock_changes_and_their_quarters() {
    let f = facts();
    let due = f.quarterly_reminders(ts("2010-01-01T12:00:00Z"));
    let shown: Vec<String> = due.iter().map(|r| r.id.clone()).collect();
    assert_eq!(
        shown,
        [
            "quarterly-report:2008-10-01T09:00:00+01:00",
            "quarterly-report:2009-01-01T09:00:00+00:00",
            "quarterly-report:2009-04-01T09:00:00+01:00",
            "quarterly-report:2009-07-01T09:00:00+01:00",
            "quarterly-report:2009-10-01T09:00:00+01:00",
            "quarterly-report:2010-01-01T09:00:00+00:00",
        ]
    );
    assert_eq!(
        due[1].title,
        "Quarterly report to each council for 2008/09-Q3"
    );
    assert_eq!(
        due[0].title,
        "Quarterly report to each council for 2008/09-Q2"
    );
    assert!(due
        .iter()
        .all(|r| r.council.is_none() && r.proposal.is_none()));
}

#[test]
fn reviews_clamp_to_the_end_of_february_and_count_from_go_live() {
    let mut f = facts();
    f.proposals = vec![live("payroll", date(2008, 8, 31))];
    let all = f.reminders(ts("2011-09-30T00:00:00Z"));
    let bromsgrove: Vec<(String, String)> = ids_and_dues(&all, &f.tz)
        .into_iter()
        .filter(|(id, _)| id.starts_with("review:payroll:bromsgrove"))
        .collect();
    assert_eq!(
        bromsgrove,
        [
            (
                "review:payroll:bromsgrove:six-month:2009-02-28".to_string(),
                "2009-02-28T09:00:00+00:00".to_string()
            ),
            (
                "review:payroll:bromsgrove:twelve-month:2009-08-31".to_string(),
                "2009-08-31T09:00:00+01:00".to_string()
            ),
            (
                "review:payroll:bromsgrove:annual:2010-08-31".to_string(),
                "2010-08-31T09:00:00+01:00".to_string()
            ),
            (
                "review:payroll:bromsgrove:annual:2011-08-31".to_string(),
                "2011-08-31T09:00:00+01:00".to_string()
            ),
        ]
    );
    // A leap year: 31 Aug 2011 + 6 months is 29 Feb 2012.
    let leap = review_occurrences(date(2011, 8, 31), date(2012, 12, 31));
    assert_eq!(leap[0].date, date(2012, 2, 29));
    assert_eq!(leap[1].date, date(2012, 8, 31));
}

#[test]
fn a_recorded_review_cancels_that_councils_reminder_of_that_kind_only() {
    let mut f = facts();
    let mut p = live("payroll", date(2008, 10, 1));
    p.reviews.push(ReviewHeld {
        council: "bromsgrove".into(),
        kind: ReviewKind::SixMonth,
        held_on: date(2009, 3, 20),
    });
    f.proposals = vec![p];
    let ids: Vec<String> = f
        .reminders(ts("2009-10-02T00:00:00Z"))
        .into_iter()
        .filter(|r| r.proposal.is_some())
        .map(|r| r.id)
        .collect();
    assert_eq!(
        ids,
        [
            "review:payroll:redditch:six-month:2009-04-01",
            "review:payroll:bromsgrove:twelve-month:2009-10-01",
            "review:payroll:redditch:twelve-month:2009-10-01",
        ]
    );
}

#[test]
fn annual_reviews_answer_the_year_they_fall_in_or_an_earlier_unanswered_one() {
    let go_live = date(2008, 10, 1);
    // Held a little early, on time, and late: each answers its own year.
    let held = [date(2010, 9, 15), date(2011, 10, 1), date(2012, 11, 20)];
    assert_eq!(
        answered_annual_years(go_live, held.into_iter()),
        [2, 3, 4].into_iter().collect()
    );
    // Two held in one year: the second answers the next year.
    let held = [date(2010, 2, 1), date(2010, 3, 1)];
    assert_eq!(
        answered_annual_years(go_live, held.into_iter()),
        [2, 3].into_iter().collect()
    );
    // Year 2's review never held: one held after year 3's due date answers year 3; year 2 stays
    // unanswered (its reminder fired, or will fire late).
    let held = [date(2011, 12, 1)];
    assert_eq!(
        answered_annual_years(go_live, held.into_iter()),
        [3].into_iter().collect()
    );
}

#[test]
fn hold_suspends_and_an_end_cancels() {
    let mut f = facts();
    let mut held = live("payroll", date(2008, 10, 1));
    held.activity = Activity::OnHold;
    let mut ended = live("elections", date(2008, 10, 1));
    ended.activity = Activity::Ended;
    f.proposals = vec![held, ended];
    f.milestones = vec![MilestoneFacts {
        id: "cutover".into(),
        title: "Payroll cut-over".into(),
        proposal: Some("payroll".into()),
        due: date(2009, 5, 1),
        completed: false,
    }];
    let until = ts("2010-01-01T00:00:00Z");
    assert!(f.reminders(until).iter().all(|r| r.proposal.is_none()));
    f.proposals[0].activity = Activity::Active;
    assert_eq!(f.reminders_of("payroll", until).len(), 7);
}

#[test]
fn milestones_lead_days_overdue_amend_and_complete() {
    let mut f = facts();
    let mut m = MilestoneFacts {
        id: "phase-2".into(),
        title: "Phase 2".into(),
        proposal: None,
        due: date(2009, 1, 31),
        completed: false,
    };
    f.milestones = vec![m.clone()];
    let until = ts("2009-12-31T00:00:00Z");
    let shown: Vec<(String, String)> = ids_and_dues(&f.reminders(until), &f.tz)
        .into_iter()
        .filter(|(id, _)| id.starts_with("milestone:"))
        .collect();
    assert_eq!(
        shown,
        [
            (
                "milestone:phase-2:approaching:14:2009-01-31".to_string(),
                "2009-01-17T09:00:00+00:00".to_string()
            ),
            (
                "milestone:phase-2:approaching:1:2009-01-31".to_string(),
                "2009-01-30T09:00:00+00:00".to_string()
            ),
            (
                "milestone:phase-2:overdue:2009-01-31".to_string(),
                "2009-02-01T09:00:00+00:00".to_string()
            ),
        ]
    );
    // Amending moves them (new ids); completing cancels them.
    m.due = date(2009, 4, 1);
    let moved = f.milestone_reminders(&m, until);
    assert_eq!(
        moved.last().unwrap().id,
        "milestone:phase-2:overdue:2009-04-01"
    );
    assert_eq!(
        format_instant(moved[0].due, &f.tz),
        "2009-03-18T09:00:00+00:00"
    );
    m.completed = true;
    assert!(f.milestone_reminders(&m, until).is_empty());
}

#[test]
fn review_and_milestone_reminders_fall_at_nine_local_on_change_days() {
    let tz = london();
    // 09:00 exists on both change days; it is +01:00 after the spring change, +00:00 after autumn.
    assert_eq!(
        format_instant(local_at(date(2009, 3, 29), REMINDER_HOUR, 0, &tz), &tz),
        "2009-03-29T09:00:00+01:00"
    );
    assert_eq!(
        format_instant(local_at(date(2009, 10, 25), REMINDER_HOUR, 0, &tz), &tz),
        "2009-10-25T09:00:00+00:00"
    );
}

#[test]
fn a_lead_too_long_for_the_calendar_gives_no_reminder_instead_of_a_panic() {
    // A log recorded before lead days were bounded may hold any u32 (issue 18: 100000000).
    let mut f = facts();
    f.lead_days = vec![100_000_000, u32::MAX, 5_000_000, 14];
    f.milestones = vec![MilestoneFacts {
        id: "phase-2".into(),
        title: "Phase 2".into(),
        proposal: None,
        due: date(2009, 1, 31),
        completed: false,
    }];
    let ids: Vec<String> = f
        .reminders(ts("2009-12-31T00:00:00Z"))
        .into_iter()
        .map(|r| r.id)
        .filter(|id| id.starts_with("milestone:"))
        .collect();
    assert_eq!(
        ids,
        [
            "milestone:phase-2:approaching:14:2009-01-31",
            "milestone:phase-2:overdue:2009-01-31"
        ]
    );
}
