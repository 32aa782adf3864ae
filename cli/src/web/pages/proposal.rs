//! One proposal: its state as `proposal show` has it, and its timeline with both times of every
//! event, who recorded it, and what it recorded in the words `proposal history` uses (workflows'
//! one `describe`).

use super::{council_names, layout, name_of, pounds, stage_badge, Nav};
use maud::{html, Markup};
use std::collections::BTreeMap;
use workflows::milestone::Milestone;
use workflows::ops::overview::{Entry, Overview};
use workflows::proposal::view::HistoryItem;

/// The proposal page of `entry`, with its `timeline` under the same cut.
pub fn page(
    nav: &Nav,
    ov: &Overview,
    entry: &Entry,
    timeline: &[HistoryItem],
    actions: Option<Markup>,
) -> Markup {
    let names = council_names(ov);
    let v = &entry.view;
    let api = format!("/api/proposals/{}", super::encode(&v.id));
    let body = html! {
        h1 { (v.title) " " (stage_badge(v.stage.as_str())) }
        p.muted {
            code { (v.id) } " · service " (v.service) " · " (v.category.as_str())
            " · workflow " (v.workflow.name) " v" (v.workflow.version)
            " · version " span #version { (v.version) } " · round " (v.round)
            " · created " (v.created_on.to_string()) " by " (v.created_by)
            " · " a href=(api) { "JSON" }
        }
        @if let Some(actions) = actions { (actions) }
        table {
            tr { th { "Stage" } td #stage { (v.stage.as_str())
                @if let Some(h) = &v.held_from { " (held from " (h.as_str()) ")" } } }
            tr { th { "Lead council" } td { (name_of(&names, &v.lead)) } }
            tr { th { "Councils" } td { @for (i, c) in v.councils.iter().enumerate() {
                @if i > 0 { ", " } (name_of(&names, c)) } } }
            tr { th { "Next step" } td {
                (entry.next_step.action)
                @if !entry.next_step.unmet.is_empty() {
                    ul.unmet { @for u in &entry.next_step.unmet { li { (u) } } }
                }
            } }
            @if let Some(live) = v.went_live { tr { th { "Went live" } td { (live.to_string()) } } }
        }
        (business_case(entry, &names))
        h2 { "Consultation" }
        p { "Status: " strong { (v.consultation.status) }
            @if let Some(d) = v.consultation.opened_on { " · opened " (d.to_string()) }
            @if let Some(d) = v.consultation.closed_on { " · closed " (d.to_string()) } }
        @if !v.consultation.parties.is_empty() {
            table { tr { th { "Party" } th { "Status" } th { "Response" } }
                @for (party, status) in &v.consultation.parties {
                    tr { td { (party) } td { (status) } td { (v.consultation.responses.get(party).map_or("", String::as_str)) } }
                }
            }
        }
        h2 { "Shared Services Board" }
        p { "Standing outcome: " strong { (v.board.outcome.map_or("no vote yet", |o| o.as_str())) }
            @if let Some(m) = v.board.meeting { " (meeting of " (m.to_string()) ")" } }
        @if !v.board.votes.is_empty() {
            table { tr { th { "Meeting" } th { "Outcome" } th { "Support" } th { "Oppose" } th { "Abstain" } }
                @for vote in &v.board.votes {
                    tr { td { (vote.meeting.to_string()) } td { (vote.outcome.as_str()) }
                         td { (vote.support.join(", ")) } td { (vote.oppose.join(", ")) } td { (vote.abstain.join(", ")) } }
                }
            }
        }
        h2 { "Councils' decisions" }
        table { tr { th { "Council" } th { "Decision" } th { "Minute" } th { "Taken" } th { "By" } }
            @for (council, decision) in &v.approvals {
                @let d = v.decisions.get(council);
                tr data-council=(council) { td { (name_of(&names, council)) } td.decision { (decision) }
                     td { (d.and_then(|d| d.minute.as_deref()).unwrap_or("")) }
                     td { (d.map(|d| d.on.to_string()).unwrap_or_default()) }
                     td { (d.map_or("", |d| d.by.as_str())) } }
            }
        }
        (savings(entry, &names))
        (reviews_and_kpis(entry, &names))
        (milestones(&v.milestones))
        h2 { "Next reminders" }
        @if v.next_reminders.is_empty() { p.muted { "None in the next 12 months." } }
        @else {
            table { tr { th { "Due" } th { "Kind" } th { "What" } }
                @for r in &v.next_reminders {
                    tr data-reminder=(r.id) { td.t { (r.due) } td { (r.kind.as_str()) } td { (r.title) } }
                }
            }
        }
        @if !v.recused.is_empty() {
            h2 { "Declared interests" }
            table { tr { th { "Actor" } th { "Since" } th { "Reason" } }
                @for (actor, r) in &v.recused { tr { td { (actor) } td { (r.on.to_string()) } td { (r.reason) } } }
            }
        }
        (timeline_table(timeline))
    };
    layout(nav, ov, "", &v.title, body)
}

