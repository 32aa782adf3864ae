//! `concordat report quarterly|programme`.

use super::GlobalArgs;
use crate::report_doc::{self, DocFormat};
use crate::{context, output};
use clap::{Args, Subcommand, ValueEnum};
use engine::store::OpenMode;
use engine::Failure;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use workflows::ops::report;
use workflows::quarter::Quarter;
use workflows::report::layout::Layout;
use workflows::report::QuarterlyReport;

/// The `report` command words.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// A council's quarter as it stood at the quarter's end, from what was recorded by --known-at.
    Quarterly(QuarterlyArgs),
    /// The programme's money across every council (costs, funding, budget against actual, net
    /// position, payback) as the quarter stood at its end, from what was recorded by --known-at.
    Programme(super::finance::ProgrammeArgs),
}

/// `report quarterly`.
#[derive(Debug, Args)]
pub struct QuarterlyArgs {
    /// The financial quarter, e.g. 2008/09-Q3 (October to December 2008).
    #[arg(long, value_name = "Q", value_parser = super::values::parsed::<Quarter>)]
    quarter: Quarter,
    /// One council (default: every council, Markdown one section each, JSON a list).
    #[arg(long, value_name = "COUNCIL")]
    council: Option<String>,
    /// md (default), html, pdf, csv (one row per proposal), csv-long (one fact a row) or json
    /// (--json implies json).
    #[arg(long, value_enum, default_value_t = FormatArg::Md)]
    format: FormatArg,
    /// What had been recorded by then counts: an RFC 3339 instant, a date (its end) or seq:N
    /// (default: now). The scheduler's known_at reproduces an issued report byte for byte.
    #[arg(long, value_name = "INSTANT|seq:N")]
    known_at: Option<String>,
    /// The report layout (default: the one an issued report at --known-at used, else the newest).
    #[arg(long, value_name = "N")]
    layout: Option<String>,
    /// A directory holding the council's own copy of the report templates (layouts 2 and 3).
    #[arg(long, value_name = "DIR", env = "CONCORDAT_TEMPLATES")]
    templates: Option<PathBuf>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    Md,
    Html,
    Pdf,
    Csv,
    CsvLong,
    Json,
}

/// Runs a `report` command.
pub async fn exec(g: &GlobalArgs, cmd: ReportCommand) -> Result<ExitCode, Failure> {
    let args = match cmd {
        ReportCommand::Quarterly(args) => args,
        ReportCommand::Programme(p) => return super::finance::programme(g, p).await,
    };
    let format = match (g.json, args.format) {
        (true, _) | (_, FormatArg::Json) => DocFormat::Json,
        (_, FormatArg::Md) => DocFormat::Markdown,
        (_, FormatArg::Html) => DocFormat::Html,
        (_, FormatArg::Pdf) => DocFormat::Pdf,
        (_, FormatArg::Csv) => DocFormat::Csv,
        (_, FormatArg::CsvLong) => DocFormat::CsvLong,
    };
    if format == DocFormat::Pdf && args.out.is_none() && std::io::stdout().is_terminal() {
        return Err(Failure::usage("a PDF is not for a terminal")
            .with_detail("write it to a file: --out report.pdf (or redirect: > report.pdf)"));
    }
    let layout = args.layout.as_deref().map(Layout::parse).transpose()?;
    if let Some(dir) = &args.templates {
        if !dir.is_dir() {
            return Err(Failure::usage(format!(
                "--templates {}: no such directory",
                dir.display()
            ))
            .with_detail(
                "name a directory holding quarterly.md, quarterly.html and quarterly.txt",
            ));
        }
    }
    if let Some(path) = &args.out {
        context::outside_store(g, path, "--out")?;
    }
    let mut session = context::session(g, OpenMode::Existing).await?;
    let folding = crate::progress::Spinner::start("folding the log");
    let reports = report::quarterly(
        &mut session,
        args.quarter,
        args.council.as_deref(),
        args.known_at.as_deref(),
    )
    .await?;
    drop(folding);
    let layout = match (layout, &args.known_at) {
        (Some(l), _) => l,
        // An issued report is regenerated with the layout it was issued with.
        (None, Some(_)) => report::issued_layout(&mut session, &reports)
            .await?
            .unwrap_or(Layout::CURRENT),
        (None, None) => Layout::CURRENT,
    };
    let reports: Vec<Arc<QuarterlyReport>> = reports.into_iter().map(Arc::new).collect();
    let one_council = args.council.is_some();
    let templates = args.templates.as_deref();
    let write = |out: &mut dyn Write| {
        report_doc::write_document(&reports, format, one_council, layout, templates, out)
    };
    match &args.out {
        // Written into the file as it is rendered (a report of 20,000 proposals is tens of
        // megabytes), put in place only when whole.
        Some(path) if format != DocFormat::Pdf => stream_out(path, write)?,
        Some(path) => write_out(path, &pdf(reports, layout, templates)?)?,
        // Straight into a pipe or a file, unchanged; a council's own templates are rendered
        // whole first, so that one that fails part way prints nothing.
        None if format != DocFormat::Pdf
            && !std::io::stdout().is_terminal()
            && (templates.is_none() || format == DocFormat::Json) =>
        {
            stream_stdout(write)?
        }
        None => {
            let bytes = match format {
                DocFormat::Pdf => pdf(reports, layout, templates)?,
                _ => document(&reports, format, one_council, layout, templates)?,
            };
            // To a terminal, stored text is shown escaped (see `output`); to a file or a pipe, unchanged.
            let bytes = match String::from_utf8(bytes) {
                Ok(text) if std::io::stdout().is_terminal() => {
                    output::terminal_text(&text).into_bytes()
                }
                Ok(text) => text.into_bytes(),
                Err(e) => e.into_bytes(),
            };
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(&bytes).and_then(|_| stdout.flush());
        }
    }
    super::finish(session).await
}

