//! The operator's configuration file (`concordat.toml`): what must never enter the log — the SMTP
//! server and its credentials, the web application's address, and where the contacts file is.
//! Every problem is a usage failure (exit 2) naming the file, the key and what is expected.

use super::contacts::Contacts;
use crate::reminders::ics::BaseUrl;
use engine::Failure;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Where the configuration is read from when neither `--config` nor `$CONCORDAT_CONFIG` names
/// one (only if it exists).
pub const DEFAULT_PATH: &str = "/etc/concordat/concordat.toml";

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// Plain connection upgraded with STARTTLS (port 587 by default); refused if the server
    /// does not offer it.
    StartTls,
    /// TLS from the first byte (port 465 by default).
    Implicit,
    /// No encryption: only to a server on this machine (port 25 by default).
    None,
}

/// The SMTP server and how to sign in to it.
#[derive(Clone)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    /// User name and password, when the server wants a sign-in.
    pub credentials: Option<(String, String)>,
    /// The `From:` mailbox (`Name <address>` or a bare address).
    pub from: String,
    /// A PEM file of the certificate authority to trust for this server (a private CA); none:
    /// the public roots (webpki-roots).
    pub ca_file: Option<PathBuf>,
}

impl std::fmt::Debug for Smtp {
    // The password never reaches a log line or a panic message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smtp")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.credentials.as_ref().map(|c| &c.0))
            .field("from", &self.from)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

/// The whole operator configuration.
#[derive(Debug, Clone)]
pub struct OperatorConfig {
    /// The file it was read from.
    pub path: PathBuf,
    /// None: no email is sent (the outbox alone, as before).
    pub smtp: Option<Smtp>,
    /// The web application's address, for links in messages.
    pub base_url: Option<BaseUrl>,
    pub contacts: Contacts,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    contacts: Option<String>,
    smtp: Option<RawSmtp>,
    web: Option<RawWeb>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSmtp {
    host: String,
    port: Option<u16>,
    tls: Option<String>,
    username: Option<String>,
    password: Option<String>,
    password_file: Option<String>,
    from: String,
    ca_file: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeb {
    base_url: Option<String>,
}

/// Reads and checks the configuration at `path` and the contacts file it names (a relative path
/// counts from the configuration's directory).
pub fn load(path: &Path) -> Result<OperatorConfig, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::usage(format!(
            "cannot read the configuration {}: {e}",
            path.display()
        ))
        .with_detail("give a readable file, or none to send no email")
    })?;
    let dir = path.parent().unwrap_or(Path::new("."));
    parse(&text, path, dir)
}

/// Parses configuration `text` read from `path`; files it names are read relative to `dir`.
pub fn parse(text: &str, path: &Path, dir: &Path) -> Result<OperatorConfig, Failure> {
    let bad = |key: &str, why: String| problem(path, key, why);
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
        let at = line.map_or_else(String::new, |l| format!("line {l}: "));
        Failure::usage(format!("{}: {at}{}", path.display(), e.message().trim()))
            .with_detail("the keys are contacts, [smtp] and [web] (see docs/email.md)")
    })?;
    let smtp = raw.smtp.map(|s| smtp(s, dir, &bad)).transpose()?;
    let base_url = match raw.web.and_then(|w| w.base_url) {
        Some(url) => Some(
            url.parse::<BaseUrl>()
                .map_err(|e| bad("web.base_url", e.message))?,
        ),
        None => None,
    };
    let contacts =
        match raw.contacts {
            Some(file) => {
                let file = dir.join(file);
                Contacts::load(&file)?
            }
            None if smtp.is_some() => return Err(bad(
                "contacts",
                "missing: with [smtp], name the contacts file (e.g. contacts = \"contacts.toml\")"
                    .into(),
            )),
            None => Contacts::default(),
        };
    Ok(OperatorConfig {
        path: path.to_path_buf(),
        smtp,
        base_url,
        contacts,
    })
}

