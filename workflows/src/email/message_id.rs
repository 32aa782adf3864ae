//! Stable message identities: the same reminder (or report) to the same contact is always the
//! same `Message-ID` and the same log stream, so a message sent again after a crash is recognised
//! by the recipient's mail system as the one it already has.

use sha2::{Digest, Sha256};

/// Every message's stream starts with this.
pub const STREAM_PREFIX: &str = "email-";

/// What a message is about: a fired reminder, or one council's report issued by it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageKey {
    pub reminder: String,
    /// The council whose quarterly report this message carries (None: the reminder itself).
    pub report_of: Option<String>,
    pub contact: String,
}

impl MessageKey {
    /// The first 16 hex digits of SHA-256 over what the message is about and who it is for.
    fn digest(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"concordat-email\n");
        h.update(self.reminder.as_bytes());
        h.update(b"\n");
        h.update(self.report_of.as_deref().unwrap_or("").as_bytes());
        h.update(b"\n");
        h.update(self.contact.as_bytes());
        hex::encode(&h.finalize()[..8])
    }

    /// `<DIGEST.CONTACT@DOMAIN>`: no address, only the contact id and the partnership's domain.
    pub fn message_id(&self, domain: &str) -> String {
        format!("<{}.{}@{domain}>", self.digest(), self.contact)
    }

    /// The log stream holding this message's delivery: `email-DIGEST.CONTACT`.
    pub fn stream(&self) -> String {
        format!("{STREAM_PREFIX}{}.{}", self.digest(), self.contact)
    }
}

/// A server's reply with anything that looks like an address replaced, so the log never holds one
/// (a refusal often quotes the recipient: `550 <someone@example.org>: unknown`).
pub fn redact(reply: &str) -> String {
    let words: Vec<String> = reply
        .split_whitespace()
        .map(|w| {
            if w.contains('@') {
                "[address]".to_string()
            } else {
                w.to_string()
            }
        })
        .collect();
    let mut text = words.join(" ");
    if text.len() > 500 {
        let mut end = 500;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(reminder: &str, report_of: Option<&str>, contact: &str) -> MessageKey {
        MessageKey {
            reminder: reminder.into(),
            report_of: report_of.map(str::to_string),
            contact: contact.into(),
        }
    }

    #[test]
    fn message_ids_are_stable_and_differ_per_recipient_and_report() {
        let a = key("quarterly-report:2009-01-01T09:00:00+00:00", None, "jce");
        // Pinned: a Message-ID must not change between releases, or a resend would be a new message.
        assert_eq!(
            a.message_id("shared.example.org"),
            "<99a81447f6ffd4f8.jce@shared.example.org>"
        );
        let id = a.message_id("shared.example.org");
        assert!(
            id.starts_with('<') && id.ends_with(".jce@shared.example.org>"),
            "{id}"
        );
        assert_eq!(id.len(), "<0123456789abcdef.jce@shared.example.org>".len());
        let others = [
            key(
                "quarterly-report:2009-01-01T09:00:00+00:00",
                None,
                "bdc-clerk",
            ),
            key(
                "quarterly-report:2009-01-01T09:00:00+00:00",
                Some("bromsgrove"),
                "jce",
            ),
            key("quarterly-report:2009-04-01T09:00:00+01:00", None, "jce"),
        ];
        for o in &others {
            assert_ne!(o.message_id("shared.example.org"), id);
            assert_ne!(o.stream(), a.stream());
        }
        assert!(a.stream().starts_with(STREAM_PREFIX) && a.stream().ends_with(".jce"));
    }

    #[test]
    fn replies_lose_their_addresses() {
        assert_eq!(
            redact("550 5.1.1 <jo@example.org>: Recipient   address rejected"),
            "550 5.1.1 [address] Recipient address rejected"
        );
        assert!(redact(&"x".repeat(2000)).chars().count() <= 501);
    }
}
