//! `concordat proposal new|show|list|history|advance|business-case|hold|resume|withdraw|not-pursue|close|declare-interest|correct-date`.

use super::common::{human_recorded, CategoryArg, ChangeArgs};
use super::proposal_text::{human_history, human_show};
use super::values::{self, parsed};
use super::GlobalArgs;
use crate::{context, output};
use clap::{Args, Subcommand};
use engine::store::OpenMode;
use engine::Failure;
use jiff::civil::Date;
use std::process::ExitCode;
use workflows::definition::Stage;
use workflows::ops::input::{repeated, Amount, Id, Line, Name, Service, Share, Text};
use workflows::ops::proposal::{self as ops, BusinessCaseArgs, Lifecycle, NewArgs};
use workflows::ops::Session;
use workflows::words;

/// The `proposal` command words.
#[derive(Debug, Subcommand)]
pub enum ProposalCommand {
    /// Create a proposal (quick wins start at quick-win, medium- and long-term ones at business-case).
    New(NewCmd),
    /// Show a proposal as it stands now.
    Show {
        /// The proposal's id, e.g. elections.
        id: String,
    },
    /// List proposals, optionally at one stage or involving one council.
    List {
        /// Only proposals at this stage, e.g. consultation or council-approval.
        #[arg(long, value_parser = parsed::<Stage>)]
        stage: Option<Stage>,
        /// Only proposals this council takes part in, e.g. redditch.
        #[arg(long)]
        council: Option<String>,
    },
    /// Every event of a proposal, with when it was taken and when it was recorded.
    History {
        /// The proposal's id, e.g. elections.
        id: String,
    },
    /// Move one stage forward, or back to business-case.
    Advance {
        /// The proposal's id, e.g. elections.
        id: String,
        /// The stage it moves to: the next one, or back to business-case.
        #[arg(long, value_parser = parsed::<Stage>)]
        to: Stage,
        /// Why, as it should read in the record.
        #[arg(long, value_parser = parsed::<Text>)]
        reason: Option<Text>,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Record (or replace) the business case.
    BusinessCase(BusinessCaseCmd),
    /// Put on hold; `resume` returns it to the stage it left.
    Hold(ReasonCmd),
    /// Return a held proposal to the stage it left.
    Resume(ReasonCmd),
    /// Withdraw an active proposal.
    Withdraw(ReasonCmd),
    /// Record that an active proposal is not pursued.
    NotPursue(ReasonCmd),
    /// Close a shared service in monitoring.
    Close(ReasonCmd),
    /// Declare an interest: the acting actor may no longer change this proposal.
    DeclareInterest(ReasonCmd),
    /// Put right the date an earlier event was recorded as taken on (a correcting event: who, when,
    /// why; the log is never rewritten), by whoever may record an event of its kind.
    CorrectDate(CorrectDateCmd),
    /// Propose new shares of a live service's savings: in force, from the quarter of the last
    /// consent, once every remaining council consents (`council consent`).
    VaryShares {
        /// The proposal's id, e.g. elections.
        id: String,
        /// COUNCIL=PERCENT of the savings, one for each council that remains, summing to 100.
        #[arg(long, required = true, value_parser = parsed::<Share>)]
        share: Vec<Share>,
        #[command(flatten)]
        change: ChangeArgs,
    },
}

/// `proposal correct-date`.
#[derive(Debug, Args)]
pub struct CorrectDateCmd {
    /// The proposal's id, e.g. elections.
    id: String,
    /// The seq of the event whose date was wrong (`proposal history` lists them).
    #[arg(long, value_name = "N")]
    seq: u64,
    /// The date it was really taken (YYYY-MM-DD): the correction's own effective date too.
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    on: Date,
    /// Why the recorded date was wrong, as it should read in the record.
    #[arg(long, value_parser = parsed::<Text>)]
    reason: Text,
    /// Refuse (exit 4) unless the proposal is still at this version.
    #[arg(long, value_name = "N", value_parser = super::common::version)]
    expect_version: Option<u64>,
}

/// `proposal new`.
#[derive(Debug, Args)]
pub struct NewCmd {
    /// The proposal's title, e.g. "A single elections team".
    #[arg(long, value_parser = parsed::<Line>)]
    title: Line,
    /// The service to be shared, e.g. elections (it makes the proposal's id).
    #[arg(long, value_parser = parsed::<Service>)]
    service: Service,
    /// The lead council.
    #[arg(long)]
    lead: String,
    /// The councils sharing the service (default: every council of the partnership).
    #[arg(long, value_delimiter = ',', value_parser = parsed::<Name>)]
    councils: Option<Vec<Name>>,
    /// How soon it can be done (default: quick-win; the others start at business-case).
    #[arg(long, value_enum)]
    category: Option<CategoryArg>,
    /// The id (default: the service's slug, then -2, -3… when taken).
    #[arg(long, value_parser = parsed::<Id>)]
    id: Option<Id>,
    /// The date it was taken (default: today).
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    on: Option<Date>,
}

/// `proposal business-case`.
#[derive(Debug, Args)]
pub struct BusinessCaseCmd {
    /// The proposal's id, e.g. elections.
    id: String,
    /// The one-off implementation cost in pounds.
    #[arg(long, allow_hyphen_values = true, value_parser = parsed::<Amount>)]
    one_off_cost: Amount,
    /// The saving a year in pounds.
    #[arg(long, allow_hyphen_values = true, value_parser = parsed::<Amount>)]
    annual_saving: Amount,
    /// COUNCIL=PERCENT of the savings (concordat §6.1; none: equal shares).
    #[arg(long, value_parser = parsed::<Share>)]
    share: Vec<Share>,
    /// COUNCIL=PERCENT of the one-off cost (concordat §6.2; none: equal shares).
    #[arg(long, value_parser = parsed::<Share>)]
    cost_share: Vec<Share>,
    /// A risk of the case (repeat for more).
    #[arg(long, value_parser = parsed::<Text>)]
    risk: Vec<Text>,
    #[command(flatten)]
    change: ChangeArgs,
}

/// A lifecycle command: an id and a reason.
#[derive(Debug, Args)]
pub struct ReasonCmd {
    /// The proposal's id, e.g. elections.
    id: String,
    /// Why, as it should read in the record.
    #[arg(long, value_parser = parsed::<Text>)]
    reason: Text,
    #[command(flatten)]
    change: ChangeArgs,
}

/// Runs a `proposal` command.
pub async fn exec(g: &GlobalArgs, cmd: ProposalCommand) -> Result<ExitCode, Failure> {
    lists_once(&cmd)?;
    let mut session = context::session(g, OpenMode::Existing).await?;
    match cmd {
        ProposalCommand::New(a) => new(g, &mut session, a).await?,
        ProposalCommand::Show { id } => {
            let view = ops::show(&mut session, &id).await?;
            output::emit(g.json, &view, human_show)?;
        }
        ProposalCommand::List { stage, council } => {
            super::proposal_list::print(&mut session, g.json, stage, council.as_deref()).await?;
        }
        ProposalCommand::History { id } => {
            let items = ops::history(&mut session, &id).await?;
            output::emit(g.json, &items, |i| human_history(i))?;
        }
        ProposalCommand::Advance {
            id,
            to,
            reason,
            change,
        } => {
            let r = ops::advance(&mut session, &id, to, reason, &change.change()).await?;
            output::emit(g.json, &r, human_recorded)?;
        }
        ProposalCommand::BusinessCase(a) => business_case(g, &mut session, a).await?,
        ProposalCommand::Hold(a) => lifecycle(g, &mut session, Lifecycle::Hold, a).await?,
        ProposalCommand::Resume(a) => lifecycle(g, &mut session, Lifecycle::Resume, a).await?,
        ProposalCommand::Withdraw(a) => lifecycle(g, &mut session, Lifecycle::Withdraw, a).await?,
        ProposalCommand::NotPursue(a) => {
            lifecycle(g, &mut session, Lifecycle::NotPursue, a).await?
        }
        ProposalCommand::Close(a) => lifecycle(g, &mut session, Lifecycle::Close, a).await?,
        ProposalCommand::DeclareInterest(a) => {
            lifecycle(g, &mut session, Lifecycle::DeclareInterest, a).await?
        }
        ProposalCommand::CorrectDate(a) => {
            let r = workflows::ops::date_order::correct_date(
                &mut session,
                &a.id,
                a.seq,
                a.on,
                a.reason,
                a.expect_version,
            )
            .await?;
            output::emit(g.json, &r, human_recorded)?;
        }
        ProposalCommand::VaryShares { id, share, change } => {
            let r = ops::vary_shares(&mut session, &id, share, &change.change()).await?;
            output::emit(g.json, &r, human_recorded)?;
        }
    }
    super::finish(session).await
}

/// Flags given as lists must not name anything twice; checked before the store is opened.
fn lists_once(cmd: &ProposalCommand) -> Result<(), Failure> {
    if let ProposalCommand::New(a) = cmd {
        values::once("--councils", a.councils.as_deref().unwrap_or_default())?;
    }
    if let ProposalCommand::BusinessCase(a) = cmd {
        shares_once("--share", &a.share)?;
        shares_once("--cost-share", &a.cost_share)?;
    }
    if let ProposalCommand::VaryShares { share, .. } = cmd {
        shares_once("--share", share)?;
    }
    Ok(())
}

/// `proposal new`.
async fn new(g: &GlobalArgs, session: &mut Session, a: NewCmd) -> Result<(), Failure> {
    let args = NewArgs {
        title: a.title,
        service: a.service,
        lead: a.lead,
        councils: a.councils,
        category: a.category.map(CategoryArg::category),
        id: a.id,
        on: a.on,
    };
    let created = ops::new(session, args).await?;
    output::emit(g.json, &created, |c| {
        format!(
            "Created proposal {} ({} workflow v{}), led by {} with {}\n{} is at {}, version {} (taken {})",
            c.id,
            c.workflow.name,
            c.workflow.version,
            c.lead,
            c.councils.join(", "),
            c.id,
            words::stage_lower(&c.stage),
            c.version,
            c.effective_on
        )
    })?;
    Ok(())
}

/// `proposal business-case`.
async fn business_case(
    g: &GlobalArgs,
    session: &mut Session,
    a: BusinessCaseCmd,
) -> Result<(), Failure> {
    let args = BusinessCaseArgs {
        one_off_cost: a.one_off_cost,
        annual_saving: a.annual_saving,
        shares: a.share,
        cost_shares: a.cost_share,
        risks: a.risk,
    };
    let r = ops::business_case(session, &a.id, args, &a.change.change()).await?;
    output::emit(g.json, &r, human_recorded)?;
    Ok(())
}

/// Refuses shares that give one council twice.
fn shares_once(flag: &str, shares: &[Share]) -> Result<(), Failure> {
    let councils: Vec<String> = shares.iter().map(|s| s.council.clone()).collect();
    match repeated(&councils) {
        Some(twice) => Err(Failure::usage(format!("{flag} gives {twice} twice"))
            .with_detail("give each council's share once")),
        None => Ok(()),
    }
}

async fn lifecycle(
    g: &GlobalArgs,
    session: &mut workflows::ops::Session,
    which: Lifecycle,
    a: ReasonCmd,
) -> Result<(), Failure> {
    let r = ops::lifecycle(session, &a.id, which, a.reason, &a.change.change()).await?;
    output::emit(g.json, &r, human_recorded)
}
