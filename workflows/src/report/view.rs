//! What layout 2's templates are given: the report's values, each figure already written as the
//! report prints it (`£40,000.00`, `not recorded`, `1 October 2008`), so every format shows the same
//! figures. Values only: the templates place them, the HTML engine escapes them.
//!
//! The long lists (a line per proposal, KPI, review, milestone…) are lazy sequences ([`Lines`]):
//! a line's values are made when the template reaches it and dropped after, so a report of
//! 20,000 proposals never has them all as template values at once.

use super::markdown::{long_date, stage_label, status};
use super::QuarterlyReport;
use crate::money::pounds;
use crate::money::Money;
use crate::reminders::ReviewKind;
use engine::time::parse_date;
use minijinja::value::{Enumerator, Object, ObjectRepr};
use serde_json::{json, Value};
use std::sync::Arc;

/// Written where nothing was recorded: never £0.00.
pub const NOT_RECORDED: &str = "not recorded";

/// Makes line `i` of one of a report's lists as the templates get it.
pub type LineOf = fn(&QuarterlyReport, usize) -> Value;

/// One of a report's long lists as a template sequence: each line made on demand.
pub struct Lines {
    report: Arc<QuarterlyReport>,
    len: usize,
    line: LineOf,
}

impl std::fmt::Debug for Lines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "<{} lines of {}'s report>",
            self.len, self.report.council
        )
    }
}

impl Object for Lines {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        let i = key.as_usize()?;
        (i < self.len).then(|| item((self.line)(&self.report, i)))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.len)
    }
}

/// `len` lines of `r`, line `i` made by `line(r, i)` when a template reaches it.
pub fn lines(r: &Arc<QuarterlyReport>, len: usize, line: LineOf) -> minijinja::Value {
    minijinja::Value::from_object(Lines {
        report: Arc::clone(r),
        len,
        line,
    })
}

/// The template context for one report: its small fields as values, its long lists lazy.
pub fn of(r: &Arc<QuarterlyReport>) -> minijinja::Value {
    let money = |m: Option<Money>| m.map(pounds).unwrap_or_else(|| NOT_RECORDED.to_string());
    let t = &r.money_totals;
    let fields = json!({
        "quarter": r.quarter.to_string(),
        "council": r.council,
        "council_name": r.council_name,
        "partnership": r.partnership,
        "first_day": long_date(r.first_day),
        "last_day": long_date(r.last_day),
        "financial_year": r.financial_year,
        "known_at": r.known_at,
        "warnings": r.warnings,
        "totals": {
            "quarter_council": money(t.quarter_council),
            "year_to_date_council": money(t.year_to_date_council),
            "since_go_live_council": money(t.since_go_live_council),
            "expected_year_to_date_council": money(t.expected_year_to_date_council),
        },
        "arrangement_reviews": r.arrangement_reviews.as_ref().map(|lines| lines.iter().map(|a| json!({
            "title": a.title, "arrangement": a.arrangement, "review": a.review,
            "due": long_date(a.due), "held_on": a.held_on.map(long_date),
            "outcome": a.outcome, "summary": a.summary, "by": a.by,
        })).collect::<Vec<_>>()),
        "top_risks": top_risks(r),
        "upcoming_quarter": r.upcoming_quarter.to_string(),
        "log": {
            "seq": r.log.seq, "hash": r.log.hash,
            "checkpoint": r.log.checkpoint.lines().collect::<Vec<_>>(),
            "reproduce": format!(
                "concordat report quarterly --quarter {} --council {} --known-at {}",
                r.quarter, r.council, r.known_at
            ),
        },
    });
    with_lists(
        [fields],
        vec![
            ("proposals", lines(r, r.proposals.len(), proposal)),
            (
                "money",
                lines(r, r.money.len().min(r.proposals.len()), money_line),
            ),
            ("kpis", lines(r, r.kpis.len(), kpi)),
            ("reviews_due", lines(r, r.reviews.due.len(), review_due)),
            ("reviews_held", lines(r, r.reviews.held.len(), review_held)),
            ("milestones", lines(r, r.milestones.len(), milestone)),
            ("adjustments", lines(r, r.adjustments.len(), adjustment)),
            ("in_principle", lines(r, r.in_principle.len(), in_principle)),
            ("upcoming", lines(r, r.upcoming.len(), upcoming)),
            ("finance", super::finance::view(r)),
        ],
    )
}

/// A line as the templates get it.
pub fn item(v: Value) -> minijinja::Value {
    minijinja::Value::from_serialize(&v)
}

/// The fields of `objects` (JSON objects) and `lists`, as one template value with its keys in
/// order, as a JSON object would give them.
pub fn with_lists<const N: usize>(
    objects: [Value; N],
    lists: Vec<(&str, minijinja::Value)>,
) -> minijinja::Value {
    let mut map = std::collections::BTreeMap::new();
    for object in objects {
        if let Value::Object(fields) = object {
            map.extend(fields.into_iter().map(|(k, v)| (k, item(v))));
        }
    }
    for (k, v) in lists {
        map.insert(k.to_string(), v);
    }
    minijinja::Value::from_iter(map)
}

/// A council's name (its id if the report does not know it).
fn name(r: &QuarterlyReport, c: &str) -> String {
    r.council_names
        .get(c)
        .cloned()
        .unwrap_or_else(|| c.to_string())
}

