//! `concordat monitor kpi|record|saving|cost|position`.

use super::common::{human_recorded, ChangeArgs};
use super::values::parsed;
use super::GlobalArgs;
use crate::{context, output};
use clap::Subcommand;
use engine::store::OpenMode;
use engine::Failure;
use std::process::ExitCode;
use workflows::ops::input::{Line, Number, SignedAmount, Text};
use workflows::ops::monitor as ops;
use workflows::proposal::rag::Direction;
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
        /// Where the indicator stood before the service, e.g. 1.45.
        #[arg(long, allow_hyphen_values = true, value_parser = parsed::<Number>)]
        baseline: Option<Number>,
        /// Which way is better: higher (the default) or lower. The status is green on or beyond
        /// the target, amber within 10% of it, red beyond that.
        #[arg(long, value_enum)]
        direction: Option<DirectionArg>,
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
    /// Record a quarter's saving (or shortfall) once the quarter has ended; it is split between the
    /// councils by the business case's shares. A second figure for a quarter needs --correct.
    Saving {
        /// The proposal's id, e.g. elections.
        id: String,
        /// The financial quarter, e.g. 2008/09-Q4.
        #[arg(long, value_parser = parsed::<Quarter>)]
        quarter: Quarter,
        /// The saving in the quarter, in pounds: 1500, 1500.50, 1,500.00 or £1,500; negative
        /// (e.g. -250) for a shortfall, which needs --reason. The quarter must have ended by --on.
        #[arg(long, allow_hyphen_values = true, value_parser = parsed::<SignedAmount>)]
        amount: SignedAmount,
        /// Replace the figure already recorded for the quarter (the history keeps both; the
        /// correction is the one that counts). Needs --reason.
        #[arg(long, requires = "reason")]
        correct: bool,
        /// Why: required with --correct and for a shortfall.
        #[arg(long, value_parser = parsed::<Text>)]
        reason: Option<Text>,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Record a quarter's cost once the quarter has ended; it is split between the councils by
    /// the cost shares in force (equal unless the business case gave --cost-share).
    Cost(super::finance::CostCmd),
    /// Budget against actual, net position and payback of a proposal, in total and per council.
    Position(super::finance::PositionCmd),
}

/// Runs a `monitor` command.
pub async fn exec(g: &GlobalArgs, cmd: MonitorCommand) -> Result<ExitCode, Failure> {
    let mut session = context::session(g, OpenMode::Existing).await?;
    let recorded = match cmd {
        MonitorCommand::Cost(c) => super::finance::cost(&mut session, c).await?,
        MonitorCommand::Position(p) => return super::finance::position(g, session, p).await,
        MonitorCommand::Kpi {
            id,
            name,
            target,
            unit,
            baseline,
            direction,
            change,
        } => {
            let input = ops::KpiInput {
                name,
                target,
                unit,
                baseline,
                direction: direction.map(DirectionArg::direction),
            };
            ops::define_kpi(&mut session, &id, input, &change.change()).await?
        }
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
            correct,
            reason,
            change,
        } => {
            let note = ops::SavingNote { correct, reason };
            ops::saving_with(&mut session, &id, quarter, amount, note, &change.change()).await?
        }
    };
    output::emit(g.json, &recorded, human_recorded)?;
    super::finish(session).await
}

/// Which way an indicator improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DirectionArg {
    /// More is better.
    Higher,
    /// Less is better.
    Lower,
}

impl DirectionArg {
    /// The library's direction.
    pub fn direction(self) -> Direction {
        match self {
            DirectionArg::Higher => Direction::Higher,
            DirectionArg::Lower => Direction::Lower,
        }
    }
}
