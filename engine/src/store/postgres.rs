//! The PostgreSQL store: the same log and the same chain as the embedded store, in a database that
//! several machines share.
//!
//! Each event is kept as its exact export line (`text`, not `jsonb`, which would reorder keys) beside
//! indexed columns. Appends are serialised across every connection by a transaction-scoped advisory
//! lock, taken by the server-side function `concordat_append` (`append.rs`), which checks that the
//! head and the streams' versions are those the client sealed the batch against, inserts it and
//! commits in one round trip; only a successful call (with `synchronous_commit` on) acknowledges
//! it. A wait for the lock is bounded by `lock_timeout`, after which the append is a conflict
//! ("store busy").
//!
//! The schema is created and migrated by concordat itself; `concordat_schema_version` records how far.
//! Projection snapshots (rebuildable) live in `concordat_projections` (`projections.rs`).

mod append;
mod conn;
mod connect;
mod errors;
mod pool;
mod projections;
mod tls;
use append::Seen;
use conn::{Conn, Statements};
use connect::{configure_session, create_database, prepare_schema, Link};
use errors::{connect_failure, db_failure, lock_failure, no_store, plain, schema_failure};
use pool::Source;
pub use pool::{PoolSettings, DEFAULT_POOL_SIZE, MAX_POOL_SIZE};

use super::{ActorRoles, AppendRequest, EventStore, Head, OpenMode};
use crate::error::{Failure, Result};
use crate::event::{Event, ZERO_HASH};
use async_trait::async_trait;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Config, GenericClient, NoTls};

/// The schema this build reads and writes.
pub const SCHEMA_VERSION: i32 = 4;

/// The advisory lock key that serialises appends and migrations ("concorda" in ASCII).
const LOCK_KEY: i64 = 0x636f_6e63_6f72_6461;

/// How long connecting may take when the URL does not say (`connect_timeout`).
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Migration `n` (1-based) brings the schema from version `n - 1` to `n`. Append only; never edit one.
const MIGRATIONS: &[&str] = &[
    // 1: the log, and each stream's version.
    "CREATE TABLE concordat_events (
         seq bigint PRIMARY KEY CHECK (seq >= 1),
         stream text NOT NULL,
         version bigint NOT NULL CHECK (version >= 1),
         hash text NOT NULL,
         recorded_at text NOT NULL,
         line text NOT NULL,
         UNIQUE (stream, version)
     );
     CREATE TABLE concordat_streams (
         stream text PRIMARY KEY,
         version bigint NOT NULL
     );",
    // 2: the log is append-only, and an actor bound to a database role appends only from it.
    // The trigger functions run as their caller (no SECURITY DEFINER); the one that reads the
    // bindings names their table with its schema, so a caller's temporary table cannot stand in.
    "CREATE TABLE concordat_actor_roles (
         actor text PRIMARY KEY,
         db_role text NOT NULL
     );
     CREATE FUNCTION concordat_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
         RAISE EXCEPTION 'the concordat event log is append-only: % is refused', TG_OP
             USING ERRCODE = 'insufficient_privilege';
     END $$;
     CREATE TRIGGER concordat_events_append_only BEFORE UPDATE OR DELETE ON concordat_events
         FOR EACH ROW EXECUTE FUNCTION concordat_refuse_change();
     CREATE TRIGGER concordat_events_no_truncate BEFORE TRUNCATE ON concordat_events
         FOR EACH STATEMENT EXECUTE FUNCTION concordat_refuse_change();
     DO $do$ BEGIN
         -- The bindings' table named with its schema, so that no search_path (a SET clause on the
         -- function would make every call re-plan) and no temporary table can change what it reads.
         EXECUTE format($f$
             CREATE FUNCTION concordat_check_actor() RETURNS trigger LANGUAGE plpgsql AS $$
             DECLARE
                 acting text := (NEW.line::json)->>'actor';
                 bound text;
             BEGIN
                 SELECT db_role INTO bound FROM %I.concordat_actor_roles WHERE actor = acting;
                 IF bound IS NOT NULL AND bound <> session_user THEN
                     RAISE EXCEPTION 'actor %% is bound to the database role %%, and this session is %%',
                         acting, bound, session_user
                         USING ERRCODE = 'insufficient_privilege',
                               HINT = format('connect as %%s to act as %%s', bound, acting);
                 END IF;
                 RETURN NEW;
             END $$;$f$, current_schema());
     END $do$;
     CREATE TRIGGER concordat_events_actor BEFORE INSERT ON concordat_events
         FOR EACH ROW EXECUTE FUNCTION concordat_check_actor();
