//! The partnership file: councils, their boards, the board rule, the schedule and the actors,
//! validated in full before anything is written.

mod history;

pub use history::{
    Ended, PartnershipEnd, PartnershipHistory, PARTNERSHIP_AMENDED, PARTNERSHIP_ENDED,
    PARTNERSHIP_REGISTERED, PARTNERSHIP_STREAM,
};

use crate::constitution::{CallInRule, DecisionBody};
use crate::quarter::YearStart;
use engine::Failure;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// What an actor may do (the contract's roles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Admin,
    ProgrammeManager,
    Clerk,
    Auditor,
    Scheduler,
    /// A council's monitoring officer (bound to a council): told of declared interests.
    MonitoringOfficer,
    /// A member of the Shared Services Board: reads, and declares their own interests.
    BoardMember,
    /// A council's finance officer (bound to its council): records costs and funding.
    FinanceOfficer,
}

impl Role {
    /// The role as written in the partnership file.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::ProgrammeManager => "programme-manager",
            Role::Clerk => "clerk",
            Role::Auditor => "auditor",
            Role::Scheduler => "scheduler",
            Role::MonitoringOfficer => "monitoring-officer",
            Role::BoardMember => "board-member",
            Role::FinanceOfficer => "finance-officer",
        }
    }
}

/// One council of the partnership and the members it sends to the Shared Services Board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Council {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub board: Vec<String>,
    /// The body that takes its decisions (its constitution; printed on the decision record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_body: Option<DecisionBody>,
    /// Its call-in window after an approval (none: an approval counts at once, as before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_in: Option<CallInRule>,
    /// The member of `board` who leads the council: chairs the Board when it meets there (§4.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leader: Option<String>,
}

/// The board's rule for a recommendation without consensus (concordat §4.3(a)(iii)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardRule {
    #[serde(default = "default_min_support")]
    pub min_support_per_council: u32,
    /// Members of each council who must be present for a meeting to vote (none: no quorum rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quorum_per_council: Option<u32>,
}

impl Default for BoardRule {
    fn default() -> Self {
        BoardRule {
            min_support_per_council: default_min_support(),
            quorum_per_council: None,
        }
    }
}

fn default_min_support() -> u32 {
    2
}

/// When scheduled jobs fall due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    #[serde(default = "default_quarterly_report")]
    pub quarterly_report: String,
    #[serde(default = "default_lead_days")]
    pub milestone_lead_days: Vec<u32>,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            quarterly_report: default_quarterly_report(),
            milestone_lead_days: default_lead_days(),
        }
    }
}

fn default_quarterly_report() -> String {
    "0 0 9 1 Jan,Apr,Jul,Oct *".to_string()
}

fn default_lead_days() -> Vec<u32> {
    vec![14, 1]
}

/// Someone (or something) who acts on the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub roles: Vec<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub council: Option<String>,
    /// When set, only this operating-system user may act as this actor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_user: Option<String>,
    /// When set, on a PostgreSQL store only a session logged in as this database role may act as
    /// this actor (checked by concordat and enforced by the database).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_role: Option<String>,
}

/// A partnership as its file describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partnership {
    pub name: String,
    #[serde(default = "default_timezone")]
    pub timezone: String,
    #[serde(default = "default_year_start")]
    pub financial_year_start: String,
    #[serde(default)]
    pub unions: Vec<String>,
    /// The note verifier key that signs the log's checkpoints (`concordat checkpoint keygen` prints one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint_key: Option<String>,
    /// The operating-system group that shares an embedded store with its owner (mode 2770);
    /// none: the store is its owner's alone (0700).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_group: Option<String>,
    /// The DNS name that makes the calendar feed's UIDs unique to this partnership
    /// (`ID@DOMAIN`); none: derived from the name (see [`crate::reminders::ics::derived_domain`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(rename = "council", default)]
    pub councils: Vec<Council>,
    #[serde(default)]
    pub board_rule: BoardRule,
    #[serde(default)]
    pub schedule: Schedule,
    /// The Board's default meeting cycle (every N months, venues alternating).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub board_cycle: Option<crate::board::BoardCycle>,
    #[serde(rename = "actor", default)]
    pub actors: Vec<Actor>,
    /// The partnership's own arrangements under review (`[[arrangement]]`, issue 21).
    #[serde(rename = "arrangement", default, skip_serializing_if = "Vec::is_empty")]
    pub arrangements: Vec<crate::arrangement::Arrangement>,
}

