//! One proposal: its state as `proposal show` has it, and its timeline with both times of every
//! event, who recorded it, and what it recorded in the words `proposal history` uses (workflows'
//! one `describe`).

use super::next::next_step;
use super::pipeline::category_words;
use super::story::{story, who};
use super::{council_names, layout, name_of, pounds, scroll, stage_badge, Nav};
use maud::{html, Markup};
use std::collections::BTreeMap;
use workflows::milestone::Milestone;
use workflows::ops::overview::{Entry, Overview};
use workflows::proposal::rag::Direction;
use workflows::proposal::view::HistoryItem;
use workflows::reminders::ReminderView;
use workflows::words::{self, date};

/// The proposal page of `entry`, with its `timeline` under the same cut; `can_act`: the visitor
/// may make changes (the next step links to its form).
pub fn page(
    nav: &Nav,
    ov: &Overview,
    entry: &Entry,
    timeline: &[HistoryItem],
    actions: Option<Markup>,
) -> Markup {
    let names = council_names(ov);
    let v = &entry.view;
    let can_act = actions.is_some();
    let body = html! {
        h1 { (v.title) " " (stage_badge(&v.stage)) }
        (facts(ov, entry, &names))
        h2 #next { "What happens next" }
        p { (next_step(&v.id, &entry.next_step, can_act)) }
        @if let Some(actions) = actions { (actions) }
        (story(ov, timeline))
        (business_case(entry, &names))
        (consultation(entry))
        (board(entry))
        (decisions(ov, entry, &names))
        (savings(entry, &names))
        (reviews_and_kpis(entry, &names))
        (milestones(&v.milestones))
        (reminders(ov, &v.next_reminders, &names))
        @if !v.recused.is_empty() {
            h2 { "Declared interests" }
            (scroll("Declared interests", html! { table { caption { "Who has declared an interest and stepped back" }
                tr { th scope="col" { "Who" } th scope="col" { "Since" } th scope="col" { "Reason" } }
                @for (actor, r) in &v.recused { tr { td { (who(ov, actor)) } td { (date(r.on)) } td { (r.reason) } } }
            } }))
        }
        p.muted { "The same information for other programs: " a href=(format!("/api/proposals/{}", super::encode(&v.id))) { "this proposal as data" } "." }
    };
    layout(nav, ov, "", &v.title, body)
}

/// The proposal's facts: reference, stage, councils, who created it and when.
fn facts(ov: &Overview, entry: &Entry, names: &BTreeMap<String, String>) -> Markup {
    let v = &entry.view;
    html! {
        dl.facts data-version=(v.version) {
            dt { "Reference" } dd { (v.id) }
            dt { "Stage" } dd #stage data-stage=(v.stage.as_str()) { (words::stage(&v.stage))
                @if let Some(h) = &v.held_from { " (on hold from " (words::stage_lower(h)) ")" } }
            dt { "Service" } dd { (v.service) }
            dt { "Category" } dd { (category_words(v.category)) }
            dt { "Lead council" } dd { (name_of(names, &v.lead)) }
            dt { "Councils" } dd { @for (i, c) in v.councils.iter().enumerate() {
                @if i > 0 { ", " } (name_of(names, c)) } }
            dt { "Proposed" } dd { (date(v.created_on)) " by " (who(ov, &v.created_by)) }
            @if v.round > 1 { dt { "Round" } dd { (v.round) " (it went back for another round of decisions)" } }
            @if let Some(live) = v.went_live { dt { "Went live" } dd { (date(live)) } }
        }
    }
}

fn consultation(entry: &Entry) -> Markup {
    let c = &entry.view.consultation;
    html! {
        h2 { "Consultation" }
        p { (words::capitalised(&c.status.replace('-', " ")))
            @if let Some(d) = c.opened_on { ", opened " (date(d)) }
            @if let Some(d) = c.closed_on { ", closed " (date(d)) } "." }
        @if !c.parties.is_empty() {
            (scroll("Consultation", html! { table { caption { "Who was consulted and what they said" }
                tr { th scope="col" { "Consulted" } th scope="col" { "Status" } th scope="col" { "Response" } }
                @for (party, status) in &c.parties {
                    tr { th scope="row" { (party) } td { (words::capitalised(&status.replace('-', " "))) }
                         td { (c.responses.get(party).map_or("", String::as_str)) } }
                }
            } }))
        }
    }
}