fn proposal(r: &QuarterlyReport, i: usize) -> Value {
    let p = &r.proposals[i];
    json!({
        "id": p.id, "title": p.title, "stage": stage_label(&p.stage),
        "held_from": p.held_from.as_ref().map(|s| stage_label(s).to_lowercase()),
        "lead": name(r, &p.lead),
        "councils": p.councils.iter().map(|c| name(r, c)).collect::<Vec<_>>().join(", "),
        "live_since": p.went_live.map(long_date),
        "share": p.share.map(|s| format!("{s}%")),
    })
}

fn money_line(r: &QuarterlyReport, i: usize) -> Value {
    let (m, p) = (&r.money[i], &r.proposals[i]);
    let money = |m: Option<Money>| m.map(pounds).unwrap_or_else(|| NOT_RECORDED.to_string());
    json!({
        "proposal": m.proposal, "title": p.title,
        "quarter": money(m.quarter), "quarter_council": money(m.quarter_council),
        "year_to_date": money(m.year_to_date),
        "year_to_date_council": money(m.year_to_date_council),
        "since_go_live": money(m.since_go_live),
        "since_go_live_council": money(m.since_go_live_council),
        "expected_annual_council": m.expected_annual_council.map(pounds)
            .unwrap_or_else(|| "no business case".into()),
        "expected_year_to_date_council": match (m.expected_annual_council, m.expected_year_to_date_council) {
            (None, _) => "no business case".to_string(),
            (Some(_), None) => "not live".to_string(),
            (Some(_), Some(e)) => pounds(e),
        },
    })
}

fn adjustment(r: &QuarterlyReport, i: usize) -> Value {
    let a = &r.adjustments[i];
    json!({
        "proposal": a.proposal, "quarter": a.quarter.to_string(),
        "kind": match (a.corrects.is_some(), a.amount.pence < 0) {
            (true, true) => "correction, a shortfall",
            (true, false) => "correction",
            (false, _) => "shortfall",
        },
        "amount": pounds(a.amount), "amount_council": pounds(a.amount_council),
        "corrects": a.corrects.map(pounds).unwrap_or_else(|| "—".into()),
        "reason": a.reason.clone().unwrap_or_else(|| "—".into()), "on": long_date(a.on),
    })
}

fn in_principle(r: &QuarterlyReport, i: usize) -> Value {
    let a = &r.in_principle[i];
    json!({
        "proposal": a.proposal, "council": name(r, &a.council), "on": long_date(a.on),
        "minute": a.minute,
    })
}

fn upcoming(r: &QuarterlyReport, i: usize) -> Value {
    let u = &r.upcoming[i];
    json!({ "when": when(&u.due), "title": u.title, "id": u.id })
}

fn review_due(r: &QuarterlyReport, i: usize) -> Value {
    let d = &r.reviews.due[i];
    json!({
        "proposal": d.proposal, "kind": ReviewKind::label(d.kind),
        "due": long_date(d.due), "held": if d.held { "yes" } else { "no" },
    })
}

fn review_held(r: &QuarterlyReport, i: usize) -> Value {
    let h = &r.reviews.held[i];
    json!({
        "proposal": h.proposal, "kind": ReviewKind::label(h.kind), "on": long_date(h.on),
        "outcome": h.outcome, "summary": h.summary, "by": h.by,
    })
}

fn kpi(r: &QuarterlyReport, i: usize) -> Value {
    let k = &r.kpis[i];
    let unit = k
        .unit
        .as_deref()
        .map(|u| format!(" {u}"))
        .unwrap_or_default();
    let number = |n: Option<rust_decimal::Decimal>| match n {
        Some(n) => format!("{}{unit}", n.normalize()),
        None => NOT_RECORDED.into(),
    };
    let difference = match k.difference {
        Some(d) if d.is_sign_negative() && !d.is_zero() => format!("{}", d.normalize()),
        Some(d) => format!("+{}", d.normalize()),
        None => "—".into(),
    };
    json!({
        "proposal": k.proposal, "name": k.name, "target": number(k.target),
        "value": number(k.value), "difference": difference,
        "baseline": k.baseline.map_or_else(|| "—".to_string(), |b| number(Some(b))),
        "direction": k.direction.as_str(), "direction_words": k.direction.words(),
        "status": k.status.map_or("no value recorded", |s| s.words()),
    })
}

/// The top risks, each figure as the report prints it.
fn top_risks(r: &QuarterlyReport) -> Vec<Value> {
    r.top_risks
        .iter()
        .map(|k| {
            json!({
                "id": k.id, "title": k.title,
                "of": k.proposal.clone().unwrap_or_else(|| "the programme".into()),
                "likelihood": k.likelihood, "impact": k.impact, "score": k.score,
                "owner": k.owner, "mitigation": k.mitigation, "review": long_date(k.review),
            })
        })
        .collect()
}

fn milestone(r: &QuarterlyReport, i: usize) -> Value {
    let m = &r.milestones[i];
    json!({
        "id": m.id, "title": m.title,
        "proposal": m.proposal.clone().unwrap_or_else(|| "programme".into()),
        "original_due": long_date(m.original_due), "due": long_date(m.due),
        "status": status(m, r.last_day),
        "amendments": m.amendments.iter().map(|a| json!({
            "from": long_date(a.from), "to": long_date(a.to), "on": long_date(a.on),
            "recorded_at": a.recorded_at, "by": a.by, "reason": a.reason,
        })).collect::<Vec<_>>(),
    })
}

/// `2 March 2009, 09:00` from an RFC 3339 instant.
fn when(due: &str) -> String {
    match (parse_date(due.get(..10).unwrap_or("")), due.get(11..16)) {
        (Ok(day), Some(time)) => format!("{}, {time}", long_date(day)),
        _ => due.to_string(),
    }
}
