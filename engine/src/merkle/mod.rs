//! Verifiable checkpoints: an RFC 6962 Merkle tree over the events' hashes, C2SP checkpoints signed
//! as notes, inclusion and consistency proofs, and their offline verification.
//!
//! A leaf is the RFC 6962 leaf hash of one event: SHA-256(0x00 || the 32 raw bytes of its `hash`),
//! leaf `i` being the event of seq `i + 1`. The hash chain stays the log's own integrity check; the
//! tree is derived from it and lets anyone check one event, or that a later log extends an earlier
//! one, with a few hundred bytes.

pub mod frontier;
pub mod note;
pub mod proof;
pub mod tree;

pub use frontier::Frontier;
pub use note::{checkpoint_body, Checkpoint, SignerKey, VerifierKey};
pub use proof::{check_proof, consistency_text, inclusion_text, Proof, Verified};
pub use tree::{event_leaf, leaf_hash, verify_consistency, verify_inclusion, Hash, MerkleLog};
