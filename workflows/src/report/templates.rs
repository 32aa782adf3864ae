//! Layout 2: one template set (minijinja) renders the report as Markdown, as an HTML page and as
//! the text the PDF is laid out from. The templates get values ([`super::view`]) and place them;
//! HTML escapes every value (autoescape by the `.html` name), Markdown passes table cells through
//! the `cell` filter. A council can use its own copy of the templates: `--templates DIR` (any
//! template missing there comes from the bundled set).

use super::view;
use super::QuarterlyReport;
use engine::Failure;
use minijinja::Environment;
use std::path::{Path, PathBuf};

/// The formats the template set renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Markdown,
    Html,
    /// Plain text in fixed-width columns: what the PDF is laid out from.
    Text,
}

impl Kind {
    /// The template's file name.
    pub fn template(self) -> &'static str {
        match self {
            Kind::Markdown => "quarterly.md",
            Kind::Html => "quarterly.html",
            Kind::Text => "quarterly.txt",
        }
    }
}

/// The bundled template set, by file name.
pub const BUNDLED: [(&str, &str); 3] = [
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
];

/// Renders `reports` (one council's, or several) as `kind`, from `dir`'s templates if given.
pub fn render(
    reports: &[QuarterlyReport],
    kind: Kind,
    dir: Option<&Path>,
) -> Result<String, Failure> {
    let env = environment(dir.map(Path::to_path_buf));
    let template = env
        .get_template(kind.template())
        .map_err(|e| failed(e, dir))?;
    let views: Vec<_> = reports.iter().map(view::of).collect();
    template
        .render(minijinja::context! { reports => views })
        .map_err(|e| failed(e, dir))
}

fn environment(dir: Option<PathBuf>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_keep_trailing_newline(true);
    env.set_loader(move |name| {
        if let Some(dir) = &dir {
            match std::fs::read_to_string(dir.join(name)) {
                Ok(text) => return Ok(Some(text)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("cannot read {}: {e}", dir.join(name).display()),
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
    let text = format!("the report template could not be rendered: {e}");
    match dir {
        Some(dir) => Failure::usage(text).with_detail(format!(
            "check the templates in {} against the bundled ones (docs/reports.md)",
            dir.display()
        )),
        None => Failure::internal(text),
    }
}
