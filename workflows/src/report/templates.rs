//! Layouts 2 and 3: one template set each (minijinja) renders the report as Markdown, as an HTML
//! page and as the text the PDF is laid out from. Layout 3's set is layout 2's with the
//! partnership's own sections (arrangements, money, risks) placed at its `section` markers. The templates get values ([`super::view`]) and place them;
//! HTML escapes every value (autoescape by the `.html` name), Markdown passes table cells through
//! the `cell` filter. A council can use its own copy of the templates: `--templates DIR` (any
//! template missing there comes from the bundled set); the directory holds the plain file names
//! (`quarterly.md`) whichever layout is rendered.

use super::layout::Layout;
use super::view;
use super::QuarterlyReport;
use engine::Failure;
use minijinja::Environment;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The formats the template set renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Markdown,
    Html,
    /// Plain text in fixed-width columns: what the PDF is laid out from.
    Text,
}

impl Kind {
    /// The template's file name (layout 2's; layout 3's are the same names under `v3/`).
    pub fn template(self) -> &'static str {
        match self {
            Kind::Markdown => "quarterly.md",
            Kind::Html => "quarterly.html",
            Kind::Text => "quarterly.txt",
        }
    }

    /// The bundled template's name for `layout` (2 or later; layout 1 has no templates).
    pub fn template_for(self, layout: Layout) -> String {
        match layout {
            Layout::V1 | Layout::V2 => self.template().to_string(),
            Layout::V3 => format!("v3/{}", self.template()),
        }
    }
}

/// The bundled template set, by file name.
pub const BUNDLED: [(&str, &str); 6] = [
    (
        "quarterly.md",
        include_str!("../../templates/report/quarterly.md"),
    ),
    (
        "quarterly.html",
        include_str!("../../templates/report/quarterly.html"),
    ),
    (
        "quarterly.txt",
        include_str!("../../templates/report/quarterly.txt"),
    ),
    (
        "v3/quarterly.md",
        include_str!("../../templates/report/v3/quarterly.md"),
    ),
    (
        "v3/quarterly.html",
        include_str!("../../templates/report/v3/quarterly.html"),
    ),
    (
        "v3/quarterly.txt",
        include_str!("../../templates/report/v3/quarterly.txt"),
    ),
];

/// Renders `reports` (one council's, or several) as `kind` in `layout`, from `dir`'s templates
/// if given.
pub fn render(
    reports: &[Arc<QuarterlyReport>],
    kind: Kind,
    layout: Layout,
    dir: Option<&Path>,
) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    render_to(reports, kind, layout, dir, &mut bytes)?;
    String::from_utf8(bytes).map_err(|e| Failure::internal(format!("the report is not UTF-8: {e}")))
}

/// Renders `reports` as [`render`] does, writing the text to `out` as the template produces it
/// (a report of 20,000 proposals is never held whole). A write to `out` that fails is an
/// internal failure naming the error.
pub fn render_to(
    reports: &[Arc<QuarterlyReport>],
    kind: Kind,
    layout: Layout,
    dir: Option<&Path>,
    out: &mut dyn std::io::Write,
) -> Result<(), Failure> {
    let env = environment(dir.map(Path::to_path_buf));
    let template = env
        .get_template(&kind.template_for(layout))
        .map_err(|e| failed(e, dir))?;
    let views: Vec<minijinja::Value> = reports.iter().map(view::of).collect();
    let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, out);
    template
        .render_captured_to(minijinja::context! { reports => views }, &mut buffered)
        .map_err(|e| failed(e, dir))?;
    buffered
        .flush()
        .map_err(|e| Failure::internal(format!("cannot write the report: {e}")))
}

fn environment(dir: Option<PathBuf>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_keep_trailing_newline(true);
    env.set_loader(move |name| {
        if let Some(dir) = &dir {
            // A council's own set holds plain names whichever layout asked (`v3/quarterly.md`
            // is read as `quarterly.md`).
            let plain = Path::new(name).file_name().unwrap_or_default();
            match std::fs::read_to_string(dir.join(plain)) {
                Ok(text) => return Ok(Some(text)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("cannot read {}: {e}", dir.join(plain).display()),
                    ))
                }
            }
        }
        Ok(BUNDLED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.to_string()))
    });
    env.add_filter("cell", |text: String| super::markdown::cell(&text));
    env.add_filter("pad", |text: String, width: usize| {
        format!("{text:<width$}")
    });
    env.add_filter("rpad", |text: String, width: usize| {
        format!("{text:>width$}")
    });
    env
}

fn failed(e: minijinja::Error, dir: Option<&Path>) -> Failure {
    if e.kind() == minijinja::ErrorKind::WriteFailure {
        return Failure::internal(format!("cannot write the report: {e}"));
    }
    let text = format!("the report template could not be rendered: {e}");
    match dir {
        Some(dir) => Failure::usage(text).with_detail(format!(
            "check the templates in {} against the bundled ones (docs/reports.md)",
            dir.display()
        )),
        None => Failure::internal(text),
    }
}
