//! The forms: every everyday changing command as a page with a form, posted back with the CSRF
//! token of the session and the proposal version it was read at, and run through the same
//! operation the command line runs (see `adapter`). A refusal comes back as the same form, the
//! values kept, with every reason at the top.

mod handlers;
pub mod milestones;
mod render;
mod specs;

pub use handlers::{new_proposal, new_proposal_form, show, submit};
pub use render::actions_panel;

use engine::Failure;
use workflows::definition::Stage;
use workflows::ops::board::VoteArgs;
use workflows::partnership::Partnership;
use workflows::permissions::{allows, Act};
use workflows::proposal::ProposalView;

/// Every change a form can make on a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Advance,
    BusinessCase,
    Hold,
    Resume,
    Withdraw,
    NotPursue,
    Close,
    DeclareInterest,
    OpenConsultation,
    ConsultationResponse,
    CloseConsultation,
    BoardVote,
    CouncilDecision,
    CallIn,
    CallInResolved,
    DefineKpi,
    KpiValue,
    Saving,
    Review,
    AddMilestone,
    AmendMilestone,
    CompleteMilestone,
}

/// Each action: its address, its title, and the group it is listed under.
pub const ACTIONS: [(Action, &str, &str, &str); 22] = [
    (Action::Advance, "advance", "Move to another stage", "Stage"),
    (Action::Hold, "hold", "Put on hold", "Stage"),
    (Action::Resume, "resume", "Resume", "Stage"),
    (Action::Withdraw, "withdraw", "Withdraw", "Stage"),
    (Action::NotPursue, "not-pursue", "Do not pursue", "Stage"),
    (Action::Close, "close", "Close", "Stage"),
    (
        Action::BusinessCase,
        "business-case",
        "Record the business case",
        "Business case",
    ),
    (
        Action::DeclareInterest,
        "declare-interest",
        "Declare an interest",
        "Business case",
    ),
    (
        Action::OpenConsultation,
        "open-consultation",
        "Open the consultation",
        "Consultation",
    ),
    (
        Action::ConsultationResponse,
        "consultation-response",
        "Record a response",
        "Consultation",
    ),
    (
        Action::CloseConsultation,
        "close-consultation",
        "Close the consultation",
        "Consultation",
    ),
    (
        Action::BoardVote,
        "board-vote",
        "Record a Board vote",
        "Decisions",
    ),
    (
        Action::CouncilDecision,
        "council-decision",
        "Record a council's decision",
        "Decisions",
    ),
    (
        Action::CallIn,
        "call-in",
        "Record a call-in by scrutiny",
        "Decisions",
    ),
    (
        Action::CallInResolved,
        "call-in-resolved",
        "Record how a call-in was resolved",
        "Decisions",
    ),
    (
        Action::DefineKpi,
        "kpi",
        "Define a performance indicator",
        "Monitoring",
    ),
    (
        Action::KpiValue,
        "kpi-value",
        "Record an indicator's value",
        "Monitoring",
    ),
    (Action::Saving, "saving", "Record a saving", "Monitoring"),
    (Action::Review, "review", "Record a review", "Monitoring"),
    (
        Action::AddMilestone,
        "milestone",
        "Add a milestone",
        "Milestones",
    ),
    (
        Action::AmendMilestone,
        "milestone-amend",
        "Move a milestone's date",
        "Milestones",
    ),
    (
        Action::CompleteMilestone,
        "milestone-complete",
        "Complete a milestone",
        "Milestones",
    ),
];

impl Action {
    /// The action at address `slug`.
    pub fn from_slug(slug: &str) -> Option<Action> {
        ACTIONS.iter().find(|a| a.1 == slug).map(|a| a.0)
    }

    fn entry(self) -> &'static (Action, &'static str, &'static str, &'static str) {
        ACTIONS
            .iter()
            .find(|a| a.0 == self)
            .expect("every action is listed")
    }

    /// Its address under `/proposals/ID/do/`.
    pub fn slug(self) -> &'static str {
        self.entry().1
    }

    /// Its title.
    pub fn title(self) -> &'static str {
        self.entry().2
    }

    /// Whether the proposal page lists it always (a call-in's forms are offered only while a
    /// council's approval can be called in or is called in).
    pub fn always_listed(self) -> bool {
        !matches!(self, Action::CallIn | Action::CallInResolved)
    }
}

/// The councils of `view` whose call-in is at `status` (`open`: an approval inside its call-in
/// window; `called-in`: awaiting scrutiny's resolution) and whose call-ins `actor` may record,
/// while the proposal is at council approval.
pub fn call_ins_at(
    view: &ProposalView,
    partnership: &Partnership,
    actor: &str,
    status: &str,
) -> Vec<String> {
    let Some(actor) = partnership.actor(actor) else {
        return Vec::new();
    };
    if view.stage != Stage::CouncilApproval {
        return Vec::new();
    }
    view.call_in
        .iter()
        .filter(|(council, c)| {
            c.status == status && allows(actor, &Act::RecordCallIn(council.to_string()))
        })
        .map(|(council, _)| council.clone())
        .collect()
}

