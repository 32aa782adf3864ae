//! Upcoming: the reminders not yet sent (as `reminders list` has them) and every milestone, with
//! a link to subscribe to the calendar. Reminders already due are marked and counted, folded
//! away rather than listed for years.

use super::proposal::milestones;
use super::{council_names, layout, name_of, scroll, Nav};
use maud::{html, Markup};
use std::collections::BTreeMap;
use workflows::milestone::Milestone;
use workflows::ops::overview::Overview;
use workflows::reminders::ReminderView;
use workflows::words;

/// Whether reminder `r` was due before the view's instant.
fn overdue(ov: &Overview, r: &ReminderView) -> bool {
    r.due
        .parse::<jiff::Timestamp>()
        .is_ok_and(|due| due < ov.at)
}

/// The reminders of `list`: those still to come in a table, those overdue counted and folded
/// away under their count. `nav`, when given, links each to its proposal.
pub fn reminder_table(
    ov: &Overview,
    list: &[ReminderView],
    names: &BTreeMap<String, String>,
    nav: Option<&Nav>,
) -> Markup {
    let (late, coming): (Vec<&ReminderView>, Vec<&ReminderView>) =
        list.iter().partition(|r| overdue(ov, r));
    html! {
        @if !late.is_empty() {
            p { span.overdue { (late.len()) " overdue" } " "
                (if late.len() == 1 { "reminder is past its date and not yet sent." } else { "reminders are past their dates and not yet sent." })
                " They are sent when the scheduler next runs." }
            details {
                summary { "Show the " (late.len()) " overdue" }
                (rows(ov, &late, names, nav, "Overdue reminders"))
            }
        }
        @if coming.is_empty() { p.muted { "Nothing else falls due." } }
        @else { (rows(ov, &coming, names, nav, "Reminders to come")) }
    }
}

fn rows(
    ov: &Overview,
    list: &[&ReminderView],
    names: &BTreeMap<String, String>,
    nav: Option<&Nav>,
    caption: &str,
) -> Markup {
    scroll(
        caption,
        html! {
            // On a narrow screen each reminder reads as a block of labelled lines (`reflow`).
            table.reminders.reflow {
                caption { (caption) }
                thead { tr { th scope="col" { "Due" } th scope="col" { "Reminder" } th scope="col" { "What" }
                     @if nav.is_some() { th scope="col" { "Proposal" } } th scope="col" { "Council" } } }
                tbody { @for r in list {
                    tr data-reminder=(r.id) {
                        td.t data-label="Due" { (words::date_or_instant(&r.due, &ov.tz)) }
                        td data-label="Reminder" { (words::reminder_kind(r.kind)) }
                        td data-label="What" { (r.title) }
                        @if let Some(nav) = nav {
                            td data-label="Proposal" { @if let Some(p) = &r.proposal {
                                a href=(nav.href(&format!("/proposals/{}", super::encode(p)), &[])) { (super::proposal_title(ov, p)) } } }
                        }
                        td data-label="Council" { @if let Some(c) = &r.council { (name_of(names, c)) } }
                    }
                } }
            }
        },
    )
}

/// The links to the programme milestones' forms: add one, and move or complete each still open.
fn milestone_changes(ov: &Overview) -> Markup {
    let open: Vec<&Milestone> = ov
        .milestones
        .iter()
        .filter(|m| m.completed.is_none())
        .collect();
    html! {
        h2 #milestone-changes { "Change the programme milestones" }
        p.muted { "Each change is checked against the concordat's rules and recorded under your name. A proposal's own milestones are changed on its page." }
        p { a #new-milestone href="/new-milestone" { "Add a programme milestone" } }
        @if !open.is_empty() {
            ul {
                @for m in open {
                    @let base = format!("/milestones/{}/do", super::encode(&m.id));
                    li { (m.title) " (due " (words::date(m.due)) "): "
                        a href=(format!("{base}/amend")) { "Move its date" } " · "
                        a href=(format!("{base}/complete")) { "Mark it complete" } }
                }
            }
        }
    }
}

/// The upcoming page; `feed` is the calendar's URL as the visitor reached this server; `manage`:
/// the visitor may change the programme milestones (their forms are linked).
pub fn page(nav: &Nav, ov: &Overview, feed: &str, manage: bool) -> Markup {
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
            a #ics href=(feed) { "Subscribe to the calendar" }
            @if let Some(w) = &webcal { " (or " a href=(w) { "open it in a calendar app" } ")" }
            span.muted { ": the next 12 months' reminders, kept up to date." }
        }
        h2 { "Reminders" }
        p.muted { "Not yet sent, due up to 90 days ahead." }
        @if ov.reminders.is_empty() { p { "Nothing falls due in that time." } }
        @else { (reminder_table(ov, &ov.reminders, &names, Some(nav))) }
        (milestones(&all))
        @if all.is_empty() { h2 { "Milestones" } p { "No milestones." } }
        @if manage { (milestone_changes(ov)) }
    };
    layout(nav, ov, "/upcoming", "Upcoming", body)
}
