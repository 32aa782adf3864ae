//! A message's delivery as events on its own stream (`email-DIGEST.CONTACT`), and the fold that
//! says where it stands. Delivery is at least once: every attempt is recorded (`email-sending`)
//! before the message goes to the server, and its outcome (`email-sent`, `email-failed`) after.
//!
//! Events (their `type` and `data` keys are part of the contract; none holds a name or address):
//! - `email-queued` `{message_id, reminder, council, contact, subject}` — appended with the
//!   firing it belongs to, in the same append; `council` names the report carried, else null;
//! - `email-sending` `{message_id, attempt}` — before each attempt;
//! - `email-sent` `{message_id, attempt, reply}` — the server accepted it;
//! - `email-failed` `{message_id, attempt, reply, retry_at}` — refused or unreachable, the
//!   reply with any address replaced; tried again from `retry_at`;
//! - `email-cancelled` `{message_id, reason}` — the contact is no longer in the contacts file.

use super::backoff;
use super::message_id::MessageKey;
use engine::time::format_instant;
use engine::{Event, Failure, NewEvent};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::Serialize;

pub const EMAIL_QUEUED: &str = "email-queued";
pub const EMAIL_SENDING: &str = "email-sending";
pub const EMAIL_SENT: &str = "email-sent";
pub const EMAIL_FAILED: &str = "email-failed";
pub const EMAIL_CANCELLED: &str = "email-cancelled";

/// A message as queued: what it is about and who it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Queued {
    pub message_id: String,
    pub reminder: String,
    /// The council whose quarterly report it carries (None: the reminder itself).
    pub council: Option<String>,
    pub contact: String,
    pub subject: String,
}

impl Queued {
    /// The message's key (its stream and Message-ID).
    pub fn key(&self) -> MessageKey {
        MessageKey {
            reminder: self.reminder.clone(),
            report_of: self.council.clone(),
            contact: self.contact.clone(),
        }
    }
}

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not tried yet.
    Queued,
    /// An attempt was recorded and its outcome was not: the process stopped in between.
    Sending,
    /// The last attempt failed; try again from then.
    Failed {
        retry_at: Timestamp,
    },
    Sent,
    Cancelled,
}

/// One message's delivery, folded from its stream.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub queued: Queued,
    pub status: Status,
    /// Attempts recorded so far.
    pub attempts: u32,
    /// The stream's version (the next attempt expects it).
    pub version: u64,
}

impl Delivery {
    /// When the next attempt is due (None: delivered or cancelled). An attempt whose outcome
    /// was never recorded is due at once: the message goes again, with the same Message-ID.
    pub fn due_at(&self) -> Option<Timestamp> {
        match self.status {
            Status::Queued | Status::Sending => Some(Timestamp::MIN),
            Status::Failed { retry_at } => Some(retry_at),
            Status::Sent | Status::Cancelled => None,
        }
    }

    /// Folds a message's stream; None when it does not start with `email-queued`.
    pub fn fold(events: &[Event]) -> Result<Option<Delivery>, Failure> {
        let Some(first) = events.first().filter(|e| e.kind == EMAIL_QUEUED) else {
            return Ok(None);
        };
        let text = |key: &str| first.data[key].as_str().map(str::to_string);
        let queued = Queued {
            message_id: text("message_id").unwrap_or_default(),
            reminder: text("reminder").unwrap_or_default(),
            council: text("council"),
            contact: text("contact").unwrap_or_default(),
            subject: text("subject").unwrap_or_default(),
        };
        let mut d = Delivery {
            queued,
            status: Status::Queued,
            attempts: 0,
            version: first.version,
        };
        for e in &events[1..] {
            d.version = e.version;
            d.status = match e.kind.as_str() {
                EMAIL_SENDING => {
                    d.attempts = d.attempts.max(attempt_of(e));
                    Status::Sending
                }
                EMAIL_SENT => Status::Sent,
                EMAIL_CANCELLED => Status::Cancelled,
                EMAIL_FAILED => Status::Failed {
                    retry_at: e.data["retry_at"]
                        .as_str()
                        .and_then(|t| t.parse().ok())
                        .unwrap_or(Timestamp::MIN),
                },
                _ => d.status,
            };
        }
        Ok(Some(d))
    }
}

fn attempt_of(e: &Event) -> u32 {
    e.data["attempt"]
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0)
}

/// Builds the events of one message's delivery, as `actor` on `today`.
pub struct Recorder<'a> {
    pub actor: &'a str,
    pub today: Date,
    pub tz: &'a TimeZone,
}