fn board(entry: &Entry) -> Markup {
    let b = &entry.view.board;
    html! {
        h2 { "Shared Services Board" }
        p { @match (b.outcome, b.meeting) {
            (Some(o), Some(m)) => { "At its meeting of " (date(m)) " the Board's outcome was: " strong { (o.as_str().replace('-', " ")) } "." }
            _ => "The Board has not voted yet.",
        } }
        @if !b.votes.is_empty() {
            (scroll("Board votes", html! { table { caption { "How Board members voted" }
                tr { th scope="col" { "Meeting" } th scope="col" { "Outcome" } th scope="col" { "Support" } th scope="col" { "Oppose" } th scope="col" { "Abstain" } }
                @for vote in &b.votes {
                    tr { th scope="row" { (date(vote.meeting)) } td { (vote.outcome.as_str().replace('-', " ")) }
                         td { (vote.support.join(", ")) } td { (vote.oppose.join(", ")) } td { (vote.abstain.join(", ")) } }
                }
            } }))
        }
    }
}

fn decisions(ov: &Overview, entry: &Entry, names: &BTreeMap<String, String>) -> Markup {
    let v = &entry.view;
    html! {
        h2 { "Councils' decisions" }
        (scroll("Councils' decisions", html! { table { caption { "Each council's decision" }
            tr { th scope="col" { "Council" } th scope="col" { "Decision" } th scope="col" { "Minute" } th scope="col" { "Taken" } th scope="col" { "Recorded by" } }
            @for (council, decision) in &v.approvals {
                @let d = v.decisions.get(council);
                tr data-council=(council) { th scope="row" { (name_of(names, council)) }
                     td.decision data-decision=(decision) { (words::capitalised(&decision.replace('-', " "))) }
                     td { (d.and_then(|d| d.minute.as_deref()).unwrap_or("")) }
                     td { (d.map(|d| date(d.on)).unwrap_or_default()) }
                     td { (d.map_or(String::new(), |d| who(ov, &d.by))) } }
            }
        } }))
    }
}

/// The reminders of the next 12 months; those already due (not yet sent) are marked and counted.
fn reminders(ov: &Overview, list: &[ReminderView], names: &BTreeMap<String, String>) -> Markup {
    html! {
        h2 { "Reminders" }
        @if list.is_empty() { p.muted { "None in the next 12 months." } }
        @else { (super::upcoming::reminder_table(ov, list, names, None)) }
    }
}

fn business_case(entry: &Entry, names: &BTreeMap<String, String>) -> Markup {
    let v = &entry.view;
    html! {
        h2 { "Business case" }
        @match &v.business_case {
            None => p.muted { "None recorded." },
            Some(b) => {
                p { "One-off cost " strong { (pounds(b.one_off_cost)) } ", saving " strong { (pounds(b.annual_saving)) } " a year"
                    ", recorded " (date(b.recorded_on))
                    @if b.equal_shares { "; savings split equally" } "." }
                (scroll("Business case shares", html! { table { caption { "Each council's share" }
                    tr { th scope="col" { "Council" } th.n scope="col" { "Share of savings" } th.n scope="col" { "Saving a year" } th.n scope="col" { "Share of cost" } th.n scope="col" { "One-off cost" } }
                    @for (council, share) in &b.shares {
                        tr { th scope="row" { (name_of(names, council)) } td.n { (share.to_string()) "%" }
                             td.n { (b.annual_saving_by_council.get(council).map(|m| pounds(*m)).unwrap_or_default()) }
                             td.n { (b.cost_shares.get(council).map(|p| format!("{p}%")).unwrap_or_default()) }
                             td.n { (b.one_off_cost_by_council.get(council).map(|m| pounds(*m)).unwrap_or_default()) } }
                    }
                } }))
                @if !b.risks.is_empty() { p { "Risks:" } ul { @for r in &b.risks { li { (r) } } } }
            }
        }
    }
}

