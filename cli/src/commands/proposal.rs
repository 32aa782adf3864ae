//! `concordat proposal new|show|list|history|advance|business-case|hold|resume|withdraw|not-pursue|close|declare-interest|correct-date`.

use super::common::{human_recorded, CategoryArg, ChangeArgs};
use super::values::{self, parsed};
use super::GlobalArgs;
use crate::{context, output};
use clap::{Args, Subcommand};
use engine::store::OpenMode;
use engine::Failure;
use jiff::civil::Date;
use std::process::ExitCode;
use workflows::definition::Stage;
use workflows::money::pounds;
use workflows::ops::input::{repeated, Amount, Id, Line, Name, Service, Share, Text};
use workflows::ops::proposal::{self as ops, BusinessCaseArgs, Lifecycle, NewArgs};
use workflows::ops::Session;
use workflows::proposal::view::{HistoryItem, ListItem};
use workflows::proposal::ProposalView;
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
            let folding = crate::progress::Spinner::start("folding the log");
            let items = ops::list(&mut session, stage, council.as_deref()).await?;
            drop(folding);
            output::emit(g.json, &items, |i| human_list(i))?;
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

fn human_show(v: &ProposalView) -> String {
    let mut out = show_header(v);
    out += &show_business_case(v);
    out += &show_decisions(v);
    out += &show_kpis(v);
    out += &show_savings_and_reviews(v);
    out += &show_milestones_and_next(v);
    out += &show_terms(v);
    out
}

/// The councils that left and the variations of shares, with their consents.
fn show_terms(v: &ProposalView) -> String {
    let mut out = String::new();
    for (council, l) in &v.left {
        out += &format!(
            "Left: {council} on {} (minute: {}); from {} its share goes to {}\n",
            l.on,
            output::field(&l.minute),
            l.from_quarter,
            l.remaining.join(", ")
        );
    }
    for s in &v.share_variations {
        let shares: Vec<String> = s.shares.iter().map(|(c, p)| format!("{c} {p}%")).collect();
        out += &format!(
            "Shares varied ({}), proposed {} by {}: {}\n",
            s.status,
            s.proposed_on,
            s.by,
            shares.join(", ")
        );
        for (council, c) in &s.consents {
            out += &format!(
                "  {council} consented on {} (minute: {})\n",
                c.on,
                output::field(&c.minute)
            );
        }
        if let Some(q) = s.in_force_from {
            out += &format!("  in force from {q}\n");
        } else if !s.awaiting.is_empty() {
            out += &format!("  awaiting consent from {}\n", s.awaiting.join(", "));
        }
    }
    out
}

/// The id, title, stage, service, councils and dates.
fn show_header(v: &ProposalView) -> String {
    let mut out = format!("{} — {}\n", v.id, output::field(&v.title));
    out += &format!(
        "  stage {}{}, version {}, {} workflow v{}, round {}\n",
        words::stage(&v.stage),
        v.held_from
            .as_ref()
            .map(|s| format!(" (held from {})", words::stage_lower(s)))
            .unwrap_or_default(),
        v.version,
        v.workflow.name,
        v.workflow.version,
        v.round
    );
    out += &format!(
        "  service {}, {} category, led by {}, shared by {}\n",
        v.service,
        v.category.as_str(),
        v.lead,
        v.councils.join(", ")
    );
    out += &format!("  created {} by {}\n", v.created_on, v.created_by);
    if let Some(d) = v.went_live {
        out += &format!("  went live {d}\n");
    }
    out
}

/// The business case with each council's shares, and its risks.
fn show_business_case(v: &ProposalView) -> String {
    let mut out = String::new();
    match &v.business_case {
        None => out += "Business case: none recorded\n",
        Some(b) => {
            out += &format!(
                "Business case ({}): one-off cost {}, annual saving {}\n",
                b.recorded_on,
                pounds(b.one_off_cost),
                pounds(b.annual_saving)
            );
            for c in &v.councils {
                out += &format!(
                    "  {c}: {}% of savings ({} a year), {}% of the cost ({})\n",
                    b.shares.get(c).map(|p| p.to_string()).unwrap_or_default(),
                    b.annual_saving_by_council
                        .get(c)
                        .map(|m| pounds(*m))
                        .unwrap_or_default(),
                    b.cost_shares
                        .get(c)
                        .map(|p| p.to_string())
                        .unwrap_or_default(),
                    b.one_off_cost_by_council
                        .get(c)
                        .map(|m| pounds(*m))
                        .unwrap_or_default()
                );
            }
            for r in &b.risks {
                out += &format!("  risk: {}\n", output::field(r));
            }
        }
    }
    out
}

