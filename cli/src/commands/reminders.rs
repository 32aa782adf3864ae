//! `concordat reminders list|ics`.

use super::GlobalArgs;
use crate::{context, output};
use clap::Subcommand;
use engine::store::OpenMode;
use engine::Failure;
use std::process::ExitCode;
use workflows::reminders::ReminderView;

/// The `reminders` command words.
#[derive(Debug, Subcommand)]
pub enum RemindersCommand {
    /// Reminders not yet fired that fall due up to --until, already-due ones included.
    List {
        /// The last date to include, in the partnership's time zone (default: 90 days from now).
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
    },
    /// An iCalendar (RFC 5545) feed of the next 12 months' reminders.
    Ics,
}

/// Runs a `reminders` command.
pub async fn exec(g: &GlobalArgs, cmd: RemindersCommand) -> Result<ExitCode, Failure> {
    let mut session = context::session(g, OpenMode::Existing).await?;
    match cmd {
        RemindersCommand::List { until } => {
            let list = workflows::ops::reminders::list(&mut session, until.as_deref()).await?;
            output::emit(g.json, &list, human)?;
        }
        RemindersCommand::Ics => {
            let feed = workflows::ops::reminders::ics(&mut session).await?;
            let doc = serde_json::json!({ "ics": feed });
            output::emit(g.json, &doc, |_| feed.clone())?;
        }
    }
    super::finish(session).await
}

fn human(list: &Vec<ReminderView>) -> String {
    if list.is_empty() {
        return "Nothing falls due in that time.".into();
    }
    let mut out = String::new();
    for r in list {
        out += &format!(
            "{}  {:<21} {}\n",
            r.due,
            r.kind.as_str(),
            output::field(&r.title)
        );
        out += &format!("{:27}{}\n", "", r.id);
    }
    out
}
