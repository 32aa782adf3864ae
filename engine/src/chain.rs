//! Offline verification of a hash chain, line by line, as `audit verify` reads an export.

use crate::event::{Event, ZERO_HASH};
use crate::line::{find_newline, LineView};
use serde::Serialize;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::BufRead;

/// FNV-1a: stream names are short, and SipHash's defence against flooding buys nothing here.
#[derive(Debug, Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

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
    stream_versions: HashMap<String, u64, BuildHasherDefault<Fnv>>,
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
        let Some(view) = LineView::parse_str(line) else {
            let event: Event =
                serde_json::from_str(line).map_err(|e| format!("the line is not an event: {e}"))?;
            return self.push(&event);
        };
        let mut scratch = std::mem::take(&mut self.scratch);
        let result = self.link(
            view.seq,
            view.prev_hash,
            view.stream,
            view.version,
            view.recorded_at,
            view.hash,
            &mut || view.hash_matches(&mut scratch),
        );
        self.scratch = scratch;
        result
    }

    /// Checks a line a helper has parsed and found to carry its correct hash (see [`Facts`]).
    fn push_facts(&mut self, line: &[u8], f: &Facts) -> Result<(), String> {
        let field = |(a, b): (u32, u32)| {
            std::str::from_utf8(&line[a as usize..b as usize]).expect("checked by the helper")
        };
        self.link(
            f.seq,
            field(f.prev_hash),
            field(f.stream),
            f.version,
            field(f.recorded_at),
            field(f.hash),
            &mut || true,
        )
    }

    /// The checks of [`push`](Self::push), in the same order, on a line's fields.
    #[allow(clippy::too_many_arguments)]
    fn link(
        &mut self,
        seq: u64,
        prev_hash: &str,
        stream: &str,
        version: u64,
        recorded_at: &str,
        hash: &str,
        hash_ok: &mut dyn FnMut() -> bool,
    ) -> Result<(), String> {
        let expected_seq = self.events + 1;
        if seq != expected_seq {
            return Err(format!("seq is {seq} where {expected_seq} was expected"));
        }
        if prev_hash != self.head() {
            return Err("prev_hash does not name the hash of the event before".into());
        }
        if !hash_ok() {
            return Err("hash does not match the event's contents".into());
        }
        let known = self.stream_versions.get_mut(stream);
        let current = known.as_ref().map_or(0, |v| **v);
        if version != current + 1 {
            return Err(format!(
                "stream {stream} is at version {version} where {} was expected",
                current + 1
            ));
        }
        match known {
            Some(v) => *v = version,
            None => {
                self.stream_versions.insert(stream.to_string(), version);
            }
        }
        if let Err(why) = self.check_recorded(recorded_at) {
            // Leave the stream as it was: this event does not count.
            if version == 1 {
                self.stream_versions.remove(stream);
            } else if let Some(v) = self.stream_versions.get_mut(stream) {
                *v = current;
            }
            return Err(why);
        }
        self.events += 1;
        match &mut self.head {
            Some(head) => {
                head.clear();
                head.push_str(hash);
            }
            None => self.head = Some(hash.to_string()),
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
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores >= 2 {
        verify_parallel(&mut chunks, &mut walk, cores.min(4))?;
    } else {
        while let Some(chunk) = chunks.next()? {
            if !walk.chunk(&chunk, None)? {
                break;
            }
        }
    }
    Ok(walk.report())
}

/// `verify_lines` as a writer: write an export into it (e.g. with
/// [`EventStore::export_lines`](crate::store::EventStore::export_lines), which streams the
/// embedded store's log without building any event), then [`finish`](Self::finish). Holds one
/// write's worth of text at a time; the verdict is the one `verify_lines` gives for the same bytes.
pub struct LineVerifier {
    walk: Walk,
    pending: Vec<u8>,
    stopped: bool,
}

impl LineVerifier {
    /// A verifier expecting the chain to end at `expected_head`, if given.
    pub fn new(expected_head: Option<&str>) -> LineVerifier {
        LineVerifier {
            walk: Walk {
                verifier: ChainVerifier::new(),
                want: expected_head.map(str::to_ascii_lowercase),
                want_at: None,
                failure: None,
            },
            pending: Vec::new(),
            stopped: false,
        }
    }

    /// Links `lines`, whole lines as [`write`](std::io::Write::write) takes them, with `facts`
    /// made of the same bytes by [`LineFacts::of`] (on another thread, so the hashing is off
    /// this one); without facts it hashes them here. The verdict is the one writing them gives.
    pub fn write_lines(&mut self, lines: &[u8], facts: Option<&LineFacts>) -> std::io::Result<()> {
        if self.stopped {
            return Ok(());
        }
        if !self.pending.is_empty() || !lines.ends_with(b"\n") {
            // Facts count the lines of `lines` alone: a line begun before would shift them.
            return std::io::Write::write_all(self, lines);
        }
        if !self.walk.chunk(lines, facts.map(|f| f.0.as_slice()))? {
            self.stopped = true;
        }
        Ok(())
    }

    /// The report, once everything has been written.
    pub fn finish(mut self) -> std::io::Result<VerifyReport> {
        if !self.stopped && !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            self.walk.chunk(&rest, None)?;
        }
        Ok(self.walk.report())
    }
}

