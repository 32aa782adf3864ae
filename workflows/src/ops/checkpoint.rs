//! Verifiable checkpoints of the log: the checkpoint body at any seq (for quarterly reports),
//! signing one with the partnership's key, and inclusion and consistency proofs.
//!
//! A signed checkpoint is kept as an event (`checkpoint-signed` in the `checkpoints` stream): it is
//! then durable, ordered and copied with the log on every backend, and who signed when is itself
//! on the record. The event falls after the checkpoint it records (a checkpoint of N events is
//! recorded by event N + 1), so the next checkpoint covers the record of the previous one.

use super::session::Session;
use crate::partnership::Role;
use crate::remedy::Remedy;
use engine::merkle::Frontier;
use engine::merkle::{checkpoint_body, consistency_text, inclusion_text, Checkpoint, MerkleLog};
use engine::merkle::{SignerKey, VerifierKey};
use engine::{Event, EventStore, Failure, NewEvent};
use serde::Serialize;

/// The stream that records signed checkpoints.
pub const CHECKPOINT_STREAM: &str = "checkpoints";
/// Type of the event that records one signed checkpoint.
pub const CHECKPOINT_SIGNED: &str = "checkpoint-signed";

/// The origin line of a partnership's checkpoints: `concordat/` and the slug of its name.
pub fn origin_for(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    format!(
        "concordat/{}",
        if slug.is_empty() { "partnership" } else { slug }
    )
}

/// The log's origin, fixed by the partnership as first registered (a later rename keeps it).
pub async fn origin(session: &mut Session) -> Result<String, Failure> {
    let history = session.partnership().await?;
    Ok(origin_for(&history.versions()[0].1.name))
}

/// The checkpoint body (origin, size, root) of the log's first `seq` events, given those events.
pub fn body_from_events(origin: &str, events: &[Event], seq: u64) -> Result<String, Failure> {
    let log = LogTree::from_events(origin.to_string(), events.to_vec())?;
    log.body(seq)
}

/// The checkpoint body of the log's first `seq` events: the same text for the same seq, always.
/// Costs the events after the saved Merkle frontier ([`frontier_at`]), not a tree over the log.
pub async fn body_at(session: &mut Session, seq: u64) -> Result<String, Failure> {
    let origin = origin(session).await?;
    let frontier = frontier_at(session.store.as_ref(), seq).await?;
    checkpoint_body(&origin, seq, frontier.root())
}

/// The key the Merkle frontier is saved under beside the log (no stream is named so).
pub const FRONTIER_KEY: &str = "projection:merkle-frontier";
/// Below this many events the tree is hashed afresh: that costs less than opening the saved state.
pub const FRONTIER_MIN_EVENTS: u64 = 1000;

/// The frontier of the log's first `seq` events (which must exist). It starts from the saved
/// frontier when that covers no more than `seq` and its last event is still the log's event at
/// its size (else from seq 1: a damaged, stale or foreign one is rebuilt, never answered from),
/// reads only the events after it, and saves the result when it covers more than the saved one.
pub async fn frontier_at(store: &dyn EventStore, seq: u64) -> Result<Frontier, Failure> {
    if seq < FRONTIER_MIN_EVENTS {
        return rebuild(store, seq).await;
    }
    let saved = store
        .load_snapshot(FRONTIER_KEY)
        .await?
        .and_then(|(_, bytes)| Frontier::decode(&bytes));
    let saved_size = saved.as_ref().map_or(0, Frontier::size);
    let mut foreign = false;
    let frontier = match saved.filter(|f| f.size() <= seq && f.size() > 0) {
        Some(f) => match extend(store, f, seq).await? {
            Some(f) => f,
            None => {
                tracing::info!("the saved Merkle frontier is not of this log; rebuilding it");
                foreign = true;
                rebuild(store, seq).await?
            }
        },
        None => rebuild(store, seq).await?,
    };
    if foreign || frontier.size() > saved_size {
        store
            .save_snapshot(FRONTIER_KEY, frontier.size(), &frontier.encode())
            .await?;
    }
    Ok(frontier)
}

/// The frontier of the first `seq` events, from seq 1.
async fn rebuild(store: &dyn EventStore, seq: u64) -> Result<Frontier, Failure> {
    extend(store, Frontier::new(), seq)
        .await?
        .ok_or_else(|| Failure::internal("an empty frontier matches any log"))
}

