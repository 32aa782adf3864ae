//! The pipeline: every proposal by stage, a page of 50 at a time, filterable by stage, council and
//! category and searchable by title or id (plain GET forms: no script needed), with its lead
//! council and the step it waits for.

use super::next::next_step;
use super::{council_names, layout, name_of, scroll, stage_badge, Nav};
use maud::{html, Markup};
use workflows::definition::{Category, Stage};
use workflows::ops::overview::{Entry, Overview};
use workflows::words;

/// Proposals on one page of the pipeline.
pub const PAGE_SIZE: usize = 50;

/// The filters a visitor chose (empty: all), and the page asked for.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub stage: Option<String>,
    pub council: Option<String>,
    pub category: Option<String>,
    /// Words to find in the title or the id.
    pub search: Option<String>,
    /// The page asked for, from 1.
    pub page: usize,
}

impl Filters {
    fn admits(&self, e: &Entry) -> bool {
        let search = self.search.as_deref().map(str::to_lowercase);
        self.stage
            .as_ref()
            .is_none_or(|s| e.view.stage.as_str() == s)
            && self
                .council
                .as_ref()
                .is_none_or(|c| e.view.councils.iter().any(|x| x == c))
            && self
                .category
                .as_ref()
                .is_none_or(|c| e.view.category.as_str() == c)
            && search.is_none_or(|q| {
                e.view.title.to_lowercase().contains(&q) || e.view.id.to_lowercase().contains(&q)
            })
    }

    /// The query parameters of these filters (without the page).
    fn params(&self) -> Vec<(&str, &str)> {
        let mut out = Vec::new();
        for (k, v) in [
            ("stage", &self.stage),
            ("council", &self.council),
            ("category", &self.category),
            ("q", &self.search),
        ] {
            if let Some(v) = v {
                out.push((k, v.as_str()));
            }
        }
        out
    }
}

/// The stages in lifecycle order, then any stage of a later workflow version by name.
fn stage_order(ov: &Overview) -> Vec<Stage> {
    let mut stages: Vec<Stage> = Stage::CONTRACT.to_vec();
    let mut later: Vec<Stage> = ov
        .proposals
        .iter()
        .map(|e| e.view.stage.clone())
        .filter(|s| !stages.contains(s))
        .collect();
    later.sort();
    later.dedup();
    stages.extend(later);
    stages
}

/// A category in words.
pub fn category_words(c: Category) -> String {
    words::capitalised(&c.as_str().replace('-', " "))
}

/// The pipeline page; `can_act`: the visitor may make changes (next steps link to their forms).
pub fn page(nav: &Nav, ov: &Overview, filters: &Filters, can_act: bool) -> Markup {
    let stages = stage_order(ov);
    let rank = |s: &Stage| stages.iter().position(|x| x == s).unwrap_or(usize::MAX);
    let mut shown: Vec<&Entry> = ov.proposals.iter().filter(|e| filters.admits(e)).collect();
    shown.sort_by(|a, b| (rank(&a.view.stage), &a.view.id).cmp(&(rank(&b.view.stage), &b.view.id)));
    let pages = shown.len().div_ceil(PAGE_SIZE).max(1);
    let page = filters.page.clamp(1, pages);
    let here: Vec<&Entry> = shown
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .copied()
        .collect();
    let body = html! {
        h1 { "Pipeline" }
        @if can_act { p { a #new-proposal href="/new-proposal" { "Propose a shared service" } } }
        (filter_form(nav, ov, filters, &stages))
        (stage_counts(nav, ov, filters, &stages))
        p role="status" {
            @if shown.is_empty() { "No proposal matches." }
            @else { "Showing " (here.len()) " of " (shown.len()) " proposals"
                @if pages > 1 { ", page " (page) " of " (pages) } "." }
        }
        @if ov.proposals.is_empty() { p { "No proposal existed then." } }
        @for stage in &stages {
            @let rows: Vec<&Entry> = here.iter().filter(|e| &e.view.stage == stage).copied().collect();
            @if !rows.is_empty() {
                section id=(stage.as_str()) { (stage_table(nav, ov, stage, &rows, can_act)) }
            }
        }
        (pager(nav, filters, page, pages))
    };
    layout(nav, ov, "/", "Pipeline", body)
}

fn filter_form(nav: &Nav, ov: &Overview, filters: &Filters, stages: &[Stage]) -> Markup {
    let names = council_names(ov);
    let categories = [Category::QuickWin, Category::MediumTerm, Category::LongTerm];
    let is = |f: &Option<String>, v: &str| f.as_deref() == Some(v);
    html! {
        form.filters method="get" action="/" role="search" aria-label="Find proposals" {
            label for="q" { "Title or reference"
                input #q type="search" name="q" value=[filters.search.as_deref()]; }
            label for="stage" { "Stage"
                select #stage name="stage" {
                    option value="" { "All stages" }
                    @for s in stages { option value=(s.as_str()) selected[is(&filters.stage, s.as_str())] { (words::stage(s)) } }
                } }
            label for="council" { "Council"
                select #council name="council" {
                    option value="" { "All councils" }
                    @for (id, name) in &names { option value=(id) selected[is(&filters.council, id)] { (name) } }
                } }
            label for="category" { "Category"
                select #category name="category" {
                    option value="" { "All categories" }
                    @for c in categories { option value=(c.as_str()) selected[is(&filters.category, c.as_str())] { (category_words(c)) } }
                } }
            @if let Some(a) = &nav.as_of {
                input type="hidden" name="as_of" value=(a);
                input type="hidden" name="basis" value=(nav.basis.as_str());
            }
            button type="submit" { "Find" }
            a href=(nav.href("/", &[])) { "Clear" }
        }
    }
}