fn business_case(entry: &Entry, names: &BTreeMap<String, String>) -> Markup {
    let v = &entry.view;
    html! {
        h2 { "Business case" }
        @match &v.business_case {
            None => p.muted { "None recorded." },
            Some(b) => {
                p { "One-off cost " strong { (pounds(b.one_off_cost)) } " · annual saving " strong { (pounds(b.annual_saving)) }
                    " · recorded " (b.recorded_on.to_string())
                    @if b.equal_shares { " · savings split equally" } }
                table { tr { th { "Council" } th.n { "Share of savings" } th.n { "Annual saving" } th.n { "Share of cost" } th.n { "One-off cost" } }
                    @for (council, share) in &b.shares {
                        tr { td { (name_of(names, council)) } td.n { (share.to_string()) "%" }
                             td.n { (b.annual_saving_by_council.get(council).map(|m| pounds(*m)).unwrap_or_default()) }
                             td.n { (b.cost_shares.get(council).map(|p| format!("{p}%")).unwrap_or_default()) }
                             td.n { (b.one_off_cost_by_council.get(council).map(|m| pounds(*m)).unwrap_or_default()) } }
                    }
                }
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
            table { tr { th { "Quarter" } th.n { "Amount" } @for c in s.by_council.keys() { th.n { (name_of(names, c)) } } }
                @for (q, qs) in &s.by_quarter {
                    tr { td { (q) } td.n { (pounds(qs.amount)) }
                         @for c in s.by_council.keys() { td.n { (qs.by_council.get(c).map(|m| pounds(*m)).unwrap_or_default()) } } }
                }
                tr { th { "Total" } th.n { (pounds(s.total)) } @for m in s.by_council.values() { th.n { (pounds(*m)) } } }
            }
        }
    }
}

fn reviews_and_kpis(entry: &Entry, names: &BTreeMap<String, String>) -> Markup {
    let v = &entry.view;
    html! {
        @if !v.kpis.is_empty() {
            h2 { "Performance indicators" }
            table { tr { th { "Indicator" } th.n { "Target" } th { "Values by quarter" } }
                @for (name, k) in &v.kpis {
                    tr { td { (name) } td.n { (k.target.map(|t| t.to_string()).unwrap_or_default()) " " (k.unit.as_deref().unwrap_or("")) }
                         td { @for (q, value) in &k.values { (q) ": " (value.to_string()) "; " } } }
                }
            }
        }
        @if !v.reviews.is_empty() {
            h2 { "Reviews" }
            table { tr { th { "Kind" } th { "Council" } th { "Outcome" } th { "Taken" } th { "Recorded" } th { "By" } th { "Summary" } }
                @for r in &v.reviews {
                    tr { td { (r.kind) } td { (name_of(names, &r.council)) } td { (r.outcome) } td { (r.on.to_string()) }
                         td { (r.recorded_at) } td { (r.by) } td { (r.summary.as_deref().unwrap_or("")) } }
                }
            }
        }
    }
}

/// Milestones with every amendment of their due date (who, when, recorded when, why).
pub fn milestones(list: &[Milestone]) -> Markup {
    html! {
        @if !list.is_empty() {
            h2 { "Milestones" }
            table { tr { th { "Milestone" } th { "Due" } th { "First due" } th { "Amendments" } th { "Completed" } }
                @for m in list {
                    tr data-milestone=(m.id) {
                        td { (m.title) br; code { (m.id) } }
                        td { (m.due.to_string()) } td { (m.original_due.to_string()) }
                        td { @for a in &m.amendments {
                            div { (a.from.to_string()) " → " (a.to.to_string()) ": " (a.reason)
                                  span.muted { " (by " (a.by) ", taken " (a.on.to_string()) ", recorded " (a.recorded_at) ")" } } } }
                        td { @if let Some(c) = &m.completed { (c.on.to_string()) " by " (c.by) } }
                    }
                }
            }
        }
    }
}

fn timeline_table(timeline: &[HistoryItem]) -> Markup {
    html! {
        h2 { "Timeline" }
        p.muted { "Every event of this proposal, with the date it was taken and the instant it was recorded. "
                  "A refused command changes nothing and is not an event, so it never appears here." }
        table #timeline {
            tr { th.n { "Seq" } th.n { "Version" } th { "Taken" } th { "Recorded" } th { "By" } th { "Event" } th { "Details" } }
            @for e in timeline {
                tr data-seq=(e.seq) {
                    td.n { (e.seq) } td.n { (e.version) } td.t { (e.effective_on) } td.t { (e.recorded_at) }
                    td { (e.actor) } td { (e.kind) }
                    td { (e.describe()) }
                }
            }
        }
    }
}
