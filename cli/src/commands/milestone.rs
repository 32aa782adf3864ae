//! `concordat milestone add|amend|complete|list`.

use super::common::ChangeArgs;
use super::values::{self, parsed};
use super::GlobalArgs;
use crate::{context, output};
use clap::Subcommand;
use engine::store::OpenMode;
use engine::Failure;
use jiff::civil::Date;
use std::process::ExitCode;
use workflows::milestone::Milestone;
use workflows::ops::input::{Id, Line, Text};
use workflows::ops::milestone::{self as ops, MilestoneRecorded};

/// The `milestone` command words.
#[derive(Debug, Subcommand)]
pub enum MilestoneCommand {
    /// Add a programme milestone, or one of a proposal with --proposal.
    Add {
        /// The milestone's id (unique across programme and proposal milestones).
        #[arg(value_parser = parsed::<Id>)]
        milestone_id: Id,
        /// The milestone's title, e.g. "Phase 2 business cases".
        #[arg(long, value_parser = parsed::<Line>)]
        title: Line,
        /// The date it is due (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = values::date)]
        due: Date,
        /// The proposal it belongs to, e.g. elections (none: a programme milestone).
        #[arg(long)]
        proposal: Option<String>,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Move a milestone's due date; the original date, who, when and why are kept.
    Amend {
        /// The milestone's id, e.g. phase-2.
        id: String,
        /// The new due date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = values::date)]
        due: Date,
        /// Why it moved, as it should read in the record.
        #[arg(long, value_parser = parsed::<Text>)]
        reason: Text,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Mark a milestone completed.
    Complete {
        /// The milestone's id, e.g. phase-2.
        id: String,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// List every milestone with its original and amended dates.
    List,
}

/// Runs a `milestone` command.
pub async fn exec(g: &GlobalArgs, cmd: MilestoneCommand) -> Result<ExitCode, Failure> {
    let mut session = context::session(g, OpenMode::Existing).await?;
    let recorded = match cmd {
        MilestoneCommand::Add {
            milestone_id,
            title,
            due,
            proposal,
            change,
        } => {
            ops::add(
                &mut session,
                &milestone_id,
                title,
                due,
                proposal.as_deref(),
                &change.change(),
            )
            .await?
        }
        MilestoneCommand::Amend {
            id,
            due,
            reason,
            change,
        } => ops::amend(&mut session, &id, due, reason, &change.change()).await?,
        MilestoneCommand::Complete { id, change } => {
            ops::complete(&mut session, &id, &change.change()).await?
        }
        MilestoneCommand::List => {
            let all = ops::list(&mut session).await?;
            output::emit(g.json, &all, |m| human_list(m))?;
            return super::finish(session).await;
        }
    };
    output::emit(g.json, &recorded, human_recorded)?;
    super::finish(session).await
}

fn human_recorded(r: &MilestoneRecorded) -> String {
    let of = r
        .proposal
        .as_deref()
        .map(|p| format!(" of proposal {p}"))
        .unwrap_or_else(|| " (programme)".into());
    format!(
        "milestone {}{of}: {}\ndue {}; {} is at version {} (taken {}, recorded {}, seq {})",
        r.id,
        workflows::proposal::describe::describe(&r.event, &r.data),
        r.due,
        r.stream,
        r.version,
        r.effective_on,
        r.recorded_at,
        r.seq
    )
}

fn human_list(all: &[Milestone]) -> String {
    if all.is_empty() {
        return "no milestones\n".into();
    }
    let mut out = String::new();
    for m in all {
        let of = m
            .proposal
            .as_deref()
            .map(|p| format!(" [{p}]"))
            .unwrap_or_default();
        let state = match &m.completed {
            Some(c) => format!("completed {} by {}", c.on, c.by),
            None => "open".into(),
        };
        out += &format!(
            "{}{of}: {} — due {}, {state}\n",
            m.id,
            crate::output::field(&m.title),
            m.due
        );
        if !m.amendments.is_empty() {
            out += &format!("    originally due {}\n", m.original_due);
        }
        for a in &m.amendments {
            out += &format!(
                "    moved {} → {} by {} on {} (recorded {}): {}\n",
                a.from, a.to, a.by, a.on, a.recorded_at, a.reason
            );
        }
    }
    out
}
