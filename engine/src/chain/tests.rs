//! Tests of the parent module.

use super::*;
use crate::event::NewEvent;
use serde_json::json;

fn chain(n: u64) -> Vec<Event> {
    let mut prev = ZERO_HASH.to_string();
    (1..=n)
        .map(|seq| {
            let e = Event::seal(
                NewEvent {
                    stream: "s".into(),
                    kind: "t".into(),
                    actor: "a".into(),
                    effective_on: "2008-09-01".into(),
                    data: json!({"n": seq}),
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

fn text(events: &[Event]) -> String {
    events.iter().map(|e| e.to_line() + "\n").collect()
}

#[test]
fn a_good_chain_verifies() {
    let events = chain(5);
    let r = verify_lines(text(&events).as_bytes(), Some(&events[4].hash)).unwrap();
    assert!(r.ok);
    assert_eq!(r.events, 5);
    assert_eq!(r.head, events[4].hash);
}

#[test]
fn a_deleted_line_is_located() {
    let mut events = chain(5);
    events.remove(2);
    let r = verify_lines(text(&events).as_bytes(), None).unwrap();
    assert_eq!((r.ok, r.first_bad_seq, r.events), (false, Some(3), 2));
}

/// The same verdict as pushing parsed events one by one, whatever the chunking.
fn serially(text: &str, head: Option<&str>) -> VerifyReport {
    let mut walk = Walk {
        verifier: ChainVerifier::new(),
        want: head.map(str::to_ascii_lowercase),
        want_at: None,
        failure: None,
    };
    for line in text.lines() {
        let result = if line.is_empty() {
            Err("an empty line stands where an event should".to_string())
        } else {
            serde_json::from_str::<Event>(line)
                .map_err(|e| format!("the line is not an event: {e}"))
                .and_then(|e| walk.verifier.push(&e))
        };
        if let Err(why) = result {
            walk.failure = Some(why);
            break;
        }
        if walk.want_at.is_none() && walk.want.as_deref() == Some(walk.verifier.head()) {
            walk.want_at = Some(walk.verifier.events() - 1);
        }
    }
    walk.report()
}

#[test]
fn chunks_and_threads_do_not_change_the_verdict() {
    // ~400 kB: many chunks.
    let mut prev = ZERO_HASH.to_string();
    let events: Vec<Event> = (1..=1_200u64)
        .map(|seq| {
            let e = Event::seal(
                NewEvent {
                    stream: format!("s{}", seq % 7),
                    kind: "t".into(),
                    actor: "a".into(),
                    effective_on: "2008-09-01".into(),
                    data: json!({"n": seq, "pad": "x".repeat(200), "f": if seq == 900 { json!(1.5) } else { json!(1) }}),
                },
                seq,
                seq / 7 + u64::from(seq % 7 != 0),
                "2008-09-01T09:00:00+01:00".into(),
                prev.clone(),
            );
            prev = e.hash.clone();
            e
        })
        .collect();
    let good = text(&events);
    let head = events.last().unwrap().hash.clone();
    let mid = events[699].hash.clone();
    let mut cases = vec![
        (good.clone(), None),
        (good.clone(), Some(head.as_str())),
        (good.clone(), Some(mid.as_str())),
        (good.replace("\"n\":1000,", "\"n\":1001,"), None),
        (good.replacen("\n", "\n\n", 800), None),
        (good.replace("\"n\":900,", "\"n\":901,"), None),
    ];
    let mut swapped = events.clone();
    swapped.swap(500, 501);
    cases.push((text(&swapped), None));
    for (input, head) in cases {
        let fast = verify_lines(input.as_bytes(), head).unwrap();
        assert_eq!(fast, serially(&input, head));
        for step in [7, 4096, 100_000] {
            let mut writer = LineVerifier::new(head);
            for piece in input.as_bytes().chunks(step) {
                std::io::Write::write_all(&mut writer, piece).unwrap();
            }
            assert_eq!(
                writer.finish().unwrap(),
                fast,
                "written {step} bytes at a time"
            );
        }
    }
    assert!(verify_lines(good.as_bytes(), Some(&head)).unwrap().ok);
    let r = verify_lines(good.replace("\"n\":1000,", "\"n\":1001,").as_bytes(), None).unwrap();
    assert_eq!((r.ok, r.first_bad_seq), (false, Some(1000)));
}

#[test]
fn truncation_is_caught_by_head_only() {
    let events = chain(5);
    let short = text(&events[..3]);
    assert!(verify_lines(short.as_bytes(), None).unwrap().ok);
    let r = verify_lines(short.as_bytes(), Some(&events[4].hash)).unwrap();
    assert_eq!((r.ok, r.first_bad_seq), (false, Some(4)));
}
