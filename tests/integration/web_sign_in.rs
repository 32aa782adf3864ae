//! Sign-in (issue 23): nothing is served to a visitor who has not signed in (unless `--public`,
//! and then only the read-only pages), sign-in attempts are rate-limited, and a trusted proxy's
//! header names the user only when it comes from the proxy.

use crate::support::http::{form_body, hidden, request, send, set_cookie, Client};
use crate::support::Env;
use crate::web::{account, demo, serve_anonymous, NOW, PASSWORD};

#[test]
fn nothing_is_served_without_sign_in_unless_public() {
    let env = demo();
    account(&env, "audit");
    let server = serve_anonymous(&env, &[]);
    for path in [
        "/",
        "/savings",
        "/proposals/elections",
        "/integrity",
        "/upcoming",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 303, "{path}");
        assert!(
            r.headers["location"].starts_with("/sign-in?next="),
            "{path}"
        );
    }
    for path in ["/api/proposals", "/calendar.ics", "/reports/1"] {
        let r = server.get(path);
        assert!(r.status == 401 || r.status == 303, "{path}: {}", r.status);
        assert!(!r.text().contains("elections"), "{path} leaks nothing");
    }
    let api = server.get("/api/proposals");
    assert_eq!(api.status, 401);
    assert_eq!(api.json()["error"]["kind"], "not-permitted");
    // A wrong password, an unknown actor and an actor without an account are refused alike.
    for (actor, password) in [
        ("audit", "not the password"),
        ("nobody", PASSWORD),
        ("jce", PASSWORD),
    ] {
        let r = Client::sign_in_attempt(&server.addr, actor, password);
        assert_eq!(r.status, 401, "{actor}");
        assert!(r
            .text()
            .contains("The user name or the password is not right"));
        assert!(set_cookie(&r, "concordat_session").is_none());
    }
    // The sign-in form's own token is required.
    let bare = send(
        &server.addr,
        "POST",
        "/sign-in",
        &[],
        Some(&form_body(&[("actor", "audit"), ("password", PASSWORD)])),
    );
    assert_eq!(bare.status, 400);
    // Signed in: the page, with who is signed in and a way out.
    let audit = Client::signed_in(&server.addr, "audit", PASSWORD);
    let page = audit.get("/").text();
    assert!(page.contains("Signed in as"), "{page}");
    assert!(page.contains("action=\"/sign-out\""));
    // Signing out ends the session: the same cookie no longer works.
    let page = audit.get("/").text();
    let csrf = hidden(&page, "csrf").unwrap();
    assert_eq!(audit.post("/sign-out", &[("csrf", &csrf)]).status, 303);
    assert_eq!(audit.get("/").status, 303);

    // --public: the read-only pages for anyone, never the API, downloads or forms.
    let public = serve_anonymous(&env, &["--public"]);
    for path in [
        "/",
        "/savings",
        "/proposals/elections",
        "/upcoming",
        "/integrity",
    ] {
        assert_eq!(public.get(path).status, 200, "{path}");
    }
    assert!(!public
        .get("/proposals/elections")
        .text()
        .contains("Make a change"));
    assert_eq!(public.get("/api/proposals").status, 401);
    assert_eq!(public.get("/proposals/elections/do/advance").status, 303);
    assert_eq!(public.get("/new-proposal").status, 303);
}

#[test]
fn sign_in_attempts_are_rate_limited() {
    let env = Env::bromsgrove_redditch(NOW);
    account(&env, "jce");
    let server = serve_anonymous(&env, &[]);
    let statuses: Vec<u16> = (0..7)
        .map(|_| Client::sign_in_attempt(&server.addr, "jce", "wrong wrong wrong").status)
        .collect();
    assert_eq!(&statuses[..5], &[401; 5], "{statuses:?}");
    assert_eq!(statuses[6], 429, "{statuses:?}");
    // Even the right password waits out the limit.
    let r = Client::sign_in_attempt(&server.addr, "jce", PASSWORD);
    assert_eq!(r.status, 429);
    assert_eq!(r.headers["retry-after"], "60");
    // Another actor is not held up by it.
    account(&env, "audit");
    Client::signed_in(&server.addr, "audit", PASSWORD);
}

#[test]
fn a_trusted_proxy_names_the_user_and_no_one_else_can() {
    let env = Env::bromsgrove_redditch(NOW);
    let server = serve_anonymous(
        &env,
        &[
            "--trusted-proxy",
            "127.0.0.1",
            "--user-header",
            "X-Remote-User",
        ],
    );
    let r = request(&server.addr, "GET", "/", &[("X-Remote-User", "audit")]);
    assert_eq!(r.status, 200);
    assert!(r.text().contains("Signed in as"));
    let unknown = request(&server.addr, "GET", "/", &[("X-Remote-User", "mallory")]);
    assert_eq!(unknown.status, 403);
    assert_eq!(request(&server.addr, "GET", "/", &[]).status, 303);
    // From an address that is not the proxy, the header counts for nothing.
    let elsewhere = serve_anonymous(
        &env,
        &[
            "--trusted-proxy",
            "192.0.2.1",
            "--user-header",
            "X-Remote-User",
        ],
    );
    let r = request(&elsewhere.addr, "GET", "/", &[("X-Remote-User", "audit")]);
    assert_eq!(r.status, 303);
}
