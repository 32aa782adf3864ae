//! Round trips, one-byte tampering and a no-panic property for the proof parser and verifier.

use super::*;
use crate::event::{NewEvent, ZERO_HASH};
use crate::merkle::note::{checkpoint_body, SignerKey};
use crate::merkle::tree::MerkleLog;
use proptest::prelude::*;

const ORIGIN: &str = "concordat/test";

fn events(n: u64) -> Vec<Event> {
    let mut prev = ZERO_HASH.to_string();
    (1..=n)
        .map(|seq| {
            let e = Event::seal(
                NewEvent {
                    stream: "s".into(),
                    kind: "t".into(),
                    actor: "a".into(),
                    effective_on: "2008-09-01".into(),
                    data: serde_json::json!({"n": seq, "text": "é\u{1}"}),
                },
                seq,
                seq,
                "2008-09-01T09:00:00+01:00".into(),
                prev.clone(),
            );
            prev = e.hash.clone();
            e
        })
        .collect()
}

struct Fixture {
    events: Vec<Event>,
    tree: MerkleLog,
    public: String,
    signer: SignerKey,
}

fn fixture(n: u64) -> Fixture {
    let events = events(n);
    let mut tree = MerkleLog::new();
    for e in &events {
        tree.push_event_hash(&e.hash).unwrap();
    }
    let (private, public) = SignerKey::generate(ORIGIN).unwrap();
    Fixture {
        events,
        tree,
        public,
        signer: SignerKey::parse(&private).unwrap(),
    }
}

impl Fixture {
    fn checkpoint(&self, size: u64) -> String {
        let body = checkpoint_body(ORIGIN, size, self.tree.root(size).unwrap()).unwrap();
        self.signer.sign(&body).unwrap()
    }
    fn inclusion(&self, seq: u64, size: u64) -> (String, String) {
        let cp = self.checkpoint(size);
        let path = self.tree.prove_inclusion(seq - 1, size).unwrap();
        let e = &self.events[seq as usize - 1];
        (inclusion_text(e, seq - 1, &path, cp.as_bytes()), cp)
    }
    fn consistency(&self, old: u64, new: u64) -> (String, String, String) {
        let (old_cp, new_cp) = (self.checkpoint(old), self.checkpoint(new));
        let path = self.tree.prove_consistency(old, new).unwrap();
        let root = self.tree.root(old).unwrap();
        (
            consistency_text(old, root, &path, new_cp.as_bytes()),
            old_cp,
            new_cp,
        )
    }
}

#[test]
fn every_inclusion_proof_verifies_and_round_trips() {
    let f = fixture(13);
    for size in [1, 7, 13] {
        for seq in 1..=size {
            let (text, cp) = f.inclusion(seq, size);
            let v = check_proof(text.as_bytes(), cp.as_bytes(), Some(&f.public)).unwrap();
            assert_eq!(
                (v.kind, v.seq, v.size, v.signature),
                ("inclusion", Some(seq), size, "verified")
            );
            assert_eq!(Proof::parse(text.as_bytes()).unwrap().to_text(), text);
            // Without a key the mathematics still holds; the signature is reported unchecked.
            let v = check_proof(text.as_bytes(), cp.as_bytes(), None).unwrap();
            assert_eq!(v.signature, "not-checked");
        }
    }
}

#[test]
fn every_consistency_proof_verifies_from_either_end() {
    let f = fixture(11);
    for new in 1..=11 {
        for old in 1..=new {
            let (text, old_cp, new_cp) = f.consistency(old, new);
            let v = check_proof(text.as_bytes(), old_cp.as_bytes(), Some(&f.public)).unwrap();
            let end = if old == new { "newer" } else { "older" };
            assert_eq!(
                (v.checkpoint_is, v.newer_signature),
                (Some(end), Some("verified"))
            );
            let v = check_proof(text.as_bytes(), new_cp.as_bytes(), Some(&f.public)).unwrap();
            assert_eq!(v.checkpoint_is, Some("newer"));
        }
    }
}

