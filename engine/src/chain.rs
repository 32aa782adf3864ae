//! Offline verification of a hash chain, line by line, as `audit verify` reads an export.

use crate::event::{Event, ZERO_HASH};
use crate::line::LineView;
use serde::Serialize;
use std::collections::HashMap;
use std::io::BufRead;

/// The result of verifying a chain: the contract's `audit verify` document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub ok: bool,
    /// How many events verified, from the first.
    pub events: u64,
    /// The last good event's hash (64 zeros when none verified).
    pub head: String,
    /// The seq the first line that does not follow from the one before it should have carried.
    pub first_bad_seq: Option<u64>,
    /// Why that line does not follow, in plain words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Checks events one at a time, keeping only what the next one needs.
#[derive(Debug, Default)]
pub struct ChainVerifier {
    events: u64,
    head: Option<String>,
    last_recorded: Option<jiff::Timestamp>,
    /// The text `last_recorded` was parsed from (consecutive events often share it).
    last_recorded_text: String,
    stream_versions: HashMap<String, u64>,
    scratch: Vec<u8>,
}

impl ChainVerifier {
    /// A verifier at the start of a chain.
    pub fn new() -> Self {
        Self::default()
    }

    /// The hash the next event must name as `prev_hash`.
    pub fn head(&self) -> &str {
        self.head.as_deref().unwrap_or(ZERO_HASH)
    }

    /// How many events have verified so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Checks that `event` follows the events before it; on success it becomes the head.
    pub fn push(&mut self, event: &Event) -> Result<(), String> {
        let expected_seq = self.events + 1;
        if event.seq != expected_seq {
            return Err(format!(
                "seq is {} where {} was expected",
                event.seq, expected_seq
            ));
        }
        if event.prev_hash != self.head() {
            return Err("prev_hash does not name the hash of the event before".into());
        }
        if event.compute_hash() != event.hash {
            return Err("hash does not match the event's contents".into());
        }
        let expected_version = self
            .stream_versions
            .get(&event.stream)
            .copied()
            .unwrap_or(0)
            + 1;
        if event.version != expected_version {
            return Err(format!(
                "stream {} is at version {} where {} was expected",
                event.stream, event.version, expected_version
            ));
        }
        self.check_recorded(&event.recorded_at)?;
        self.stream_versions
            .insert(event.stream.clone(), event.version);
        self.events += 1;
        self.head = Some(event.hash.clone());
        Ok(())
    }

    /// Checks one export line (without its newline), exactly as parsing it and calling
    /// [`push`](Self::push) would, but without building the event when the line is in the
    /// engine's own canonical layout (see [`crate::line`]).
    pub fn push_line(&mut self, line: &[u8]) -> Result<(), String> {
        match std::str::from_utf8(line) {
            Ok(text) => self.push_str(text),
            Err(e) => Err(format!("the line is not an event: {e}")),
        }
    }

    /// [`push_line`](Self::push_line) for a line known to be UTF-8.
    pub fn push_str(&mut self, line: &str) -> Result<(), String> {
        self.push_checked(line, false)
    }

    /// `hashed`: the line is already known to be in the fast layout with its correct hash.
    fn push_checked(&mut self, line: &str, hashed: bool) -> Result<(), String> {
        let Some(view) = LineView::parse_str(line) else {
            let event: Event =
                serde_json::from_str(line).map_err(|e| format!("the line is not an event: {e}"))?;
            return self.push(&event);
        };
        let expected_seq = self.events + 1;
        if view.seq != expected_seq {
            return Err(format!(
                "seq is {} where {} was expected",
                view.seq, expected_seq
            ));
        }
        if view.prev_hash != self.head() {
            return Err("prev_hash does not name the hash of the event before".into());
        }
        if !hashed && !view.hash_matches(&mut self.scratch) {
            return Err("hash does not match the event's contents".into());
        }
        let current = self.stream_versions.get(view.stream).copied().unwrap_or(0);
        if view.version != current + 1 {
            return Err(format!(
                "stream {} is at version {} where {} was expected",
                view.stream,
                view.version,
                current + 1
            ));
        }
        self.check_recorded(view.recorded_at)?;
        match self.stream_versions.get_mut(view.stream) {
            Some(v) => *v = view.version,
            None => {
                self.stream_versions
                    .insert(view.stream.to_string(), view.version);
            }
        }
        self.events += 1;
        match &mut self.head {
            Some(head) => {
                head.clear();
                head.push_str(view.hash);
            }
            None => self.head = Some(view.hash.to_string()),
        }
        Ok(())
    }

