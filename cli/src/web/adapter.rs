//! The one place the web's forms call the library's operations: each form's fields parsed by the
//! same types the command line's values are (`workflows::ops::input`, `Stage`, `Quarter`, dates),
//! so a form records exactly what the command records, through the same guards.

use super::forms::{Action, Values};
use crate::commands::common::{CategoryArg, DecisionArg, OutcomeArg, ReviewKindArg};
use crate::commands::council::OutcomeArg as CallInOutcomeArg;
use clap::ValueEnum;
use engine::Failure;
use jiff::civil::Date;
use std::str::FromStr;
use workflows::ops::change::Change;
use workflows::ops::input::{Id, Line, Name, Text};
use workflows::ops::monitor::SavingNote;
use workflows::ops::proposal::{BusinessCaseArgs, Lifecycle, NewArgs};
use workflows::ops::{self, Session};

/// One of a fixed set of values (a decision, a kind…), named by `label` when it is not one.
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

/// Field `name` parsed as the command line parses it; a failure names the field by `label`.
fn field<T: FromStr<Err = Failure>>(v: &Values, name: &str, label: &str) -> Result<T, Failure> {
    parse(v.get(name), label)
}

fn parse<T: FromStr<Err = Failure>>(text: &str, label: &str) -> Result<T, Failure> {
    text.parse().map_err(|mut f: Failure| {
        f.message = format!("{label}: {}", f.message);
        f
    })
}

/// An optional field: None when left blank.
fn optional<T: FromStr<Err = Failure>>(
    v: &Values,
    name: &str,
    label: &str,
) -> Result<Option<T>, Failure> {
    Some(v.get(name))
        .filter(|t| !t.is_empty())
        .map(|t| parse(t, label))
        .transpose()
}

/// Each of `texts` parsed.
fn each<T: FromStr<Err = Failure>>(texts: Vec<String>, label: &str) -> Result<Vec<T>, Failure> {
    texts.iter().map(|t| parse(t, label)).collect()
}

