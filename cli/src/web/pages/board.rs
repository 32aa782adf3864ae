//! The Shared Services Board: its meetings in date order — when and where, who chairs, the agenda
//! (an exempt item's reason only because every page is behind sign-in), who came and whether the
//! meeting was quorate, and the minutes — then the cycle's next meeting, computed, not yet
//! scheduled. The meetings are `workflows::ops::board_meeting`'s; this page only lays them out.

use super::{council_names, encode, layout, name_of, proposal_title, scroll, Nav};
use maud::{html, Markup};
use std::collections::BTreeMap;
use workflows::ops::board_meeting::MeetingView;
use workflows::ops::overview::Overview;
use workflows::words;

/// The Board page.
pub fn page(nav: &Nav, ov: &Overview, meetings: &[MeetingView]) -> Markup {
    let names = council_names(ov);
    let body = html! {
        h1 { "Shared Services Board" }
        p.muted { "The Board meets every two months, at each council in turn, chaired by the host council's Leader (section 4.1 of the concordat). "
                  "A vote at a meeting counts only the members recorded present, and only when each council has enough of them there." }
        @if nav.as_of.is_some() {
            p.muted { "The meetings are shown as recorded now, not as of the date above." }
        }
        @if meetings.is_empty() {
            p { "No meeting of the Board has been scheduled." }
        }
        @for m in meetings { (meeting(nav, ov, &names, m)) }
    };
    layout(nav, ov, "/board", "Shared Services Board", body)
}

fn meeting(nav: &Nav, ov: &Overview, names: &BTreeMap<String, String>, m: &MeetingView) -> Markup {
    let when = format!(
        "{}, {}",
        words::date_text(&m.meeting),
        m.at.parse::<jiff::civil::Time>()
            .map_or(m.at.clone(), words::time)
    );
    html! {
        section.meeting {
            h2 { (when) " at " (m.venue_name) @if !m.scheduled { " (next in the cycle, not yet scheduled)" } }
            dl.facts {
                dt { "Chair" } dd { (m.chair.as_deref().unwrap_or("The host council's Leader")) }
                dt { "Agenda due" } dd { (words::date_or_instant(&m.agenda_due, &ov.tz))
                    @if m.agenda_due_weekdays_only { " (counted in weekdays only: past the bank holidays known)" } }
                @if m.scheduled {
                    dt { "Minutes" } dd { (minutes(m, &ov.tz)) }
                }
            }
            @if m.scheduled { (agenda(nav, ov, m)) (attendance(names, m)) }
        }
    }
}

fn minutes(m: &MeetingView, tz: &jiff::tz::TimeZone) -> String {
    match (m.minutes, &m.minutes_approved_at) {
        ("approved", Some(at)) => format!(
            "Approved at the meeting of {}",
            words::date_or_instant(at, tz)
        ),
        ("approved", None) => "Approved".into(),
        ("draft", _) => "Drafted, not yet approved".into(),
        _ => "None yet".into(),
    }
}

fn agenda(nav: &Nav, ov: &Overview, m: &MeetingView) -> Markup {
    html! {
        h3 { "Agenda" }
        @if m.agenda.is_empty() {
            p { "Nothing on the agenda yet." }
        } @else {
            ul { @for item in &m.agenda {
                li { a href=(nav.href(&format!("/proposals/{}", encode(&item.proposal)), &[])) { (proposal_title(ov, &item.proposal)) }
                     @if item.exempt { " — exempt: " (item.reason.as_deref().unwrap_or("reason withheld")) } }
            } }
        }
    }
}

fn attendance(names: &BTreeMap<String, String>, m: &MeetingView) -> Markup {
    let Some(a) = &m.attendance else {
        return html! { h3 { "Attendance" } p { "Not recorded yet." } };
    };
    let quorum = match a.quorum_per_council {
        Some(q) => format!("Quorum: {q} members of each council. "),
        None => String::new(),
    };
    html! {
        h3 { "Attendance" }
        p { (quorum) @if a.quorate { "The meeting was quorate." } @else { "The meeting was not quorate." } }
        (scroll("Attendance", html! { table { caption { "Members present, sending apologies and absent, by council" }
            tr { th scope="col" { "Council" } th.n scope="col" { "Members" } th.n scope="col" { "Present" } th.n scope="col" { "Apologies" } }
            @for (council, c) in &a.by_council {
                tr { th scope="row" { (name_of(names, council)) } td.n { (c.members) } td.n { (c.present) } td.n { (c.apologies) } }
            }
        } }))
        p { "Present: " (a.present.join(", ")) "."
            @if !a.apologies.is_empty() { " Apologies: " (a.apologies.join(", ")) "." }
            @if !a.absent.is_empty() { " Absent: " (a.absent.join(", ")) "." } }
    }
}