    fn check_recorded(&mut self, text: &str) -> Result<(), String> {
        if self.last_recorded.is_some() && text == self.last_recorded_text {
            return Ok(());
        }
        let recorded: jiff::Timestamp = text
            .parse()
            .map_err(|e| format!("recorded_at is not an RFC 3339 instant: {e}"))?;
        if let Some(last) = self.last_recorded {
            if recorded < last {
                return Err("recorded_at is earlier than the event before".into());
            }
        }
        self.last_recorded = Some(recorded);
        self.last_recorded_text.clear();
        self.last_recorded_text.push_str(text);
        Ok(())
    }
}

/// Verifies JSON Lines from `reader`; with `expected_head`, the chain must end exactly at that hash.
///
/// Lines are read in large chunks; with two or more cores, a second thread checks the hashes of
/// one chunk while this one links the chunk before it (the verdict is the same either way: any
/// line the helper cannot vouch for is checked here in full, in order).
pub fn verify_lines<R: BufRead>(
    reader: R,
    expected_head: Option<&str>,
) -> std::io::Result<VerifyReport> {
    let mut walk = Walk {
        verifier: ChainVerifier::new(),
        want: expected_head.map(str::to_ascii_lowercase),
        want_at: None,
        failure: None,
    };
    let mut chunks = Chunks {
        reader,
        carry: Vec::new(),
        eof: false,
    };
    let parallel = std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2);
    if parallel {
        verify_parallel(&mut chunks, &mut walk)?;
    } else {
        while let Some(chunk) = chunks.next()? {
            if !walk.chunk(&chunk, None)? {
                break;
            }
        }
    }
    Ok(walk.report())
}

/// The bytes read per chunk (small under test, so the tests cross many chunk boundaries).
const CHUNK: usize = if cfg!(test) { 16 << 10 } else { 4 << 20 };

/// Whole lines of the input, a chunk at a time.
struct Chunks<R> {
    reader: R,
    carry: Vec<u8>,
    eof: bool,
}

impl<R: std::io::Read> Chunks<R> {
    /// The next run of whole lines (at the end of input the last may lack its newline).
    fn next(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        let mut buf = std::mem::take(&mut self.carry);
        loop {
            if self.eof {
                return Ok((!buf.is_empty()).then_some(buf));
            }
            let len = buf.len();
            buf.resize(len + CHUNK / 4, 0);
            let n = match self.reader.read(&mut buf[len..]) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => 0,
                Err(e) => return Err(e),
            };
            buf.truncate(len + n);
            if n == 0 {
                self.eof = true;
                continue;
            }
            if buf.len() >= CHUNK {
                if let Some(pos) = buf.iter().rposition(|b| *b == b'\n') {
                    self.carry = buf[pos + 1..].to_vec();
                    buf.truncate(pos + 1);
                    return Ok(Some(buf));
                }
            }
        }
    }
}

/// Calls `f` with each line of `chunk` (without `\n` or a trailing `\r`), stopping when it says so.
fn each_line(chunk: &[u8], mut f: impl FnMut(usize, &[u8]) -> bool) {
    let body = chunk.strip_suffix(b"\n").unwrap_or(chunk);
    for (i, line) in body.split(|b| *b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !f(i, line) {
            return;
        }
    }
}

