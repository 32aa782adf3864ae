//! `concordat funding record|list|position`: money from outside the councils and the programme's
//! net position.

use super::finance::human_finance;
use super::values::{self, parsed};
use super::GlobalArgs;
use crate::{context, output};
use clap::Subcommand;
use engine::store::OpenMode;
use engine::Failure;
use jiff::civil::Date;
use std::process::ExitCode;
use workflows::finance::funding::Funding;
use workflows::money::pounds;
use workflows::ops::funding::{self as ops, FundingInput, FundingRecordedOut};
use workflows::ops::input::{self, Amount, Line, Share};
use workflows::quarter::Quarter;
use workflows::words;

/// The `funding` command words.
#[derive(Debug, Subcommand)]
pub enum FundingCommand {
    /// Record money received from outside the councils (match funding, a regional grant), split
    /// between the councils: a proposal's by its cost shares, the programme's equally, unless
    /// --share is given.
    Record {
        /// Who gave it, e.g. "West Midlands regional efficiency partnership".
        #[arg(long, value_parser = parsed::<Line>)]
        source: Line,
        /// The amount in pounds: 40000, 40,000.00 or £40,000.
        #[arg(long, value_parser = parsed::<Amount>)]
        amount: Amount,
        /// The proposal it funds (none: the programme).
        #[arg(long, value_name = "ID")]
        proposal: Option<String>,
        /// COUNCIL=PERCENT of the funding (repeat; they must cover every council funded and sum to 100).
        #[arg(long, value_parser = parsed::<Share>)]
        share: Vec<Share>,
        /// The date it was received (YYYY-MM-DD; default: today in the partnership's time zone).
        #[arg(long, value_name = "DATE", value_parser = values::date)]
        on: Option<Date>,
    },
    /// Every funding recorded, oldest first.
    List,
    /// The programme's budget against actual, net position and payback, in total and per council.
    Position {
        /// As of the end of this financial quarter (default: the last quarter ended).
        #[arg(long, value_parser = parsed::<Quarter>)]
        quarter: Option<Quarter>,
    },
}

/// Runs a `funding` command.
pub async fn exec(g: &GlobalArgs, cmd: FundingCommand) -> Result<ExitCode, Failure> {
    let shares = match &cmd {
        FundingCommand::Record { share, .. } => input::shares(share.clone())?,
        _ => vec![],
    };
    let mut session = context::session(g, OpenMode::Existing).await?;
    match cmd {
        FundingCommand::Record {
            source,
            amount,
            proposal,
            on,
            ..
        } => {
            let input = FundingInput {
                source,
                amount,
                proposal,
                shares,
                on,
            };
            let r = ops::record(&mut session, input).await?;
            output::emit(g.json, &r, |r: &FundingRecordedOut| {
                format!(
                    "recorded (seq {}): {}\n",
                    r.seq,
                    output::field(&r.describe())
                )
            })?;
        }
        FundingCommand::List => {
            let all = ops::list(&mut session).await?;
            output::emit(g.json, &all, |all| human_list(all))?;
        }
        FundingCommand::Position { quarter } => {
            let f = workflows::ops::finance::programme(&mut session, quarter).await?;
            output::emit(g.json, &f, human_finance)?;
        }
    }
    super::finish(session).await
}

fn human_list(all: &[Funding]) -> String {
    if all.is_empty() {
        return "No funding recorded.\n".into();
    }
    all.iter()
        .map(|f| {
            let parts: Vec<String> = f
                .recorded
                .by_council
                .iter()
                .map(|(c, m)| format!("{} {}", output::field(c), pounds(*m)))
                .collect();
            format!(
                "{}  {}  {} towards {} ({})\n",
                words::date(f.on),
                output::field(&f.recorded.source),
                pounds(f.recorded.amount),
                output::field(f.recorded.proposal.as_deref().unwrap_or("the programme")),
                parts.join(", ")
            )
        })
        .collect()
}
