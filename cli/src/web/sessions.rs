//! Signed-in sessions: a random id in an HttpOnly, SameSite=Strict cookie (Secure, and named
//! `__Host-…`, under TLS) keyed to the actor and a CSRF token that every form carries. Sessions live
//! in the server's memory: restarting it signs everyone out. Each ends after `idle` without a
//! request, and `max_age` after sign-in however busy.

use axum::http::HeaderMap;
use rand_core::{OsRng, RngCore};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most this many sessions at once; signing in beyond it ends the oldest.
const MAX_SESSIONS: usize = 10_000;

/// Who a request comes from, once signed in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub actor: String,
    /// The token each form must send back.
    pub csrf: String,
    /// Signed in through a trusted proxy's header (there is nothing to sign out of here).
    pub by_proxy: bool,
    /// The password hash the session signed in against (None through a proxy): once the account
    /// is reset or removed, the session can change nothing more.
    pub account: Option<String>,
}

/// What a session cookie led to.
#[derive(Debug)]
pub enum Lookup {
    Live(SignedIn),
    /// It was a session, and it has run out.
    Expired,
    Unknown,
}

struct Record {
    actor: String,
    account: String,
    csrf: String,
    created: Instant,
    seen: Instant,
}

/// Every live session, by id.
pub struct Sessions {
    map: Mutex<HashMap<String, Record>>,
    proxied: Mutex<HashMap<String, String>>,
    idle: Duration,
    max_age: Duration,
}

/// 32 random bytes from the operating system, in hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

impl Sessions {
    /// No sessions yet.
    pub fn new(idle: Duration, max_age: Duration) -> Sessions {
        Sessions {
            map: Mutex::new(HashMap::new()),
            proxied: Mutex::new(HashMap::new()),
            idle,
            max_age,
        }
    }

    fn live(&self, r: &Record, now: Instant) -> bool {
        now.duration_since(r.seen) < self.idle && now.duration_since(r.created) < self.max_age
    }

    /// Starts a session for `actor` (a new id every sign-in, so no id chosen before it counts);
    /// returns its id.
    pub fn create(&self, actor: &str, account: &str) -> String {
        self.create_at(actor, account, Instant::now())
    }

    fn create_at(&self, actor: &str, account: &str, now: Instant) -> String {
        let id = random_token();
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        // Ended sessions are dropped only when the table is full, so a late request on one is
        // told its session ended rather than that it never signed in.
        if map.len() >= MAX_SESSIONS {
            map.retain(|_, r| self.live(r, now));
        }
        if map.len() >= MAX_SESSIONS {
            if let Some(oldest) = map
                .iter()
                .min_by_key(|(_, r)| r.created)
                .map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
        }
        map.insert(
            id.clone(),
            Record {
                actor: actor.to_string(),
                account: account.to_string(),
                csrf: random_token(),
                created: now,
                seen: now,
            },
        );
        id
    }

    /// The session `id` names, marked as seen now; an expired one is ended.
    pub fn find(&self, id: &str) -> Lookup {
        self.find_at(id, Instant::now())
    }

    fn find_at(&self, id: &str, now: Instant) -> Lookup {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        let Some(r) = map.get_mut(id) else {
            return Lookup::Unknown;
        };
        if !self.live(r, now) {
            map.remove(id);
            return Lookup::Expired;
        }
        r.seen = now;
        Lookup::Live(SignedIn {
            actor: r.actor.clone(),
            csrf: r.csrf.clone(),
            by_proxy: false,
            account: Some(r.account.clone()),
        })
    }

    /// Ends session `id`.
    pub fn end(&self, id: &str) {
        self.map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
    }

    /// `actor` as a trusted proxy named it: its forms' token is kept per actor.
    pub fn proxied(&self, actor: &str) -> SignedIn {
        let mut map = self.proxied.lock().unwrap_or_else(|p| p.into_inner());
        let csrf = map
            .entry(actor.to_string())
            .or_insert_with(random_token)
            .clone();
        SignedIn {
            actor: actor.to_string(),
            csrf,
            by_proxy: true,
            account: None,
        }
    }
}

/// The session cookie's name: `__Host-` under TLS, which browsers keep to this host, path `/`
/// and HTTPS.
pub fn cookie_name(tls: bool) -> &'static str {
    if tls {
        "__Host-concordat_session"
    } else {
        "concordat_session"
    }
}

/// A `Set-Cookie` value for the session `id` (empty with `clear`, which deletes it).
pub fn set_cookie(tls: bool, id: &str, clear: bool) -> String {
    let mut c = format!(
        "{}={id}; Path=/; HttpOnly; SameSite=Strict",
        cookie_name(tls)
    );
    if tls {
        c += "; Secure";
    }
    if clear {
        c += "; Max-Age=0";
    }
    c
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Compares in time independent of where the first difference is.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_expire_when_idle_and_at_their_age() {
        let s = Sessions::new(Duration::from_secs(60), Duration::from_secs(300));
        let t0 = Instant::now();
        let at = |secs: u64| t0 + Duration::from_secs(secs);
        let id = s.create_at("jce", "h", t0);
        assert!(matches!(s.find_at(&id, at(59)), Lookup::Live(ref w) if w.actor == "jce"));
        assert!(
            matches!(s.find_at(&id, at(118)), Lookup::Live(_)),
            "each request renews it"
        );
        assert!(
            matches!(s.find_at(&id, at(180)), Lookup::Expired),
            "idle for 62 s"
        );
        assert!(
            matches!(s.find_at(&id, at(181)), Lookup::Unknown),
            "and ended"
        );
        let busy = s.create_at("audit", "h", t0);
        for minute in 1..5 {
            assert!(matches!(s.find_at(&busy, at(minute * 50)), Lookup::Live(_)));
        }
        assert!(
            matches!(s.find_at(&busy, at(300)), Lookup::Expired),
            "absolute expiry"
        );
        assert_ne!(
            s.create("a", "h"),
            s.create("a", "h"),
            "a new id every time"
        );
    }

    #[test]
    fn cookies_are_read_and_written() {
        let mut h = HeaderMap::new();
        h.insert("cookie", "a=1; concordat_session=abc; b=2".parse().unwrap());
        assert_eq!(cookie(&h, "concordat_session").as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
        let tls = set_cookie(true, "x", false);
        assert!(tls.starts_with("__Host-concordat_session=x;") && tls.contains("Secure"));
        assert!(set_cookie(false, "x", false).contains("HttpOnly; SameSite=Strict"));
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("ab", "abc"));
    }
}
