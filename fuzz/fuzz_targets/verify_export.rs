//! Fuzzes `audit verify` over an export: any bytes, with or without an expected head, must give a
//! report or an I/O error, never a panic; and the fast path (lines in the engine's own layout, their
//! hashes checked on a helper thread) must reach the verdict the general path (`serde_json` and
//! the JCS canonicaliser, line by line) reaches.
//!
//! The first input byte chooses the mode: even — the rest is the export; odd — a genuine export
//! of 8 events with the rest applied as (position, byte) edits, so the fuzzer works on lines whose
//! hashes are right. Bit 1 of it: verify against an expected head (the genuine head, or in raw mode
//! the first 64 bytes of the input).

#![no_main]

use engine::chain::{verify_lines, ChainVerifier};
use engine::event::{Event, NewEvent, ZERO_HASH};
use engine::line::LineView;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn genuine() -> &'static (Vec<u8>, String) {
    static CELL: OnceLock<(Vec<u8>, String)> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut prev = ZERO_HASH.to_string();
        let mut out = Vec::new();
        for seq in 1..=8u64 {
            let e = Event::seal(
                NewEvent {
                    stream: format!("proposal-s{}", seq % 3),
                    kind: "t".into(),
                    actor: "bdc-clerk".into(),
                    effective_on: "2008-09-17".into(),
                    data: serde_json::json!({"n": seq, "money": "40000.00", "to": ["a", "é\n"]}),
                },
                seq,
                seq.div_ceil(3),
                format!("2008-09-17T19:00:0{}+01:00", seq.min(9)),
                prev.clone(),
            );
            prev = e.hash.clone();
            out.extend_from_slice(e.to_line().as_bytes());
            out.push(b'\n');
        }
        (out, prev)
    })
}

/// The verdict line by line on the general path only: (ok, events, first_bad_seq), or `None` when
/// the export is not UTF-8 (verify_lines reports an I/O error then).
fn reference(export: &[u8]) -> Option<(bool, u64, Option<u64>)> {
    let mut verifier = ChainVerifier::new();
    let body = export.strip_suffix(b"\n").unwrap_or(export);
    if export.is_empty() {
        return Some((true, 0, None));
    }
    for line in body.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let text = std::str::from_utf8(line).ok()?;
        let fail = Some((false, verifier.events(), Some(verifier.events() + 1)));
        if text.is_empty() {
            return fail;
        }
        let Ok(event) = serde_json::from_str::<Event>(text) else {
            return fail;
        };
        if verifier.push(&event).is_err() {
            return fail;
        }
    }
    Some((true, verifier.events(), None))
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let with_head = mode & 2 != 0;
    let (export, head): (Vec<u8>, Option<String>) = if mode % 2 == 0 {
        if with_head && rest.len() >= 64 {
            let head = String::from_utf8_lossy(&rest[..64]).into_owned();
            (rest[64..].to_vec(), Some(head))
        } else {
            (rest.to_vec(), None)
        }
    } else {
        let (genuine, head) = genuine();
        let mut export = genuine.clone();
        for edit in rest.chunks_exact(3) {
            let at = u16::from_le_bytes([edit[0], edit[1]]) as usize;
            if at & 0x8000 != 0 {
                // Cut the export short instead.
                export.truncate((at & 0x7fff) % (export.len() + 1));
            } else if !export.is_empty() {
                let len = export.len();
                export[at % len] = edit[2];
            }
        }
        (export, with_head.then(|| head.clone()))
    };
    // Each line the fast layout accepts reads the same, and hashes the same, on the general path.
    let mut scratch = Vec::new();
    for line in export.split(|b| *b == b'\n') {
        if let Some(view) = LineView::parse(line) {
            let general: Event = serde_json::from_slice(line).unwrap_or_else(|e| {
                panic!("the fast layout accepted a line serde_json refuses: {e}")
            });
            assert_eq!(
                view.to_event().ok().as_ref(),
                Some(&general),
                "the two paths read the line differently"
            );
            assert_eq!(
                view.hash_matches(&mut scratch),
                general.compute_hash() == general.hash,
                "the two paths hash the line differently"
            );
        }
    }
    let plain = verify_lines(&export[..], None);
    match (&plain, reference(&export)) {
        (Ok(r), Some(want)) => assert_eq!(
            (r.ok, r.events, r.first_bad_seq),
            want,
            "fast and general verdicts differ"
        ),
        (Err(_), None) => {}
        (got, want) => panic!("verify_lines gave {got:?}, the general path {want:?}"),
    }
    if let Some(head) = head {
        if let Ok(r) = verify_lines(&export[..], Some(&head)) {
            if r.ok {
                assert_eq!(
                    r.head,
                    head.to_ascii_lowercase(),
                    "ok, but not at the expected head"
                );
                assert_eq!(Some(r.events), plain.as_ref().ok().map(|p| p.events));
            }
        }
    }
});
