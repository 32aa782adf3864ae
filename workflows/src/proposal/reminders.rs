//! The bridge from a proposal's state to the reminder rules (`crate::reminders`): what falls due for
//! it, shown as `next_reminders` in `proposal show`.
//!
//! The state records everything the rules need: the go-live date (`went_live`, the effective date
//! of the step into monitoring), hold periods (`holds`, `held_from`), `reviews`, and `milestones`
//! with their due, amended and completed dates.

use super::state::ProposalState;
use crate::definition::Stage;
use crate::reminders::{
    Activity, CallInFacts, MilestoneFacts, Outlook, ProposalFacts, ReminderView, ReviewHeld,
};

/// The reminders of `state` shown in `proposal show`: its reviews and milestones not yet fired,
/// due up to the outlook's horizon (none while on hold, none once it ended).
pub fn reminders_for(state: &ProposalState, outlook: &Outlook) -> Vec<ReminderView> {
    outlook.next(proposal_facts(state), milestone_facts(state))
}

/// What the reminder rules need to know about this proposal.
pub fn proposal_facts(state: &ProposalState) -> ProposalFacts {
    ProposalFacts {
        id: state.id.clone(),
        title: state.title.clone(),
        // A council that recorded leaving is owed no more reviews of the service.
        councils: super::shares::remaining(state),
        went_live: state.went_live,
        activity: if state.has_ended() {
            Activity::Ended
        } else if state.stage == Stage::OnHold {
            Activity::OnHold
        } else {
            Activity::Active
        },
        reviews: state
            .reviews
            .iter()
            .map(|r| ReviewHeld {
                council: r.council.clone(),
                kind: r.kind,
                held_on: r.on,
            })
            .collect(),
        call_in: call_in_facts(state),
    }
}

/// The call-in windows of this round's approvals that nobody has called in (each falls due as a
/// `call-in-closes` reminder when it closes).
pub fn call_in_facts(state: &ProposalState) -> Vec<CallInFacts> {
    state
        .decisions
        .iter()
        .filter_map(|(council, d)| {
            let w = d.call_in.as_ref()?;
            (w.requested.is_none() && w.resolved.is_none()).then(|| CallInFacts {
                council: council.clone(),
                decided_on: d.on,
                closes: w.closes,
                rule: w.rule.clone(),
            })
        })
        .collect()
}

/// What the reminder rules need to know about this proposal's milestones.
pub fn milestone_facts(state: &ProposalState) -> Vec<MilestoneFacts> {
    state
        .milestones
        .values()
        .map(|m| MilestoneFacts {
            id: m.id.clone(),
            title: m.title.clone(),
            proposal: m.proposal.clone(),
            due: m.due,
            completed: m.completed.is_some(),
        })
        .collect()
}
