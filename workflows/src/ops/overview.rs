//! One fold of the log for read-only views (the web view): every proposal's `proposal show` view
//! and its next step, a proposal's timeline, the milestones, the pending reminders and the issued reports —
//! live, or at a replay cut on either basis. Built only from the operations' own pieces
//! ([`snapshot`], [`facts`], [`outlook`], [`show_view`], [`Basis::cut`], the guards), so a page
//! shows what `proposal show`, `reminders list` and `audit replay` print.

use super::reminders::{council_names, facts, outlook, snapshot, Snapshot, LIST_DAYS};
use super::replay::Basis;
use super::session::{PartnershipHistory, Session};
use crate::definition::{MoveKind, Registry, Stage};
use crate::milestone::Milestone;
use crate::proposal::call_in::Clock;
use crate::proposal::guards::{unmet_all, unmet_all_at};
use crate::proposal::view::{history_item, HistoryItem};
use crate::proposal::{show_view, stream_of, Cut, ProposalState, ProposalView};
use crate::quarter::YearStart;
use crate::remedy::Remedy;
use crate::reminders::firing::{REPORT_ISSUED, STREAM_PREFIX as FIRED_PREFIX};
use crate::reminders::{Outlook, ReminderView};
use engine::schedule::{add_months_clamped, CronSchedule};
use engine::time::{end_of_day, format_instant, local_date, parse_instant_or_date};
use engine::{Failure, Head};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use std::collections::BTreeSet;

/// What a proposal waits for: the move the workflow allows next and its unmet conditions.
#[derive(Debug, Clone, Serialize)]
pub struct NextStep {
    /// The next move in a few words (`advance to consultation`, `resume`, `none: closed`).
    pub action: String,
    /// Each guard condition of that move not yet met, in the guards' own words.
    pub unmet: Vec<String>,
    /// The move itself, as data (None: nothing moves it on), for a page to offer its form.
    #[serde(skip)]
    pub kind: Option<MoveKind>,
    /// The stage that move leads to.
    #[serde(skip)]
    pub to: Option<Stage>,
    /// What would meet each unmet condition, in `unmet`'s order.
    #[serde(skip)]
    pub remedies: Vec<Option<Remedy>>,
}

/// One proposal: its `proposal show` view and its next step.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub view: ProposalView,
    pub next_step: NextStep,
}

/// A report the scheduler issued (a `report-issued` event under the cut).
#[derive(Debug, Clone, Serialize)]
pub struct IssuedReportEntry {
    pub seq: u64,
    pub recorded_at: String,
    pub council: String,
    pub quarter: String,
    pub path: String,
    pub sha256: String,
    pub known_at: String,
}

/// Everything the read-only views show, from one read of the log.
#[derive(Debug, Clone)]
pub struct Overview {
    /// The replay instant (with the local offset), or None for the live view.
    pub as_of: Option<String>,
    pub basis: Option<Basis>,
    /// The cut the view was folded at ([`Cut::LIVE`] for the live view).
    pub cut: Cut,
    /// The instant the view is taken at: the replay instant, else now.
    pub at: Timestamp,
    pub tz: TimeZone,
    pub year_start: YearStart,
    pub partnership: PartnershipHistory,
    /// The log's head as recorded by the cut.
    pub head: Head,
    /// Every proposal that existed under the cut, in id order.
    pub proposals: Vec<Entry>,
    /// Programme milestones (a proposal's own are in its view).
    pub milestones: Vec<Milestone>,
    /// Reminders not yet fired at `at`, due up to 90 days after it (`reminders list`'s default).
    pub reminders: Vec<ReminderView>,
    /// Quarterly reports issued by the cut, oldest first.
    pub reports: Vec<IssuedReportEntry>,
}