",
    // 3: one round trip per append (`append.rs`).
    append::APPEND_FUNCTION,
    // 4: rebuildable projection snapshots, each role's own (`projections.rs`).
    projections::MIGRATION,
];

/// A concordat store in a PostgreSQL database: one connection of its own, or a pool
/// (`open_pooled`) whose handles share the connections, the head last seen and group commit.
pub struct PostgresStore {
    shared: std::sync::Arc<Shared>,
}

/// What every handle of one store shares.
struct Shared {
    location: String,
    /// `session_user`: the role every connection of this store logged in as.
    session_role: String,
    /// The store's connection, or its pool (`pool.rs`).
    source: Source,
    /// The head and stream versions this process last saw, which appends are sealed against.
    seen: std::sync::Mutex<Seen>,
    /// Appends waiting to join the next group (`append.rs`).
    queue: std::sync::Mutex<Vec<append::Job>>,
    /// Held by the caller writing a group; the others wait to find their answer or lead the next.
    appending: Mutex<()>,
    /// The role may not use `concordat_projections`: said once, then not asked again.
    projections_denied: std::sync::atomic::AtomicBool,
}

impl PostgresStore {
    /// Connects to the database named by `url` (`postgres://…` or `postgresql://…`), creating
    /// (`OpenMode::Create`) or migrating the schema; lock waits are bounded by `busy_wait`.
    /// One connection, whatever the URL's `pool_size`: for a process that appends once.
    pub async fn open(url: &str, mode: OpenMode, busy_wait: Duration) -> Result<PostgresStore> {
        let (conn, head, location, _, _) = Self::first_connection(url, mode, busy_wait).await?;
        Ok(Self::with_source(
            location,
            conn.session_role.clone(),
            head,
            Source::One(Box::new(conn)),
        ))
    }

    /// Opens an existing store as `open` does, then serves it from a pool of connections (the
    /// URL's `pool_size`, default 8; a wait for a free one bounded by `pool_timeout` seconds, else
    /// `busy_wait`). [`PostgresStore::handle`] gives further handles on the same pool.
    pub async fn open_pooled(url: &str, busy_wait: Duration) -> Result<PostgresStore> {
        let (conn, head, location, link, settings) =
            Self::first_connection(url, OpenMode::Existing, busy_wait).await?;
        let role = conn.session_role.clone();
        let manager = pool::Manager {
            link,
            location: location.clone(),
            busy_wait,
            role: role.clone(),
        };
        let source = Source::pool(manager, settings, busy_wait)?;
        Ok(Self::with_source(location, role, head, source))
    }

    /// Another handle on this store: the same connection or pool, seen head and commit groups.
    pub fn handle(&self) -> PostgresStore {
        PostgresStore {
            shared: self.shared.clone(),
        }
    }

    /// The pool's bounds, when this store is pooled.
    pub fn pool_settings(&self) -> Option<PoolSettings> {
        match &self.shared.source {
            Source::One(_) => None,
            Source::Pool(_, settings) => Some(*settings),
        }
    }

    fn with_source(location: String, role: String, head: Head, source: Source) -> PostgresStore {
        PostgresStore {
            shared: std::sync::Arc::new(Shared {
                location,
                session_role: role,
                source,
                seen: std::sync::Mutex::new(Seen::new(head)),
                queue: std::sync::Mutex::new(Vec::new()),
                appending: Mutex::new(()),
                projections_denied: Default::default(),
            }),
        }
    }

    /// A connection to use now (`pool.rs`).
    async fn conn(&self) -> Result<pool::Checkout<'_>> {
        self.shared.source.checkout(&self.shared.location).await
    }

    /// Connects, creates or migrates the schema, prepares the statements and reads the head.
    async fn first_connection(
        url: &str,
        mode: OpenMode,
        busy_wait: Duration,
    ) -> Result<(Conn, Head, String, Link, PoolSettings)> {
        let location = redact_url(url);
        let (url, settings) = pool::split_pool(url, &location)?;
        let mut link = Link::from_url(&url, &location)?;
        let config = &mut link.config;
        if config.get_dbname().is_none() {
            return Err(Failure::usage(format!("{location} names no database"))
                .with_detail("write it as postgres://USER@HOST:PORT/DATABASE"));
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("concordat");
        }
        let (mut client, task) = match link.connect_with(&link.config, &location).await {
            Err(e)
                if mode == OpenMode::Create
                    && e.code() == Some(&SqlState::INVALID_CATALOG_NAME) =>
            {
                create_database(&link, &location).await?;
                link.connect_with(&link.config, &location)
                    .await
                    .map_err(|e| connect_failure(&location, &e))?
            }
            other => other.map_err(|e| connect_failure(&location, &e))?,
        };
        // Pipelined: tokio-postgres sends statements made at once without waiting for each answer,
        // so opening costs a few round trips whatever the number of statements.
        let setup = async {
            let ((), current) = tokio::try_join!(
                configure_session(&client, busy_wait),
                connect::schema_version(&client)
            )?;
            if mode == OpenMode::Create || current != Some(SCHEMA_VERSION) {
                prepare_schema(&mut client, mode, &location).await?;
            }
            // Who we are and the head: the first append is sealed against it.
            let (statements, row) = tokio::try_join!(Statements::prepare(&client), async {
                client.query_one(OPEN_QUERY, &[]).await.map_err(db_failure)
            })?;
            let head = head_of(row.get(1), row.get(2), row.get(3))?;
            Ok::<_, Failure>((statements, row.get::<_, String>(0), head))
        };
        let (statements, session_role, head) = match setup.await {
            Ok(done) => done,
            Err(e) => {
                task.abort();
                return Err(e);
            }
        };
        let conn = Conn {
            client,
            statements,
            session_role,
            task,
        };
        Ok((conn, head, location, link, settings))
    }
}