/// The consultation, the Board's vote, the councils' decisions and the call-in windows.
fn show_decisions(v: &ProposalView) -> String {
    let mut out = String::new();
    out += &format!("Consultation: {}", v.consultation.status);
    if !v.consultation.parties.is_empty() {
        let parties: Vec<String> = v
            .consultation
            .parties
            .iter()
            .map(|(p, s)| format!("{p} {s}"))
            .collect();
        out += &format!(" ({})", parties.join(", "));
    }
    out += "\n";
    match (&v.board.outcome, v.board.meeting) {
        (Some(o), Some(m)) => out += &format!("Board: {} at the meeting of {m}\n", o.as_str()),
        _ => out += "Board: no vote recorded\n",
    }
    let approvals: Vec<String> = v
        .approvals
        .iter()
        .map(|(c, d)| format!("{c} {d}"))
        .collect();
    out += &format!("Council decisions: {}\n", approvals.join(", "));
    for p in &v.in_principle {
        out += &format!(
            "In principle: {} on {} (minute: {}); not its decision\n",
            p.council,
            p.on,
            output::field(&p.minute)
        );
    }
    for (council, c) in &v.call_in {
        let closes = c.closes.as_deref().unwrap_or("-");
        out += &match c.status {
            "open" => format!("Call-in: {council} open until {closes}\n"),
            "closed" => format!("Call-in: {council} closed at {closes} without a call-in\n"),
            "urgent" => format!("Call-in: {council} exempt (urgent decision)\n"),
            status => format!("Call-in: {council} {status} (window until {closes})\n"),
        };
    }
    out
}

/// The performance indicators with their values.
fn show_kpis(v: &ProposalView) -> String {
    let mut out = String::new();
    if !v.kpis.is_empty() {
        out += "Performance indicators:\n";
        for (name, k) in &v.kpis {
            let values: Vec<String> = k.values.iter().map(|(q, x)| format!("{q} {x}")).collect();
            let unit = k
                .unit
                .as_deref()
                .map(|u| format!(" {u}"))
                .unwrap_or_default();
            out += &format!(
                "  {name}: target {}{unit} ({}){}; {}\n",
                k.target
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "-".into()),
                k.direction.words(),
                k.baseline
                    .map(|b| format!(", baseline {b}{unit}"))
                    .unwrap_or_default(),
                if values.is_empty() {
                    "no values yet".to_string()
                } else {
                    values.join(", ")
                }
            );
            if let (Some(words), Some(q)) = (k.status_text, &k.status_quarter) {
                out += &format!("    {q}: {words}\n");
            }
        }
    }
    out
}

/// The savings recorded and the councils' reviews.
fn show_savings_and_reviews(v: &ProposalView) -> String {
    let mut out = String::new();
    let parts: Vec<String> = v
        .savings
        .by_council
        .iter()
        .map(|(c, m)| format!("{c} {}", pounds(*m)))
        .collect();
    out += &format!(
        "Savings recorded: {} ({})\n",
        pounds(v.savings.total),
        parts.join(", ")
    );
    for (quarter, s) in &v.savings.by_quarter {
        if let Some(was) = s.corrects {
            out += &format!("  {quarter}: {} corrects {}", pounds(s.amount), pounds(was));
        } else if s.amount.pence < 0 {
            out += &format!("  {quarter}: a shortfall, {}", pounds(s.amount));
        } else {
            continue;
        }
        let reason = s.reason.as_deref().map(output::field).unwrap_or_default();
        out += &format!(" ({reason})\n");
    }
    for r in &v.reviews {
        out += &format!(
            "Review: {} {} on {}: {}{}\n",
            r.council,
            r.kind,
            r.on,
            r.outcome,
            r.summary
                .as_deref()
                .map(|s| format!(" ({})", output::field(s)))
                .unwrap_or_default()
        );
    }
    out
}

/// The milestones, the recusals and the next reminders.
fn show_milestones_and_next(v: &ProposalView) -> String {
    let mut out = String::new();
    for m in &v.milestones {
        out += &format!(
            "Milestone {}: {} — due {}{}{}\n",
            m.id,
            output::field(&m.title),
            m.due,
            if m.due != m.original_due {
                format!(" (originally {})", m.original_due)
            } else {
                String::new()
            },
            m.completed
                .as_ref()
                .map(|c| format!(", completed {}", c.on))
                .unwrap_or_default()
        );
    }
    for (actor, r) in &v.recused {
        out += &format!(
            "Recused: {actor} since {} ({})\n",
            r.on,
            output::field(&r.reason)
        );
    }
    for r in &v.next_reminders {
        out += &format!("Next: {} {} — {}\n", r.due, r.kind, output::field(&r.title));
    }
    out
}

fn human_list(items: &[ListItem]) -> String {
    if items.is_empty() {
        return "no proposals match\n".into();
    }
    let mut out = String::new();
    for i in items {
        out += &format!(
            "{:<24} {:<17} v{:<3} lead {:<12} {}  ({})\n",
            i.id,
            i.stage.as_str(),
            i.version,
            i.lead,
            output::field(&i.title),
            i.councils.join(", ")
        );
    }
    out
}

fn human_history(items: &[HistoryItem]) -> String {
    let mut out = String::new();
    for e in items {
        out += &format!(
            "v{:<3} taken {}  recorded {}  by {:<10} {}\n",
            e.version,
            e.effective_on,
            e.recorded_at,
            e.actor,
            output::field(&e.describe())
        );
    }
    out
}
