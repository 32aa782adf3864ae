//! Connecting, creating the database, and creating or migrating the schema.

use super::tls::{split_tls, MakeRustls};
use super::*;

/// How to reach the server: the parsed URL and its TLS connector (None for `sslmode=disable`).
#[derive(Clone)]
pub(super) struct Link {
    pub(super) config: Config,
    pub(super) tls: Option<MakeRustls>,
}

impl Link {
    /// The URL as tokio-postgres reads it, after `sslmode` and `sslrootcert` are taken out.
    pub(super) fn from_url(url: &str, location: &str) -> Result<Link> {
        let (rest, tls) = split_tls(url, location)?;
        let mut config: Config = rest.parse().map_err(|e| {
            Failure::usage(format!("{location} is not a usable PostgreSQL URL: {e}"))
                .with_detail("write it as postgres://USER@HOST:PORT/DATABASE")
        })?;
        config.ssl_mode(tls.wire_mode());
        Ok(Link {
            config,
            tls: tls.connector(location)?,
        })
    }

    /// Connects with `config` (this link's, or a variant of it); the connection runs in a task.
    pub(super) async fn connect_with(
        &self,
        config: &Config,
        location: &str,
    ) -> std::result::Result<(Client, tokio::task::JoinHandle<()>), tokio_postgres::Error> {
        tracing::debug!(store = location, "connecting to PostgreSQL");
        let (client, task) = match &self.tls {
            None => {
                let (client, connection) = config.connect(NoTls).await?;
                (client, tokio::spawn(run(connection)))
            }
            Some(tls) => {
                let (client, connection) = config.connect(tls.clone()).await?;
                (client, tokio::spawn(run(connection)))
            }
        };
        Ok((client, task))
    }
}

/// Drives one connection until it ends.
async fn run<S, T>(connection: tokio_postgres::Connection<S, T>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    if let Err(e) = connection.await {
        tracing::warn!("PostgreSQL connection ended: {e}");
    }
}

/// Creates the database the URL names, through the server's `postgres` database.
pub(super) async fn create_database(link: &Link, location: &str) -> Result<()> {
    let name = link.config.get_dbname().expect("checked above").to_string();
    let mut admin = link.config.clone();
    admin.dbname("postgres");
    let how = format!("create it first, e.g. `createdb {name}`, or name one that exists");
    let (client, connection) = link.connect_with(&admin, location).await.map_err(|e| {
        Failure::usage(format!(
            "the database of {location} does not exist, and concordat could not create it: {}",
            plain(&e)
        ))
        .with_detail(how.clone())
    })?;
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

pub(super) async fn configure_session(client: &Client, busy_wait: Duration) -> Result<()> {
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
pub(super) async fn prepare_schema(
    client: &mut Client,
    mode: OpenMode,
    location: &str,
) -> Result<()> {
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
pub(super) async fn schema_version(client: &impl GenericClient) -> Result<Option<i32>> {
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
