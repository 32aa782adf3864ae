//! The PostgreSQL store: the same log and the same chain as the embedded store, in a database that
//! several machines share.
//!
//! Each event is kept as its exact export line (`text`, not `jsonb`, which would reorder keys) beside
//! indexed columns. Appends are serialised across every connection by a transaction-scoped advisory
//! lock: inside the transaction the head is read, expectations are checked, the batch is sealed and
//! inserted, and only a successful `COMMIT` (with `synchronous_commit` on) acknowledges it. A wait
//! for the lock is bounded by `lock_timeout`, after which the append is a conflict ("store busy").
//!
//! The schema is created and migrated by concordat itself; `concordat_schema_version` records how far.

mod connect;
mod errors;
use connect::{configure_session, connect, create_database, prepare_schema};
use errors::{
    connect_failure, db_failure, lock_failure, no_store, plain, schema_failure, write_failure,
};

use super::{check_expectations, ActorRoles, AppendRequest, EventStore, Head, OpenMode};
use crate::error::{Failure, Result};
use crate::event::{Event, ZERO_HASH};
use crate::time::format_instant;
use async_trait::async_trait;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Config, GenericClient, NoTls, Statement};

/// The schema this build reads and writes.
pub const SCHEMA_VERSION: i32 = 2;

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
];

/// A connection to a concordat store in a PostgreSQL database.
pub struct PostgresStore {
    location: String,
    /// `session_user`: the role this connection logged in as.
    session_role: String,
    client: Mutex<Client>,
    statements: Statements,
    connection: tokio::task::JoinHandle<()>,
}

struct Statements {
    lock: Statement,
    head: Statement,
    versions: Statement,
    insert: Statement,
    upsert_streams: Statement,
    read_stream: Statement,
    read_from: Statement,
    streams: Statement,
    stream_version: Statement,
    clear_roles: Statement,
    insert_roles: Statement,
}

impl PostgresStore {
    /// Connects to the database named by `url` (`postgres://…` or `postgresql://…`), creating
    /// (`OpenMode::Create`) or migrating the schema; lock waits are bounded by `busy_wait`.
    pub async fn open(url: &str, mode: OpenMode, busy_wait: Duration) -> Result<PostgresStore> {
        let location = redact_url(url);
        let mut config: Config = url.parse().map_err(|e| {
            Failure::usage(format!("{location} is not a usable PostgreSQL URL: {e}"))
                .with_detail("write it as postgres://USER@HOST:PORT/DATABASE")
        })?;
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
        let (mut client, connection) = match connect(&config, &location).await {
            Err(e)
                if mode == OpenMode::Create
                    && e.code() == Some(&SqlState::INVALID_CATALOG_NAME) =>
            {
                create_database(&config, &location).await?;
                connect(&config, &location)
                    .await
                    .map_err(|e| connect_failure(&location, &e))?
            }
            other => other.map_err(|e| connect_failure(&location, &e))?,
        };
        let connection = tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::warn!("PostgreSQL connection ended: {e}");
            }
        });
        let setup = async {
            configure_session(&client, busy_wait).await?;
            prepare_schema(&mut client, mode, &location).await?;
            Statements::prepare(&client).await
        };
        let statements = match setup.await {
            Ok(s) => s,
            Err(e) => {
                connection.abort();
                return Err(e);
            }
        };
        let session_role: String = match client.query_one("SELECT session_user::text", &[]).await {
            Ok(row) => row.get(0),
            Err(e) => {
                connection.abort();
                return Err(db_failure(e));
            }
        };
        Ok(PostgresStore {
            location,
            session_role,
            client: Mutex::new(client),
            statements,
            connection,
        })
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        self.connection.abort();
    }
}

