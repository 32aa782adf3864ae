//! `report quarterly`: each council's quarter as it stood at the quarter's end (effective dates),
//! from what had been recorded by `--known-at` (an instant, or `seq:N`; default: now).

use super::reminders::{council_names, head_at, partnership_at};
use super::report_facts::{self, facts_at, programme_milestones};
use super::session::{PartnershipHistory, Session};
use super::{reminder_projection, report_projection};
use crate::finance::funding::Funding;
use crate::proposal::Cut;
use crate::quarter::Quarter;
use crate::reminders::firing::REPORT_ISSUED;
use crate::reminders::rules::reported_quarter;
use crate::reminders::{Kind, Reminder};
use crate::report::builder::Builder;
use crate::report::contribution::Period;
use crate::report::layout::Layout;
use crate::report::templates::{self, Kind as Template};
use crate::report::{self, Inputs, LogAnchor, QuarterlyReport};
use engine::time::{end_of_day, format_instant, local_date, parse_instant_or_date, start_of_day};
use engine::{Failure, Head};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use std::path::Path;
use std::sync::Arc;

/// The output formats of `report quarterly` made here (the PDF is laid out from [`Format::Text`]
/// by the `concordat-report-pdf` crate, outside the library).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    /// Fixed-width text: the PDF's content.
    Text,
    /// One row per proposal, for spreadsheets.
    Csv,
    /// The first release's CSV: one fact a row.
    CsvLong,
    Json,
}

/// What the report counts as recorded: events up to a log position, or recorded by an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnownAt {
    Seq(u64),
    Instant(Timestamp),
}

impl KnownAt {
    /// Parses `seq:N` or an instant (RFC 3339; a date means the end of that day in `tz`).
    pub fn parse(text: &str, tz: &TimeZone) -> Result<KnownAt, Failure> {
        if let Some(n) = text.strip_prefix("seq:") {
            return n.parse().map(KnownAt::Seq).map_err(|_| {
                Failure::usage(format!("{text:?}: {n:?} is not a log position")).with_detail(
                    "write seq:N with N a whole number, e.g. seq:42, or give an instant",
                )
            });
        }
        parse_instant_or_date(text, tz, true).map(KnownAt::Instant)
    }

    /// The cut for a quarter ending on `last_day`.
    fn cut(self, effective_until: Option<jiff::civil::Date>) -> Cut {
        match self {
            KnownAt::Seq(n) => Cut {
                effective_until,
                recorded_until: None,
                seq_until: Some(n),
            },
            KnownAt::Instant(t) => Cut {
                effective_until,
                recorded_until: Some(t),
                seq_until: None,
            },
        }
    }

    /// As the report states it: `seq:N`, or the instant with the local offset.
    fn label(self, tz: &TimeZone) -> String {
        match self {
            KnownAt::Seq(n) => format!("seq:{n}"),
            KnownAt::Instant(t) => format_instant(t, tz),
        }
    }
}

/// `report quarterly`: the reports of `council` (or of every council at the quarter's end).
///
/// Without `known_at`, what was recorded by now counts, and the report states it as `seq:N` (the
/// head then), so the command it prints reproduces it.
pub async fn quarterly(
    session: &mut Session,
    quarter: Quarter,
    council: Option<&str>,
    known_at: Option<&str>,
) -> Result<Vec<QuarterlyReport>, Failure> {
    let known = KnownAt::Seq(known_seq(session, known_at).await?);
    generate(session, quarter, council, known).await
}

/// The log position `--known-at` names (`seq:N`, or the last event recorded by an instant or by
/// now), checked against the log, so one cut is one document whichever form it took.
pub async fn known_seq(session: &mut Session, known_at: Option<&str>) -> Result<u64, Failure> {
    let tz = session.partnership().await?.latest().tz();
    let known = known_at.map(|k| KnownAt::parse(k, &tz)).transpose()?;
    session.check_reader().await?;
    let head = session.store.head().await?;
    match known {
        Some(KnownAt::Seq(n)) if n > head.seq => Err(Failure::refused(format!(
            "seq:{n} is beyond the end of the log (it has {} events)",
            head.seq
        ))
        .with_detail(format!("give a position from 1 to {}", head.seq))),
        Some(KnownAt::Seq(n)) => Ok(n),
        // An instant (or now) is named by the log position it admits (the contract's "Reports").
        Some(KnownAt::Instant(at)) => position_at(session, at).await,
        None => position_at(session, session.now).await,
    }
}

/// The log position of the last event recorded at or before `at`.
async fn position_at(session: &mut Session, at: Timestamp) -> Result<u64, Failure> {
    Ok(
        head_at(session.store.as_ref(), &KnownAt::Instant(at).cut(None))
            .await?
            .seq,
    )
}