fn default_timezone() -> String {
    "Europe/London".to_string()
}

fn default_year_start() -> String {
    "04-01".to_string()
}

impl Partnership {
    /// Parses and validates a partnership file; every problem is a usage error naming its line.
    pub fn from_toml(text: &str) -> Result<Partnership, Failure> {
        let partnership: Partnership = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
            let message = e.message().trim().to_string();
            Failure::usage(match line {
                Some(line) => format!("line {line}: {message}"),
                None => message,
            })
            .with_detail("fix the partnership file and run the command again; nothing was written")
        })?;
        let problems = partnership.problems(text);
        if let Some(first) = problems.first() {
            return Err(Failure::usage(first.clone())
                .with_details(problems.iter().skip(1).cloned())
                .with_detail(
                    "fix the partnership file and run the command again; nothing was written",
                ));
        }
        Ok(partnership)
    }

    /// Every rule of the contract the file breaks, each with its line where one can be found.
    fn problems(&self, text: &str) -> Vec<String> {
        let mut problems = Vec::new();
        let at = |needle: &str| at_line(text, needle);
        if self.councils.len() < 2 {
            problems.push(format!(
                "a partnership needs at least two councils ([[council]] tables); this file has {}",
                self.councils.len()
            ));
        }
        problems.extend(self.id_problems(text));
        problems.extend(self.actor_problems(text));
        problems.extend(self.setting_problems(text));
        problems.extend(self.call_in_problems(text));
        problems.extend(crate::arrangement::problems(self, &|n| line_of(text, n)));
        problems.extend(crate::monitoring_officer::problems(self, &|n| {
            line_of(text, n)
        }));
        problems.extend(crate::board::partnership_problems(self, text));
        problems.extend(crate::bounds::problems(self, &|needle| {
            line_of(text, needle)
        }));
        if self.board_rule.min_support_per_council == 0 {
            problems.push(format!(
                "{}min_support_per_council must be at least 1",
                at("min_support_per_council")
            ));
        }
        problems
    }

    /// Ids that are empty or used twice across councils, board members and actors.
    fn id_problems(&self, text: &str) -> Vec<String> {
        let mut problems = Vec::new();
        let at = |needle: &str| at_line(text, needle);
        let mut seen: HashMap<String, &str> = HashMap::new();
        let mut claim = |id: &str, what: &'static str, problems: &mut Vec<String>| {
            if id.trim().is_empty() {
                problems.push(format!("{what} with an empty id: give every {what} an id"));
            } else if let Some(before) = seen.insert(id.to_string(), what) {
                problems.push(format!(
                    "{}{what} id {id:?} is already used by a {before}: ids must be unique across the file (a member sits on one council's board)",
                    at(&format!("\"{id}\""))
                ));
            }
        };
        for council in &self.councils {
            claim(&council.id, "council", &mut problems);
        }
        for council in &self.councils {
            for member in &council.board {
                claim(member, "board member", &mut problems);
            }
        }
        for actor in &self.actors {
            // A Board member acting in person is the same person as the member of that name.
            if !crate::board::is_member_acting(self, actor) {
                claim(&actor.id, "actor", &mut problems);
            }
        }
        problems
    }

    /// Actors without roles, clerks without a council, councils that do not exist, bad db_roles.
    fn actor_problems(&self, text: &str) -> Vec<String> {
        let mut problems = Vec::new();
        let at = |needle: &str| at_line(text, needle);
        let council_ids: BTreeSet<&str> = self.councils.iter().map(|c| c.id.as_str()).collect();
        for actor in &self.actors {
            if actor.roles.is_empty() {
                problems.push(format!(
                    "{}actor {:?} has no roles: give it at least one",
                    at(&format!("\"{}\"", actor.id)),
                    actor.id
                ));
            }
            let bound = [Role::Clerk, Role::FinanceOfficer]
                .into_iter()
                .find(|r| actor.roles.contains(r));
            match (&actor.council, bound) {
                (None, Some(role)) => problems.push(format!(
                    "{}actor {:?} is a {} without a council: add council = \"<council id>\"",
                    at(&format!("\"{}\"", actor.id)),
                    actor.id,
                    role.as_str()
                )),
                (Some(c), _) if !council_ids.contains(c.as_str()) => problems.push(format!(
                    "{}actor {:?} names council {c:?}, which is not a council of this file",
                    at(&format!("\"{}\"", actor.id)),
                    actor.id
                )),
                _ => {}
            }
        }
        for actor in &self.actors {
            if actor
                .db_role
                .as_deref()
                .is_some_and(|r| r.trim().is_empty() || r.chars().any(char::is_control))
            {
                problems.push(format!(
                    "{}actor {:?} has an empty or unprintable db_role: name a PostgreSQL role, or leave db_role out",
                    at("db_role"),
                    actor.id
                ));
            }
        }
        problems
    }

    /// The store group, time zone, financial year start, schedule and checkpoint key.
    fn setting_problems(&self, text: &str) -> Vec<String> {
        let mut problems = Vec::new();
        let at = |needle: &str| at_line(text, needle);
        if let Some(group) = &self.store_group {
            if !is_group_name(group) {
                problems.push(format!(
                    "{}store_group {group:?} is not a group name: letters, digits, '_', '.' and '-', not starting with '-'",
                    at("store_group")
                ));
            }
        }
        if let Some(domain) = &self.domain {
            if !crate::reminders::ics::is_dns_name(domain) {
                problems.push(format!(
                    "{}domain {domain:?} is not a DNS name: labels of letters, digits and '-' joined by dots, at least two (e.g. \"shared.bromsgrove.gov.uk\")",
                    at("domain")
                ));
            }
        }
        if jiff::tz::TimeZone::get(&self.timezone).is_err() {
            problems.push(format!(
                "{}timezone {:?} is not an IANA time zone name (e.g. \"Europe/London\")",
                at("timezone"),
                self.timezone
            ));
        }
        if let Err(e) = YearStart::parse(&self.financial_year_start) {
            problems.push(format!("{}{}", at("financial_year_start"), e.message));
        }
        if let Err(e) = engine::schedule::CronSchedule::parse(&self.schedule.quarterly_report) {
            problems.push(format!(
                "{}schedule.quarterly_report: {}",
                at("quarterly_report"),
                e.message
            ));
        }
        if let Some(key) = &self.checkpoint_key {
            if let Err(e) = engine::merkle::VerifierKey::parse(key) {
                problems.push(format!(
                    "{}checkpoint_key: {}",
                    at("checkpoint_key"),
                    e.message
                ));
            }
        }
        problems
    }

    /// Each council's call-in rule.
    fn call_in_problems(&self, text: &str) -> Vec<String> {
        let mut problems = Vec::new();
        for council in &self.councils {
            if let Some(rule) = &council.call_in {
                for (key, problem) in rule.problems() {
                    let line = line_in_council(text, &council.id, key)
                        .map(|n| format!("line {n}: "))
                        .unwrap_or_default();
                    problems.push(format!("{line}council {:?}: {problem}", council.id));
                }
            }
        }
        problems
    }

    /// The limits this partnership (as recorded, perhaps before the limits existed) breaks: what
    /// `audit verify` reports as warnings for a log that keeps working.
    pub fn bound_warnings(&self) -> Vec<String> {
        crate::bounds::problems(self, &|_| None)
    }

    /// The domain of the calendar feed's UIDs: `domain`, else one derived from the name.
    pub fn calendar_domain(&self) -> String {
        self.domain
            .clone()
            .unwrap_or_else(|| crate::reminders::ics::derived_domain(&self.name))
    }

    /// The partnership's time zone (validated on load).
    pub fn tz(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.timezone).expect("time zone validated on load")
    }

    /// The financial year's first month and day (validated on load).
    pub fn year_start(&self) -> YearStart {
        YearStart::parse(&self.financial_year_start).expect("year start validated on load")
    }

    /// The council with this id.
    pub fn council(&self, id: &str) -> Option<&Council> {
        self.councils.iter().find(|c| c.id == id)
    }

    /// The actor with this id.
    pub fn actor(&self, id: &str) -> Option<&Actor> {
        self.actors.iter().find(|a| a.id == id)
    }

    /// The council whose board this member sits on.
    pub fn council_of_member(&self, member: &str) -> Option<&Council> {
        self.councils
            .iter()
            .find(|c| c.board.iter().any(|m| m == member))
    }

    /// Each actor bound to a database role, with that role.
    pub fn actor_roles(&self) -> engine::ActorRoles {
        self.actors
            .iter()
            .filter_map(|a| Some((a.id.clone(), a.db_role.clone()?)))
            .collect()
    }

    /// Who may open the embedded store besides its owner.
    pub fn store_access(&self) -> engine::StoreAccess {
        engine::StoreAccess::group(self.store_group.as_deref())
    }

    /// The councils' ids, in file order.
    pub fn council_ids(&self) -> Vec<String> {
        self.councils.iter().map(|c| c.id.clone()).collect()
    }
}

