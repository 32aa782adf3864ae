//! Proof files and their offline verifier.
//!
//! An inclusion proof is a C2SP `tlog-proof@v1` document whose `extra` line is the base64 of the
//! event's export line; a consistency proof has the same shape under its own first line:
//!
//! ```text
//! concordat/consistency-proof@v1
//! from OLD_SIZE OLD_ROOT_BASE64
//! PROOF_HASH_BASE64            (zero or more, RFC 6962 order)
//!
//! NEW CHECKPOINT (verbatim: a body, or a signed note)
//! ```
//!
//! Parsing is strict: a document that does not re-render to exactly its own bytes is malformed.

use super::note::{Checkpoint, VerifierKey};
use super::tree::{event_leaf, verify_consistency, verify_inclusion, Hash, MAX_PROOF_HASHES};
use crate::error::Failure;
use crate::event::Event;
use base64::prelude::{Engine, BASE64_STANDARD};
use serde::Serialize;

/// First line of an inclusion proof (c2sp.org/tlog-proof).
pub const INCLUSION_HEADER: &str = "c2sp.org/tlog-proof@v1";
/// First line of a consistency proof.
pub const CONSISTENCY_HEADER: &str = "concordat/consistency-proof@v1";
/// The largest proof file read.
pub const MAX_PROOF_BYTES: usize = 4_000_000;

/// A parsed inclusion proof: the event, its leaf index, the audit path and the checkpoint it is against.
#[derive(Debug)]
pub struct InclusionProof {
    /// The event, as its export line (the `extra` line) holds it.
    pub event: Event,
    /// Its leaf index (seq - 1).
    pub index: u64,
    /// The audit path, leaf end first.
    pub hashes: Vec<Hash>,
    /// The checkpoint the proof is against, verbatim.
    pub checkpoint: Checkpoint,
}

/// A parsed consistency proof: the older tree, the proof hashes and the newer checkpoint.
#[derive(Debug)]
pub struct ConsistencyProof {
    /// The older tree's size.
    pub old_size: u64,
    /// The older tree's root.
    pub old_root: Hash,
    /// The RFC 6962 consistency proof.
    pub hashes: Vec<Hash>,
    /// The newer checkpoint, verbatim.
    pub checkpoint: Checkpoint,
}

/// Either kind of proof file.
#[derive(Debug)]
pub enum Proof {
    Inclusion(InclusionProof),
    Consistency(ConsistencyProof),
}

/// The text of an inclusion proof of `event` at leaf `index` against `checkpoint` (its bytes verbatim).
pub fn inclusion_text(event: &Event, index: u64, hashes: &[Hash], checkpoint: &[u8]) -> String {
    let mut out = format!(
        "{INCLUSION_HEADER}\nextra {}\nindex {index}\n",
        BASE64_STANDARD.encode(event.to_line()),
    );
    for h in hashes {
        out += &format!("{h}\n");
    }
    out.push('\n');
    out + &String::from_utf8_lossy(checkpoint)
}

/// The text of a consistency proof from (`old_size`, `old_root`) to `checkpoint` (its bytes verbatim).
pub fn consistency_text(
    old_size: u64,
    old_root: Hash,
    hashes: &[Hash],
    checkpoint: &[u8],
) -> String {
    let mut out = format!("{CONSISTENCY_HEADER}\nfrom {old_size} {old_root}\n");
    for h in hashes {
        out += &format!("{h}\n");
    }
    out.push('\n');
    out + &String::from_utf8_lossy(checkpoint)
}

fn malformed(why: impl Into<String>) -> Failure {
    Failure::usage(format!("the proof is malformed: {}", why.into()))
        .with_remedy(crate::remedy::StoreRemedy::ProofAsWritten)
}

fn parse_count(text: &str, what: &str) -> Result<u64, Failure> {
    match text.parse::<u64>() {
        Ok(n) if n.to_string() == text => Ok(n),
        _ => Err(malformed(format!("{what} {text:?} is not a whole number"))),
    }
}