/// `frontier` extended to `seq` events, reading from its last event on; None when that event is
/// not the one it was made over.
async fn extend(
    store: &dyn EventStore,
    mut frontier: Frontier,
    seq: u64,
) -> Result<Option<Frontier>, Failure> {
    let mut matches = frontier.size() == 0;
    let mut stopped = false;
    let result = store
        .for_each_from(frontier.size().max(1), &mut |event| {
            if event.seq == frontier.size() && event.seq > 0 {
                matches = event.hash == frontier.last_event();
                return if matches {
                    Ok(())
                } else {
                    Err(stop(&mut stopped))
                };
            }
            if event.seq > seq || !matches {
                return Err(stop(&mut stopped));
            }
            if event.seq != frontier.size() + 1 {
                return Err(Failure::integrity(format!(
                    "the log has seq {} where {} should stand",
                    event.seq,
                    frontier.size() + 1
                )));
            }
            frontier.push_event_hash(&event.hash)
        })
        .await;
    match result {
        Err(_) if stopped => {}
        other => other?,
    }
    if !matches {
        return Ok(None);
    }
    if frontier.size() < seq {
        return Err(Failure::refused(format!(
            "the log has {} events; there is no checkpoint of {seq}",
            frontier.size()
        ))
        .with_detail(format!("give a size from 0 to {}", frontier.size())));
    }
    Ok(Some(frontier))
}

/// Ends a `for_each_from` early: the flag tells the caller it was not a failure.
fn stop(stopped: &mut bool) -> Failure {
    *stopped = true;
    Failure::internal("stopped reading: the frontier is complete")
}

/// The log and its Merkle tree, in memory.
#[derive(Debug)]
pub struct LogTree {
    /// The log's origin line.
    pub origin: String,
    /// Every event, seq 1 first.
    pub events: Vec<Event>,
    /// The Merkle tree over them.
    pub tree: MerkleLog,
}

impl LogTree {
    /// Reads the whole log and builds its tree.
    pub async fn load(session: &mut Session) -> Result<LogTree, Failure> {
        let origin = origin(session).await?;
        let events = session.store.read_from(1).await?;
        LogTree::from_events(origin, events)
    }

    /// Builds the tree over `events` (which must run from seq 1 without a gap).
    pub fn from_events(origin: String, events: Vec<Event>) -> Result<LogTree, Failure> {
        let mut tree = MerkleLog::new();
        for (i, e) in events.iter().enumerate() {
            if e.seq != i as u64 + 1 {
                return Err(Failure::integrity(format!(
                    "the log has seq {} where {} should stand",
                    e.seq,
                    i + 1
                )));
            }
            tree.push_event_hash(&e.hash)?;
        }
        Ok(LogTree {
            origin,
            events,
            tree,
        })
    }

    /// How many events the log has.
    pub fn size(&self) -> u64 {
        self.tree.size()
    }

    /// The checkpoint body of the first `size` events.
    pub fn body(&self, size: u64) -> Result<String, Failure> {
        if size > self.size() {
            return Err(Failure::refused(format!(
                "the log has {} events; there is no checkpoint of {size} yet",
                self.size()
            ))
            .with_detail(format!("give a size from 0 to {}", self.size())));
        }
        checkpoint_body(&self.origin, size, self.tree.root(size)?)
    }

    /// Refuses a checkpoint of another log (3); a checkpoint this log does not extend is an integrity failure (6).
    pub fn check_extends(&self, cp: &Checkpoint) -> Result<(), Failure> {
        if cp.origin != self.origin {
            return Err(Failure::refused(format!(
                "that checkpoint is of the log {:?}; this store's log is {:?}",
                cp.origin, self.origin
            ))
            .with_detail("give a checkpoint of this store's log")
            .with_remedy(Remedy::SignCheckpoint));
        }
        if cp.size > self.size() {
            return Err(Failure::integrity(format!(
                "the checkpoint covers {} events but this log has only {}: events it covered are gone",
                cp.size,
                self.size()
            )));
        }
        if self.tree.root(cp.size)? != cp.root {
            return Err(Failure::integrity(format!(
                "this log does not extend the checkpoint: its first {} events are not the ones the checkpoint covers",
                cp.size
            ))
            .with_detail("history was rewritten after that checkpoint was made, or it is of another copy of the log"));
        }
        Ok(())
    }

