//! Reading export lines fast and exactly.
//!
//! [`LineView::parse`] accepts a line only when it is byte for byte in the layout
//! [`Event::to_line`] writes (`{"seq":…,"stream":…,"version":…,"type":…,"actor":…,"recorded_at":…,
//! "effective_on":…,"data":…,"prev_hash":…,"hash":…}`, no whitespace) **and** every token in it is
//! already in its RFC 8785 form: integers of at most 15 digits, strings escaped exactly as JCS
//! escapes them, object keys in `data` plain ASCII, unescaped and strictly ascending. The hash input
//! is then the tokens themselves, re-ordered by key, so no JSON value is built at all. Anything
//! else (another key order, whitespace, a float, a non-ASCII key, an unusual escape) is not
//! rejected as bad: the caller falls back to the general path (`serde_json` and the JCS
//! canonicaliser), which stays the definition. The tests check both agree.

use crate::event::Event;
use sha2::{Digest, Sha256};

/// The fields of one event line, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineView<'a> {
    pub seq: u64,
    /// The stream name (never contains an escape: such lines take the general path).
    pub stream: &'a str,
    pub version: u64,
    /// The remaining string fields as their JSON string contents (between the quotes), canonical.
    pub kind: &'a [u8],
    pub actor: &'a [u8],
    /// Never contains an escape.
    pub recorded_at: &'a str,
    pub effective_on: &'a [u8],
    /// The `data` value's JSON text, canonical.
    pub data: &'a [u8],
    /// Never contains an escape.
    pub prev_hash: &'a str,
    /// Never contains an escape.
    pub hash: &'a str,
}

/// Integers above this many digits are left to the general path (JCS prints numbers as doubles).
const MAX_INT_DIGITS: usize = 15;
/// Nesting deeper than this is left to the general path.
const MAX_DEPTH: usize = 64;

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    #[inline]
    fn lit<const N: usize>(&mut self, s: &[u8; N]) -> Option<()> {
        let got: &[u8; N] = self.b.get(self.i..self.i + N)?.try_into().ok()?;
        if got == s {
            self.i += N;
            Some(())
        } else {
            None
        }
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// A canonical unsigned integer: `0` or `[1-9][0-9]*`, at most 15 digits.
    fn uint(&mut self) -> Option<u64> {
        let start = self.i;
        let mut n: u64 = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            n = n * 10 + u64::from(c - b'0');
            self.i += 1;
            if self.i - start > MAX_INT_DIGITS {
                return None;
            }
        }
        let digits = self.i - start;
        if digits == 0 || (digits > 1 && self.b[start] == b'0') {
            return None;
        }
        Some(n)
    }

    /// A canonical JSON string; returns its contents (between the quotes) and whether it had escapes.
    fn string(&mut self) -> Option<(&'a [u8], bool)> {
        if self.peek()? != b'"' {
            return None;
        }
        self.i += 1;
        let start = self.i;
        let mut escaped = false;
        loop {
            // Skip eight ordinary bytes at a time.
            while let Some(chunk) = self.b.get(self.i..self.i + 8) {
                let mask = special_bytes(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
                if mask != 0 {
                    self.i += (mask.trailing_zeros() / 8) as usize;
                    break;
                }
                self.i += 8;
            }
            let c = *self.b.get(self.i)?;
            match c {
                b'"' => {
                    let s = &self.b[start..self.i];
                    self.i += 1;
                    return Some((s, escaped));
                }
                b'\\' => {
                    escaped = true;
                    match *self.b.get(self.i + 1)? {
                        b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 2,
                        b'u' => {
                            // JCS writes \u00xx (lowercase) for the other control characters only.
                            let h = self.b.get(self.i + 2..self.i + 6)?;
                            let hex = |d: u8| match d {
                                b'0'..=b'9' => Some(d - b'0'),
                                b'a'..=b'f' => Some(d - b'a' + 10),
                                _ => None,
                            };
                            if h[0] != b'0' || h[1] != b'0' {
                                return None;
                            }
                            let v = hex(h[2])? * 16 + hex(h[3])?;
                            if v >= 0x20 || matches!(v, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d) {
                                return None;
                            }
                            self.i += 6;
                        }
                        _ => return None,
                    }
                }
                0x00..=0x1f => return None,
                _ => self.i += 1,
            }
        }
    }

    /// A canonical JSON value of any kind.
    fn value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' => {
                self.i += 1;
                if self.peek()? == b'}' {
                    self.i += 1;
                    return Some(());
                }
                let mut last: Option<&[u8]> = None;
                loop {
                    let (key, escaped) = self.string()?;
                    // Byte order is JCS order for plain ASCII keys; anything else goes the general way.
                    if escaped || !key.is_ascii() || last.is_some_and(|l| l >= key) {
                        return None;
                    }
                    last = Some(key);
                    self.lit(b":")?;
                    self.value(depth + 1)?;
                    match self.peek()? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.i += 1;
                if self.peek()? == b']' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.value(depth + 1)?;
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b't' => self.lit(b"true"),
            b'f' => self.lit(b"false"),
            b'n' => self.lit(b"null"),
            b'-' => {
                self.i += 1;
                // "-0" is not canonical (JCS prints 0).
                if self.peek()? == b'0' {
                    return None;
                }
                self.int_token()
            }
            b'0'..=b'9' => self.int_token(),
            _ => None,
        }
    }

    /// An integer token, not followed by a fraction or exponent.
    fn int_token(&mut self) -> Option<()> {
        self.uint()?;
        match self.peek() {
            Some(b'.' | b'e' | b'E') => None,
            _ => Some(()),
        }
    }

    /// A string field without escapes, as `&str` (the line was checked to be UTF-8).
    fn plain(&mut self) -> Option<&'a str> {
        let (s, escaped) = self.string()?;
        if escaped {
            return None;
        }
        std::str::from_utf8(s).ok()
    }
}