fn parse_hashes<'a>(lines: impl Iterator<Item = &'a str>) -> Result<Vec<Hash>, Failure> {
    let mut hashes = Vec::new();
    for line in lines {
        if hashes.len() == MAX_PROOF_HASHES {
            return Err(malformed("it has more hashes than any tree needs"));
        }
        hashes.push(
            Hash::parse_hash(line)
                .map_err(|_| malformed(format!("{line:?} is not a base64 SHA-256 hash")))?,
        );
    }
    Ok(hashes)
}

impl Proof {
    /// Parses a proof file strictly (usage failure when malformed).
    pub fn parse(bytes: &[u8]) -> Result<Proof, Failure> {
        if bytes.len() > MAX_PROOF_BYTES {
            return Err(malformed("it is too large"));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| malformed("it is not UTF-8"))?;
        let (head, checkpoint) = text
            .split_once("\n\n")
            .ok_or_else(|| malformed("no blank line before the checkpoint"))?;
        let checkpoint = Checkpoint::parse(checkpoint.as_bytes())?;
        let mut lines = head.split('\n');
        let proof = match lines.next() {
            Some(INCLUSION_HEADER) => {
                let extra = lines
                    .next()
                    .and_then(|l| l.strip_prefix("extra "))
                    .ok_or_else(|| malformed("no `extra` line holding the event"))?;
                let line = BASE64_STANDARD
                    .decode(extra)
                    .ok()
                    .and_then(|raw| String::from_utf8(raw).ok())
                    .ok_or_else(|| malformed("the `extra` line is not base64 of text"))?;
                let event: Event = serde_json::from_str(&line)
                    .map_err(|e| malformed(format!("the `extra` line is not an event: {e}")))?;
                if event.to_line() != line {
                    return Err(malformed("the event line is not in its exported form"));
                }
                let index = lines
                    .next()
                    .and_then(|l| l.strip_prefix("index "))
                    .ok_or_else(|| malformed("no `index` line"))?;
                let index = parse_count(index, "index")?;
                Proof::Inclusion(InclusionProof {
                    event,
                    index,
                    hashes: parse_hashes(lines)?,
                    checkpoint,
                })
            }
            Some(CONSISTENCY_HEADER) => {
                let from = lines
                    .next()
                    .and_then(|l| l.strip_prefix("from "))
                    .ok_or_else(|| malformed("no `from` line"))?;
                let (size, root) = from
                    .split_once(' ')
                    .ok_or_else(|| malformed("the `from` line is not SIZE ROOT"))?;
                let old_size = parse_count(size, "from size")?;
                let old_root = Hash::parse_hash(root)
                    .map_err(|_| malformed("the `from` root is not a base64 SHA-256 hash"))?;
                Proof::Consistency(ConsistencyProof {
                    old_size,
                    old_root,
                    hashes: parse_hashes(lines)?,
                    checkpoint,
                })
            }
            _ => {
                return Err(malformed(format!(
                    "the first line is neither {INCLUSION_HEADER} nor {CONSISTENCY_HEADER}"
                )))
            }
        };
        if proof.to_text().as_bytes() != bytes {
            return Err(malformed("it is not in canonical form"));
        }
        Ok(proof)
    }

    /// The proof file's text.
    pub fn to_text(&self) -> String {
        match self {
            Proof::Inclusion(p) => {
                inclusion_text(&p.event, p.index, &p.hashes, p.checkpoint.bytes())
            }
            Proof::Consistency(p) => {
                consistency_text(p.old_size, p.old_root, &p.hashes, p.checkpoint.bytes())
            }
        }
    }
}

/// What `audit check-proof` found: every key describes a verified fact.
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    /// Always true: a proof that fails is an error, not a document.
    pub ok: bool,
    /// `inclusion` or `consistency`.
    pub kind: &'static str,
    /// The log's origin line.
    pub origin: String,
    /// The tree size of the checkpoint given (`--checkpoint`).
    pub size: u64,
    /// The root hash (base64) of the checkpoint given.
    pub root: String,
    /// `verified` (signed by the key given) or `not-checked` (no key given).
    pub signature: &'static str,
    /// For inclusion: the event's seq.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// For inclusion: its leaf index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    /// For inclusion: the event itself, every field of it verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    /// For consistency: the older tree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_root: Option<String>,
    /// For consistency: the newer tree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_root: Option<String>,
    /// For consistency: whether the checkpoint given is the `older` or the `newer` of the two.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint_is: Option<&'static str>,
    /// For consistency: the signature of the newer checkpoint in the proof: `verified`, `unsigned` or `not-checked`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newer_signature: Option<&'static str>,
}