/// How many proposals stand at each stage (under the other filters), each a link to that stage.
fn stage_counts(nav: &Nav, ov: &Overview, filters: &Filters, stages: &[Stage]) -> Markup {
    let others = Filters {
        stage: None,
        page: 1,
        ..filters.clone()
    };
    let counts: Vec<(&Stage, usize, String)> = stages
        .iter()
        .map(|s| {
            let n = ov
                .proposals
                .iter()
                .filter(|e| &e.view.stage == s && others.admits(e))
                .count();
            let mut params = others.params();
            params.push(("stage", s.as_str()));
            (s, n, nav.href("/", &params))
        })
        .filter(|(_, n, _)| *n > 0)
        .collect();
    html! {
        @if !counts.is_empty() {
            nav.stages aria-label="Proposals by stage" {
                ul.pager style="list-style:none;padding:0" {
                    @for (s, n, href) in counts {
                        li { a href=(href) { (words::stage(s)) } " (" (n) ")" }
                    }
                }
            }
        }
    }
}

fn stage_table(nav: &Nav, ov: &Overview, stage: &Stage, rows: &[&Entry], can_act: bool) -> Markup {
    let names = council_names(ov);
    let table = html! {
        table.pipeline.reflow {
            caption.shown { h2 style="margin:0" { (stage_badge(stage)) " " (rows.len()) (if rows.len() == 1 { " proposal" } else { " proposals" }) } }
            thead { tr {
                th scope="col" { "Proposal" } th scope="col" { "Lead council" } th scope="col" { "Councils" }
                th scope="col" { "Category" } th scope="col" { "Next step" }
            } }
            tbody {
                @for e in rows {
                    @let v = &e.view;
                    tr data-id=(v.id) {
                        th scope="row" { a href=(nav.href(&format!("/proposals/{}", super::encode(&v.id)), &[])) { (v.title) }
                             br; span.muted { "Reference " (v.id) } }
                        td data-label="Lead council" { (name_of(&names, &v.lead)) }
                        td data-label="Councils" { @for (i, c) in v.councils.iter().enumerate() {
                            @if i > 0 { ", " } (name_of(&names, c)) } }
                        td data-label="Category" { (category_words(v.category)) }
                        td data-label="Next step" { (next_step(&v.id, &e.next_step, can_act)) }
                    }
                }
            }
        }
    };
    scroll(&format!("{} proposals", words::stage(stage)), table)
}

fn pager(nav: &Nav, filters: &Filters, page: usize, pages: usize) -> Markup {
    let link = |n: usize| {
        let mut params = filters.params();
        let n = n.to_string();
        params.push(("page", &n));
        nav.href("/", &params)
    };
    html! {
        @if pages > 1 {
            nav.pager aria-label="Pages of proposals" {
                @if page > 1 { a rel="prev" href=(link(page - 1)) { "Previous page" } }
                span { "Page " (page) " of " (pages) }
                @if page < pages { a rel="next" href=(link(page + 1)) { "Next page" } }
            }
        }
    }
}
