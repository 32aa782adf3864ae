//! Verifiable checkpoints: every event of a 10,000-event store has an inclusion proof that verifies
//! offline, a one-byte change to the proof, the checkpoint or the event fails it, consistency proofs
//! verify between many pairs of sizes and fail for a rewritten history.
//!
//! The bulk of the log is appended in-process through the engine's public `EventStore::append`
//! (the CLI has no command that appends thousands of events quickly); everything else goes through
//! the binary, and the 10,000 proofs are made and checked in-process through the same library
//! functions the binary calls, with a sample of them through the binary itself.

use crate::support::{bromsgrove_redditch, Env};
use engine::merkle::{check_proof, Checkpoint};
use engine::store::OpenMode;
use engine::{AppendRequest, FailureKind, NewEvent};
use std::path::PathBuf;
use std::time::Duration;
use workflows::ops::checkpoint::{body_at, LogTree};
use workflows::ops::Session;

const NOW: &str = "2009-03-31T17:00:00+01:00";
const ORIGIN: &str = "concordat/bromsgrove-and-redditch";

/// A store whose partnership names a fresh checkpoint key; returns it with (key file, verifier key).
fn keyed_store() -> (Env, PathBuf, String) {
    let mut env = Env::new();
    env.at(NOW);
    let key = env.path("checkpoint.key");
    let doc = env
        .run(&[
            "--json",
            "checkpoint",
            "keygen",
            "--out",
            key.to_str().unwrap(),
            "--name",
            ORIGIN,
        ])
        .ok()
        .json();
    let verifier = doc["verifier_key"].as_str().unwrap().to_string();
    let fixture = std::fs::read_to_string(bromsgrove_redditch()).unwrap();
    let file = env.path("partnership.toml");
    std::fs::write(&file, format!("checkpoint_key = \"{verifier}\"\n{fixture}")).unwrap();
    env.run(&["init", file.to_str().unwrap()]).ok();
    (env, key, verifier)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Appends `n` events in batches through the store's own append; `rewrite` changes the data of one.
fn bulk_append(env: &Env, n: u64, rewrite: Option<u64>) {
    runtime().block_on(async {
        let store = engine::open_store(&env.store, OpenMode::Existing, Duration::from_secs(10))
            .await
            .unwrap();
        let first = store.head().await.unwrap().seq + 1;
        let mut seq = first;
        while seq < first + n {
            let batch: Vec<NewEvent> = (seq..(seq + 500).min(first + n))
                .map(|s| NewEvent {
                    stream: format!("load-test-{}", s % 7),
                    kind: "load-test-note".into(),
                    actor: "jce".into(),
                    effective_on: "2009-03-31".into(),
                    data: serde_json::json!({
                        "n": s,
                        "note": if rewrite == Some(s) { "rewritten" } else { "as first recorded" },
                    }),
                })
                .collect();
            let len = batch.len() as u64;
            store
                .append(AppendRequest {
                    events: batch,
                    expectations: Vec::new(),
                    now: NOW.parse().unwrap(),
                    tz: jiff::tz::TimeZone::get("Europe/London").unwrap(),
                })
                .await
                .unwrap();
            seq += len;
        }
        store.close().await.unwrap();
    });
}

/// Signs the log now through the binary; returns the signed note's path and its size.
fn sign(env: &Env, key: &std::path::Path, name: &str) -> (PathBuf, u64) {
    let out = env.path(name);
    let doc = env.json_as(
        "jce",
        &[
            "checkpoint",
            "sign",
            "--key",
            key.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    (out, doc["size"].as_u64().unwrap())
}

/// The log and its tree, read in-process.
fn load(env: &Env) -> LogTree {
    runtime().block_on(async {
        let store = engine::open_store(&env.store, OpenMode::Existing, Duration::from_secs(10))
            .await
            .unwrap();
        let mut session = Session::new(store, NOW.parse().unwrap(), None);
        let log = LogTree::load(&mut session).await.unwrap();
        session.store.close().await.unwrap();
        log
    })
}

/// Whether `check` rejects `bytes` with the byte at `i` changed.
fn fails_when_changed(bytes: &[u8], i: usize, mut check: impl FnMut(&[u8]) -> bool) -> bool {
    let mut b = bytes.to_vec();
    b[i] ^= 0x01;
    check(&b)
}

#[test]
fn every_event_of_a_10000_event_store_has_a_proof_and_tampering_fails() {
    let (env, key, verifier) = keyed_store();
    bulk_append(&env, 9_998, None); // with the partnership: 9,999 events
    let (_, first_size) = sign(&env, &key, "cp-9999.note"); // recorded as event 10,000
    assert_eq!(first_size, 9_999);
    let (cp_path, size) = sign(&env, &key, "cp-10000.note"); // recorded as event 10,001
    assert_eq!(size, 10_000);
    let note = std::fs::read(&cp_path).unwrap();
    let cp = Checkpoint::parse(&note).unwrap();
    assert_eq!((cp.origin.as_str(), cp.size), (ORIGIN, 10_000));

    // Every event, in-process: prove and check offline against the signed checkpoint.
    let log = load(&env);
    assert_eq!(log.size(), 10_001);
    let started = std::time::Instant::now();
    for seq in 1..=10_000u64 {
        let proof = log.inclusion(seq, &cp).unwrap();
        let verified = check_proof(proof.as_bytes(), &note, Some(&verifier))
            .unwrap_or_else(|e| panic!("event {seq}: {e}"));
        assert_eq!((verified.seq, verified.signature), (Some(seq), "verified"));
    }
    eprintln!(
        "10,000 inclusion proofs made and checked in {:?}",
        started.elapsed()
    );

    // A one-byte change anywhere fails: in the proof, the checkpoint, and the event itself.
    let check = |proof: &[u8], cp: &[u8]| check_proof(proof, cp, Some(&verifier));
    for seq in [1u64, 2, 4_097, 9_999, 10_000] {
        let proof = log.inclusion(seq, &cp).unwrap();
        let (mut usage, mut integrity) = (0, 0);
        for i in 0..proof.len() {
            let failed = fails_when_changed(proof.as_bytes(), i, |b| match check(b, &note) {
                Ok(_) => false,
                Err(e) => {
                    if e.kind == FailureKind::Usage {
                        usage += 1
                    } else {
                        integrity += 1
                    }
                    true
                }
            });
            assert!(
                failed,
                "event {seq}: proof byte {i} changed and it still verifies"
            );
        }
        assert!(
            usage > 0 && integrity > 0,
            "both malformed and false proofs are seen"
        );
        for i in 0..note.len() {
            let failed = fails_when_changed(&note, i, |b| check(proof.as_bytes(), b).is_err());
            assert!(
                failed,
                "event {seq}: checkpoint byte {i} changed and it still verifies"
            );
        }
        let line = log.events[seq as usize - 1].to_line();
        let b64 = |bytes: &[u8]| {
            use base64::prelude::{Engine, BASE64_STANDARD};
            BASE64_STANDARD.encode(bytes)
        };
        for i in 0..line.len() {
            let mut changed = line.clone().into_bytes();
            changed[i] ^= 0x01;
            let forged = proof.replacen(&b64(line.as_bytes()), &b64(&changed), 1);
            let e = check(forged.as_bytes(), &note).unwrap_err();
            assert!(matches!(
                e.kind,
                FailureKind::Usage | FailureKind::Integrity
            ));
        }
    }

    // A sample through the binary, by whoever may read: no actor, or the auditor.
    let cp_arg = cp_path.to_str().unwrap();
    for (n, seq) in (1..=10_000u64).step_by(523).chain([10_000]).enumerate() {
        let out = env.path(&format!("event-{seq}.tlog-proof"));
        let who: &[&str] = if n % 2 == 0 { &[] } else { &["--as", "audit"] };
        let mut args = who.to_vec();
        let seq_text = seq.to_string();
        args.extend([
            "--json",
            "audit",
            "prove",
            "--event",
            &seq_text,
            "--out",
            out.to_str().unwrap(),
        ]);
        let doc = env.run(&args).ok().json();
        assert_eq!(
            (doc["size"].as_u64(), doc["signed"].as_bool()),
            (Some(10_000), Some(true))
        );
        let checked = env
            .run(&[
                "--json",
                "audit",
                "check-proof",
                out.to_str().unwrap(),
                "--checkpoint",
                cp_arg,
                "--key",
                &verifier,
            ])
            .ok()
            .json();
        assert_eq!(checked["seq"].as_u64(), Some(seq));
        assert_eq!(checked["event"]["seq"].as_u64(), Some(seq));
    }
    // The same through the binary: a changed proof hash is exit 6, a malformed file exit 2.
    let out = env.path("event-1.tlog-proof");
    let text = std::fs::read_to_string(&out).unwrap();
    let index_line = text.find("\nindex ").unwrap();
    let hash_at = text[index_line + 1..].find('\n').unwrap() + index_line + 2;
    let mut bytes = text.clone().into_bytes();
    bytes[hash_at] = if bytes[hash_at] == b'A' { b'B' } else { b'A' };
    let bad = env.path("bad.tlog-proof");
    std::fs::write(&bad, &bytes).unwrap();
    let args = |file: &PathBuf| {
        vec![
            "--json".to_string(),
            "audit".into(),
            "check-proof".into(),
            file.display().to_string(),
            "--checkpoint".into(),
            cp_arg.into(),
            "--key".into(),
            verifier.clone(),
        ]
    };
    let run = |file: &PathBuf| {
        let a = args(file);
        env.run(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let failed = run(&bad);
    failed.expect_code(6);
    assert_eq!(failed.error_json()["error"]["kind"], "integrity");
    std::fs::write(&bad, text.replacen("c2sp.org", "c2sp.com", 1)).unwrap();
    run(&bad).expect_code(2);
}

#[test]
fn consistency_proofs_hold_between_sizes_and_fail_for_a_rewritten_history() {
    let (env, key, verifier) = keyed_store();
    bulk_append(&env, 1_199, None); // 1,200 events
    let (old_path, old_size) = sign(&env, &key, "old.note"); // of 1,200, recorded as 1,201
    bulk_append(&env, 799, None); // 2,000
    let (new_path, new_size) = sign(&env, &key, "new.note"); // of 2,000, recorded as 2,001
    assert_eq!((old_size, new_size), (1_200, 2_000));

    // In-process: many pairs of sizes, both ends checked, unsigned bodies.
    let log = load(&env);
    let mut sizes: Vec<u64> = vec![1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 100, 511, 512, 513];
    sizes.extend([1_023, 1_024, 1_025, 1_200, 1_201, 1_999, 2_000, 2_001]);
    let mut pairs = 0;
    for &old in &sizes {
        for &new in sizes.iter().filter(|&&n| n >= old) {
            let old_cp = log.body(old).unwrap();
            let new_cp = Checkpoint::parse(log.body(new).unwrap().as_bytes()).unwrap();
            let old_parsed = Checkpoint::parse(old_cp.as_bytes()).unwrap();
            let proof = log.consistency(&old_parsed, &new_cp).unwrap();
            let v = check_proof(proof.as_bytes(), old_cp.as_bytes(), None).unwrap();
            assert_eq!((v.from_size, v.to_size), (Some(old), Some(new)));
            check_proof(proof.as_bytes(), new_cp.bytes(), None).unwrap();
            pairs += 1;
        }
    }
    assert!(pairs > 250);

    // Through the binary: from the old signed checkpoint to the newest signed one.
    let proof = env.path("old-to-new.proof");
    let doc = env
        .run(&[
            "--json",
            "audit",
            "prove",
            "--from",
            old_path.to_str().unwrap(),
            "--out",
            proof.to_str().unwrap(),
        ])
        .ok()
        .json();
    assert_eq!(
        (doc["from_size"].as_u64(), doc["size"].as_u64()),
        (Some(1_200), Some(2_000))
    );
    for cp in [&old_path, &new_path] {
        let v = env
            .run(&[
                "--json",
                "audit",
                "check-proof",
                proof.to_str().unwrap(),
                "--checkpoint",
                cp.to_str().unwrap(),
                "--key",
                &verifier,
            ])
            .ok()
            .json();
        assert_eq!(v["newer_signature"], "verified");
    }

    // A second store with the same key whose history differs at event 700: it cannot prove it
    // extends the published checkpoint, and its own proofs fail against that checkpoint.
    let mut rewritten = Env::new();
    rewritten.at(NOW);
    let file = env.path("partnership.toml");
    rewritten.run(&["init", file.to_str().unwrap()]).ok();
    bulk_append(&rewritten, 1_999, Some(700));
    let refused = rewritten.run(&[
        "--json",
        "audit",
        "prove",
        "--from",
        old_path.to_str().unwrap(),
    ]);
    refused.expect_code(6);
    assert_eq!(refused.error_json()["error"]["kind"], "integrity");
    sign(&rewritten, &key, "own.note"); // its own checkpoint of 2,000, signed with the same key
    let published_old = Checkpoint::parse(&std::fs::read(&old_path).unwrap()).unwrap();
    let published_new = std::fs::read(&new_path).unwrap();
    let own_old = rewritten.path("own-old-body.txt");
    std::fs::write(&own_old, load(&rewritten).body(1_200).unwrap()).unwrap();
    let own_proof = rewritten.path("own.proof");
    rewritten
        .run(&[
            "audit",
            "prove",
            "--from",
            own_old.to_str().unwrap(),
            "--out",
            own_proof.to_str().unwrap(),
        ])
        .ok();
    let own_text = std::fs::read_to_string(&own_proof).unwrap();
    // Its proof names neither end of the published checkpoints...
    let e = check_proof(own_text.as_bytes(), published_old.bytes(), Some(&verifier)).unwrap_err();
    assert_eq!(e.kind, FailureKind::Integrity);
    // ...and claiming the published older root instead does not join the two roots.
    let own_root = own_text.lines().nth(1).unwrap().to_string();
    let claimed = own_text.replacen(&own_root, &format!("from 1200 {}", published_old.root), 1);
    let e = check_proof(claimed.as_bytes(), published_old.bytes(), Some(&verifier)).unwrap_err();
    assert_eq!(e.kind, FailureKind::Integrity);
    let forged = rewritten.path("forged.proof");
    std::fs::write(&forged, &claimed).unwrap();
    let run = rewritten.run(&[
        "--json",
        "audit",
        "check-proof",
        forged.to_str().unwrap(),
        "--checkpoint",
        old_path.to_str().unwrap(),
        "--key",
        &verifier,
    ]);
    run.expect_code(6);
    assert_eq!(run.error_json()["error"]["kind"], "integrity");

    // The rewritten event's inclusion proof, presented against the published checkpoint of the
    // same size, does not lead to that checkpoint's root.
    let inclusion = rewritten.path("700.tlog-proof");
    rewritten
        .run(&[
            "audit",
            "prove",
            "--event",
            "700",
            "--out",
            inclusion.to_str().unwrap(),
        ])
        .ok();
    let text = std::fs::read_to_string(&inclusion).unwrap();
    let (head, _) = text.split_once("\n\n").unwrap();
    let presented = format!(
        "{head}\n\n{}",
        String::from_utf8(published_new.clone()).unwrap()
    );
    let e = check_proof(presented.as_bytes(), &published_new, Some(&verifier)).unwrap_err();
    assert_eq!(e.kind, FailureKind::Integrity);
    assert!(e.message.contains("root"), "{}", e.message);
}

#[test]
fn signing_needs_the_partnerships_key_and_a_permitted_actor() {
    let (env, key, _) = keyed_store();
    // Another key: refused (3), with a plain message.
    let other = env.path("other.key");
    env.run(&[
        "checkpoint",
        "keygen",
        "--out",
        other.to_str().unwrap(),
        "--name",
        ORIGIN,
    ])
    .ok();
    let run = env.run_as(
        "jce",
        &["checkpoint", "sign", "--key", other.to_str().unwrap()],
    );
    run.expect_code(3);
    assert!(
        run.stderr.contains("not the partnership's checkpoint key"),
        "{}",
        run.stderr
    );
    // No actor: usage (2); an auditor: not permitted (5); a malformed key file: usage (2).
    env.run(&["checkpoint", "sign", "--key", key.to_str().unwrap()])
        .expect_code(2);
    env.run_as(
        "audit",
        &["checkpoint", "sign", "--key", key.to_str().unwrap()],
    )
    .expect_code(5);
    let junk = env.path("junk.key");
    std::fs::write(&junk, "not a key\n").unwrap();
    env.run_as(
        "jce",
        &["checkpoint", "sign", "--key", junk.to_str().unwrap()],
    )
    .expect_code(2);
    // keygen never overwrites (4), writes the key 0600, and keeps it out of the store.
    env.run(&[
        "checkpoint",
        "keygen",
        "--out",
        key.to_str().unwrap(),
        "--name",
        "x",
    ])
    .expect_code(4);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Printed to stdout without --out: exactly the signed note.
    let run = env.run_as(
        "jce",
        &["checkpoint", "sign", "--key", key.to_str().unwrap()],
    );
    run.ok();
    let cp = Checkpoint::parse(run.stdout.as_bytes()).unwrap();
    assert_eq!((cp.size, cp.is_signed()), (1, true));

    // A partnership without a key stays valid; signing there is refused (3).
    let plain = Env::bromsgrove_redditch(NOW);
    plain
        .run_as(
            "jce",
            &["checkpoint", "sign", "--key", key.to_str().unwrap()],
        )
        .expect_code(3);
}

#[test]
fn the_body_at_a_seq_is_reproducible_and_proofs_work_without_a_signature() {
    let (env, key, verifier) = keyed_store();
    bulk_append(&env, 40, None);
    let at = |seq: u64| {
        runtime().block_on(async {
            let store = engine::open_store(&env.store, OpenMode::Existing, Duration::from_secs(10))
                .await
                .unwrap();
            let mut session = Session::new(store, NOW.parse().unwrap(), None);
            let body = body_at(&mut session, seq).await.unwrap();
            session.store.close().await.unwrap();
            body
        })
    };
    let before = at(30);
    sign(&env, &key, "later.note");
    bulk_append(&env, 10, None);
    assert_eq!(at(30), before, "the same seq gives the same body");
    assert!(before.starts_with(&format!("{ORIGIN}\n30\n")));

    // A body copied from a report is a checkpoint to check against (no key: signature not checked).
    let body = env.path("report-body.txt");
    std::fs::write(&body, &before).unwrap();
    let proof = env.path("p.tlog-proof");
    env.run(&[
        "audit",
        "prove",
        "--event",
        "17",
        "--checkpoint",
        body.to_str().unwrap(),
        "--out",
        proof.to_str().unwrap(),
    ])
    .ok();
    let v = env
        .run(&[
            "--json",
            "audit",
            "check-proof",
            proof.to_str().unwrap(),
            "--checkpoint",
            body.to_str().unwrap(),
        ])
        .ok()
        .json();
    assert_eq!(
        (v["seq"].as_u64(), v["signature"].as_str()),
        (Some(17), Some("not-checked"))
    );
    // With the key, an unsigned checkpoint is not enough.
    env.run(&[
        "audit",
        "check-proof",
        proof.to_str().unwrap(),
        "--checkpoint",
        body.to_str().unwrap(),
        "--key",
        &verifier,
    ])
    .expect_code(6);
    // Unknown events are refused; an unknown actor is not permitted; missing files are usage errors.
    env.run(&["audit", "prove", "--event", "999"])
        .expect_code(3);
    env.run_as("nobody", &["audit", "prove", "--event", "1"])
        .expect_code(5);
    env.run(&["audit", "check-proof", "missing", "--checkpoint", "missing"])
        .expect_code(2);
}
