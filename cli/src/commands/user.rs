//! `concordat user add|reset|remove ACTOR`: web accounts. The password is read from a file, the
//! terminal or standard input — never from the command line, where other users can see it.

use super::GlobalArgs;
use crate::web::password;
use crate::{context, output};
use clap::{Args, Subcommand};
use engine::accounts::open_accounts;
use engine::store::OpenMode;
use engine::Failure;
use std::path::PathBuf;
use std::process::ExitCode;
use workflows::ops::account::{self as ops, AccountChange, AccountRecorded};

/// `user` subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Give an actor of the partnership a password to sign in on the web with.
    Add(PasswordArgs),
    /// Replace an actor's web password.
    Reset(PasswordArgs),
    /// Remove an actor's web account.
    Remove {
        /// The actor id.
        actor: String,
    },
}

/// The actor, and where the password comes from.
#[derive(Debug, Args)]
pub struct PasswordArgs {
    /// The actor id (from the partnership file).
    actor: String,
    /// Read the password from the first line of this file (default: ask, or read standard input).
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
}

/// Runs a `user` subcommand.
pub async fn exec(g: &GlobalArgs, cmd: UserCommand) -> Result<ExitCode, Failure> {
    let mut session = context::session(g, OpenMode::Existing).await?;
    let location = context::store_location(g)?;
    let (target, change, password_file) = match &cmd {
        UserCommand::Add(a) => (&a.actor, AccountChange::Added, Some(&a.password_file)),
        UserCommand::Reset(a) => (&a.actor, AccountChange::Reset, Some(&a.password_file)),
        UserCommand::Remove { actor } => (actor, AccountChange::Removed, None),
    };
    // Who may, and for whom, before a password is asked for.
    let by = ops::check(&mut session, target).await?;
    let accounts = open_accounts(&location).await?;
    let exists = accounts.get(target).await?.is_some();
    match (change, exists) {
        (AccountChange::Added, true) => {
            return Err(
                Failure::conflict(format!("{target:?} has an account already")).with_detail(
                    format!("change its password with `concordat user reset {target}`"),
                ),
            )
        }
        (AccountChange::Reset | AccountChange::Removed, false) => {
            return Err(Failure::refused(format!("{target:?} has no account"))
                .with_detail(format!("make one with `concordat user add {target}`")))
        }
        _ => {}
    }
    match password_file {
        Some(file) => {
            let hash = password::hash(&password::read_new(file.as_deref())?)?;
            accounts.put(target, &hash).await?;
        }
        None => {
            accounts.remove(target).await?;
        }
    }
    let recorded = ops::record(&mut session, &by, target, change).await?;
    output::emit(g.json, &recorded, human)?;
    super::finish(session).await
}

fn human(r: &AccountRecorded) -> String {
    let what = match r.event.as_str() {
        ops::ACCOUNT_ADDED => "can now sign in on the web",
        ops::ACCOUNT_RESET => "has a new web password",
        _ => "can no longer sign in on the web",
    };
    format!("{} {what} (recorded as event {})\n", r.actor, r.seq)
}
