//! Where a store's connections come from: one connection of its own (a command that appends once)
//! or a bounded pool shared by a process with many writers (`serve`, `scheduler run`), whose
//! reads then run at once on several connections. Every pooled connection must log in as the
//! role the store first did, so a binding checked against that role holds for all of them.

use super::conn::Conn;
use super::connect::Link;
use crate::error::{Failure, Result};
use deadpool::managed::{self, Metrics, RecycleError, RecycleResult, TimeoutType};
use std::time::Duration;

/// Connections a pool holds unless the URL's `pool_size` says otherwise.
pub const DEFAULT_POOL_SIZE: usize = 8;
/// The most `pool_size` may ask for: the server's `max_connections` (100 by default) is shared.
pub const MAX_POOL_SIZE: usize = 64;

/// A pool's bounds, read from the URL's `pool_size` and `pool_timeout` (seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    /// At most this many connections.
    pub size: usize,
    /// How long a caller waits for a free connection before a plain "busy" failure; None: the
    /// store's busy wait.
    pub wait: Option<Duration>,
}

/// Takes `pool_size` and `pool_timeout` out of `url` (tokio-postgres refuses keys it does not
/// know): the rest of the URL, and the settings.
pub(super) fn split_pool(url: &str, location: &str) -> Result<(String, PoolSettings)> {
    let mut settings = PoolSettings {
        size: DEFAULT_POOL_SIZE,
        wait: None,
    };
    let Some((main, query)) = url.split_once('?') else {
        return Ok((url.to_string(), settings));
    };
    let mut kept = Vec::new();
    for param in query.split('&') {
        let (key, value) = param.split_once('=').unwrap_or((param, ""));
        match key {
            "pool_size" => settings.size = bounded(value, 1, MAX_POOL_SIZE, key, location)?,
            "pool_timeout" => {
                let secs = bounded(value, 1, 3600, key, location)?;
                settings.wait = Some(Duration::from_secs(secs as u64));
            }
            _ => kept.push(param),
        }
    }
    let rest = if kept.is_empty() {
        main.to_string()
    } else {
        format!("{main}?{}", kept.join("&"))
    };
    Ok((rest, settings))
}

/// `value` as a whole number from `min` to `max`, or a usage failure naming `key`.
fn bounded(value: &str, min: usize, max: usize, key: &str, location: &str) -> Result<usize> {
    match value.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(Failure::usage(format!(
            "{location}: {key}={value} is not a whole number from {min} to {max}"
        ))
        .with_detail(format!(
            "write {key}={min} up to {key}={max}, or leave it out"
        ))),
    }
}

/// Makes the pool's connections: each readied as the store's first one was, and refused unless it
/// logged in as the same role.
pub(super) struct Manager {
    pub(super) link: Link,
    pub(super) location: String,
    pub(super) busy_wait: Duration,
    pub(super) role: String,
}

impl managed::Manager for Manager {
    type Type = Conn;
    type Error = Failure;

    async fn create(&self) -> Result<Conn> {
        let conn = Conn::open(&self.link, &self.location, self.busy_wait).await?;
        if conn.session_role != self.role {
            return Err(Failure::not_permitted(format!(
                "a new connection to {} logged in as {}, not as {} like the others",
                self.location, conn.session_role, self.role
            ))
            .with_detail("give the URL a user, so that every connection logs in as one role"));
        }
        Ok(conn)
    }

    async fn recycle(&self, conn: &mut Conn, _: &Metrics) -> RecycleResult<Failure> {
        // A closed connection is dropped; a live one keeps its session and its statements.
        if conn.client.is_closed() {
            return Err(RecycleError::message("the connection has closed"));
        }
        Ok(())
    }
}

/// A store's connections.
pub(super) enum Source {
    One(Box<Conn>),
    Pool(managed::Pool<Manager>, PoolSettings),
}

/// A connection in use: the store's own, or one borrowed from the pool until this is dropped.
// Lives on the stack for one call: boxing the pooled variant would allocate on every query.
#[allow(clippy::large_enum_variant)]
pub(super) enum Checkout<'a> {
    One(&'a Conn),
    Pooled(managed::Object<Manager>),
}

impl std::ops::Deref for Checkout<'_> {
    type Target = Conn;

    fn deref(&self) -> &Conn {
        match self {
            Checkout::One(conn) => conn,
            Checkout::Pooled(object) => object,
        }
    }
}

impl Source {
    /// A pool of `settings.size` connections made by `manager`; callers wait up to `settings.wait`
    /// (else `busy_wait`) for one.
    pub(super) fn pool(
        manager: Manager,
        settings: PoolSettings,
        busy_wait: Duration,
    ) -> Result<Source> {
        let settings = PoolSettings {
            wait: Some(settings.wait.unwrap_or(busy_wait)),
            ..settings
        };
        let pool = managed::Pool::builder(manager)
            .max_size(settings.size)
            .wait_timeout(settings.wait)
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            .map_err(|e| Failure::internal(format!("cannot make the connection pool: {e}")))?;
        Ok(Source::Pool(pool, settings))
    }

    /// A connection to use now: waits for a free one of the pool, up to its timeout.
    pub(super) async fn checkout(&self, location: &str) -> Result<Checkout<'_>> {
        let (pool, settings) = match self {
            Source::One(conn) => return Ok(Checkout::One(conn)),
            Source::Pool(pool, settings) => (pool, settings),
        };
        match pool.get().await {
            Ok(object) => Ok(Checkout::Pooled(object)),
            Err(managed::PoolError::Backend(failure)) => Err(failure),
            Err(managed::PoolError::Timeout(TimeoutType::Wait)) => Err(Failure::conflict(format!(
                "the store at {location} is busy: all {} connections of this process stayed in use for {} s",
                settings.size,
                settings.wait.unwrap_or_default().as_secs()
            ))
            .with_detail("try again when the writers have finished, or raise pool_size in the store URL")),
            Err(e) => Err(Failure::internal(format!(
                "no connection to {location} from the pool: {e}"
            ))),
        }
    }
}
