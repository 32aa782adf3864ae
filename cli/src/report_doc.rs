//! A quarterly report as a document to send: its bytes and their content type, in every format
//! `report quarterly` offers. The one place the PDF is made (from the template set's text), so
//! the command line and the web view give the same bytes.

use engine::Failure;
use std::path::Path;
use std::sync::Arc;
use workflows::ops::report::{self, Format};
use workflows::report::layout::Layout;
use workflows::report::QuarterlyReport;

/// The formats of a report document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocFormat {
    Markdown,
    Html,
    Pdf,
    Csv,
    CsvLong,
    Json,
}

impl DocFormat {
    /// The HTTP content type of the bytes.
    pub fn content_type(self) -> &'static str {
        match self {
            DocFormat::Markdown => "text/markdown; charset=utf-8",
            DocFormat::Html => "text/html; charset=utf-8",
            DocFormat::Pdf => "application/pdf",
            DocFormat::Csv | DocFormat::CsvLong => "text/csv; charset=utf-8; header=present",
            DocFormat::Json => "application/json",
        }
    }
}

/// `reports` as a document in `format` with `layout`: its bytes and content type. `templates`: a
/// council's own copy of the template set; `one_council`: JSON gives one object, not a list.
pub fn document(
    reports: &[Arc<QuarterlyReport>],
    format: DocFormat,
    one_council: bool,
    layout: Layout,
    templates: Option<&Path>,
) -> Result<(Vec<u8>, &'static str), Failure> {
    let text = |f: Format| report::render(reports, f, one_council, layout, templates);
    let bytes = match format {
        DocFormat::Markdown => text(Format::Markdown)?.into_bytes(),
        DocFormat::Html => text(Format::Html)?.into_bytes(),
        DocFormat::Csv => text(Format::Csv)?.into_bytes(),
        DocFormat::CsvLong => text(Format::CsvLong)?.into_bytes(),
        DocFormat::Json => text(Format::Json)?.into_bytes(),
        DocFormat::Pdf => report_pdf::render(&text(Format::Text)?, &title(reports)),
    };
    Ok((bytes, format.content_type()))
}

/// `reports` as a document in `format` (not the PDF, which is laid out whole), written to `out`
/// as it is produced: the same bytes as [`document`]'s.
pub fn write_document(
    reports: &[Arc<QuarterlyReport>],
    format: DocFormat,
    one_council: bool,
    layout: Layout,
    templates: Option<&Path>,
    out: &mut dyn std::io::Write,
) -> Result<(), Failure> {
    let format = match format {
        DocFormat::Markdown => Format::Markdown,
        DocFormat::Html => Format::Html,
        DocFormat::Csv => Format::Csv,
        DocFormat::CsvLong => Format::CsvLong,
        DocFormat::Json => Format::Json,
        DocFormat::Pdf => return Err(Failure::internal("a PDF is laid out whole, not streamed")),
    };
    report::render_to(reports, format, one_council, layout, templates, out)
}

/// "Quarterly report 2008/09-Q3: Bromsgrove District Council" (or the partnership's name).
pub fn title(reports: &[Arc<QuarterlyReport>]) -> String {
    match reports {
        [one] => format!("Quarterly report {}: {}", one.quarter, one.council_name),
        [first, ..] => format!("Quarterly report {}: {}", first.quarter, first.partnership),
        [] => "Quarterly report".to_string(),
    }
}
