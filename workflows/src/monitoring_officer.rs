//! Each council's monitoring officer (an actor with the `monitoring-officer` role and that
//! council): at most one per council, and told of every interest declared in a matter of theirs
//! (the seed's §2.1.3 and §3.10: the monitoring officer decides who acts instead).

use crate::partnership::{Partnership, Role};
use engine::time::format_instant;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A monitoring officer told of a declared interest (`interest-declared`'s `told`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Told {
    pub council: String,
    /// The officer's actor id.
    pub officer: String,
    /// When the declaration was recorded (RFC 3339, local offset): when they were told.
    pub at: String,
}

/// The monitoring officer of `council`, if the partnership names one.
pub fn of(p: &Partnership, council: &str) -> Option<String> {
    p.actors
        .iter()
        .find(|a| {
            a.roles.contains(&Role::MonitoringOfficer) && a.council.as_deref() == Some(council)
        })
        .map(|a| a.id.clone())
}

/// Whom a declaration by `actor` in a proposal of `councils` is told to: the monitoring officer
/// of the declarer's own council (as an actor's council, or the board they sit on), else of each
/// council of the proposal; councils without one are left out.
pub fn told(
    p: &Partnership,
    actor: &str,
    councils: &[String],
    now: Timestamp,
    tz: &TimeZone,
) -> Vec<Told> {
    let own = p
        .actor(actor)
        .and_then(|a| a.council.clone())
        .or_else(|| p.council_of_member(actor).map(|c| c.id.clone()));
    let concerned = match own {
        Some(c) => vec![c],
        None => councils.to_vec(),
    };
    concerned
        .into_iter()
        .filter_map(|council| {
            let officer = of(p, &council)?;
            Some(Told {
                council,
                officer,
                at: format_instant(now, tz),
            })
        })
        .collect()
}

/// "; told bromsgrove's monitoring officer (bdc-mo)" for a description, or nothing.
pub fn describe(told: &[Told]) -> String {
    if told.is_empty() {
        return String::new();
    }
    let names: Vec<String> = told
        .iter()
        .map(|t| format!("{}'s monitoring officer ({})", t.council, t.officer))
        .collect();
    format!("; told {}", names.join(" and "))
}

/// Monitoring officers without a council, and councils with two.
pub fn problems(p: &Partnership, line_of: &dyn Fn(&str) -> Option<usize>) -> Vec<String> {
    let mut problems = Vec::new();
    let mut by_council: BTreeMap<&str, &str> = BTreeMap::new();
    for a in p
        .actors
        .iter()
        .filter(|a| a.roles.contains(&Role::MonitoringOfficer))
    {
        let at = line_of(&format!("\"{}\"", a.id))
            .map(|n| format!("line {n}: "))
            .unwrap_or_default();
        match a.council.as_deref() {
            None => problems.push(format!(
                "{at}actor {:?} is a monitoring officer without a council: add council = \"<council id>\"",
                a.id
            )),
            Some(c) => {
                if let Some(first) = by_council.insert(c, &a.id) {
                    problems.push(format!(
                        "{at}actor {:?} is a second monitoring officer of {c} ({first} is one): a council has one",
                        a.id
                    ));
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
name = "B&R"
[[council]]
id = "bromsgrove"
name = "B"
board = ["bdc-leader", "cllr-hollingworth"]
[[council]]
id = "redditch"
name = "R"
board = ["rbc-leader"]
[[actor]]
id = "jce"
roles = ["programme-manager"]
[[actor]]
id = "bdc-mo"
roles = ["monitoring-officer"]
council = "bromsgrove"
[[actor]]
id = "cllr-hollingworth"
roles = ["board-member"]
council = "bromsgrove"
"#;

    #[test]
    fn the_declarers_council_is_told_else_each_council_of_the_proposal() {
        let p = Partnership::from_toml(FILE).unwrap();
        let tz = TimeZone::get("Europe/London").unwrap();
        let now: Timestamp = "2008-10-06T09:00:00Z".parse().unwrap();
        let both = ["bromsgrove".to_string(), "redditch".to_string()];
        let member = told(&p, "cllr-hollingworth", &both, now, &tz);
        assert_eq!(
            member,
            [Told {
                council: "bromsgrove".into(),
                officer: "bdc-mo".into(),
                at: "2008-10-06T10:00:00+01:00".into()
            }]
        );
        // The Joint Chief Executive belongs to neither: each council's officer (Redditch names none).
        assert_eq!(told(&p, "jce", &both, now, &tz), member);
        assert_eq!(
            describe(&member),
            "; told bromsgrove's monitoring officer (bdc-mo)"
        );
        assert!(told(&p, "jce", &["redditch".to_string()], now, &tz).is_empty());
    }

    #[test]
    fn an_officer_needs_a_council_and_a_council_has_one() {
        let refused = |text: &str| {
            let e = Partnership::from_toml(text).unwrap_err();
            format!("{} {}", e.message, e.details.join(" "))
        };
        let loose = FILE.replace("council = \"bromsgrove\"", "");
        assert!(refused(&loose).contains("monitoring officer without a council"));
        let two = format!(
            "{FILE}\n[[actor]]\nid = \"bdc-mo-2\"\nroles = [\"monitoring-officer\"]\ncouncil = \"bromsgrove\"\n"
        );
        assert!(refused(&two).contains("second monitoring officer of bromsgrove"));
    }
}
