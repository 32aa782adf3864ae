//! The quarterly report as Markdown a council officer can forward as it is.
//!
//! Deterministic: no generation time, every list in a fixed order, so the same report gives the
//! same bytes. The log anchor, the part that ties the report to the log, is rendered in one
//! place: [`log_anchor`].

use super::{MilestoneLine, QuarterlyReport};
use crate::definition::Stage;
use crate::money::pounds;
use crate::reminders::ReviewKind;
use engine::time::parse_date;
use jiff::civil::Date;
use std::fmt::Write as _;

/// The report as one Markdown document, ending in a newline.
pub fn render(r: &QuarterlyReport) -> String {
    let mut out = String::new();
    header(&mut out, r);
    proposals(&mut out, r);
    savings(&mut out, r);
    kpis(&mut out, r);
    reviews(&mut out, r);
    milestones(&mut out, r);
    upcoming(&mut out, r);
    out.push_str(&log_anchor(r));
    out
}

/// Several councils' reports in one document, separated by rules, written to `out` one report
/// at a time.
pub fn write_all(
    reports: &[std::sync::Arc<QuarterlyReport>],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            out.write_all(b"\n---\n\n")?;
        }
        out.write_all(render(r).as_bytes())?;
    }
    Ok(())
}

/// "Log anchor": the log's head as known when the report was generated, and how to check it and
/// reproduce the report. The one place this section is rendered.
pub fn log_anchor(r: &QuarterlyReport) -> String {
    let mut out = String::from("## Log anchor\n\n");
    if r.log.seq == 0 {
        out.push_str("Nothing had been recorded in the partnership's log by then.\n");
        return out;
    }
    let _ = writeln!(
        out,
        "This report was generated from the partnership's log up to and including event {} \
         (known at `{}`), whose hash is:\n\n    {}\n",
        r.log.seq, r.known_at, r.log.hash
    );
    let _ = writeln!(
        out,
        "To check it, verify an export of the log (`concordat audit verify --file EXPORT.jsonl`) and \
         compare the hash of event {} with the one above. To reproduce this report byte for byte: \
         `concordat report quarterly --quarter {} --council {} --known-at {}`.",
        r.log.seq, r.quarter, r.council, r.known_at
    );
    let _ = writeln!(
        out,
        "\nThe log's checkpoint at that size (RFC 6962 Merkle root; a signed copy, if the partnership \
         signs checkpoints, is kept in the log): check that any one decision is in it with \
         `concordat audit prove --event SEQ` and `concordat audit check-proof`.\n"
    );
    for line in r.log.checkpoint.lines() {
        let _ = writeln!(out, "    {line}");
    }
    out
}

fn header(out: &mut String, r: &QuarterlyReport) {
    let _ = writeln!(
        out,
        "# Shared services: quarterly report to {}\n",
        cell(&r.council_name)
    );
    let _ = writeln!(
        out,
        "**{}**, {} to {} · {}\n",
        r.quarter,
        long_date(r.first_day),
        long_date(r.last_day),
        cell(&r.partnership)
    );
    let _ = writeln!(
        out,
        "The Shared Services Board reports to each council quarterly (concordat §4.3(c)). This report \
         shows the shared-service proposals {} takes part in as they stood at the end of {}, from \
         what had been recorded in the partnership's log by `{}` (see \"Log anchor\").\n",
        cell(&r.council_name),
        long_date(r.last_day),
        r.known_at
    );
}