impl std::io::Write for LineVerifier {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.stopped {
            return Ok(buf.len());
        }
        let before = self.pending.len();
        self.pending.extend_from_slice(buf);
        if let Some(last) = buf.iter().rposition(|b| *b == b'\n') {
            let rest = self.pending.split_off(before + last + 1);
            let whole = std::mem::replace(&mut self.pending, rest);
            if !self.walk.chunk(&whole, None)? {
                self.stopped = true;
                self.pending.clear();
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
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
    let mut at = 0;
    let mut i = 0;
    loop {
        let end = find_newline(&body[at..]).map_or(body.len(), |p| at + p);
        let line = &body[at..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !f(i, line) || end == body.len() {
            return;
        }
        at = end + 1;
        i += 1;
    }
}

/// What a helper thread learned of one line in the fast layout whose hash it checked: the
/// linking fields (as byte ranges of the line) the main thread still has to check in order.
#[derive(Debug, Clone, Copy)]
struct Facts {
    seq: u64,
    version: u64,
    stream: (u32, u32),
    recorded_at: (u32, u32),
    prev_hash: (u32, u32),
    hash: (u32, u32),
}

/// What one thread learned of a run of whole lines, for [`LineVerifier::write_lines`] on
/// another: each line's linking fields where its hash matched (the SHA-256, the costly part).
#[derive(Debug)]
pub struct LineFacts(Vec<Option<Facts>>);

impl LineFacts {
    /// Parses and hashes each line of `lines`; a line it cannot vouch for is checked in full later.
    pub fn of(lines: &[u8]) -> LineFacts {
        LineFacts(facts(lines))
    }
}

/// The facts of each line of `chunk`; `None` for a line the main thread must check in full.
fn facts(chunk: &[u8]) -> Vec<Option<Facts>> {
    let mut scratch = Vec::new();
    let mut out = Vec::with_capacity(chunk.len() / 256);
    each_line(chunk, |_, line| {
        let range = |field: &str| {
            let start = field.as_ptr() as usize - line.as_ptr() as usize;
            (start as u32, (start + field.len()) as u32)
        };
        out.push(
            LineView::parse(line)
                .filter(|v| line.len() < u32::MAX as usize && v.hash_matches(&mut scratch))
                .map(|v| Facts {
                    seq: v.seq,
                    version: v.version,
                    stream: range(v.stream),
                    recorded_at: range(v.recorded_at),
                    prev_hash: range(v.prev_hash),
                    hash: range(v.hash),
                }),
        );
        true
    });
    out
}

/// Helpers parse and hash whole chunks (round robin); this thread links them in order.
fn verify_parallel<R: std::io::Read>(
    chunks: &mut Chunks<R>,
    walk: &mut Walk,
    helpers: usize,
) -> std::io::Result<()> {
    use std::sync::mpsc::sync_channel;
    use std::sync::Arc;
    std::thread::scope(|scope| {
        let mut lanes = Vec::with_capacity(helpers);
        for _ in 0..helpers {
            let (to_helper, work) = sync_channel::<Arc<Vec<u8>>>(2);
            let (to_main, done) = sync_channel::<Vec<Option<Facts>>>(2);
            scope.spawn(move || {
                for chunk in work {
                    if to_main.send(facts(&chunk)).is_err() {
                        return;
                    }
                }
            });
            lanes.push((to_helper, done));
        }
        let mut in_flight = std::collections::VecDeque::new();
        let (mut sent, mut taken) = (0usize, 0usize);
        loop {
            let next = chunks.next()?;
            let ended = next.is_none();
            if let Some(chunk) = next {
                let chunk = Arc::new(chunk);
                // A helper only stops early if this thread has stopped listening.
                let _ = lanes[sent % helpers].0.send(Arc::clone(&chunk));
                sent += 1;
                in_flight.push_back(chunk);
            }
            while in_flight.len() > helpers || (ended && !in_flight.is_empty()) {
                let chunk = in_flight.pop_front().expect("in flight");
                let facts = lanes[taken % helpers].1.recv().ok();
                taken += 1;
                if !walk.chunk(&chunk, facts.as_deref())? {
                    return Ok(());
                }
            }
            if ended {
                return Ok(());
            }
        }
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
    /// Links the lines of one chunk, with what helpers learned of them if they did.
    /// Returns whether to go on (false after the first failure).
    fn chunk(&mut self, chunk: &[u8], facts: Option<&[Option<Facts>]>) -> std::io::Result<bool> {
        let mut result = Ok(true);
        each_line(chunk, |i, line| {
            if let Some(f) = facts.and_then(|f| f.get(i)).copied().flatten() {
                if let Err(why) = self.verifier.push_facts(line, &f) {
                    self.failure = Some(why);
                    result = Ok(false);
                    return false;
                }
                if self.want_at.is_none() && self.want.as_deref() == Some(self.verifier.head()) {
                    self.want_at = Some(self.verifier.events() - 1);
                }
                return true;
            }
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
            if let Err(why) = self.verifier.push_str(text) {
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
mod tests;
