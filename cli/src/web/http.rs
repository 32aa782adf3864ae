//! The HTTP around the pages: a request's path and query (decoded by the url crates), and
//! responses — HTML with a strict content security policy, JSON in the CLI's shapes, errors with
//! the CLI's `{"error": …}` document, redirects after a form.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use engine::{Failure, FailureKind};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::collections::BTreeMap;

/// A response ready to send.
pub type Reply = Response;

/// A request's path (percent-decoded, split on `/`) and query parameters.
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub segments: Vec<String>,
    pub query: BTreeMap<String, String>,
}

impl Target {
    /// Parses the path and query of `uri`.
    pub fn parse(uri: &axum::http::Uri) -> Target {
        let segments = uri
            .path()
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
            .collect();
        let query = form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
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

    /// The path, each segment encoded again.
    pub fn path(&self) -> String {
        let parts: Vec<String> = self.segments.iter().map(|s| encode(s)).collect();
        format!("/{}", parts.join("/"))
    }
}

/// What stays unencoded in a path segment or query value: RFC 3986's unreserved characters.
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encoding for a query value or a path segment.
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, ENCODED).to_string()
}

/// A response with a body and its content type, and the headers every answer carries.
pub fn reply(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    set(&mut r, header::CONTENT_TYPE, content_type);
    set(&mut r, header::CACHE_CONTROL, "no-store");
    set(&mut r, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(&mut r, header::REFERRER_POLICY, "no-referrer");
    set(&mut r, header::X_FRAME_OPTIONS, "DENY");
    r
}

/// Sets header `name` on `reply` (values here are ours: ASCII, so always valid).
pub fn set(reply: &mut Reply, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        reply.headers_mut().insert(name, v);
    }
}

/// An HTML page with `status`.
pub fn html_status(status: u16, page: maud::Markup) -> Reply {
    let mut r = reply(
        status,
        "text/html; charset=utf-8",
        page.into_string().into_bytes(),
    );
    set(
        &mut r,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
    );
    r
}

/// An HTML page (200).
pub fn html(page: maud::Markup) -> Reply {
    html_status(200, page)
}

/// A JSON document, pretty-printed as `--json` prints it (200).
pub fn json<T: serde::Serialize>(value: &T) -> Reply {
    match serde_json::to_string_pretty(value) {
        Ok(text) => reply(200, "application/json", (text + "\n").into_bytes()),
        Err(e) => json_failure(&Failure::internal(e.to_string())),
    }
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
    let mut r = reply(200, content_type, body);
    set(
        &mut r,
        header::CONTENT_DISPOSITION,
        &format!("attachment; filename=\"{safe}\""),
    );
    r
}

/// 303 See Other to `location` (after a form, so reloading does not post it again).
pub fn redirect(location: &str) -> Reply {
    let mut r = reply(303, "text/plain; charset=utf-8", Vec::new());
    set(&mut r, header::LOCATION, location);
    r
}

/// 405 for a method the path does not take.
pub fn method_not_allowed(allow: &str) -> Reply {
    let mut r = reply(
        405,
        "text/plain; charset=utf-8",
        format!("405 method not allowed: this address takes {allow} only\n").into_bytes(),
    );
    set(&mut r, header::ALLOW, allow);
    r
}

/// The HTTP status a failure answers with.
pub fn status_of(failure: &Failure) -> u16 {
    match failure.kind {
        FailureKind::Usage => 400,
        FailureKind::Refused => 404,
        FailureKind::NotPermitted => 403,
        // The store is busy with another command, or a change came first.
        FailureKind::Conflict => 409,
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
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
    reply(status_of(failure), "application/json", text.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_decode() {
        let uri: axum::http::Uri = "/proposals/a%20b?as_of=2009-01-22&basis=recorded&x=%zz+y"
            .parse()
            .unwrap();
        let t = Target::parse(&uri);
        assert_eq!(t.segments, vec!["proposals", "a b"]);
        assert_eq!(t.param("as_of"), Some("2009-01-22"));
        assert_eq!(t.param("x"), Some("%zz y"));
        assert_eq!(t.path(), "/proposals/a%20b");
        assert_eq!(encode("a b/<c>"), "a%20b%2F%3Cc%3E");
    }
}
