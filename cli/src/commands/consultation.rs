//! `concordat consultation open|respond|close`.

use super::common::{human_recorded, ChangeArgs};
use super::values::{self, parsed};
use super::GlobalArgs;
use crate::{context, output};
use clap::Subcommand;
use engine::store::OpenMode;
use engine::Failure;
use std::process::ExitCode;
use workflows::ops::consultation as ops;
use workflows::ops::input::{Name, Text};

/// The `consultation` command words.
#[derive(Debug, Subcommand)]
pub enum ConsultationCommand {
    /// Open a consultation with affected staff and the unions.
    Open {
        /// The proposal's id, e.g. elections.
        id: String,
        /// The parties consulted, e.g. staff,unison,gmb.
        #[arg(long, value_delimiter = ',', required = true, value_parser = parsed::<Name>)]
        with: Vec<Name>,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Record a party's response.
    Respond {
        /// The proposal's id, e.g. elections.
        id: String,
        /// The party responding, one of those consulted, e.g. unison.
        #[arg(long, value_parser = parsed::<Name>)]
        party: Name,
        /// A summary of the response, as it should read in the record.
        #[arg(long, value_parser = parsed::<Text>)]
        summary: Text,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Close the consultation.
    Close {
        /// The proposal's id, e.g. elections.
        id: String,
        #[command(flatten)]
        change: ChangeArgs,
    },
}

/// Runs a `consultation` command.
pub async fn exec(g: &GlobalArgs, cmd: ConsultationCommand) -> Result<ExitCode, Failure> {
    if let ConsultationCommand::Open { with, .. } = &cmd {
        let lower: Vec<Name> = with.iter().map(|p| Name(p.0.to_lowercase())).collect();
        values::once("--with", &lower)?;
    }
    let mut session = context::session(g, OpenMode::Existing).await?;
    let recorded = match cmd {
        ConsultationCommand::Open { id, with, change } => {
            ops::open(&mut session, &id, with, &change.change()).await?
        }
        ConsultationCommand::Respond {
            id,
            party,
            summary,
            change,
        } => ops::respond(&mut session, &id, party, summary, &change.change()).await?,
        ConsultationCommand::Close { id, change } => {
            ops::close(&mut session, &id, &change.change()).await?
        }
    };
    output::emit(g.json, &recorded, human_recorded)?;
    super::finish(session).await
}
