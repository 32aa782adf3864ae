//! What each form asks for: its fields, in plain words, with the choices the partnership and the
//! proposal give (its councils, their Board members, the stages).

use super::{Action, Field, Input};
use workflows::definition::Stage;
use workflows::partnership::Partnership;
use workflows::proposal::ProposalView;

/// What a form is built from: the proposal as read, and the partnership.
pub struct Ctx<'a> {
    pub view: &'a ProposalView,
    pub partnership: &'a Partnership,
}

impl Ctx<'_> {
    /// The proposal's councils as (id, name).
    fn councils(&self) -> Vec<(String, String)> {
        self.view
            .councils
            .iter()
            .map(|c| {
                let name = self
                    .partnership
                    .councils
                    .iter()
                    .find(|k| &k.id == c)
                    .map_or(c.clone(), |k| k.name.clone());
                (c.clone(), name)
            })
            .collect()
    }

    /// The Board members of the proposal's councils, with their council's name.
    pub fn board_members(&self) -> Vec<(String, String)> {
        self.partnership
            .councils
            .iter()
            .filter(|c| self.view.councils.contains(&c.id))
            .flat_map(|c| c.board.iter().map(|m| (m.clone(), c.name.clone())))
            .collect()
    }
}

/// A stage id in words: `council-approval` → "Council approval".
pub fn stage_words(stage: &str) -> String {
    let text = stage.replace('-', " ");
    let mut c = text.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn options(pairs: &[(&str, &str)]) -> Input {
    Input::Choice(
        pairs
            .iter()
            .map(|(v, l)| (v.to_string(), l.to_string()))
            .collect(),
    )
}

fn reason(label: &str) -> Field {
    Field::new("reason", label, Input::Long)
}

/// The fields of `action`'s form (the date taken and the version read are added to every one).
pub fn fields(action: Action, ctx: &Ctx) -> Vec<Field> {
    use Action::*;
    let councils = Input::Choice(ctx.councils());
    match action {
        Advance => vec![
            Field::new("to", "Move the proposal to", Input::Choice(
                Stage::CONTRACT.iter().map(|s| (s.as_str().to_string(), stage_words(s.as_str()))).collect(),
            )),
            reason("Reason (optional)").optional(),
        ],
        BusinessCase => {
            let mut f = vec![
                Field::new("one_off_cost", "One-off cost in pounds", Input::Text).hint("For example, 15000.00"),
                Field::new("annual_saving", "Annual saving in pounds", Input::Text).hint("For example, 40000.00"),
            ];
            for (id, name) in ctx.councils() {
                f.push(Field::new(&format!("share.{id}"), &format!("{name}: share of the savings, per cent"), Input::Text)
                    .hint("Leave every share blank to split the savings equally").optional());
                f.push(Field::new(&format!("cost_share.{id}"), &format!("{name}: share of the cost, per cent"), Input::Text)
                    .hint("Leave blank to share the cost as the savings").optional());
            }
            f.push(Field::new("risks", "Risks (optional)", Input::Long).hint("One risk a line").optional());
            f
        }
        Hold => vec![reason("Why it is put on hold")],
        Resume => vec![reason("Why it resumes")],
        Withdraw => vec![reason("Why it is withdrawn")],
        NotPursue => vec![reason("Why it is not pursued")],
        Close => vec![reason("Why it is closed")],
        DeclareInterest => vec![reason("Your interest")
            .hint("You will take no further part in decisions on this proposal")],
        OpenConsultation => vec![Field::new("with", "Who is consulted", Input::Text)
            .hint("Affected staff and at least one union, separated by commas: for example, staff, unison")],
        ConsultationResponse => vec![
            Field::new("party", "Who responded", Input::Text).hint("For example, unison"),
            Field::new("summary", "Summary of the response", Input::Long),
        ],
        CloseConsultation => vec![],
        BoardVote => {
            let mut f = vec![Field::new("meeting", "Date of the Board meeting", Input::Date)];
            for (member, council) in ctx.board_members() {
                f.push(Field::new(&format!("vote.{member}"), &format!("{member} ({council})"), Input::Radios(vec![
                    ("absent".into(), "Absent".into()), ("support".into(), "Support".into()),
                    ("oppose".into(), "Oppose".into()), ("abstain".into(), "Abstain".into()),
                ])).optional());
            }
            f
        }
        CouncilDecision => vec![
            Field::new("council", "Council", councils),
            Field::new("decision", "Decision", options(&[("approve", "Approve"), ("reject", "Reject"), ("defer", "Defer")])),
            Field::new("minute", "Minute reference (optional)", Input::Text).optional(),
            Field::new("urgent", "Taken as urgent", options(&[("no", "No"), ("yes", "Yes: exempt from call-in")])),
        ],
        DefineKpi => vec![
            Field::new("name", "Name of the indicator", Input::Text),
            Field::new("target", "Target", Input::Text).hint("A number, for example 95"),
            Field::new("unit", "Unit (optional)", Input::Text).hint("For example, per cent").optional(),
        ],
        KpiValue => vec![
            Field::new("name", "Name of the indicator", Input::Text),
            Field::new("quarter", "Quarter", Input::Text).hint("For example, 2009-Q1"),
            Field::new("value", "Value", Input::Text),
        ],
        Saving => vec![
            Field::new("quarter", "Quarter", Input::Text).hint("For example, 2009-Q1"),
            Field::new("amount", "Amount saved in pounds", Input::Text).hint("For example, 10000.00"),
        ],
        Review => vec![
            Field::new("kind", "Kind of review", options(&[("six-month", "Six-month"), ("twelve-month", "Twelve-month"), ("annual", "Annual")])),
            Field::new("council", "Council", councils),
            Field::new("outcome", "Outcome", options(&[("continue", "Continue"), ("amend", "Amend"), ("terminate", "Terminate")])),
            Field::new("summary", "Summary (optional)", Input::Long).optional(),
        ],
        AddMilestone => vec![
            Field::new("milestone", "Short name for the milestone", Input::Text).hint("Lower-case letters, digits and hyphens, for example go-live"),
            Field::new("title", "Title", Input::Text),
            Field::new("due", "Due date", Input::Date),
        ],
        AmendMilestone => vec![
            milestone_choice(ctx),
            Field::new("due", "New due date", Input::Date),
            reason("Why the date moves"),
        ],
        CompleteMilestone => vec![milestone_choice(ctx)],
    }
}

fn milestone_choice(ctx: &Ctx) -> Field {
    Field::new("milestone", "Milestone", Input::Choice(
        ctx.view.milestones.iter().map(|m| (m.id.clone(), m.title.clone())).collect(),
    ))
}
