//! `concordat user add|reset|remove ACTOR`: the event that says an actor's web account was made,
//! reset or removed. It names the actor only — the password and its hash never enter the log.

use super::session::Session;
use crate::partnership::Role;
use crate::remedy::Remedy;
use engine::{Event, Failure, NewEvent};
use serde::Serialize;

/// The stream of account events.
pub const ACCOUNTS_STREAM: &str = "accounts";
/// An actor was given a web account.
pub const ACCOUNT_ADDED: &str = "account-added";
/// An actor's web password was replaced.
pub const ACCOUNT_RESET: &str = "account-reset";
/// An actor's web account was removed.
pub const ACCOUNT_REMOVED: &str = "account-removed";

/// What happened to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    Added,
    Reset,
    Removed,
}

impl AccountChange {
    /// The event type.
    pub fn kind(self) -> &'static str {
        match self {
            AccountChange::Added => ACCOUNT_ADDED,
            AccountChange::Reset => ACCOUNT_RESET,
            AccountChange::Removed => ACCOUNT_REMOVED,
        }
    }
}

/// What `user add|reset|remove` reports.
#[derive(Debug, Clone, Serialize)]
pub struct AccountRecorded {
    pub actor: String,
    pub event: String,
    pub seq: u64,
    pub recorded_at: String,
}

/// Checks that the acting actor may manage accounts (role `admin`) and that `target` is an actor
/// registered in the partnership now; returns the acting actor's id.
pub async fn check(session: &mut Session, target: &str) -> Result<String, Failure> {
    let today = session.today().await?;
    let actor = session.writer(today).await?;
    if !actor.roles.contains(&Role::Admin) {
        return Err(Failure::not_permitted(format!(
            "{:?} may not manage accounts: it needs the role admin",
            actor.id
        ))
        .with_remedy(Remedy::ActAs {
            role: "admin".into(),
        }));
    }
    if session
        .partnership()
        .await?
        .latest()
        .actor(target)
        .is_none()
    {
        return Err(Failure::refused(format!(
            "{target:?} is not an actor registered in this partnership"
        ))
        .with_detail("an account is for one actor of the partnership file")
        .with_remedy(crate::remedy::Remedy::ShowPartnership));
    }
    Ok(actor.id)
}

/// Records `change` of `target`'s account, acted by `by` (checked with [`check`]).
pub async fn record(
    session: &mut Session,
    by: &str,
    target: &str,
    change: AccountChange,
) -> Result<AccountRecorded, Failure> {
    let today = session.today().await?;
    let event = NewEvent {
        stream: ACCOUNTS_STREAM.to_string(),
        kind: change.kind().to_string(),
        actor: by.to_string(),
        effective_on: today.to_string(),
        data: serde_json::json!({ "actor": target }),
    };
    let written: Vec<Event> = session.append(vec![event], vec![]).await?;
    let event = written
        .into_iter()
        .next()
        .ok_or_else(|| Failure::internal("the store returned no event"))?;
    Ok(AccountRecorded {
        actor: target.to_string(),
        event: event.kind,
        seq: event.seq,
        recorded_at: event.recorded_at,
    })
}