    /// The signed checkpoints the log records, oldest first.
    pub fn signed_checkpoints(&self) -> Result<Vec<Checkpoint>, Failure> {
        self.events
            .iter()
            .filter(|e| e.stream == CHECKPOINT_STREAM && e.kind == CHECKPOINT_SIGNED)
            .map(|e| {
                let note = e.data["note"].as_str().unwrap_or_default();
                Checkpoint::parse(note.as_bytes()).map_err(|_| {
                    Failure::integrity(format!("event {} does not hold a signed checkpoint", e.seq))
                })
            })
            .collect()
    }

    /// The checkpoint to prove against: the one given, else the newest signed one of at least
    /// `min_size` events, else (or with `now`) the log as it stands, unsigned.
    pub fn target(&self, against: &Against, min_size: u64) -> Result<Checkpoint, Failure> {
        let chosen = match against {
            Against::Checkpoint(bytes) => Checkpoint::parse(bytes)?,
            Against::Newest => match self.signed_checkpoints()?.pop() {
                Some(cp) if cp.size >= min_size => cp,
                _ => Checkpoint::parse(self.body(self.size())?.as_bytes())?,
            },
            Against::Now => Checkpoint::parse(self.body(self.size())?.as_bytes())?,
        };
        self.check_extends(&chosen)?;
        if chosen.size < min_size {
            return Err(Failure::refused(format!(
                "the checkpoint covers {} events, fewer than the {min_size} the proof needs",
                chosen.size
            ))
            .with_detail("give a newer checkpoint")
            .with_remedy(Remedy::SignCheckpoint));
        }
        Ok(chosen)
    }

    /// An inclusion proof of event `seq` against `cp` (which this log must extend).
    pub fn inclusion(&self, seq: u64, cp: &Checkpoint) -> Result<String, Failure> {
        self.check_extends(cp)?;
        let event = self
            .events
            .get(usize::try_from(seq).unwrap_or(usize::MAX).wrapping_sub(1))
            .ok_or_else(|| no_event(seq, self.size()))?;
        let path = self.tree.prove_inclusion(seq - 1, cp.size)?;
        Ok(inclusion_text(event, seq - 1, &path, cp.bytes()))
    }

    /// A consistency proof from `old` to `new` (both of which this log must extend).
    pub fn consistency(&self, old: &Checkpoint, new: &Checkpoint) -> Result<String, Failure> {
        self.check_extends(old)?;
        self.check_extends(new)?;
        let path = self.tree.prove_consistency(old.size, new.size)?;
        Ok(consistency_text(old.size, old.root, &path, new.bytes()))
    }
}

fn no_event(seq: u64, size: u64) -> Failure {
    Failure::refused(format!("there is no event {seq}: the log has {size}"))
        .with_remedy(Remedy::FindSeq)
}

/// Which checkpoint a proof is made against.
#[derive(Debug, Clone)]
pub enum Against {
    /// The newest signed checkpoint that covers what is proved, else the log now.
    Newest,
    /// The log as it stands now (unsigned).
    Now,
    /// This checkpoint (a file's bytes: a body or a signed note).
    Checkpoint(Vec<u8>),
}

/// What `audit prove` made.
#[derive(Debug, Clone, Serialize)]
pub struct Proved {
    /// `inclusion` or `consistency`.
    pub kind: &'static str,
    /// The log's origin line.
    pub origin: String,
    /// The tree size of the checkpoint proved against (the newer one, for consistency).
    pub size: u64,
    /// Its root hash, base64.
    pub root: String,
    /// Whether that checkpoint carries a signature.
    pub signed: bool,
    /// For inclusion: the event's seq.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// For inclusion: its leaf index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    /// For consistency: the older checkpoint's size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_size: Option<u64>,
    /// For consistency: the older checkpoint's root, base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_root: Option<String>,
    /// The proof file's text.
    pub proof: String,
}

/// `audit prove --event SEQ`: an inclusion proof of one event. Anyone who may read may prove.
pub async fn prove_event(
    session: &mut Session,
    seq: u64,
    against: &Against,
) -> Result<Proved, Failure> {
    session.check_reader().await?;
    let log = LogTree::load(session).await?;
    if seq == 0 || seq > log.size() {
        return Err(no_event(seq, log.size()));
    }
    let cp = log.target(against, seq)?;
    let proof = log.inclusion(seq, &cp)?;
    Ok(Proved {
        kind: "inclusion",
        origin: cp.origin.clone(),
        size: cp.size,
        root: cp.root.to_string(),
        signed: cp.is_signed(),
        seq: Some(seq),
        index: Some(seq - 1),
        from_size: None,
        from_root: None,
        proof,
    })
}

