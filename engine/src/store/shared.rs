//! Opening stores in a process with many writers (`serve`, `scheduler run`): a PostgreSQL store is
//! connected once, as a pool, and every later open is a handle on it (no connect, no statements
//! prepared again, concurrent reads on the pool's connections, appends sharing commits). The
//! embedded store is opened per call as ever: its lock is what lets other processes in between.

use super::{open_store, EventStore, OpenMode};
use crate::error::Result;
use std::time::Duration;

/// The pooled stores this process has opened, by location.
#[derive(Default)]
pub struct SharedStores {
    #[cfg(feature = "postgres")]
    pools: tokio::sync::Mutex<Vec<(String, super::PostgresStore)>>,
}

impl SharedStores {
    /// No store opened yet.
    pub fn new() -> SharedStores {
        SharedStores::default()
    }

    /// Opens `location` as [`open_store`] does, except that an existing PostgreSQL store is
    /// served from this process's pool for it (made at the first open; the URL's `pool_size` and
    /// `pool_timeout` bound it).
    pub async fn open(
        &self,
        location: &str,
        mode: OpenMode,
        busy_wait: Duration,
    ) -> Result<Box<dyn EventStore>> {
        #[cfg(feature = "postgres")]
        if mode == OpenMode::Existing && super::is_database_url(location) {
            let mut pools = self.pools.lock().await;
            if let Some((_, store)) = pools.iter().find(|(at, _)| at == location) {
                return Ok(Box::new(store.handle()));
            }
            let store = super::PostgresStore::open_pooled(location, busy_wait).await?;
            let handle = store.handle();
            pools.push((location.to_string(), store));
            return Ok(Box::new(handle));
        }
        open_store(location, mode, busy_wait).await
    }
}
