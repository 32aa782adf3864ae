//! Checkpoints (C2SP tlog-checkpoint bodies) and their signatures (C2SP signed notes, Ed25519 keys
//! in the `golang.org/x/mod/sumdb/note` encodings), through the `signed_note` and `tlog_tiles` crates.

use super::tree::Hash;
use crate::error::Failure;
use base64::prelude::{Engine, BASE64_STANDARD};
use signed_note::{Note, StandardSigner, StandardVerifier, Verifier, VerifierList};

/// The C2SP signature algorithm byte of Ed25519.
const ALG_ED25519: u8 = 1;

/// The largest checkpoint file read.
pub const MAX_CHECKPOINT_BYTES: usize = 1_000_000;

/// The text of a checkpoint body: origin, tree size and base64 root hash, one a line.
pub fn checkpoint_body(origin: &str, size: u64, root: Hash) -> Result<String, Failure> {
    if origin.is_empty() || origin.chars().any(char::is_control) {
        return Err(bad_origin(origin));
    }
    let body =
        tlog_tiles::Checkpoint::new(origin, size, root, "").map_err(|_| bad_origin(origin))?;
    Ok(String::from_utf8(body.to_bytes()).expect("origin is UTF-8"))
}

fn bad_origin(origin: &str) -> Failure {
    Failure::usage(format!("{origin:?} cannot be a checkpoint origin"))
        .with_detail("the origin is concordat/ and the partnership's name: give the partnership a plain one-line name")
}

/// A checkpoint as read from a file: a bare body, or a signed note whose text is the body.
#[derive(Debug)]
pub struct Checkpoint {
    /// The log's origin line.
    pub origin: String,
    /// How many leaves (events) the tree has.
    pub size: u64,
    /// The tree's root hash.
    pub root: Hash,
    body: String,
    note: Option<Note>,
    bytes: Vec<u8>,
}

impl Checkpoint {
    /// Parses a checkpoint strictly: any byte that is not where the formats put it is refused (usage).
    pub fn parse(bytes: &[u8]) -> Result<Checkpoint, Failure> {
        let malformed = |why: &str| {
            Failure::usage(format!("the checkpoint is malformed: {why}")).with_detail(
                "a checkpoint is three lines (origin, size, base64 root hash), then, when signed, \
                 a blank line and \"— NAME SIGNATURE\" lines",
            )
        };
        if bytes.len() > MAX_CHECKPOINT_BYTES {
            return Err(malformed("it is too large"));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| malformed("it is not UTF-8"))?;
        let (body, note) = if text.contains("\n\n") {
            let note = Note::from_bytes(bytes).map_err(|e| malformed(&e.to_string()))?;
            let body = String::from_utf8(note.text().to_vec()).expect("checked UTF-8");
            (body, Some(note))
        } else {
            if text.chars().any(|c| c.is_control() && c != '\n') {
                return Err(malformed("it holds control characters"));
            }
            (text.to_string(), None)
        };
        let parsed = tlog_tiles::Checkpoint::from_bytes(body.as_bytes())
            .map_err(|_| malformed("the body is not origin, size and root hash"))?;
        if parsed.to_bytes() != body.as_bytes() {
            return Err(malformed("the body is not in canonical form"));
        }
        if let Some(note) = &note {
            if note.to_bytes() != bytes {
                return Err(malformed("the signed note is not in canonical form"));
            }
        }
        Ok(Checkpoint {
            origin: parsed.origin().to_string(),
            size: parsed.size(),
            root: *parsed.hash(),
            body,
            note,
            bytes: bytes.to_vec(),
        })
    }

    /// The body text the signatures cover.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The checkpoint exactly as it was read.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Whether it came with any signature line.
    pub fn is_signed(&self) -> bool {
        self.note.is_some()
    }

