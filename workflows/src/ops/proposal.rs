//! `proposal new|show|list|history|advance|business-case|hold|resume|withdraw|not-pursue|close|declare-interest`.

use super::change::{self, change, load, Change, Recorded};
use super::input::{self, Amount, Id, Line, Name, Service, Share, Text};
use super::session::Session;
use crate::definition::{Category, Registry, Stage};
use crate::permissions::Act;
use crate::proposal::events::WorkflowRef;
use crate::proposal::view::{history_item, HistoryItem, ListItem};
use crate::proposal::{
    decide_create, show_view_at, stream_of, Ctx, NewProposal, ProposalCommand, ProposalView,
};
use engine::{Expectation, Failure, NewEvent};
use jiff::civil::Date;
use serde::Serialize;

/// `proposal new`, its values parsed.
#[derive(Debug, Clone)]
pub struct NewArgs {
    pub title: Line,
    pub service: Service,
    pub lead: String,
    /// None: every council of the partnership on the effective date.
    pub councils: Option<Vec<Name>>,
    pub category: Option<Category>,
    pub id: Option<Id>,
    pub on: Option<Date>,
}

/// What `proposal new` reports: the contract's `{id, stage, version}` and more.
#[derive(Debug, Clone, Serialize)]
pub struct Created {
    pub id: String,
    pub stage: Stage,
    pub version: u64,
    pub seq: u64,
    pub effective_on: String,
    pub councils: Vec<String>,
    pub lead: String,
    pub workflow: WorkflowRef,
}

/// Creates a proposal at the stage its category starts at; its id defaults to the service's slug.
pub async fn new(session: &mut Session, args: NewArgs) -> Result<Created, Failure> {
    let (title, service) = (args.title.0, args.service.0);
    let slug = input::slug(&service);
    let councils = args.councils.map(input::distinct).transpose()?;
    let date = session.change_date(args.on).await?;
    let actor = change::permitted(session, date, &Act::CreateProposal).await?;
    let id = match args.id.map(|id| id.0) {
        Some(id) => {
            if session.store.stream_version(&stream_of(&id)).await? > 0 {
                return Err(
                    Failure::conflict(format!("proposal id {id:?} is already taken")).with_detail(
                        "choose another id, or give none to number it after the service",
                    ),
                );
            }
            id
        }
        None => free_id(session, &slug).await?,
    };
    let registry = Registry::standard();
    let partnership = session.partnership().await?.on(date).clone();
    let ctx = Ctx {
        registry: &registry,
        partnership: &partnership,
        date,
        actor: &actor.id,
        now: session.now,
    };
    let new = NewProposal {
        id: id.clone(),
        title,
        service,
        lead: args.lead.clone(),
        councils,
        category: args.category.unwrap_or(Category::QuickWin),
    };
    let draft = decide_create(&new, &ctx)?;
    let event = NewEvent {
        stream: stream_of(&id),
        kind: draft.kind(),
        actor: actor.id.clone(),
        effective_on: date.to_string(),
        data: draft.data(),
    };
    let expectation = Expectation {
        stream: stream_of(&id),
        version: 0,
    };
    let written = session.append(vec![event], vec![expectation]).await?;
    let event = &written[0];
    let state = crate::proposal::ProposalState::created(event)?;
    Ok(Created {
        id,
        stage: state.stage,
        version: event.version,
        seq: event.seq,
        effective_on: event.effective_on.clone(),
        councils: state.councils,
        lead: state.lead,
        workflow: state.workflow,
    })
}

async fn free_id(session: &mut Session, slug: &str) -> Result<String, Failure> {
    let mut n = 1;
    loop {
        let id = if n == 1 {
            slug.to_string()
        } else {
            format!("{slug}-{n}")
        };
        if session.store.stream_version(&stream_of(&id)).await? == 0 {
            return Ok(id);
        }
        n += 1;
    }
}

/// `proposal show`: the proposal as it stands now.
pub async fn show(session: &mut Session, id: &str) -> Result<ProposalView, Failure> {
    session.check_reader().await?;
    let state = change::load_state(session, id).await?;
    let outlook = super::reminders::outlook(session).await?;
    Ok(show_view_at(&state, &outlook, Some(session.now)))
}

