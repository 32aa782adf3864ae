//! `concordat board meeting|agenda|attend|minutes`: the Board's meetings (the rules are in
//! `workflows::board`; this parses and prints).

use super::common::ChangeArgs;
use super::values::{self, parsed};
use super::GlobalArgs;
use crate::{context, output};
use clap::{Args, Subcommand};
use engine::store::OpenMode;
use engine::Failure;
use jiff::civil::{Date, Time};
use std::path::PathBuf;
use std::process::ExitCode;
use workflows::ops::board_meeting::{self as ops, MeetingRecorded, MeetingView};
use workflows::ops::input::{Name, Text};
use workflows::words;

/// A time `HH:MM` (24-hour clock).
fn time(text: &str) -> Result<Time, String> {
    workflows::board::cycle::parse_time(text)
}

/// `board meeting …`.
#[derive(Debug, Subcommand)]
pub enum MeetingCommand {
    /// Schedule a meeting (named by its date); time and venue default to the partnership's cycle.
    Schedule {
        /// The meeting's date.
        #[arg(long, value_name = "DATE", value_parser = values::date)]
        on: Date,
        /// Its start, HH:MM local (default: board_cycle.at, else 17:30).
        #[arg(long, value_name = "HH:MM", value_parser = time)]
        at: Option<Time>,
        /// The host council (default: the council after the last meeting's venue).
        #[arg(long, value_name = "COUNCIL")]
        venue: Option<String>,
        /// The date it was decided (default: today).
        #[arg(long = "decided-on", value_name = "DATE", value_parser = values::date)]
        decided_on: Option<Date>,
        /// Refuse (exit 4) unless the meeting is still at this version (0: not yet scheduled).
        #[arg(long, value_name = "N", value_parser = super::common::version)]
        expect_version: Option<u64>,
    },
    /// Every scheduled meeting, then the cycle's next (computed, not recorded).
    List,
    /// One meeting: agenda, attendance and minutes.
    Show {
        /// The meeting's date.
        #[arg(value_parser = values::date)]
        meeting: Date,
    },
}

/// `board agenda …`.
#[derive(Debug, Subcommand)]
pub enum AgendaCommand {
    /// Put a proposal on a meeting's agenda, public unless exempt.
    Add {
        /// The meeting's date.
        #[arg(value_parser = values::date)]
        meeting: Date,
        /// The proposal's id.
        #[arg(long, value_name = "ID")]
        proposal: String,
        /// An exempt item (the public excluded): why, e.g. "information about an individual".
        #[arg(long, value_name = "REASON", value_parser = parsed::<Text>)]
        exempt: Option<Text>,
        #[command(flatten)]
        change: ChangeArgs,
    },
}

/// `board attend MEETING --present … [--apologies …]`.
#[derive(Debug, Args)]
pub struct AttendArgs {
    /// The meeting's date.
    #[arg(value_parser = values::date)]
    meeting: Date,
    /// Members present.
    #[arg(long, value_delimiter = ',', value_parser = parsed::<Name>, required = true)]
    present: Vec<Name>,
    /// Members who sent apologies.
    #[arg(long, value_delimiter = ',', value_parser = parsed::<Name>)]
    apologies: Vec<Name>,
    #[command(flatten)]
    change: ChangeArgs,
}