/// `session_user` and the head (NULLs for an empty log).
const OPEN_QUERY: &str = "SELECT session_user::text, h.seq, h.hash, h.recorded_at FROM (SELECT 1) one
     LEFT JOIN (SELECT seq, hash, recorded_at FROM concordat_events ORDER BY seq DESC LIMIT 1) h ON true";

/// The head from a row's columns (seq, hash, recorded_at), the empty log's when they are NULL.
fn head_of(seq: Option<i64>, hash: Option<String>, recorded_at: Option<String>) -> Result<Head> {
    Ok(match (seq, hash) {
        (Some(seq), Some(hash)) => Head {
            seq: to_u64(seq)?,
            hash,
            recorded_at,
        },
        _ => Head {
            seq: 0,
            hash: ZERO_HASH.into(),
            recorded_at: None,
        },
    })
}

fn to_i64(n: u64) -> Result<i64> {
    i64::try_from(n).map_err(|_| Failure::internal(format!("{n} is beyond PostgreSQL's bigint")))
}

fn to_u64(n: i64) -> Result<u64> {
    u64::try_from(n).map_err(|_| Failure::integrity(format!("a stored count is negative: {n}")))
}

fn parse_lines(rows: Vec<tokio_postgres::Row>) -> Result<Vec<Event>> {
    rows.iter().map(|row| parse_line(row.get(0))).collect()
}

fn parse_line(line: &str) -> Result<Event> {
    serde_json::from_str(line).map_err(|e| {
        Failure::integrity(format!("a stored event is not an event: {e}"))
            .with_remedy(crate::remedy::StoreRemedy::VerifyStore)
    })
}

/// Rows a whole-log read holds at once (`for_each_from`, `export_lines`): bounded memory.
const PAGE: usize = 4096;

impl PostgresStore {
    /// The next [`PAGE`] events from `from_seq` as (seq, export line).
    async fn page(&self, from_seq: u64) -> Result<Vec<(u64, String)>> {
        let conn = self.conn().await?;
        let from = to_i64(from_seq)?;
        let limit = PAGE as i64;
        let rows = conn
            .client
            .query(
                "SELECT seq, line FROM concordat_events WHERE seq >= $1 ORDER BY seq LIMIT $2",
                &[&from, &limit],
            )
            .await
            .map_err(db_failure)?;
        rows.iter()
            .map(|r| Ok((to_u64(r.get(0))?, r.get(1))))
            .collect()
    }
}

#[async_trait]
impl EventStore for PostgresStore {
    async fn append(&self, request: AppendRequest) -> Result<Vec<Event>> {
        self.append_grouped(request, None).await
    }

    async fn append_binding_roles(
        &self,
        request: AppendRequest,
        roles: &ActorRoles,
    ) -> Result<Vec<Event>> {
        self.append_grouped(request, Some(roles)).await
    }

    fn session_role(&self) -> Option<String> {
        Some(self.shared.session_role.clone())
    }

    async fn read_stream(&self, stream: &str) -> Result<Vec<Event>> {
        let conn = self.conn().await?;
        let rows = conn
            .client
            .query(&conn.statements.read_stream, &[&stream])
            .await
            .map_err(db_failure)?;
        let events = parse_lines(rows)?;
        self.shared
            .seen
            .lock()
            .expect("seen")
            .saw_version(stream, events.last().map_or(0, |e| e.version));
        Ok(events)
    }

    async fn read_from(&self, from_seq: u64) -> Result<Vec<Event>> {
        let conn = self.conn().await?;
        let from = to_i64(from_seq.max(1))?;
        let rows = conn
            .client
            .query(&conn.statements.read_from, &[&from])
            .await
            .map_err(db_failure)?;
        parse_lines(rows)
    }