/// `proposal list`, optionally only those at `stage` or involving `council`.
pub async fn list(
    session: &mut Session,
    stage: Option<Stage>,
    council: Option<&str>,
) -> Result<Vec<ListItem>, Failure> {
    let mut items = Vec::new();
    list_each(session, stage, council, |i| items.push(i)).await?;
    Ok(items)
}

/// [`list`], each line handed to `sink` as it is made (in id order), so a caller that prints
/// holds none of them; an unknown council is refused before any line.
pub async fn list_each(
    session: &mut Session,
    stage: Option<Stage>,
    council: Option<&str>,
    mut sink: impl FnMut(ListItem),
) -> Result<(), Failure> {
    session.check_reader().await?;
    if let Some(c) = council {
        let history = session.partnership().await?;
        if !history
            .versions()
            .iter()
            .any(|(_, p)| p.council(c).is_some())
        {
            return Err(
                Failure::refused(format!("there is no council {c:?} in the partnership"))
                    .with_detail(format!(
                        "its councils are: {}",
                        history.latest().council_ids().join(", ")
                    )),
            );
        }
    }
    // Each line from its saved projection, or folded when the proposal changed since.
    super::list_lines::for_each_line(session, |line| {
        let at_stage = stage.as_ref().is_none_or(|st| &line.stage == st);
        if at_stage && council.is_none_or(|c| line.councils.iter().any(|x| x == c)) {
            sink(line);
        }
    })
    .await
}

/// `proposal history`: every event of the proposal, with both of its times.
pub async fn history(session: &mut Session, id: &str) -> Result<Vec<HistoryItem>, Failure> {
    session.check_reader().await?;
    let loaded = load(session, id).await?;
    Ok(loaded.events.iter().map(history_item).collect())
}

/// `proposal advance ID --to STAGE`.
pub async fn advance(
    session: &mut Session,
    id: &str,
    to: Stage,
    reason: Option<Text>,
    c: &Change,
) -> Result<Recorded, Failure> {
    let reason = reason.map(|r| r.0);
    change(session, id, ProposalCommand::Advance { to, reason }, c).await
}

/// `proposal business-case`, its money and shares parsed (no shares: equal shares).
#[derive(Debug, Clone)]
pub struct BusinessCaseArgs {
    pub one_off_cost: Amount,
    pub annual_saving: Amount,
    pub shares: Vec<Share>,
    pub cost_shares: Vec<Share>,
    pub risks: Vec<Text>,
}

/// `proposal business-case`: records (or replaces) the business case.
pub async fn business_case(
    session: &mut Session,
    id: &str,
    args: BusinessCaseArgs,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::BusinessCase {
        one_off_cost: args.one_off_cost.0,
        annual_saving: args.annual_saving.0,
        shares: input::shares(args.shares)?,
        cost_shares: input::shares(args.cost_shares)?,
        risks: args.risks.into_iter().map(|r| r.0).collect(),
    };
    change(session, id, command, c).await
}

/// `proposal vary-shares ID --share COUNCIL=PERCENT…`: new shares of a live service's savings,
/// in force once every remaining council consents.
pub async fn vary_shares(
    session: &mut Session,
    id: &str,
    shares: Vec<Share>,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::VaryShares {
        shares: input::shares(shares)?,
    };
    change(session, id, command, c).await
}

/// The lifecycle commands that take only a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    Hold,
    Resume,
    Withdraw,
    NotPursue,
    Close,
    DeclareInterest,
}

/// `proposal hold|resume|withdraw|not-pursue|close|declare-interest ID --reason TEXT`.
pub async fn lifecycle(
    session: &mut Session,
    id: &str,
    which: Lifecycle,
    reason: Text,
    c: &Change,
) -> Result<Recorded, Failure> {
    let reason = reason.0;
    let command = match which {
        Lifecycle::Hold => ProposalCommand::Hold { reason },
        Lifecycle::Resume => ProposalCommand::Resume { reason },
        Lifecycle::Withdraw => ProposalCommand::Withdraw { reason },
        Lifecycle::NotPursue => ProposalCommand::NotPursue { reason },
        Lifecycle::Close => ProposalCommand::Close { reason },
        Lifecycle::DeclareInterest => ProposalCommand::DeclareInterest { reason },
    };
    change(session, id, command, c).await
}
