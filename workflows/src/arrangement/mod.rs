//! Arrangements of the partnership itself (`[[arrangement]]` in the partnership file): e.g. the
//! Joint Chief Executive's 12-month trial agreed on 30 June 2008, reviewed by each council's
//! Cabinet after six months and before twelve, then annually (concordat §4.3(c)). This module holds
//! the file's entry and its validation; [`schedule`] when each council's reviews fall due;
//! [`review`] the `arrangement-review-recorded` event and its fold.

pub mod review;
pub mod schedule;

use crate::partnership::Partnership;
use engine::time::parse_date;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The longest review interval a file may give, in months (ten years).
pub const MAX_MONTHS: u32 = 120;
/// The longest title, in characters.
pub const MAX_TITLE: usize = 200;
/// The most arrangements a file may name (each owes every council a review at least yearly).
pub const MAX_ARRANGEMENTS: usize = 50;

/// One arrangement of the partnership under review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Arrangement {
    /// Lower-case letters, digits and '-' (its stream is `arrangement-<id>`).
    pub id: String,
    pub title: String,
    /// The date it started (`YYYY-MM-DD`); reviews count from it.
    pub started: String,
    /// Months after the start when each council reviews it, ascending (e.g. `[6, 12]`).
    pub reviews: Vec<u32>,
    /// Then every this many months after the last of `reviews` (none: no more reviews).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then: Option<u32>,
    /// The councils that review it (none: every council of the partnership).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub councils: Option<Vec<String>>,
}

impl Arrangement {
    /// The start date (validated on load).
    pub fn started_on(&self) -> Date {
        parse_date(&self.started).expect("start date validated on load")
    }

    /// The councils that review it, given the partnership's.
    pub fn reviewers(&self, partnership: &Partnership) -> Vec<String> {
        self.councils
            .clone()
            .unwrap_or_else(|| partnership.council_ids())
    }

    /// Its review schedule.
    pub fn schedule(&self) -> schedule::Schedule {
        schedule::Schedule {
            started: self.started_on(),
            reviews: self.reviews.clone(),
            then: self.then,
        }
    }
}

/// The stream that holds an arrangement's recorded reviews.
pub fn stream_of(id: &str) -> String {
    format!("{STREAM_PREFIX}{id}")
}

/// Every arrangement's stream starts with this.
pub const STREAM_PREFIX: &str = "arrangement-";

/// Every rule the file's arrangements break, each with its line where one can be found.
pub fn problems(p: &Partnership, line_of: &dyn Fn(&str) -> Option<usize>) -> Vec<String> {
    let mut problems = Vec::new();
    let councils: BTreeSet<&str> = p.councils.iter().map(|c| c.id.as_str()).collect();
    let mut seen = BTreeSet::new();
    if p.arrangements.len() > MAX_ARRANGEMENTS {
        problems.push(format!(
            "{}the file names {} arrangements: at most {MAX_ARRANGEMENTS}",
            line_of("[[arrangement]]")
                .map(|n| format!("line {n}: "))
                .unwrap_or_default(),
            p.arrangements.len()
        ));
    }
    for a in &p.arrangements {
        let at = line_of(&format!("\"{}\"", a.id))
            .map(|n| format!("line {n}: "))
            .unwrap_or_default();
        let mut bad = |what: String| problems.push(format!("{at}arrangement {:?}: {what}", a.id));
        if !is_id(&a.id) {
            bad("the id must be lower-case letters, digits and '-', starting with a letter".into());
        }
        if !seen.insert(a.id.as_str()) {
            bad("the id is used by another arrangement: give each its own".into());
        }
        if a.title.trim().is_empty() || a.title.chars().count() > MAX_TITLE {
            bad(format!("give it a title of 1 to {MAX_TITLE} characters"));
        }
        match parse_date(&a.started) {
            Ok(d) if d.year() >= 1900 && d.year() <= 2999 => {}
            _ => bad(format!(
                "started = {:?} is not a date between 1900 and 2999: write it as \"2008-06-30\"",
                a.started
            )),
        }
        bad_intervals(a).into_iter().for_each(&mut bad);
        for c in a.councils.iter().flatten() {
            if !councils.contains(c.as_str()) {
                bad(format!(
                    "names council {c:?}, which is not a council of this file"
                ));
            }
        }
        if a.councils.as_ref().is_some_and(Vec::is_empty) {
            bad(
                "councils is empty: name at least one, or leave councils out for every council"
                    .into(),
            );
        }
    }
    problems
}