fn proposals(out: &mut String, r: &QuarterlyReport) {
    out.push_str("## Proposals by stage\n\n");
    if r.proposals.is_empty() {
        let _ = writeln!(out, "No proposal involved {} yet.\n", cell(&r.council_name));
        return;
    }
    let mut stages: Vec<&Stage> = Vec::new();
    for p in &r.proposals {
        if !stages.contains(&&p.stage) {
            stages.push(&p.stage);
        }
    }
    stages.sort_by_key(|s| stage_order(s));
    for stage in stages {
        let these: Vec<_> = r.proposals.iter().filter(|p| &p.stage == stage).collect();
        let _ = writeln!(out, "### {} ({})\n", stage_label(stage), these.len());
        let _ = writeln!(
            out,
            "| Proposal | Title | Lead | Councils | Live since | {}'s share of savings |",
            cell(&r.council_name)
        );
        out.push_str("|---|---|---|---|---|---:|\n");
        for p in these {
            let mut title = cell(&p.title);
            if let Some(from) = &p.held_from {
                let _ = write!(
                    title,
                    " (on hold from {})",
                    stage_label(from).to_lowercase()
                );
            }
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                cell(&p.id),
                title,
                cell(name_of(r, &p.lead)),
                cell(
                    &p.councils
                        .iter()
                        .map(|c| name_of(r, c))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                p.went_live.map(long_date).unwrap_or_else(|| "—".into()),
                p.share
                    .map(|s| format!("{s}%"))
                    .unwrap_or_else(|| "no business case".into())
            );
        }
        out.push('\n');
    }
}

fn savings(out: &mut String, r: &QuarterlyReport) {
    let s = &r.savings;
    out.push_str("## Savings\n\n");
    if s.by_proposal.is_empty() {
        out.push_str(
            "No savings had been recorded for these proposals by the end of the quarter.\n\n",
        );
        return;
    }
    let name = cell(&r.council_name);
    let _ = writeln!(
        out,
        "| Proposal | Saving in {q} | {name}'s part | Saving to date | {name}'s part to date |",
        q = r.quarter
    );
    out.push_str("|---|---:|---:|---:|---:|\n");
    for line in &s.by_proposal {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            cell(&line.proposal),
            pounds(line.quarter),
            pounds(line.quarter_council),
            pounds(line.to_date),
            pounds(line.to_date_council)
        );
    }
    let _ = writeln!(
        out,
        "| **Total** | **{}** | **{}** | **{}** | **{}** |\n",
        pounds(s.quarter),
        pounds(s.quarter_council),
        pounds(s.to_date),
        pounds(s.to_date_council)
    );
    out.push_str(
        "Each council's part follows the proposal's agreed shares (concordat §6.1), to the penny.\n\n",
    );
}

fn kpis(out: &mut String, r: &QuarterlyReport) {
    out.push_str("## Performance indicators\n\n");
    if r.kpis.is_empty() {
        out.push_str("No performance indicators had been set for these proposals.\n\n");
        return;
    }
    let _ = writeln!(
        out,
        "| Proposal | Indicator | Target | {} | Against target |",
        r.quarter
    );
    out.push_str("|---|---|---:|---:|---:|\n");
    for k in &r.kpis {
        let unit = k
            .unit
            .as_deref()
            .map(|u| format!(" {}", cell(u)))
            .unwrap_or_default();
        let number = |n: Option<rust_decimal::Decimal>| match n {
            Some(n) => format!("{}{unit}", n.normalize()),
            None => "not recorded".into(),
        };
        let difference = match k.difference {
            Some(d) if d.is_sign_negative() && !d.is_zero() => format!("{}", d.normalize()),
            Some(d) => format!("+{}", d.normalize()),
            None => "—".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            cell(&k.proposal),
            cell(&k.name),
            number(k.target),
            number(k.value),
            difference
        );
    }
    out.push('\n');
}

fn reviews(out: &mut String, r: &QuarterlyReport) {
    out.push_str("## Reviews\n\n");
    let name = cell(&r.council_name);
    if r.reviews.due.is_empty() {
        let _ = writeln!(out, "No review by {name} fell due this quarter.\n");
    } else {
        let _ = writeln!(out, "Due from {name} this quarter:\n");
        out.push_str("| Proposal | Review | Due | Recorded by the quarter's end |\n");
        out.push_str("|---|---|---|---|\n");
        for d in &r.reviews.due {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&d.proposal),
                ReviewKind::label(d.kind),
                long_date(d.due),
                if d.held { "yes" } else { "no" }
            );
        }
        out.push('\n');
    }
    if r.reviews.held.is_empty() {
        let _ = writeln!(out, "{name} recorded no review this quarter.\n");
    } else {
        let _ = writeln!(out, "Held by {name} this quarter:\n");
        out.push_str("| Proposal | Review | Held on | Outcome | Summary | Recorded by |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for h in &r.reviews.held {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                cell(&h.proposal),
                ReviewKind::label(h.kind),
                long_date(h.on),
                h.outcome,
                cell(h.summary.as_deref().unwrap_or("—")),
                cell(&h.by)
            );
        }
        out.push('\n');
    }
}

