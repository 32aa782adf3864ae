//! `scheduler tick`: fire every reminder due up to now exactly once. Each firing is appended with
//! the expectation that the reminder's stream does not exist yet, so a second scheduler (or a
//! second tick at the same instant) finds it fired: a conflict, taken as "already fired".
//!
//! A quarterly-report firing also issues one Markdown report per council for the quarter just
//! ended, generated from the log as it stood before the tick wrote anything (`known_at` =
//! `seq:N`). Every report file of the tick is written to the outbox (atomically, synced) before
//! anything is recorded; then each firing is recorded with its reports' SHA-256 in one append. An
//! outbox that cannot be written fails the tick naming the path, with nothing recorded.

use super::email::Addressing;
use super::reminder_projection::live;
use super::reminders::fired;
use super::report::{generate, render_to, Format, KnownAt};
use super::session::Session;
use super::tick_index;
use crate::email::config::OperatorConfig;
use crate::partnership::Role;
use crate::quarter::Quarter;
use crate::remedy::Remedy;
use crate::reminders::firing::{self, Fired, IssuedReport};
use crate::reminders::rules::reported_quarter;
use crate::reminders::{outbox, stream_of, Kind, Reminder};
use crate::report::layout::Layout;
use crate::report::QuarterlyReport;
use engine::time::local_date;
use engine::{Failure, FailureKind, NewEvent};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// What one tick did (the contract's `{"fired": [...], "reports": [...]}`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct TickReport {
    pub fired: Vec<Fired>,
    pub reports: Vec<IssuedReport>,
    /// The email attempts made after the firings (present only when there were any).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<crate::email::Attempted>,
    /// The next instant something falls due, if within [`NEXT_DUE_WITHIN`] (for `scheduler run`).
    #[serde(skip)]
    pub next_due: Option<Timestamp>,
}

/// How far ahead a tick looks for the next due instant.
pub const NEXT_DUE_WITHIN: SignedDuration = SignedDuration::from_hours(1);

/// Checks that the acting actor may run the scheduler (role `scheduler` or `admin`; exit 2
/// without an actor, 5 otherwise); returns its id.
pub async fn scheduler_actor(session: &mut Session) -> Result<String, Failure> {
    let today = session.today().await?;
    let actor = session.writer(today).await?;
    if actor
        .roles
        .iter()
        .any(|r| matches!(r, Role::Scheduler | Role::Admin))
    {
        return Ok(actor.id);
    }
    Err(Failure::not_permitted(format!(
        "{:?} may not run the scheduler: it needs the role scheduler or admin",
        actor.id
    ))
    .with_remedy(Remedy::ActAs {
        role: "scheduler".into(),
    }))
}

/// Fires everything due up to `session.now` that has not fired, oldest first; reports go to
/// `outbox` (created if missing).
pub async fn tick(session: &mut Session, outbox: &Path) -> Result<TickReport, Failure> {
    tick_with(session, outbox, None).await
}

/// [`tick`], each firing also queuing its email when `config` has SMTP (`ops::email`).
pub async fn tick_with(
    session: &mut Session,
    outbox: &Path,
    config: Option<&OperatorConfig>,
) -> Result<TickReport, Failure> {
    let actor = scheduler_actor(session).await?;
    let addressing = Addressing::new(session, config).await?;
    let now = session.now;
    if tick_index::nothing_due(session, now, NEXT_DUE_WITHIN).await? {
        return Ok(TickReport::default());
    }
    // The scheduler's projection: only the streams changed since the last tick are folded.
    let (facts, head) = live(session).await?;
    let known = KnownAt::Seq(head.seq);
    let tz = facts.tz.clone();
    let today = local_date(now, &tz);
    let already = fired(session).await?;
    let due: Vec<Reminder> = facts
        .reminders(now)
        .into_iter()
        .filter(|r| !already.contains(&r.id))
        .collect();
    let mut fired_by_then = already.clone();
    fired_by_then.extend(due.iter().map(|r| r.id.clone()));
    let mut report = TickReport {
        next_due: facts
            .reminders(now + NEXT_DUE_WITHIN)
            .into_iter()
            .map(|r| r.due)
            .find(|due| *due > now),
        ..TickReport::default()
    };
    // First every report file of the tick is written (atomically, synced); only then is anything
    // recorded, so an unwritable outbox fails the tick naming the path, with nothing recorded.
    let mut firings = Vec::new();
    let mut reports: BTreeMap<Quarter, Vec<Arc<QuarterlyReport>>> = BTreeMap::new();
    for reminder in due {
        let quarter = reported_quarter(reminder.due, &tz, facts.year_start);
        let written =
            match write_reports(session, outbox, &reminder, quarter, &mut reports, known).await {
                Ok(written) => written,
                Err(e) => {
                    withdraw_all(firings.into_iter().flat_map(|f: Firing| f.files));
                    return Err(e);
                }
            };
        let fired = firing::fired(&reminder, now, &tz);
        let mut events = vec![firing::fired_event(&fired, now, &tz, &actor, today)];
        for (_, issued) in &written {
            events.push(firing::report_event(&reminder.id, issued, &actor, today));
        }
        if let Some(addressing) = &addressing {
            let councils: Vec<String> = written.iter().map(|(_, i)| i.council.clone()).collect();
            events.extend(addressing.queued_events(&reminder, &councils, &actor, today));
        }
        firings.push(Firing {
            id: reminder.id,
            fired,
            events,
            files: written,
        });
    }
    let mut pending = firings.into_iter();
    while let Some(f) = pending.next() {
        match append_once(session, &f.id, f.events).await {
            Ok(true) => {
                report
                    .reports
                    .extend(f.files.into_iter().map(|(_, issued)| issued));
                report.fired.push(f.fired);
            }
            Ok(false) => withdraw_unrecorded(session, &f.id, f.files).await,
            Err(e) => {
                withdraw_all(f.files.into_iter().chain(pending.flat_map(|f| f.files)));
                return Err(e);
            }
        }
    }
    // Every reminder due by now has fired (here or by another scheduler): the next tick may
    // answer from the due index until something else falls due.
    tick_index::save(session, &head, &facts, &fired_by_then, now).await?;
    Ok(report)
}

