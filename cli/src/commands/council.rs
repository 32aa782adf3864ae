//! `concordat council decide|in-principle|call-in|call-in-resolved|leave|consent`.

use super::common::{human_recorded, ChangeArgs, DecisionArg};
use super::values::parsed;
use super::GlobalArgs;
use crate::{context, output};
use clap::{Subcommand, ValueEnum};
use engine::store::OpenMode;
use engine::Failure;
use std::process::ExitCode;
use workflows::ops::change::Recorded;
use workflows::ops::council as ops;
use workflows::ops::input::{Line, Name, Text};
use workflows::proposal::events::CallInOutcome;
use workflows::proposal::ProposalEvent;

/// The `council` command words.
#[derive(Debug, Subcommand)]
pub enum CouncilCommand {
    /// Record a council's decision (its clerk only); the date it was taken goes in --on.
    Decide {
        /// The proposal's id, e.g. elections.
        id: String,
        /// The council deciding, e.g. bromsgrove (the acting clerk's own).
        #[arg(long, value_parser = parsed::<Name>)]
        council: Name,
        /// What the council decided.
        #[arg(long, value_enum)]
        decision: DecisionArg,
        /// The minute reference.
        #[arg(long, value_parser = parsed::<Line>)]
        minute: Option<Line>,
        /// Taken as urgent: skips the council's call-in window (only where its constitution
        /// exempts urgent decisions).
        #[arg(long)]
        urgent: bool,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Record scrutiny's call-in of a council's approval inside its call-in window (its clerk).
    #[command(name = "call-in")]
    CallIn {
        /// The proposal's id, e.g. elections.
        id: String,
        /// The council whose approval is called in, e.g. redditch.
        #[arg(long, value_parser = parsed::<Name>)]
        council: Name,
        /// Why scrutiny called it in.
        #[arg(long, value_parser = parsed::<Text>)]
        reason: Text,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Record a council's approval in principle (its clerk), at a stage before council approval;
    /// shown with the proposal, never counted as the council's decision.
    #[command(name = "in-principle")]
    InPrinciple {
        /// The proposal's id, e.g. elections.
        id: String,
        /// The council approving in principle, e.g. bromsgrove (the acting clerk's own).
        #[arg(long, value_parser = parsed::<Name>)]
        council: Name,
        /// The minute reference, e.g. "BDC Council 17 Sep 2008, minute 2.1.4".
        #[arg(long, value_parser = parsed::<Line>)]
        minute: Line,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Record how scrutiny resolved a call-in: the approval confirmed, or referred back.
    #[command(name = "call-in-resolved")]
    CallInResolved {
        /// The proposal's id, e.g. elections.
        id: String,
        /// The council whose call-in is resolved, e.g. redditch.
        #[arg(long, value_parser = parsed::<Name>)]
        council: Name,
        /// How scrutiny resolved it.
        #[arg(long, value_enum)]
        outcome: OutcomeArg,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Record a council's own decision to leave a live service (its clerk); from the quarter
    /// containing --on its share of the savings goes to the councils that remain.
    Leave {
        /// The proposal's id, e.g. elections.
        id: String,
        /// The council leaving, e.g. wychavon (the acting clerk's own).
        #[arg(long, value_parser = parsed::<Name>)]
        council: Name,
        /// The minute of the council's decision to leave.
        #[arg(long, value_parser = parsed::<Line>)]
        minute: Line,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Record a council's consent to the pending variation of shares (its clerk); the new
    /// shares are in force once every remaining council has consented.
    Consent {
        /// The proposal's id, e.g. elections.
        id: String,
        /// The council consenting, e.g. redditch (the acting clerk's own).
        #[arg(long, value_parser = parsed::<Name>)]
        council: Name,
        /// The minute of the council's consent.
        #[arg(long, value_parser = parsed::<Line>)]
        minute: Line,
        #[command(flatten)]
        change: ChangeArgs,
    },
}

/// A call-in's outcome, as written on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutcomeArg {
    /// The approval stands from the resolution.
    Confirmed,
    /// The approval no longer counts: the council must decide again.
    ReferredBack,
}

impl OutcomeArg {
    /// The library's outcome.
    pub fn outcome(self) -> CallInOutcome {
        match self {
            OutcomeArg::Confirmed => CallInOutcome::Confirmed,
            OutcomeArg::ReferredBack => CallInOutcome::ReferredBack,
        }
    }
}

/// Runs a `council` command.
pub async fn exec(g: &GlobalArgs, cmd: CouncilCommand) -> Result<ExitCode, Failure> {
    if let CouncilCommand::Decide {
        decision, urgent, ..
    } = &cmd
    {
        if *urgent && *decision != DecisionArg::Approve {
            return Err(Failure::usage(format!(
                "--urgent applies to an approval (it skips the call-in window); this decision is {}",
                decision.decision().as_str()
            ))
            .with_detail("leave out --urgent, or record --decision approve --urgent"));
        }
    }
    let mut session = context::session(g, OpenMode::Existing).await?;
    let recorded = match cmd {
        CouncilCommand::Decide {
            id,
            council,
            decision,
            minute,
            urgent,
            change,
        } => {
            ops::decide_with_urgency(
                &mut session,
                &id,
                council,
                decision.decision(),
                minute,
                urgent,
                &change.change(),
            )
            .await?
        }
        CouncilCommand::CallIn {
            id,
            council,
            reason,
            change,
        } => ops::call_in(&mut session, &id, council, reason, &change.change()).await?,
        CouncilCommand::CallInResolved {
            id,
            council,
            outcome,
            change,
        } => {
            ops::resolve(
                &mut session,
                &id,
                council,
                outcome.outcome(),
                &change.change(),
            )
            .await?
        }
        CouncilCommand::InPrinciple {
            id,
            council,
            minute,
            change,
        } => ops::in_principle(&mut session, &id, council, minute, &change.change()).await?,
        CouncilCommand::Leave {
            id,
            council,
            minute,
            change,
        } => ops::leave(&mut session, &id, council, minute, &change.change()).await?,
        CouncilCommand::Consent {
            id,
            council,
            minute,
            change,
        } => ops::consent(&mut session, &id, council, minute, &change.change()).await?,
    };
    output::emit(g.json, &recorded, human)?;
    super::finish(session).await
}

/// The recorded change in words, with the decision body and the call-in window when there are.
fn human(r: &Recorded) -> String {
    let mut out = human_recorded(r);
    let event = ProposalEvent::decode(&r.event, &r.data);
    match event {
        Ok(ProposalEvent::CouncilDecisionRecorded(d)) => {
            if let Some(body) = d.decision_body {
                out += &format!("\nDecision body: {}", body.as_str().replace('-', " "));
            }
            if d.urgent == Some(true) {
                out += "\nTaken as urgent: exempt from call-in; the approval counts at once";
            }
            if let (Some(closes), Some(rule)) = (d.call_in_closes, d.call_in_rule) {
                out += &format!(
                    "\nCall-in window open until {closes} ({rule}); the approval counts once it closes without a call-in"
                );
            }
        }
        Ok(ProposalEvent::CallInRequested(d)) => {
            out += &format!(
                "\nThe approval is suspended until `concordat council call-in-resolved {} --council {} --outcome confirmed|referred-back`",
                r.id, d.council
            );
        }
        Ok(ProposalEvent::CallInResolved(d)) if d.outcome == CallInOutcome::Confirmed => {
            out += &format!("\nThe approval stands from {}", d.at);
        }
        Ok(ProposalEvent::CallInResolved(_)) => {
            out += "\nThe approval no longer counts: the council must decide again";
        }
        Ok(ProposalEvent::InPrincipleApproved(d)) => {
            out += &format!(
                "\nNot {}'s decision: that is recorded with `concordat council decide` at council-approval",
                d.council
            );
        }
        _ => {}
    }
    out
}
