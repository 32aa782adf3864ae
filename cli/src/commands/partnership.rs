//! `concordat partnership show|amend|end`.

use super::values::parsed;
use super::GlobalArgs;
use crate::{context, output};
use clap::Subcommand;
use engine::store::OpenMode;
use engine::Failure;
use std::process::ExitCode;
use workflows::ops::init::PartnershipView;
use workflows::ops::input::Line;

/// The `partnership` command words.
#[derive(Debug, Subcommand)]
pub enum PartnershipCommand {
    /// Show the partnership as it stands today.
    Show,
    /// Record a new version of the partnership file, in force from --on (a council joins, the Board changes).
    Amend {
        /// The whole partnership file as it stands from that date.
        file: std::path::PathBuf,
        /// The date the amendment takes effect (default: today).
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
    },
    /// Record the partnership's end (an admin): after --on nothing falls due but the report of
    /// the quarter containing it.
    End {
        /// The date the partnership ends (default: today).
        #[arg(long, value_name = "DATE", value_parser = super::values::date)]
        on: Option<jiff::civil::Date>,
        /// The minute of the decision to end it.
        #[arg(long, value_parser = parsed::<Line>)]
        minute: Line,
    },
}

/// Runs a `partnership` command.
pub async fn exec(g: &GlobalArgs, cmd: PartnershipCommand) -> Result<ExitCode, Failure> {
    match cmd {
        PartnershipCommand::Show => {
            let mut session = context::session(g, OpenMode::Existing).await?;
            let view = workflows::ops::init::show(&mut session).await?;
            output::emit(g.json, &view, human)?;
            super::finish(session).await
        }
        PartnershipCommand::Amend { file, on } => {
            let text = std::fs::read_to_string(&file).map_err(|e| {
                Failure::usage(format!("cannot read {}: {e}", file.display()))
                    .with_detail("give the path of the amended partnership file")
            })?;
            let mut session = context::session(g, OpenMode::Existing).await?;
            let amended = workflows::ops::amend::amend(&mut session, &text, on.as_deref()).await?;
            output::emit(g.json, &amended, |a| {
                let mut out = format!(
                    "Partnership {} amended with effect from {} (seq {}):\n",
                    a.partnership, a.effective_on, a.seq
                );
                for c in &a.changes {
                    out += &format!("  {c}\n");
                }
                out
            })?;
            super::finish(session).await
        }
        PartnershipCommand::End { on, minute } => {
            let mut session = context::session(g, OpenMode::Existing).await?;
            let ended = workflows::ops::end::end(&mut session, on, minute).await?;
            output::emit(g.json, &ended, |e| {
                format!(
                    "Partnership {} ends on {} (minute: {}, seq {}): the report for {} is the last; nothing falls due after it\n",
                    output::field(&e.partnership),
                    e.effective_on,
                    output::field(&e.minute),
                    e.seq,
                    e.final_quarter
                )
            })?;
            super::finish(session).await
        }
    }
}

fn human(v: &PartnershipView) -> String {
    let p = &v.partnership;
    let mut out = format!(
        "{}\n  time zone {}, financial year from {}\n",
        output::field(&p.name),
        p.timezone,
        p.financial_year_start
    );
    out += "Councils and their Shared Services Board members:\n";
    for c in &p.councils {
        out += &format!(
            "  {:<14} {}  board: {}\n",
            c.id,
            output::field(&c.name),
            c.board.join(", ")
        );
    }
    out += &format!(
        "Board rule: consensus, else at least {} in support from each council\n",
        p.board_rule.min_support_per_council
    );
    if !p.unions.is_empty() {
        out += &format!("Recognised unions: {}\n", p.unions.join(", "));
    }
    out += "Actors:\n";
    for a in &p.actors {
        let roles: Vec<&str> = a.roles.iter().map(|r| r.as_str()).collect();
        let council = a
            .council
            .as_deref()
            .map(|c| format!(" of {c}"))
            .unwrap_or_default();
        out += &format!("  {:<14} {}{}\n", a.id, roles.join(", "), council);
    }
    out += &arrangements(p);
    out += &format!(
        "Quarterly reports: {}; milestone reminders {:?} days ahead\n",
        p.schedule.quarterly_report, p.schedule.milestone_lead_days
    );
    out += &format!(
        "Calendar domain: {}{}\n",
        p.calendar_domain(),
        if p.domain.is_none() {
            " (from the name)"
        } else {
            ""
        }
    );
    out += &match &p.checkpoint_key {
        Some(key) => format!("Checkpoint key: {key}\n"),
        None => "Checkpoint key: none (checkpoints are not signed)\n".to_string(),
    };
    for k in &v.checkpoint_key_changes {
        out += &format!("  from {}: {}\n", k.effective_on, k.change);
    }
    if let Some(end) = &v.ended {
        out += &format!(
            "Ended on {} (minute: {})\n",
            end.on,
            output::field(&end.minute)
        );
    }
    if !v.amendments.is_empty() {
        out += &format!("Amended with effect from: {}\n", v.amendments.join(", "));
    }
    out
}

/// The partnership's own arrangements under review, one line each (nothing when it names none).
fn arrangements(p: &workflows::partnership::Partnership) -> String {
    let mut out = String::new();
    if !p.arrangements.is_empty() {
        out += "Arrangements under review:\n";
    }
    for a in &p.arrangements {
        let then = a
            .then
            .map(|m| format!(", then every {m} months"))
            .unwrap_or_default();
        out += &format!(
            "  {:<14} {} (from {}): reviewed by {} after {} months{then}\n",
            a.id,
            a.title,
            a.started,
            a.reviewers(p).join(", "),
            a.reviews
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(" and ")
        );
    }
    out
}
