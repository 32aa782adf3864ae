//! `concordat council decide`.

use super::common::{human_recorded, ChangeArgs, DecisionArg};
use super::GlobalArgs;
use crate::{context, output};
use clap::Subcommand;
use engine::store::OpenMode;
use engine::Failure;
use std::process::ExitCode;
use workflows::ops::council as ops;

/// The `council` command words.
#[derive(Debug, Subcommand)]
pub enum CouncilCommand {
    /// Record a council's decision (its clerk only); the date it was taken goes in --on.
    Decide {
        id: String,
        #[arg(long)]
        council: String,
        #[arg(long, value_enum)]
        decision: DecisionArg,
        /// The minute reference.
        #[arg(long)]
        minute: Option<String>,
        #[command(flatten)]
        change: ChangeArgs,
    },
}

/// Runs a `council` command.
pub async fn exec(g: &GlobalArgs, cmd: CouncilCommand) -> Result<ExitCode, Failure> {
    let mut session = context::session(g, OpenMode::Existing).await?;
    let recorded = match cmd {
        CouncilCommand::Decide {
            id,
            council,
            decision,
            minute,
            change,
        } => {
            ops::decide(
                &mut session,
                &id,
                &council,
                decision.decision(),
                minute.as_deref(),
                &change.change(),
            )
            .await?
        }
    };
    output::emit(g.json, &recorded, human_recorded)?;
    super::finish(session).await
}