/// Builds the reports of `quarter` for `council` (or every council) as known at `known`: every
/// proposal as its contribution to the quarter (the report projection), the reminders of the
/// next quarter as then known, and the log's checkpoint there; never the whole log in memory.
pub async fn generate(
    session: &mut Session,
    quarter: Quarter,
    council: Option<&str>,
    known: KnownAt,
) -> Result<Vec<QuarterlyReport>, Failure> {
    let recorded_cut = known.cut(None);
    let head = head_at(session.store.as_ref(), &recorded_cut).await?;
    let (history, registered_at) = partnership_at(session, &recorded_cut).await?;
    let partnership = history.latest().clone();
    let tz = partnership.tz();
    // The year as recorded then: the quarter's days are counted from its start.
    let start = partnership.year_start();
    let (first_day, last_day) = (quarter.first_day(start), quarter.last_day(start));
    let at_end = history.on(last_day).clone();
    let councils: Vec<String> = match council {
        // A council that has left the partnership still gets its report (without the services
        // it left); one that had not joined by the quarter's end has none.
        Some(c) if was_council_by(&history, c, last_day) => vec![c.to_string()],
        Some(c) => {
            return Err(Failure::refused(format!(
                "{c:?} was not a council of the partnership at the end of {quarter}"
            ))
            .with_detail(format!(
                "councils then: {}",
                at_end.council_ids().join(", ")
            )))
        }
        None => at_end.council_ids(),
    };
    let period = Period {
        quarter,
        first_day,
        last_day,
        year_start: start,
    };
    // The reminder facts first, dropped before the contributions are read: the two never share
    // memory.
    let upcoming = upcoming(session, &head, &recorded_cut, quarter).await?;
    let programme = programme_milestones(session, &known.cut(Some(last_day))).await?;
    // The partnership's own sections (layout 3): risks, arrangements' reviews and money, each read
    // as it stood at the quarter's end.
    let end_cut = known.cut(Some(last_day));
    let risks = report_facts::risks_at(session, &end_cut).await?;
    let reviews = report_facts::arrangement_reviews_at(session, &end_cut).await?;
    let funding = super::funding::under(session, &end_cut).await?;
    let mut names = council_names(&history);
    for c in &at_end.councils {
        names.insert(c.id.clone(), c.name.clone());
    }
    let (log, last_recorded_on) = anchor(session, &head, &tz).await?;
    let inputs: Vec<Inputs> = councils
        .iter()
        .map(|c| Inputs {
            partnership_name: &at_end.name,
            council: c,
            council_name: &names[c],
            council_names: &names,
            quarter,
            first_day,
            last_day,
            known_at: known.label(&tz),
            contributions: &[],
            programme_milestones: &programme,
            upcoming: &upcoming,
            tz: &tz,
            log: log.clone(),
            year_start: start,
            registered_on: local_date(registered_at, &tz),
            last_recorded_on,
            risks: &risks,
        })
        .collect();
    let mut built = assemble(session, &period, &head, &inputs, &funding).await?;
    for r in &mut built {
        r.arrangement_reviews =
            report::arrangements::lines(&at_end, &reviews, &r.council, first_day, last_day);
    }
    Ok(built)
}

/// The log anchored at `head`, and the local date its event was recorded (none: an empty log).
async fn anchor(
    session: &mut Session,
    head: &Head,
    tz: &TimeZone,
) -> Result<(LogAnchor, Option<Date>), Failure> {
    let last_recorded_on = match &head.recorded_at {
        Some(at) => Some(local_date(parse_instant_or_date(at, tz, true)?, tz)),
        None => None,
    };
    let log = LogAnchor {
        seq: head.seq,
        hash: head.hash.clone(),
        checkpoint: super::checkpoint::body_at(session, head.seq).await?,
    };
    Ok((log, last_recorded_on))
}

