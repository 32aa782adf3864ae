//! One connection ready for the store: its session settings made, its statements prepared once,
//! and the role it logged in as (`session_user`, which the `db_role` trigger compares).

use super::append;
use super::connect::{configure_session, Link};
use super::errors::{connect_failure, db_failure};
use super::projections;
use crate::error::Result;
use std::time::Duration;
use tokio_postgres::{Client, Statement};

/// A connection, its prepared statements and its role; the connection's task ends with it.
pub(super) struct Conn {
    pub(super) client: Client,
    pub(super) statements: Statements,
    /// `session_user`: the role this connection logged in as.
    pub(super) session_role: String,
    pub(super) task: tokio::task::JoinHandle<()>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The statements every read and append uses, prepared once per connection.
pub(super) struct Statements {
    pub(super) append: Statement,
    pub(super) head: Statement,
    pub(super) read_stream: Statement,
    pub(super) read_from: Statement,
    pub(super) streams: Statement,
    pub(super) stream_version: Statement,
    /// A projection snapshot's load and save (`projections.rs`), one round trip each.
    pub(super) load_projection: Statement,
    pub(super) save_projection: Statement,
}

impl Statements {
    /// Prepares every statement at once: tokio-postgres pipelines them over the one connection.
    pub(super) async fn prepare(client: &Client) -> Result<Statements> {
        let p = |sql: &'static str| async move { client.prepare(sql).await.map_err(db_failure) };
        let (append, head, read_stream, read_from, streams, stream_version) = tokio::try_join!(
            p(append::APPEND_CALL),
            p("SELECT seq, hash, recorded_at FROM concordat_events ORDER BY seq DESC LIMIT 1"),
            p("SELECT line FROM concordat_events WHERE stream = $1 ORDER BY version"),
            p("SELECT line FROM concordat_events WHERE seq >= $1 ORDER BY seq"),
            p("SELECT stream FROM concordat_streams WHERE starts_with(stream, $1)"),
            p("SELECT version FROM concordat_streams WHERE stream = $1"),
        )?;
        // Prepared even for a role without the grant: privileges are checked when one runs.
        let (load_projection, save_projection) =
            tokio::try_join!(p(projections::LOAD), p(projections::SAVE))?;
        Ok(Statements {
            load_projection,
            save_projection,
            append,
            head,
            read_stream,
            read_from,
            streams,
            stream_version,
        })
    }
}

impl Conn {
    /// Connects to a store whose schema is already current (a pool's further connections):
    /// settings, statements and `session_user` in one pipelined flight.
    pub(super) async fn open(link: &Link, location: &str, busy_wait: Duration) -> Result<Conn> {
        let (client, task) = link
            .connect_with(&link.config, location)
            .await
            .map_err(|e| connect_failure(location, &e))?;
        let ready = async {
            tokio::try_join!(
                configure_session(&client, busy_wait),
                Statements::prepare(&client),
                async {
                    client
                        .query_one("SELECT session_user::text", &[])
                        .await
                        .map_err(db_failure)
                },
            )
        };
        match ready.await {
            Ok(((), statements, row)) => Ok(Conn {
                session_role: row.get(0),
                client,
                statements,
                task,
            }),
            Err(e) => {
                task.abort();
                Err(e)
            }
        }
    }
}