/// `board minutes …`.
#[derive(Debug, Subcommand)]
pub enum MinutesCommand {
    /// Record the draft minutes of a meeting from a text file.
    Draft {
        /// The meeting's date.
        #[arg(value_parser = values::date)]
        meeting: Date,
        /// The minutes, a UTF-8 text file.
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Record the minutes approved at a later meeting.
    Approve {
        /// The meeting minuted.
        #[arg(value_parser = values::date)]
        meeting: Date,
        /// The later meeting that approved them.
        #[arg(long, value_name = "LATER_MEETING", value_parser = values::date)]
        at: Date,
        #[command(flatten)]
        change: ChangeArgs,
    },
}

/// Runs `board meeting …`.
pub async fn meeting(g: &GlobalArgs, cmd: MeetingCommand) -> Result<ExitCode, Failure> {
    let mut session = context::session(g, OpenMode::Existing).await?;
    match cmd {
        MeetingCommand::Schedule {
            on,
            at,
            venue,
            decided_on,
            expect_version,
        } => {
            let c = workflows::ops::change::Change {
                on: decided_on,
                expect_version,
            };
            let r = ops::schedule(&mut session, on, at, venue.as_deref(), &c).await?;
            output::emit(g.json, &r, human_recorded)?;
        }
        MeetingCommand::List => {
            // A registered actor named with --as reads exempt items' reasons (checked by `list`).
            let signed_in = session.actor.is_some();
            let all = ops::list(&mut session, signed_in).await?;
            output::emit(g.json, &all, |all| human_list(all))?;
        }
        MeetingCommand::Show { meeting } => {
            let signed_in = session.actor.is_some();
            let m = ops::show(&mut session, meeting, signed_in).await?;
            output::emit(g.json, &m, human_show)?;
        }
    }
    super::finish(session).await
}

/// Runs `board agenda …`.
pub async fn agenda(g: &GlobalArgs, cmd: AgendaCommand) -> Result<ExitCode, Failure> {
    let AgendaCommand::Add {
        meeting,
        proposal,
        exempt,
        change,
    } = cmd;
    let mut session = context::session(g, OpenMode::Existing).await?;
    let r = ops::agenda_add(&mut session, meeting, &proposal, exempt, &change.change()).await?;
    output::emit(g.json, &r, human_recorded)?;
    super::finish(session).await
}

/// Runs `board attend …`.
pub async fn attend(g: &GlobalArgs, a: AttendArgs) -> Result<ExitCode, Failure> {
    values::once("--present", &a.present)?;
    values::once("--apologies", &a.apologies)?;
    if let Some(on) = a.change.on.filter(|on| *on != a.meeting) {
        return Err(Failure::usage(format!(
            "--on {on} differs from the meeting's date {}",
            a.meeting
        ))
        .with_detail("attendance takes effect on the meeting's date: leave out --on"));
    }
    let mut session = context::session(g, OpenMode::Existing).await?;
    let c = a.change.change();
    let r = ops::attend(&mut session, a.meeting, a.present, a.apologies, &c).await?;
    output::emit(g.json, &r, human_recorded)?;
    super::finish(session).await
}

/// Runs `board minutes …`.
pub async fn minutes(g: &GlobalArgs, cmd: MinutesCommand) -> Result<ExitCode, Failure> {
    match cmd {
        MinutesCommand::Draft {
            meeting,
            file,
            change,
        } => {
            let text = std::fs::read_to_string(&file).map_err(|e| {
                Failure::usage(format!(
                    "cannot read the minutes from {}: {e}",
                    file.display()
                ))
                .with_detail("give --file a readable UTF-8 text file")
            })?;
            let mut session = context::session(g, OpenMode::Existing).await?;
            let r = ops::minutes_draft(&mut session, meeting, &text, &change.change()).await?;
            output::emit(g.json, &r, human_recorded)?;
            super::finish(session).await
        }
        MinutesCommand::Approve {
            meeting,
            at,
            change,
        } => {
            if let Some(on) = change.on.filter(|on| *on != at) {
                return Err(Failure::usage(format!("--on {on} differs from --at {at}"))
                    .with_detail(
                        "an approval takes effect on the approving meeting's date: leave out --on",
                    ));
            }
            let mut session = context::session(g, OpenMode::Existing).await?;
            let r = ops::minutes_approve(&mut session, meeting, at, &change.change()).await?;
            output::emit(g.json, &r, human_recorded)?;
            super::finish(session).await
        }
    }
}

fn human_recorded(r: &MeetingRecorded) -> String {
    format!(
        "Board meeting of {}: {}\n{} is at version {} (taken {}, recorded {}, seq {})",
        words::date_text(&r.meeting),
        r.event,
        r.stream,
        r.version,
        r.effective_on,
        r.recorded_at,
        r.seq
    )
}

fn line(m: &MeetingView) -> String {
    let chair = m
        .chair
        .as_deref()
        .map(|c| format!(", chair {c}"))
        .unwrap_or_default();
    let state = if !m.scheduled {
        " — the cycle's next meeting (not scheduled)".to_string()
    } else {
        let attendance = match &m.attendance {
            Some(a) => format!(
                "{} present, {} apologies{}",
                a.present.len(),
                a.apologies.len(),
                if a.quorate { "" } else { ", not quorate" }
            ),
            None => "attendance not recorded".into(),
        };
        let items = match m.agenda.len() {
            1 => "1 agenda item".to_string(),
            n => format!("{n} agenda items"),
        };
        format!(" — {items}; {attendance}; minutes {}", m.minutes)
    };
    format!(
        "{} {} at {}{chair}{state}",
        m.meeting,
        m.at,
        output::field(&m.venue_name)
    )
}

fn human_list(all: &[MeetingView]) -> String {
    if all.is_empty() {
        return "no Board meetings scheduled\n".into();
    }
    all.iter().map(|m| line(m) + "\n").collect()
}

fn human_show(m: &MeetingView) -> String {
    let mut out = line(m) + "\n";
    out += &format!("agenda due {}\n", m.agenda_due);
    for i in &m.agenda {
        let exempt = match (i.exempt, &i.reason) {
            (false, _) => String::new(),
            (true, Some(r)) => format!(" (exempt: {})", output::field(r)),
            (true, None) => " (exempt)".into(),
        };
        out += &format!("  item: {}{exempt}\n", i.proposal);
    }
    if let Some(a) = &m.attendance {
        out += &format!("present: {}\n", a.present.join(", "));
        out += &format!("apologies: {}\n", a.apologies.join(", "));
        let absent = if a.absent.is_empty() {
            "none".to_string()
        } else {
            a.absent.join(", ")
        };
        out += &format!("absent: {absent}\n");
    }
    if let Some(at) = &m.minutes_approved_at {
        out += &format!("minutes approved at the meeting of {at}\n");
    }
    out
}
