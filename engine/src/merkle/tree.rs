//! The RFC 6962 Merkle tree over the log: a root at any size, inclusion and consistency proofs, and
//! their verification.
//!
//! The hashing and proof algorithms are `tlog_tiles` (Cloudflare's port of Go's
//! `golang.org/x/mod/sumdb/tlog`, RFC 6962 §2.1 / RFC 9162 §2.1); this module keeps the stored
//! hashes in memory and adds the edge cases RFC 9162 §2.1.4 defines (empty trees, equal sizes).

use crate::error::Failure;
use tlog_tiles::{HashReader, EMPTY_HASH};

pub use tlog_tiles::Hash;

/// Why a proof does not verify, in plain words.
pub type ProofError = String;

/// The most hashes a proof can need: one per level of a tree of 2^64 leaves, twice for consistency.
pub const MAX_PROOF_HASHES: usize = 128;

/// RFC 6962 leaf hash: SHA-256(0x00 || data).
pub fn leaf_hash(data: &[u8]) -> Hash {
    tlog_tiles::record_hash(data)
}

/// The leaf of one event: the RFC 6962 leaf hash of the 32 raw bytes of its hex `hash`.
pub fn event_leaf(event_hash_hex: &str) -> Result<Hash, Failure> {
    let mut raw = [0u8; 32];
    hex::decode_to_slice(event_hash_hex, &mut raw).map_err(|_| {
        Failure::integrity(format!(
            "{event_hash_hex:?} is not a SHA-256 hash in hex; the log is damaged"
        ))
    })?;
    Ok(leaf_hash(&raw))
}

/// The hashes of the tree's complete subtrees, in tlog's stored-hash order.
#[derive(Debug, Default, Clone)]
struct Stored(Vec<Hash>);

impl HashReader for Stored {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        indexes
            .iter()
            .map(|&i| {
                usize::try_from(i)
                    .ok()
                    .and_then(|i| self.0.get(i).copied())
                    .ok_or(tlog_tiles::Error::IndexesNotInTree)
            })
            .collect()
    }
}

/// An append-only Merkle tree held in memory (about two hashes per leaf).
#[derive(Debug, Default, Clone)]
pub struct MerkleLog {
    stored: Stored,
    size: u64,
}

impl MerkleLog {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// A tree over the given leaf hashes, in order.
    pub fn from_leaves(leaves: impl IntoIterator<Item = Hash>) -> Self {
        let mut tree = Self::new();
        for leaf in leaves {
            tree.push_leaf(leaf);
        }
        tree
    }

    /// How many leaves the tree holds.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends one leaf (already a leaf hash).
    pub fn push_leaf(&mut self, leaf: Hash) {
        let new = tlog_tiles::stored_hashes_for_record_hash(self.size, leaf, &self.stored)
            .expect("the hashes of earlier complete subtrees are held");
        self.stored.0.extend(new);
        self.size += 1;
    }

    /// Appends the leaf of an event whose `hash` is `event_hash_hex`.
    pub fn push_event_hash(&mut self, event_hash_hex: &str) -> Result<(), Failure> {
        self.push_leaf(event_leaf(event_hash_hex)?);
        Ok(())
    }

    fn check_size(&self, size: u64) -> Result<(), Failure> {
        if size > self.size {
            return Err(
                Failure::refused(format!("the log has {} events, not {size}", self.size))
                    .with_detail(format!("give a size from 0 to {}", self.size)),
            );
        }
        Ok(())
    }

    /// The root of the tree of the first `size` leaves (SHA-256 of nothing for size 0).
    pub fn root(&self, size: u64) -> Result<Hash, Failure> {
        self.check_size(size)?;
        Ok(tlog_tiles::tree_hash(size, &self.stored).expect("every needed hash is held"))
    }

    /// The audit path of leaf `index` in the tree of the first `size` leaves, leaf end first.
    pub fn prove_inclusion(&self, index: u64, size: u64) -> Result<Vec<Hash>, Failure> {
        self.check_size(size)?;
        if index >= size {
            return Err(
                Failure::refused(format!("leaf {index} is not in a tree of {size}"))
                    .with_detail(format!("give a leaf index below {size}")),
            );
        }
        Ok(tlog_tiles::prove_record(size, index, &self.stored).expect("every needed hash is held"))
    }

    /// The RFC 6962 consistency proof from the tree of `old` leaves to the tree of `new` leaves.
    pub fn prove_consistency(&self, old: u64, new: u64) -> Result<Vec<Hash>, Failure> {
        self.check_size(new)?;
        if old > new {
            return Err(Failure::refused(format!(
                "a tree of {old} cannot be a prefix of a tree of {new}"
            ))
            .with_detail("prove from the smaller tree to the larger"));
        }
        if old == 0 || old == new {
            return Ok(Vec::new());
        }
        Ok(tlog_tiles::prove_tree(new, old, &self.stored).expect("every needed hash is held"))
    }
}

/// Checks that `proof` shows `leaf` at `index` in the tree of `size` leaves whose root is `root`.
pub fn verify_inclusion(
    leaf: Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(format!("index {index} is not in a tree of {size}"));
    }
    if proof.len() > MAX_PROOF_HASHES {
        return Err("the proof has more hashes than any tree needs".into());
    }
    tlog_tiles::check_record(&proof.to_vec(), size, root, index, leaf)
        .map_err(|_| "the inclusion proof does not lead to the checkpoint's root hash".to_string())
}

/// Checks that `proof` shows the tree (`old_size`, `old_root`) is a prefix of (`new_size`, `new_root`).
pub fn verify_consistency(
    old_size: u64,
    old_root: Hash,
    new_size: u64,
    new_root: Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if new_size < old_size {
        return Err(format!(
            "a tree of {new_size} cannot extend a tree of {old_size}"
        ));
    }
    if proof.len() > MAX_PROOF_HASHES {
        return Err("the proof has more hashes than any tree needs".into());
    }
    if old_size == new_size {
        if !proof.is_empty() {
            return Err("trees of the same size need an empty proof".into());
        }
        if old_root != new_root {
            return Err("two trees of the same size have different roots".into());
        }
        return Ok(());
    }
    if old_size == 0 {
        // RFC 9162 §2.1.4: every tree extends the empty one, and the proof is empty.
        if !proof.is_empty() {
            return Err("a proof from the empty tree must be empty".into());
        }
        if old_root != EMPTY_HASH {
            return Err("the empty tree's root is the SHA-256 of nothing".into());
        }
        return Ok(());
    }
    tlog_tiles::check_tree(&proof.to_vec(), new_size, new_root, old_size, old_root).map_err(|_| {
        "the consistency proof does not join the two roots: the newer log does not extend the older"
            .to_string()
    })
}

#[cfg(test)]
#[path = "vectors.rs"]
mod vectors;
