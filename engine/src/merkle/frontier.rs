//! The frontier of an RFC 6962 tree: the roots of its perfect (complete) subtrees, largest first
//! — one per set bit of the size, so O(log n) hashes. It gives the root at its size and takes
//! further leaves, so a checkpoint of n events costs the events after a saved frontier, never a
//! tree over every event. Saved as bytes beside the log (rebuildable state, see [`Frontier::decode`]).

use super::tree::{event_leaf, Hash};
use crate::error::Failure;
use sha2::{Digest, Sha256};
use tlog_tiles::{node_hash, EMPTY_HASH};

/// The layout of [`Frontier::encode`]; another byte reads as absent.
const FORMAT: u8 = 1;

/// The perfect-subtree roots of the tree of the first `size` leaves, and the event at `size`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Frontier {
    size: u64,
    /// Perfect-subtree roots, left (largest) first.
    roots: Vec<Hash>,
    /// The `hash` of event `size` (empty at size 0): what a saved frontier is checked against.
    last_event: String,
}

impl Frontier {
    /// The frontier of the empty tree.
    pub fn new() -> Frontier {
        Frontier::default()
    }

    /// How many leaves it covers.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The `hash` of the last event it covers (empty when it covers none).
    pub fn last_event(&self) -> &str {
        &self.last_event
    }

    /// Adds the leaf of the next event, whose hash is `event_hash_hex`.
    pub fn push_event_hash(&mut self, event_hash_hex: &str) -> Result<(), Failure> {
        let mut hash = event_leaf(event_hash_hex)?;
        // Each trailing set bit of the old size is a perfect subtree the new leaf completes.
        let mut size = self.size;
        while size & 1 == 1 {
            let left = self.roots.pop().expect("one root per set bit");
            hash = node_hash(left, hash);
            size >>= 1;
        }
        self.roots.push(hash);
        self.size += 1;
        self.last_event.clear();
        self.last_event.push_str(event_hash_hex);
        Ok(())
    }

    /// The RFC 6962 root of the tree of `size()` leaves (SHA-256 of nothing when empty).
    pub fn root(&self) -> Hash {
        let mut roots = self.roots.iter().rev();
        let Some(&last) = roots.next() else {
            return EMPTY_HASH;
        };
        roots.fold(last, |right, &left| node_hash(left, right))
    }

    /// The frontier as bytes: format, size, the last event's hash, the roots, then a SHA-256 of
    /// all that (so damage reads as absent, never as a root).
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = vec![FORMAT];
        bytes.extend_from_slice(&self.size.to_be_bytes());
        bytes.push(self.last_event.len() as u8);
        bytes.extend_from_slice(self.last_event.as_bytes());
        for root in &self.roots {
            bytes.extend_from_slice(&root.0);
        }
        let sum = Sha256::digest(&bytes);
        bytes.extend_from_slice(&sum);
        bytes
    }

    /// The frontier in `bytes`; None when another format, damaged, or inconsistent.
    pub fn decode(bytes: &[u8]) -> Option<Frontier> {
        let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(32)?)?;
        if Sha256::digest(body).as_slice() != sum {
            return None;
        }
        let (&format, rest) = body.split_first()?;
        if format != FORMAT {
            return None;
        }
        let (size, rest) = rest.split_at_checked(8)?;
        let size = u64::from_be_bytes(size.try_into().ok()?);
        let (&len, rest) = rest.split_first()?;
        let (last, rest) = rest.split_at_checked(usize::from(len))?;
        let last_event = std::str::from_utf8(last).ok()?.to_string();
        if rest.len() != 32 * size.count_ones() as usize || (size == 0) != last_event.is_empty() {
            return None;
        }
        let roots = rest
            .chunks_exact(32)
            .map(|c| Hash(c.try_into().expect("32 bytes")))
            .collect();
        Some(Frontier {
            size,
            roots,
            last_event,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::MerkleLog;

    fn event_hash(i: u64) -> String {
        hex::encode(Sha256::digest(i.to_be_bytes()))
    }

    #[test]
    fn roots_equal_the_full_tree_at_every_size() {
        let mut tree = MerkleLog::new();
        let mut frontier = Frontier::new();
        assert_eq!(frontier.root(), tree.root(0).unwrap());
        for i in 0..300u64 {
            tree.push_event_hash(&event_hash(i)).unwrap();
            frontier.push_event_hash(&event_hash(i)).unwrap();
            assert_eq!(frontier.root(), tree.root(i + 1).unwrap(), "size {}", i + 1);
            assert_eq!(frontier.roots.len(), (i + 1).count_ones() as usize);
        }
    }

    #[test]
    fn encoding_round_trips_and_damage_reads_as_absent() {
        let mut frontier = Frontier::new();
        assert_eq!(Frontier::decode(&frontier.encode()), Some(frontier.clone()));
        for i in 0..77u64 {
            frontier.push_event_hash(&event_hash(i)).unwrap();
        }
        let bytes = frontier.encode();
        assert_eq!(Frontier::decode(&bytes), Some(frontier));
        for i in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[i] ^= 0x40;
            assert_eq!(Frontier::decode(&damaged), None, "byte {i} flipped");
        }
        assert_eq!(Frontier::decode(&bytes[..bytes.len() - 1]), None);
        assert_eq!(Frontier::decode(&[]), None);
    }
}
