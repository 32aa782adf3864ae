//! Projection snapshots on PostgreSQL (schema 4): the table `concordat_projections`, one row per
//! database role and key, so a command folds only the events after what was saved.
//!
//! Rebuildable, never the authority, and never a command's failure: a row that is absent,
//! unreadable (a role without the grant) or whose digest does not match its bytes is a miss, and
//! a save that fails is logged and dropped. Each role reads and writes only its own rows (row-level
//! security, `session_user` as the `db_role` trigger uses): an officer who may append can also
//! save projections, but never one that the owner or another officer then answers from, so a
//! forged projection cannot change what anyone else is told.

use super::errors::plain;
use super::{to_i64, to_u64, PostgresStore};
use sha2::{Digest, Sha256};
use std::sync::atomic::Ordering;
use tokio_postgres::error::SqlState;

/// Migration 4: the table, its policy, and row-level security on it.
pub(super) const MIGRATION: &str = "
    CREATE TABLE concordat_projections (
        db_role text NOT NULL DEFAULT session_user,
        key text NOT NULL,
        version bigint NOT NULL CHECK (version >= 0),
        digest bytea NOT NULL,
        bytes bytea NOT NULL,
        PRIMARY KEY (db_role, key)
    );
    ALTER TABLE concordat_projections ENABLE ROW LEVEL SECURITY;
    CREATE POLICY concordat_projections_own ON concordat_projections
        USING (db_role = session_user) WITH CHECK (db_role = session_user);";

pub(super) const LOAD: &str = "SELECT version, digest, bytes FROM concordat_projections
     WHERE db_role = session_user AND key = $1";

/// The upsert, its commit not waiting for the WAL flush (`synchronous_commit` off for its own
/// transaction only): a projection lost in a crash is folded again, and a command that folds
/// many proposals would otherwise wait for a flush per proposal.
pub(super) const SAVE: &str =
    "INSERT INTO concordat_projections (db_role, key, version, digest, bytes)
     SELECT session_user, $1::text, $2::bigint, $3::bytea, $4::bytea
     FROM (SELECT set_config('synchronous_commit', 'off', true)) AS unflushed
     ON CONFLICT (db_role, key) DO UPDATE
     SET version = EXCLUDED.version, digest = EXCLUDED.digest, bytes = EXCLUDED.bytes";

/// What a row's digest covers: its key, its version and its bytes.
pub(super) fn digest(key: &str, version: u64, bytes: &[u8]) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update((key.len() as u64).to_be_bytes());
    hasher.update(key.as_bytes());
    hasher.update(version.to_be_bytes());
    hasher.update(bytes);
    hasher.finalize().to_vec()
}

impl PostgresStore {
    /// This role's snapshot of `key`, if it is there and whole; any failure is a miss.
    pub(super) async fn load_projection(&self, key: &str) -> Option<(u64, Vec<u8>)> {
        if self.shared.projections_denied.load(Ordering::Relaxed) {
            return None;
        }
        let conn = match self.conn().await {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!("reading projection {key}: {}", e.message);
                return None;
            }
        };
        let row = match conn
            .client
            .query_opt(&conn.statements.load_projection, &[&key])
            .await
        {
            Ok(row) => row?,
            Err(e) => {
                self.projection_failed(key, &e);
                return None;
            }
        };
        let version = to_u64(row.get(0)).ok()?;
        let (stored, bytes): (Vec<u8>, Vec<u8>) = (row.get(1), row.get(2));
        if stored != digest(key, version, &bytes) {
            tracing::warn!("projection {key} is damaged; folding from the log");
            return None;
        }
        Some((version, bytes))
    }

    /// Saves this role's snapshot of `key`; a failure (e.g. a role without the grant) is logged.
    pub(super) async fn save_projection(&self, key: &str, version: u64, bytes: &[u8]) {
        if self.shared.projections_denied.load(Ordering::Relaxed) {
            return;
        }
        let (conn, at) = match (self.conn().await, to_i64(version)) {
            (Ok(conn), Ok(at)) => (conn, at),
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!("saving projection {key}: {}", e.message);
                return;
            }
        };
        let sum = digest(key, version, bytes);
        let saved = conn
            .client
            .execute(&conn.statements.save_projection, &[&key, &at, &sum, &bytes])
            .await;
        if let Err(e) = saved {
            self.projection_failed(key, &e);
        }
    }

    /// Logs a failed load or save: a role without the grant once (then projections are off for
    /// this handle, rather than a line per proposal), anything else each time.
    fn projection_failed(&self, key: &str, e: &tokio_postgres::Error) {
        if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) {
            if !self.shared.projections_denied.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    "the role {} may not use concordat_projections ({}); folding from the log",
                    self.shared.session_role,
                    plain(e)
                );
            }
            return;
        }
        tracing::warn!("projection {key}: {}; folding from the log", plain(e));
    }
}

#[cfg(test)]
#[path = "projections_tests.rs"]
mod tests;