    async fn export_lines(
        &self,
        from_seq: u64,
        out: &mut (dyn std::io::Write + Send),
    ) -> Result<u64> {
        let (mut next, mut n) = (from_seq.max(1), 0u64);
        loop {
            let page = self.page(next).await?;
            for (seq, line) in &page {
                out.write_all(line.as_bytes())?;
                out.write_all(b"\n")?;
                next = seq + 1;
                n += 1;
            }
            if page.len() < PAGE {
                break;
            }
        }
        out.flush()?;
        Ok(n)
    }

    async fn for_each_from(
        &self,
        from_seq: u64,
        f: &mut (dyn FnMut(Event) -> Result<()> + Send),
    ) -> Result<()> {
        let mut next = from_seq.max(1);
        loop {
            let page = self.page(next).await?;
            let full = page.len() == PAGE;
            for (seq, line) in page {
                next = seq + 1;
                f(parse_line(&line)?)?;
            }
            if !full {
                return Ok(());
            }
        }
    }

    async fn streams(&self, prefix: &str) -> Result<Vec<String>> {
        let conn = self.conn().await?;
        let mut names: Vec<String> = conn
            .client
            .query(&conn.statements.streams, &[&prefix])
            .await
            .map_err(db_failure)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        // Byte order, as the embedded store gives it, whatever the database's collation.
        names.sort();
        Ok(names)
    }

    async fn stream_version(&self, stream: &str) -> Result<u64> {
        let conn = self.conn().await?;
        let version = match conn
            .client
            .query_opt(&conn.statements.stream_version, &[&stream])
            .await
            .map_err(db_failure)?
        {
            Some(row) => to_u64(row.get(0))?,
            None => 0,
        };
        self.shared
            .seen
            .lock()
            .expect("seen")
            .saw_version(stream, version);
        Ok(version)
    }

    async fn head(&self) -> Result<Head> {
        let conn = self.conn().await?;
        let head = match conn
            .client
            .query_opt(&conn.statements.head, &[])
            .await
            .map_err(db_failure)?
        {
            Some(row) => head_of(row.get(0), row.get(1), row.get(2))?,
            None => head_of(None, None, None)?,
        };
        self.shared
            .seen
            .lock()
            .expect("seen")
            .saw_head(head.clone());
        Ok(head)
    }

    async fn load_snapshot(&self, key: &str) -> Result<Option<(u64, Vec<u8>)>> {
        Ok(self.load_projection(key).await)
    }

    async fn save_snapshot(&self, key: &str, version: u64, bytes: &[u8]) -> Result<()> {
        self.save_projection(key, version, bytes).await;
        Ok(())
    }

    async fn close(&self) -> Result<()> {
        // Every acknowledged append is committed; there is nothing rebuildable to persist.
        Ok(())
    }

    fn location(&self) -> String {
        self.shared.location.clone()
    }
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `url` without the pool's keys (`pool_size`, `pool_timeout`), for a connection made apart from
/// the store's (the accounts table): tokio-postgres refuses keys it does not know.
pub(crate) fn without_pool_keys(url: &str) -> Result<String> {
    pool::split_pool(url, &redact_url(url)).map(|(rest, _)| rest)
}

/// The URL with any password replaced by `***` (in the user part and in `password=` parameters).
pub fn redact_url(url: &str) -> String {
    let (main, query) = match url.split_once('?') {
        Some((m, q)) => (m, Some(q)),
        None => (url, None),
    };
    let mut out = String::with_capacity(url.len());
    match main.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = match rest.find('/') {
                Some(i) => rest.split_at(i),
                None => (rest, ""),
            };
            out.push_str(scheme);
            out.push_str("://");
            match authority.rsplit_once('@') {
                Some((userinfo, hosts)) => {
                    match userinfo.split_once(':') {
                        Some((user, _password)) => {
                            out.push_str(user);
                            out.push_str(":***");
                        }
                        None => out.push_str(userinfo),
                    }
                    out.push('@');
                    out.push_str(hosts);
                }
                None => out.push_str(authority),
            }
            out.push_str(path);
        }
        None => out.push_str(main),
    }
    if let Some(query) = query {
        out.push('?');
        let params: Vec<String> = query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => p.to_string(),
            })
            .collect();
        out.push_str(&params.join("&"));
    }
    out
}

#[cfg(test)]
mod append_tests;
#[cfg(test)]
mod failover_tests;
#[cfg(test)]
mod own_server_tests;
#[cfg(test)]
mod pool_tests;
#[cfg(test)]
mod roles_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tls_tests;
