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

use super::{check_expectations, AppendRequest, EventStore, Head, OpenMode};
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
pub const SCHEMA_VERSION: i32 = 1;

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
];

/// A connection to a concordat store in a PostgreSQL database.
pub struct PostgresStore {
    location: String,
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
        Ok(PostgresStore {
            location,
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

async fn connect(
    config: &Config,
    location: &str,
) -> std::result::Result<
    (
        Client,
        tokio_postgres::Connection<tokio_postgres::Socket, tokio_postgres::tls::NoTlsStream>,
    ),
    tokio_postgres::Error,
> {
    tracing::debug!(store = location, "connecting to PostgreSQL");
    config.connect(NoTls).await
}

/// Creates the database the URL names, through the server's `postgres` database.
async fn create_database(config: &Config, location: &str) -> Result<()> {
    let name = config.get_dbname().expect("checked above").to_string();
    let mut admin = config.clone();
    admin.dbname("postgres");
    let how = format!("create it first, e.g. `createdb {name}`, or name one that exists");
    let (client, connection) = admin.connect(NoTls).await.map_err(|e| {
        Failure::usage(format!(
            "the database of {location} does not exist, and concordat could not create it: {}",
            plain(&e)
        ))
        .with_detail(how.clone())
    })?;
    let connection = tokio::spawn(connection);
    let created = client
        .batch_execute(&format!("CREATE DATABASE {}", quote_ident(&name)))
        .await;
    drop(client);
    let _ = connection.await;
    match created {
        Ok(()) => {
            tracing::info!(store = location, "created the database");
            Ok(())
        }
        // Someone else created it meanwhile: use it.
        Err(e) if e.code() == Some(&SqlState::DUPLICATE_DATABASE) => Ok(()),
        Err(e) => Err(Failure::usage(format!(
            "the database of {location} does not exist, and concordat could not create it: {}",
            plain(&e)
        ))
        .with_detail(how)),
    }
}

async fn configure_session(client: &Client, busy_wait: Duration) -> Result<()> {
    // lock_timeout 0 would mean "wait for ever": the shortest wait is one millisecond.
    let wait_ms = busy_wait.as_millis().clamp(1, i32::MAX as u128);
    client
        .batch_execute(&format!("SET lock_timeout = '{wait_ms}ms'"))
        .await
        .map_err(db_failure)?;
    // Acknowledged means committed: never let a server default of `off` return before the WAL flush.
    let sync: String = client
        .query_one("SHOW synchronous_commit", &[])
        .await
        .map_err(db_failure)?
        .get(0);
    if sync == "off" {
        client
            .batch_execute("SET synchronous_commit = on")
            .await
            .map_err(db_failure)?;
    }
    Ok(())
}

/// Creates or migrates the schema, under the append lock so that concurrent openers agree.
async fn prepare_schema(client: &mut Client, mode: OpenMode, location: &str) -> Result<()> {
    let current = schema_version(client).await?;
    if mode == OpenMode::Existing && current == Some(SCHEMA_VERSION) {
        return Ok(());
    }
    let tx = client.transaction().await.map_err(db_failure)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
        .await
        .map_err(|e| lock_failure(location, e))?;
    let current = match schema_version(&tx).await? {
        Some(v) => v,
        None if mode == OpenMode::Existing => {
            return Err(no_store(location));
        }
        None => {
            tx.batch_execute(
                "CREATE TABLE concordat_schema_version (version integer NOT NULL);
                 INSERT INTO concordat_schema_version (version) VALUES (0);",
            )
            .await
            .map_err(|e| schema_failure(location, e))?;
            0
        }
    };
    if !(0..=SCHEMA_VERSION).contains(&current) {
        return Err(Failure::usage(format!(
            "the concordat store at {location} has schema version {current}, which this concordat does not know"
        ))
        .with_detail(format!(
            "this concordat reads schema version {SCHEMA_VERSION}: upgrade concordat"
        )));
    }
    for (i, migration) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tracing::info!(store = location, to = i + 1, "migrating the schema");
        tx.batch_execute(migration)
            .await
            .map_err(|e| schema_failure(location, e))?;
    }
    if current != SCHEMA_VERSION {
        tx.execute(
            "UPDATE concordat_schema_version SET version = $1",
            &[&SCHEMA_VERSION],
        )
        .await
        .map_err(|e| schema_failure(location, e))?;
    }
    if mode == OpenMode::Create {
        let has_events: bool = tx
            .query_one("SELECT EXISTS (SELECT 1 FROM concordat_events)", &[])
            .await
            .map_err(db_failure)?
            .get(0);
        if has_events {
            return Err(Failure::conflict(format!(
                "a concordat store already exists at {location}"
            ))
            .with_detail("choose another database, or use the store that is there"));
        }
    }
    tx.commit().await.map_err(db_failure)?;
    Ok(())
}

/// The recorded schema version, or None when this database has no concordat schema.
async fn schema_version(client: &impl GenericClient) -> Result<Option<i32>> {
    let exists: bool = client
        .query_one(
            "SELECT to_regclass('concordat_schema_version') IS NOT NULL",
            &[],
        )
        .await
        .map_err(db_failure)?
        .get(0);
    if !exists {
        return Ok(None);
    }
    let row = client
        .query_opt("SELECT version FROM concordat_schema_version", &[])
        .await
        .map_err(db_failure)?;
    Ok(Some(row.map(|r| r.get(0)).unwrap_or(0)))
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
    rows.iter()
        .map(|row| {
            let line: &str = row.get(0);
            serde_json::from_str(line).map_err(|e| {
                Failure::integrity(format!("a stored event is not an event: {e}"))
                    .with_detail("run `concordat audit verify` to locate the damage")
            })
        })
        .collect()
}

#[async_trait]
impl EventStore for PostgresStore {
    async fn append(&self, request: AppendRequest) -> Result<Vec<Event>> {
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
        let now = request
            .now
            .round(jiff::Unit::Second)
            .map_err(|e| Failure::internal(e.to_string()))?;
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
        tx.commit().await.map_err(|e| {
            Failure::internal(format!(
                "committing to {} failed, so the events may or may not be recorded: {}",
                self.location,
                plain(&e)
            ))
            .with_detail("check with `concordat audit log` before you retry")
        })?;
        Ok(sealed)
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

fn no_store(location: &str) -> Failure {
    Failure::usage(format!("there is no concordat store at {location}"))
        .with_detail("create one with `concordat init PARTNERSHIP.toml --store URL`, or name an existing one with --store or CONCORDAT_STORE")
}

/// The error's plain words: the server's message, or the chain of causes for a client-side failure.
fn plain(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.message().to_string();
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn db_failure(e: tokio_postgres::Error) -> Failure {
    Failure::internal(format!("PostgreSQL error: {}", plain(&e)))
}

fn schema_failure(location: &str, e: tokio_postgres::Error) -> Failure {
    Failure::internal(format!(
        "could not create or migrate the concordat schema at {location}: {}",
        plain(&e)
    ))
    .with_detail("the database user needs the right to create tables there")
}

fn lock_failure(location: &str, e: tokio_postgres::Error) -> Failure {
    if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) {
        Failure::conflict(format!(
            "the store at {location} is busy: other writers held it for longer than the wait allows"
        ))
        .with_detail("try again when they have finished")
    } else {
        db_failure(e)
    }
}

fn write_failure(location: &str, e: tokio_postgres::Error) -> Failure {
    match e.code() {
        Some(c) if *c == SqlState::UNIQUE_VIOLATION || *c == SqlState::T_R_SERIALIZATION_FAILURE => {
            Failure::conflict(format!(
                "another writer appended to the store at {location} at the same time; nothing was written"
            ))
            .with_detail("read it again, then retry")
        }
        _ => lock_failure(location, e),
    }
}

fn connect_failure(location: &str, e: &tokio_postgres::Error) -> Failure {
    let code = e.code();
    if code == Some(&SqlState::INVALID_CATALOG_NAME) {
        return no_store(location).with_detail("(the database itself does not exist)");
    }
    if code == Some(&SqlState::INVALID_PASSWORD)
        || code == Some(&SqlState::INVALID_AUTHORIZATION_SPECIFICATION)
    {
        return Failure::usage(format!(
            "PostgreSQL at {location} refused the login: {}",
            plain(e)
        ))
        .with_detail("check the user and password in the URL (or PGPASSWORD, ~/.pgpass)");
    }
    Failure::internal(format!(
        "cannot reach PostgreSQL at {location}: {}",
        plain(e)
    ))
    .with_detail("check that the server is running and the URL's host and port are right")
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
mod tests {
    use super::*;
    use crate::event::NewEvent;
    use crate::store::{EmbeddedStore, Expectation};
    use crate::FailureKind;
    use serde_json::json;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn passwords_never_reach_the_location() {
        assert_eq!(
            redact_url(
                "postgres://alice:s3cret@db.example:5432/concordat?sslmode=disable&password=x"
            ),
            "postgres://alice:***@db.example:5432/concordat?sslmode=disable&password=***"
        );
        assert_eq!(
            redact_url("postgresql://alice@localhost/c"),
            "postgresql://alice@localhost/c"
        );
        assert_eq!(redact_url("postgres://h"), "postgres://h");
    }

    /// The server the tests use (`CONCORDAT_TEST_POSTGRES`); without one they pass vacuously,
    /// except under `CI=true`, where a suite that skips itself is not green.
    fn server() -> Option<String> {
        match std::env::var("CONCORDAT_TEST_POSTGRES") {
            Ok(url) if !url.is_empty() => Some(url),
            _ => {
                if std::env::var("CI").as_deref() == Ok("true") {
                    panic!(
                        "CONCORDAT_TEST_POSTGRES is not set under CI=true: run the tests through \
                         scripts/with-postgres.sh, which starts a throwaway PostgreSQL"
                    );
                }
                eprintln!("CONCORDAT_TEST_POSTGRES is not set: skipping this PostgreSQL test");
                None
            }
        }
    }

    /// `base` with its database replaced by `db` (its query parameters kept).
    fn with_database(base: &str, db: &str) -> String {
        let (main, query) = match base.split_once('?') {
            Some((m, q)) => (m, format!("?{q}")),
            None => (base, String::new()),
        };
        let (scheme, rest) = main.split_once("://").expect("a postgres:// URL");
        let authority = rest.split('/').next().unwrap_or("");
        format!("{scheme}://{authority}/{db}{query}")
    }

    /// A new, empty database on the test server, dropped when the value goes.
    struct TestDb {
        base: String,
        name: String,
        url: String,
    }

    impl TestDb {
        async fn new(base: &str) -> TestDb {
            static COUNTER: AtomicU32 = AtomicU32::new(0);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos();
            let name = format!(
                "concordat_unit_{}_{}_{nanos}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst)
            );
            admin(base, &format!("CREATE DATABASE {name}")).await;
            TestDb {
                base: base.to_string(),
                url: with_database(base, &name),
                name,
            }
        }

        async fn drop_it(self) {
            admin(
                &self.base,
                &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            )
            .await;
        }
    }

    async fn admin(base: &str, sql: &str) {
        let (client, connection) = tokio_postgres::connect(&with_database(base, "postgres"), NoTls)
            .await
            .expect("the test server answers");
        let connection = tokio::spawn(connection);
        client.batch_execute(sql).await.expect(sql);
        drop(client);
        let _ = connection.await;
    }

    fn request(stream: &str, expect: Option<u64>, n: usize) -> AppendRequest {
        AppendRequest {
            events: (0..n)
                .map(|i| NewEvent {
                    stream: stream.into(),
                    kind: "noted".into(),
                    actor: "jce".into(),
                    effective_on: "2008-09-01".into(),
                    data: json!({ "i": i, "z": "é", "a": [1, 2.5, null] }),
                })
                .collect(),
            expectations: expect
                .map(|v| {
                    vec![Expectation {
                        stream: stream.into(),
                        version: v,
                    }]
                })
                .unwrap_or_default(),
            now: "2008-09-01T16:30:00Z".parse().unwrap(),
            tz: jiff::tz::TimeZone::get("Europe/London").unwrap(),
        }
    }

    fn verify(events: &[Event]) -> crate::chain::VerifyReport {
        let text: String = events.iter().map(|e| e.to_line() + "\n").collect();
        crate::chain::verify_lines(text.as_bytes(), None).unwrap()
    }

    const WAIT: Duration = Duration::from_secs(10);

    #[tokio::test]
    async fn appends_reads_and_reopens() {
        let Some(base) = server() else { return };
        let db = TestDb::new(&base).await;
        {
            let store = PostgresStore::open(&db.url, OpenMode::Create, WAIT)
                .await
                .unwrap();
            assert_eq!(store.head().await.unwrap().seq, 0);
            let written = store.append(request("a", Some(0), 2)).await.unwrap();
            assert_eq!(written[1].version, 2);
            assert_eq!(written[0].recorded_at, "2008-09-01T17:30:00+01:00");
            store.append(request("b", None, 1)).await.unwrap();
            store.append(request("ab", None, 1)).await.unwrap();
            store.close().await.unwrap();
        }
        let store = PostgresStore::open(&db.url, OpenMode::Existing, WAIT)
            .await
            .unwrap();
        let head = store.head().await.unwrap();
        assert_eq!(head.seq, 4);
        assert_eq!(store.read_stream("a").await.unwrap().len(), 2);
        assert_eq!(store.read_from(2).await.unwrap().len(), 3);
        assert_eq!(store.read_from(0).await.unwrap().len(), 4);
        assert_eq!(store.stream_version("a").await.unwrap(), 2);
        assert_eq!(store.stream_version("zz").await.unwrap(), 0);
        assert_eq!(store.streams("a").await.unwrap(), vec!["a", "ab"]);
        assert_eq!(store.streams("").await.unwrap(), vec!["a", "ab", "b"]);
        let all = store.read_from(1).await.unwrap();
        assert!(verify(&all).ok);
        assert_eq!(all.last().unwrap().hash, head.hash);
        // A later clock behind the log records at the log's last instant.
        let mut late = request("a", Some(2), 1);
        late.now = "2008-09-01T10:00:00Z".parse().unwrap();
        let e = store.append(late).await.unwrap();
        assert_eq!(e[0].recorded_at, "2008-09-01T17:30:00+01:00");
        assert!(!store.location().is_empty());
        drop(store);
        db.drop_it().await;
    }

    #[tokio::test]
    async fn a_stale_expectation_is_a_conflict_and_writes_nothing() {
        let Some(base) = server() else { return };
        let db = TestDb::new(&base).await;
        let store = PostgresStore::open(&db.url, OpenMode::Create, WAIT)
            .await
            .unwrap();
        store.append(request("a", Some(0), 1)).await.unwrap();
        let before = store.head().await.unwrap();
        let mut req = request("a", Some(0), 2);
        req.events.extend(request("b", None, 1).events);
        let err = store.append(req).await.unwrap_err();
        assert_eq!(err.kind, FailureKind::Conflict);
        assert_eq!(store.head().await.unwrap(), before);
        assert_eq!(store.stream_version("b").await.unwrap(), 0);
        assert_eq!(store.streams("").await.unwrap(), vec!["a"]);
        drop(store);
        db.drop_it().await;
    }

    #[tokio::test]
    async fn create_on_a_store_and_existing_on_nothing_are_refused() {
        let Some(base) = server() else { return };
        let db = TestDb::new(&base).await;
        let err = PostgresStore::open(&db.url, OpenMode::Existing, WAIT)
            .await
            .err()
            .unwrap();
        assert_eq!(err.kind, FailureKind::Usage);
        assert!(err.details[0].contains("concordat init"), "{err:?}");
        {
            let store = PostgresStore::open(&db.url, OpenMode::Create, WAIT)
                .await
                .unwrap();
            store.append(request("a", None, 1)).await.unwrap();
        }
        let err = PostgresStore::open(&db.url, OpenMode::Create, WAIT)
            .await
            .err()
            .unwrap();
        assert_eq!(err.kind, FailureKind::Conflict);
        assert!(err.message.contains("already exists"), "{err:?}");
        db.drop_it().await;
    }

    #[tokio::test]
    async fn create_makes_a_missing_database() {
        let Some(base) = server() else { return };
        let name = format!("concordat_unit_new_{}", std::process::id());
        admin(&base, &format!("DROP DATABASE IF EXISTS {name}")).await;
        let url = with_database(&base, &name);
        let store = PostgresStore::open(&url, OpenMode::Create, WAIT)
            .await
            .unwrap();
        store.append(request("a", None, 1)).await.unwrap();
        drop(store);
        admin(
            &base,
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        )
        .await;
        let err = PostgresStore::open(&url, OpenMode::Existing, WAIT)
            .await
            .err()
            .unwrap();
        assert_eq!(err.kind, FailureKind::Usage);
    }

    #[tokio::test]
    async fn an_unreachable_server_is_a_plain_error() {
        // Port 1 on loopback: nothing listens there.
        let err = PostgresStore::open("postgres://u:pw@127.0.0.1:1/x", OpenMode::Existing, WAIT)
            .await
            .err()
            .unwrap();
        assert_eq!(err.kind, FailureKind::Internal);
        assert!(err.message.contains("cannot reach PostgreSQL"), "{err:?}");
        assert!(!err.message.contains("pw"), "{err:?}");
    }

    #[tokio::test]
    async fn a_held_lock_makes_the_store_busy() {
        let Some(base) = server() else { return };
        let db = TestDb::new(&base).await;
        let store = PostgresStore::open(&db.url, OpenMode::Create, Duration::from_millis(200))
            .await
            .unwrap();
        let (mut holder, connection) = tokio_postgres::connect(&db.url, NoTls).await.unwrap();
        let connection = tokio::spawn(connection);
        let tx = holder.transaction().await.unwrap();
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
            .await
            .unwrap();
        let err = store.append(request("a", None, 1)).await.unwrap_err();
        assert_eq!(err.kind, FailureKind::Conflict);
        assert!(err.message.contains("busy"), "{err:?}");
        tx.rollback().await.unwrap();
        store.append(request("a", None, 1)).await.unwrap();
        assert_eq!(store.head().await.unwrap().seq, 1);
        drop(holder);
        let _ = connection.await;
        drop(store);
        db.drop_it().await;
    }

    #[tokio::test]
    async fn eight_concurrent_writers_keep_one_unbroken_chain() {
        let Some(base) = server() else { return };
        let db = TestDb::new(&base).await;
        drop(
            PostgresStore::open(&db.url, OpenMode::Create, WAIT)
                .await
                .unwrap(),
        );
        const WRITERS: usize = 8;
        const BATCHES: u64 = 15;
        let mut tasks = Vec::new();
        for w in 0..WRITERS {
            let url = db.url.clone();
            tasks.push(tokio::spawn(async move {
                let store = PostgresStore::open(&url, OpenMode::Existing, Duration::from_secs(60))
                    .await
                    .unwrap();
                let own = format!("writer-{w}");
                let mut version = 0;
                for b in 0..BATCHES {
                    // Its own stream, with an expectation that must hold, and a shared one without.
                    let n = 1 + (b as usize % 3);
                    let mut req = request(&own, Some(version), n);
                    req.events.extend(request("shared", None, 1).events);
                    let written = store.append(req).await.unwrap();
                    version += n as u64;
                    let last_own = written.iter().rfind(|e| e.stream == own).unwrap();
                    assert_eq!(last_own.version, version);
                    assert_eq!(store.stream_version(&own).await.unwrap(), version);
                }
                store.close().await.unwrap();
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let store = PostgresStore::open(&db.url, OpenMode::Existing, WAIT)
            .await
            .unwrap();
        let all = store.read_from(1).await.unwrap();
        let report = verify(&all);
        assert!(report.ok, "{report:?}");
        assert_eq!(report.head, store.head().await.unwrap().hash);
        let per_writer: u64 = (0..BATCHES).map(|b| 1 + b % 3).sum();
        assert_eq!(all.len() as u64, WRITERS as u64 * (per_writer + BATCHES));
        assert_eq!(
            store.stream_version("shared").await.unwrap(),
            WRITERS as u64 * BATCHES
        );
        // The writers really did interleave: the log is not eight blocks one after another.
        let own_streams: Vec<&str> = all
            .iter()
            .map(|e| e.stream.as_str())
            .filter(|s| *s != "shared")
            .collect();
        let blocks = 1 + own_streams.windows(2).filter(|w| w[0] != w[1]).count();
        assert!(
            blocks > WRITERS,
            "the writers ran one after another ({blocks} blocks)"
        );
        drop(store);
        db.drop_it().await;
    }

    #[tokio::test]
    async fn the_same_batches_give_the_same_hashes_as_the_embedded_store() {
        let Some(base) = server() else { return };
        let db = TestDb::new(&base).await;
        let tmp = tempfile::tempdir().unwrap();
        let embedded =
            EmbeddedStore::open(&tmp.path().join("store"), OpenMode::Create, WAIT).unwrap();
        let pg = PostgresStore::open(&db.url, OpenMode::Create, WAIT)
            .await
            .unwrap();
        let stores: [&dyn EventStore; 2] = [&embedded, &pg];
        let mut batches = vec![
            request("proposal-elections", Some(0), 1),
            request("partnership", None, 3),
            request("proposal-elections", Some(1), 2),
        ];
        let mut mixed = request("proposal-payroll", Some(0), 2);
        mixed.events.extend(request("partnership", None, 1).events);
        mixed.now = "2008-12-01T09:00:00.6Z".parse().unwrap();
        batches.push(mixed);
        let mut behind = request("proposal-payroll", None, 1);
        behind.now = "2008-10-01T09:00:00Z".parse().unwrap();
        batches.push(behind);
        for batch in batches {
            let a = stores[0].append(batch.clone()).await.unwrap();
            let b = stores[1].append(batch).await.unwrap();
            assert_eq!(a, b);
        }
        let a = stores[0].read_from(1).await.unwrap();
        let b = stores[1].read_from(1).await.unwrap();
        assert_eq!(a, b);
        assert_eq!(
            a.iter().map(Event::to_line).collect::<Vec<_>>(),
            b.iter().map(Event::to_line).collect::<Vec<_>>()
        );
        assert_eq!(
            stores[0].head().await.unwrap(),
            stores[1].head().await.unwrap()
        );
        for s in ["proposal-elections", "proposal-payroll", "partnership"] {
            assert_eq!(
                stores[0].read_stream(s).await.unwrap(),
                stores[1].read_stream(s).await.unwrap()
            );
        }
        assert_eq!(
            stores[0].streams("proposal-").await.unwrap(),
            stores[1].streams("proposal-").await.unwrap()
        );
        assert!(verify(&b).ok);
        drop(pg);
        db.drop_it().await;
    }
}
