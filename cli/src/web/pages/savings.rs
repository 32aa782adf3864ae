//! Savings: what each council has saved, per financial quarter, per year and this year to date,
//! as a chart and a table, with each council's share; and each proposal's agreed shares.
//! The sums and shares are `workflows::ops::savings`'s, exact to the penny; this page only lays them out.

use super::savings_chart::chart;
use super::{council_names, layout, name_of, pounds, scroll, Nav};
use maud::{html, Markup};
use workflows::money::Money;
use workflows::ops::overview::Overview;
use workflows::ops::savings::{self, Savings};
use workflows::quarter::{year_label, Quarter};

/// `part` as a percentage of `whole`, two decimals, exact.
fn share(part: Money, whole: Money) -> String {
    savings::share(part, whole).map_or_else(|| "—".into(), |p| format!("{p}%"))
}

/// The savings page.
pub fn page(nav: &Nav, ov: &Overview) -> Markup {
    let names = council_names(ov);
    let t = Savings::of(ov);
    let at = if ov.as_of.is_some() { ov.at } else { nav.now };
    let today = engine::time::local_date(at, &ov.tz);
    let current = Quarter::containing(today, ov.year_start);
    let ytd = t.year_to_date(current);
    let all = t.sum(|_| true);
    let grand: Money = all.values().copied().sum();
    let ytd_total: Money = ytd.values().copied().sum();
    let years = t.years();
    let body = html! {
        h1 { "Savings" }
        p.muted { "Each saving is split between the councils by the proposal's agreed shares, to the penny, when it is recorded. "
                  "Financial year " (year_label(current.year)) " to date runs to the end of " (current.to_string()) "." }
        @if t.by_quarter.is_empty() {
            p { "No savings recorded." }
        } @else {
            (chart(&t, &names))
            h2 { "Per council per quarter" }
            (scroll("Savings per council per quarter", html! { table #savings-table {
                caption { "Savings per council per financial quarter, each year, and in all" }
                tr { th scope="col" { "Quarter" } @for c in &t.councils { th.n scope="col" { (name_of(&names, c)) } } th.n scope="col" { "Total" } }
                @for q in t.by_quarter.keys() {
                    tr data-quarter=(q) { th scope="row" { (q) }
                        @for c in &t.councils { td.n { (pounds(t.get(q, c))) } }
                        td.n { (pounds(t.quarter_total(q))) } }
                }
                @for y in &years {
                    @let sums = t.year(*y);
                    tr { th scope="row" { "Year " (year_label(*y)) }
                        @for c in &t.councils { th.n { (pounds(sums.get(c).copied().unwrap_or_default())) } }
                        th.n { (pounds(sums.values().copied().sum())) } }
                }
                tr #ytd { th scope="row" { "Year to date (" (year_label(current.year)) ")" }
                    @for c in &t.councils { th.n { (pounds(ytd.get(c).copied().unwrap_or_default())) } }
                    th.n { (pounds(ytd_total)) } }
                tr { th scope="row" { "All recorded" }
                    @for c in &t.councils { th.n { (pounds(all.get(c).copied().unwrap_or_default())) } }
                    th.n { (pounds(grand)) } }
                tr { th scope="row" { "Share of all recorded" }
                    @for c in &t.councils { td.n { (share(all.get(c).copied().unwrap_or_default(), grand)) } }
                    td.n { "100.00%" } }
            } }))
        }
        h2 { "By proposal, with the agreed shares" }
        (scroll("Savings by proposal", html! { table #by-proposal {
            caption { "Each proposal's agreed shares, the saving expected and the savings recorded" }
            tr { th scope="col" { "Proposal" } th scope="col" { "Agreed shares of savings" } th.n scope="col" { "Expected a year" } th.n scope="col" { "Recorded" } th scope="col" { "Recorded by council" } }
            @for e in ov.proposals.iter().filter(|e| e.view.business_case.is_some() || e.view.savings.total.pence != 0) {
                @let v = &e.view;
                tr data-id=(v.id) {
                    th scope="row" { a href=(nav.href(&format!("/proposals/{}", super::encode(&v.id)), &[])) { (v.title) } }
                    td { @if let Some(b) = &v.business_case {
                        @for (i, (c, p)) in b.shares.iter().enumerate() { @if i > 0 { ", " } (name_of(&names, c)) " " (p.to_string()) "%" }
                        @if b.equal_shares { span.muted { " (equal)" } } } }
                    td.n { (v.business_case.as_ref().map(|b| pounds(b.annual_saving)).unwrap_or_default()) }
                    td.n { (pounds(v.savings.total)) }
                    td { @for (i, (c, m)) in v.savings.by_council.iter().enumerate() { @if i > 0 { ", " } (name_of(&names, c)) " " (pounds(*m)) } }
                }
            }
        } }))
    };
    layout(nav, ov, "/savings", "Savings", body)
}
