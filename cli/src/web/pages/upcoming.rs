//! Upcoming: the reminders not yet fired (as `reminders list` has them) and every milestone, with
//! a link to subscribe to the iCalendar feed.

use super::proposal::milestones;
use super::{council_names, layout, name_of, Nav};
use maud::{html, Markup};
use workflows::milestone::Milestone;
use workflows::ops::overview::Overview;

/// The upcoming page; `feed` is the calendar's URL as the visitor reached this server.
pub fn page(nav: &Nav, ov: &Overview, feed: &str) -> Markup {
    let names = council_names(ov);
    let mut all: Vec<Milestone> = ov.milestones.clone();
    all.extend(
        ov.proposals
            .iter()
            .flat_map(|e| e.view.milestones.iter().cloned()),
    );
    all.sort_by(|a, b| (a.due, &a.id).cmp(&(b.due, &b.id)));
    let webcal = feed
        .strip_prefix("http://")
        .or_else(|| feed.strip_prefix("https://"))
        .map(|rest| format!("webcal://{rest}"));
    let body = html! {
        h1 { "Upcoming" }
        p {
            "Subscribe to the calendar: " a #ics href=(feed) { (feed) }
            @if let Some(w) = &webcal { " (" a href=(w) { "open in a calendar app" } ")" }
            span.muted { " — the live feed of the next 12 months' reminders, one event each." }
        }
        h2 { "Reminders" }
        p.muted { "Not yet fired, due up to 90 days ahead; those already due fire on the scheduler's next tick." }
        @if ov.reminders.is_empty() { p { "Nothing falls due in that time." } }
        @else {
            table #reminders {
                tr { th { "Due" } th { "Kind" } th { "What" } th { "Proposal" } th { "Council" } }
                @for r in &ov.reminders {
                    tr data-reminder=(r.id) {
                        td.t { (r.due) } td { (r.kind.as_str()) } td { (r.title) }
                        td { @if let Some(p) = &r.proposal {
                            a href=(nav.href(&format!("/proposals/{}", super::encode(p)), &[])) { (p) } } }
                        td { @if let Some(c) = &r.council { (name_of(&names, c)) } }
                    }
                }
            }
        }
        (milestones(&all))
        @if all.is_empty() { h2 { "Milestones" } p { "No milestones." } }
    };
    layout(nav, ov, "/upcoming", "Upcoming", body)
}