/// Reads the log once and folds it live (`at: None`) or as of an instant or date on a basis.
pub async fn overview(
    session: &mut Session,
    at: Option<(&str, Basis)>,
) -> Result<Overview, Failure> {
    session.check_reader().await?;
    let tz = session.partnership().await?.latest().tz();
    let (cut, instant) = match at {
        Some((text, basis)) => {
            let instant = parse_instant_or_date(text, &tz, true)?;
            (basis.cut(instant, &tz), instant)
        }
        None => (Cut::LIVE, session.now),
    };
    let snap = snapshot(session, &cut).await?;
    let (fired, reports) = fired_and_reports(session, &cut).await?;
    let outlook = match at {
        // `proposal show`'s own outlook.
        None => outlook(session).await?,
        Some(_) => replay_outlook(&snap, instant, &tz, &fired)?,
    };
    let fired = if at.is_some() {
        fired
    } else {
        outlook.fired.clone()
    };
    let until = end_of_day(
        local_date(instant + SignedDuration::from_hours(24 * LIST_DAYS), &tz),
        &tz,
    );
    let reminders = facts(&snap)?
        .reminders(until)
        .into_iter()
        .filter(|r| !fired.contains(&r.id))
        .map(|r| r.view(&tz))
        .collect();
    let registry = Registry::standard();
    let clock = Clock::now(instant, tz.clone());
    let proposals = snap
        .proposals
        .iter()
        .map(|state| Entry {
            view: show_view(state, &outlook),
            next_step: next_step(state, &registry, Some(&clock)),
        })
        .collect();
    Ok(Overview {
        as_of: at.map(|_| format_instant(instant, &tz)),
        basis: at.map(|(_, b)| b),
        cut,
        at: instant,
        year_start: snap.partnership.latest().year_start(),
        tz,
        partnership: snap.partnership,
        head: snap.head,
        proposals,
        milestones: snap.milestones,
        reminders,
        reports,
    })
}

/// The reminders fired and the reports issued under `cut`, read from their streams only.
async fn fired_and_reports(
    session: &mut Session,
    cut: &Cut,
) -> Result<(BTreeSet<String>, Vec<IssuedReportEntry>), Failure> {
    let mut fired = BTreeSet::new();
    let mut reports = Vec::new();
    for stream in session.store.streams(FIRED_PREFIX).await? {
        for event in session.store.read_stream(&stream).await? {
            if !cut.admits(&event)? {
                continue;
            }
            fired.insert(stream[FIRED_PREFIX.len()..].to_string());
            if event.kind == REPORT_ISSUED {
                let s = |k: &str| event.data[k].as_str().unwrap_or_default().to_string();
                reports.push(IssuedReportEntry {
                    seq: event.seq,
                    recorded_at: event.recorded_at.clone(),
                    council: s("council"),
                    quarter: s("quarter"),
                    path: s("path"),
                    sha256: s("sha256"),
                    known_at: s("known_at"),
                });
            }
        }
    }
    reports.sort_by_key(|r| r.seq);
    Ok((fired, reports))
}

/// `audit replay`'s outlook: the partnership as recorded by the cut, reminders fired by it, the
/// next 12 months from the instant.
fn replay_outlook(
    snap: &Snapshot,
    instant: Timestamp,
    tz: &TimeZone,
    fired: &BTreeSet<String>,
) -> Result<Outlook, Failure> {
    let p = snap.partnership.latest();
    Ok(Outlook {
        until: end_of_day(add_months_clamped(local_date(instant, tz), 12), tz),
        tz: tz.clone(),
        year_start: p.year_start(),
        quarterly: CronSchedule::parse(&p.schedule.quarterly_report)?,
        lead_days: p.schedule.milestone_lead_days.clone(),
        council_names: council_names(&snap.partnership),
        fired: fired.clone(),
        ends: snap.partnership.ended().map(|e| e.on),
    })
}

