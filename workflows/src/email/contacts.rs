//! The contacts file: names and email addresses of the people the scheduler writes to, kept out
//! of the log so that a person can be erased without touching the chain. The log names a
//! recipient by contact id only (an actor id of the partnership file, or an id of its own).

use engine::Failure;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// One person who receives email.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// An actor id, or an id of the contacts file's own (e.g. a finance officer).
    pub id: String,
    pub name: String,
    pub email: String,
}

/// Every contact, and who receives each council's quarterly report.
#[derive(Debug, Clone, Default)]
pub struct Contacts {
    by_id: BTreeMap<String, Contact>,
    /// Council id → contact ids; a council not listed sends its report to its clerks.
    reports: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContacts {
    #[serde(default, rename = "contact")]
    contacts: Vec<Contact>,
    #[serde(default)]
    reports: BTreeMap<String, Vec<String>>,
}

impl Contacts {
    /// Reads and checks the contacts file at `path`.
    pub fn load(path: &Path) -> Result<Contacts, Failure> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure::usage(format!("cannot read the contacts file {}: {e}", path.display()))
                .with_detail("the configuration's contacts key names it (relative to the configuration's directory)")
        })?;
        Contacts::parse(&text, path)
    }

    /// Parses contacts `text` (read from `path`, which problems name).
    pub fn parse(text: &str, path: &Path) -> Result<Contacts, Failure> {
        let bad = |why: String| {
            Failure::usage(format!("{}: {why}", path.display())).with_detail(
                "fix the contacts file and run the command again; nothing was sent or recorded",
            )
        };
        let raw: RawContacts = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
            let at = line.map_or_else(String::new, |l| format!("line {l}: "));
            bad(format!("{at}{}", e.message().trim()))
        })?;
        let mut by_id = BTreeMap::new();
        for (n, c) in raw.contacts.into_iter().enumerate() {
            let at = format!("contact[{n}]");
            if !is_id(&c.id) {
                return Err(bad(format!(
                    "{at}.id: {:?} is not an id: letters, digits, '-' and '_'",
                    c.id
                )));
            }
            if c.name.trim().is_empty() || c.name.chars().any(char::is_control) {
                return Err(bad(format!(
                    "{at}.name: give the person's name on one line"
                )));
            }
            if !is_address(&c.email) {
                return Err(bad(format!(
                    "{at}.email: {:?} is not an email address (someone@example.org)",
                    c.email
                )));
            }
            if by_id.contains_key(&c.id) {
                return Err(bad(format!("{at}.id: {:?} is listed twice", c.id)));
            }
            by_id.insert(c.id.clone(), c);
        }
        for (council, ids) in &raw.reports {
            if let Some(id) = ids.iter().find(|id| !by_id.contains_key(*id)) {
                return Err(bad(format!(
                    "reports.{council}: {id:?} is not a contact of this file"
                )));
            }
        }
        Ok(Contacts {
            by_id,
            reports: raw.reports,
        })
    }

    /// The contact with this id, if the file still has it.
    pub fn get(&self, id: &str) -> Option<&Contact> {
        self.by_id.get(id)
    }

    /// The contacts listed to receive `council`'s quarterly report (None: the file lists none).
    pub fn report_recipients(&self, council: &str) -> Option<&[String]> {
        self.reports.get(council).map(Vec::as_slice)
    }
}

/// Letters, digits, `-` and `_`: an id that can stand in a Message-ID and a stream name.
pub fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The address of a mailbox written `Name <address>` or as a bare address.
pub fn address_of(mailbox: &str) -> &str {
    match (mailbox.rfind('<'), mailbox.rfind('>')) {
        (Some(open), Some(close)) if open < close => &mailbox[open + 1..close],
        _ => mailbox.trim(),
    }
}

/// A plain check of an address: one `@` with something on each side, a dot in the domain, and
/// no spaces, angle brackets or control characters (the SMTP adapter checks it again).
pub fn is_address(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    let plain = |s: &str| {
        !s.is_empty()
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>@,;\"()[]\\".contains(c))
    };
    plain(local) && plain(domain) && domain.contains('.') && !domain.starts_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_parse_and_problems_name_the_entry() {
        let path = Path::new("contacts.toml");
        let good = "[[contact]]\nid = \"jce\"\nname = \"Jo\"\nemail = \"jo@example.org\"\n[reports]\nbromsgrove = [\"jce\"]\n";
        let c = Contacts::parse(good, path).unwrap();
        assert_eq!(c.report_recipients("bromsgrove").unwrap(), ["jce"]);
        assert!(c.report_recipients("redditch").is_none());
        let bad = good.replace("jo@example.org", "jo at example");
        let e = Contacts::parse(&bad, path).unwrap_err();
        assert!(e.message.contains("contact[0].email"), "{}", e.message);
        let bad = good.replace("[\"jce\"]", "[\"nobody\"]");
        let e = Contacts::parse(&bad, path).unwrap_err();
        assert!(e.message.contains("reports.bromsgrove"), "{}", e.message);
        let twice =
            format!("{good}[[contact]]\nid = \"jce\"\nname = \"J\"\nemail = \"j@example.org\"\n");
        assert!(Contacts::parse(&twice, path).is_err());
    }

    #[test]
    fn addresses_and_mailboxes() {
        assert!(is_address("a.b@example.org"));
        assert!(!is_address("a@b"));
        assert!(!is_address("a b@example.org"));
        assert!(!is_address("<a@example.org>"));
        assert_eq!(address_of("Concordat <c@example.org>"), "c@example.org");
        assert_eq!(address_of(" c@example.org "), "c@example.org");
    }
}