/// The call-in forms the proposal page offers `actor` on `view`.
pub fn offered(view: &ProposalView, partnership: &Partnership, actor: &str) -> Vec<Action> {
    let mut out = Vec::new();
    if !call_ins_at(view, partnership, actor, "open").is_empty() {
        out.push(Action::CallIn);
    }
    if !call_ins_at(view, partnership, actor, "called-in").is_empty() {
        out.push(Action::CallInResolved);
    }
    out
}

/// One field of a form.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub label: String,
    pub hint: Option<String>,
    pub input: Input,
    pub optional: bool,
}

/// How a field is filled in.
#[derive(Debug, Clone)]
pub enum Input {
    Text,
    Long,
    Date,
    /// One of these (value, label), as a list.
    Choice(Vec<(String, String)>),
    /// One of these, as radio buttons.
    Radios(Vec<(String, String)>),
    /// Any of these, as checkboxes.
    Checks(Vec<(String, String)>),
}

impl Field {
    /// A required field.
    pub fn new(name: &str, label: &str, input: Input) -> Field {
        Field {
            name: name.to_string(),
            label: label.to_string(),
            hint: None,
            input,
            optional: false,
        }
    }

    /// With a hint under the label.
    pub fn hint(mut self, hint: &str) -> Field {
        self.hint = Some(hint.to_string());
        self
    }

    /// Not required.
    pub fn optional(mut self) -> Field {
        self.optional = true;
        self
    }
}

/// The values a form was posted with, in order.
#[derive(Debug, Clone, Default)]
pub struct Values(pub Vec<(String, String)>);

impl Values {
    /// The first value of `name`, trimmed ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// Every value of `name` (repeated fields, and commas within one), blanks dropped.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The non-blank lines of `name`.
    pub fn lines(&self, name: &str) -> Vec<String> {
        self.get(name)
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// `COUNCIL=PERCENT` for each filled `PREFIX.COUNCIL` field.
    pub fn shares(&self, prefix: &str) -> Vec<String> {
        let key = format!("{prefix}.");
        self.0
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(&key)?, v.trim())))
            .filter(|(_, v)| !v.is_empty())
            .map(|(council, v)| format!("{council}={}", v.trim_end_matches('%')))
            .collect()
    }

    /// The members present at a Board meeting, by how each voted (`vote.MEMBER` fields).
    pub fn board_vote(&self) -> Result<VoteArgs, Failure> {
        let mut args = VoteArgs {
            meeting: engine::time::parse_date(self.get("meeting"))?,
            support: Vec::new(),
            oppose: Vec::new(),
            abstain: Vec::new(),
        };
        for (k, v) in &self.0 {
            let Some(member) = k.strip_prefix("vote.") else {
                continue;
            };
            match v.as_str() {
                "support" => args.support.push(member.parse()?),
                "oppose" => args.oppose.push(member.parse()?),
                "abstain" => args.abstain.push(member.parse()?),
                _ => {}
            }
        }
        Ok(args)
    }
}

/// The refusal of a form posted without the session's token.
pub fn csrf_failure() -> Failure {
    Failure::not_permitted("the form could not be checked as yours, so nothing was changed")
        .with_detail("open the page again from this site and send the form from there")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> Values {
        Values(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn values_read_as_the_command_line_writes_them() {
        let v = values(&[
            ("with", "staff, unison"),
            ("with", "gmb"),
            ("share.bromsgrove", "60%"),
            ("share.redditch", " 40 "),
            ("cost_share.redditch", ""),
            ("risks", "one\n\n two \n"),
            ("meeting", "2008-12-01"),
            ("vote.a", "support"),
            ("vote.b", "absent"),
            ("vote.c", "oppose"),
        ]);
        assert_eq!(v.all("with"), vec!["staff", "unison", "gmb"]);
        assert_eq!(v.shares("share"), vec!["bromsgrove=60", "redditch=40"]);
        assert!(v.shares("cost_share").is_empty());
        assert_eq!(v.lines("risks"), vec!["one", "two"]);
        let vote = v.board_vote().unwrap();
        let names =
            |n: Vec<workflows::ops::input::Name>| n.into_iter().map(|n| n.0).collect::<Vec<_>>();
        assert_eq!(
            (names(vote.support), names(vote.oppose), vote.abstain.len()),
            (vec!["a".to_string()], vec!["c".to_string()], 0)
        );
        assert_eq!(v.get("missing"), "");
    }

    #[test]
    fn every_action_has_its_own_address() {
        for (action, slug, _, _) in ACTIONS {
            assert_eq!(Action::from_slug(slug), Some(action));
            assert_eq!(action.slug(), slug);
        }
        assert_eq!(Action::from_slug("nothing"), None);
    }
}