fn milestones(out: &mut String, r: &QuarterlyReport) {
    out.push_str("## Milestones\n\n");
    if r.milestones.is_empty() {
        out.push_str("No milestone was open this quarter.\n\n");
        return;
    }
    out.push_str(
        "| Milestone | Title | Proposal | Originally due | Due | Status at the quarter's end |\n",
    );
    out.push_str("|---|---|---|---|---|---|\n");
    for m in &r.milestones {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            cell(&m.id),
            cell(&m.title),
            m.proposal
                .as_deref()
                .map(cell)
                .unwrap_or_else(|| "programme".into()),
            long_date(m.original_due),
            long_date(m.due),
            status(m, r.last_day)
        );
    }
    out.push('\n');
    let amended: Vec<&MilestoneLine> = r
        .milestones
        .iter()
        .filter(|m| !m.amendments.is_empty())
        .collect();
    if !amended.is_empty() {
        out.push_str("Amendments to due dates:\n\n");
        for m in amended {
            for a in &m.amendments {
                let _ = writeln!(
                    out,
                    "- {}: from {} to {}, with effect from {}, recorded {} by {}. Reason: {}",
                    cell(&m.id),
                    long_date(a.from),
                    long_date(a.to),
                    long_date(a.on),
                    a.recorded_at,
                    cell(&a.by),
                    one_line(&a.reason)
                );
            }
        }
        out.push('\n');
    }
}

pub(super) fn status(m: &MilestoneLine, last_day: Date) -> String {
    match m.completed_on {
        Some(on) => format!("completed {}", long_date(on)),
        None if m.due < last_day => "open, overdue".into(),
        None => "open".into(),
    }
}

fn upcoming(out: &mut String, r: &QuarterlyReport) {
    let _ = writeln!(out, "## Coming up in {}\n", r.upcoming_quarter);
    if r.upcoming.is_empty() {
        out.push_str("Nothing falls due next quarter, as far as was known.\n\n");
        return;
    }
    out.push_str("| When | What | Reminder |\n|---|---|---|\n");
    for u in &r.upcoming {
        let when = match (parse_date(u.due.get(..10).unwrap_or("")), u.due.get(11..16)) {
            (Ok(day), Some(time)) => format!("{}, {time}", long_date(day)),
            _ => u.due.clone(),
        };
        let _ = writeln!(out, "| {when} | {} | `{}` |", cell(&u.title), u.id);
    }
    out.push('\n');
}

/// The contract's stages in lifecycle order, then any later stage.
fn stage_order(stage: &Stage) -> (usize, String) {
    let index = Stage::CONTRACT.iter().position(|s| s == stage);
    (
        index.unwrap_or(Stage::CONTRACT.len()),
        stage.as_str().to_string(),
    )
}

/// A council's name (its id if the report does not know it).
fn name_of<'a>(r: &'a QuarterlyReport, council: &'a str) -> &'a str {
    r.council_names.get(council).map_or(council, String::as_str)
}

/// "Business case", "On hold" and so on.
pub(super) fn stage_label(stage: &Stage) -> String {
    let words = stage.as_str().replace('-', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => words,
    }
}

/// `1 October 2008`.
pub fn long_date(d: Date) -> String {
    format!("{} {} {}", d.day(), d.strftime("%B"), d.year())
}

/// Text safe in a table cell: no pipes breaking the row, no line breaks.
pub(super) fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_dates_read_as_a_council_writes_them() {
        assert_eq!(long_date(jiff::civil::date(2008, 10, 1)), "1 October 2008");
        assert_eq!(stage_label(&Stage::CouncilApproval), "Council approval");
        assert_eq!(cell("a | b\nc"), "a \\| b c");
    }
}
