//! `monitor cost`: a quarter's cost of a live service, split by the cost shares in force, by a
//! finance officer of one of its councils, a programme manager or an admin.

use super::change::{check_current, commit, load_state, permitted, Change, Recorded};
use super::input::{Amount, Line, Text};
use super::session::Session;
use crate::definition::Registry;
use crate::finance::scope;
use crate::proposal::costs::CostKind;
use crate::proposal::{decide, Ctx, ProposalCommand};
use crate::quarter::Quarter;
use engine::Failure;

/// What `monitor cost` gives besides the proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostInput {
    pub quarter: Quarter,
    pub amount: Amount,
    pub kind: CostKind,
    /// The finance code it was booked to.
    pub code: Option<Line>,
    /// The council that paid it.
    pub paid_by: Option<String>,
    /// Replaces the figure recorded for the quarter, kind and code.
    pub correct: bool,
    pub reason: Option<Text>,
}

/// `monitor cost ID --quarter Q --amount GBP --kind one-off|recurring [--code CODE]
/// [--paid-by COUNCIL] [--correct --reason TEXT]`.
pub async fn cost(
    session: &mut Session,
    id: &str,
    input: CostInput,
    c: &Change,
) -> Result<Recorded, Failure> {
    if input.correct && input.reason.is_none() {
        return Err(
            Failure::usage("a correction needs a reason: none was given").with_detail_remedy(
                "say why, e.g. an invoice counted twice",
                crate::remedy::Remedy::GiveReason,
            ),
        );
    }
    let command = ProposalCommand::RecordCost {
        quarter: input.quarter,
        kind: input.kind,
        amount: input.amount.0,
        code: input.code.map(|l| l.0),
        paid_by: input.paid_by.clone(),
        correct: input.correct,
        reason: input.reason.map(|r| r.0),
    };
    let date = session.change_date(c.on).await?;
    let actor = permitted(session, date, &command.act()).await?;
    let state = load_state(session, id).await?;
    scope::check(&actor, &state.councils, input.paid_by.as_deref())?;
    check_current(&state, &actor.id, c.expect_version)?;
    let registry = Registry::standard();
    let partnership = session.partnership().await?.on(date).clone();
    let ctx = Ctx {
        registry: &registry,
        partnership: &partnership,
        date,
        actor: &actor.id,
        now: session.now,
    };
    let draft = decide(&state, &command, &ctx)?;
    commit(session, state, draft, &actor.id, date).await
}
