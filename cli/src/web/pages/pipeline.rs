//! The pipeline: every proposal by stage, filterable by council and category, with its lead
//! council and the step it waits for.

use super::{council_names, layout, name_of, stage_badge, Nav};
use maud::{html, Markup};
use workflows::definition::{Category, Stage};
use workflows::ops::overview::{Entry, Overview};

/// The filters a visitor chose (empty: all).
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub council: Option<String>,
    pub category: Option<String>,
}

impl Filters {
    fn admits(&self, e: &Entry) -> bool {
        self.council
            .as_ref()
            .is_none_or(|c| e.view.councils.iter().any(|x| x == c))
            && self
                .category
                .as_ref()
                .is_none_or(|c| e.view.category.as_str() == c)
    }
}

/// The pipeline page.
pub fn page(nav: &Nav, ov: &Overview, filters: &Filters, can_propose: bool) -> Markup {
    let names = council_names(ov);
    let shown: Vec<&Entry> = ov.proposals.iter().filter(|e| filters.admits(e)).collect();
    // Lifecycle order, then stages of later workflow versions by name.
    let mut stages: Vec<Stage> = Stage::CONTRACT.to_vec();
    for e in &shown {
        if !stages.contains(&e.view.stage) {
            stages.push(e.view.stage.clone());
        }
    }
    let categories = [Category::QuickWin, Category::MediumTerm, Category::LongTerm];
    let body = html! {
        h1 { "Pipeline" }
        @if can_propose { p { a #new-proposal href="/new-proposal" { "Propose a shared service" } } }
        form.filters method="get" action="/" {
            label { "Council "
                select name="council" {
                    option value="" { "all" }
                    @for (id, name) in &names {
                        option value=(id) selected[filters.council.as_deref() == Some(id.as_str())] { (name) }
                    }
                }
            }
            label { "Category "
                select name="category" {
                    option value="" { "all" }
                    @for c in categories {
                        option value=(c.as_str()) selected[filters.category.as_deref() == Some(c.as_str())] { (c.as_str()) }
                    }
                }
            }
            @if let Some(a) = &nav.as_of {
                input type="hidden" name="as_of" value=(a);
                input type="hidden" name="basis" value=(nav.basis.as_str());
            }
            button type="submit" { "Filter" }
            span.muted { (shown.len()) " of " (ov.proposals.len()) " proposals" }
        }
        @if ov.proposals.is_empty() {
            p { "No proposal existed then." }
        }
        @for stage in &stages {
            @let here: Vec<&&Entry> = shown.iter().filter(|e| &e.view.stage == stage).collect();
            @if !here.is_empty() {
                h2 id=(stage.as_str()) { (stage_badge(stage.as_str())) " " (here.len()) }
                table.pipeline {
                    thead { tr {
                        th { "Proposal" } th { "Lead council" } th { "Councils" } th { "Category" }
                        th.n { "Version" } th { "Next step" }
                    } }
                    tbody {
                        @for e in here {
                            @let v = &e.view;
                            tr data-id=(v.id) {
                                td { a href=(nav.href(&format!("/proposals/{}", super::encode(&v.id)), &[])) { (v.title) }
                                     br; code { (v.id) } }
                                td { (name_of(&names, &v.lead)) }
                                td { @for (i, c) in v.councils.iter().enumerate() {
                                    @if i > 0 { ", " } (name_of(&names, c)) } }
                                td { (v.category.as_str()) }
                                td.n { (v.version) }
                                td {
                                    (e.next_step.action)
                                    @if !e.next_step.unmet.is_empty() {
                                        ul.unmet { @for u in &e.next_step.unmet { li { (u) } } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    layout(nav, ov, "/", "Pipeline", body)
}
