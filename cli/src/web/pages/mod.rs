//! The server-rendered pages. Every page is built from one [`Overview`] (one read of the log,
//! live or replayed), and every string from the log goes through maud, which HTML-escapes it.

pub mod frame;
pub mod integrity;
pub mod pipeline;
pub mod proposal;
pub mod savings;
mod savings_chart;
pub mod upcoming;

use super::http::encode;
use super::sessions::SignedIn;
use maud::{html, Markup, DOCTYPE};
use std::collections::BTreeMap;
use workflows::money::Money;
use workflows::ops::overview::Overview;
use workflows::ops::replay::Basis;

/// What every link of a page carries along (the replay cut), and who is signed in.
#[derive(Debug, Clone)]
pub struct Nav {
    pub as_of: Option<String>,
    pub basis: Basis,
    /// The request's now (a live page is as of it).
    pub now: jiff::Timestamp,
    pub user: Option<SignedIn>,
    /// The path of this page (the as-of form comes back to it).
    pub path: String,
}

impl Nav {
    /// A link to `path` with the cut, and `extra` query parameters.
    pub fn href(&self, path: &str, extra: &[(&str, &str)]) -> String {
        let mut params: Vec<(&str, &str)> = Vec::new();
        if let Some(a) = &self.as_of {
            params.push(("as_of", a));
            params.push(("basis", self.basis.as_str()));
        }
        params.extend(extra.iter().filter(|(_, v)| !v.is_empty()));
        link(path, &params)
    }

    /// The same page live (the cut dropped).
    pub fn live(&self, path: &str) -> String {
        path.to_string()
    }
}

/// `path?k=v&…`, each part percent-encoded.
pub fn link(path: &str, params: &[(&str, &str)]) -> String {
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// Pounds with thousands separators: `£40,000.00`.
pub fn pounds(m: Money) -> String {
    let text = m.to_string();
    let (sign, text) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest.to_string()),
        None => ("", text),
    };
    let (whole, pence) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}£{grouped}.{pence}")
}

/// Council id → name, every council the partnership ever had.
pub fn council_names(ov: &Overview) -> BTreeMap<String, String> {
    workflows::ops::reminders::council_names(&ov.partnership)
}

/// A council's name, or its id when unknown.
pub fn name_of<'a>(names: &'a BTreeMap<String, String>, id: &'a str) -> &'a str {
    names.get(id).map_or(id, String::as_str)
}

const STYLE: &str = r#"
*{box-sizing:border-box}body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
header{background:#123c5a;color:#fff;padding:.6rem 1.2rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
header a{color:#fff;text-decoration:none;margin-right:.9rem;font-weight:600}header a.on{border-bottom:2px solid #f2c14e}
header .name{font-size:1.1rem;margin-right:1.5rem}header form{margin-left:auto;display:flex;gap:.4rem;align-items:center;font-size:.85rem}
header input,header select,header button{font:inherit;padding:.15rem .35rem}
main{padding:1rem 1.2rem;max-width:1280px}h1{font-size:1.45rem;margin:.2rem 0 .8rem}h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
.asof{padding:.45rem 1.2rem;background:#fff4d6;border-bottom:1px solid #e6d39c;font-size:.9rem}.asof.live{background:#e7f3ea;border-color:#b9dcc2}
table{border-collapse:collapse;background:#fff;margin:.3rem 0 1rem;min-width:40%}th,td{border:1px solid #d5dbe2;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}td.t{white-space:nowrap}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.stage{display:inline-block;padding:0 .45rem;border-radius:.6rem;background:#dde7f0;font-size:.8rem;font-weight:600}
.ok{color:#1c7c36;font-weight:600}.bad{color:#b3261e;font-weight:700}.muted{color:#66707a;font-size:.85rem}
ul.unmet{margin:.2rem 0 0 1rem;padding:0;font-size:.85rem;color:#7a4b00}code{font-size:.85em;word-break:break-all}
.filters{display:flex;gap:.8rem;align-items:center;margin-bottom:.6rem}.filters select{font:inherit}
"#;

/// The page around `body`: the header with the navigation and the as-of form, and the banner
/// saying which cut the page shows.
pub fn layout(nav: &Nav, ov: &Overview, section: &str, title: &str, body: Markup) -> Markup {
    let partnership = &ov.partnership.latest().name;
    let tabs = [
        ("/", "Pipeline"),
        ("/savings", "Savings"),
        ("/upcoming", "Upcoming"),
        ("/integrity", "Integrity"),
    ];
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (partnership) " · concordat" }
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                header {
                    span.name { (partnership) }
                    nav {
                        @for (path, label) in tabs {
                            a class=[(path == section).then_some("on")] href=(nav.href(path, &[])) { (label) }
                        }
                    }
                    @if let Some(who) = &nav.user { (frame::user_bar(who)) }
                    form method="get" action=(nav.path) {
                        label for="as_of" { "As of" }
                        input #as_of type="text" name="as_of" size="12" placeholder="YYYY-MM-DD"
                            value=[nav.as_of.as_deref()];
                        select name="basis" aria-label="basis" {
                            option value="effective" selected[nav.basis == Basis::Effective] { "effective (taken)" }
                            option value="recorded" selected[nav.basis == Basis::Recorded] { "recorded" }
                        }
                        button type="submit" { "Replay" }
                        a href=(nav.live(&nav.path)) { "Live" }
                    }
                }
                (banner(nav, ov))
                main { (body) }
            }
        }
    }
}

fn banner(nav: &Nav, ov: &Overview) -> Markup {
    let head = format!("log head: seq {}", ov.head.seq);
    match (&ov.as_of, ov.basis) {
        (Some(at), Some(Basis::Recorded)) => html! {
            div.asof { "As of " strong { (at) } ", recorded basis: what the log said then (events recorded by that instant). " span.muted { (head) } }
        },
        (Some(at), _) => html! {
            div.asof { "As of " strong { (at) } ", effective basis: what was true by the dates decisions were taken, as recorded now. " span.muted { (head) } }
        },
        (None, _) => html! {
            div.asof.live { "Live: as of now, " strong { (engine::time::format_instant(nav.now, &ov.tz)) } ". " span.muted { (head) } }
        },
    }
}

/// A stage as a badge.
pub fn stage_badge(stage: &str) -> Markup {
    html! { span.stage { (stage) } }
}

/// The page for a failure (an unknown proposal, a bad date, a busy store).
pub fn error_page(status: u16, failure: &engine::Failure, nav: &Nav) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head { meta charset="utf-8"; title { (status) " · concordat" } style { (maud::PreEscaped(STYLE)) } }
            body {
                header { span.name { "concordat" } nav { a href=(nav.live("/")) { "Pipeline" } } }
                main {
                    h1 { (status) ": " (failure.message) }
                    @for d in &failure.details { p { (d) } }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pounds_are_grouped() {
        assert_eq!(pounds(Money::from_pence(4_000_000)), "£40,000.00");
        assert_eq!(pounds(Money::from_pence(123_456_789)), "£1,234,567.89");
        assert_eq!(pounds(Money::from_pence(-5)), "-£0.05");
        assert_eq!(pounds(Money::from_pence(99_900)), "£999.00");
    }
}
