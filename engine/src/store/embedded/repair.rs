//! Resolving a log found shorter than what was acknowledged: restoring the missing events from
//! an export or a copy (each checked against its hash and the acknowledged one), or accepting the
//! loss explicitly.

use super::witness::{Acknowledged, Shortfall};
use super::{io_failure, EmbeddedStore, LOG_FILE};
use crate::error::{Failure, Result};
use crate::event::Event;
use crate::store::Head;
use std::io::Write;
use std::sync::atomic::Ordering;

impl EmbeddedStore {
    /// What the log lacks, or a refusal (exit 3) when it lacks nothing.
    fn pending_shortfall(&self) -> Result<Shortfall> {
        let shortfall = self.shortfall.lock().expect("shortfall mutex").clone();
        let shortfall = shortfall.ok_or_else(|| {
            Failure::refused(format!(
                "the log at {} lacks no acknowledged event: there is nothing to restore or accept",
                self.dir.display()
            ))
            .with_detail("`concordat audit verify` checks the chain")
        })?;
        if shortfall.diverged {
            return Err(shortfall.failure(&self.dir));
        }
        Ok(shortfall)
    }

    /// Appends `events` — those of an export or a copy of this log that follow its last whole
    /// event — after checking that they continue its chain, each hash is the event's own, and
    /// they reach the acknowledged event with its acknowledged hash. Returns the new head.
    pub fn restore(&self, events: &[Event]) -> Result<Head> {
        let shortfall = self.pending_shortfall()?;
        let mut inner = self.inner();
        let mut prev = inner.head.clone();
        let mut reached = false;
        for event in events {
            if event.seq != prev.seq + 1 || event.prev_hash != prev.hash {
                return Err(Failure::integrity(format!(
                    "the file's event {} does not follow this log's event {} (hash {})",
                    event.seq, prev.seq, prev.hash
                ))
                .with_detail("restore from an export or a copy of this store's own log"));
            }
            if event.compute_hash() != event.hash {
                return Err(Failure::integrity(format!(
                    "the file's event {} does not match its hash",
                    event.seq
                ))
                .with_detail("the file was changed: use an untouched export or copy"));
            }
            reached |= event.seq == shortfall.acknowledged_seq
                && event.hash == shortfall.acknowledged_hash;
            prev = Head {
                seq: event.seq,
                hash: event.hash.clone(),
                recorded_at: Some(event.recorded_at.clone()),
            };
        }
        if !reached {
            return Err(Failure::refused(format!(
                "the file does not hold the acknowledged event {} (hash {})",
                shortfall.acknowledged_seq, shortfall.acknowledged_hash
            ))
            .with_detail("use an export or a copy made after that event was recorded"));
        }
        let path = self.dir.join(LOG_FILE);
        let mut bytes = Vec::new();
        for event in events {
            bytes.extend_from_slice(event.to_line().as_bytes());
            bytes.push(b'\n');
        }
        let base = inner.log_len;
        (|| {
            inner.log.set_len(base)?;
            (&*inner.log).write_all(&bytes)?;
            inner.log.sync_data()
        })()
        .map_err(|e| io_failure(&path, e))?;
        inner.log_len = base + bytes.len() as u64;
        inner.torn = None;
        inner.rebuild()?;
        let head = inner.head.clone();
        let len = inner.log_len;
        inner.broken = None;
        self.written.store(len, Ordering::Release);
        self.sync.lock().expect("sync mutex").durable = len;
        drop(inner);
        self.witness.lock().expect("witness mutex").record(
            Acknowledged {
                seq: head.seq,
                hash: head.hash.clone(),
                len,
            },
            false,
        )?;
        *self.shortfall.lock().expect("shortfall mutex") = None;
        tracing::info!(events = events.len(), "restored the missing events");
        Ok(head)
    }

    /// Accepts that the events after `after` (the log's last whole event) are lost, and lets
    /// appends go on (the next cuts off any bytes after it that are no whole event). The caller records the
    /// acceptance with its next append, whose acknowledgement is synced, so the loss stands
    /// accepted only once that record is durable. Returns what was lost.
    pub fn accept_loss(&self, after: u64) -> Result<Shortfall> {
        let shortfall = self.pending_shortfall()?;
        if after != shortfall.log_seq {
            return Err(Failure::usage(format!(
                "the log ends at seq {}, not {after}: only the loss of everything after its last event can be accepted",
                shortfall.log_seq
            ))
            .with_detail(format!("run `concordat store accept-loss --after {}`", shortfall.log_seq)));
        }
        // Nothing changes on disk here: bytes after the last whole event are cut off by the
        // append that records the acceptance, and the record moves back with its acknowledgement.
        let mut inner = self.inner();
        inner.broken = None;
        let head = inner.head.clone();
        let len = inner.log_len;
        drop(inner);
        // In memory only: the record on disk moves back with the next (synced) acknowledgement.
        self.witness.lock().expect("witness mutex").last = Some(Acknowledged {
            seq: head.seq,
            hash: head.hash,
            len,
        });
        self.sync_witness.store(true, Ordering::Release);
        *self.shortfall.lock().expect("shortfall mutex") = None;
        Ok(shortfall)
    }
}
