//! Resolving the global options: which store, who is acting, and what time it is.

use crate::global::GlobalArgs;
use engine::store::OpenMode;
use engine::store::SharedStores;
use engine::{open_store, EventStore, Failure};
use std::sync::OnceLock;
use std::time::Duration;
use workflows::ops::Session;

/// How long a command waits for a busy store before exiting 4 (the contract's ten seconds).
pub const BUSY_WAIT: Duration = Duration::from_secs(10);

/// Set by the processes with many writers (`serve`, `scheduler run`): their PostgreSQL store is
/// connected once, as a pool (`engine::store::SharedStores`); a one-shot command keeps one connection.
static SHARED: OnceLock<SharedStores> = OnceLock::new();

/// Makes every later open of a PostgreSQL store in this process a handle on one pool.
pub fn share_connections() {
    SHARED.get_or_init(SharedStores::new);
}

/// Opens the store at `location`: from this process's pool when it shares connections.
pub async fn open(location: &str, mode: OpenMode) -> Result<Box<dyn EventStore>, Failure> {
    match SHARED.get() {
        Some(shared) => shared.open(location, mode, BUSY_WAIT).await,
        None => open_store(location, mode, BUSY_WAIT).await,
    }
}

/// `--store`, else `$CONCORDAT_STORE`, else the platform data dir.
pub fn store_location(global: &GlobalArgs) -> Result<String, Failure> {
    if let Some(store) = &global.store {
        return Ok(store.clone());
    }
    if let Ok(store) = std::env::var("CONCORDAT_STORE") {
        if !store.is_empty() {
            return Ok(store);
        }
    }
    dirs::data_dir()
        .map(|d| d.join("concordat").display().to_string())
        .ok_or_else(|| {
            Failure::usage("no store given and no platform data directory")
                .with_detail("give --store DIR or set CONCORDAT_STORE")
        })
}

/// `$CONCORDAT_NOW` (any RFC 3339 instant) or the system clock.
pub fn now() -> Result<jiff::Timestamp, Failure> {
    match std::env::var("CONCORDAT_NOW") {
        Ok(text) if !text.is_empty() => text.parse().map_err(|e| {
            Failure::usage(format!(
                "CONCORDAT_NOW={text:?} is not an RFC 3339 instant: {e}"
            ))
            .with_detail("set it like 2008-09-17T19:00:00+01:00, or unset it to use the clock")
        }),
        _ => Ok(jiff::Timestamp::now()),
    }
}

/// `--as`, else `$CONCORDAT_ACTOR`.
pub fn actor(global: &GlobalArgs) -> Option<String> {
    global.actor.clone().or_else(|| {
        std::env::var("CONCORDAT_ACTOR")
            .ok()
            .filter(|a| !a.is_empty())
    })
}

/// Creates a new store open to `access` and builds the session `init` works in.
pub async fn creating_session(
    global: &GlobalArgs,
    access: &engine::StoreAccess,
) -> Result<Session, Failure> {
    let now = now()?;
    let location = store_location(global)?;
    let store = engine::create_store(&location, BUSY_WAIT, access).await?;
    Ok(Session::new(store, now, actor(global)))
}

/// Opens the store and builds the session one command works in.
pub async fn session(global: &GlobalArgs, mode: OpenMode) -> Result<Session, Failure> {
    let now = now()?;
    let location = store_location(global)?;
    let opening = crate::progress::Spinner::start("opening the store");
    let store = open(&location, mode).await?;
    drop(opening);
    Ok(Session::new(store, now, actor(global)))
}

/// Opens the store even if its log lacks acknowledged events (the audit commands, which still
/// run and then say so: see `EventStore::shortfall`).
pub async fn session_despite_loss(global: &GlobalArgs) -> Result<Session, Failure> {
    let now = now()?;
    let location = store_location(global)?;
    let store = engine::open_store_despite_loss(&location, BUSY_WAIT).await?;
    Ok(Session::new(store, now, actor(global)))
}

/// Refuses (exit 2) a path a command would write (or read a key from) inside the store's
/// directory; the rule is `engine::refuse_inside_store`'s.
pub fn outside_store(
    global: &GlobalArgs,
    path: &std::path::Path,
    flag: &str,
) -> Result<(), Failure> {
    match store_location(global) {
        Ok(store) => engine::refuse_inside_store(&store, path, flag),
        Err(_) => Ok(()),
    }
}
