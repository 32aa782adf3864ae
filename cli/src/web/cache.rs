//! The server never holds the store between requests. Each request opens it the way every command
//! does (`context::session`: the same `STORE/lock` and 10 s busy wait), brings an in-memory copy of
//! the log up to the head (reading only what was appended since), closes it, and then answers from
//! that copy through a read-only [`EventStore`], so the library's operations run unchanged.

use crate::context;
use crate::global::GlobalArgs;
use async_trait::async_trait;
use engine::store::OpenMode;
use engine::{AppendRequest, Event, EventStore, Failure, Head, ZERO_HASH};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::Mutex;
use workflows::ops::Session;

/// The log as read at one head: every event, and each stream's events by position.
#[derive(Debug, Default, Clone)]
pub struct Log {
    pub events: Vec<Event>,
    streams: BTreeMap<String, Vec<usize>>,
    pub head: Option<Head>,
}

impl Log {
    fn from_events(events: Vec<Event>, head: Head) -> Log {
        let mut log = Log {
            events: Vec::new(),
            streams: BTreeMap::new(),
            head: Some(head),
        };
        log.extend(events);
        log
    }

    fn extend(&mut self, events: Vec<Event>) {
        for event in events {
            self.streams
                .entry(event.stream.clone())
                .or_default()
                .push(self.events.len());
            self.events.push(event);
        }
    }

    /// The event with this seq, if any.
    pub fn event(&self, seq: u64) -> Option<&Event> {
        let i = self.events.partition_point(|e| e.seq < seq);
        self.events.get(i).filter(|e| e.seq == seq)
    }
}

/// The copy of the log shared by every request, and the store it comes from.
pub struct Cache {
    global: GlobalArgs,
    log: Mutex<Arc<Log>>,
}

impl Cache {
    /// A cache over the store the global flags name (nothing is read yet).
    pub fn new(global: GlobalArgs) -> Cache {
        Cache {
            global,
            log: Mutex::new(Arc::new(Log::default())),
        }
    }

    /// Opens the store, brings the copy up to its head, and releases the store.
    pub async fn read(&self) -> Result<Arc<Log>, Failure> {
        // One request of this process at a time opens the store; the others wait here.
        let mut cached = self.log.lock().await;
        let session = context::session(&self.global, OpenMode::Existing).await?;
        let result = refresh(&session, &cached).await;
        session.store.close().await?;
        match result? {
            None => {}
            Some(Refresh::Whole(log)) => *cached = Arc::new(log),
            Some(Refresh::Append(events, head)) => {
                // In place when no request still reads the old copy (the usual case), else a copy.
                let log = Arc::make_mut(&mut *cached);
                log.extend(events);
                log.head = Some(head);
            }
        }
        Ok(cached.clone())
    }

    /// Drops the copy, so the next request reads the whole log again.
    pub async fn invalidate(&self) {
        *self.log.lock().await = Arc::new(Log::default());
    }

    /// A session for the library's read operations, over the copy brought up to date (no actor).
    pub async fn session(&self) -> Result<(Session, Arc<Log>), Failure> {
        let log = self.read().await?;
        let now = context::now()?;
        let store = MemoryStore { log: log.clone() };
        Ok((Session::new(Box::new(store), now, None), log))
    }

    /// Runs `f` on a session over the store itself (for verification, which must read the log
    /// as it is on disk), then releases the store.
    pub async fn with_store<T>(
        &self,
        f: impl AsyncFnOnce(&mut Session) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        let _turn = self.log.lock().await;
        let mut session = context::session(&self.global, OpenMode::Existing).await?;
        let result = f(&mut session).await;
        session.store.close().await?;
        result
    }
}

/// How the copy of the log catches up with the store.
enum Refresh {
    /// These events were appended after the copy's head, which is now this.
    Append(Vec<Event>, Head),
    /// The log is not the one copied (a new store, or a rewritten log): the whole of it.
    Whole(Log),
}

/// How the copy catches up, or None when it is still the store's.
async fn refresh(session: &Session, cached: &Log) -> Result<Option<Refresh>, Failure> {
    let head = session.store.head().await?;
    let Some(old) = &cached.head else {
        return full(session, head).await.map(|l| Some(Refresh::Whole(l)));
    };
    if *old == head {
        return Ok(None);
    }
    if head.seq > old.seq {
        let newer = session.store.read_from(old.seq + 1).await?;
        // Appended after what we hold: extend it; anything else (a rewritten log): read it all.
        if newer.first().is_some_and(|e| e.prev_hash == old.hash) {
            return Ok(Some(Refresh::Append(newer, head)));
        }
    }
    full(session, head).await.map(|l| Some(Refresh::Whole(l)))
}

async fn full(session: &Session, head: Head) -> Result<Log, Failure> {
    let events = session.store.read_from(1).await?;
    Ok(Log::from_events(events, head))
}

/// A read-only store over a copy of the log: the library reads it as it reads any backend; an
/// append is refused.
struct MemoryStore {
    log: Arc<Log>,
}

#[async_trait]
impl EventStore for MemoryStore {
    async fn append(&self, _request: AppendRequest) -> engine::error::Result<Vec<Event>> {
        Err(Failure::not_permitted("the web view is read-only")
            .with_detail("change the store with the `concordat` command line"))
    }

    async fn read_stream(&self, stream: &str) -> engine::error::Result<Vec<Event>> {
        Ok(self
            .log
            .streams
            .get(stream)
            .map(|ix| ix.iter().map(|i| self.log.events[*i].clone()).collect())
            .unwrap_or_default())
    }

    async fn read_from(&self, from_seq: u64) -> engine::error::Result<Vec<Event>> {
        let i = self.log.events.partition_point(|e| e.seq < from_seq);
        Ok(self.log.events[i..].to_vec())
    }

    async fn streams(&self, prefix: &str) -> engine::error::Result<Vec<String>> {
        Ok(self
            .log
            .streams
            .range(prefix.to_string()..)
            .take_while(|(name, _)| name.starts_with(prefix))
            .map(|(name, _)| name.clone())
            .collect())
    }

    async fn stream_version(&self, stream: &str) -> engine::error::Result<u64> {
        Ok(self.log.streams.get(stream).map_or(0, |ix| ix.len() as u64))
    }

    async fn head(&self) -> engine::error::Result<Head> {
        Ok(self.log.head.clone().unwrap_or(Head {
            seq: 0,
            hash: ZERO_HASH.to_string(),
            recorded_at: None,
        }))
    }

    async fn close(&self) -> engine::error::Result<()> {
        Ok(())
    }

    fn location(&self) -> String {
        "the web view's copy of the log".to_string()
    }
}