/// The events of proposal `id` that `cut` admits, as `proposal history` prints them (both times,
/// actor, data): its timeline in the view.
pub async fn timeline(
    session: &mut Session,
    id: &str,
    cut: &Cut,
) -> Result<Vec<HistoryItem>, Failure> {
    let mut items = Vec::new();
    let events = session.store.read_stream(&stream_of(id)).await?;
    // An event whose date was corrected counts at its corrected date (shown as recorded).
    let dates = crate::proposal::correction::corrections(&events, cut)?;
    for event in &events {
        if cut.admits(&crate::proposal::correction::as_corrected(event, &dates))? {
            items.push(history_item(event));
        }
    }
    Ok(items)
}

/// The move the proposal's workflow allows next from its stage, with that move's unmet guards
/// (the call-in windows too, given the clock the move would happen at).
pub fn next_step(state: &ProposalState, registry: &Registry, clock: Option<&Clock>) -> NextStep {
    let step = |action: String, unmet: Vec<String>| NextStep {
        action,
        unmet,
        kind: None,
        to: None,
        remedies: Vec::new(),
    };
    let Ok(definition) = registry.get(&state.workflow.name, state.workflow.version) else {
        return step(format!("unknown workflow {}", state.workflow.name), vec![]);
    };
    if definition.is_outcome(&state.stage) {
        return step(format!("none: {}", state.stage.as_str()), vec![]);
    }
    if state.stage == definition.hold_stage {
        let back = state.held_from.as_ref().map_or("", |s| s.as_str());
        return NextStep {
            kind: Some(MoveKind::Resume),
            to: state.held_from.clone(),
            ..step(format!("resume (to {back})"), vec![])
        };
    }
    match definition.find(MoveKind::Advance, &state.stage, None) {
        Some(m) => {
            let to = m.to.as_ref().map_or("", |s| s.as_str());
            // With a clock the call-in windows count too, as they do when the move is made.
            let unmet = match clock {
                Some(clock) => unmet_all_at(&m.guards, state, clock),
                None => unmet_all(&m.guards, state),
            };
            NextStep {
                kind: Some(MoveKind::Advance),
                to: m.to.clone(),
                remedies: unmet.iter().map(|u| u.remedy.clone()).collect(),
                ..step(
                    format!("advance to {to}"),
                    unmet.into_iter().map(|u| u.condition).collect(),
                )
            }
        }
        None => match definition.find(MoveKind::Close, &state.stage, None) {
            Some(_) => NextStep {
                kind: Some(MoveKind::Close),
                ..step(
                    "monitor: savings, indicators and reviews until it closes".into(),
                    vec![],
                )
            },
            None => step("none".into(), vec![]),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::next_step;
    use crate::definition::{Registry, Stage};
    use crate::proposal::testing::Log;
    use crate::proposal::ProposalCommand;

    #[test]
    fn the_next_step_is_the_workflow_s_next_move_with_its_unmet_guards() {
        let registry = Registry::standard();
        let mut log = Log::elections();
        let step = next_step(&log.state(), &registry, None);
        assert_eq!(step.action, "advance to business-case");
        assert!(step.unmet.is_empty());

        let advance = |to| ProposalCommand::Advance { to, reason: None };
        log.run("jce", "2008-09-17", advance(Stage::BusinessCase))
            .unwrap();
        let step = next_step(&log.state(), &registry, None);
        assert_eq!(step.action, "advance to consultation");
        assert_eq!(step.unmet.len(), 1);
        assert!(step.unmet[0].contains("business case"), "{:?}", step.unmet);

        log.run(
            "jce",
            "2008-10-06",
            ProposalCommand::Hold {
                reason: "funding".into(),
            },
        )
        .unwrap();
        let step = next_step(&log.state(), &registry, None);
        assert_eq!(step.action, "resume (to business-case)");

        log.run(
            "jce",
            "2008-10-07",
            ProposalCommand::Withdraw {
                reason: "overtaken".into(),
            },
        )
        .unwrap();
        assert_eq!(
            next_step(&log.state(), &registry, None).action,
            "none: withdrawn"
        );
    }
}
