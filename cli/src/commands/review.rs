//! `concordat review record`.

use super::common::{human_recorded, ChangeArgs, OutcomeArg, ReviewKindArg};
use super::values::parsed;
use super::GlobalArgs;
use crate::{context, output};
use clap::Subcommand;
use engine::store::OpenMode;
use engine::Failure;
use std::process::ExitCode;
use workflows::ops::input::{Name, Text};
use workflows::ops::review as ops;

/// The `review` command words.
#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Record a council's review of a live shared service (its clerk only).
    Record {
        /// The proposal's id, e.g. elections.
        id: String,
        /// Which review this is.
        #[arg(long, value_enum)]
        kind: ReviewKindArg,
        /// The council reviewing, e.g. bromsgrove (the acting clerk's own).
        #[arg(long, value_parser = parsed::<Name>)]
        council: Name,
        /// What the council resolved for the service.
        #[arg(long, value_enum)]
        outcome: OutcomeArg,
        /// A summary of the review, as it should read in the record.
        #[arg(long, value_parser = parsed::<Text>)]
        summary: Option<Text>,
        #[command(flatten)]
        change: ChangeArgs,
    },
}

/// Runs a `review` command.
pub async fn exec(g: &GlobalArgs, cmd: ReviewCommand) -> Result<ExitCode, Failure> {
    let mut session = context::session(g, OpenMode::Existing).await?;
    let ReviewCommand::Record {
        id,
        kind,
        council,
        outcome,
        summary,
        change,
    } = cmd;
    let recorded = ops::record(
        &mut session,
        &id,
        kind.kind(),
        council,
        outcome.outcome(),
        summary,
        &change.change(),
    )
    .await?;
    output::emit(g.json, &recorded, human_recorded)?;
    super::finish(session).await
}
