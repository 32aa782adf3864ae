//! Storage behind one async trait: the embedded default (an fsynced log file with a rebuildable index of its own)
//! and, for partnerships that outgrow one machine, PostgreSQL.

mod access;
mod embedded;
mod lock;
mod paths;
#[cfg(feature = "postgres")]
mod postgres;
mod shared;

pub use access::StoreAccess;
pub use embedded::{
    EmbeddedStore, Shortfall, LOG_FILE, SMALL_SNAPSHOT_PREFIX, SNAPSHOT_DIR, WITNESS_FILE,
};
pub use lock::StoreLock;
pub use paths::{refuse_inside_store, OUTBOX_DIR};
#[cfg(feature = "postgres")]
pub(crate) use postgres::without_pool_keys;
#[cfg(feature = "postgres")]
pub use postgres::{PoolSettings, PostgresStore, DEFAULT_POOL_SIZE, MAX_POOL_SIZE};
pub use shared::SharedStores;

use crate::error::{Failure, Result};
use crate::event::{Event, NewEvent};
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::path::Path;

/// Actor id → the database role that alone may append as that actor.
pub type ActorRoles = BTreeMap<String, String>;

/// The chain's last event: its seq (0 for an empty log), hash and recorded instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: u64,
    pub hash: String,
    pub recorded_at: Option<String>,
}

/// Optimistic concurrency: the append fails with a conflict unless `stream` is at `version`
/// (0: the stream must not exist yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    pub stream: String,
    pub version: u64,
}

/// A batch to append atomically: all of it becomes durable, or none of it is written.
#[derive(Debug, Clone)]
pub struct AppendRequest {
    pub events: Vec<NewEvent>,
    pub expectations: Vec<Expectation>,
    /// "Now" for `recorded_at`; the store never records earlier than the log's last instant.
    pub now: jiff::Timestamp,
    /// The partnership's zone, in which `recorded_at` is written.
    pub tz: jiff::tz::TimeZone,
}

/// The event log. Implementations keep one global order and an unbroken hash chain, and return
/// from `append` only once the batch is durable.
#[async_trait]
pub trait EventStore: Send + Sync {
    /// Appends a batch after checking every expectation; returns the sealed events.
    async fn append(&self, request: AppendRequest) -> Result<Vec<Event>>;
    /// Every event of one stream, in version order.
    async fn read_stream(&self, stream: &str) -> Result<Vec<Event>>;
    /// Every event with `seq >= from_seq`, in seq order.
    async fn read_from(&self, from_seq: u64) -> Result<Vec<Event>>;
    /// Writes every event with `seq >= from_seq` as its export line, one a line, oldest first
    /// (exactly `audit export`'s format, which `chain::verify_lines` reads); returns how many.
    /// Streams without holding every event in memory where the backend can (the embedded store
    /// copies its log's bytes).
    async fn export_lines(
        &self,
        from_seq: u64,
        out: &mut (dyn std::io::Write + Send),
    ) -> Result<u64> {
        let events = self.read_from(from_seq).await?;
        for event in &events {
            out.write_all(event.to_line().as_bytes())?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
        Ok(events.len() as u64)
    }
    /// Calls `f` with every event with `seq >= from_seq`, in seq order, stopping at its first
    /// error. For folds over the whole log: the embedded store holds only a chunk of the log at a
    /// time (bounded memory, parsed on several threads) where `read_from` builds every event at once.
    async fn for_each_from(
        &self,
        from_seq: u64,
        f: &mut (dyn FnMut(Event) -> Result<()> + Send),
    ) -> Result<()> {
        for event in self.read_from(from_seq).await? {
            f(event)?;
        }
        Ok(())
    }
    /// The names of the streams that start with `prefix`, sorted.
    async fn streams(&self, prefix: &str) -> Result<Vec<String>>;
    /// The number of events in `stream` (0 when it does not exist).
    async fn stream_version(&self, stream: &str) -> Result<u64>;
    /// The chain's last event.
    async fn head(&self) -> Result<Head>;
    /// The projection snapshot saved under `key`: the stream version it covers and its bytes.
    /// Rebuildable data, never the authority: None when absent, unreadable or not kept.
    async fn load_snapshot(&self, _key: &str) -> Result<Option<(u64, Vec<u8>)>> {
        Ok(None)
    }
    /// Saves a projection snapshot of `key` covering stream `version`; not durable (the log is
    /// the authority), and a backend may keep none.
    async fn save_snapshot(&self, _key: &str, _version: u64, _bytes: &[u8]) -> Result<()> {
        Ok(())
    }
    /// A small projection snapshot (a few hundred bytes) saved under `key`, as `load_snapshot`
    /// but kept where reading it costs next to nothing (the embedded store: a file of its own,
    /// so a command that needs only it never opens the snapshot database).
    async fn load_small_snapshot(&self, key: &str) -> Result<Option<(u64, Vec<u8>)>> {
        self.load_snapshot(key).await
    }
    /// Saves a small projection snapshot (see [`EventStore::load_small_snapshot`]).
    async fn save_small_snapshot(&self, key: &str, version: u64, bytes: &[u8]) -> Result<()> {
        self.save_snapshot(key, version, bytes).await
    }
    /// Appends like `append` and, in the same transaction, makes `roles` the bindings the database
    /// itself enforces on every later append (PostgreSQL); a backend without roles ignores them.
    async fn append_binding_roles(
        &self,
        request: AppendRequest,
        _roles: &ActorRoles,
    ) -> Result<Vec<Event>> {
        self.append(request).await
    }
    /// The database role this connection acts as (PostgreSQL's `session_user`); None where the
    /// backend has no roles.
    fn session_role(&self) -> Option<String> {
        None
    }
    /// Opens the store's files to `access` (the embedded store's directory and files); a backend
    /// whose access is the database's business ignores it.
    async fn set_access(&self, _access: &StoreAccess) -> Result<()> {
        Ok(())
    }
    /// What the log lacks of what was acknowledged, when the store was opened despite a loss
    /// ([`open_store_despite_loss`]); None otherwise, and always on PostgreSQL (whose log
    /// cannot shrink: its rows are append-only by trigger).
    fn shortfall(&self) -> Option<Shortfall> {
        None
    }
    /// Releases the store after persisting anything rebuildable (indexes); acknowledged events are already durable.
    async fn close(&self) -> Result<()>;
    /// Where the store lives, for messages.
    fn location(&self) -> String;
}

/// How to open a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// The store must exist.
    Existing,
    /// The store must not exist yet; it is created.
    Create,
}