/// The report's bytes as rendered, nothing added (an issued report's SHA-256 must come out again).
fn document(
    reports: &[Arc<QuarterlyReport>],
    format: DocFormat,
    one_council: bool,
    layout: Layout,
    templates: Option<&std::path::Path>,
) -> Result<Vec<u8>, Failure> {
    report_doc::document(reports, format, one_council, layout, templates).map(|(bytes, _)| bytes)
}

/// The PDF, laid out from the text with the reports dropped first (a report of 20,000
/// proposals: its text, its pages and the PDF are each tens of megabytes).
fn pdf(
    reports: Vec<Arc<QuarterlyReport>>,
    layout: Layout,
    templates: Option<&std::path::Path>,
) -> Result<Vec<u8>, Failure> {
    let text = report::render(&reports, report::Format::Text, false, layout, templates)?;
    let title = report_doc::title(&reports);
    drop(reports);
    Ok(report_pdf::render(&text, &title))
}

/// Renders into stdout as `write` produces; a closed pipe ends the output quietly, as a failed
/// write to stdout always has.
fn stream_stdout(write: impl FnOnce(&mut dyn Write) -> Result<(), Failure>) -> Result<(), Failure> {
    let mut stdout = Quiet {
        inner: std::io::BufWriter::new(std::io::stdout().lock()),
        failed: false,
    };
    let rendered = write(&mut stdout).and_then(|_| Ok(stdout.flush()?));
    match rendered {
        Err(_) if stdout.failed => Ok(()),
        other => other,
    }
}

/// A writer that remembers whether a write to it failed.
struct Quiet<W: Write> {
    inner: W,
    failed: bool,
}

impl<W: Write> Write for Quiet<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf);
        self.failed |= written.is_err();
        written
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let flushed = self.inner.flush();
        self.failed |= flushed.is_err();
        flushed
    }
}

/// Renders into `path` as `write` produces, put in place whole or not at all.
fn stream_out(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn Write) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let cannot = |e: std::io::Error| {
        Failure::usage(format!("cannot write {}: {e}", path.display()))
            .with_detail("choose a file in a directory you can write to")
    };
    let mut partial = crate::files::Partial::create(path).map_err(cannot)?;
    let mut out = std::io::BufWriter::new(&mut partial.file);
    write(&mut out)?;
    out.flush().map_err(cannot)?;
    drop(out);
    partial.commit()
}

/// Writes the report to `path` whole or not at all (synced, renamed into place).
fn write_out(path: &std::path::Path, bytes: &[u8]) -> Result<(), Failure> {
    let cannot = |e: std::io::Error| {
        Failure::usage(format!("cannot write {}: {e}", path.display()))
            .with_detail("choose a file in a directory you can write to")
    };
    let mut partial = crate::files::Partial::create(path).map_err(cannot)?;
    partial.file.write_all(bytes).map_err(cannot)?;
    partial.commit()
}