/// `audit prove --from CHECKPOINT`: a consistency proof from an older checkpoint to a newer one.
pub async fn prove_from(
    session: &mut Session,
    old: &[u8],
    against: &Against,
) -> Result<Proved, Failure> {
    let old = Checkpoint::parse(old)?;
    session.check_reader().await?;
    let log = LogTree::load(session).await?;
    log.check_extends(&old)?;
    let new = log.target(against, old.size)?;
    let proof = log.consistency(&old, &new)?;
    Ok(Proved {
        kind: "consistency",
        origin: new.origin.clone(),
        size: new.size,
        root: new.root.to_string(),
        signed: new.is_signed(),
        seq: None,
        index: None,
        from_size: Some(old.size),
        from_root: Some(old.root.to_string()),
        proof,
    })
}

/// What `checkpoint sign` made.
#[derive(Debug, Clone, Serialize)]
pub struct Signed {
    /// The log's origin line.
    pub origin: String,
    /// How many events the checkpoint covers.
    pub size: u64,
    /// Root hash, base64.
    pub root: String,
    /// The verifier key that checks the signature.
    pub key: String,
    /// The signed note (C2SP checkpoint), as published.
    pub note: String,
    /// The seq of the event that records it.
    pub recorded_seq: u64,
}

/// `checkpoint sign`: signs the log now with the partnership's key and records the signed checkpoint.
pub async fn sign(
    session: &mut Session,
    key_file_text: &str,
    on: Option<&str>,
) -> Result<Signed, Failure> {
    let signer = SignerKey::parse(key_file_text)?;
    let date = session.effective_date(on).await?;
    let actor = session.writer(date).await?;
    if !actor
        .roles
        .iter()
        .any(|r| matches!(r, Role::Admin | Role::ProgrammeManager))
    {
        return Err(Failure::not_permitted(format!(
            "{} may not sign checkpoints of the log",
            actor.id
        ))
        .with_detail("only an admin or a programme manager may"));
    }
    let partnership = session.partnership().await?.latest().clone();
    let Some(registered) = &partnership.checkpoint_key else {
        return Err(Failure::refused(
            "the partnership names no checkpoint key, so no signature could be checked",
        )
        .with_detail(format!(
            "add checkpoint_key = \"{}\" to the partnership file",
            signer.verifier().as_str()
        )));
    };
    if VerifierKey::parse(registered)? != *signer.verifier() {
        return Err(Failure::refused(
            "that key is not the partnership's checkpoint key: its public half does not match",
        )
        .with_detail(format!("the partnership's key is {registered}"))
        .with_detail(format!(
            "this key's public half is {}",
            signer.verifier().as_str()
        )));
    }
    let head = session.store.head().await?;
    let body = body_at(session, head.seq).await?;
    let note = signer.sign(&body)?;
    let cp = Checkpoint::parse(note.as_bytes())?;
    let event = NewEvent {
        stream: CHECKPOINT_STREAM.to_string(),
        kind: CHECKPOINT_SIGNED.to_string(),
        actor: actor.id.clone(),
        effective_on: date.to_string(),
        data: serde_json::json!({
            "origin": cp.origin,
            "size": cp.size,
            "root": cp.root.to_string(),
            "key": signer.verifier().as_str(),
            "note": note,
        }),
    };
    let written = session.append(vec![event], Vec::new()).await?;
    Ok(Signed {
        origin: cp.origin.clone(),
        size: cp.size,
        root: cp.root.to_string(),
        key: signer.verifier().as_str().to_string(),
        note,
        recorded_seq: written[0].seq,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_slugs() {
        assert_eq!(
            origin_for("Bromsgrove and Redditch"),
            "concordat/bromsgrove-and-redditch"
        );
        assert_eq!(
            origin_for("  Tewkesbury & Cheltenham! "),
            "concordat/tewkesbury-cheltenham"
        );
        assert_eq!(origin_for("—"), "concordat/partnership");
    }
}
