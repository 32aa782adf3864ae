//! Email from the scheduler (issue 26): which messages a firing queues (in the firing's own
//! append, so none is lost to a crash), and delivering what is due — new messages, attempts a
//! crash left without an outcome (at once, with the same Message-ID), and failures whose backoff
//! has passed. Each attempt is recorded before the message goes and its outcome after.

use super::reminder_projection::live;
use super::report::{generate, KnownAt};
use super::scheduler::scheduler_actor;
use super::session::Session;
use crate::email::config::OperatorConfig;
use crate::email::delivery::{Delivery, Queued, Recorder};
use crate::email::message_id::{MessageKey, STREAM_PREFIX};
use crate::email::{compose, recipients, Attempted, NotSent, Outgoing, Postman};
use crate::partnership::Partnership;
use crate::quarter::Quarter;
use crate::reminders::firing::{REMINDER_FIRED, REPORT_ISSUED};
use crate::reminders::{stream_of, Facts, Kind, Reminder};
use crate::report::layout::Layout;
use engine::{Event, Expectation, Failure, FailureKind, NewEvent};
use jiff::tz::TimeZone;
use std::collections::BTreeSet;

/// Who a tick's firings are addressed to: the configuration with SMTP and the partnership now.
pub struct Addressing<'a> {
    config: &'a OperatorConfig,
    partnership: Partnership,
}

