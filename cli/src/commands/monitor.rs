//! `concordat monitor kpi|record|saving`.

use super::common::{human_recorded, ChangeArgs};
use super::values::parsed;
use super::GlobalArgs;
use crate::{context, output};
use clap::Subcommand;
use engine::store::OpenMode;
use engine::Failure;
use std::process::ExitCode;
use workflows::ops::input::{Amount, Line, Number};
use workflows::ops::monitor as ops;
use workflows::quarter::Quarter;

/// The `monitor` command words.
#[derive(Debug, Subcommand)]
pub enum MonitorCommand {
    /// Define a performance indicator (or change its target).
    Kpi {
        /// The proposal's id, e.g. elections.
        id: String,
        /// The indicator's name, e.g. "Cost per elector".
        #[arg(long, value_parser = parsed::<Line>)]
        name: Line,
        /// The target value, e.g. 1.20.
        #[arg(long, allow_hyphen_values = true, value_parser = parsed::<Number>)]
        target: Number,
        /// The unit the indicator is measured in, e.g. GBP or %.
        #[arg(long, value_parser = parsed::<Line>)]
        unit: Option<Line>,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Record an indicator's value for a financial quarter (e.g. 2008/09-Q3).
    Record {
        /// The proposal's id, e.g. elections.
        id: String,
        /// The indicator's name, as defined with `monitor kpi`.
        #[arg(long, value_parser = parsed::<Line>)]
        name: Line,
        /// The financial quarter, e.g. 2009/10-Q1.
        #[arg(long, value_parser = parsed::<Quarter>)]
        quarter: Quarter,
        /// The value measured in that quarter, e.g. 1.15.
        #[arg(long, allow_hyphen_values = true, value_parser = parsed::<Number>)]
        value: Number,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Record a quarter's saving; it is split between the councils by the business case's shares.
    Saving {
        /// The proposal's id, e.g. elections.
        id: String,
        /// The financial quarter, e.g. 2008/09-Q4.
        #[arg(long, value_parser = parsed::<Quarter>)]
        quarter: Quarter,
        /// The saving in the quarter, in pounds.
        #[arg(long, allow_hyphen_values = true, value_parser = parsed::<Amount>)]
        amount: Amount,
        #[command(flatten)]
        change: ChangeArgs,
    },
}

/// Runs a `monitor` command.
pub async fn exec(g: &GlobalArgs, cmd: MonitorCommand) -> Result<ExitCode, Failure> {
    let mut session = context::session(g, OpenMode::Existing).await?;
    let recorded = match cmd {
        MonitorCommand::Kpi {
            id,
            name,
            target,
            unit,
            change,
        } => ops::kpi(&mut session, &id, name, target, unit, &change.change()).await?,
        MonitorCommand::Record {
            id,
            name,
            quarter,
            value,
            change,
        } => ops::record(&mut session, &id, name, quarter, value, &change.change()).await?,
        MonitorCommand::Saving {
            id,
            quarter,
            amount,
            change,
        } => ops::saving(&mut session, &id, quarter, amount, &change.change()).await?,
    };
    output::emit(g.json, &recorded, human_recorded)?;
    super::finish(session).await
}