#[test]
fn a_rewritten_history_has_no_consistency_proof() {
    let f = fixture(9);
    let mut other = f.events.clone();
    other[2].data = serde_json::json!({"n": "rewritten"});
    let rewritten = MerkleLog::from_leaves(
        other
            .iter()
            .map(|e| crate::merkle::tree::event_leaf(&e.compute_hash()).unwrap()),
    );
    let old = f.checkpoint(5);
    // The rewritten log's proof from its own size-5 root cannot join the published size-5 root.
    let path = rewritten.prove_consistency(5, 9).unwrap();
    let body = checkpoint_body(ORIGIN, 9, rewritten.root(9).unwrap()).unwrap();
    let forged = consistency_text(5, rewritten.root(5).unwrap(), &path, body.as_bytes());
    assert!(check_proof(forged.as_bytes(), old.as_bytes(), None).is_err());
    let claimed = consistency_text(5, f.tree.root(5).unwrap(), &path, body.as_bytes());
    let e = check_proof(claimed.as_bytes(), old.as_bytes(), None).unwrap_err();
    assert_eq!(e.kind, crate::FailureKind::Integrity);
}

fn assert_fails(proof: &[u8], cp: &[u8], key: &str, what: &str) {
    if let Ok(v) = check_proof(proof, cp, Some(key)) {
        panic!("{what} still verifies: {v:?}");
    }
}

#[test]
fn a_one_byte_change_anywhere_fails() {
    let f = fixture(6);
    let (text, cp) = f.inclusion(4, 6);
    for i in 0..text.len() {
        for delta in [0x01u8, 0x20] {
            let mut bytes = text.clone().into_bytes();
            bytes[i] ^= delta;
            assert_fails(
                &bytes,
                cp.as_bytes(),
                &f.public,
                &format!("proof byte {i} ^ {delta}"),
            );
        }
    }
    for i in 0..cp.len() {
        let mut bytes = cp.clone().into_bytes();
        bytes[i] ^= 0x01;
        assert_fails(
            text.as_bytes(),
            &bytes,
            &f.public,
            &format!("checkpoint byte {i}"),
        );
    }
    // The event itself: every byte of its export line.
    let line = f.events[3].to_line();
    for i in 0..line.len() {
        let mut bytes = line.clone().into_bytes();
        bytes[i] ^= 0x01;
        let changed = BASE64_STANDARD.encode(&bytes);
        let good = BASE64_STANDARD.encode(line.as_bytes());
        let tampered = text.replacen(&good, &changed, 1);
        assert_fails(
            tampered.as_bytes(),
            cp.as_bytes(),
            &f.public,
            &format!("event byte {i}"),
        );
    }
    let (text, old_cp, _) = f.consistency(2, 6);
    for i in 0..text.len() {
        let mut bytes = text.clone().into_bytes();
        bytes[i] ^= 0x01;
        assert_fails(
            &bytes,
            old_cp.as_bytes(),
            &f.public,
            &format!("consistency byte {i}"),
        );
    }
}

#[test]
fn malformed_is_usage_and_false_is_integrity() {
    let f = fixture(4);
    let (text, cp) = f.inclusion(2, 4);
    let e = check_proof(b"hello", cp.as_bytes(), None).unwrap_err();
    assert_eq!(e.kind, crate::FailureKind::Usage);
    let e = check_proof(text.as_bytes(), b"nonsense", None).unwrap_err();
    assert_eq!(e.kind, crate::FailureKind::Usage);
    let e = check_proof(text.as_bytes(), cp.as_bytes(), Some("bad key")).unwrap_err();
    assert_eq!(e.kind, crate::FailureKind::Usage);
    let other = f.checkpoint(3);
    let e = check_proof(text.as_bytes(), other.as_bytes(), None).unwrap_err();
    assert_eq!(e.kind, crate::FailureKind::Integrity);
    let (_, stranger) = SignerKey::generate(ORIGIN).unwrap();
    let e = check_proof(text.as_bytes(), cp.as_bytes(), Some(&stranger)).unwrap_err();
    assert_eq!(e.kind, crate::FailureKind::Integrity);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(proof in proptest::collection::vec(any::<u8>(), 0..600),
                                cp in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = check_proof(&proof, &cp, None);
    }

    #[test]
    fn mutated_proofs_never_panic_nor_verify(seq in 1u64..=9, size_off in 0u64..4,
                                             edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6)) {
        let f = FIXTURE.with(|f| f.inclusion(seq, (seq + size_off).min(9)));
        let (text, cp) = f;
        let mut bytes = text.clone().into_bytes();
        for (at, b) in &edits {
            let i = at % bytes.len();
            bytes[i] = *b;
        }
        let public = FIXTURE.with(|f| f.public.clone());
        let result = check_proof(&bytes, cp.as_bytes(), Some(&public));
        if bytes != text.as_bytes() {
            prop_assert!(result.is_err());
        }
    }
}

thread_local! {
    static FIXTURE: Fixture = fixture(9);
}