/// Which lines of `chunk` are in the fast layout with a correct hash.
fn prehash(chunk: &[u8]) -> Vec<bool> {
    let mut scratch = Vec::new();
    let mut ok = Vec::with_capacity(chunk.len() / 256);
    each_line(chunk, |_, line| {
        ok.push(LineView::parse(line).is_some_and(|v| v.hash_matches(&mut scratch)));
        true
    });
    ok
}

fn verify_parallel<R: std::io::Read>(
    chunks: &mut Chunks<R>,
    walk: &mut Walk,
) -> std::io::Result<()> {
    use std::sync::mpsc::sync_channel;
    use std::sync::Arc;
    std::thread::scope(|scope| {
        let (to_helper, work) = sync_channel::<Arc<Vec<u8>>>(2);
        let (to_main, done) = sync_channel::<Vec<bool>>(2);
        scope.spawn(move || {
            for chunk in work {
                if to_main.send(prehash(&chunk)).is_err() {
                    return;
                }
            }
        });
        let mut in_flight = std::collections::VecDeque::new();
        let mut go_on = true;
        while go_on {
            let next = chunks.next()?;
            let ended = next.is_none();
            if let Some(chunk) = next {
                let chunk = Arc::new(chunk);
                // The helper only ends early if this thread has stopped listening.
                let _ = to_helper.send(Arc::clone(&chunk));
                in_flight.push_back(chunk);
            }
            while in_flight.len() > 1 || (ended && !in_flight.is_empty()) {
                let chunk = in_flight.pop_front().expect("in flight");
                let ok = done.recv().ok();
                if !walk.chunk(&chunk, ok.as_deref())? {
                    go_on = false;
                    break;
                }
            }
            if ended {
                break;
            }
        }
        drop(to_helper);
        Ok(())
    })
}

/// Verification state across chunks.
struct Walk {
    verifier: ChainVerifier,
    want: Option<String>,
    /// Where the expected head stood in the chain, if the chain went on past it.
    want_at: Option<u64>,
    failure: Option<String>,
}

impl Walk {
    /// Links the lines of one chunk; `hashed[i]`: line i is known to carry its correct hash.
    /// Returns whether to go on (false after the first failure).
    fn chunk(&mut self, chunk: &[u8], hashed: Option<&[bool]>) -> std::io::Result<bool> {
        let mut result = Ok(true);
        each_line(chunk, |i, line| {
            let Ok(text) = std::str::from_utf8(line) else {
                result = Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "stream did not contain valid UTF-8",
                ));
                return false;
            };
            if text.is_empty() {
                self.failure = Some("an empty line stands where an event should".into());
                result = Ok(false);
                return false;
            }
            let known = hashed.and_then(|h| h.get(i)).copied().unwrap_or(false);
            if let Err(why) = self.verifier.push_checked(text, known) {
                self.failure = Some(why);
                result = Ok(false);
                return false;
            }
            if self.want_at.is_none() && self.want.as_deref() == Some(self.verifier.head()) {
                self.want_at = Some(self.verifier.events() - 1);
            }
            true
        });
        result
    }

    fn report(self) -> VerifyReport {
        let events = self.verifier.events();
        let head = self.verifier.head().to_string();
        if let Some(problem) = self.failure {
            return VerifyReport {
                ok: false,
                events,
                head,
                first_bad_seq: Some(events + 1),
                problem: Some(problem),
            };
        }
        if let Some(want) = self.want {
            if head != want {
                let (bad, problem) = match self.want_at {
                    Some(p) => (
                        p + 2,
                        format!(
                            "the chain goes on past the expected head (at seq {})",
                            p + 1
                        ),
                    ),
                    None => (
                        events + 1,
                        "the chain ends before the expected head".to_string(),
                    ),
                };
                return VerifyReport {
                    ok: false,
                    events,
                    head,
                    first_bad_seq: Some(bad),
                    problem: Some(problem),
                };
            }
        }
        VerifyReport {
            ok: true,
            events,
            head,
            first_bad_seq: None,
            problem: None,
        }
    }
}

#[cfg(test)]
mod tests {
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
}
