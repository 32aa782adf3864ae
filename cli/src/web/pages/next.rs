//! A proposal's next step in words, as links to the forms that take it: the move the workflow
//! allows next, and beside each unmet condition the form that would meet it.

use crate::web::forms::Action;
use crate::web::http::encode;
use maud::{html, Markup};
use workflows::definition::MoveKind;
use workflows::ops::overview::NextStep;
use workflows::remedy::Remedy;
use workflows::words;

/// The form that carries out `remedy` on a proposal, if one does.
pub fn remedy_form(remedy: &Remedy) -> Option<Action> {
    Some(match remedy {
        Remedy::RecordBusinessCase { .. } | Remedy::GiveShares { .. } => Action::BusinessCase,
        Remedy::OpenConsultation { .. } | Remedy::ConsultStaff => Action::OpenConsultation,
        Remedy::CloseConsultation { .. } => Action::CloseConsultation,
        Remedy::RecordBoardVote { .. } => Action::BoardVote,
        Remedy::CouncilApproves { .. } => Action::CouncilDecision,
        Remedy::ConfirmCallIn { .. } => Action::CallInResolved,
        Remedy::CorrectSaving { .. } => Action::Saving,
        Remedy::Resume { .. } => Action::Resume,
        Remedy::MoveBack { .. } => Action::Advance,
        Remedy::DefineKpi { .. } => Action::DefineKpi,
        _ => return None,
    })
}

fn form_href(id: &str, action: Action) -> String {
    format!("/proposals/{}/do/{}", encode(id), action.slug())
}

/// The step's move in a sentence ("Move to Consultation").
fn headline(step: &NextStep) -> (String, Option<Action>) {
    match (step.kind, &step.to) {
        (Some(MoveKind::Advance), Some(to)) => (
            format!("Move to {}", words::stage(to)),
            Some(Action::Advance),
        ),
        (Some(MoveKind::Resume), to) => (
            match to {
                Some(s) => format!("Resume (back to {})", words::stage_lower(s)),
                None => "Resume".to_string(),
            },
            Some(Action::Resume),
        ),
        (Some(MoveKind::Close), _) => (
            "Record savings, indicators and reviews until it closes".to_string(),
            Some(Action::Saving),
        ),
        _ => ("Nothing more: this proposal is finished".to_string(), None),
    }
}

/// The next step of proposal `id`; with `can_act`, each part links to its form.
pub fn next_step(id: &str, step: &NextStep, can_act: bool) -> Markup {
    let (text, action) = headline(step);
    let pairs: Vec<(&String, Option<Action>)> = step
        .unmet
        .iter()
        .enumerate()
        .map(|(i, u)| {
            (
                u,
                step.remedies
                    .get(i)
                    .cloned()
                    .flatten()
                    .as_ref()
                    .and_then(remedy_form),
            )
        })
        .collect();
    html! {
        @match action.filter(|_| can_act && step.unmet.is_empty()) {
            Some(a) => a href=(form_href(id, a)) { (text) },
            None => span { (text) },
        }
        @if !pairs.is_empty() {
            span.muted { " — first:" }
            ul.unmet {
                @for (condition, form) in pairs {
                    li { (words::capitalised(condition))
                        @if let Some(f) = form.filter(|_| can_act) {
                            " — " a href=(form_href(id, f)) { (f.title()) }
                        }
                    }
                }
            }
        }
    }
}
