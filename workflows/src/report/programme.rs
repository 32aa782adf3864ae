//! `report programme`'s Markdown: the programme's money across every council and each live
//! proposal (`templates/report/v3/programme.md`), every figure written as the reports write it.

use super::finance::{standing, ProgrammeFinance};
use super::markdown::long_date;
use super::view::{item, with_lists};
use crate::money::pounds;
use engine::Failure;
use minijinja::Environment;
use serde_json::json;

/// The bundled template.
const TEMPLATE: &str = include_str!("../../templates/report/v3/programme.md");

/// The programme's report as Markdown.
pub fn markdown(p: &ProgrammeFinance, last_day: jiff::civil::Date) -> Result<String, Failure> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_keep_trailing_newline(true);
    env.add_filter("cell", |text: String| super::markdown::cell(&text));
    env.add_template("programme.md", TEMPLATE)
        .map_err(|e| Failure::internal(format!("the programme template does not parse: {e}")))?;
    let template = env
        .get_template("programme.md")
        .map_err(|e| Failure::internal(e.to_string()))?;
    template
        .render(context(p, last_day))
        .map_err(|e| Failure::internal(format!("the programme report could not be rendered: {e}")))
}

/// The template's values (each row converted as it is made).
fn context(p: &ProgrammeFinance, last_day: jiff::civil::Date) -> minijinja::Value {
    let mut rows = vec![item(standing(
        "The programme, all councils",
        &p.programme.total,
    ))];
    for (c, s) in &p.programme.by_council {
        rows.push(item(standing(
            &format!("{c}, with the programme's funding"),
            s,
        )));
    }
    for f in &p.proposals {
        let id = f.proposal.clone().unwrap_or_default();
        rows.push(item(standing(&format!("{id}, all councils"), &f.total)));
        for (c, s) in &f.by_council {
            rows.push(item(standing(&format!("{id}, {c}"), s)));
        }
    }
    let fields = json!({
        "quarter": p.quarter.to_string(),
        "partnership": p.partnership,
        "last_day": long_date(last_day),
        "known_at": p.known_at,
        "reproduce": format!("concordat report programme --quarter {} --known-at {}", p.quarter, p.known_at),
        "financial_year": p.programme.financial_year,
        "funding": p.funding.iter().map(|g| json!({
            "source": g.recorded.source,
            "towards": g.recorded.proposal.clone().unwrap_or_else(|| "the programme".into()),
            "on": long_date(g.on),
            "amount": pounds(g.recorded.amount),
            "parts": g.recorded.by_council.iter().map(|(c, m)| format!("{c} {}", pounds(*m))).collect::<Vec<_>>().join(", "),
        })).collect::<Vec<_>>(),
    });
    with_lists([fields], vec![("rows", minijinja::Value::from(rows))])
}