impl Statements {
    /// Prepares every statement at once: tokio-postgres pipelines them over the one connection.
    async fn prepare(client: &Client) -> Result<Statements> {
        let p = |sql: &'static str| async move { client.prepare(sql).await.map_err(db_failure) };
        let (lock, head, versions, insert, upsert_streams) = tokio::try_join!(
            p("SELECT pg_advisory_xact_lock($1)"),
            p("SELECT seq, hash, recorded_at FROM concordat_events ORDER BY seq DESC LIMIT 1"),
            p("SELECT stream, version FROM concordat_streams WHERE stream = ANY($1)"),
            p("INSERT INTO concordat_events (seq, stream, version, hash, recorded_at, line)
               SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[])"),
            p("INSERT INTO concordat_streams (stream, version)
               SELECT * FROM unnest($1::text[], $2::bigint[])
               ON CONFLICT (stream) DO UPDATE SET version = EXCLUDED.version"),
        )?;
        let (clear_roles, insert_roles) = tokio::try_join!(
            p("DELETE FROM concordat_actor_roles"),
            p("INSERT INTO concordat_actor_roles (actor, db_role)
               SELECT * FROM unnest($1::text[], $2::text[])"),
        )?;
        let (read_stream, read_from, streams, stream_version) = tokio::try_join!(
            p("SELECT line FROM concordat_events WHERE stream = $1 ORDER BY version"),
            p("SELECT line FROM concordat_events WHERE seq >= $1 ORDER BY seq"),
            p("SELECT stream FROM concordat_streams WHERE starts_with(stream, $1)"),
            p("SELECT version FROM concordat_streams WHERE stream = $1"),
        )?;
        Ok(Statements {
            lock,
            head,
            versions,
            insert,
            upsert_streams,
            read_stream,
            read_from,
            streams,
            stream_version,
            clear_roles,
            insert_roles,
        })
    }
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
        let client = self.client.lock().await;
        let from = to_i64(from_seq)?;
        let limit = PAGE as i64;
        let rows = client
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

impl PostgresStore {
    /// One append in one transaction; with `roles`, the bindings are replaced after the rows are
    /// inserted, so this batch is judged by the bindings in force before it.
    async fn append_in_transaction(
        &self,
        request: AppendRequest,
        roles: Option<&ActorRoles>,
    ) -> Result<Vec<Event>> {
        let st = &self.statements;
        let mut client = self.client.lock().await;
        let tx = client.transaction().await.map_err(db_failure)?;
        tx.execute(&st.lock, &[&LOCK_KEY])
            .await
            .map_err(|e| lock_failure(&self.location, e))?;
        // Read under the lock: every append committed before it is visible to these statements.
        let head = match tx.query_opt(&st.head, &[]).await.map_err(db_failure)? {
            Some(row) => Head {
                seq: to_u64(row.get(0))?,
                hash: row.get(1),
                recorded_at: Some(row.get(2)),
            },
            None => Head {
                seq: 0,
                hash: ZERO_HASH.into(),
                recorded_at: None,
            },
        };
        let mut names: Vec<String> = request
            .expectations
            .iter()
            .map(|e| e.stream.clone())
            .chain(request.events.iter().map(|e| e.stream.clone()))
            .collect();
        names.sort();
        names.dedup();
        let mut known = HashMap::new();
        for row in tx
            .query(&st.versions, &[&names])
            .await
            .map_err(db_failure)?
        {
            known.insert(row.get::<_, String>(0), to_u64(row.get(1))?);
        }
        check_expectations(&request.expectations, |s| {
            Ok(known.get(s).copied().unwrap_or(0))
        })?;
        let now = super::recorded_second(request.now)?;
        let recorded = match &head.recorded_at {
            Some(last) => {
                let last: jiff::Timestamp = last
                    .parse()
                    .map_err(|e| Failure::internal(format!("head recorded_at: {e}")))?;
                now.max(last)
            }
            None => now,
        };
        let recorded_at = format_instant(recorded, &request.tz);
        let mut prev_hash = head.hash;
        let mut seq = head.seq;
        let mut sealed = Vec::with_capacity(request.events.len());
        for new in request.events {
            let version = known.get(&new.stream).copied().unwrap_or(0) + 1;
            known.insert(new.stream.clone(), version);
            seq += 1;
            let event = Event::seal(new, seq, version, recorded_at.clone(), prev_hash);
            prev_hash = event.hash.clone();
            sealed.push(event);
        }
        if sealed.is_empty() {
            return Ok(Vec::new());
        }
        let mut seqs = Vec::with_capacity(sealed.len());
        let mut streams = Vec::with_capacity(sealed.len());
        let mut versions = Vec::with_capacity(sealed.len());
        let mut hashes = Vec::with_capacity(sealed.len());
        let mut recorded = Vec::with_capacity(sealed.len());
        let mut lines = Vec::with_capacity(sealed.len());
        let mut touched: HashMap<&str, i64> = HashMap::new();
        for event in &sealed {
            seqs.push(to_i64(event.seq)?);
            streams.push(event.stream.as_str());
            versions.push(to_i64(event.version)?);
            hashes.push(event.hash.as_str());
            recorded.push(event.recorded_at.as_str());
            lines.push(event.to_line());
            touched.insert(event.stream.as_str(), to_i64(event.version)?);
        }
        if let Some(e) = crate::failpoints::io_error("pg::insert") {
            // Dropping the transaction rolls it back, as a failed INSERT would.
            return Err(Failure::internal(format!(
                "writing to {} failed: {e}",
                self.location
            )));
        }
        tx.execute(
            &st.insert,
            &[&seqs, &streams, &versions, &hashes, &recorded, &lines],
        )
        .await
        .map_err(|e| write_failure(&self.location, e))?;
        let (touched_streams, touched_versions): (Vec<&str>, Vec<i64>) =
            touched.into_iter().unzip();
        tx.execute(&st.upsert_streams, &[&touched_streams, &touched_versions])
            .await
            .map_err(|e| write_failure(&self.location, e))?;
        if let Some(roles) = roles {
            let (actors, db_roles): (Vec<&str>, Vec<&str>) =
                roles.iter().map(|(a, r)| (a.as_str(), r.as_str())).unzip();
            tx.execute(&st.clear_roles, &[])
                .await
                .map_err(|e| write_failure(&self.location, e))?;
            tx.execute(&st.insert_roles, &[&actors, &db_roles])
                .await
                .map_err(|e| write_failure(&self.location, e))?;
        }
        crate::failpoints::crash("pg::before-commit");
        let committed = tx.commit().await.map_err(|e| plain(&e));
        // An injected lost answer: the COMMIT reached the server, its reply did not reach us.
        let committed = match crate::failpoints::io_error("pg::commit") {
            Some(e) => committed.and(Err(e.to_string())),
            None => committed,
        };
        committed.map_err(|e| {
            Failure::internal(format!(
                "committing to {} failed, so the events may or may not be recorded: {e}",
                self.location,
            ))
            .with_remedy(crate::remedy::StoreRemedy::LookBeforeRetry)
        })?;
        crate::failpoints::crash("pg::after-commit");
        Ok(sealed)
    }
}

#[async_trait]
impl EventStore for PostgresStore {
    async fn append(&self, request: AppendRequest) -> Result<Vec<Event>> {
        self.append_in_transaction(request, None).await
    }

    async fn append_binding_roles(
        &self,
        request: AppendRequest,
        roles: &ActorRoles,
    ) -> Result<Vec<Event>> {
        self.append_in_transaction(request, Some(roles)).await
    }

    fn session_role(&self) -> Option<String> {
        Some(self.session_role.clone())
    }

    async fn read_stream(&self, stream: &str) -> Result<Vec<Event>> {
        let client = self.client.lock().await;
        let rows = client
            .query(&self.statements.read_stream, &[&stream])
            .await
            .map_err(db_failure)?;
        parse_lines(rows)
    }

    async fn read_from(&self, from_seq: u64) -> Result<Vec<Event>> {
        let client = self.client.lock().await;
        let from = to_i64(from_seq.max(1))?;
        let rows = client
            .query(&self.statements.read_from, &[&from])
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
        let client = self.client.lock().await;
        let mut names: Vec<String> = client
            .query(&self.statements.streams, &[&prefix])
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
        let client = self.client.lock().await;
        match client
            .query_opt(&self.statements.stream_version, &[&stream])
            .await
            .map_err(db_failure)?
        {
            Some(row) => to_u64(row.get(0)),
            None => Ok(0),
        }
    }

    async fn head(&self) -> Result<Head> {
        let client = self.client.lock().await;
        match client
            .query_opt(&self.statements.head, &[])
            .await
            .map_err(db_failure)?
        {
            Some(row) => Ok(Head {
                seq: to_u64(row.get(0))?,
                hash: row.get(1),
                recorded_at: Some(row.get(2)),
            }),
            None => Ok(Head {
                seq: 0,
                hash: ZERO_HASH.into(),
                recorded_at: None,
            }),
        }
    }

    async fn close(&self) -> Result<()> {
        // Every acknowledged append is committed; there is nothing rebuildable to persist.
        Ok(())
    }

    fn location(&self) -> String {
        self.location.clone()
    }
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
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
mod roles_tests;
#[cfg(test)]
mod tests;
