//! The little HTTP the view needs: the request's path and query, the token check, and responses
//! (HTML, JSON in the CLI's shapes, errors with the CLI's `{"error": …}` document).

use engine::{Failure, FailureKind};
use std::collections::BTreeMap;
use std::io::Cursor;
use tiny_http::{Header, Method, Request, StatusCode};

/// A response ready to send.
pub type Reply = tiny_http::Response<Cursor<Vec<u8>>>;

/// A request's path (percent-decoded, split on `/`) and query parameters.
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub segments: Vec<String>,
    pub query: BTreeMap<String, String>,
}

impl Target {
    /// Parses `/a/b?x=1&y=2`.
    pub fn parse(url: &str) -> Target {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let segments = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(decode)
            .collect();
        let query = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect();
        Target { segments, query }
    }

    /// A query parameter, None when absent or empty.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// Percent-decoding (`+` is a space, as forms send it); bad escapes are kept as written.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi * 16 + lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Percent-encoding for a query value or a path segment.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out += &format!("%{b:02X}");
        }
    }
    out
}

/// Only reads are served: GET and HEAD.
pub fn is_read(method: &Method) -> bool {
    matches!(method, Method::Get | Method::Head)
}

/// Whether the request carries the token (`Authorization: Bearer TOKEN` or `?token=TOKEN`);
/// always true when the server has none.
pub fn authorised(request: &Request, target: &Target, token: Option<&str>) -> bool {
    let Some(token) = token else {
        return true;
    };
    let bearer = request
        .headers()
        .iter()
        .filter(|h| h.field.equiv("Authorization"))
        .filter_map(|h| h.value.as_str().strip_prefix("Bearer "))
        .any(|given| same(given.trim(), token));
    bearer || target.query.get("token").is_some_and(|t| same(t, token))
}

/// Compares in time independent of where the first difference is.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

/// A response with a body and its content type.
pub fn reply(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
    tiny_http::Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header("Referrer-Policy", "no-referrer"))
}

/// An HTML page (200).
pub fn html(page: maud::Markup) -> Reply {
    reply(
        200,
        "text/html; charset=utf-8",
        page.into_string().into_bytes(),
    )
    .with_header(header(
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'",
    ))
}

/// A JSON document, pretty-printed as `--json` prints it (200).
pub fn json<T: serde::Serialize>(value: &T) -> Reply {
    let text = serde_json::to_string_pretty(value).expect("views serialise") + "\n";
    reply(200, "application/json", text.into_bytes())
}

/// A file to download under `name`.
pub fn download(content_type: &str, name: &str, body: Vec<u8>) -> Reply {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    reply(200, content_type, body).with_header(header(
        "Content-Disposition",
        &format!("attachment; filename=\"{safe}\""),
    ))
}

/// 405 for anything but a read.
pub fn method_not_allowed() -> Reply {
    reply(
        405,
        "text/plain; charset=utf-8",
        b"405 method not allowed: this view is read-only (GET and HEAD only)\n".to_vec(),
    )
    .with_header(header("Allow", "GET, HEAD"))
}

/// 401 without the token.
pub fn unauthorised() -> Reply {
    reply(
        401,
        "text/plain; charset=utf-8",
        b"401 unauthorised: send Authorization: Bearer TOKEN, or add ?token=TOKEN\n".to_vec(),
    )
    .with_header(header("WWW-Authenticate", "Bearer realm=\"concordat\""))
}

/// The HTTP status a failure answers with.
pub fn status_of(failure: &Failure) -> u16 {
    match failure.kind {
        FailureKind::Usage => 400,
        FailureKind::Refused => 404,
        FailureKind::NotPermitted => 403,
        // The store is busy with another command: try again.
        FailureKind::Conflict => 503,
        FailureKind::Integrity | FailureKind::Internal => 500,
    }
}

/// A failure as the CLI's `--json` prints it on stderr.
pub fn json_failure(failure: &Failure) -> Reply {
    let doc = serde_json::json!({"error": {
        "kind": failure.kind.as_str(),
        "message": failure.message,
        "details": failure.details,
    }});
    let text = serde_json::to_string_pretty(&doc).expect("serialises") + "\n";
    reply(status_of(failure), "application/json", text.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_decode() {
        let t = Target::parse("/proposals/a%20b?as_of=2009-01-22&basis=recorded&x=%zz+y");
        assert_eq!(t.segments, vec!["proposals", "a b"]);
        assert_eq!(t.param("as_of"), Some("2009-01-22"));
        assert_eq!(t.param("x"), Some("%zz y"));
        assert_eq!(decode("100%"), "100%");
        assert_eq!(encode("a b/<c>"), "a%20b%2F%3Cc%3E");
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("ab", "abc"));
    }
}