/// One reminder's firing, ready to record: its events and the report files already written.
struct Firing {
    id: String,
    fired: Fired,
    events: Vec<NewEvent>,
    files: Vec<(outbox::Written, IssuedReport)>,
}

/// For a quarterly-report reminder, writes one report per council for `quarter` into the outbox
/// (every report of one tick generated at the same log position, once per quarter); nothing for
/// other kinds.
async fn write_reports(
    session: &mut Session,
    outbox_dir: &Path,
    reminder: &Reminder,
    quarter: Quarter,
    reports: &mut BTreeMap<Quarter, Vec<Arc<QuarterlyReport>>>,
    known: KnownAt,
) -> Result<Vec<(outbox::Written, IssuedReport)>, Failure> {
    if reminder.kind != Kind::QuarterlyReport {
        return Ok(Vec::new());
    }
    if let std::collections::btree_map::Entry::Vacant(slot) = reports.entry(quarter) {
        let generated = generate(session, quarter, None, known).await?;
        slot.insert(generated.into_iter().map(Arc::new).collect());
    }
    let mut written = Vec::new();
    for r in &reports[&quarter] {
        // The current layout, from the bundled templates, recorded with the hash.
        let one = std::slice::from_ref(r);
        let stem = format!("{}-{}", slug(&r.quarter.to_string()), r.council);
        // Rendered straight into the outbox's file, hashed on the way: never held whole.
        let mut markdown = |out: &mut dyn std::io::Write| {
            render_to(one, Format::Markdown, true, Layout::CURRENT, None, out)
        };
        let (file, sha256) = match outbox::write_streamed(outbox_dir, &stem, &mut markdown) {
            Ok(written) => written,
            Err(e) => {
                withdraw_all(written);
                return Err(e);
            }
        };
        let issued = IssuedReport {
            council: r.council.clone(),
            quarter: r.quarter.to_string(),
            path: file.path.display().to_string(),
            sha256,
            known_at: r.known_at.clone(),
            layout: Layout::CURRENT.number(),
        };
        written.push((file, issued));
    }
    Ok(written)
}

/// Removes the files these writes created (their firings were not recorded).
fn withdraw_all(files: impl IntoIterator<Item = (outbox::Written, IssuedReport)>) {
    for (file, _) in files {
        file.withdraw();
    }
}

/// Another scheduler recorded this firing first: keeps the files it recorded (the same bytes at
/// the same path), removes the rest of what this tick wrote.
async fn withdraw_unrecorded(
    session: &mut Session,
    id: &str,
    files: Vec<(outbox::Written, IssuedReport)>,
) {
    let recorded: Vec<String> = match session.store.read_stream(&stream_of(id)).await {
        Ok(events) => events
            .iter()
            .filter_map(|e| e.data["path"].as_str().map(str::to_string))
            .collect(),
        // Unknown: keep every file rather than remove one the winner may name.
        Err(_) => return,
    };
    for (file, issued) in files {
        if !recorded.contains(&issued.path) {
            file.withdraw();
        }
    }
}

/// Appends a firing's events unless the reminder has fired already: `Ok(false)` when another
/// scheduler won (the stream exists), never an error for that.
async fn append_once(
    session: &mut Session,
    id: &str,
    events: Vec<NewEvent>,
) -> Result<bool, Failure> {
    match session.append(events, vec![firing::first_firing(id)]).await {
        Ok(_) => Ok(true),
        Err(e) if e.kind == FailureKind::Conflict => {
            tracing::info!(reminder = id, "already fired by another scheduler");
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// `2008/09-Q3` → `2008-09-Q3`.
fn slug(quarter: &str) -> String {
    quarter.replace('/', "-")
}
