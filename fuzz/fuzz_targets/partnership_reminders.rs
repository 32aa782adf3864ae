//! Fuzzes what a partnership file drives after `init` (issue 18): any accepted partnership, with
//! a programme milestone and a live proposal of its councils, must enumerate its reminders over a
//! horizon in bounded time and memory, within the firings a year its bounds allow, and render a
//! quarterly report for each council in Markdown and CSV, never panicking.
//!
//! Input: two bytes (days from 2000-01-01 to the registration, 0..=65535 — to 2179), two bytes
//! (a signed offset in days from the registration to the milestone's due date and the go-live
//! date), then the partnership file's text.

#![no_main]

use engine::schedule::CronSchedule;
use jiff::civil::Date;
use jiff::Span;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use workflows::bounds::MAX_FIRINGS_PER_YEAR;
use workflows::milestone::Milestone;
use workflows::partnership::Partnership;
use workflows::quarter::Quarter;
use workflows::reminders::{
    Activity, Facts, MeetingFacts, MilestoneFacts, ProposalFacts, RiskFacts,
};
use workflows::report::{self, markdown, Inputs, LogAnchor};

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let Ok(text) = std::str::from_utf8(&data[4..]) else {
        return;
    };
    let Ok(p) = Partnership::from_toml(text) else {
        return;
    };
    let epoch = Date::constant(2000, 1, 1);
    let registered = epoch
        .checked_add(Span::new().days(i64::from(u16::from_le_bytes([data[0], data[1]]))))
        .expect("within 180 years of 2000");
    let offset = Span::new().days(i64::from(i16::from_le_bytes([data[2], data[3]])));
    let other = registered.checked_add(offset).expect("within 90 years");
    let tz = p.tz();
    let since = engine::schedule::local_at(registered, 12, 0, &tz);
    let facts = Facts {
        tz: tz.clone(),
        year_start: p.year_start(),
        quarterly: CronSchedule::parse(&p.schedule.quarterly_report).expect("validated"),
        since,
        lead_days: p.schedule.milestone_lead_days.clone(),
        // The partnership's end, when one is recorded (none here: every reminder kind stays due).
        ends: None,
        arrangements: workflows::reminders::arrangement::arrangement_facts(&p, &[]),
        council_names: names(&p),
        proposals: vec![ProposalFacts {
            id: "shared".into(),
            title: p.name.clone(),
            councils: p.council_ids(),
            went_live: Some(other),
            activity: Activity::Active,
            reviews: Vec::new(),
            call_in: Vec::new(),
        }],
        milestones: vec![MilestoneFacts {
            id: "m1".into(),
            title: p.name.clone(),
            proposal: None,
            due: other,
            completed: false,
        }],
        risks: vec![RiskFacts {
            id: "risk-1".into(),
            title: p.name.clone(),
            proposal: Some("shared".into()),
            score: 16,
            owner: "fuzz".into(),
            review: other,
            open: true,
        }],
        // A Board meeting on the same day: its agenda deadline counted back in working days
        // (past the bank-holiday table, weekdays only), never a failure.
        meetings: vec![MeetingFacts {
            on: other,
            at: workflows::board::cycle::of(&p).time(),
            venue: p.council_ids()[0].clone(),
            chair: p.councils[0].leader.clone(),
            agenda_clear_days: workflows::board::cycle::of(&p).agenda_clear_days,
            items: 1,
            exempt_items: 0,
            minutes_approved: false,
        }],
    };
    // A year and a day after the registration: never more quarterly firings than the bound.
    let until = since + jiff::SignedDuration::from_hours(24 * 367);
    let reminders = facts.reminders(until);
    let quarterly = facts.quarterly_reminders(until).len() as u64;
    assert!(
        quarterly <= 2 * MAX_FIRINGS_PER_YEAR,
        "{quarterly} firings in a year and a day of {:?}",
        p.schedule.quarterly_report
    );
    for pair in reminders.windows(2) {
        assert!(pair[0].due <= pair[1].due, "reminders out of order");
    }
    render_reports(&p, &facts, registered, other);
});

fn names(p: &Partnership) -> BTreeMap<String, String> {
    p.councils
        .iter()
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect()
}

/// One report per council for the quarter of the registration, with the milestone in it and the
/// next quarter's reminders as upcoming; Markdown and CSV rendered.
fn render_reports(p: &Partnership, facts: &Facts, registered: Date, due: Date) {
    let start = p.year_start();
    let quarter = Quarter::containing(registered, start);
    let (first_day, last_day) = (quarter.first_day(start), quarter.last_day(start));
    let next_end = quarter.next().last_day(start);
    let Some(until) = next_end
        .tomorrow()
        .ok()
        .and_then(|d| engine::schedule::try_resolve_local(d.at(0, 0, 0, 0), &facts.tz))
    else {
        return;
    };
    let upcoming: Vec<_> = facts.reminders(until);
    let milestone = Milestone {
        id: "m1".into(),
        title: p.name.clone(),
        proposal: None,
        due,
        original_due: due,
        added_on: registered,
        added_by: "fuzz".into(),
        amendments: Vec::new(),
        completed: None,
    };
    let names = names(p);
    let milestones = [milestone];
    let reports: Vec<_> = p
        .councils
        .iter()
        .map(|c| {
            report::build(&Inputs {
                partnership_name: &p.name,
                council: &c.id,
                council_name: &c.name,
                council_names: &names,
                quarter,
                first_day,
                last_day,
                known_at: "seq:1".into(),
                contributions: &[],
                programme_milestones: &milestones,
                upcoming: &upcoming,
                tz: &facts.tz,
                log: LogAnchor {
                    seq: 1,
                    hash: "0".repeat(64),
                    checkpoint: format!("concordat/fuzz\n1\n{}=\n", "A".repeat(43)),
                },
                year_start: start,
                registered_on: registered,
                last_recorded_on: Some(registered),
                risks: &[],
            })
        })
        .collect();
    for r in &reports {
        // No generation timestamp: the same inputs give the same bytes (the recorded SHA-256).
        assert_eq!(markdown::render(r), markdown::render(r), "a report is not deterministic");
    }
    let shared: Vec<std::sync::Arc<_>> = reports.into_iter().map(std::sync::Arc::new).collect();
    let _ = report::csv::write_all(&shared, &mut Vec::new());
}
