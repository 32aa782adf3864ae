//! `scheduler tick --dry-run`: what a tick would fire now and who would get which message
//! (contact ids and names, subjects), from the log as it stands; it writes nothing.

use super::email::{undelivered, Addressing, Finished};
use super::reminder_projection::live;
use super::reminders::fired;
use super::scheduler::scheduler_actor;
use super::session::Session;
use crate::email::config::OperatorConfig;
use crate::email::delivery::Queued;
use crate::reminders::firing::{self, Fired};
use crate::reminders::Reminder;
use engine::Failure;
use serde::Serialize;

/// What a tick would do now.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Plan {
    /// The reminders it would fire.
    pub fired: Vec<Fired>,
    /// The messages it would send (none without SMTP in the configuration).
    pub emails: Vec<PlannedEmail>,
}

/// One message a tick would send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedEmail {
    pub message_id: String,
    pub contact: String,
    /// From the contacts file (never recorded); null when the contact has gone from it.
    pub name: Option<String>,
    pub subject: String,
    pub reminder: String,
    /// The council whose report it carries (null: the reminder itself).
    pub council: Option<String>,
    /// The attempt it would be (1: a new message).
    pub attempt: u32,
}

/// The plan of a tick at `session.now`.
pub async fn dry_run(
    session: &mut Session,
    config: Option<&OperatorConfig>,
) -> Result<Plan, Failure> {
    scheduler_actor(session).await?;
    let now = session.now;
    let (facts, _) = live(session).await?;
    let already = fired(session).await?;
    let due: Vec<Reminder> = facts
        .reminders(now)
        .into_iter()
        .filter(|r| !already.contains(&r.id))
        .collect();
    let mut plan = Plan {
        fired: due
            .iter()
            .map(|r| firing::fired(r, now, &facts.tz))
            .collect(),
        emails: Vec::new(),
    };
    let Some(addressing) = Addressing::new(session, config).await? else {
        return Ok(plan);
    };
    let planned = |q: Queued, attempt: u32| PlannedEmail {
        name: addressing.name_of(&q.contact).map(str::to_string),
        message_id: q.message_id,
        contact: q.contact,
        subject: q.subject,
        reminder: q.reminder,
        council: q.council,
        attempt,
    };
    for d in undelivered(session, &mut Finished::default()).await? {
        if d.due_at().is_some_and(|t| t <= now) {
            let next = d.attempts + 1;
            plan.emails.push(planned(d.queued, next));
        }
    }
    for r in &due {
        for q in addressing.queue(r, &addressing.report_councils(r)) {
            plan.emails.push(planned(q, 1));
        }
    }
    Ok(plan)
}
