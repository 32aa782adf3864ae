//! Web accounts (issue 23): `concordat user add|reset|remove`, kept outside the log with an event
//! naming the actor only; bindings on the web; and HTTPS with a certificate made in the test.

use crate::support::backend;
use crate::support::http::{Client, Server};
use crate::support::{bromsgrove_redditch, Env};
use crate::web::{account, serve_anonymous, PASSWORD};
use std::io::Write;
use std::process::Stdio;
use std::sync::Arc;

const NOW: &str = "2009-07-15T12:00:00+01:00";

/// Runs `user ARGS…` as `actor` with `password` on standard input.
fn user_with_stdin(env: &Env, actor: &str, args: &[&str], password: &str) -> (i32, String) {
    let mut cmd = env.command(&[&["--as", actor, "user"], args].concat());
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(password.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn accounts_are_made_reset_and_removed_by_the_administrator_outside_the_log() {
    let env = Env::bromsgrove_redditch(NOW);
    let (code, err) = user_with_stdin(&env, "admin", &["add", "jce"], "a fine long password\n");
    assert_eq!(code, 0, "{err}");
    // Only an administrator, only for an actor of the partnership, only a long enough password.
    assert_eq!(
        user_with_stdin(&env, "jce", &["add", "audit"], "a fine long password\n").0,
        5
    );
    assert_eq!(
        user_with_stdin(&env, "admin", &["add", "nobody"], "a fine long password\n").0,
        3
    );
    let (code, err) = user_with_stdin(&env, "admin", &["add", "audit"], "short\n");
    assert_eq!(code, 2);
    assert!(err.contains("shorter than 12 characters"), "{err}");
    assert_eq!(
        user_with_stdin(&env, "admin", &["add", "jce"], "a fine long password\n").0,
        4,
        "once"
    );
    assert_eq!(
        user_with_stdin(&env, "admin", &["remove", "audit"], "").0,
        3,
        "no account"
    );
    // There is no way to give the password on the command line.
    assert_eq!(
        env.run(&["--as", "admin", "user", "add", "audit", "--password", "x"])
            .code,
        2
    );

    // The log names the actor, and never holds the password or its hash.
    let log = env.json_as("audit", &["audit", "log"]);
    let events: Vec<_> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["stream"] == "accounts")
        .collect();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["type"], "account-added");
    assert_eq!(events[0]["actor"], "admin");
    assert_eq!(events[0]["data"], serde_json::json!({"actor": "jce"}));
    let export = env.run(&["audit", "export"]);
    assert!(!export.stdout.contains("argon2") && !export.stdout.contains("a fine long password"));
    if backend::name() != "postgres" {
        use std::os::unix::fs::PermissionsExt;
        let file = std::path::Path::new(&env.store).join("accounts.json");
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "owner only, as the log");
        assert!(std::fs::read_to_string(&file)
            .unwrap()
            .contains("$argon2id$"));
    }

    // Signing in follows the account: reset changes the password, remove ends it.
    let server = serve_anonymous(&env, &[]);
    let before_reset = Client::signed_in(&server.addr, "jce", "a fine long password");
    let file = env.path("new-password");
    std::fs::write(&file, "another long password\n").unwrap();
    env.run(&[
        "--as",
        "admin",
        "user",
        "reset",
        "jce",
        "--password-file",
        file.to_str().unwrap(),
    ])
    .ok();
    assert_eq!(
        Client::sign_in_attempt(&server.addr, "jce", "a fine long password").status,
        401
    );
    // A session made with the old password can change nothing more.
    let r = before_reset.submit(
        "/new-proposal",
        &[
            ("title", "Legal"),
            ("service", "legal"),
            ("lead", "bromsgrove"),
        ],
    );
    assert_eq!(r.status, 401, "{}", r.text());
    let list = env.json_as("audit", &["proposal", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 0, "nothing was recorded");
    Client::signed_in(&server.addr, "jce", "another long password");
    env.run(&["--as", "admin", "user", "remove", "jce"]).ok();
    assert_eq!(
        Client::sign_in_attempt(&server.addr, "jce", "another long password").status,
        401
    );
    let kinds: Vec<String> = env
        .json_as("audit", &["audit", "log"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["stream"] == "accounts")
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["account-added", "account-reset", "account-removed"]);
}

