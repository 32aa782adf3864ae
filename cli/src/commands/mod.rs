//! The command tree: the top-level parser, one module per command group, each a clap
//! `Args`/`Subcommand` plus an `exec` that calls library operations and prints.

mod audit;
mod board;
mod board_meeting;
mod checkpoint;
pub(crate) mod common;
mod completions;
mod consultation;
pub(crate) mod council;
mod examples;
mod finance;
mod follow;
mod funding;
mod init;
mod milestone;
mod monitor;
mod partnership;
mod proposal;
mod proposal_list;
mod proposal_text;
mod reminders;
mod replay;
mod report;
mod review;
mod risk;
mod scheduler;
mod scheduler_plan;
mod store;
mod user;
mod values;

// The command groups take the global flags from here, as they always have.
pub use crate::global::GlobalArgs;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use engine::Failure;
use std::process::ExitCode;
use workflows::ops::Session;

/// Shared-service proposals between sovereign councils, recorded in a verifiable log.
#[derive(Debug, Parser)]
#[command(name = "concordat", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// The command words.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the store and record the partnership (needs no actor).
    Init(init::InitArgs),
    /// Load the bundled 2008 Bromsgrove/Redditch programme into a new store and print a tour.
    Demo,
    /// Show or amend the partnership.
    #[command(subcommand)]
    Partnership(partnership::PartnershipCommand),
    /// Create, move and show shared-service proposals.
    #[command(subcommand)]
    Proposal(proposal::ProposalCommand),
    /// Consult affected staff and the unions.
    #[command(subcommand)]
    Consultation(consultation::ConsultationCommand),
    /// The Shared Services Board: its meetings, agendas, attendance, minutes and votes.
    #[command(subcommand)]
    Board(board::BoardCommand),
    /// Record councils' decisions.
    #[command(subcommand)]
    Council(council::CouncilCommand),
    /// Performance indicators and savings of live services.
    #[command(subcommand)]
    Monitor(monitor::MonitorCommand),
    /// Funding from outside the councils, and the programme's net position.
    #[command(subcommand)]
    Funding(funding::FundingCommand),
    /// Councils' reviews of live services.
    #[command(subcommand)]
    Review(review::ReviewCommand),
    /// Programme and proposal milestones.
    #[command(subcommand)]
    Milestone(milestone::MilestoneCommand),
    /// The risk register: programme and proposal risks, scored and reviewed.
    #[command(subcommand)]
    Risk(risk::RiskCommand),
    /// Verify, export and read the log.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Copy a store (e.g. a directory to PostgreSQL), hashes intact.
    #[command(subcommand)]
    Store(store::StoreCommand),
    /// Sign checkpoints of the log (C2SP signed notes), and make the key that signs them.
    #[command(subcommand)]
    Checkpoint(checkpoint::CheckpointCommand),
    /// What falls due when: list them, or an iCalendar feed.
    #[command(subcommand)]
    Reminders(reminders::RemindersCommand),
    /// Fire reminders and issue quarterly reports, once or continuously.
    #[command(subcommand)]
    Scheduler(scheduler::SchedulerCommand),
    /// Reports to the councils.
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Web accounts: give an actor a password to sign in with, replace it, or remove it.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Print a shell completion script (bash, zsh, fish or powershell) on stdout.
    Completions(completions::CompletionsArgs),
    /// Write the man pages (roff), generated from these definitions.
    #[command(hide = true)]
    Man(completions::ManArgs),
    /// Print the Markdown command-line reference (docs/cli-reference.md).
    #[command(hide = true)]
    CliReference,
    /// Serve a read-only web view of the store (pipeline, proposals, savings, upcoming, integrity) and a JSON API.
    Serve(crate::web::ServeArgs),
}

impl Cli {
    /// The command tree as users see it: the derived definitions plus every command's examples.
    pub fn full_command() -> clap::Command {
        examples::attach(Cli::command())
    }

    /// Parses `args` (the first is the program name) against [`Cli::full_command`].
    pub fn parse_from_args<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let mut cmd = Self::full_command();
        let matches = cmd.try_get_matches_from_mut(args)?;
        Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut cmd))
    }

    /// Whether this command runs until stopped (a service), and so logs what it does at INFO.
    pub fn long_running(&self) -> bool {
        matches!(
            self.command,
            Command::Scheduler(scheduler::SchedulerCommand::Run { .. }) | Command::Serve(_)
        )
    }
}

/// Runs the parsed command; `Ok` carries the exit code (0, or 6 for a verify that found damage).
pub async fn exec(cli: Cli) -> Result<ExitCode, Failure> {
    let g = cli.global;
    match cli.command {
        Command::Init(args) => init::exec(&g, args).await,
        Command::Demo => crate::demo::exec(&g).await,
        Command::Partnership(cmd) => partnership::exec(&g, cmd).await,
        Command::Proposal(cmd) => proposal::exec(&g, cmd).await,
        Command::Consultation(cmd) => consultation::exec(&g, cmd).await,
        Command::Board(cmd) => board::exec(&g, cmd).await,
        Command::Council(cmd) => council::exec(&g, cmd).await,
        Command::Monitor(cmd) => monitor::exec(&g, cmd).await,
        Command::Funding(cmd) => funding::exec(&g, cmd).await,
        Command::Review(cmd) => review::exec(&g, cmd).await,
        Command::Milestone(cmd) => milestone::exec(&g, cmd).await,
        Command::Risk(cmd) => risk::exec(&g, cmd).await,
        Command::Audit(cmd) => audit::exec(&g, cmd).await,
        Command::Store(cmd) => store::exec(&g, cmd).await,
        Command::Checkpoint(cmd) => checkpoint::exec(&g, cmd).await,
        Command::Reminders(cmd) => reminders::exec(&g, cmd).await,
        Command::Scheduler(cmd) => scheduler::exec(&g, cmd).await,
        Command::Report(cmd) => report::exec(&g, cmd).await,
        Command::User(cmd) => user::exec(&g, cmd).await,
        Command::Serve(args) => crate::web::exec(&g, args).await,
        Command::Completions(args) => completions::completions(args),
        Command::Man(args) => completions::man(args),
        Command::CliReference => completions::cli_reference(),
    }
}

/// Releases the store once the answer is printed (indexes are persisted after the user has the answer).
pub async fn finish(session: Session) -> Result<ExitCode, Failure> {
    session.store.close().await?;
    Ok(ExitCode::SUCCESS)
}
