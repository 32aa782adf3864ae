//! The limits on what a partnership file and a command's free text may hold, so that nothing a
//! careless or hostile editor writes can make a later command panic, run out of memory, or write
//! outside the store (a council id becomes a file name in the outbox).
//!
//! They are checked when a value enters the log (`init`, `partnership amend`, each command's
//! free text). A log recorded before these limits keeps working: its values are read as they are,
//! the code that reads them is itself bounded, and `audit verify` reports them as warnings.

use crate::partnership::Partnership;

/// The longest id (council, board member, actor, union) in characters.
pub const MAX_ID_CHARS: usize = 64;
/// The longest name (the partnership's, a council's, an actor's) in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest one-line text given on the command line (`--title`, `--name`, `--minute`, …).
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest free text given on the command line (`--reason`, `--risk`, `--summary`, …).
pub const MAX_TEXT_CHARS: usize = 4000;
/// The largest `milestone_lead_days` value: a reminder at most a year (and a leap day) ahead.
pub const MAX_LEAD_DAYS: u32 = 366;
/// The most `milestone_lead_days` values.
pub const MAX_LEAD_DAYS_COUNT: usize = 10;
/// The most firings of `schedule.quarterly_report` in any one year (daily is 366; a firing issues
/// one report per council, so a schedule finer than this is a mistake, not a reporting cycle).
pub const MAX_FIRINGS_PER_YEAR: u64 = 4000;
/// The most councils, board members of one council, unions and actors a file may name.
pub const MAX_COUNCILS: usize = 100;
/// See [`MAX_COUNCILS`].
pub const MAX_BOARD_MEMBERS: usize = 100;
/// See [`MAX_COUNCILS`].
pub const MAX_UNIONS: usize = 50;
/// See [`MAX_COUNCILS`].
pub const MAX_ACTORS: usize = 1000;
/// The longest database role (PostgreSQL's identifier limit, in bytes).
pub const MAX_DB_ROLE_BYTES: usize = 63;
/// The longest operating-system user name.
pub const MAX_OS_USER_CHARS: usize = 32;

/// Whether `id` is a safe id: 1 to [`MAX_ID_CHARS`] ASCII letters, digits, `-`, `_` and `.`, not
/// starting with `.` or `-` (so it is never a hidden file, a path, or read as a flag).
pub fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && !id.starts_with('.')
        && !id.starts_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The allowed id characters, for messages.
pub const ID_RULE: &str =
    "1 to 64 letters, digits, '-', '_' and '.', not starting with '.' or '-' (e.g. \"bromsgrove\")";

/// A text's problem, if any: longer than `max` characters ([`MAX_TITLE_CHARS`] for a line — a
/// title, a name, a reference; [`MAX_TEXT_CHARS`] for free text — a reason, a risk, a summary).
/// Which flag carried it is the caller's to say.
pub fn text_problem(text: &str, max: usize) -> Option<String> {
    let chars = text.chars().count();
    (chars > max).then(|| {
        format!("it is {chars} characters long: the most it may hold is {max} (1 to {max})")
    })
}

/// Every bound the partnership breaks, one plain line each naming the key and the allowed range.
/// `line` finds the line of a needle in the file (none when there is no file text, as for a
/// partnership read back from the log).
pub fn problems(p: &Partnership, line: &dyn Fn(&str) -> Option<usize>) -> Vec<String> {
    let at = |needle: &str| line(needle).map_or(String::new(), |n| format!("line {n}: "));
    let mut out = Vec::new();
    let id = |key: &str, value: &str, out: &mut Vec<String>| {
        if !value.trim().is_empty() && !is_safe_id(value) {
            out.push(format!(
                "{}{key} {value:?} is not a safe id: use {ID_RULE}",
                at(&format!("\"{value}\""))
            ));
        }
    };
    for council in &p.councils {
        id("council id", &council.id, &mut out);
        for member in &council.board {
            id("board member id", member, &mut out);
        }
    }
    for actor in &p.actors {
        id("actor id", &actor.id, &mut out);
    }
    for union in &p.unions {
        id("union", union, &mut out);
    }
    let name = |key: &str, value: &str, out: &mut Vec<String>| {
        let chars = value.chars().count();
        if chars > MAX_NAME_CHARS {
            out.push(format!(
                "{}{key} is {chars} characters long: it may hold 1 to {MAX_NAME_CHARS}",
                at(&value.chars().take(30).collect::<String>())
            ));
        }
    };
    name("name", &p.name, &mut out);
    for council in &p.councils {
        name(
            &format!("council {:?} name", council.id),
            &council.name,
            &mut out,
        );
    }
    for actor in &p.actors {
        if let Some(n) = &actor.name {
            name(&format!("actor {:?} name", actor.id), n, &mut out);
        }
        if let Some(role) = &actor.db_role {
            if role.len() > MAX_DB_ROLE_BYTES {
                out.push(format!(
                    "{}actor {:?} db_role is {} bytes long: a PostgreSQL role holds 1 to {MAX_DB_ROLE_BYTES}",
                    at("db_role"),
                    actor.id,
                    role.len()
                ));
            }
        }
        if let Some(user) = &actor.os_user {
            let chars = user.chars().count();
            if chars > MAX_OS_USER_CHARS || user.chars().any(char::is_control) {
                out.push(format!(
                    "{}actor {:?} os_user must be 1 to {MAX_OS_USER_CHARS} printable characters",
                    at("os_user"),
                    actor.id
                ));
            }
        }
    }
    out.extend(count_problems(p, &at));
    out.extend(schedule_problems(p, &at));
    out
}

