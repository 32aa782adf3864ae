//! The reviews section's part on the partnership's own arrangements (layout 3): each review of an
//! arrangement by the report's council that fell due in the quarter, or that it held in the
//! quarter, as recorded by `known_at` and effective by the quarter's end. Absent (None) when the
//! partnership names no arrangements, so reports of such partnerships read as before.

use crate::arrangement::review::ReviewHeld;
use crate::partnership::Partnership;
use jiff::civil::Date;
use serde::Serialize;

/// One review of an arrangement, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArrangementReviewLine {
    pub arrangement: String,
    pub title: String,
    /// "Six-month review" and so on.
    pub review: String,
    pub due: Date,
    /// The review that answered it, if held by the quarter's end.
    pub held_on: Option<Date>,
    pub outcome: Option<String>,
    pub summary: Option<String>,
    pub by: Option<String>,
}

/// The council's arrangement reviews due or held in `first..=last`, by due date then arrangement;
/// None when the partnership names no arrangement the council reviews.
pub fn lines(
    p: &Partnership,
    held: &[ReviewHeld],
    council: &str,
    first: Date,
    last: Date,
) -> Option<Vec<ArrangementReviewLine>> {
    let mine: Vec<_> = p
        .arrangements
        .iter()
        .filter(|a| a.reviewers(p).iter().any(|c| c == council))
        .collect();
    if mine.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for a in mine {
        let schedule = a.schedule();
        let answered = |months: u32| {
            held.iter()
                .find(|h| h.arrangement == a.id && h.council == council && h.months == months)
        };
        let mut months_listed = Vec::new();
        for o in schedule.until(last).into_iter().filter(|o| o.date >= first) {
            months_listed.push(o.months);
            out.push(line(
                a,
                &schedule.label(o.months),
                o.date,
                answered(o.months),
            ));
        }
        // Held in the quarter, answering a review due in another quarter.
        for h in held.iter().filter(|h| {
            h.arrangement == a.id
                && h.council == council
                && (first..=last).contains(&h.held_on)
                && !months_listed.contains(&h.months)
        }) {
            out.push(line(a, &schedule.label(h.months), h.due, Some(h)));
        }
    }
    out.sort_by(|x, y| (x.due, &x.arrangement).cmp(&(y.due, &y.arrangement)));
    Some(out)
}

fn line(
    a: &crate::arrangement::Arrangement,
    review: &str,
    due: Date,
    held: Option<&ReviewHeld>,
) -> ArrangementReviewLine {
    ArrangementReviewLine {
        arrangement: a.id.clone(),
        title: a.title.clone(),
        review: review.to_string(),
        due,
        held_on: held.map(|h| h.held_on),
        outcome: held.map(|h| h.outcome.as_str().to_string()),
        summary: held.and_then(|h| h.summary.clone()),
        by: held.map(|h| h.by.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proposal::events::ReviewOutcome;
    use jiff::civil::date;

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
title = "Acting Joint Chief Executive: the 12-month trial"
started = "2008-06-30"
reviews = [6, 12]
then = 12
"#;

    fn held(council: &str, months: u32, due: Date, on: Date) -> ReviewHeld {
        ReviewHeld {
            arrangement: "joint-chief-executive".into(),
            council: council.into(),
            months,
            due,
            held_on: on,
            outcome: ReviewOutcome::Continue,
            summary: Some("continue".into()),
            by: "bdc-clerk".into(),
            seq: 1,
        }
    }

    #[test]
    fn due_in_the_quarter_and_held_in_the_next() {
        let p = Partnership::from_toml(FILE).unwrap();
        let late = held("bromsgrove", 6, date(2008, 12, 30), date(2009, 1, 12));
        // Oct–Dec 2008: due, not yet held by the quarter's end (the cut leaves January out).
        let q3 = lines(&p, &[], "bromsgrove", date(2008, 10, 1), date(2008, 12, 31)).unwrap();
        assert_eq!(q3.len(), 1);
        assert_eq!(
            (q3[0].review.as_str(), q3[0].due, q3[0].held_on),
            ("Six-month review", date(2008, 12, 30), None)
        );
        // Jan–Mar 2009: held, answering the review due last quarter.
        let q4 = lines(
            &p,
            std::slice::from_ref(&late),
            "bromsgrove",
            date(2009, 1, 1),
            date(2009, 3, 31),
        )
        .unwrap();
        assert_eq!(q4.len(), 1);
        assert_eq!(q4[0].held_on, Some(date(2009, 1, 12)));
        assert_eq!(q4[0].outcome.as_deref(), Some("continue"));
        // Redditch's own reviews only.
        let other = lines(&p, &[late], "redditch", date(2009, 1, 1), date(2009, 3, 31)).unwrap();
        assert!(other.is_empty());
    }

    #[test]
    fn absent_without_arrangements() {
        let p = Partnership::from_toml(&FILE[..FILE.find("[[arrangement]]").unwrap()]).unwrap();
        assert_eq!(
            lines(&p, &[], "bromsgrove", date(2008, 10, 1), date(2008, 12, 31)),
            None
        );
    }
}
