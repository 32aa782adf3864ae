//! The quarterly report as a spreadsheet (`--format csv`): one row per proposal of the council,
//! named columns, written by the `csv` crate (RFC 4180 quoting, CRLF, UTF-8). Money in pounds with
//! two decimals and no symbol, so a spreadsheet adds it up; an empty money cell means "not
//! recorded", never £0.00. Text that a spreadsheet would read as a formula is neutralised.

use super::markdown::stage_label;
use super::QuarterlyReport;
use crate::money::Money;
use engine::Failure;

/// The header row.
pub const COLUMNS: [&str; 15] = [
    "quarter",
    "council",
    "proposal",
    "title",
    "stage",
    "lead",
    "share_percent",
    "saving_this_quarter",
    "saving_year_to_date",
    "saving_since_go_live",
    "expected_year_to_date",
    "expected_annual",
    "saving_this_quarter_all_councils",
    "financial_year",
    "known_at",
];

/// Every council's rows under one header, written to `out` as they are made.
pub fn write_all(
    reports: &[std::sync::Arc<QuarterlyReport>],
    out: &mut dyn std::io::Write,
) -> Result<(), Failure> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let failed = |e: csv::Error| Failure::internal(format!("the CSV could not be written: {e}"));
    out.write_record(COLUMNS).map_err(failed)?;
    for r in reports {
        for (p, m) in r.proposals.iter().zip(&r.money) {
            let money = |m: Option<Money>| m.map(|m| m.to_string()).unwrap_or_default();
            out.write_record([
                r.quarter.to_string(),
                text(&r.council),
                text(&p.id),
                text(&p.title),
                stage_label(&p.stage),
                text(&p.lead),
                p.share.map(|s| s.to_string()).unwrap_or_default(),
                money(m.quarter_council),
                money(m.year_to_date_council),
                money(m.since_go_live_council),
                money(m.expected_year_to_date_council),
                money(m.expected_annual_council),
                money(m.quarter),
                r.financial_year.clone(),
                r.known_at.clone(),
            ])
            .map_err(failed)?;
        }
    }
    out.flush()
        .map_err(|e| Failure::internal(format!("the CSV could not be written: {e}")))
}

/// Text as a spreadsheet shows it: a leading `=`, `+`, `-`, `@`, tab or carriage return would make
/// it a formula, so it is prefixed with `'` (OWASP's advice for CSV injection).
pub fn text(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_stay_text() {
        assert_eq!(text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text("+1"), "'+1");
        assert_eq!(text("-1"), "'-1");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text("Payroll"), "Payroll");
    }
}