/// A date field.
fn date(v: &Values, name: &str, label: &str) -> Result<Date, Failure> {
    engine::time::parse_date(v.get(name)).map_err(|mut f| {
        f.message = format!("{label}: {}", f.message);
        f
    })
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
            let to = field(v, "to", "the stage to move to")?;
            let reason = optional(v, "reason", "the reason")?;
            ops::proposal::advance(s, id, to, reason, c).await?;
        }
        BusinessCase => {
            let args = BusinessCaseArgs {
                one_off_cost: field(v, "one_off_cost", "the one-off cost")?,
                annual_saving: field(v, "annual_saving", "the annual saving")?,
                shares: each(v.shares("share"), "a share")?,
                cost_shares: each(v.shares("cost_share"), "a cost share")?,
                risks: each(v.lines("risks"), "a risk")?,
            };
            ops::proposal::business_case(s, id, args, c).await?;
        }
        Hold | Resume | Withdraw | NotPursue | Close | DeclareInterest => {
            let which = lifecycle(action);
            let reason = field(v, "reason", "the reason")?;
            ops::proposal::lifecycle(s, id, which, reason, c).await?;
        }
        OpenConsultation => {
            let with = each(v.all("with"), "a party")?;
            ops::consultation::open(s, id, with, c).await?;
        }
        ConsultationResponse => {
            let party = field(v, "party", "the party")?;
            let summary = field(v, "summary", "the summary")?;
            ops::consultation::respond(s, id, party, summary, c).await?;
        }
        CloseConsultation => {
            ops::consultation::close(s, id, c).await?;
        }
        BoardVote => {
            ops::board::vote(s, id, v.board_vote()?, c).await?;
        }
        CouncilDecision => {
            let decision: DecisionArg = choice(v, "decision", "the decision")?;
            let urgent = v.get("urgent") == "yes";
            let council: Name = field(v, "council", "the council")?;
            let minute: Option<Line> = optional(v, "minute", "the minute")?;
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
            let name = field(v, "name", "the indicator's name")?;
            let target = field(v, "target", "the target")?;
            let input = ops::monitor::KpiInput {
                name,
                target,
                unit: optional(v, "unit", "the unit")?,
                baseline: optional(v, "baseline", "the baseline")?,
                direction: optional(v, "direction", "which way is better")?,
            };
            ops::monitor::define_kpi(s, id, input, c).await?;
        }
        KpiValue => {
            let name = field(v, "name", "the indicator's name")?;
            let quarter = field(v, "quarter", "the quarter")?;
            let value = field(v, "value", "the value")?;
            ops::monitor::record(s, id, name, quarter, value, c).await?;
        }
        Saving => {
            let quarter = field(v, "quarter", "the quarter")?;
            let amount = field(v, "amount", "the amount")?;
            let note = SavingNote {
                correct: v.all("replaces_figure").iter().any(|c| c == "yes"),
                reason: optional(v, "reason", "the reason")?,
            };
            ops::monitor::saving_with(s, id, quarter, amount, note, c).await?;
        }
        CallIn => {
            let council = field(v, "council", "the council")?;
            let reason = field(v, "reason", "the reason")?;
            ops::council::call_in(s, id, council, reason, c).await?;
        }
        CallInResolved => {
            let outcome: CallInOutcomeArg = choice(v, "outcome", "what scrutiny decided")?;
            let council = field(v, "council", "the council")?;
            ops::council::resolve(s, id, council, outcome.outcome(), c).await?;
        }
        Review => {
            let kind: ReviewKindArg = choice(v, "kind", "the kind of review")?;
            let outcome: OutcomeArg = choice(v, "outcome", "the outcome")?;
            let council = field(v, "council", "the council")?;
            let summary = optional(v, "summary", "the summary")?;
            ops::review::record(s, id, kind.kind(), council, outcome.outcome(), summary, c).await?;
        }
        AddMilestone => {
            let mid: Id = field(v, "milestone", "the milestone's id")?;
            let title = field(v, "title", "the title")?;
            let due = date(v, "due", "the due date")?;
            ops::milestone::add(s, &mid, title, due, Some(id), c).await?;
        }
        AmendMilestone => {
            let (mid, due) = (v.get("milestone"), date(v, "due", "the due date")?);
            let reason: Text = field(v, "reason", "the reason")?;
            ops::milestone::amend(s, mid, due, reason, c).await?;
        }
        CompleteMilestone => {
            ops::milestone::complete(s, v.get("milestone"), c).await?;
        }
    }
    Ok(())
}

/// A programme milestone's form: `add` (with `milestone` None), `amend` or `complete` the
/// milestone `milestone`, as the signed-in actor of `session`.
pub async fn programme_milestone(
    session: &mut Session,
    action: Action,
    milestone: Option<&str>,
    v: &Values,
    c: &Change,
) -> Result<(), Failure> {
    let s = session;
    match (action, milestone) {
        (Action::AmendMilestone, Some(mid)) => {
            let due = date(v, "due", "the new due date")?;
            let reason: Text = field(v, "reason", "the reason")?;
            ops::milestone::amend(s, mid, due, reason, c).await?;
        }
        (Action::CompleteMilestone, Some(mid)) => {
            ops::milestone::complete(s, mid, c).await?;
        }
        _ => {
            let title = field(v, "title", "the title")?;
            let mid: Id = field(v, "milestone", "the short name")?;
            let due = date(v, "due", "the due date")?;
            ops::milestone::add(s, &mid, title, due, None, c).await?;
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
    let category: Option<CategoryArg> = Some(v.get("category"))
        .filter(|t| !t.is_empty())
        .map(|_| choice(v, "category", "the category"))
        .transpose()?;
    let councils: Vec<Name> = each(v.all("councils"), "a council")?;
    let on = Some(v.get("on"))
        .filter(|d| !d.is_empty())
        .map(engine::time::parse_date)
        .transpose()?;
    let args = NewArgs {
        title: field(v, "title", "the title")?,
        service: field(v, "service", "the service")?,
        lead: v.get("lead").to_string(),
        councils: (!councils.is_empty()).then_some(councils),
        category: category.map(CategoryArg::category),
        id: optional(v, "id", "the id")?,
        on,
    };
    Ok(ops::proposal::new(session, args).await?.id)
}
