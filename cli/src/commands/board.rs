//! `concordat board vote`.

use super::common::{human_recorded, ChangeArgs};
use super::GlobalArgs;
use crate::{context, output};
use clap::Subcommand;
use engine::store::OpenMode;
use engine::Failure;
use std::process::ExitCode;
use workflows::ops::board::{self as ops, VoteArgs};

/// The `board` command words.
#[derive(Debug, Subcommand)]
pub enum BoardCommand {
    /// Record the members present at one Board meeting and how they voted, as minuted.
    Vote {
        id: String,
        /// The meeting date: the vote's effective date.
        #[arg(long, value_name = "DATE")]
        meeting: String,
        /// Members present in support.
        #[arg(long, value_delimiter = ',')]
        support: Vec<String>,
        /// Members present against.
        #[arg(long, value_delimiter = ',')]
        oppose: Vec<String>,
        /// Members present abstaining.
        #[arg(long, value_delimiter = ',')]
        abstain: Vec<String>,
        #[command(flatten)]
        change: ChangeArgs,
    },
}

/// Runs a `board` command.
pub async fn exec(g: &GlobalArgs, cmd: BoardCommand) -> Result<ExitCode, Failure> {
    let mut session = context::session(g, OpenMode::Existing).await?;
    let BoardCommand::Vote {
        id,
        meeting,
        support,
        oppose,
        abstain,
        change,
    } = cmd;
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
