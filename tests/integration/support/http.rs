//! A tiny HTTP/1.1 client over std's TcpStream, and `concordat serve` run as a child process.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// One response: status, headers (names lowercased) and body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Response {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// Sends `method path` with extra `headers` to `addr` (host:port) and reads the whole response.
pub fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
    send(addr, method, path, headers, None)
}

/// Percent-encodes form fields as a browser posts them.
pub fn form_body(fields: &[(&str, &str)]) -> String {
    let enc = |t: &str| {
        t.bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Sends a request with an optional form body (`application/x-www-form-urlencoded`).
pub fn send(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    form: Option<&str>,
) -> Response {
    let mut stream = TcpStream::connect(addr).expect("connect to the server");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head += &format!("{k}: {v}\r\n");
    }
    match form {
        Some(body) => {
            head += "Content-Type: application/x-www-form-urlencoded\r\n";
            head += &format!("Content-Length: {}\r\n\r\n{body}", body.len());
        }
        None if method != "GET" && method != "HEAD" => head += "Content-Length: 0\r\n\r\n",
        None => head += "\r\n",
    }
    stream.write_all(head.as_bytes()).expect("send");
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).expect("status line");
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let mut headers = BTreeMap::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("header line");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            let k = k.trim().to_ascii_lowercase();
            // Several Set-Cookie headers: kept one a line.
            match headers.get_mut(&k) {
                Some(old) if k == "set-cookie" => *old = format!("{old}\n{}", v.trim()),
                _ => {
                    headers.insert(k, v.trim().to_string());
                }
            }
        }
    }
    let mut body = Vec::new();
    if method != "HEAD" {
        if headers
            .get("transfer-encoding")
            .is_some_and(|t| t.contains("chunked"))
        {
            loop {
                let mut size = String::new();
                reader.read_line(&mut size).expect("chunk size");
                let n = usize::from_str_radix(size.trim(), 16).expect("chunk size in hex");
                let mut chunk = vec![0; n + 2];
                reader.read_exact(&mut chunk).expect("chunk");
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..n]);
            }
        } else {
            reader.read_to_end(&mut body).expect("body");
        }
    }
    Response {
        status,
        headers,
        body,
    }
}

/// `concordat serve` on a free loopback port, killed when dropped.
pub struct Server {
    child: Child,
    /// host:port as the server printed it.
    pub addr: String,
    /// The session cookie requests carry (`name=value`), once signed in.
    pub cookie: Option<String>,
}

impl Server {
    /// Starts `cmd` (a `concordat … serve` command) and reads the URL from stdout's first line.
    pub fn start(mut cmd: Command) -> Server {
        cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());
        let mut child = cmd.spawn().expect("start concordat serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("read the first line");
        let addr = first
            .trim()
            .strip_prefix("http://")
            .or_else(|| first.trim().strip_prefix("https://"))
            .and_then(|s| s.strip_suffix('/'))
            .unwrap_or_else(|| panic!("stdout's first line is not the URL: {first:?}"))
            .to_string();
        Server {
            child,
            addr,
            cookie: None,
        }
    }

    /// GET `path` (with the session cookie, once signed in).
    pub fn get(&self, path: &str) -> Response {
        self.session(&self.cookie).get(path)
    }

    /// A client of this server with `cookie` (or none).
    pub fn session(&self, cookie: &Option<String>) -> Client {
        Client {
            addr: self.addr.clone(),
            cookie: cookie.clone(),
        }
    }

    /// Signs in as `actor` with `password`; later requests carry the session.
    #[track_caller]
    pub fn sign_in(&mut self, actor: &str, password: &str) {
        let client = Client::signed_in(&self.addr, actor, password);
        self.cookie = client.cookie;
    }

    /// GET `path`, expecting 200.
    #[track_caller]
    pub fn ok(&self, path: &str) -> Response {
        let r = self.get(path);
        assert_eq!(r.status, 200, "GET {path}: {}", r.text());
        r
    }

    /// The base URL, `http://host:port`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// A client with its own session cookie, as a browser holds one.
#[derive(Debug, Clone)]
pub struct Client {
    pub addr: String,
    pub cookie: Option<String>,
}

/// The `name=value` of the Set-Cookie in `response` named `name`.
pub fn set_cookie(response: &Response, name: &str) -> Option<String> {
    response
        .headers
        .get("set-cookie")?
        .lines()
        .map(|c| c.split(';').next().unwrap_or("").trim())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

/// The value of the hidden field `name` in a page's form.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &html[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_string())
}

impl Client {
    /// Signs in at `addr` as `actor`, as a browser does: the form, then the post.
    #[track_caller]
    pub fn signed_in(addr: &str, actor: &str, password: &str) -> Client {
        let r = Client::sign_in_attempt(addr, actor, password);
        assert_eq!(r.status, 303, "sign in as {actor}: {}", r.text());
        Client {
            addr: addr.to_string(),
            cookie: Some(set_cookie(&r, "concordat_session").expect("a session cookie")),
        }
    }

    /// One attempt to sign in (the form's token and cookie first); the post's response.
    pub fn sign_in_attempt(addr: &str, actor: &str, password: &str) -> Response {
        let form = request(addr, "GET", "/sign-in", &[]);
        let cookie = set_cookie(&form, "concordat_sign_in").expect("the sign-in form's cookie");
        let token = hidden(&form.text(), "csrf").expect("the sign-in form's token");
        let body = form_body(&[("csrf", &token), ("actor", actor), ("password", password)]);
        send(
            addr,
            "POST",
            "/sign-in",
            &[("Cookie", &cookie)],
            Some(&body),
        )
    }

    fn headers(&self) -> Vec<(&str, &str)> {
        self.cookie
            .as_deref()
            .map(|c| vec![("Cookie", c)])
            .unwrap_or_default()
    }

    /// GET `path`.
    pub fn get(&self, path: &str) -> Response {
        send(&self.addr, "GET", path, &self.headers(), None)
    }

    /// Posts `fields` to `path` as a form.
    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        send(
            &self.addr,
            "POST",
            path,
            &self.headers(),
            Some(&form_body(fields)),
        )
    }

    /// Opens the form at `path` and posts it back with `fields` and the form's own hidden
    /// token and version.
    #[track_caller]
    pub fn submit(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let page = self.get(path);
        assert_eq!(page.status, 200, "GET {path}: {}", page.text());
        let html = page.text();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let csrf = hidden(&html, "csrf").expect("the form's token");
        all.push(("csrf", &csrf));
        let version = hidden(&html, "expect_version");
        if let Some(v) = &version {
            if !fields.iter().any(|(k, _)| *k == "expect_version") {
                all.push(("expect_version", v));
            }
        }
        self.post(path, &all)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `cmd` and waits at most `limit`, killing it then; returns its exit code (None: killed).
pub fn run_with_limit(mut cmd: Command, limit: Duration) -> (Option<i32>, String) {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            return (status.code(), err);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return (None, String::new());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