fn smtp(raw: RawSmtp, dir: &Path, bad: &impl Fn(&str, String) -> Failure) -> Result<Smtp, Failure> {
    let tls = match raw.tls.as_deref().unwrap_or("starttls") {
        "starttls" => Tls::StartTls,
        "implicit" => Tls::Implicit,
        "none" => Tls::None,
        other => {
            return Err(bad(
                "smtp.tls",
                format!("{other:?} is not one of \"starttls\", \"implicit\", \"none\""),
            ))
        }
    };
    let host = raw.host.trim().to_string();
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c == '/') {
        return Err(bad("smtp.host", format!("{host:?} is not a host name")));
    }
    if tls == Tls::None && !is_local(&host) {
        return Err(bad(
            "smtp.tls",
            format!("\"none\" sends the password and every message in clear: only for a server on this machine (localhost, 127.0.0.1, ::1), not {host:?}; use \"starttls\" or \"implicit\""),
        ));
    }
    let port = raw.port.unwrap_or(match tls {
        Tls::StartTls => 587,
        Tls::Implicit => 465,
        Tls::None => 25,
    });
    if port == 0 {
        return Err(bad("smtp.port", "0 is not a port: give 1 to 65535".into()));
    }
    let password = match (raw.password, raw.password_file) {
        (Some(_), Some(_)) => {
            return Err(bad(
                "smtp.password",
                "give password or password_file, not both".into(),
            ))
        }
        (Some(p), None) => Some(p),
        (None, Some(file)) => Some(read_password(&dir.join(file), bad)?),
        (None, None) => None,
    };
    let credentials = match (raw.username, password) {
        (Some(u), Some(p)) => Some((u, p)),
        (None, None) => None,
        (Some(_), None) => {
            return Err(bad(
                "smtp.username",
                "a user name needs password or password_file".into(),
            ))
        }
        (None, Some(_)) => return Err(bad("smtp.password", "a password needs username".into())),
    };
    if !super::contacts::is_address(super::contacts::address_of(&raw.from)) {
        return Err(bad(
            "smtp.from",
            format!(
                "{:?} is not a mailbox: give \"Name <someone@example.org>\" or an address",
                raw.from
            ),
        ));
    }
    Ok(Smtp {
        host,
        port,
        tls,
        credentials,
        from: raw.from,
        ca_file: raw.ca_file.map(|f| dir.join(f)),
    })
}

/// The first line of the password file (a trailing newline is not part of the password).
fn read_password(file: &Path, bad: &impl Fn(&str, String) -> Failure) -> Result<String, Failure> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        bad(
            "smtp.password_file",
            format!("cannot read {}: {e}", file.display()),
        )
    })?;
    let password = text.lines().next().unwrap_or_default().to_string();
    if password.is_empty() {
        return Err(bad(
            "smtp.password_file",
            format!(
                "{} is empty: put the password on its first line",
                file.display()
            ),
        ));
    }
    Ok(password)
}

/// Whether `host` is this machine.
fn is_local(host: &str) -> bool {
    matches!(host, "localhost" | "::1" | "[::1]") || host.starts_with("127.")
}

fn problem(path: &Path, key: &str, why: String) -> Failure {
    Failure::usage(format!("{}: {key}: {why}", path.display())).with_detail(
        "fix the configuration and run the command again; nothing was sent or recorded",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_in(dir: &Path, text: &str) -> Result<OperatorConfig, Failure> {
        std::fs::write(
            dir.join("contacts.toml"),
            "[[contact]]\nid = \"jce\"\nname = \"Jo Example\"\nemail = \"jo@example.org\"\n",
        )
        .unwrap();
        parse(text, &dir.join("concordat.toml"), dir)
    }

    #[test]
    fn a_full_configuration_parses_with_defaults() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pw"), "s3cret\n").unwrap();
        let c = parse_in(
            dir.path(),
            "contacts = \"contacts.toml\"\n[smtp]\nhost = \"smtp.example.org\"\nusername = \"u\"\npassword_file = \"pw\"\nfrom = \"Concordat <concordat@example.org>\"\n[web]\nbase_url = \"https://concordat.example.org/\"\n",
        )
        .unwrap();
        let smtp = c.smtp.unwrap();
        assert_eq!((smtp.port, smtp.tls), (587, Tls::StartTls));
        assert_eq!(smtp.credentials.as_ref().unwrap().1, "s3cret");
        assert!(!format!("{smtp:?}").contains("s3cret"));
        assert_eq!(
            c.base_url.unwrap().as_str(),
            "https://concordat.example.org"
        );
        assert_eq!(c.contacts.get("jce").unwrap().name, "Jo Example");
    }

    #[test]
    fn bad_values_name_their_key() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            ("tls = \"ssl\"", "smtp.tls"),
            ("tls = \"none\"", "smtp.tls"),
            ("port = 0", "smtp.port"),
            ("username = \"u\"", "smtp.username"),
            ("password = \"p\"", "smtp.password"),
        ];
        for (line, key) in cases {
            let text = format!("contacts = \"contacts.toml\"\n[smtp]\nhost = \"smtp.example.org\"\nfrom = \"c@example.org\"\n{line}\n");
            let e = parse_in(dir.path(), &text).unwrap_err();
            assert!(e.message.contains(key), "{line}: {}", e.message);
        }
        let e = parse_in(
            dir.path(),
            "[smtp]\nhost = \"localhost\"\nfrom = \"c@example.org\"\n",
        )
        .unwrap_err();
        assert!(e.message.contains("contacts"), "{}", e.message);
        let e = parse_in(dir.path(), "[smtp]\nhots = \"x\"\n").unwrap_err();
        assert!(e.message.contains("line 2"), "{}", e.message);
    }

    #[test]
    fn plain_smtp_only_to_this_machine() {
        let dir = tempfile::tempdir().unwrap();
        let c = parse_in(
            dir.path(),
            "contacts = \"contacts.toml\"\n[smtp]\nhost = \"127.0.0.1\"\ntls = \"none\"\nport = 2525\nfrom = \"c@example.org\"\n",
        )
        .unwrap();
        assert_eq!(c.smtp.unwrap().port, 2525);
    }
}