fn savings(entry: &Entry, names: &BTreeMap<String, String>) -> Markup {
    let s = &entry.view.savings;
    html! {
        h2 { "Savings recorded" }
        p { "Total " strong #savings-total { (pounds(s.total)) } }
        @if !s.by_quarter.is_empty() {
            (scroll("Savings recorded", html! { table { caption { "Savings by financial quarter" }
                tr { th scope="col" { "Quarter" } th.n scope="col" { "Amount" } @for c in s.by_council.keys() { th.n scope="col" { (name_of(names, c)) } } }
                @for (q, qs) in &s.by_quarter {
                    tr { th scope="row" { (q) } td.n { (pounds(qs.amount)) }
                         @for c in s.by_council.keys() { td.n { (qs.by_council.get(c).map(|m| pounds(*m)).unwrap_or_default()) } } }
                }
                tr { th scope="row" { "Total" } td.n { strong { (pounds(s.total)) } } @for m in s.by_council.values() { td.n { strong { (pounds(*m)) } } } }
            } }))
        }
    }
}

fn reviews_and_kpis(entry: &Entry, names: &BTreeMap<String, String>) -> Markup {
    let v = &entry.view;
    html! {
        @if !v.kpis.is_empty() {
            h2 { "Performance indicators" }
            // On a narrow screen each indicator reads as a block of labelled lines (`reflow`).
            (scroll("Performance indicators", html! { table.reflow { caption { "Targets and the values recorded" }
                thead { tr { th scope="col" { "Indicator" } th.n scope="col" { "Target" } th.n scope="col" { "Baseline" } th scope="col" { "Better when" } th scope="col" { "Values by quarter" } th scope="col" { "Status" } } }
                tbody { @for (name, k) in &v.kpis {
                    tr { th scope="row" { (name) } td.n data-label="Target" { (k.target.map(|t| t.to_string()).unwrap_or_default()) " " (k.unit.as_deref().unwrap_or("")) }
                         td.n data-label="Baseline" { @if let Some(b) = k.baseline { (b.to_string()) " " (k.unit.as_deref().unwrap_or("")) } @else { "Not given" } }
                         td data-label="Better when" { @if k.direction == Direction::Lower { "Lower" } @else { "Higher" } }
                         td data-label="Values by quarter" { @for (i, (q, value)) in k.values.iter().enumerate() { @if i > 0 { "; " } (q) ": " (value.to_string()) } }
                         td data-label="Status" { @match (k.status_text, &k.status_quarter) {
                             (Some(words), Some(q)) => { (words) " (" (q) ")" }
                             _ => { "No value yet" }
                         } } }
                } }
            } }))
        }
        @if !v.reviews.is_empty() {
            h2 { "Reviews" }
            (scroll("Reviews", html! { table { caption { "Each council's reviews since it went live" }
                tr { th scope="col" { "Review" } th scope="col" { "Council" } th scope="col" { "Outcome" } th scope="col" { "Taken" } th scope="col" { "Recorded by" } th scope="col" { "Summary" } }
                @for r in &v.reviews {
                    tr { th scope="row" { (words::capitalised(&r.kind.replace('-', " "))) } td { (name_of(names, &r.council)) }
                         td { (words::capitalised(&r.outcome.replace('-', " "))) } td { (date(r.on)) }
                         td { (r.by) } td { (r.summary.as_deref().unwrap_or("")) } }
                }
            } }))
        }
    }
}

/// Milestones with every change of their due date (who, when and why).
pub fn milestones(list: &[Milestone]) -> Markup {
    html! {
        @if !list.is_empty() {
            h2 { "Milestones" }
            // On a narrow screen each milestone reads as a block of labelled lines (`reflow`).
            (scroll("Milestones", html! { table.reflow { caption { "Milestones, with every change to their dates" }
                thead { tr { th scope="col" { "Milestone" } th scope="col" { "Due" } th scope="col" { "First due" } th scope="col" { "Date changes" } th scope="col" { "Completed" } } }
                tbody { @for m in list {
                    tr data-milestone=(m.id) {
                        th scope="row" { (m.title) }
                        td data-label="Due" { (date(m.due)) } td data-label="First due" { (date(m.original_due)) }
                        td data-label="Date changes" { @for a in &m.amendments {
                            div { "From " (date(a.from)) " to " (date(a.to)) ": " (a.reason)
                                  span.muted { " (by " (a.by) ", " (date(a.on)) ")" } } } }
                        td data-label="Completed" { @if let Some(c) = &m.completed { (date(c.on)) " by " (c.by) } }
                    }
                } }
            } }))
        }
    }
}