fn integrity(why: impl Into<String>) -> Failure {
    Failure::integrity(format!("the proof does not verify: {}", why.into()))
}

/// Verifies a proof offline against a checkpoint and, when given, the verifier key that signs it.
///
/// Malformed input is a usage failure (exit 2); a proof that does not hold is an integrity failure (exit 6).
pub fn check_proof(
    proof: &[u8],
    checkpoint: &[u8],
    key: Option<&str>,
) -> Result<Verified, Failure> {
    let key = key.map(VerifierKey::parse).transpose()?;
    let trusted = Checkpoint::parse(checkpoint)?;
    let proof = Proof::parse(proof)?;
    let signature = match &key {
        Some(k) => {
            trusted.verify(k)?;
            "verified"
        }
        None => "not-checked",
    };
    let mut verified = Verified {
        ok: true,
        kind: "inclusion",
        origin: trusted.origin.clone(),
        size: trusted.size,
        root: trusted.root.to_string(),
        signature,
        seq: None,
        index: None,
        event: None,
        from_size: None,
        from_root: None,
        to_size: None,
        to_root: None,
        checkpoint_is: None,
        newer_signature: None,
    };
    match proof {
        Proof::Inclusion(p) => {
            if !p.checkpoint.same_body(&trusted) {
                return Err(integrity(format!(
                    "it is against a checkpoint of {} events of {}, not the one given ({} events of {})",
                    p.checkpoint.size, p.checkpoint.origin, trusted.size, trusted.origin
                ))
                .with_remedy(crate::remedy::StoreRemedy::ProveAgainstCheckpoint));
            }
            if let Some(k) = &key {
                p.checkpoint.verify_all(k)?;
            }
            if p.event.compute_hash() != p.event.hash {
                return Err(integrity(
                    "the event's contents do not match its hash: the event was changed",
                ));
            }
            if p.event.seq == 0 || p.index != p.event.seq - 1 {
                return Err(integrity(format!(
                    "event {} belongs at index {}, not {}",
                    p.event.seq,
                    p.event.seq.saturating_sub(1),
                    p.index
                )));
            }
            let leaf = event_leaf(&p.event.hash).map_err(|e| integrity(e.message))?;
            verify_inclusion(leaf, p.index, trusted.size, &p.hashes, trusted.root)
                .map_err(integrity)?;
            verified.seq = Some(p.event.seq);
            verified.index = Some(p.index);
            verified.event = Some(p.event);
        }
        Proof::Consistency(p) => {
            let newer = &p.checkpoint;
            if newer.origin != trusted.origin {
                return Err(integrity(format!(
                    "it is about the log {}, the checkpoint given is of {}",
                    newer.origin, trusted.origin
                )));
            }
            let checkpoint_is = if newer.same_body(&trusted) {
                "newer"
            } else if trusted.size == p.old_size && trusted.root == p.old_root {
                "older"
            } else {
                return Err(integrity(format!(
                    "it runs from {} to {} events; the checkpoint given ({} events) is neither end",
                    p.old_size, newer.size, trusted.size
                )));
            };
            if p.old_size == 0 {
                return Err(integrity("a proof from an empty log proves nothing"));
            }
            verify_consistency(p.old_size, p.old_root, newer.size, newer.root, &p.hashes)
                .map_err(integrity)?;
            let newer_signature = match &key {
                None => "not-checked",
                Some(k) if newer.verify_all(k)? => "verified",
                Some(_) if checkpoint_is == "newer" => "verified",
                Some(_) => "unsigned",
            };
            verified.kind = "consistency";
            verified.from_size = Some(p.old_size);
            verified.from_root = Some(p.old_root.to_string());
            verified.to_size = Some(newer.size);
            verified.to_root = Some(newer.root.to_string());
            verified.checkpoint_is = Some(checkpoint_is);
            verified.newer_signature = Some(newer_signature);
        }
    }
    Ok(verified)
}

#[cfg(test)]
#[path = "proof_tests.rs"]
mod tests;