impl Recorder<'_> {
    fn event(&self, q: &Queued, kind: &str, data: serde_json::Value) -> NewEvent {
        NewEvent {
            stream: q.key().stream(),
            kind: kind.to_string(),
            actor: self.actor.to_string(),
            effective_on: self.today.to_string(),
            data,
        }
    }

    /// `email-queued`.
    pub fn queued(&self, q: &Queued) -> NewEvent {
        let data = serde_json::json!({
            "message_id": q.message_id, "reminder": q.reminder, "council": q.council,
            "contact": q.contact, "subject": q.subject,
        });
        self.event(q, EMAIL_QUEUED, data)
    }

    /// `email-sending` for attempt `attempt`.
    pub fn sending(&self, q: &Queued, attempt: u32) -> NewEvent {
        let data = serde_json::json!({"message_id": q.message_id, "attempt": attempt});
        self.event(q, EMAIL_SENDING, data)
    }

    /// `email-sent`: the server accepted attempt `attempt` with `reply`.
    pub fn sent(&self, q: &Queued, attempt: u32, reply: &str) -> NewEvent {
        let data = serde_json::json!({
            "message_id": q.message_id, "attempt": attempt, "reply": super::message_id::redact(reply),
        });
        self.event(q, EMAIL_SENT, data)
    }

    /// `email-failed`: attempt `attempt` failed at `now` with `reply`; retried after the backoff.
    pub fn failed(&self, q: &Queued, attempt: u32, reply: &str, now: Timestamp) -> NewEvent {
        let retry_at = now.saturating_add(backoff::after(attempt)).unwrap_or(now);
        let data = serde_json::json!({
            "message_id": q.message_id, "attempt": attempt,
            "reply": super::message_id::redact(reply),
            "retry_at": format_instant(retry_at, self.tz),
        });
        self.event(q, EMAIL_FAILED, data)
    }

    /// `email-cancelled` for `reason`.
    pub fn cancelled(&self, q: &Queued, reason: &str) -> NewEvent {
        let data = serde_json::json!({"message_id": q.message_id, "reason": reason});
        self.event(q, EMAIL_CANCELLED, data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed(events: Vec<NewEvent>) -> Vec<Event> {
        events
            .into_iter()
            .enumerate()
            .map(|(i, e)| Event {
                seq: i as u64 + 1,
                stream: e.stream,
                version: i as u64 + 1,
                kind: e.kind,
                actor: e.actor,
                recorded_at: "2009-01-01T09:00:00Z".into(),
                effective_on: e.effective_on,
                data: e.data,
                prev_hash: String::new(),
                hash: String::new(),
            })
            .collect()
    }

    #[test]
    fn the_fold_follows_attempts_and_backs_off() {
        let tz = TimeZone::UTC;
        let r = Recorder {
            actor: "ops",
            today: "2009-01-01".parse().unwrap(),
            tz: &tz,
        };
        let key = MessageKey {
            reminder: "r".into(),
            report_of: None,
            contact: "jce".into(),
        };
        let q = Queued {
            message_id: key.message_id("example.org"),
            reminder: "r".into(),
            council: None,
            contact: "jce".into(),
            subject: "Reminder".into(),
        };
        let now: Timestamp = "2009-01-01T09:00:00Z".parse().unwrap();
        let mut events = vec![r.queued(&q)];
        let d = Delivery::fold(&sealed(events.clone())).unwrap().unwrap();
        assert_eq!((d.status, d.attempts, d.version), (Status::Queued, 0, 1));
        assert_eq!(d.queued, q);
        events.push(r.sending(&q, 1));
        let d = Delivery::fold(&sealed(events.clone())).unwrap().unwrap();
        assert_eq!(
            (d.status, d.due_at()),
            (Status::Sending, Some(Timestamp::MIN))
        );
        events.push(r.failed(&q, 1, "421 <jo@example.org> busy", now));
        assert_eq!(events[2].data["reply"], "421 [address] busy");
        let d = Delivery::fold(&sealed(events.clone())).unwrap().unwrap();
        assert_eq!(d.due_at(), Some("2009-01-01T09:05:00Z".parse().unwrap()));
        events.push(r.sending(&q, 2));
        events.push(r.sent(&q, 2, "250 ok"));
        let d = Delivery::fold(&sealed(events)).unwrap().unwrap();
        assert_eq!((d.status, d.attempts, d.due_at()), (Status::Sent, 2, None));
    }
}
