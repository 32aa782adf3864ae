//! Who may do what: role × action, clerks only for their own council, and recusal after a declared
//! interest. Every refusal here is "not permitted" (exit 5).

use crate::partnership::{Actor, Partnership, Role};
use engine::Failure;

/// A change an actor asks to make, as far as permission is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    /// `proposal new`.
    CreateProposal,
    /// advance, business-case, hold, resume, withdraw, not-pursue, close.
    ShapeProposal,
    /// `proposal declare-interest`.
    DeclareInterest,
    /// `consultation open|respond|close`.
    Consult,
    /// `board vote`, as minuted.
    RecordBoardVote,
    /// `council decide` for this council.
    RecordCouncilDecision(String),
    /// `council call-in|call-in-resolved` for this council's approval.
    RecordCallIn(String),
    /// `monitor kpi|record|saving`.
    Monitor,
    /// `review record` for this council.
    RecordReview(String),
    /// `milestone add|amend|complete`.
    ManageMilestones,
    /// `partnership amend`.
    AmendPartnership,
    /// `risk add|update|close`, of a proposal with these councils (none: a programme risk).
    RecordRisk(Vec<String>),
    /// `board meeting schedule`, `board agenda add`, `board attend`, `board minutes …`.
    ManageBoardMeetings,
    /// `monitor cost`, `funding record`: money spent or received, of this council if named.
    RecordFinance(Option<String>),
}

impl Act {
    /// What the act is, in words for a refusal.
    pub fn describe(&self) -> String {
        match self {
            Act::CreateProposal => "create proposals".into(),
            Act::ShapeProposal => "change a proposal's stage or business case".into(),
            Act::DeclareInterest => "declare an interest in a proposal".into(),
            Act::Consult => "record consultations".into(),
            Act::RecordBoardVote => "record Board votes".into(),
            Act::RecordCouncilDecision(c) => format!("record {c}'s council decisions"),
            Act::RecordCallIn(c) => format!("record call-ins of {c}'s decisions"),
            Act::Monitor => "record performance indicators and savings".into(),
            Act::RecordReview(c) => format!("record {c}'s reviews"),
            Act::ManageMilestones => "manage programme milestones".into(),
            Act::AmendPartnership => "amend the partnership".into(),
            Act::RecordRisk(councils) if councils.is_empty() => "record programme risks".into(),
            Act::RecordRisk(councils) => {
                format!("record risks of {}'s proposals", councils.join(" and "))
            }
            Act::ManageBoardMeetings => "record the Board's meetings".into(),
            Act::RecordFinance(None) => "record costs and funding".into(),
            Act::RecordFinance(Some(c)) => format!("record {c}'s costs and funding"),
        }
    }
}

/// Whether one role permits `act` for an actor whose council (for clerks) is `council`.
pub fn role_allows(role: Role, council: Option<&str>, act: &Act) -> bool {
    match role {
        Role::Admin => true,
        Role::ProgrammeManager => !matches!(
            act,
            Act::RecordCouncilDecision(_)
                | Act::RecordCallIn(_)
                | Act::RecordReview(_)
                | Act::AmendPartnership
        ),
        Role::Clerk => match act {
            Act::RecordCouncilDecision(c) | Act::RecordCallIn(c) | Act::RecordReview(c) => {
                council == Some(c.as_str())
            }
            Act::DeclareInterest => true,
            // A clerk records the risks of a proposal its council takes part in (not the programme's).
            Act::RecordRisk(councils) => council.is_some_and(|c| councils.iter().any(|x| x == c)),
            _ => false,
        },
        Role::FinanceOfficer => match act {
            Act::RecordFinance(c) => c.is_none() || c.as_deref() == council,
            _ => false,
        },
        Role::Auditor | Role::Scheduler | Role::MonitoringOfficer => false,
        Role::BoardMember => matches!(act, Act::DeclareInterest),
    }
}

/// Whether `actor` may do `act` (by any of its roles).
pub fn allows(actor: &Actor, act: &Act) -> bool {
    actor
        .roles
        .iter()
        .any(|r| role_allows(*r, actor.council.as_deref(), act))
}

