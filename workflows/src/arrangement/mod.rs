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
                bad(format!("names council {c:?}, which is not a council of this file"));
            }
        }
        if a.councils.as_ref().is_some_and(Vec::is_empty) {
            bad("councils is empty: name at least one, or leave councils out for every council".into());
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
        out.push(format!("then must be 1 to {MAX_MONTHS} months (e.g. 12 for annually)"));
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
