//! The accounts of a PostgreSQL store: the table `concordat_accounts`, apart from the log's tables
//! (it is updated and deleted from, which the log's tables never are). Only the roles that run
//! `concordat user` need to write it, and the role `serve` connects as needs only to read it.

use super::Accounts;
use crate::error::{Failure, Result};
use async_trait::async_trait;
use std::time::Duration;
use tokio_postgres::{Client, Config, NoTls};

/// Plain words for a database error (its message, without the driver's wrapping).
fn db_failure(e: tokio_postgres::Error) -> Failure {
    let text = e
        .as_db_error()
        .map_or_else(|| e.to_string(), |d| d.message().to_string());
    Failure::internal(format!("the accounts table: {text}"))
        .with_detail("check that this role may read and write concordat_accounts")
}

async fn connect_url(url: &str) -> Result<(Client, tokio::task::JoinHandle<()>)> {
    // The URL may hold a password: messages name the database only.
    let location = "the store's database";
    let url = crate::store::without_pool_keys(url)?;
    let mut config: Config = url.parse().map_err(|e| {
        Failure::usage(format!("{location} is not a usable PostgreSQL URL: {e}"))
            .with_detail("write it as postgres://USER@HOST:PORT/DATABASE")
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    let (client, connection) = config.connect(NoTls).await.map_err(|e| {
        Failure::internal(format!("cannot connect to {location}: {e}"))
            .with_detail("check that the database is running and the URL is right")
    })?;
    let connection = tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::warn!("PostgreSQL connection (accounts) ended: {e}");
        }
    });
    Ok((client, connection))
}

/// Accounts kept in their own table.
pub struct TableAccounts {
    client: Client,
    connection: tokio::task::JoinHandle<()>,
}

impl TableAccounts {
    /// Connects to the store's database, creating the table when it is missing.
    pub async fn open(url: &str) -> Result<TableAccounts> {
        let (client, connection) = connect_url(url).await?;
        client
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS concordat_accounts (
                    actor text PRIMARY KEY,
                    hash text NOT NULL,
                    changed_at timestamptz NOT NULL DEFAULT now())",
            )
            .await
            .map_err(db_failure)?;
        Ok(TableAccounts { client, connection })
    }
}

impl Drop for TableAccounts {
    fn drop(&mut self) {
        self.connection.abort();
    }
}

#[async_trait]
impl Accounts for TableAccounts {
    async fn get(&self, actor: &str) -> Result<Option<String>> {
        let row = self
            .client
            .query_opt(
                "SELECT hash FROM concordat_accounts WHERE actor = $1",
                &[&actor],
            )
            .await
            .map_err(db_failure)?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn put(&self, actor: &str, hash: &str) -> Result<()> {
        self.client
            .execute(
                "INSERT INTO concordat_accounts (actor, hash) VALUES ($1, $2)
                 ON CONFLICT (actor) DO UPDATE SET hash = EXCLUDED.hash, changed_at = now()",
                &[&actor, &hash],
            )
            .await
            .map_err(db_failure)?;
        Ok(())
    }

    async fn remove(&self, actor: &str) -> Result<bool> {
        let n = self
            .client
            .execute("DELETE FROM concordat_accounts WHERE actor = $1", &[&actor])
            .await
            .map_err(db_failure)?;
        if n > 1 {
            return Err(Failure::integrity("more than one account had one actor"));
        }
        Ok(n == 1)
    }
}