/// How many councils, members, unions and actors the file names, against their limits.
fn count_problems(p: &Partnership, at: &dyn Fn(&str) -> String) -> Vec<String> {
    let mut out = Vec::new();
    let mut count = |key: &str, n: usize, max: usize| {
        if n > max {
            out.push(format!(
                "{}the file names {n} {key}: it may name at most {max}",
                at(key)
            ));
        }
    };
    count("councils", p.councils.len(), MAX_COUNCILS);
    count("unions", p.unions.len(), MAX_UNIONS);
    count("actors", p.actors.len(), MAX_ACTORS);
    for council in &p.councils {
        count(
            &format!("board members for council {:?}", council.id),
            council.board.len(),
            MAX_BOARD_MEMBERS,
        );
    }
    out
}

/// `schedule.milestone_lead_days` and `schedule.quarterly_report` against their limits.
fn schedule_problems(p: &Partnership, at: &dyn Fn(&str) -> String) -> Vec<String> {
    let mut out = Vec::new();
    let leads = &p.schedule.milestone_lead_days;
    if leads.len() > MAX_LEAD_DAYS_COUNT {
        out.push(format!(
            "{}schedule.milestone_lead_days has {} values: it may have at most {MAX_LEAD_DAYS_COUNT}",
            at("milestone_lead_days"),
            leads.len()
        ));
    }
    if let Some(bad) = leads.iter().find(|d| **d > MAX_LEAD_DAYS) {
        out.push(format!(
            "{}schedule.milestone_lead_days value {bad} is out of range: each must be 0 to {MAX_LEAD_DAYS} days",
            at("milestone_lead_days")
        ));
    }
    if let Ok(cron) = engine::schedule::CronSchedule::parse(&p.schedule.quarterly_report) {
        let most = cron.firings_per_year_at_most();
        if most > MAX_FIRINGS_PER_YEAR {
            out.push(format!(
                "{}schedule.quarterly_report {:?} may fire up to {most} times a year: it may fire at most {MAX_FIRINGS_PER_YEAR} (daily is 366; the usual is \"0 0 9 1 Jan,Apr,Jul,Oct *\")",
                at("quarterly_report"),
                cron.source()
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_ids() {
        for ok in ["bromsgrove", "bdc-member-2", "wyre_forest", "a.b", "R2"] {
            assert!(is_safe_id(ok), "{ok}");
        }
        let long = "a".repeat(MAX_ID_CHARS + 1);
        for bad in [
            "",
            "../../../tmp/x",
            ".hidden",
            "-flag",
            "a/b",
            "a b",
            "é",
            long.as_str(),
        ] {
            assert!(!is_safe_id(bad), "{bad}");
        }
    }

    #[test]
    fn texts_by_kind() {
        assert!(text_problem(&"t".repeat(MAX_TITLE_CHARS), MAX_TITLE_CHARS).is_none());
        let long = text_problem(&"t".repeat(MAX_TITLE_CHARS + 1), MAX_TITLE_CHARS).unwrap();
        assert!(
            long.contains("201 characters") && long.contains("1 to 200"),
            "{long}"
        );
        assert!(text_problem(&"r".repeat(MAX_TITLE_CHARS + 1), MAX_TEXT_CHARS).is_none());
        assert!(text_problem(&"r".repeat(MAX_TEXT_CHARS + 1), MAX_TEXT_CHARS).is_some());
    }

    const EXAMPLE: &str = include_str!("../../examples/bromsgrove-redditch.toml");

    fn refused(text: &str) -> String {
        let e = Partnership::from_toml(text).unwrap_err();
        assert_eq!(e.kind, engine::FailureKind::Usage);
        std::iter::once(e.message)
            .chain(e.details)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_example_is_within_every_bound() {
        let p = Partnership::from_toml(EXAMPLE).unwrap();
        assert!(p.bound_warnings().is_empty());
    }

    #[test]
    fn each_partnership_value_is_bounded_and_the_refusal_names_key_and_range() {
        let lead = EXAMPLE.replace("[14, 1]", "[100000000]");
        let m = refused(&lead);
        let line = 1 + EXAMPLE
            .lines()
            .position(|l| l.starts_with("milestone_lead_days"))
            .unwrap();
        assert!(
            m.contains(&format!(
                "line {line}: schedule.milestone_lead_days value 100000000"
            )) && m.contains("0 to 366"),
            "{m}"
        );
        let cron = EXAMPLE.replace("0 0 9 1 Jan,Apr,Jul,Oct *", "* * * * * *");
        let m = refused(&cron);
        assert!(
            m.contains("schedule.quarterly_report") && m.contains("at most 4000"),
            "{m}"
        );
        let id = EXAMPLE.replace("id = \"redditch\"", "id = \"../../../tmp/x\"");
        let m = refused(&id);
        assert!(
            m.contains("council id \"../../../tmp/x\" is not a safe id") && m.contains("1 to 64"),
            "{m}"
        );
        let name = EXAMPLE.replace("Redditch Borough Council", &"R".repeat(MAX_NAME_CHARS + 1));
        let m = refused(&name);
        assert!(
            m.contains("council \"redditch\" name is 201 characters") && m.contains("1 to 200"),
            "{m}"
        );
        let union = EXAMPLE.replace("\"ucatt\"", "\"u\\u001b[2J\"");
        assert!(refused(&union).contains("union"));
    }

    #[test]
    fn finer_than_daily_schedules_within_the_bound_are_kept() {
        for cron in ["0 30 1 * * *", "*/2 * 10 3 12 * 2026", "0 0 */6 * * *"] {
            let text = EXAMPLE.replace("0 0 9 1 Jan,Apr,Jul,Oct *", cron);
            assert!(Partnership::from_toml(&text).is_ok(), "{cron}");
        }
    }
}
