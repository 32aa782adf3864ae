//! `concordat reminders list|ics`.

use super::{values, GlobalArgs};
use crate::{context, output};
use clap::{Args, Subcommand};
use engine::store::OpenMode;
use engine::Failure;
use jiff::civil::Date;
use std::process::ExitCode;
use workflows::reminders::ics::{self, BaseUrl};
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
    /// An iCalendar (RFC 5545) feed of the next 12 months' reminders (and those of the last 90
    /// days not yet fired).
    Ics(IcsArgs),
}

/// Arguments of `reminders ics`.
#[derive(Debug, Args)]
pub struct IcsArgs {
    /// The first date to include, in the partnership's time zone (default: --overdue-days before now).
    #[arg(long, value_name = "DATE", value_parser = values::date, conflicts_with = "overdue_days")]
    pub from: Option<Date>,
    /// The last date to include, in the partnership's time zone (default: 12 months from today).
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    pub until: Option<Date>,
    /// How many days back reminders already due and not yet fired are kept.
    #[arg(long, value_name = "DAYS", default_value_t = ics::OVERDUE_DAYS,
          value_parser = clap::value_parser!(u32).range(0..=i64::from(ics::MAX_OVERDUE_DAYS)))]
    pub overdue_days: u32,
    /// The web application's address (e.g. https://concordat.example.org): each event links to
    /// its page. Without it, events carry no link.
    #[arg(long, value_name = "URL", env = "CONCORDAT_BASE_URL", value_parser = values::parsed::<BaseUrl>)]
    pub base_url: Option<BaseUrl>,
}

/// Runs a `reminders` command.
pub async fn exec(g: &GlobalArgs, cmd: RemindersCommand) -> Result<ExitCode, Failure> {
    let mut session = context::session(g, OpenMode::Existing).await?;
    match cmd {
        RemindersCommand::List { until } => {
            let list = workflows::ops::reminders::list(&mut session, until.as_deref()).await?;
            output::emit(g.json, &list, human)?;
        }
        RemindersCommand::Ics(args) => {
            let request = ics::Request {
                from: args.from,
                until: args.until,
                overdue_days: Some(args.overdue_days),
                base_url: args.base_url,
            };
            let feed = workflows::ops::reminders::ics(&mut session, &request).await?;
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