/// The review months and the repeat: ascending, each 1 to [`MAX_MONTHS`].
fn bad_intervals(a: &Arrangement) -> Vec<String> {
    let mut out = Vec::new();
    if a.reviews.is_empty() {
        out.push("reviews is empty: give the months after the start when it is reviewed, e.g. reviews = [6, 12]".into());
    }
    if a.reviews.iter().any(|m| *m == 0 || *m > MAX_MONTHS) {
        out.push(format!("each of reviews must be 1 to {MAX_MONTHS} months"));
    }
    if a.reviews.windows(2).any(|w| w[0] >= w[1]) {
        out.push("reviews must be in ascending order without repeats, e.g. [6, 12]".into());
    }
    if a.then.is_some_and(|m| m == 0 || m > MAX_MONTHS) {
        out.push(format!(
            "then must be 1 to {MAX_MONTHS} months (e.g. 12 for annually)"
        ));
    }
    out
}

fn is_id(id: &str) -> bool {
    id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
name = "B&R"
[[council]]
id = "bromsgrove"
name = "B"
[[council]]
id = "redditch"
name = "R"
[[arrangement]]
id = "joint-chief-executive"
title = "Acting Joint Chief Executive"
started = "2008-06-30"
reviews = [6, 12]
then = 12
"#;

    fn refused(text: &str) -> String {
        let e = Partnership::from_toml(text).unwrap_err();
        assert_eq!(e.kind, engine::FailureKind::Usage);
        format!("{} {}", e.message, e.details.join(" "))
    }

    #[test]
    fn the_trial_loads_and_defaults_to_every_council() {
        let p = Partnership::from_toml(FILE).unwrap();
        let a = &p.arrangements[0];
        assert_eq!(a.started_on(), jiff::civil::date(2008, 6, 30));
        assert_eq!(a.reviewers(&p), ["bromsgrove", "redditch"]);
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(
            json["arrangement"][0]["reviews"],
            serde_json::json!([6, 12])
        );
        let without = Partnership::from_toml(&FILE[..FILE.find("[[arrangement]]").unwrap()]);
        let json = serde_json::to_value(without.unwrap()).unwrap();
        assert!(
            json.get("arrangement").is_none(),
            "absent stays absent in events"
        );
    }

    #[test]
    fn each_rule_names_the_arrangement_and_its_line() {
        for (from, to, words) in [
            (
                "id = \"joint-chief-executive\"",
                "id = \"Joint CE\"",
                "lower-case",
            ),
            (
                "title = \"Acting Joint Chief Executive\"",
                "title = \" \"",
                "title of 1 to 200",
            ),
            ("\"2008-06-30\"", "\"30/06/2008\"", "is not a date"),
            ("reviews = [6, 12]", "reviews = []", "reviews is empty"),
            ("reviews = [6, 12]", "reviews = [6, 6]", "ascending order"),
            ("reviews = [6, 12]", "reviews = [6, 121]", "1 to 120 months"),
            ("then = 12", "then = 0", "then must be 1 to 120"),
            (
                "then = 12",
                "councils = [\"wyre\"]",
                "names council \"wyre\"",
            ),
            ("then = 12", "councils = []", "councils is empty"),
            ("then = 12", "colour = 1", "unknown field"),
        ] {
            let message = refused(&FILE.replace(from, to));
            assert!(message.contains(words), "{to}: {message}");
            assert!(message.contains("line "), "{to}: {message}");
        }
        let twice = format!("{FILE}{}", &FILE[FILE.find("[[arrangement]]").unwrap()..]);
        assert!(refused(&twice).contains("used by another arrangement"));
    }
}
