//! `concordat board vote`.

use super::board_meeting;
use super::common::{human_recorded, ChangeArgs};
use super::GlobalArgs;
use crate::{context, output};
use clap::Subcommand;
use engine::store::OpenMode;
use engine::Failure;
use jiff::civil::Date;
use std::process::ExitCode;
use workflows::ops::board::{self as ops, VoteArgs};
use workflows::ops::input::{repeated, Name};

use super::values::{self, parsed};

/// The vote's usage errors, in the command line's words, before the store is opened.
fn check(
    meeting: Date,
    support: &[Name],
    oppose: &[Name],
    abstain: &[Name],
    change: &ChangeArgs,
) -> Result<(), Failure> {
    if let Some(on) = change.on.filter(|on| *on != meeting) {
        return Err(
            Failure::usage(format!("--on {on} differs from --meeting {meeting}"))
                .with_detail("a Board vote takes effect on its meeting date: leave out --on"),
        );
    }
    values::once("--support", support)?;
    values::once("--oppose", oppose)?;
    values::once("--abstain", abstain)?;
    let all: Vec<String> = [support, oppose, abstain]
        .concat()
        .into_iter()
        .map(|n| n.0)
        .collect();
    if let Some(twice) = repeated(&all) {
        return Err(Failure::usage(format!(
            "members present (--support, --oppose, --abstain) names {twice} twice"
        ))
        .with_detail("name each one once"));
    }
    if all.is_empty() {
        return Err(Failure::usage("the vote names no member present")
            .with_detail("list the members present with --support, --oppose and --abstain"));
    }
    Ok(())
}

/// The `board` command words.
#[derive(Debug, Subcommand)]
pub enum BoardCommand {
    /// Record the members present at one Board meeting and how they voted, as minuted.
    Vote {
        /// The proposal's id, e.g. elections.
        id: String,
        /// The meeting date: the vote's effective date.
        #[arg(long, value_name = "DATE", value_parser = values::date)]
        meeting: Date,
        /// Members present in support.
        #[arg(long, value_delimiter = ',', value_parser = parsed::<Name>)]
        support: Vec<Name>,
        /// Members present against.
        #[arg(long, value_delimiter = ',', value_parser = parsed::<Name>)]
        oppose: Vec<Name>,
        /// Members present abstaining.
        #[arg(long, value_delimiter = ',', value_parser = parsed::<Name>)]
        abstain: Vec<Name>,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Schedule, list and show the Board's meetings (each named by its date).
    #[command(subcommand)]
    Meeting(board_meeting::MeetingCommand),
    /// Put items on a meeting's agenda.
    #[command(subcommand)]
    Agenda(board_meeting::AgendaCommand),
    /// Record who was present at a meeting and who sent apologies.
    Attend(board_meeting::AttendArgs),
    /// Draft a meeting's minutes and record their approval at a later meeting.
    #[command(subcommand)]
    Minutes(board_meeting::MinutesCommand),
}

/// Runs a `board` command.
pub async fn exec(g: &GlobalArgs, cmd: BoardCommand) -> Result<ExitCode, Failure> {
    let (id, meeting, support, oppose, abstain, change) = match cmd {
        BoardCommand::Vote {
            id,
            meeting,
            support,
            oppose,
            abstain,
            change,
        } => (id, meeting, support, oppose, abstain, change),
        BoardCommand::Meeting(c) => return board_meeting::meeting(g, c).await,
        BoardCommand::Agenda(c) => return board_meeting::agenda(g, c).await,
        BoardCommand::Attend(a) => return board_meeting::attend(g, a).await,
        BoardCommand::Minutes(c) => return board_meeting::minutes(g, c).await,
    };
    check(meeting, &support, &oppose, &abstain, &change)?;
    let mut session = context::session(g, OpenMode::Existing).await?;
    let args = VoteArgs {
        meeting,
        support,
        oppose,
        abstain,
    };
    let recorded = ops::vote(&mut session, &id, args, &change.change()).await?;
    output::emit(g.json, &recorded, human_recorded)?;
    super::finish(session).await
}
