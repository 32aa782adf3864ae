//! What layout 2's templates are given: the report's values, each figure already written as the
//! report prints it (`£40,000.00`, `not recorded`, `1 October 2008`), so every format shows the same
//! figures. Values only: the templates place them, the HTML engine escapes them.

use super::markdown::{long_date, stage_label, status};
use super::QuarterlyReport;
use crate::money::pounds;
use crate::money::Money;
use crate::reminders::ReviewKind;
use engine::time::parse_date;
use serde_json::{json, Value};

/// Written where nothing was recorded: never £0.00.
pub const NOT_RECORDED: &str = "not recorded";

/// The template context for one report: its long lists converted to the template's values one
/// line at a time (never the whole report as JSON beside its template values).
pub fn of(r: &QuarterlyReport) -> minijinja::Value {
    let name = |c: &str| {
        r.council_names
            .get(c)
            .cloned()
            .unwrap_or_else(|| c.to_string())
    };
    let money = |m: Option<Money>| m.map(pounds).unwrap_or_else(|| NOT_RECORDED.to_string());
    let proposals: Vec<minijinja::Value> = r
        .proposals
        .iter()
        .map(|p| {
            item(json!({
                "id": p.id, "title": p.title, "stage": stage_label(&p.stage),
                "held_from": p.held_from.as_ref().map(|s| stage_label(s).to_lowercase()),
                "lead": name(&p.lead),
                "councils": p.councils.iter().map(|c| name(c)).collect::<Vec<_>>().join(", "),
                "live_since": p.went_live.map(long_date),
                "share": p.share.map(|s| format!("{s}%")),
            }))
        })
        .collect();
    let lines: Vec<minijinja::Value> = r
        .money
        .iter()
        .zip(&r.proposals)
        .map(|(m, p)| {
            item(json!({
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
            }))
        })
        .collect();
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
    });
    let adjustments = r
        .adjustments
        .iter()
        .map(|a| {
            item(json!({
                "proposal": a.proposal, "quarter": a.quarter.to_string(),
                "kind": match (a.corrects.is_some(), a.amount.pence < 0) {
                    (true, true) => "correction, a shortfall",
                    (true, false) => "correction",
                    (false, _) => "shortfall",
                },
                "amount": pounds(a.amount), "amount_council": pounds(a.amount_council),
                "corrects": a.corrects.map(pounds).unwrap_or_else(|| "—".into()),
                "reason": a.reason.clone().unwrap_or_else(|| "—".into()), "on": long_date(a.on),
            }))
        })
        .collect();
    let rest = json!({
        "in_principle": r.in_principle.iter().map(|a| json!({
            "proposal": a.proposal, "council": name(&a.council), "on": long_date(a.on),
            "minute": a.minute,
        })).collect::<Vec<_>>(),
        "top_risks": top_risks(r),
        "finance": r.finance.as_ref().map(super::finance::view),
        "upcoming_quarter": r.upcoming_quarter.to_string(),
        "upcoming": r.upcoming.iter().map(|u| json!({
            "when": when(&u.due), "title": u.title, "id": u.id,
        })).collect::<Vec<_>>(),
        "log": {
            "seq": r.log.seq, "hash": r.log.hash,
            "checkpoint": r.log.checkpoint.lines().collect::<Vec<_>>(),
            "reproduce": format!(
                "concordat report quarterly --quarter {} --council {} --known-at {}",
                r.quarter, r.council, r.known_at
            ),
        },
    });
    let reviews_due = r
        .reviews
        .due
        .iter()
        .map(|d| {
            item(json!({
                "proposal": d.proposal, "kind": ReviewKind::label(d.kind),
                "due": long_date(d.due), "held": if d.held { "yes" } else { "no" },
            }))
        })
        .collect();
    let reviews_held = r
        .reviews
        .held
        .iter()
        .map(|h| {
            item(json!({
                "proposal": h.proposal, "kind": ReviewKind::label(h.kind), "on": long_date(h.on),
                "outcome": h.outcome, "summary": h.summary, "by": h.by,
            }))
        })
        .collect();
    with_lists(
        [fields, rest],
        vec![
            ("proposals", proposals),
            ("money", lines),
            ("kpis", kpis(r).into_iter().map(item).collect()),
            ("reviews_due", reviews_due),
            ("reviews_held", reviews_held),
            ("milestones", milestones(r).into_iter().map(item).collect()),
            ("adjustments", adjustments),
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
    lists: Vec<(&str, Vec<minijinja::Value>)>,
) -> minijinja::Value {
    let mut map = std::collections::BTreeMap::new();
    for object in objects {
        if let Value::Object(fields) = object {
            map.extend(fields.into_iter().map(|(k, v)| (k, item(v))));
        }
    }
    for (k, v) in lists {
        map.insert(k.to_string(), minijinja::Value::from(v));
    }
    minijinja::Value::from_iter(map)
}

fn kpis(r: &QuarterlyReport) -> Vec<Value> {
    r.kpis
        .iter()
        .map(|k| {
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
        })
        .collect()
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

fn milestones(r: &QuarterlyReport) -> Vec<Value> {
    r.milestones
        .iter()
        .map(|m| {
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
        })
        .collect()
}

/// `2 March 2009, 09:00` from an RFC 3339 instant.
fn when(due: &str) -> String {
    match (parse_date(due.get(..10).unwrap_or("")), due.get(11..16)) {
        (Ok(day), Some(time)) => format!("{}, {time}", long_date(day)),
        _ => due.to_string(),
    }
}
