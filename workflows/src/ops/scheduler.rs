//! `scheduler tick`: fire every reminder due up to now exactly once. Each firing is appended with
//! the expectation that the reminder's stream does not exist yet, so a second scheduler (or a
//! second tick at the same instant) finds it fired: a conflict, taken as "already fired".
//!
//! A quarterly-report firing also issues one Markdown report per council for the quarter just
//! ended, generated from the log as it stood before the tick wrote anything (`known_at` =
//! `seq:N`), written to the outbox and recorded with its SHA-256 in the same atomic append.

use super::reminders::{facts, fired, snapshot};
use super::report::{generate, render, Format, KnownAt};
use super::session::Session;
use crate::partnership::Role;
use crate::proposal::Cut;
use crate::quarter::Quarter;
use crate::reminders::firing::{self, Fired, IssuedReport};
use crate::reminders::rules::reported_quarter;
use crate::reminders::{Kind, Reminder};
use crate::report::layout::Layout;
use crate::report::QuarterlyReport;
use engine::time::local_date;
use engine::{Failure, FailureKind, NewEvent};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What one tick did (the contract's `{"fired": [...], "reports": [...]}`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct TickReport {
    pub fired: Vec<Fired>,
    pub reports: Vec<IssuedReport>,
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
    .with_detail("run it as the partnership's scheduler actor, e.g. --as ops"))
}

/// Fires everything due up to `session.now` that has not fired, oldest first; reports go to
/// `outbox` (created if missing).
pub async fn tick(session: &mut Session, outbox: &Path) -> Result<TickReport, Failure> {
    let actor = scheduler_actor(session).await?;
    let now = session.now;
    let live = snapshot(session, &Cut::LIVE).await?;
    let known = KnownAt::Seq(live.head.seq);
    let facts = facts(&live)?;
    let tz = facts.tz.clone();
    let today = local_date(now, &tz);
    let already = fired(session).await?;
    let due: Vec<Reminder> = facts
        .reminders(now)
        .into_iter()
        .filter(|r| !already.contains(&r.id))
        .collect();
    let mut report = TickReport {
        next_due: facts
            .reminders(now + NEXT_DUE_WITHIN)
            .into_iter()
            .map(|r| r.due)
            .find(|due| *due > now),
        ..TickReport::default()
    };
    let mut reports: BTreeMap<Quarter, Vec<QuarterlyReport>> = BTreeMap::new();
    for reminder in due {
        let fired = firing::fired(&reminder, now, &tz);
        let mut events = vec![firing::fired_event(&fired, now, &tz, &actor, today)];
        let mut files = Vec::new();
        if reminder.kind == Kind::QuarterlyReport {
            let quarter = reported_quarter(reminder.due, &tz, facts.year_start);
            // Every report of one tick is generated at the same log position: one per quarter.
            if let std::collections::btree_map::Entry::Vacant(slot) = reports.entry(quarter) {
                slot.insert(generate(session, quarter, None, known).await?);
            }
            for r in &reports[&quarter] {
                // The current layout, from the bundled templates, recorded with the hash.
                let one = std::slice::from_ref(r);
                let bytes =
                    render(one, Format::Markdown, true, Layout::CURRENT, None)?.into_bytes();
                let staged = stage(
                    outbox,
                    &format!("{}-{}", slug(&r.quarter.to_string()), r.council),
                    &bytes,
                )?;
                let issued = IssuedReport {
                    council: r.council.clone(),
                    quarter: r.quarter.to_string(),
                    path: staged.path.display().to_string(),
                    sha256: hex::encode(Sha256::digest(&bytes)),
                    known_at: r.known_at.clone(),
                    layout: Layout::CURRENT.number(),
                };
                events.push(firing::report_event(&reminder.id, &issued, &actor, today));
                files.push((staged, issued));
            }
        }
        match append_once(session, &reminder.id, events).await {
            Ok(true) => {
                for (staged, issued) in files {
                    staged.publish()?;
                    report.reports.push(issued);
                }
                report.fired.push(fired);
            }
            Ok(false) => {
                for (staged, _) in files {
                    staged.discard();
                }
            }
            Err(e) => {
                for (staged, _) in files {
                    staged.discard();
                }
                return Err(e);
            }
        }
    }
    Ok(report)
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

/// A report written beside its final name, published (renamed into place) only once its event is
/// durable, and removed if the firing lost.
struct Staged {
    tmp: PathBuf,
    path: PathBuf,
}

impl Staged {
    fn publish(self) -> Result<(), Failure> {
        std::fs::rename(&self.tmp, &self.path)?;
        if let Some(dir) = self.path.parent() {
            std::fs::File::open(dir)?.sync_all()?;
        }
        Ok(())
    }

    fn discard(self) {
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// Writes `bytes` (synced) to a temporary file in `outbox`; the final name is `<stem>.md`, or
/// `<stem>-2.md`… when a file of different content already has it.
fn stage(outbox: &Path, stem: &str, bytes: &[u8]) -> Result<Staged, Failure> {
    use std::io::Write;
    std::fs::create_dir_all(outbox)?;
    let outbox = outbox.canonicalize()?;
    let mut n = 1;
    let path = loop {
        let name = if n == 1 {
            format!("{stem}.md")
        } else {
            format!("{stem}-{n}.md")
        };
        let candidate = outbox.join(name);
        match std::fs::read(&candidate) {
            Ok(existing) if existing != bytes => n += 1,
            _ => break candidate,
        }
    };
    // Unique to this process and report: schedulers racing on one outbox never share a file.
    static STAGED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = STAGED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_extension(format!("md.{}-{n}.partial", std::process::id()));
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(Staged { tmp, path })
}
