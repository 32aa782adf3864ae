//! Savings: what each council has saved, per financial quarter, per year and this year to date,
//! as a chart and a table, with each council's share; and each proposal's agreed shares.
//! Amounts are the parts the library apportioned when each saving was recorded; this page only adds.

use super::savings_chart::chart;
use super::{council_names, layout, name_of, pounds, Nav};
use maud::{html, Markup};
use std::collections::{BTreeMap, BTreeSet};
use workflows::money::Money;
use workflows::ops::overview::Overview;
use workflows::quarter::Quarter;

/// Savings summed per quarter and council.
pub struct Table {
    /// Councils in the partnership's order (then any others).
    pub councils: Vec<String>,
    /// Quarter label → council → amount.
    pub by_quarter: BTreeMap<String, BTreeMap<String, Money>>,
}

impl Table {
    /// Sums every proposal's recorded savings.
    pub fn of(ov: &Overview) -> Table {
        let mut by_quarter: BTreeMap<String, BTreeMap<String, Money>> = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for e in &ov.proposals {
            for (q, s) in &e.view.savings.by_quarter {
                for (c, m) in &s.by_council {
                    let slot = by_quarter
                        .entry(q.clone())
                        .or_default()
                        .entry(c.clone())
                        .or_default();
                    *slot = *slot + *m;
                    seen.insert(c.clone());
                }
            }
        }
        let mut councils: Vec<String> = ov
            .partnership
            .latest()
            .council_ids()
            .into_iter()
            .filter(|c| seen.contains(c))
            .collect();
        councils.extend(
            seen.into_iter()
                .filter(|c| !councils.contains(c))
                .collect::<Vec<_>>(),
        );
        Table {
            councils,
            by_quarter,
        }
    }

    fn get(&self, q: &str, c: &str) -> Money {
        self.by_quarter
            .get(q)
            .and_then(|m| m.get(c))
            .copied()
            .unwrap_or_default()
    }

    fn quarter_total(&self, q: &str) -> Money {
        self.by_quarter
            .get(q)
            .map(|m| m.values().copied().sum())
            .unwrap_or_default()
    }

    /// Per council, the sum over the quarters `keep` admits.
    fn sum(&self, keep: impl Fn(&Quarter) -> bool) -> BTreeMap<String, Money> {
        let mut out: BTreeMap<String, Money> = BTreeMap::new();
        for (q, m) in &self.by_quarter {
            if Quarter::parse(q).is_ok_and(|q| keep(&q)) {
                for (c, v) in m {
                    let slot = out.entry(c.clone()).or_default();
                    *slot = *slot + *v;
                }
            }
        }
        out
    }
}

/// `part` as a percentage of `whole`, two decimals.
fn share(part: Money, whole: Money) -> String {
    if whole.pence == 0 {
        return "—".into();
    }
    format!("{:.2}%", part.pence as f64 * 100.0 / whole.pence as f64)
}

/// The financial year `2008/09` of a quarter.
fn year_label(year: i16) -> String {
    format!("{year}/{:02}", (year + 1) % 100)
}

/// The savings page.
pub fn page(nav: &Nav, ov: &Overview) -> Markup {
    let names = council_names(ov);
    let t = Table::of(ov);
    let at = if ov.as_of.is_some() { ov.at } else { nav.now };
    let today = engine::time::local_date(at, &ov.tz);
    let current = Quarter::containing(today, ov.year_start);
    let ytd = t.sum(|q| q.year == current.year && q.q <= current.q);
    let all = t.sum(|_| true);
    let grand: Money = all.values().copied().sum();
    let ytd_total: Money = ytd.values().copied().sum();
    let years: BTreeSet<i16> = t
        .by_quarter
        .keys()
        .filter_map(|q| Quarter::parse(q).ok().map(|q| q.year))
        .collect();
    let body = html! {
        h1 { "Savings" }
        p.muted { "Each saving is split between the councils by the proposal's agreed shares, to the penny, when it is recorded. "
                  "Financial year " (year_label(current.year)) " to date runs to the end of " (current.to_string()) "." }
        @if t.by_quarter.is_empty() {
            p { "No savings recorded." }
        } @else {
            (chart(&t, &names))
            h2 { "Per council per quarter" }
            table #savings-table {
                tr { th { "Quarter" } @for c in &t.councils { th.n { (name_of(&names, c)) } } th.n { "Total" } }
                @for q in t.by_quarter.keys() {
                    tr data-quarter=(q) { td { (q) }
                        @for c in &t.councils { td.n { (pounds(t.get(q, c))) } }
                        td.n { (pounds(t.quarter_total(q))) } }
                }
                @for y in &years {
                    @let sums = t.sum(|q| q.year == *y);
                    tr { th { "Year " (year_label(*y)) }
                        @for c in &t.councils { th.n { (pounds(sums.get(c).copied().unwrap_or_default())) } }
                        th.n { (pounds(sums.values().copied().sum())) } }
                }
                tr #ytd { th { "Year to date (" (year_label(current.year)) ")" }
                    @for c in &t.councils { th.n { (pounds(ytd.get(c).copied().unwrap_or_default())) } }
                    th.n { (pounds(ytd_total)) } }
                tr { th { "All recorded" }
                    @for c in &t.councils { th.n { (pounds(all.get(c).copied().unwrap_or_default())) } }
                    th.n { (pounds(grand)) } }
                tr { th { "Share of all recorded" }
                    @for c in &t.councils { td.n { (share(all.get(c).copied().unwrap_or_default(), grand)) } }
                    td.n { "100.00%" } }
            }
        }
        h2 { "By proposal, with the agreed shares" }
        table #by-proposal {
            tr { th { "Proposal" } th { "Agreed shares of savings" } th.n { "Expected a year" } th.n { "Recorded" } th { "Recorded by council" } }
            @for e in ov.proposals.iter().filter(|e| e.view.business_case.is_some() || e.view.savings.total.pence != 0) {
                @let v = &e.view;
                tr data-id=(v.id) {
                    td { a href=(nav.href(&format!("/proposals/{}", super::encode(&v.id)), &[])) { (v.title) } }
                    td { @if let Some(b) = &v.business_case {
                        @for (i, (c, p)) in b.shares.iter().enumerate() { @if i > 0 { ", " } (name_of(&names, c)) " " (p.to_string()) "%" }
                        @if b.equal_shares { span.muted { " (equal)" } } } }
                    td.n { (v.business_case.as_ref().map(|b| pounds(b.annual_saving)).unwrap_or_default()) }
                    td.n { (pounds(v.savings.total)) }
                    td { @for (i, (c, m)) in v.savings.by_council.iter().enumerate() { @if i > 0 { ", " } (name_of(&names, c)) " " (pounds(*m)) } }
                }
            }
        }
    };
    layout(nav, ov, "/savings", "Savings", body)
}