#[test]
fn signing_in_satisfies_an_os_user_binding() {
    let mut env = Env::new();
    env.at(NOW);
    let text = std::fs::read_to_string(bromsgrove_redditch())
        .unwrap()
        .replace(
            "id = \"jce\"\n",
            "id = \"jce\"\nos_user = \"someone-else-entirely\"\n",
        );
    let file = env.path("partnership.toml");
    std::fs::write(&file, text).unwrap();
    env.run(&["init", file.to_str().unwrap()]).ok();
    // On the command line this account is not jce's…
    env.run_as(
        "jce",
        &[
            "proposal",
            "new",
            "--title",
            "Legal",
            "--service",
            "legal",
            "--lead",
            "bromsgrove",
        ],
    )
    .expect_code(5);
    env.run_as(
        "admin",
        &[
            "proposal",
            "new",
            "--title",
            "Legal",
            "--service",
            "legal",
            "--lead",
            "bromsgrove",
        ],
    )
    .ok();
    account(&env, "jce");
    // …and on the web, jce signed in with the password the store's owner gave jce acts as jce.
    let server = serve_anonymous(&env, &[]);
    let jce = Client::signed_in(&server.addr, "jce", PASSWORD);
    let r = jce.submit("/proposals/legal/do/advance", &[("to", "business-case")]);
    assert_eq!(r.status, 303, "{}", r.text());
    let history = env.json_as("audit", &["proposal", "history", "legal"]);
    assert_eq!(history.as_array().unwrap().last().unwrap()["actor"], "jce");
}

#[test]
fn an_actor_bound_to_a_database_role_is_refused_on_the_web_with_the_reason() {
    if backend::name() != "postgres" {
        return;
    }
    let mut env = Env::new();
    env.at(NOW);
    let db = env.store.rsplit('/').next().unwrap().to_string();
    let role = format!("{db}_bdc");
    let out = std::process::Command::new("psql")
        .args([
            "-X",
            "-q",
            "-d",
            &env.store,
            "-c",
            &format!("CREATE ROLE {role} LOGIN"),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(bromsgrove_redditch())
        .unwrap()
        .replace(
            "id = \"bdc-clerk\"\n",
            &format!("id = \"bdc-clerk\"\ndb_role = \"{role}\"\n"),
        );
    let file = env.path("partnership.toml");
    std::fs::write(&file, text).unwrap();
    env.run_as("admin", &["init", file.to_str().unwrap()]).ok();
    account(&env, "bdc-clerk");
    account(&env, "rbc-clerk");
    // The server connects as the store's owner, not as bdc-clerk's role.
    let server = serve_anonymous(&env, &[]);
    let r = Client::sign_in_attempt(&server.addr, "bdc-clerk", PASSWORD);
    assert_eq!(r.status, 403);
    let text = r.text();
    assert!(
        text.contains("cannot sign in on the web") && text.contains(&role),
        "{text}"
    );
    Client::signed_in(&server.addr, "rbc-clerk", PASSWORD);
}

#[test]
fn https_serves_with_a_certificate_made_here() {
    let env = Env::bromsgrove_redditch(NOW);
    account(&env, "audit");
    let key = rcgen::KeyPair::generate().unwrap();
    let params =
        rcgen::CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .unwrap();
    let cert = params.self_signed(&key).unwrap();
    let (cert_file, key_file) = (env.path("cert.pem"), env.path("key.pem"));
    std::fs::write(&cert_file, cert.pem()).unwrap();
    std::fs::write(&key_file, key.serialize_pem()).unwrap();
    let server = Server::start(env.command(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--tls-cert",
        cert_file.to_str().unwrap(),
        "--tls-key",
        key_file.to_str().unwrap(),
    ]));
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.der().clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let agent = ureq::AgentBuilder::new()
        .tls_config(Arc::new(config))
        .redirects(0)
        .build();
    let port = server.addr.rsplit(':').next().unwrap();
    let base = format!("https://localhost:{port}");
    let form = agent.get(&format!("{base}/sign-in")).call().unwrap();
    assert_eq!(form.status(), 200);
    let cookie = form.header("set-cookie").unwrap().to_string();
    assert!(cookie.contains("Secure"), "{cookie}");
    let html = form.into_string().unwrap();
    let token = crate::support::http::hidden(&html, "csrf").unwrap();
    let signed = agent
        .post(&format!("{base}/sign-in"))
        .set("Cookie", cookie.split(';').next().unwrap())
        .send_form(&[("csrf", &token), ("actor", "audit"), ("password", PASSWORD)])
        .unwrap();
    assert_eq!(signed.status(), 303);
    let session = signed.header("set-cookie").unwrap().to_string();
    assert!(
        session.starts_with("__Host-concordat_session=")
            && session.contains("Secure")
            && session.contains("HttpOnly"),
        "{session}"
    );
    let page = agent
        .get(&format!("{base}/api/proposals"))
        .set("Cookie", session.split(';').next().unwrap())
        .call()
        .unwrap();
    assert_eq!(page.status(), 200);
    // Plain HTTP to the HTTPS port gets no page.
    let plain =
        std::panic::catch_unwind(|| crate::support::http::request(&server.addr, "GET", "/", &[]));
    assert!(plain.is_err() || plain.unwrap().status != 200);
}
