//! Who is told what: a reminder goes to the programme managers and, when it concerns one
//! council, that council's clerks; a council's quarterly report goes to the recipients the
//! contacts file lists for it, else to its clerks. Only people with a contact receive anything.

use super::contacts::{Contact, Contacts};
use crate::partnership::{Partnership, Role};

/// The contacts who receive a reminder about `council` (None: the whole partnership).
pub fn for_reminder<'a>(
    partnership: &Partnership,
    contacts: &'a Contacts,
    council: Option<&str>,
) -> Vec<&'a Contact> {
    let managers = partnership
        .actors
        .iter()
        .filter(|a| a.roles.contains(&Role::ProgrammeManager));
    let clerks = partnership.actors.iter().filter(|a| {
        council.is_some() && a.roles.contains(&Role::Clerk) && a.council.as_deref() == council
    });
    known(contacts, managers.chain(clerks).map(|a| a.id.as_str()))
}

/// The contacts who receive `council`'s quarterly report.
pub fn for_report<'a>(
    partnership: &Partnership,
    contacts: &'a Contacts,
    council: &str,
) -> Vec<&'a Contact> {
    match contacts.report_recipients(council) {
        Some(ids) => known(contacts, ids.iter().map(String::as_str)),
        None => known(
            contacts,
            partnership
                .actors
                .iter()
                .filter(|a| a.roles.contains(&Role::Clerk) && a.council.as_deref() == Some(council))
                .map(|a| a.id.as_str()),
        ),
    }
}

/// The contacts of these ids that the file has, each once, in the order first named.
fn known<'a, 'i>(contacts: &'a Contacts, ids: impl Iterator<Item = &'i str>) -> Vec<&'a Contact> {
    let mut out: Vec<&Contact> = Vec::new();
    for id in ids {
        if let Some(c) = contacts.get(id) {
            if !out.iter().any(|o| o.id == c.id) {
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn partnership() -> Partnership {
        Partnership::from_toml(
            r#"
name = "Test"
[[council]]
id = "a"
name = "A Council"
[[council]]
id = "b"
name = "B Council"
[[actor]]
id = "pm"
roles = ["programme-manager"]
[[actor]]
id = "a-clerk"
roles = ["clerk"]
council = "a"
[[actor]]
id = "b-clerk"
roles = ["clerk"]
council = "b"
"#,
        )
        .unwrap()
    }

    fn contacts(extra: &str) -> Contacts {
        let mut text = String::new();
        for id in ["pm", "a-clerk", "b-clerk", "a-finance"] {
            text += &format!(
                "[[contact]]\nid = \"{id}\"\nname = \"N {id}\"\nemail = \"{id}@example.org\"\n"
            );
        }
        Contacts::parse(&(text + extra), Path::new("c.toml")).unwrap()
    }

    fn ids(cs: Vec<&Contact>) -> Vec<&str> {
        cs.into_iter().map(|c| c.id.as_str()).collect()
    }

    #[test]
    fn reminders_go_to_managers_and_the_councils_clerks() {
        let (p, c) = (partnership(), contacts(""));
        assert_eq!(ids(for_reminder(&p, &c, None)), ["pm"]);
        assert_eq!(ids(for_reminder(&p, &c, Some("a"))), ["pm", "a-clerk"]);
    }

    #[test]
    fn reports_go_to_the_listed_recipients_else_the_clerks() {
        let p = partnership();
        let c = contacts("[reports]\na = [\"a-finance\", \"a-clerk\", \"a-finance\"]\n");
        assert_eq!(ids(for_report(&p, &c, "a")), ["a-finance", "a-clerk"]);
        assert_eq!(ids(for_report(&p, &c, "b")), ["b-clerk"]);
        // Someone erased from the contacts file receives nothing.
        let few = Contacts::parse(
            "[[contact]]\nid = \"pm\"\nname = \"P\"\nemail = \"p@example.org\"\n",
            Path::new("c"),
        )
        .unwrap();
        assert!(for_report(&p, &few, "b").is_empty());
    }
}