/// A portable group name (POSIX's portable filename characters, as `groupadd` accepts).
fn is_group_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 32
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// "line N: " for the first line of `text` holding `needle`, or nothing when none does.
fn at_line(text: &str, needle: &str) -> String {
    match line_of(text, needle) {
        Some(n) => format!("line {n}: "),
        None => String::new(),
    }
}

fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

/// The line of the first `needle` after council `id`'s `id = "…"` line (its own tables).
fn line_in_council(text: &str, id: &str, needle: &str) -> Option<usize> {
    let start = text
        .lines()
        .position(|l| l.trim_start().starts_with("id") && l.contains(&format!("\"{id}\"")))?;
    text.lines()
        .skip(start)
        .position(|l| l.contains(needle))
        .map(|i| start + i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub const BROMSGROVE_REDDITCH: &str = r#"
name = "Bromsgrove and Redditch"
unions = ["unison", "gmb", "ucatt"]

[[council]]
id = "bromsgrove"
name = "Bromsgrove District Council"
board = ["bdc-leader", "bdc-member-2", "bdc-member-3"]

[[council]]
id = "redditch"
name = "Redditch Borough Council"
board = ["rbc-leader", "rbc-member-2", "rbc-member-3"]

[[actor]]
id = "jce"
roles = ["programme-manager"]

[[actor]]
id = "bdc-clerk"
roles = ["clerk"]
council = "bromsgrove"
"#;

    #[test]
    fn the_2008_partnership_loads_with_defaults() {
        let p = Partnership::from_toml(BROMSGROVE_REDDITCH).unwrap();
        assert_eq!(p.timezone, "Europe/London");
        assert_eq!(p.board_rule.min_support_per_council, 2);
        assert_eq!(p.schedule.milestone_lead_days, vec![14, 1]);
        assert_eq!(p.council_of_member("rbc-member-2").unwrap().id, "redditch");
    }

    fn refused(text: &str) -> String {
        let e = Partnership::from_toml(text).unwrap_err();
        assert_eq!(e.kind, engine::FailureKind::Usage);
        e.message
    }

    #[test]
    fn a_checkpoint_key_is_optional_and_checked() {
        assert_eq!(
            Partnership::from_toml(BROMSGROVE_REDDITCH)
                .unwrap()
                .checkpoint_key,
            None
        );
        let (_, public) = engine::merkle::SignerKey::generate("concordat/x").unwrap();
        let text = format!("checkpoint_key = \"{public}\"\n{BROMSGROVE_REDDITCH}");
        let p = Partnership::from_toml(&text).unwrap();
        assert_eq!(p.checkpoint_key.as_deref(), Some(public.as_str()));
        let json =
            serde_json::to_value(Partnership::from_toml(BROMSGROVE_REDDITCH).unwrap()).unwrap();
        assert!(
            json.get("checkpoint_key").is_none(),
            "absent stays absent in events"
        );
    }

    #[test]
    fn each_rule_is_enforced() {
        assert!(refused("name = \"x\"\ncolour = 1\n").contains("line 2"));
        assert!(
            refused("name = \"x\"\n[[council]]\nid = \"a\"\nname = \"A\"\n")
                .contains("at least two councils")
        );
        let dup = BROMSGROVE_REDDITCH.replace("\"rbc-member-3\"", "\"bdc-member-3\"");
        assert!(refused(&dup).contains("already used"));
        let clerk = BROMSGROVE_REDDITCH.replace("council = \"bromsgrove\"", "");
        assert!(refused(&clerk).contains("clerk without a council"));
        let role = BROMSGROVE_REDDITCH.replace("\"programme-manager\"", "\"mayor\"");
        assert!(refused(&role).contains("mayor"));
        let tz = format!("timezone = \"Europe/Londres\"\n{BROMSGROVE_REDDITCH}");
        assert!(refused(&tz).contains("IANA"));
        let cron =
            format!("{BROMSGROVE_REDDITCH}\n[schedule]\nquarterly_report = \"every quarter\"\n");
        assert!(
            refused(&cron).contains("quarterly_report") || refused(&cron).contains("every quarter")
        );
        let key = format!("checkpoint_key = \"concordat+0000+AAAA\"\n{BROMSGROVE_REDDITCH}");
        assert!(refused(&key).contains("line 1: checkpoint_key"));
    }
}
