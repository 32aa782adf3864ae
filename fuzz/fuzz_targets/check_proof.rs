//! Fuzzes the offline proof verifier (`audit check-proof`): it must never panic, and whatever it
//! accepts must state the facts of a genuine proof (no forged event, size or root).
//!
//! The first input byte chooses the mode: even — raw bytes, split at 0xFF into proof, checkpoint and
//! key; odd — a genuine inclusion or consistency proof, its checkpoint and key, with the rest of the
//! input applied as (position, byte) edits.

#![no_main]

use engine::event::{Event, NewEvent, ZERO_HASH};
use engine::merkle::{
    check_proof, checkpoint_body, consistency_text, inclusion_text, MerkleLog, SignerKey,
};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// A key made for this target only (`concordat checkpoint keygen --name concordat/fuzz`).
const PRIVATE: &str =
    "PRIVATE+KEY+concordat/fuzz+40b6d4a3+AQxQvYz94uyIg2TX34JE3ZKhuGJfxvJsa2PIH4tkObmW";
const PUBLIC: &str = "concordat/fuzz+40b6d4a3+AZwqdk02xonuT0skdYluARa9iSNJZAoO6qvsdY2dLxWB";
const ORIGIN: &str = "concordat/fuzz";

struct Genuine {
    /// (proof, checkpoint, facts as the verifier reports them)
    cases: Vec<(Vec<u8>, Vec<u8>, String)>,
}

fn facts(v: &engine::merkle::Verified) -> String {
    format!(
        "{} {} {} {:?} {:?} {:?} {:?}",
        v.kind,
        v.size,
        v.root,
        v.event.as_ref().map(|e| &e.hash),
        v.from_size,
        v.from_root,
        v.to_root
    )
}

fn genuine() -> &'static Genuine {
    static CELL: OnceLock<Genuine> = OnceLock::new();
    CELL.get_or_init(|| {
        let signer = SignerKey::parse(PRIVATE).expect("the target's key parses");
        let mut prev = ZERO_HASH.to_string();
        let events: Vec<Event> = (1..=11u64)
            .map(|seq| {
                let e = Event::seal(
                    NewEvent {
                        stream: format!("s{}", seq % 3),
                        kind: "t".into(),
                        actor: "a".into(),
                        effective_on: "2008-09-17".into(),
                        data: serde_json::json!({"n": seq}),
                    },
                    seq,
                    seq.div_ceil(3),
                    "2008-09-17T19:00:00+01:00".into(),
                    prev.clone(),
                );
                prev = e.hash.clone();
                e
            })
            .collect();
        let mut tree = MerkleLog::new();
        for e in &events {
            tree.push_event_hash(&e.hash).expect("hex hashes");
        }
        let cp = |size: u64| {
            let body = checkpoint_body(ORIGIN, size, tree.root(size).unwrap()).unwrap();
            signer.sign(&body).unwrap().into_bytes()
        };
        let mut cases = Vec::new();
        for (seq, size) in [(1, 1), (3, 7), (11, 11)] {
            let path = tree.prove_inclusion(seq - 1, size).unwrap();
            let checkpoint = cp(size);
            let proof = inclusion_text(&events[seq as usize - 1], seq - 1, &path, &checkpoint);
            cases.push((proof.into_bytes(), checkpoint, String::new()));
        }
        for (old, new) in [(1, 11), (6, 7), (4, 8)] {
            let path = tree.prove_consistency(old, new).unwrap();
            let proof = consistency_text(old, tree.root(old).unwrap(), &path, &cp(new));
            cases.push((proof.into_bytes(), cp(old), String::new()));
        }
        for case in &mut cases {
            let v = check_proof(&case.0, &case.1, Some(PUBLIC)).expect("genuine proofs verify");
            case.2 = facts(&v);
        }
        Genuine { cases }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let mut parts = rest.splitn(3, |b| *b == 0xff);
        let proof = parts.next().unwrap_or_default();
        let checkpoint = parts.next().unwrap_or_default();
        let key = parts.next().and_then(|k| std::str::from_utf8(k).ok());
        let _ = check_proof(proof, checkpoint, key);
        return;
    }
    let cases = &genuine().cases;
    let (proof, checkpoint, want) = &cases[(mode as usize / 2) % cases.len()];
    let (mut proof, mut checkpoint) = (proof.clone(), checkpoint.clone());
    for edit in rest.chunks_exact(3) {
        let at = u16::from_le_bytes([edit[0], edit[1]]) as usize;
        let target = if at & 0x8000 == 0 {
            &mut proof
        } else {
            &mut checkpoint
        };
        let len = target.len();
        target[(at & 0x7fff) % len] = edit[2];
    }
    if let Ok(v) = check_proof(&proof, &checkpoint, Some(PUBLIC)) {
        // Accepted: it must be the genuine proof's facts, never forged ones.
        assert_eq!(&facts(&v), want, "the verifier accepted forged facts");
    }
});