/// Opens the store at `location` (a directory, or a `postgres://…` / `postgresql://…` URL), waiting up
/// to `busy_wait` for another process to release it.
pub async fn open_store(
    location: &str,
    mode: OpenMode,
    busy_wait: std::time::Duration,
) -> Result<Box<dyn EventStore>> {
    if is_database_url(location) {
        #[cfg(feature = "postgres")]
        {
            let store = PostgresStore::open(location, mode, busy_wait).await?;
            return Ok(Box::new(store));
        }
        #[cfg(not(feature = "postgres"))]
        return Err(Failure::usage(
            "this concordat was built without PostgreSQL support",
        )
        .with_detail("build it with the `postgres` feature, or use a directory path for the embedded store"));
    }
    let store = EmbeddedStore::open(Path::new(location), mode, busy_wait)?;
    Ok(Box::new(store))
}

/// Opens an existing store even if its log lacks acknowledged events (the embedded store: reads
/// only, see [`EventStore::shortfall`]); for the audit commands, which must still run and say so.
pub async fn open_store_despite_loss(
    location: &str,
    busy_wait: std::time::Duration,
) -> Result<Box<dyn EventStore>> {
    if is_database_url(location) {
        return open_store(location, OpenMode::Existing, busy_wait).await;
    }
    let store = EmbeddedStore::open_despite_loss(Path::new(location), busy_wait)?;
    Ok(Box::new(store))
}

/// Creates a new store at `location` open to `access` (which only the embedded store applies: a
/// database's own roles and grants decide who may reach it).
pub async fn create_store(
    location: &str,
    busy_wait: std::time::Duration,
    access: &StoreAccess,
) -> Result<Box<dyn EventStore>> {
    if is_database_url(location) {
        return open_store(location, OpenMode::Create, busy_wait).await;
    }
    let store = EmbeddedStore::create(Path::new(location), busy_wait, access)?;
    Ok(Box::new(store))
}

/// Whether `location` names a PostgreSQL database rather than a directory.
pub fn is_database_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

/// `recorded_at` for an append made at `now`: whole seconds, cut down rather than rounded (rounding
/// up would record an instant still in the future, which a reader's "recorded by now" cut would then
/// leave out). Every backend uses this, so the same batches give the same hashes everywhere.
pub(crate) fn recorded_second(now: jiff::Timestamp) -> Result<jiff::Timestamp> {
    now.round(
        jiff::TimestampRound::new()
            .smallest(jiff::Unit::Second)
            .mode(jiff::RoundMode::Trunc),
    )
    .map_err(|e| Failure::internal(e.to_string()))
}

/// Checks every expectation against the versions a backend reports; the first unmet one is a conflict.
pub(crate) fn check_expectations(
    expectations: &[Expectation],
    mut version_of: impl FnMut(&str) -> Result<u64>,
) -> Result<()> {
    for exp in expectations {
        let actual = version_of(&exp.stream)?;
        if actual != exp.version {
            return Err(Failure::conflict(format!(
                "{} is at version {actual}, not {}: someone changed it since you read it",
                exp.stream, exp.version
            ))
            .with_detail("read it again, then retry with the current version"));
        }
    }
    Ok(())
}
