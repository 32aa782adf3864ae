//! The one place the web's forms call the library's operations: each form's fields turned into
//! the arguments the command line would give, so a form records exactly what the command records,
//! through the same guards. (When the operations take typed inputs, only this file changes.)

use super::forms::{Action, Values};
use crate::commands::common::{CategoryArg, DecisionArg, OutcomeArg, ReviewKindArg, StageArg};
use clap::ValueEnum;
use engine::Failure;
use workflows::ops::change::Change;
use workflows::ops::proposal::{BusinessCaseArgs, Lifecycle, NewArgs};
use workflows::ops::{self, Session};

/// One of a fixed set of values (a stage, a decision…), named by `label` when it is not one.
fn choice<T: ValueEnum>(v: &Values, name: &str, label: &str) -> Result<T, Failure> {
    let text = v.get(name);
    T::from_str(text, false).map_err(|_| {
        if text.is_empty() {
            Failure::usage(format!("Choose {label}"))
        } else {
            Failure::usage(format!("{text:?} is not one of the choices for {label}"))
        }
    })
}

/// An optional field: None when left blank.
fn optional<'a>(v: &'a Values, name: &str) -> Option<&'a str> {
    Some(v.get(name)).filter(|t| !t.is_empty())
}

/// Runs `action` on proposal `id` with the form's values, as the signed-in actor of `session`.
pub async fn run(
    session: &mut Session,
    action: Action,
    id: &str,
    v: &Values,
    c: &Change,
) -> Result<(), Failure> {
    use Action::*;
    let s = session;
    match action {
        Advance => {
            let to: StageArg = choice(v, "to", "the stage to move to")?;
            ops::proposal::advance(s, id, to.stage(), optional(v, "reason"), c).await?;
        }
        BusinessCase => {
            let args = BusinessCaseArgs {
                one_off_cost: v.get("one_off_cost").to_string(),
                annual_saving: v.get("annual_saving").to_string(),
                shares: v.shares("share"),
                cost_shares: v.shares("cost_share"),
                risks: v.lines("risks"),
            };
            ops::proposal::business_case(s, id, args, c).await?;
        }
        Hold | Resume | Withdraw | NotPursue | Close | DeclareInterest => {
            let which = lifecycle(action);
            ops::proposal::lifecycle(s, id, which, v.get("reason"), c).await?;
        }
        OpenConsultation => {
            ops::consultation::open(s, id, &v.all("with"), c).await?;
        }
        ConsultationResponse => {
            ops::consultation::respond(s, id, v.get("party"), v.get("summary"), c).await?;
        }
        CloseConsultation => {
            ops::consultation::close(s, id, c).await?;
        }
        BoardVote => {
            ops::board::vote(s, id, v.board_vote(), c).await?;
        }
        CouncilDecision => {
            let decision: DecisionArg = choice(v, "decision", "the decision")?;
            let urgent = v.get("urgent") == "yes";
            let (council, minute) = (v.get("council"), optional(v, "minute"));
            ops::council::decide_with_urgency(
                s,
                id,
                council,
                decision.decision(),
                minute,
                urgent,
                c,
            )
            .await?;
        }
        DefineKpi => {
            let (name, target) = (v.get("name"), v.get("target"));
            ops::monitor::kpi(s, id, name, target, optional(v, "unit"), c).await?;
        }
        KpiValue => {
            let (name, quarter, value) = (v.get("name"), v.get("quarter"), v.get("value"));
            ops::monitor::record(s, id, name, quarter, value, c).await?;
        }
        Saving => {
            ops::monitor::saving(s, id, v.get("quarter"), v.get("amount"), c).await?;
        }
        Review => {
            let kind: ReviewKindArg = choice(v, "kind", "the kind of review")?;
            let outcome: OutcomeArg = choice(v, "outcome", "the outcome")?;
            let (council, summary) = (v.get("council"), optional(v, "summary"));
            ops::review::record(s, id, kind.kind(), council, outcome.outcome(), summary, c).await?;
        }
        AddMilestone => {
            let (mid, title, due) = (v.get("milestone"), v.get("title"), v.get("due"));
            ops::milestone::add(s, mid, title, due, Some(id), c).await?;
        }
        AmendMilestone => {
            let (mid, due, reason) = (v.get("milestone"), v.get("due"), v.get("reason"));
            ops::milestone::amend(s, mid, due, reason, c).await?;
        }
        CompleteMilestone => {
            ops::milestone::complete(s, v.get("milestone"), c).await?;
        }
    }
    Ok(())
}

fn lifecycle(action: Action) -> Lifecycle {
    match action {
        Action::Hold => Lifecycle::Hold,
        Action::Resume => Lifecycle::Resume,
        Action::Withdraw => Lifecycle::Withdraw,
        Action::NotPursue => Lifecycle::NotPursue,
        Action::Close => Lifecycle::Close,
        _ => Lifecycle::DeclareInterest,
    }
}

/// `proposal new` from the new-proposal form; returns the new proposal's id.
pub async fn new_proposal(session: &mut Session, v: &Values) -> Result<String, Failure> {
    let category: Option<CategoryArg> = optional(v, "category")
        .map(|_| choice(v, "category", "the category"))
        .transpose()?;
    let councils = v.all("councils");
    let args = NewArgs {
        title: v.get("title").to_string(),
        service: v.get("service").to_string(),
        lead: v.get("lead").to_string(),
        councils: (!councils.is_empty()).then_some(councils),
        category: category.map(CategoryArg::category),
        id: optional(v, "id").map(str::to_string),
        on: optional(v, "on").map(str::to_string),
    };
    Ok(ops::proposal::new(session, args).await?.id)
}
