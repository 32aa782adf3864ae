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
    /// The signed-in actor (whose call-ins the call-in forms offer).
    pub actor: &'a str,
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

    /// The councils whose call-in is at `status` and the actor may record, as (id, name); every
    /// council of the proposal when none is (the rules then say why).
    fn call_in_councils(&self, status: &str) -> Vec<(String, String)> {
        let ids = super::call_ins_at(self.view, self.partnership, self.actor, status);
        let all = self.councils();
        let some: Vec<_> = all
            .iter()
            .filter(|(id, _)| ids.contains(id))
            .cloned()
            .collect();
        if some.is_empty() {
            all
        } else {
            some
        }
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

/// A stage id in words (`council-approval` → "Council approval"): workflows' one name for it.
pub fn stage_words(stage: &str) -> String {
    workflows::words::stage(&Stage::named(stage))
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
    match action {
        Advance | Hold | Resume | Withdraw | NotPursue | Close | DeclareInterest => stage(action),
        BusinessCase => business_case(ctx),
        OpenConsultation | ConsultationResponse | CloseConsultation => consultation(action),
        BoardVote => board_vote(ctx),
        CouncilDecision | Review => decisions(action, ctx),
        CallIn | CallInResolved => call_in(action, ctx),
        DefineKpi | KpiValue | Saving => monitoring(action),
        AddMilestone | AmendMilestone | CompleteMilestone => milestones(action, ctx),
    }
}

fn stage(action: Action) -> Vec<Field> {
    let stages = Stage::CONTRACT
        .iter()
        .map(|s| (s.as_str().to_string(), stage_words(s.as_str())))
        .collect();
    match action {
        Action::Advance => vec![
            Field::new("to", "Move the proposal to", Input::Choice(stages)),
            reason("Reason (optional)").optional(),
        ],
        Action::Hold => vec![reason("Why it is put on hold")],
        Action::Resume => vec![reason("Why it resumes")],
        Action::Withdraw => vec![reason("Why it is withdrawn")],
        Action::NotPursue => vec![reason("Why it is not pursued")],
        Action::Close => vec![reason("Why it is closed")],
        _ => vec![reason("Your interest")
            .hint("You will take no further part in decisions on this proposal")],
    }
}

fn business_case(ctx: &Ctx) -> Vec<Field> {
    let mut f = vec![
        Field::new("one_off_cost", "One-off cost in pounds", Input::Text)
            .hint("For example, 15000.00"),
        Field::new("annual_saving", "Annual saving in pounds", Input::Text)
            .hint("For example, 40000.00"),
    ];
    for (id, name) in ctx.councils() {
        let share = format!("{name}: share of the savings, per cent");
        f.push(
            Field::new(&format!("share.{id}"), &share, Input::Text)
                .hint("Leave every share blank to split the savings equally")
                .optional(),
        );
        let cost = format!("{name}: share of the cost, per cent");
        f.push(
            Field::new(&format!("cost_share.{id}"), &cost, Input::Text)
                .hint("Leave blank to share the cost as the savings")
                .optional(),
        );
    }
    f.push(
        Field::new("risks", "Risks (optional)", Input::Long)
            .hint("One risk a line")
            .optional(),
    );
    f
}

fn consultation(action: Action) -> Vec<Field> {
    match action {
        Action::OpenConsultation => vec![Field::new("with", "Who is consulted", Input::Text)
            .hint("Affected staff and at least one union, separated by commas: for example, staff, unison")],
        Action::ConsultationResponse => vec![
            Field::new("party", "Who responded", Input::Text).hint("For example, unison"),
            Field::new("summary", "Summary of the response", Input::Long),
        ],
        _ => vec![],
    }
}

fn board_vote(ctx: &Ctx) -> Vec<Field> {
    let how = [
        ("absent", "Absent"),
        ("support", "Support"),
        ("oppose", "Oppose"),
        ("abstain", "Abstain"),
    ];
    let mut f = vec![Field::new(
        "meeting",
        "Date of the Board meeting",
        Input::Date,
    )];
    for (member, council) in ctx.board_members() {
        let choices = how
            .iter()
            .map(|(v, l)| (v.to_string(), l.to_string()))
            .collect();
        let label = format!("{member} ({council})");
        f.push(Field::new(&format!("vote.{member}"), &label, Input::Radios(choices)).optional());
    }
    f
}

fn decisions(action: Action, ctx: &Ctx) -> Vec<Field> {
    let councils = Input::Choice(ctx.councils());
    if action == Action::Review {
        return vec![
            Field::new(
                "kind",
                "Kind of review",
                options(&[
                    ("six-month", "Six-month"),
                    ("twelve-month", "Twelve-month"),
                    ("annual", "Annual"),
                ]),
            ),
            Field::new("council", "Council", councils),
            Field::new(
                "outcome",
                "Outcome",
                options(&[
                    ("continue", "Continue"),
                    ("amend", "Amend"),
                    ("terminate", "Terminate"),
                ]),
            ),
            Field::new("summary", "Summary (optional)", Input::Long).optional(),
        ];
    }
    vec![
        Field::new("council", "Council", councils),
        Field::new(
            "decision",
            "Decision",
            options(&[
                ("approve", "Approve"),
                ("reject", "Reject"),
                ("defer", "Defer"),
            ]),
        ),
        Field::new("minute", "Minute reference (optional)", Input::Text).optional(),
        Field::new(
            "urgent",
            "Taken as urgent",
            options(&[("no", "No"), ("yes", "Yes: exempt from call-in")]),
        ),
    ]
}

fn call_in(action: Action, ctx: &Ctx) -> Vec<Field> {
    if action == Action::CallIn {
        return vec![
            Field::new(
                "council",
                "Council whose approval is called in",
                Input::Choice(ctx.call_in_councils("open")),
            )
            .hint("Only an approval still inside its call-in window can be called in"),
            reason("Why scrutiny called it in")
                .hint("For example, Overview and Scrutiny Board: the staffing model"),
        ];
    }
    vec![
        Field::new(
            "council",
            "Council whose call-in is resolved",
            Input::Choice(ctx.call_in_councils("called-in")),
        ),
        Field::new(
            "outcome",
            "What scrutiny decided",
            Input::Radios(vec![
                (
                    "confirmed".to_string(),
                    "The approval is confirmed: it counts from the resolution".to_string(),
                ),
                (
                    "referred-back".to_string(),
                    "The approval is referred back: the council must decide again".to_string(),
                ),
            ]),
        ),
    ]
}

fn monitoring(action: Action) -> Vec<Field> {
    let quarter = || Field::new("quarter", "Quarter", Input::Text).hint("For example, 2009-Q1");
    match action {
        Action::DefineKpi => vec![
            Field::new("name", "Name of the indicator", Input::Text),
            Field::new("target", "Target", Input::Text).hint("A number, for example 95"),
            Field::new("unit", "Unit (optional)", Input::Text)
                .hint("For example, per cent")
                .optional(),
            Field::new("baseline", "Baseline (optional)", Input::Text)
                .hint("Where it stood before the service, for example 1.45")
                .optional(),
            Field::new(
                "direction",
                "Which way is better",
                options(&[("higher", "Higher is better"), ("lower", "Lower is better")]),
            ),
        ],
        Action::KpiValue => vec![
            Field::new("name", "Name of the indicator", Input::Text),
            quarter(),
            Field::new("value", "Value", Input::Text),
        ],
        _ => vec![
            quarter(),
            Field::new("amount", "Amount saved in pounds", Input::Text).hint(
                "For example, 10000.00. A shortfall is a negative amount, for example -2000.00",
            ),
            Field::new(
                "replaces_figure",
                "Is this a correction?",
                Input::Checks(vec![(
                    "yes".to_string(),
                    "This corrects the figure already recorded for the quarter".to_string(),
                )]),
            )
            .optional(),
            reason("Reason")
                .hint(
                    "Needed for a correction or a shortfall, for example: an invoice counted twice",
                )
                .optional(),
        ],
    }
}

fn milestones(action: Action, ctx: &Ctx) -> Vec<Field> {
    match action {
        Action::AddMilestone => vec![
            Field::new("milestone", "Short name for the milestone", Input::Text)
                .hint("Lower-case letters, digits and hyphens, for example go-live"),
            Field::new("title", "Title", Input::Text),
            Field::new("due", "Due date", Input::Date),
        ],
        Action::AmendMilestone => vec![
            milestone_choice(ctx),
            Field::new("due", "New due date", Input::Date),
            reason("Why the date moves"),
        ],
        _ => vec![milestone_choice(ctx)],
    }
}

fn milestone_choice(ctx: &Ctx) -> Field {
    Field::new(
        "milestone",
        "Milestone",
        Input::Choice(
            ctx.view
                .milestones
                .iter()
                .map(|m| (m.id.clone(), m.title.clone()))
                .collect(),
        ),
    )
}
