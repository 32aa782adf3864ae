//! `concordat risk add|update|close|list|show`: the risk register.

use super::common::ChangeArgs;
use super::values::{self, parsed};
use super::GlobalArgs;
use crate::context;
use crate::output::{self, field};
use clap::{ArgGroup, Subcommand};
use engine::store::OpenMode;
use engine::Failure;
use jiff::civil::Date;
use std::process::ExitCode;
use workflows::ops::input::{Id, Line, Text};
use workflows::ops::risk::{self as ops, RiskInput, RiskRecorded};
use workflows::risk::decide::RiskChanges;
use workflows::risk::{Rating, Risk, Status};
use workflows::words::date;

/// The `risk` command words.
#[derive(Debug, Subcommand)]
pub enum RiskCommand {
    /// Enter a risk in the register: the programme's, or a proposal's with --proposal. Its id is
    /// given in the order entered (risk-1, risk-2, …); its score is likelihood × impact.
    Add {
        /// What might happen, e.g. "Election staff lose access during the move".
        #[arg(long, value_parser = parsed::<Line>)]
        title: Line,
        /// The proposal it belongs to, e.g. elections (none: a programme risk).
        #[arg(long)]
        proposal: Option<String>,
        /// How likely it is, 1 (rare) to 5 (almost certain).
        #[arg(long, value_parser = parsed::<Rating>)]
        likelihood: Rating,
        /// How bad it would be, 1 (negligible) to 5 (severe).
        #[arg(long, value_parser = parsed::<Rating>)]
        impact: Rating,
        /// The actor who manages it (an actor of the partnership), e.g. jce.
        #[arg(long, value_parser = parsed::<Id>)]
        owner: Id,
        /// What is done to make it less likely or less harmful.
        #[arg(long, value_parser = parsed::<Text>)]
        mitigation: Text,
        /// The date it is next reviewed (YYYY-MM-DD); a reminder falls due at 09:00 that day.
        #[arg(long, value_name = "DATE", value_parser = values::date)]
        review: Date,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Re-rate a risk, or change its owner, mitigation or review date (its history keeps each).
    #[command(group(ArgGroup::new("what").required(true).multiple(true)
        .args(["likelihood", "impact", "owner", "mitigation", "review"])))]
    Update {
        /// The risk's id, e.g. risk-1.
        id: String,
        /// How likely it is now, 1 to 5.
        #[arg(long, value_parser = parsed::<Rating>)]
        likelihood: Option<Rating>,
        /// How bad it would be now, 1 to 5.
        #[arg(long, value_parser = parsed::<Rating>)]
        impact: Option<Rating>,
        /// The actor who manages it from now on.
        #[arg(long, value_parser = parsed::<Id>)]
        owner: Option<Id>,
        /// The mitigation from now on.
        #[arg(long, value_parser = parsed::<Text>)]
        mitigation: Option<Text>,
        /// The next review date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = values::date)]
        review: Option<Date>,
        /// Why, as it should read in the risk's history.
        #[arg(long, value_parser = parsed::<Text>)]
        reason: Option<Text>,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Close a risk that no longer needs managing (its review reminder is cancelled).
    Close {
        /// The risk's id, e.g. risk-1.
        id: String,
        /// Why it is closed.
        #[arg(long, value_parser = parsed::<Text>)]
        reason: Text,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// List the register: open risks first, highest score first.
    List {
        /// Only this proposal's risks.
        #[arg(long)]
        proposal: Option<String>,
        /// Only risks scoring at least this (1 to 25).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=25))]
        min_score: Option<u8>,
    },
    /// Show one risk with its history.
    Show {
        /// The risk's id, e.g. risk-1.
        id: String,
    },
}

/// Runs a `risk` command.
pub async fn exec(g: &GlobalArgs, cmd: RiskCommand) -> Result<ExitCode, Failure> {
    let mut session = context::session(g, OpenMode::Existing).await?;
    let recorded = match cmd {
        RiskCommand::Add {
            title,
            proposal,
            likelihood,
            impact,
            owner,
            mitigation,
            review,
            change,
        } => {
            let input = RiskInput {
                title,
                proposal,
                likelihood,
                impact,
                owner,
                mitigation,
                review,
            };
            ops::add(&mut session, input, &change.change()).await?
        }
        RiskCommand::Update {
            id,
            likelihood,
            impact,
            owner,
            mitigation,
            review,
            reason,
            change,
        } => {
            let changes = RiskChanges {
                likelihood,
                impact,
                owner: owner.map(|o| o.0),
                mitigation: mitigation.map(|m| m.0),
                review,
                reason: reason.map(|r| r.0),
            };
            ops::update(&mut session, &id, changes, &change.change()).await?
        }
        RiskCommand::Close { id, reason, change } => {
            ops::close(&mut session, &id, reason, &change.change()).await?
        }
        RiskCommand::List {
            proposal,
            min_score,
        } => {
            let all = ops::list(&mut session, proposal.as_deref(), min_score).await?;
            output::emit(g.json, &all, |all| human_list(all))?;
            return super::finish(session).await;
        }
        RiskCommand::Show { id } => {
            let risk = ops::show(&mut session, &id).await?;
            output::emit(g.json, &risk, human_show)?;
            return super::finish(session).await;
        }
    };
    output::emit(g.json, &recorded, human_recorded)?;
    super::finish(session).await
}

fn of(proposal: Option<&str>) -> String {
    proposal.map_or_else(|| "the programme".into(), |p| format!("proposal {p}"))
}

fn human_recorded(r: &RiskRecorded) -> String {
    format!(
        "{} ({}): {}\n{} is at version {} (taken {}, recorded {}, seq {})",
        r.id,
        of(r.proposal.as_deref()),
        field(&workflows::risk::events::describe(&r.event, &r.data).unwrap_or_default()),
        r.stream,
        r.version,
        r.effective_on,
        r.recorded_at,
        r.seq
    )
}

fn status(s: Status) -> &'static str {
    match s {
        Status::Open => "open",
        Status::Closed => "closed",
    }
}

fn human_list(all: &[Risk]) -> String {
    if all.is_empty() {
        return "no risks\n".into();
    }
    let mut out = String::new();
    for r in all {
        out += &format!(
            "{} [{}] score {:>2} (likelihood {} × impact {}), {}: {} — owner {}, review {}\n",
            r.id,
            of(r.proposal.as_deref()),
            r.score,
            r.likelihood,
            r.impact,
            status(r.status),
            field(&r.title),
            r.owner,
            date(r.review)
        );
    }
    out
}

fn human_show(r: &Risk) -> String {
    let mut out = format!(
        "{}: {}\nof {}; {}\nscore {} (likelihood {} × impact {}); owner {}\nmitigation: {}\nnext review: {}\nhistory:\n",
        r.id,
        field(&r.title),
        of(r.proposal.as_deref()),
        status(r.status),
        r.score,
        r.likelihood,
        r.impact,
        r.owner,
        field(&r.mitigation),
        date(r.review)
    );
    for h in &r.history {
        let changed = if h.changed.is_empty() {
            String::new()
        } else {
            format!(" ({})", h.changed.join(", "))
        };
        out += &format!(
            "  {} {}{changed} by {}: score {} ({} × {}), {}{} [recorded {}, seq {}]\n",
            date(h.on),
            h.event,
            h.by,
            h.score,
            h.likelihood,
            h.impact,
            status(h.status),
            h.reason
                .as_deref()
                .map(|r| format!(": {}", field(r)))
                .unwrap_or_default(),
            h.recorded_at,
            h.seq
        );
    }
    out
}