impl<'a> Addressing<'a> {
    /// None when the configuration has no SMTP server (no email is queued or sent).
    pub async fn new(
        session: &mut Session,
        config: Option<&'a OperatorConfig>,
    ) -> Result<Option<Addressing<'a>>, Failure> {
        let Some(config) = config.filter(|c| c.smtp.is_some()) else {
            return Ok(None);
        };
        let partnership = session.partnership().await?.latest().clone();
        Ok(Some(Addressing {
            config,
            partnership,
        }))
    }

    /// The messages a firing of `reminder` queues: the reminder to the people responsible, and
    /// each report it issued (one per council in `councils`) to that council's recipients.
    pub fn queue(&self, reminder: &Reminder, councils: &[String]) -> Vec<Queued> {
        let contacts = &self.config.contacts;
        let mut out = Vec::new();
        let subject = compose::reminder_subject(reminder);
        for c in recipients::for_reminder(&self.partnership, contacts, reminder.council.as_deref())
        {
            out.push(self.queued(reminder, None, &c.id, subject.clone()));
        }
        let quarter = (reminder.kind == Kind::QuarterlyReport).then(|| {
            let tz = self.partnership.tz();
            crate::reminders::rules::reported_quarter(
                reminder.due,
                &tz,
                self.partnership.year_start(),
            )
        });
        for council in councils {
            let name = self
                .partnership
                .council(council)
                .map_or(council.as_str(), |c| c.name.as_str());
            let quarter = quarter.map(|q| q.to_string()).unwrap_or_default();
            let subject = compose::report_subject(&quarter, name);
            for c in recipients::for_report(&self.partnership, contacts, council) {
                out.push(self.queued(reminder, Some(council), &c.id, subject.clone()));
            }
        }
        out
    }

    /// The `email-queued` events of [`Addressing::queue`], to append with the firing.
    pub fn queued_events(
        &self,
        reminder: &Reminder,
        councils: &[String],
        actor: &str,
        today: jiff::civil::Date,
    ) -> Vec<NewEvent> {
        let tz = self.partnership.tz();
        let rec = Recorder {
            actor,
            today,
            tz: &tz,
        };
        let queued = self.queue(reminder, councils);
        queued.iter().map(|q| rec.queued(q)).collect()
    }

    fn queued(
        &self,
        r: &Reminder,
        council: Option<&str>,
        contact: &str,
        subject: String,
    ) -> Queued {
        let key = MessageKey {
            reminder: r.id.clone(),
            report_of: council.map(str::to_string),
            contact: contact.to_string(),
        };
        Queued {
            message_id: key.message_id(&self.partnership.calendar_domain()),
            reminder: r.id.clone(),
            council: council.map(str::to_string),
            contact: contact.to_string(),
            subject,
        }
    }

    /// The councils whose reports a firing of `reminder` issues (for a plan made before them).
    pub fn report_councils(&self, reminder: &Reminder) -> Vec<String> {
        match reminder.kind {
            Kind::QuarterlyReport => self
                .partnership
                .councils
                .iter()
                .map(|c| c.id.clone())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The contact's name, for a plan printed to the operator (never recorded).
    pub fn name_of(&self, contact: &str) -> Option<&str> {
        self.config.contacts.get(contact).map(|c| c.name.as_str())
    }
}

/// Message streams known to be finished (sent or cancelled). Nothing is appended to a finished
/// message, so a long-running scheduler keeps this across rounds and never reads them again.
#[derive(Debug, Default)]
pub struct Finished(BTreeSet<String>);

/// Every message not yet delivered or cancelled, oldest first.
pub async fn undelivered(
    session: &mut Session,
    finished: &mut Finished,
) -> Result<Vec<Delivery>, Failure> {
    let mut out = Vec::new();
    for stream in session.store.streams(STREAM_PREFIX).await? {
        if finished.0.contains(&stream) {
            continue;
        }
        let events = session.store.read_stream(&stream).await?;
        match Delivery::fold(&events)? {
            Some(d) if d.due_at().is_some() => out.push(d),
            _ => {
                finished.0.insert(stream);
            }
        }
    }
    Ok(out)
}

/// Sends every message due now through `postman`, recording each attempt; nothing without SMTP.
pub async fn deliver(
    session: &mut Session,
    config: &OperatorConfig,
    postman: &mut impl Postman,
    finished: &mut Finished,
) -> Result<Vec<Attempted>, Failure> {
    if config.smtp.is_none() {
        return Ok(Vec::new());
    }
    let now = session.now;
    let due: Vec<Delivery> = undelivered(session, finished)
        .await?
        .into_iter()
        .filter(|d| d.due_at().is_some_and(|t| t <= now))
        .collect();
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let actor = scheduler_actor(session).await?;
    let today = session.today().await?;
    let tz = session.partnership().await?.latest().tz();
    let (facts, _) = live(session).await?;
    let rec = Recorder {
        actor: &actor,
        today,
        tz: &tz,
    };
    let mut out = Vec::new();
    for d in due {
        if let Some(a) = attempt(session, config, postman, &d, &rec, &facts).await? {
            out.push(a);
        }
    }
    Ok(out)
}

/// One attempt at one message: recorded, sent, its outcome recorded. None when another
/// scheduler took this attempt first.
async fn attempt(
    session: &mut Session,
    config: &OperatorConfig,
    postman: &mut impl Postman,
    d: &Delivery,
    rec: &Recorder<'_>,
    facts: &Facts,
) -> Result<Option<Attempted>, Failure> {
    let q = &d.queued;
    let n = d.attempts + 1;
    let done = |outcome, reply: String| Attempted {
        message_id: q.message_id.clone(),
        contact: q.contact.clone(),
        subject: q.subject.clone(),
        attempt: n,
        outcome,
        reply,
    };
    let Some(contact) = config.contacts.get(&q.contact) else {
        let why = "the contact is no longer in the contacts file";
        let taken = record(session, q, d.version, vec![rec.cancelled(q, why)]).await?;
        return Ok(taken.then(|| done("cancelled", why.into())));
    };
    let mail = match outgoing(session, config, postman, q, contact, rec.tz, facts).await {
        Ok(mail) => mail,
        Err(e) => {
            // Not the server's fault, but an attempt all the same: retried after the backoff.
            let reply = format!("the message could not be made: {}", e.message);
            let events = vec![rec.sending(q, n), rec.failed(q, n, &reply, session.now)];
            let taken = record(session, q, d.version, events).await?;
            return Ok(taken.then(|| done("failed", reply)));
        }
    };
    if !record(session, q, d.version, vec![rec.sending(q, n)]).await? {
        return Ok(None);
    }
    let sent = postman.send(&mail).await;
    // Tests kill the process here: sent, its outcome not recorded (the next tick sends again).
    engine::failpoints::crash("email::after-send");
    let (event, outcome, reply) = match sent {
        Ok(reply) => (rec.sent(q, n, &reply), "sent", reply),
        Err(NotSent { reply }) => (rec.failed(q, n, &reply, session.now), "failed", reply),
    };
    record(session, q, d.version + 1, vec![event]).await?;
    Ok(Some(done(
        outcome,
        crate::email::message_id::redact(&reply),
    )))
}

/// Appends a message's events expecting its stream at `version`; false when another scheduler
/// appended first.
async fn record(
    session: &mut Session,
    q: &Queued,
    version: u64,
    events: Vec<NewEvent>,
) -> Result<bool, Failure> {
    let expect = Expectation {
        stream: q.key().stream(),
        version,
    };
    match session.append(events, vec![expect]).await {
        Ok(_) => Ok(true),
        Err(e) if e.kind == FailureKind::Conflict => {
            tracing::info!(message_id = %q.message_id, "attempt taken by another scheduler");
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// The message itself: the reminder's words, or the council's report with its attachments.
async fn outgoing(
    session: &mut Session,
    config: &OperatorConfig,
    postman: &mut impl Postman,
    q: &Queued,
    contact: &crate::email::contacts::Contact,
    tz: &TimeZone,
    facts: &Facts,
) -> Result<Outgoing, Failure> {
    let smtp = config.smtp.as_ref().expect("deliver checked SMTP");
    let events = session.store.read_stream(&stream_of(&q.reminder)).await?;
    let base = config.base_url.as_ref();
    let (body, attachments) = match &q.council {
        None => {
            let r = fired_reminder(&events).ok_or_else(|| {
                Failure::internal(format!("reminder {} has no firing", q.reminder))
            })?;
            (
                compose::reminder_body(facts, &r, base, &contact.name),
                Vec::new(),
            )
        }
        Some(council) => {
            let issued = events
                .iter()
                .find(|e| e.kind == REPORT_ISSUED && e.data["council"] == council.as_str())
                .ok_or_else(|| {
                    Failure::internal(format!(
                        "no report of {council} was issued by {}",
                        q.reminder
                    ))
                })?;
            let text = |k: &str| issued.data[k].as_str().unwrap_or_default().to_string();
            let quarter = Quarter::parse(&text("quarter"))?;
            let known = KnownAt::parse(&text("known_at"), tz)?;
            let layout = issued.data["layout"].as_u64().unwrap_or(1);
            let layout = u32::try_from(layout)
                .ok()
                .and_then(|n| Layout::try_from(n).ok())
                .ok_or_else(|| Failure::internal(format!("unknown report layout {layout}")))?;
            let reports = generate(session, quarter, Some(council), known).await?;
            let report = reports.into_iter().next().map(std::sync::Arc::new);
            let report = report.ok_or_else(|| {
                Failure::internal(format!("no report of {council} for {quarter}"))
            })?;
            let body = compose::report_body(
                &text("quarter"),
                &report.council_name,
                &text("known_at"),
                &text("sha256"),
                base,
                &contact.name,
            );
            (body, postman.attachments(&report, layout)?)
        }
    };
    Ok(Outgoing {
        message_id: q.message_id.clone(),
        from: smtp.from.clone(),
        to_name: contact.name.clone(),
        to_address: contact.email.clone(),
        subject: q.subject.clone(),
        body,
        attachments,
    })
}

/// The reminder as its `reminder-fired` event recorded it.
fn fired_reminder(events: &[Event]) -> Option<Reminder> {
    let e = events.iter().find(|e| e.kind == REMINDER_FIRED)?;
    let text = |k: &str| e.data[k].as_str().map(str::to_string);
    Some(Reminder {
        id: text("id")?,
        kind: Kind::parse(&text("kind")?).ok()?,
        due: text("due")?.parse().ok()?,
        proposal: text("proposal"),
        council: text("council"),
        title: text("title").unwrap_or_default(),
    })
}
