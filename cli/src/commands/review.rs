//! `concordat review record`: a council's review of a live shared service, or (with
//! `--arrangement`) of an arrangement of the partnership itself.

use super::common::{human_recorded, ChangeArgs, OutcomeArg, ReviewKindArg};
use super::values::parsed;
use super::GlobalArgs;
use crate::{context, output};
use clap::Subcommand;
use engine::store::OpenMode;
use engine::Failure;
use std::process::ExitCode;
use workflows::ops::arrangement::{self as arrangement_ops, ArrangementRecorded};
use workflows::ops::input::{Id, Name, Text};
use workflows::ops::review as ops;

/// The `review` command words.
#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Record a council's review of a live shared service, or of an arrangement of the
    /// partnership with --arrangement (the council's clerk only).
    Record {
        /// The proposal's id, e.g. elections (not with --arrangement).
        #[arg(required_unless_present = "arrangement")]
        id: Option<String>,
        /// Which review of the service this is (not with --arrangement: its schedule says).
        #[arg(long, value_enum, required_unless_present = "arrangement")]
        kind: Option<ReviewKindArg>,
        /// An arrangement of the partnership file instead of a service, e.g. joint-chief-executive.
        #[arg(long, value_name = "ID", value_parser = parsed::<Id>, conflicts_with_all = ["id", "kind"])]
        arrangement: Option<Id>,
        /// The council reviewing, e.g. bromsgrove (the acting clerk's own).
        #[arg(long, value_parser = parsed::<Name>)]
        council: Name,
        /// What the council resolved.
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
        arrangement,
        council,
        outcome,
        summary,
        change,
    } = cmd;
    match (arrangement, id, kind) {
        (Some(arrangement), _, _) => {
            let recorded = arrangement_ops::record_review(
                &mut session,
                &arrangement.0,
                council,
                outcome.outcome(),
                summary,
                &change.change(),
            )
            .await?;
            output::emit(g.json, &recorded, human_arrangement)?;
        }
        (None, Some(id), Some(kind)) => {
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
        }
        _ => unreachable!("clap requires a proposal and --kind without --arrangement"),
    }
    super::finish(session).await
}

fn human_arrangement(r: &ArrangementRecorded) -> String {
    format!(
        "{}: {}\narrangement {} is at version {} (taken {}, recorded {}, seq {})",
        r.id,
        r.describe(),
        r.id,
        r.version,
        r.effective_on,
        r.recorded_at,
        r.seq
    )
}
