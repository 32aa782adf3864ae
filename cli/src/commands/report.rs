//! `concordat report quarterly`.

use super::GlobalArgs;
use crate::{context, output};
use clap::{Args, Subcommand, ValueEnum};
use engine::store::OpenMode;
use engine::Failure;
use std::io::Write;
use std::process::ExitCode;
use workflows::ops::report::{self, Format};
use workflows::quarter::Quarter;

/// The `report` command words.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// A council's quarter as it stood at the quarter's end, from what was recorded by --known-at.
    Quarterly(QuarterlyArgs),
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
    /// md (default), csv or json (--json implies json).
    #[arg(long, value_enum, default_value_t = FormatArg::Md)]
    format: FormatArg,
    /// What had been recorded by then counts: an RFC 3339 instant, a date (its end) or seq:N
    /// (default: now). The scheduler's known_at reproduces an issued report byte for byte.
    #[arg(long, value_name = "INSTANT|seq:N")]
    known_at: Option<String>,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    Md,
    Csv,
    Json,
}

/// Runs a `report` command.
pub async fn exec(g: &GlobalArgs, cmd: ReportCommand) -> Result<ExitCode, Failure> {
    let ReportCommand::Quarterly(args) = cmd;
    let format = match (g.json, args.format) {
        (true, _) | (_, FormatArg::Json) => Format::Json,
        (_, FormatArg::Md) => Format::Markdown,
        (_, FormatArg::Csv) => Format::Csv,
    };
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
    let text = report::render(&reports, format, args.council.is_some());
    // To a terminal, stored text is shown escaped (see `output`); to a file or a pipe, unchanged.
    let text = if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        output::terminal_text(&text)
    } else {
        text
    };
    // The bytes as rendered, nothing added: an issued report's SHA-256 must come out again.
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush());
    super::finish(session).await
}