/// The reports of `inputs` (one per council): each proposal's contribution is read once (the
/// report projection), handed to every council's report and dropped.
async fn assemble(
    session: &mut Session,
    period: &Period,
    head: &Head,
    inputs: &[Inputs<'_>],
    funding: &[Funding],
) -> Result<Vec<QuarterlyReport>, Failure> {
    let mut builders: Vec<Builder> = inputs
        .iter()
        .map(|i| Builder::new(i, Some(funding)))
        .collect();
    report_projection::for_each(session, period, head, &mut |c| {
        builders.iter_mut().for_each(|b| b.add(&c))
    })
    .await?;
    Ok(builders.into_iter().map(Builder::finish).collect())
}

/// The reminders due in the quarter after `quarter`, as known at `head` (the reminder projection
/// when that is the log's head; else each stream folded at the cut, one at a time), without the
/// quarterly report that covers `quarter` itself.
async fn upcoming(
    session: &mut Session,
    head: &Head,
    recorded_cut: &Cut,
    quarter: Quarter,
) -> Result<Vec<Reminder>, Failure> {
    let facts = if head.seq == session.store.head().await?.seq {
        reminder_projection::live(session).await?.0
    } else {
        facts_at(session, recorded_cut).await?
    };
    let (tz, start) = (facts.tz.clone(), facts.year_start);
    let next = quarter.next();
    let from = start_of_day(next.first_day(start), &tz);
    let until = end_of_day(next.last_day(start), &tz);
    Ok(facts
        .reminders(until)
        .into_iter()
        .filter(|r| r.due >= from)
        // A quarterly report due next quarter that covers this one is the report itself.
        .filter(|r| {
            r.kind != Kind::QuarterlyReport || reported_quarter(r.due, &tz, start) > quarter
        })
        .collect())
}

/// Whether `council` was a council of the partnership at some time up to `date`.
fn was_council_by(history: &PartnershipHistory, council: &str, date: Date) -> bool {
    history
        .versions()
        .iter()
        .filter(|(from, _)| from.is_none_or(|f| f <= date))
        .any(|(_, p)| p.council(council).is_some())
}

/// The layout the scheduler recorded for `reports` when it issued them at their `known_at`
/// (`report-issued`'s `layout`, absent = 1); `None` when they were not issued.
pub async fn issued_layout(
    session: &mut Session,
    reports: &[QuarterlyReport],
) -> Result<Option<Layout>, Failure> {
    let mut found = None;
    for stream in session.store.streams("reminder-quarterly-report:").await? {
        for e in session.store.read_stream(&stream).await? {
            let d = &e.data;
            let same = e.kind == REPORT_ISSUED
                && reports.iter().any(|r| {
                    d["council"] == r.council.as_str()
                        && d["quarter"] == r.quarter.to_string().as_str()
                        && d["known_at"] == r.known_at.as_str()
                });
            if same {
                let n = d.get("layout").and_then(|l| l.as_u64()).unwrap_or(1);
                let layout = u32::try_from(n)
                    .ok()
                    .and_then(|n| Layout::try_from(n).ok())
                    .ok_or_else(|| {
                        Failure::refused(format!(
                            "event {} records report layout {n}, which this version does not have",
                            e.seq
                        ))
                        .with_detail("regenerate it with the concordat release that issued it")
                    })?;
                found = Some(found.map_or(layout, |f: Layout| f.max(layout)));
            }
        }
    }
    Ok(found)
}

/// `value` as pretty JSON and a newline, in a string of exactly its size (a report of 20,000
/// proposals is tens of megabytes: a growing string would hold twice that).
fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(1);
    serde_json::to_writer_pretty(&mut count, value).expect("a report always serialises");
    let mut bytes = Vec::with_capacity(count.0);
    serde_json::to_writer_pretty(&mut bytes, value).expect("a report always serialises");
    bytes.push(b'\n');
    String::from_utf8(bytes).expect("JSON is UTF-8")
}

/// The reports as [`render`] gives them in JSON, written to `out` as they serialise.
pub fn write_json(
    reports: &[&QuarterlyReport],
    one_council: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    if one_council && reports.len() == 1 {
        serde_json::to_writer_pretty(&mut *out, reports[0])?;
    } else {
        serde_json::to_writer_pretty(&mut *out, reports)?;
    }
    out.write_all(b"\n")
}

/// The reports rendered in `format` with `layout` (Markdown: one section each; CSV: one table;
/// JSON: one document, a list unless exactly one council was asked for). `templates`: a
/// council's own copy of the template set (layout 2).
pub fn render(
    reports: &[Arc<QuarterlyReport>],
    format: Format,
    one_council: bool,
    layout: Layout,
    templates: Option<&Path>,
) -> Result<String, Failure> {
    if format == Format::Json {
        let plain: Vec<&QuarterlyReport> = reports.iter().map(|r| &**r).collect();
        return Ok(match plain.as_slice() {
            [one] if one_council => json(one),
            all => json(all),
        });
    }
    let mut bytes = Vec::new();
    render_to(reports, format, one_council, layout, templates, &mut bytes)?;
    String::from_utf8(bytes).map_err(|e| Failure::internal(format!("the report is not UTF-8: {e}")))
}

/// The reports as [`render`] gives them, written to `out` as they are produced (a report of
/// 20,000 proposals is tens of megabytes: it is never held whole).
pub fn render_to(
    reports: &[Arc<QuarterlyReport>],
    format: Format,
    one_council: bool,
    layout: Layout,
    templates: Option<&Path>,
    out: &mut dyn std::io::Write,
) -> Result<(), Failure> {
    let wrote = |r: std::io::Result<()>| {
        r.map_err(|e| Failure::internal(format!("cannot write the report: {e}")))
    };
    let kind = match format {
        Format::Markdown if layout == Layout::V1 => {
            return wrote(report::markdown::write_all(reports, out))
        }
        Format::Html | Format::Text if layout == Layout::V1 => {
            return Err(Failure::usage("layout 1 had Markdown and CSV only")
                .with_remedy(crate::remedy::Remedy::FormatOfLayout1))
        }
        Format::Markdown => Template::Markdown,
        Format::Html => Template::Html,
        Format::Text => Template::Text,
        Format::Csv => return report::table::write_all(reports, out),
        Format::CsvLong => return wrote(report::csv::write_all(reports, out)),
        Format::Json => {
            let plain: Vec<&QuarterlyReport> = reports.iter().map(|r| &**r).collect();
            return wrote(write_json(&plain, one_council, out));
        }
    };
    templates::render_to(reports, kind, layout, templates, out)
}