/// Refuses (exit 5) unless `actor` may do `act`; names who may.
pub fn check(actor: &Actor, act: &Act, partnership: &Partnership) -> Result<(), Failure> {
    if allows(actor, act) {
        return Ok(());
    }
    let roles: Vec<&str> = actor.roles.iter().map(|r| r.as_str()).collect();
    let of = actor
        .council
        .as_deref()
        .map(|c| format!(" of {c}"))
        .unwrap_or_default();
    let who: Vec<&str> = partnership
        .actors
        .iter()
        .filter(|a| allows(a, act))
        .map(|a| a.id.as_str())
        .collect();
    let rule = match act {
        Act::RecordCouncilDecision(c) | Act::RecordCallIn(c) | Act::RecordReview(c) => {
            format!("only {c}'s clerk (or an admin) may")
        }
        Act::AmendPartnership => "only an admin may".into(),
        Act::RecordRisk(councils) if !councils.is_empty() => {
            "only an admin, a programme manager or a clerk of one of the proposal's councils may"
                .into()
        }
        Act::DeclareInterest => {
            "only an admin, programme manager, clerk or board member may".into()
        }
        Act::RecordFinance(Some(c)) => {
            format!("only {c}'s finance officer, a programme manager or an admin may")
        }
        Act::RecordFinance(None) => {
            "only a finance officer, a programme manager or an admin may".into()
        }
        _ => "only an admin or a programme manager may".into(),
    };
    let hint = if who.is_empty() {
        format!("{rule}; no actor of the partnership may do it now")
    } else {
        format!("{rule}: ask {}", who.join(" or "))
    };
    Err(Failure::not_permitted(format!(
        "{} ({}{of}) may not {}",
        actor.id,
        roles.join(", "),
        act.describe()
    ))
    .with_detail(hint))
}

/// Refuses (exit 5) an actor who has declared an interest in the proposal.
pub fn check_not_recused(
    actor: &str,
    proposal: &str,
    declared: Option<(&str, &str)>,
) -> Result<(), Failure> {
    match declared {
        None => Ok(()),
        Some((on, reason)) => Err(Failure::not_permitted(format!(
            "{actor} declared an interest in {proposal} on {on} ({reason}) and may no longer change it"
        ))
        .with_detail(
            "another actor with the role must act instead (concordat §5.4: the monitoring officer designates a deputy)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, council: Option<&str>) -> Actor {
        Actor {
            id: "x".into(),
            name: None,
            roles: vec![role],
            council: council.map(str::to_string),
            os_user: None,
            db_role: None,
        }
    }

    #[test]
    fn clerks_decide_only_for_their_own_council() {
        let clerk = actor(Role::Clerk, Some("bromsgrove"));
        assert!(allows(
            &clerk,
            &Act::RecordCouncilDecision("bromsgrove".into())
        ));
        assert!(!allows(
            &clerk,
            &Act::RecordCouncilDecision("redditch".into())
        ));
        assert!(!allows(&clerk, &Act::ShapeProposal));
        assert!(allows(&clerk, &Act::RecordReview("bromsgrove".into())));
        assert!(allows(&clerk, &Act::RecordCallIn("bromsgrove".into())));
        assert!(!allows(&clerk, &Act::RecordCallIn("redditch".into())));
        let pm = actor(Role::ProgrammeManager, None);
        assert!(!allows(&pm, &Act::RecordCallIn("bromsgrove".into())));
    }

    #[test]
    fn readers_change_nothing_and_admins_everything() {
        for role in [Role::Auditor, Role::Scheduler] {
            assert!(!allows(&actor(role, None), &Act::DeclareInterest));
            assert!(!allows(&actor(role, None), &Act::Monitor));
        }
        let admin = actor(Role::Admin, None);
        assert!(allows(
            &admin,
            &Act::RecordCouncilDecision("redditch".into())
        ));
        assert!(allows(&admin, &Act::AmendPartnership));
        let pm = actor(Role::ProgrammeManager, None);
        assert!(!allows(&pm, &Act::RecordCouncilDecision("redditch".into())));
        assert!(allows(&pm, &Act::RecordBoardVote));
    }
}
