//! Email to the people responsible (issue 26): each fired reminder to the programme managers
//! and the council's clerks, each council's quarterly report to its recipients with the PDF and
//! CSV attached. What never enters the log (the SMTP server, credentials, names and addresses)
//! comes from the operator's configuration ([`config`]) and contacts file ([`contacts`]); the log
//! names a recipient by contact id only.
//!
//! - [`recipients`]: who is told what; [`message_id`]: stable Message-IDs and streams;
//!   [`delivery`]: the events of a delivery and their fold; [`backoff`]: when a failure is
//!   retried; [`compose`]: subjects and bodies.
//!
//! Sending is a seam ([`Postman`]): the command line provides one over SMTP (and the PDF, whose
//! crate is the command line's); the rules of what to send, when, and what to record live here.

pub mod backoff;
pub mod compose;
pub mod config;
pub mod contacts;
pub mod delivery;
pub mod message_id;
pub mod recipients;

use crate::report::layout::Layout;
use crate::report::QuarterlyReport;
use engine::Failure;
use serde::Serialize;

/// A file attached to a message.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// One message, ready for the server.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// `<…@DOMAIN>`, the same on every attempt.
    pub message_id: String,
    /// The configuration's `smtp.from`.
    pub from: String,
    pub to_name: String,
    pub to_address: String,
    pub subject: String,
    /// Plain text.
    pub body: String,
    pub attachments: Vec<Attachment>,
}

/// The server's answer to an attempt that did not go through.
#[derive(Debug, Clone)]
pub struct NotSent {
    /// The server's reply or the connection's error, as text.
    pub reply: String,
}

/// What sends a message and makes a report's attachments: SMTP and the PDF in the command line,
/// a recorder in tests.
#[async_trait::async_trait(?Send)]
pub trait Postman {
    /// Sends `mail`; the server's reply when it accepted it.
    async fn send(&mut self, mail: &Outgoing) -> Result<String, NotSent>;
    /// One council's report as attachments (the PDF and the CSV), in `layout`.
    fn attachments(
        &self,
        report: &std::sync::Arc<QuarterlyReport>,
        layout: Layout,
    ) -> Result<Vec<Attachment>, Failure>;
}

/// One attempt made by a tick, as `scheduler tick` prints it (contact ids, no addresses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempted {
    pub message_id: String,
    pub contact: String,
    pub subject: String,
    pub attempt: u32,
    /// `sent`, `failed` or `cancelled`.
    pub outcome: &'static str,
    /// The server's reply (addresses replaced), or why it was cancelled.
    pub reply: String,
}
