//! The pipeline: every proposal by stage, a page of 50 at a time, filterable by stage, council and
//! category and searchable by title or id (plain GET forms: no script needed), with its lead
//! council and the step it waits for.

use super::next::next_step;
use super::{layout_in, name_of, scroll, stage_badge, Frame, Nav};
use maud::{html, Markup};
use std::collections::BTreeMap;
use std::sync::Arc;
use workflows::definition::{Category, Stage};
use workflows::ops::overview::{NextStep, Overview};
use workflows::ops::reminders::council_names;
use workflows::ops::session::PartnershipHistory;
use workflows::proposal::view::ListItem;
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
    fn admits(&self, e: &ListItem) -> bool {
        let search = self.search.as_deref().map(str::to_lowercase);
        self.stage.as_ref().is_none_or(|s| e.stage.as_str() == s)
            && self
                .council
                .as_ref()
                .is_none_or(|c| e.councils.iter().any(|x| x == c))
            && self
                .category
                .as_ref()
                .is_none_or(|c| e.category.as_str() == c)
            && search.is_none_or(|q| {
                e.title.to_lowercase().contains(&q) || e.id.to_lowercase().contains(&q)
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

/// What the pipeline lays out: the partnership's name and councils, every proposal's line, and
/// the next step of (at least) those on the page shown.
pub struct Source {
    pub frame: Frame,
    pub names: BTreeMap<String, String>,
    pub lines: Arc<Vec<ListItem>>,
    pub steps: BTreeMap<String, NextStep>,
}

impl Source {
    /// The pipeline of `lines` under `partnership` (next steps to be added for the page shown).
    pub fn new(
        frame: Frame,
        partnership: &PartnershipHistory,
        lines: Arc<Vec<ListItem>>,
    ) -> Source {
        Source {
            frame,
            names: council_names(partnership),
            lines,
            steps: BTreeMap::new(),
        }
    }

    /// The pipeline of an overview (a replayed view): every proposal's line and next step.
    pub fn of(ov: &Overview) -> Source {
        let lines = ov.proposals.iter().map(|e| line_of(&e.view)).collect();
        let mut source = Source::new(Frame::of(ov), &ov.partnership, Arc::new(lines));
        source.steps = ov
            .proposals
            .iter()
            .map(|e| (e.view.id.clone(), e.next_step.clone()))
            .collect();
        source
    }
}

/// The list line of a proposal's view.
fn line_of(v: &workflows::proposal::ProposalView) -> ListItem {
    ListItem {
        id: v.id.clone(),
        title: v.title.clone(),
        stage: v.stage.clone(),
        lead: v.lead.clone(),
        councils: v.councils.clone(),
        version: v.version,
        service: v.service.clone(),
        category: v.category,
    }
}

/// The stages in lifecycle order, then any stage of a later workflow version by name.
fn stage_order(lines: &[ListItem]) -> Vec<Stage> {
    let mut stages: Vec<Stage> = Stage::CONTRACT.to_vec();
    let mut later: Vec<Stage> = lines
        .iter()
        .map(|e| e.stage.clone())
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

/// The proposals `filters` admit in the pipeline's order, the page of them asked for, and how
/// many pages there are.
fn paged<'a>(lines: &'a [ListItem], filters: &Filters) -> (Vec<&'a ListItem>, usize, usize) {
    let stages = stage_order(lines);
    let rank = |s: &Stage| stages.iter().position(|x| x == s).unwrap_or(usize::MAX);
    let mut shown: Vec<&ListItem> = lines.iter().filter(|e| filters.admits(e)).collect();
    shown.sort_by(|a, b| (rank(&a.stage), &a.id).cmp(&(rank(&b.stage), &b.id)));
    let pages = shown.len().div_ceil(PAGE_SIZE).max(1);
    let page = filters.page.clamp(1, pages);
    (shown, page, pages)
}

/// The ids of the proposals on the page `filters` ask for (whose next steps the page draws).
pub fn on_page(lines: &[ListItem], filters: &Filters) -> Vec<String> {
    let (shown, page, _) = paged(lines, filters);
    shown
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|e| e.id.clone())
        .collect()
}

/// The pipeline page; `can_act`: the visitor may make changes (next steps link to their forms).
pub fn page(nav: &Nav, src: &Source, filters: &Filters, can_act: bool) -> Markup {
    let stages = stage_order(&src.lines);
    let (shown, page, pages) = paged(&src.lines, filters);
    let here: Vec<&ListItem> = shown
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .copied()
        .collect();
    let body = html! {
        h1 { "Pipeline" }
        @if can_act { p { a #new-proposal href="/new-proposal" { "Propose a shared service" } } }
        (filter_form(nav, src, filters, &stages))
        (stage_counts(nav, src, filters, &stages))
        p role="status" {
            @if shown.is_empty() { "No proposal matches." }
            @else { "Showing " (here.len()) " of " (shown.len()) " proposals"
                @if pages > 1 { ", page " (page) " of " (pages) } "." }
        }
        @if src.lines.is_empty() { p { "No proposal existed then." } }
        @for stage in &stages {
            @let rows: Vec<&ListItem> = here.iter().filter(|e| &e.stage == stage).copied().collect();
            @if !rows.is_empty() {
                section id=(stage.as_str()) { (stage_table(nav, src, stage, &rows, can_act)) }
            }
        }
        (pager(nav, filters, page, pages))
    };
    layout_in(nav, &src.frame, "/", "Pipeline", body)
}

fn filter_form(nav: &Nav, src: &Source, filters: &Filters, stages: &[Stage]) -> Markup {
    let names = &src.names;
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
                    @for (id, name) in names { option value=(id) selected[is(&filters.council, id)] { (name) } }
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
fn stage_counts(nav: &Nav, src: &Source, filters: &Filters, stages: &[Stage]) -> Markup {
    let others = Filters {
        stage: None,
        page: 1,
        ..filters.clone()
    };
    let counts: Vec<(&Stage, usize, String)> = stages
        .iter()
        .map(|s| {
            let n = src
                .lines
                .iter()
                .filter(|e| &e.stage == s && others.admits(e))
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

fn stage_table(
    nav: &Nav,
    src: &Source,
    stage: &Stage,
    rows: &[&ListItem],
    can_act: bool,
) -> Markup {
    let names = &src.names;
    let table = html! {
        table.pipeline.reflow {
            caption.shown { h2 style="margin:0" { (stage_badge(stage)) " " (rows.len()) (if rows.len() == 1 { " proposal" } else { " proposals" }) } }
            thead { tr {
                th scope="col" { "Proposal" } th scope="col" { "Lead council" } th scope="col" { "Councils" }
                th scope="col" { "Category" } th scope="col" { "Next step" }
            } }
            tbody {
                @for v in rows {
                    tr data-id=(v.id) {
                        th scope="row" { a href=(nav.href(&format!("/proposals/{}", super::encode(&v.id)), &[])) { (v.title) }
                             br; span.muted { "Reference " (v.id) } }
                        td data-label="Lead council" { (name_of(names, &v.lead)) }
                        td data-label="Councils" { @for (i, c) in v.councils.iter().enumerate() {
                            @if i > 0 { ", " } (name_of(names, c)) } }
                        td data-label="Category" { (category_words(v.category)) }
                        td data-label="Next step" { @if let Some(step) = src.steps.get(&v.id) { (next_step(&v.id, step, can_act)) } }
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
