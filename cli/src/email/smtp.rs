//! Sending over SMTP with lettre: STARTTLS (required, never opportunistic), implicit TLS, or —
//! only to this machine — none; rustls with the ring provider. One connection per tick.

use crate::report_doc::{document, DocFormat};
use engine::Failure;
use lettre::message::header::ContentType;
use lettre::message::{Attachment as Part, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;
use workflows::email::config::{self, Smtp};
use workflows::email::{Attachment, NotSent, Outgoing, Postman};
use workflows::report::layout::Layout;
use workflows::report::QuarterlyReport;

/// How long one conversation with the server may take before the attempt counts as failed.
const TIMEOUT: Duration = Duration::from_secs(20);

/// Sends through the configured SMTP server.
pub struct SmtpPostman {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl SmtpPostman {
    /// A postman for `smtp` (a bad CA file is a usage failure naming it).
    pub fn new(smtp: &Smtp) -> Result<SmtpPostman, Failure> {
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
            .port(smtp.port)
            .timeout(Some(TIMEOUT));
        let tls = || tls_parameters(smtp);
        builder = match smtp.tls {
            config::Tls::StartTls => builder.tls(Tls::Required(tls()?)),
            config::Tls::Implicit => builder.tls(Tls::Wrapper(tls()?)),
            config::Tls::None => builder.tls(Tls::None),
        };
        if let Some((user, password)) = &smtp.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(SmtpPostman {
            transport: builder.build(),
        })
    }
}

fn tls_parameters(smtp: &Smtp) -> Result<TlsParameters, Failure> {
    let mut params = TlsParameters::builder(smtp.host.clone());
    if let Some(file) = &smtp.ca_file {
        let bad = |why: String| {
            Failure::usage(format!("smtp.ca_file: {}: {why}", file.display())).with_detail(
                "give a PEM file of the certificate authority that signed the server's certificate",
            )
        };
        let pem = std::fs::read(file).map_err(|e| bad(e.to_string()))?;
        let cert = Certificate::from_pem(&pem).map_err(|e| bad(e.to_string()))?;
        params = params.add_root_certificate(cert);
    }
    params
        .build_rustls()
        .map_err(|e| Failure::internal(format!("cannot set up TLS to {}: {e}", smtp.host)))
}

#[async_trait::async_trait(?Send)]
impl Postman for SmtpPostman {
    async fn send(&mut self, mail: &Outgoing) -> Result<String, NotSent> {
        let message = build(mail).map_err(|reply| NotSent { reply })?;
        match self.transport.send(message).await {
            Ok(response) => Ok(format!(
                "{} {}",
                response.code(),
                response.message().collect::<Vec<_>>().join(" ")
            )),
            Err(e) => Err(NotSent {
                reply: e.to_string(),
            }),
        }
    }

    fn attachments(
        &self,
        report: &std::sync::Arc<QuarterlyReport>,
        layout: Layout,
    ) -> Result<Vec<Attachment>, Failure> {
        let one = std::slice::from_ref(report);
        let stem = format!(
            "{}-{}",
            report.quarter.to_string().replace('/', "-"),
            report.council
        );
        let mut out = Vec::new();
        for (format, ext) in [(DocFormat::Pdf, "pdf"), (DocFormat::Csv, "csv")] {
            let (bytes, content_type) = document(one, format, true, layout, None)?;
            out.push(Attachment {
                filename: format!("{stem}.{ext}"),
                content_type,
                bytes,
            });
        }
        Ok(out)
    }
}

/// The MIME message: plain text, then each attachment; the Message-ID given, never a new one.
fn build(mail: &Outgoing) -> Result<Message, String> {
    let from: Mailbox = mail
        .from
        .parse()
        .map_err(|e| format!("smtp.from is not a mailbox: {e}"))?;
    let to = Mailbox::new(
        Some(mail.to_name.clone()),
        mail.to_address
            .parse()
            .map_err(|e| format!("the contact's address is not valid: {e}"))?,
    );
    let builder = Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(mail.message_id.clone()));
    let text = SinglePart::plain(mail.body.clone());
    let built = if mail.attachments.is_empty() {
        builder.singlepart(text)
    } else {
        let mut parts = MultiPart::mixed().singlepart(text);
        for a in &mail.attachments {
            let content_type = ContentType::parse(a.content_type)
                .map_err(|e| format!("bad content type {}: {e}", a.content_type))?;
            parts =
                parts.singlepart(Part::new(a.filename.clone()).body(a.bytes.clone(), content_type));
        }
        builder.multipart(parts)
    };
    built.map_err(|e| format!("the message could not be built: {e}"))
}
