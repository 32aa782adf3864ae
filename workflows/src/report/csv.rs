//! The quarterly report as CSV (RFC 4180): one fact a row, `quarter,council,section,proposal,item,value`,
//! so that a spreadsheet can pivot it. Money in pounds with two decimals, dates `YYYY-MM-DD`.

use super::QuarterlyReport;
use std::fmt::Display;

/// The header row.
pub const HEADER: &str = "quarter,council,section,proposal,item,value";

/// Several councils' reports under one header, CRLF line endings, written to `out` one report
/// at a time.
pub fn write_all(
    reports: &[std::sync::Arc<QuarterlyReport>],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    out.write_all(format!("{HEADER}\r\n").as_bytes())?;
    for r in reports {
        let mut text = String::new();
        rows(r, &mut text);
        out.write_all(text.as_bytes())?;
    }
    Ok(())
}

fn rows(r: &QuarterlyReport, out: &mut String) {
    let mut row = |section: &str, proposal: &str, item: &str, value: &dyn Display| {
        let fields = [
            r.quarter.to_string(),
            r.council.clone(),
            section.to_string(),
            proposal.to_string(),
            item.to_string(),
            value.to_string(),
        ];
        let quoted: Vec<String> = fields.iter().map(|f| quote(f)).collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    };
    row("report", "", "council_name", &r.council_name);
    row("report", "", "first_day", &r.first_day);
    row("report", "", "last_day", &r.last_day);
    row("report", "", "known_at", &r.known_at);
    for p in &r.proposals {
        row("proposal", &p.id, "title", &p.title);
        row("proposal", &p.id, "stage", &p.stage);
        if let Some(from) = &p.held_from {
            row("proposal", &p.id, "held_from", from);
        }
        row("proposal", &p.id, "lead", &p.lead);
        row("proposal", &p.id, "councils", &p.councils.join(" "));
        if let Some(live) = p.went_live {
            row("proposal", &p.id, "went_live", &live);
        }
        if let Some(share) = p.share {
            row("proposal", &p.id, "share", &share);
        }
    }
    for s in &r.savings.by_proposal {
        row("saving", &s.proposal, "quarter", &s.quarter);
        row("saving", &s.proposal, "quarter_council", &s.quarter_council);
        row("saving", &s.proposal, "to_date", &s.to_date);
        row("saving", &s.proposal, "to_date_council", &s.to_date_council);
    }
    row("savings", "", "quarter", &r.savings.quarter);
    row("savings", "", "quarter_council", &r.savings.quarter_council);
    row("savings", "", "to_date", &r.savings.to_date);
    row("savings", "", "to_date_council", &r.savings.to_date_council);
    for k in &r.kpis {
        let item = |what: &str| format!("{}.{what}", k.name);
        if let Some(t) = k.target {
            row("kpi", &k.proposal, &item("target"), &t.normalize());
        }
        if let Some(v) = k.value {
            row("kpi", &k.proposal, &item("value"), &v.normalize());
        }
        if let Some(u) = &k.unit {
            row("kpi", &k.proposal, &item("unit"), u);
        }
    }
    for d in &r.reviews.due {
        let item = format!("{}.due", d.kind.as_str());
        row("review", &d.proposal, &item, &d.due);
        let item = format!("{}.held", d.kind.as_str());
        row("review", &d.proposal, &item, &d.held);
    }
    for h in &r.reviews.held {
        let item = format!("{}.held_on", h.kind.as_str());
        row("review", &h.proposal, &item, &h.on);
        let item = format!("{}.outcome", h.kind.as_str());
        row("review", &h.proposal, &item, &h.outcome);
    }
    for m in &r.milestones {
        let proposal = m.proposal.as_deref().unwrap_or("");
        let item = |what: &str| format!("{}.{what}", m.id);
        row("milestone", proposal, &item("title"), &m.title);
        row(
            "milestone",
            proposal,
            &item("original_due"),
            &m.original_due,
        );
        row("milestone", proposal, &item("due"), &m.due);
        if let Some(done) = m.completed_on {
            row("milestone", proposal, &item("completed_on"), &done);
        }
        for (i, a) in m.amendments.iter().enumerate() {
            let what = format!("amendment.{}", i + 1);
            let text = format!("{} -> {} ({}, {}): {}", a.from, a.to, a.on, a.by, a.reason);
            row("milestone", proposal, &item(&what), &text);
        }
    }
    for u in &r.upcoming {
        row(
            "upcoming",
            u.proposal.as_deref().unwrap_or(""),
            &u.id,
            &u.due,
        );
    }
    row("log", "", "seq", &r.log.seq);
    row("log", "", "hash", &r.log.hash);
}

/// A field quoted when it must be (comma, quote, line break), quotes doubled.
fn quote(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(quote("payroll"), "payroll");
        assert_eq!(quote("a, b"), "\"a, b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
