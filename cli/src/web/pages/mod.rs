//! The server-rendered pages. Every page is built from one [`Overview`] (one read of the log,
//! live or replayed), and every string from the log goes through maud, which HTML-escapes it.

pub mod board;
pub mod frame;
pub mod integrity;
pub mod next;
pub mod pipeline;
pub mod proposal;
pub mod savings;
mod savings_chart;
pub mod story;
pub mod upcoming;

use super::http::encode;
use super::sessions::SignedIn;
use maud::{html, Markup, DOCTYPE};
use std::collections::BTreeMap;
use workflows::definition::Stage;
use workflows::ops::overview::Overview;
use workflows::ops::replay::Basis;
use workflows::words;

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

/// Pounds with thousands separators: `£40,000.00` (the library's, as the reports print them).
pub use workflows::money::pounds;

/// Council id → name, every council the partnership ever had.
pub fn council_names(ov: &Overview) -> BTreeMap<String, String> {
    workflows::ops::reminders::council_names(&ov.partnership)
}

/// A council's name, or its id when unknown.
pub fn name_of<'a>(names: &'a BTreeMap<String, String>, id: &'a str) -> &'a str {
    names.get(id).map_or(id, String::as_str)
}

const STYLE: &str = r#"
*{box-sizing:border-box}body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
.skip{position:absolute;left:-9999px}.skip:focus{left:.5rem;top:.5rem;z-index:2;background:#ffdd00;color:#0b0c0c;padding:.3rem .6rem}
header{background:#123c5a;color:#fff;padding:.6rem 1.2rem;display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:center}
header nav{display:flex;flex-wrap:wrap;row-gap:.3rem}header a{color:#fff;text-decoration:none;margin-right:.9rem;font-weight:600}header a.on{border-bottom:3px solid #f2c14e}
header .name{font-size:1.1rem;margin-right:1rem}header details.asof-box{margin-left:auto;font-size:.9rem}header summary{font-weight:600}
header form.asof-form{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin-top:.3rem}
header input,header select,header button{font:inherit;padding:.2rem .4rem}header .who{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}
header .who button{padding:.2rem .6rem;background:#fff;color:#123c5a;border:0;font-weight:600}
main{padding:1rem 1.2rem;max-width:1280px}h1{font-size:1.5rem;margin:.2rem 0 .8rem}h2{font-size:1.15rem;margin:1.4rem 0 .5rem}h3{font-size:1rem;margin:1rem 0 .4rem}
a{color:#1d4f91}a:hover{color:#0b2c55}
:focus{outline:3px solid #ffdd00;outline-offset:0}a:focus{background:#ffdd00;color:#0b0c0c;box-shadow:0 3px #0b0c0c}
input:focus,select:focus,button:focus,textarea:focus{outline:3px solid #ffdd00;box-shadow:0 0 0 5px #0b0c0c}
.asof{padding:.45rem 1.2rem;background:#fff4d6;border-bottom:1px solid #e6d39c;font-size:.95rem}.asof.live{background:#e7f3ea;border-color:#b9dcc2}
.scroll{overflow-x:auto;max-width:100%;margin:.3rem 0 1rem;position:relative}
table{border-collapse:collapse;background:#fff;min-width:40%}th,td{border:1px solid #c9d1da;padding:.35rem .55rem;text-align:left;vertical-align:top}
caption{text-align:left;font-weight:600;padding:.2rem 0;caption-side:top}
th{background:#eef1f5;font-weight:600}td.t{white-space:nowrap}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.stage{display:inline-block;padding:0 .5rem;border-radius:.6rem;background:#dde7f0;color:#14283d;font-size:.85rem;font-weight:600}
.ok{color:#1b6e31;font-weight:600}.bad{color:#a8231b;font-weight:700}.muted{color:#454f59;font-size:.9rem}
.overdue{display:inline-block;background:#a8231b;color:#fff;font-weight:700;padding:0 .4rem;border-radius:.3rem;font-size:.85rem}
ul.unmet{margin:.2rem 0 0 1rem;padding:0;font-size:.9rem;color:#6b4200}code{font-size:.85em;word-break:break-all}
.filters{display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:flex-end;margin-bottom:.8rem}
.filters label{display:flex;flex-direction:column;font-weight:600;font-size:.9rem}.filters select,.filters input,.filters button{font:inherit;padding:.3rem .4rem}
.pager{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:.6rem 0}
ol.story{padding-left:1.4rem}ol.story li{margin:.5rem 0}ol.story .when{font-weight:600}
.vh{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
figure svg{width:100%;height:auto;max-width:960px}details{margin:.4rem 0}summary{cursor:pointer;font-weight:600}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
@media (max-width:40rem){
header{padding:.5rem .7rem}header details.asof-box{margin-left:0;width:100%}main{padding:.7rem}
table.reflow,table.reflow tbody,table.reflow tr,table.reflow th,table.reflow td{display:block;width:100%}
.scroll caption:not(.shown){position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
table.reflow thead{position:absolute;left:-9999px}table.reflow tr{border-bottom:3px solid #c9d1da}
table.reflow td::before{content:attr(data-label);display:block;font-weight:600;font-size:.85rem;color:#454f59}table.reflow td.n{text-align:left}
.asof{padding:.45rem .7rem}h1{font-size:1.3rem}table{min-width:0}dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.4rem}
.filters label{width:100%}.filters select,.filters input{width:100%}
}
"#;

/// A table in a wrapper that scrolls sideways on a narrow screen (and takes keyboard focus, so it
/// can be scrolled without a mouse), with its caption.
pub fn scroll(label: &str, table: Markup) -> Markup {
    html! { div.scroll role="region" aria-label=(label) tabindex="0" { (table) } }
}

/// The page around `body`: the header with the navigation and the as-of form, and the banner
/// saying which cut the page shows.
pub fn layout(nav: &Nav, ov: &Overview, section: &str, title: &str, body: Markup) -> Markup {
    layout_in(nav, &Frame::of(ov), section, title, body)
}

/// What a page's frame shows: the partnership's name, the log's length, and the cut shown.
pub struct Frame {
    pub name: String,
    pub head: u64,
    pub at: jiff::Timestamp,
    pub tz: jiff::tz::TimeZone,
    pub as_of: Option<String>,
    pub basis: Option<Basis>,
}

impl Frame {
    /// The frame of a page built from `ov`.
    pub fn of(ov: &Overview) -> Frame {
        Frame {
            name: ov.partnership.latest().name.clone(),
            head: ov.head.seq,
            at: ov.at,
            tz: ov.tz.clone(),
            as_of: ov.as_of.clone(),
            basis: ov.basis,
        }
    }
}

/// [`layout`] in `frame`.
pub fn layout_in(nav: &Nav, frame: &Frame, section: &str, title: &str, body: Markup) -> Markup {
    let partnership = &frame.name;
    let tabs = [
        ("/", "Pipeline"),
        ("/savings", "Savings"),
        ("/upcoming", "Upcoming"),
        ("/board", "Board"),
        ("/integrity", "Integrity"),
    ];
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (partnership) " · concordat" }
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                a.skip href="#main" { "Skip to main content" }
                header {
                    span.name { (partnership) }
                    nav aria-label="Pages" {
                        @for (path, label) in tabs {
                            a class=[(path == section).then_some("on")] aria-current=[(path == section).then_some("page")]
                                href=(nav.href(path, &[])) { (label) }
                        }
                    }
                    @if let Some(who) = &nav.user { (frame::user_bar(who)) }
                    details.asof-box open[nav.as_of.is_some()] {
                    summary { "Show an earlier date" }
                    form.asof-form method="get" action=(nav.path) {
                        label for="as_of" { "Show as of" }
                        input #as_of type="date" name="as_of" value=[nav.as_of.as_deref().map(|a| a.get(..10).unwrap_or(a))];
                        label for="basis" { "by" }
                        select #basis name="basis" {
                            option value="effective" selected[nav.basis == Basis::Effective] { "the dates decisions were taken" }
                            option value="recorded" selected[nav.basis == Basis::Recorded] { "the dates they were recorded" }
                        }
                        button type="submit" { "Show" }
                        a href=(nav.live(&nav.path)) { "Today" }
                    }
                    }
                }
                (banner(nav, frame))
                main #main { (body) }
            }
        }
    }
}

fn banner(nav: &Nav, ov: &Frame) -> Markup {
    let head = format!("{} entries in the log.", ov.head);
    let at = words::instant(ov.at, &ov.tz);
    match (&ov.as_of, ov.basis) {
        (Some(_), Some(Basis::Recorded)) => html! {
            div.asof { "Showing " strong { (at) } ": what the records said then (everything recorded by that time). " span.muted { (head) } }
        },
        (Some(_), _) => html! {
            div.asof { "Showing " strong { (at) } ": what was true by the dates decisions were taken, as recorded now. " span.muted { (head) } }
        },
        (None, _) => html! {
            div.asof.live { "Up to date: as of now, " strong { (words::instant(nav.now, &ov.tz)) } ". " span.muted { (head) } }
        },
    }
}

/// A proposal's title, or its id when the overview does not hold it.
pub fn proposal_title<'a>(ov: &'a Overview, id: &'a str) -> &'a str {
    ov.proposals
        .iter()
        .find(|e| e.view.id == id)
        .map_or(id, |e| e.view.title.as_str())
}

/// A stage as a badge, in words.
pub fn stage_badge(stage: &Stage) -> Markup {
    html! { span.stage { (words::stage(stage)) } }
}

/// The page for a failure (an unknown proposal, a bad date, a busy store).
pub fn error_page(status: u16, failure: &engine::Failure, nav: &Nav) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head { meta charset="utf-8"; meta name="viewport" content="width=device-width, initial-scale=1";
                   title { "Not found · concordat" } style { (maud::PreEscaped(STYLE)) } }
            body {
                a.skip href="#main" { "Skip to main content" }
                header { span.name { "concordat" } nav aria-label="Pages" { a href=(nav.live("/")) { "Pipeline" } } }
                main #main {
                    h1 { (if status == 404 { "Page not found" } else { "This page could not be shown" }) }
                    p { (frame::plain_failure(failure)) }
                    p { a href=(nav.live("/")) { "Back to the pipeline" } }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use workflows::money::Money;

    #[test]
    fn pounds_are_grouped() {
        assert_eq!(pounds(Money::from_pence(4_000_000)), "£40,000.00");
        assert_eq!(pounds(Money::from_pence(123_456_789)), "£1,234,567.89");
        assert_eq!(pounds(Money::from_pence(-5)), "-£0.05");
        assert_eq!(pounds(Money::from_pence(99_900)), "£999.00");
    }
}