    /// The key names of its signature lines.
    pub fn signers(&self) -> Vec<String> {
        self.note
            .as_ref()
            .map(|n| n.to_bytes())
            .map(|b| {
                let text = String::from_utf8_lossy(&b).into_owned();
                let sigs = text.rsplit_once("\n\n").map(|(_, s)| s.to_string());
                sigs.unwrap_or_default()
                    .lines()
                    .filter_map(|l| l.strip_prefix("— "))
                    .filter_map(|l| l.split(' ').next().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether `key` has signed it: Ok when a valid signature by `key` is there (integrity failure otherwise).
    pub fn verify(&self, key: &VerifierKey) -> Result<(), Failure> {
        let Some(note) = &self.note else {
            return Err(Failure::integrity(
                "the checkpoint carries no signature, so it cannot be checked against the key",
            ));
        };
        let list = VerifierList::new(vec![Box::new(key.verifier.clone())]);
        match note.verify(&list) {
            Ok(_) => Ok(()),
            Err(signed_note::NoteError::UnverifiedNote) => Err(Failure::integrity(format!(
                "the checkpoint is not signed by the key {}",
                key.as_str()
            ))),
            Err(e) => Err(Failure::integrity(format!(
                "the checkpoint's signature does not verify: {e}"
            ))),
        }
    }

    /// For a checkpoint that came inside a proof: unsigned (Ok(false)), or every signature line is a
    /// valid one by `key` (Ok(true)); anything else is an integrity failure.
    pub fn verify_all(&self, key: &VerifierKey) -> Result<bool, Failure> {
        let Some(note) = &self.note else {
            return Ok(false);
        };
        let list = VerifierList::new(vec![Box::new(key.verifier.clone())]);
        match note.verify(&list) {
            Ok((_, unknown)) if unknown.is_empty() => Ok(true),
            Ok((_, unknown)) => Err(Failure::integrity(format!(
                "the proof's checkpoint carries a signature by another key ({})",
                unknown[0].name()
            ))),
            Err(signed_note::NoteError::UnverifiedNote) => Err(Failure::integrity(format!(
                "the proof's checkpoint is signed, but not by the key {}",
                key.as_str()
            ))),
            Err(e) => Err(Failure::integrity(format!(
                "the proof's checkpoint has a signature that does not verify: {e}"
            ))),
        }
    }

    /// Whether two checkpoints state the same origin, size and root.
    pub fn same_body(&self, other: &Checkpoint) -> bool {
        self.body == other.body
    }
}

/// A public key in the note verifier encoding `NAME+KEYID+BASE64(0x01 || ed25519 key)`.
#[derive(Clone)]
pub struct VerifierKey {
    text: String,
    name: String,
    verifier: StandardVerifier,
}

impl std::fmt::Debug for VerifierKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl VerifierKey {
    /// Parses and checks a verifier key (usage failure when malformed).
    pub fn parse(text: &str) -> Result<VerifierKey, Failure> {
        let text = text.trim();
        let bad = |why: String| {
            Failure::usage(format!("{text:?} is not a checkpoint verifier key: {why}"))
                .with_detail("a verifier key reads NAME+KEYID+KEY")
                .with_remedy(crate::remedy::StoreRemedy::VerifierKeyAsPrinted)
        };
        let verifier = StandardVerifier::new(text).map_err(|e| bad(e.to_string()))?;
        let name = verifier.name().to_string();
        let key64 = text.splitn(3, '+').nth(2).unwrap_or_default();
        let raw = BASE64_STANDARD
            .decode(key64)
            .map_err(|e| bad(e.to_string()))?;
        let canonical = format!(
            "{name}+{:08x}+{}",
            verifier.key_id(),
            BASE64_STANDARD.encode(&raw)
        );
        Ok(VerifierKey {
            text: canonical,
            name,
            verifier,
        })
    }

    /// The key's name (the name on its signature lines).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The canonical text of the key.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for VerifierKey {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

/// A private signing key in the note encoding `PRIVATE+KEY+NAME+KEYID+BASE64(0x01 || seed)`.
pub struct SignerKey {
    signer: StandardSigner,
    verifier: VerifierKey,
}

impl SignerKey {
    /// A new random key named `name`; returns (private key text, verifier key text).
    pub fn generate(name: &str) -> Result<(String, String), Failure> {
        if !signed_note::is_key_name_valid(name) {
            return Err(Failure::usage(format!(
                "{name:?} cannot name a key: a key name is not empty and has no spaces or '+'"
            )));
        }
        Ok(signed_note::generate_key(&mut rand_core::OsRng, name))
    }

    /// Parses a private key file's text (usage failure when malformed; the key is never echoed).
    pub fn parse(text: &str) -> Result<SignerKey, Failure> {
        let text = text.trim();
        let bad = || {
            Failure::usage("the key file does not hold a checkpoint signing key")
                .with_detail("a signing key file reads PRIVATE+KEY+NAME+KEYID+KEY")
                .with_remedy(crate::remedy::StoreRemedy::SigningKeyFile)
        };
        let signer = StandardSigner::new(text).map_err(|_| bad())?;
        let mut parts = text.splitn(5, '+');
        let name = parts.nth(2).ok_or_else(bad)?;
        let raw = BASE64_STANDARD
            .decode(parts.nth(1).ok_or_else(bad)?)
            .map_err(|_| bad())?;
        let seed: [u8; 32] = match raw.split_first() {
            Some((&ALG_ED25519, rest)) => rest.try_into().map_err(|_| bad())?,
            _ => return Err(bad()),
        };
        let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
        let verifier = VerifierKey::parse(&signed_note::new_ed25519_verifier_key(name, &public))?;
        Ok(SignerKey { signer, verifier })
    }

    /// The public half, as a verifier key.
    pub fn verifier(&self) -> &VerifierKey {
        &self.verifier
    }

    /// Signs a checkpoint body; returns the signed note's text.
    pub fn sign(&self, body: &str) -> Result<String, Failure> {
        let mut note = Note::new(body.as_bytes(), &[])
            .map_err(|e| Failure::internal(format!("cannot make a note: {e}")))?;
        note.add_sigs(&[&self.signer])
            .map_err(|e| Failure::internal(format!("cannot sign: {e}")))?;
        Ok(String::from_utf8(note.to_bytes()).expect("a note is UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::tree::leaf_hash;

    #[test]
    fn a_signed_checkpoint_verifies_with_its_key_only() {
        let (private, public) = SignerKey::generate("concordat/test").unwrap();
        let signer = SignerKey::parse(&private).unwrap();
        assert_eq!(signer.verifier().as_str(), public);
        let body = checkpoint_body("concordat/test", 3, leaf_hash(b"r")).unwrap();
        let note = signer.sign(&body).unwrap();
        let cp = Checkpoint::parse(note.as_bytes()).unwrap();
        assert_eq!(
            (cp.size, cp.origin.as_str(), cp.body()),
            (3, "concordat/test", body.as_str())
        );
        assert!(cp.is_signed());
        assert_eq!(cp.signers(), vec!["concordat/test".to_string()]);
        cp.verify(&VerifierKey::parse(&public).unwrap()).unwrap();
        let (_, other) = SignerKey::generate("concordat/test").unwrap();
        assert!(cp.verify(&VerifierKey::parse(&other).unwrap()).is_err());
        let bare = Checkpoint::parse(body.as_bytes()).unwrap();
        assert!(!bare.is_signed() && bare.same_body(&cp));
        assert!(bare.verify(&VerifierKey::parse(&public).unwrap()).is_err());
    }

    #[test]
    fn every_byte_of_a_signed_checkpoint_counts() {
        let (private, public) = SignerKey::generate("concordat/test").unwrap();
        let key = VerifierKey::parse(&public).unwrap();
        let body = checkpoint_body("concordat/test", 12345, leaf_hash(b"r")).unwrap();
        let note = SignerKey::parse(&private).unwrap().sign(&body).unwrap();
        let good = Checkpoint::parse(note.as_bytes()).unwrap();
        for i in 0..note.len() {
            for delta in [1u8, 0x20] {
                let mut bytes = note.clone().into_bytes();
                bytes[i] ^= delta;
                if let Ok(cp) = Checkpoint::parse(&bytes) {
                    assert!(
                        cp.verify(&key).is_err(),
                        "byte {i} changed and the checkpoint still verifies"
                    );
                    assert!(!cp.same_body(&good) || cp.bytes() != good.bytes());
                }
            }
        }
    }

    #[test]
    fn keys_are_checked() {
        assert!(SignerKey::generate("has space").is_err());
        assert!(SignerKey::parse("PRIVATE+KEY+x+00000000+AAAA").is_err());
        assert!(VerifierKey::parse("nonsense").is_err());
        let (private, public) = SignerKey::generate("k").unwrap();
        assert!(VerifierKey::parse(&private).is_err());
        assert!(SignerKey::parse(&public).is_err());
        assert!(Checkpoint::parse(b"o\n01\nAAAA\n").is_err());
        assert!(Checkpoint::parse(b"o\n1\n").is_err());
    }
}