impl<'a> LineView<'a> {
    /// The view of `line` (without its newline), or `None` when it is not in the engine's own
    /// canonical layout (use the general path then; `None` does not mean the line is bad).
    pub fn parse(line: &'a [u8]) -> Option<LineView<'a>> {
        LineView::parse_str(std::str::from_utf8(line).ok()?)
    }

    /// [`parse`](Self::parse) for a line already known to be UTF-8.
    pub fn parse_str(line: &'a str) -> Option<LineView<'a>> {
        let line = line.as_bytes();
        let mut c = Cursor { b: line, i: 0 };
        c.lit(b"{\"seq\":")?;
        let seq = c.uint()?;
        c.lit(b",\"stream\":")?;
        let stream = c.plain()?;
        c.lit(b",\"version\":")?;
        let version = c.uint()?;
        c.lit(b",\"type\":")?;
        let kind = c.string()?.0;
        c.lit(b",\"actor\":")?;
        let actor = c.string()?.0;
        c.lit(b",\"recorded_at\":")?;
        let recorded_at = c.plain()?;
        c.lit(b",\"effective_on\":")?;
        let effective_on = c.string()?.0;
        c.lit(b",\"data\":")?;
        let start = c.i;
        c.value(0)?;
        let data = &line[start..c.i];
        c.lit(b",\"prev_hash\":")?;
        let prev_hash = c.plain()?;
        c.lit(b",\"hash\":")?;
        let hash = c.plain()?;
        c.lit(b"}")?;
        if c.i != line.len() {
            return None;
        }
        Some(LineView {
            seq,
            stream,
            version,
            kind,
            actor,
            recorded_at,
            effective_on,
            data,
            prev_hash,
            hash,
        })
    }

    /// Appends the RFC 8785 form of the event without `hash` (what the hash covers) to `out`.
    pub fn canonical_unhashed(&self, out: &mut Vec<u8>) {
        let mut num = itoa_buf();
        out.extend_from_slice(b"{\"actor\":\"");
        out.extend_from_slice(self.actor);
        out.extend_from_slice(b"\",\"data\":");
        out.extend_from_slice(self.data);
        out.extend_from_slice(b",\"effective_on\":\"");
        out.extend_from_slice(self.effective_on);
        out.extend_from_slice(b"\",\"prev_hash\":\"");
        out.extend_from_slice(self.prev_hash.as_bytes());
        out.extend_from_slice(b"\",\"recorded_at\":\"");
        out.extend_from_slice(self.recorded_at.as_bytes());
        out.extend_from_slice(b"\",\"seq\":");
        out.extend_from_slice(format_u64(self.seq, &mut num));
        out.extend_from_slice(b",\"stream\":\"");
        out.extend_from_slice(self.stream.as_bytes());
        out.extend_from_slice(b"\",\"type\":\"");
        out.extend_from_slice(self.kind);
        out.extend_from_slice(b"\",\"version\":");
        out.extend_from_slice(format_u64(self.version, &mut num));
        out.push(b'}');
    }

    /// The lowercase hex SHA-256 the event should carry; `scratch` is reused between calls.
    pub fn compute_hash(&self, scratch: &mut Vec<u8>) -> [u8; 64] {
        scratch.clear();
        self.canonical_unhashed(scratch);
        hex64(&Sha256::digest(&scratch[..]).into())
    }

    /// Whether `hash` is the hash of the rest of the line.
    pub fn hash_matches(&self, scratch: &mut Vec<u8>) -> bool {
        self.hash.as_bytes() == self.compute_hash(scratch)
    }

    /// The owned event (its `data` parsed by `serde_json`).
    pub fn to_event(&self) -> Result<Event, serde_json::Error> {
        let text = |b: &[u8]| -> Result<String, serde_json::Error> {
            if b.contains(&b'\\') {
                let mut quoted = Vec::with_capacity(b.len() + 2);
                quoted.push(b'"');
                quoted.extend_from_slice(b);
                quoted.push(b'"');
                serde_json::from_slice(&quoted)
            } else {
                Ok(String::from_utf8(b.to_vec()).expect("checked UTF-8"))
            }
        };
        Ok(Event {
            seq: self.seq,
            stream: self.stream.to_string(),
            version: self.version,
            kind: text(self.kind)?,
            actor: text(self.actor)?,
            recorded_at: self.recorded_at.to_string(),
            effective_on: text(self.effective_on)?,
            data: serde_json::from_slice(self.data)?,
            prev_hash: self.prev_hash.to_string(),
            hash: self.hash.to_string(),
        })
    }
}

/// Parses one line into an event: the fast view when it applies, `serde_json` otherwise.
pub fn parse_event(line: &[u8]) -> Result<Event, serde_json::Error> {
    match LineView::parse(line) {
        Some(view) => view.to_event(),
        None => serde_json::from_slice(line),
    }
}

/// Just `seq`, `stream` and `version` of a line in the engine's layout (for rebuilding indexes;
/// the rest of the line is not checked). `None`: use [`parse_event`].
pub fn parse_prefix(line: &[u8]) -> Option<(u64, &str, u64)> {
    let mut c = Cursor { b: line, i: 0 };
    c.lit(b"{\"seq\":")?;
    let seq = c.uint()?;
    c.lit(b",\"stream\":")?;
    let (stream, escaped) = c.string()?;
    if escaped {
        return None;
    }
    let stream = std::str::from_utf8(stream).ok()?;
    c.lit(b",\"version\":")?;
    let version = c.uint()?;
    c.lit(b",")?;
    Some((seq, stream, version))
}

/// A mask whose lowest set bit falls in the first byte of `w` (little-endian) that is `"`, `\\`
/// or a control character (higher bits may be spurious; only the lowest is used).
#[inline]
fn special_bytes(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    control | zero_byte(w ^ (ONES * u64::from(b'"'))) | zero_byte(w ^ (ONES * u64::from(b'\\')))
}

fn itoa_buf() -> [u8; 20] {
    [0; 20]
}

fn format_u64(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[i..]
}

/// The position of the first `\n` in `bytes` (eight bytes at a time).
pub fn find_newline(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let w = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes")) ^ (ONES * 0x0a);
        let zero = w.wrapping_sub(ONES) & !w & HIGH;
        if zero != 0 {
            return Some(i + (zero.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    bytes[i..].iter().position(|b| *b == b'\n').map(|p| i + p)
}

/// Lowercase hex of a SHA-256 digest.
pub fn hex64(digest: &[u8; 32]) -> [u8; 64] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, b) in digest.iter().enumerate() {
        out[2 * i] = HEX[(b >> 4) as usize];
        out[2 * i + 1] = HEX[(b & 15) as usize];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{NewEvent, ZERO_HASH};
    use proptest::prelude::*;
    use serde_json::{json, Value};

    fn event(stream: &str, kind: &str, actor: &str, data: Value) -> Event {
        Event::seal(
            NewEvent {
                stream: stream.into(),
                kind: kind.into(),
                actor: actor.into(),
                effective_on: "2008-09-01".into(),
                data,
            },
            7,
            3,
            "2008-09-01T17:30:00+01:00".into(),
            ZERO_HASH.into(),
        )
    }

    /// Whenever the fast view accepts a line, it must agree with serde_json and the JCS hash.
    fn agrees(line: &str) {
        if let Some(view) = LineView::parse(line.as_bytes()) {
            let slow: Event = serde_json::from_str(line).expect("a viewed line parses");
            let mut scratch = Vec::new();
            assert_eq!(
                std::str::from_utf8(&view.compute_hash(&mut scratch)).unwrap(),
                slow.compute_hash(),
                "{line}"
            );
            assert_eq!(view.to_event().unwrap(), slow, "{line}");
            assert_eq!(
                parse_prefix(line.as_bytes()),
                Some((slow.seq, slow.stream.as_str(), slow.version))
            );
        }
    }

    #[test]
    fn the_engines_own_lines_take_the_fast_path() {
        let e = event(
            "proposal-elections",
            "proposal-created",
            "jce",
            json!({"title": "Shared \"elections\"\n\tand é ☃ 🎉", "n": 12, "neg": -4, "list": [1, true, null, {"a": "b"}], "zero": 0, "nested": {"x": {}}, "empty": []}),
        );
        let line = e.to_line();
        let view = LineView::parse(line.as_bytes()).expect("fast path");
        assert_eq!(view.seq, 7);
        assert_eq!(view.version, 3);
        assert_eq!(view.stream, "proposal-elections");
        assert!(view.hash_matches(&mut Vec::new()));
        agrees(&line);
    }

    #[test]
    fn newlines_are_found_wherever_they_fall() {
        for len in 0..40 {
            for at in 0..len {
                let mut bytes = vec![b'x'; len];
                bytes[at] = b'\n';
                if at + 1 < len {
                    bytes[len - 1] = b'\n';
                }
                assert_eq!(find_newline(&bytes), Some(at));
            }
            assert_eq!(find_newline(&vec![0x8a; len]), None);
        }
    }

    #[test]
    fn anything_unusual_falls_back() {
        let e = event("s", "t", "a", json!({"f": 1.5}));
        assert!(LineView::parse(e.to_line().as_bytes()).is_none());
        let e = event("s", "t", "a", json!({"big": 12345678901234567u64}));
        assert!(LineView::parse(e.to_line().as_bytes()).is_none());
        let e = event("s", "t", "a", json!({"é": 1}));
        assert!(LineView::parse(e.to_line().as_bytes()).is_none());
        let e = event("s\nx", "t", "a", json!({}));
        assert!(LineView::parse(e.to_line().as_bytes()).is_none());
        let e = event("s", "t", "a", json!({"x": "\u{7f}\u{1}\u{1f}"}));
        assert!(LineView::parse(e.to_line().as_bytes()).is_some());
        agrees(&e.to_line());
        let spaced = e.to_line().replace(",\"hash\"", ", \"hash\"");
        assert!(LineView::parse(spaced.as_bytes()).is_none());
        for (from, to) in [
            ("\\u0001", "\\u0041"),
            ("\\u0001", "\\u000a"),
            ("\\u0001", "\\u0001 "),
        ] {
            let odd = e.to_line().replace(from, to);
            agrees(&odd);
        }
        let odd = e.to_line().replace("\\u0001", "\\/");
        assert!(LineView::parse(odd.as_bytes()).is_none());
        let reordered = e.to_line().replace("{\"x\"", "{\"y\":1,\"x\"");
        assert!(LineView::parse(reordered.as_bytes()).is_none());
        let neg_zero = event("s", "t", "a", json!({"z": 0}))
            .to_line()
            .replace(":0}", ":-0}");
        assert!(LineView::parse(neg_zero.as_bytes()).is_none());
        let lead_zero = e.to_line().replace("\"seq\":7", "\"seq\":07");
        assert!(LineView::parse(lead_zero.as_bytes()).is_none());
    }

    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            (-1_000_000i64..1_000_000).prop_map(|n| json!(n)),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| json!(f)),
            any::<String>().prop_map(Value::String),
            "[a-z\\x00-\\x1f\"\\\\/é☃\u{2028}\u{7f}]{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map("[a-zA-Z_\\-é😀]{0,6}", inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Values the engine writes every day: integers, strings of anything, ASCII keys.
    fn plain_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-999_999_999_999_999i64..=999_999_999_999_999).prop_map(|n| json!(n)),
            any::<String>().prop_map(Value::String),
            "[a-z\\x00-\\x1f\"\\\\/é☃\u{2028}\u{7f}]{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map("[a-zA-Z0-9 _.:~\\-]{0,6}", inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn the_engines_values_take_the_fast_path(
            stream in "[a-z0-9\\-]{1,12}",
            kind in ".{0,8}",
            actor in "[a-z\\x00-\\x1f\"\\\\]{0,8}",
            data in plain_value(),
        ) {
            let e = event(&stream, &kind, &actor, data);
            let line = e.to_line();
            prop_assert!(LineView::parse(line.as_bytes()).is_some(), "{}", line);
            agrees(&line);
        }

        #[test]
        fn the_fast_path_agrees_with_serde_and_jcs(
            stream in "[a-z0-9\\-]{1,12}|.{0,6}",
            kind in ".{0,8}",
            actor in "[a-z\\x00-\\x1f\"\\\\]{0,8}",
            data in any_value(),
        ) {
            let e = event(&stream, &kind, &actor, data);
            agrees(&e.to_line());
        }
    }
}
