//! Email from the scheduler (issue 26) against a real SMTP server the test starts (Python's
//! aiosmtpd), each received message read back with Python's email package: one message per
//! recipient with its headers and attachments, the same Message-ID after a kill -9 between the
//! send and its record, and nothing lost while the server was down. Under `CI=true` a missing
//! aiosmtpd fails the tests; elsewhere they say so and pass.

use crate::support::{repo_root, Env};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The helper that serves SMTP and parses what it received.
fn helper() -> PathBuf {
    repo_root().join("tests/email/smtp.py")
}

/// Whether aiosmtpd is importable; under CI its absence is a failure, never a skip.
fn aiosmtpd_present() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true needs Python's aiosmtpd (scripts/setup.sh installs it)"
        );
        eprintln!("skipped: python3 -m pip install aiosmtpd to run the email tests");
    }
    ok
}

/// A running SMTP server, killed when dropped.
struct Server {
    child: Child,
}

impl Server {
    /// Plain SMTP on `port`, received messages to `dir`.
    fn start(port: u16, dir: &Path) -> Server {
        let mut cmd = Command::new("python3");
        cmd.arg(helper())
            .args(["serve", &port.to_string(), dir.to_str().unwrap()]);
        Server::spawn(cmd)
    }

    /// Runs `smtp.py serve …` and waits until it listens.
    fn spawn(mut cmd: Command) -> Server {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .expect("start the SMTP server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        Server { child }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on now.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The 2008 partnership registered in December 2008, with a configuration sending to
/// 127.0.0.1:`port`; Bromsgrove's report goes to its clerk and a finance officer.
fn partnership(port: u16) -> (Env, PathBuf) {
    let env = Env::bromsgrove_redditch("2008-12-20T12:00:00Z");
    let contacts = [
        ("jce", "Jo Chief", "jce@example.org"),
        ("bdc-clerk", "Bea Clerk", "clerk@bromsgrove.example.org"),
        ("bdc-finance", "Finn Ance", "finance@bromsgrove.example.org"),
        ("rbc-clerk", "Rae Clerk", "clerk@redditch.example.org"),
    ];
    let mut text = String::new();
    for (id, name, email) in contacts {
        text += &format!("[[contact]]\nid = \"{id}\"\nname = \"{name}\"\nemail = \"{email}\"\n\n");
    }
    text += "[reports]\nbromsgrove = [\"bdc-clerk\", \"bdc-finance\"]\n";
    std::fs::write(env.path("contacts.toml"), text).unwrap();
    let config = env.path("concordat.toml");
    std::fs::write(
        &config,
        format!(
            "contacts = \"contacts.toml\"\n\n[smtp]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nfrom = \"Concordat <concordat@example.org>\"\n\n[web]\nbase_url = \"https://concordat.example.org\"\n"
        ),
    )
    .unwrap();
    (env, config)
}

/// `scheduler tick --json` with the configuration.
fn tick(env: &Env, config: &Path, extra: &[&str]) -> crate::support::Run {
    let outbox = env.path("outbox");
    let mut args = vec![
        "--json",
        "scheduler",
        "tick",
        "--outbox",
        outbox.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    env.run_as("ops", &args)
}

/// Every message the server received, parsed by Python's email package.
fn received(dir: &Path) -> Vec<Value> {
    if !dir.exists() {
        return Vec::new();
    }
    let out = Command::new("python3")
        .arg(helper())
        .args(["parse", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// The log's email events, from `audit export`.
fn email_events(env: &Env) -> Vec<Value> {
    let export = env.run_as("audit", &["audit", "export"]);
    export
        .ok()
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|e| e["type"].as_str().unwrap().starts_with("email-"))
        .collect()
}

/// contact → Message-ID, as queued in the log.
fn queued(env: &Env) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = email_events(env)
        .iter()
        .filter(|e| e["type"] == "email-queued")
        .map(|e| {
            let d = &e["data"];
            (
                d["contact"].as_str().unwrap().to_string(),
                d["message_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

const TICK_AT: &str = "2009-01-01T09:05:00Z";

#[test]
fn each_recipient_gets_one_message_with_the_report_attached_and_the_log_names_no_address() {
    if !aiosmtpd_present() {
        return;
    }
    let port = free_port();
    let (mut env, config) = partnership(port);
    let inbox = env.path("inbox");
    let _server = Server::start(port, &inbox);
    // A live service, so the report's spreadsheet has a row.
    crate::time::go_live(&env, "payroll", "2008-12-22");
    env.at(TICK_AT);

    // The dry run lists who would get what, and writes nothing.
    let head = env.json_as("audit", &["audit", "verify"])["events"].clone();
    let plan = tick(&env, &config, &["--dry-run"]);
    let plan = plan.ok().json();
    let planned: Vec<(String, String)> = plan["emails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["contact"].as_str().unwrap().to_string(),
                e["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        planned,
        [
            ("jce", "Jo Chief"),
            ("bdc-clerk", "Bea Clerk"),
            ("bdc-finance", "Finn Ance"),
            ("rbc-clerk", "Rae Clerk")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(plan["fired"].as_array().unwrap().len(), 1, "{plan}");
    assert_eq!(env.json_as("audit", &["audit", "verify"])["events"], head);
    assert!(!env.path("outbox").exists(), "a dry run writes no outbox");
    assert!(received(&inbox).is_empty());

    let report = tick(&env, &config, &[]).ok().json();
    let outcomes: Vec<&str> = report["emails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["sent"; 4], "{report}");

    let messages = received(&inbox);
    assert_eq!(messages.len(), 4, "one message per recipient");
    let log_ids = queued(&env);
    for m in &messages {
        assert_eq!(m["defects"], serde_json::json!([]), "{m}");
        assert_eq!(m["from"], "Concordat <concordat@example.org>");
        let to = &m["to"][0];
        assert_eq!(m["envelope_to"], serde_json::json!([to["address"]]));
        let contact = match to["address"].as_str().unwrap() {
            "jce@example.org" => "jce",
            "clerk@bromsgrove.example.org" => "bdc-clerk",
            "finance@bromsgrove.example.org" => "bdc-finance",
            "clerk@redditch.example.org" => "rbc-clerk",
            other => panic!("unexpected recipient {other}"),
        };
        let id = m["message_id"].as_str().unwrap();
        assert!(
            id.ends_with(&format!(
                ".{contact}@bromsgrove-and-redditch.concordat.invalid>"
            )),
            "{id}"
        );
        assert!(
            log_ids.contains(&(contact.to_string(), id.to_string())),
            "{id} is the logged one"
        );
        assert!(m["date"].as_str().unwrap().starts_with("20"), "{m}");
        let subject = m["subject"].as_str().unwrap();
        if contact == "jce" {
            assert_eq!(
                subject,
                "Reminder: Quarterly report to each council for 2008/09-Q3"
            );
            assert!(m["attachments"].as_array().unwrap().is_empty());
            assert!(
                m["body"]
                    .as_str()
                    .unwrap()
                    .contains("https://concordat.example.org/upcoming"),
                "{m}"
            );
            continue;
        }
        let council = if contact == "rbc-clerk" {
            "Redditch Borough Council"
        } else {
            "Bromsgrove District Council"
        };
        assert_eq!(subject, format!("Quarterly report 2008/09-Q3: {council}"));
        let attachments = m["attachments"].as_array().unwrap();
        assert_eq!(attachments.len(), 2, "{m}");
        let pdf = &attachments[0];
        assert_eq!(pdf["content_type"], "application/pdf");
        assert_eq!(pdf["starts"], "%PDF-");
        assert!(pdf["filename"].as_str().unwrap().ends_with(".pdf"));
        let csv = &attachments[1];
        assert_eq!(csv["content_type"], "text/csv");
        assert!(csv["csv_rows"].as_u64().unwrap() >= 2, "{csv}");
    }
    // The log holds contact ids only: no address, no name.
    let export = env
        .run_as("audit", &["audit", "export"])
        .ok()
        .stdout
        .clone();
    let secrets = [
        "jce@example.org",
        "clerk@bromsgrove.example.org",
        "finance@bromsgrove.example.org",
        "clerk@redditch.example.org",
        "concordat@example.org",
        "Jo Chief",
        "Finn Ance",
    ];
    for secret in secrets {
        assert!(!export.contains(secret), "the log holds {secret:?}");
    }
    // Delivered: a later tick sends nothing again.
    env.at("2009-01-02T09:00:00Z");
    let again = tick(&env, &config, &[]).ok().json();
    assert!(again.get("emails").is_none(), "{again}");
    assert_eq!(received(&inbox).len(), 4);
}

#[test]
fn a_kill_between_the_send_and_its_record_sends_the_same_message_id_again() {
    if !aiosmtpd_present() {
        return;
    }
    let port = free_port();
    let (mut env, config) = partnership(port);
    let inbox = env.path("inbox");
    let _server = Server::start(port, &inbox);
    env.at(TICK_AT);
    let mut killed = env.command(&["--as", "ops", "--json", "scheduler", "tick"]);
    killed
        .args(["--outbox", env.path("outbox").to_str().unwrap()])
        .args(["--config", config.to_str().unwrap()])
        .env("FAILPOINTS", "email::after-send=return");
    let status = killed.status().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        status.signal(),
        Some(9),
        "killed by SIGKILL after the first send"
    );
    let first = received(&inbox);
    assert_eq!(first.len(), 1, "the server had the first message");
    let events = email_events(&env);
    let sending: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "email-sending")
        .collect();
    assert_eq!(sending.len(), 1);
    assert!(
        events.iter().all(|e| e["type"] != "email-sent"),
        "its outcome was never recorded"
    );

    env.at("2009-01-01T09:06:00Z");
    let report = tick(&env, &config, &[]).ok().json();
    let emails = report["emails"].as_array().unwrap();
    assert_eq!(emails.len(), 4, "{report}");
    let messages = received(&inbox);
    assert_eq!(
        messages.len(),
        5,
        "the interrupted message went again, the others once"
    );
    let resent: Vec<&Value> = messages
        .iter()
        .filter(|m| m["message_id"] == first[0]["message_id"])
        .collect();
    assert_eq!(resent.len(), 2, "the same Message-ID twice");
    assert_eq!(resent[0]["subject"], resent[1]["subject"]);
    let retried = emails
        .iter()
        .find(|e| e["message_id"] == first[0]["message_id"])
        .unwrap();
    assert_eq!(retried["attempt"], 2);
    assert_eq!(retried["outcome"], "sent");
}

#[test]
fn a_server_that_is_down_is_retried_after_the_backoff_and_nothing_is_lost() {
    if !aiosmtpd_present() {
        return;
    }
    let port = free_port();
    let (mut env, config) = partnership(port);
    let inbox = env.path("inbox");
    env.at(TICK_AT);
    let down = tick(&env, &config, &[]).ok().json();
    let emails = down["emails"].as_array().unwrap();
    assert_eq!(emails.len(), 4, "{down}");
    assert!(
        emails
            .iter()
            .all(|e| e["outcome"] == "failed" && e["attempt"] == 1),
        "{down}"
    );
    let failed: Vec<Value> = email_events(&env)
        .into_iter()
        .filter(|e| e["type"] == "email-failed")
        .collect();
    assert_eq!(failed.len(), 4);
    for f in &failed {
        assert_eq!(f["data"]["attempt"], 1);
        assert_eq!(
            f["data"]["retry_at"], "2009-01-01T09:10:00+00:00",
            "five minutes on"
        );
        assert!(!f["data"]["reply"].as_str().unwrap().is_empty());
    }

    let _server = Server::start(port, &inbox);
    // Within the backoff nothing is tried.
    env.at("2009-01-01T09:08:00Z");
    assert!(tick(&env, &config, &[]).ok().json().get("emails").is_none());
    let plan = tick(&env, &config, &["--dry-run"]).ok().json();
    assert_eq!(plan["emails"], serde_json::json!([]), "{plan}");
    // Meanwhile a person is erased: only the contacts file changes, never the chain.
    let contacts = std::fs::read_to_string(env.path("contacts.toml")).unwrap();
    let erased = contacts
        .replace("[[contact]]\nid = \"bdc-finance\"\nname = \"Finn Ance\"\nemail = \"finance@bromsgrove.example.org\"\n\n", "")
        .replace(", \"bdc-finance\"", "");
    assert_ne!(erased, contacts);
    std::fs::write(env.path("contacts.toml"), erased).unwrap();
    // After the backoff, every message goes as attempt 2, but the erased person's is cancelled.
    env.at("2009-01-01T09:11:00Z");
    let plan = tick(&env, &config, &["--dry-run"]).ok().json();
    let planned = plan["emails"].as_array().unwrap();
    assert_eq!(planned.len(), 4, "{plan}");
    assert!(planned.iter().all(|e| e["attempt"] == 2), "{plan}");
    let gone = planned
        .iter()
        .find(|e| e["contact"] == "bdc-finance")
        .unwrap();
    assert_eq!(gone["name"], Value::Null, "{plan}");
    let later = tick(&env, &config, &[]).ok().json();
    let mut outcomes: Vec<(String, String)> = later["emails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["contact"].as_str().unwrap().into(),
                e["outcome"].as_str().unwrap().into(),
            )
        })
        .collect();
    outcomes.sort();
    let expected = [
        ("bdc-clerk", "sent"),
        ("bdc-finance", "cancelled"),
        ("jce", "sent"),
        ("rbc-clerk", "sent"),
    ];
    assert_eq!(
        outcomes,
        expected.map(|(c, o)| (c.to_string(), o.to_string())),
        "{later}"
    );
    let messages = received(&inbox);
    assert_eq!(
        messages.len(),
        3,
        "nothing lost, nothing to the erased person"
    );
    assert!(messages
        .iter()
        .all(|m| m["to"][0]["address"] != "finance@bromsgrove.example.org"));
    // Delivered or cancelled: nothing is left to try.
    env.at("2009-01-02T09:00:00Z");
    let plan = tick(&env, &config, &["--dry-run"]).ok().json();
    assert_eq!(plan["emails"], serde_json::json!([]), "{plan}");
}

#[test]
fn starttls_is_required_never_a_fallback_to_clear() {
    if !aiosmtpd_present() {
        return;
    }
    let port = free_port();
    let (mut env, config) = partnership(port);
    // The test server offers no STARTTLS: every attempt fails and nothing is sent in clear.
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("tls = \"none\"", "tls = \"starttls\"");
    std::fs::write(&config, text).unwrap();
    let inbox = env.path("inbox");
    let _server = Server::start(port, &inbox);
    env.at(TICK_AT);
    let report = tick(&env, &config, &[]).ok().json();
    let emails = report["emails"].as_array().unwrap();
    assert_eq!(emails.len(), 4, "{report}");
    assert!(emails.iter().all(|e| e["outcome"] == "failed"), "{report}");
    assert!(received(&inbox).is_empty(), "nothing went in clear");
}

#[test]
fn a_bad_configuration_is_refused_naming_the_key() {
    let (mut env, config) = partnership(25);
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("tls = \"none\"", "tls = \"ssl\"");
    std::fs::write(&config, text).unwrap();
    env.at(TICK_AT);
    let run = env.run_as(
        "ops",
        &["scheduler", "tick", "--config", config.to_str().unwrap()],
    );
    run.expect_code(2);
    assert!(
        run.stderr.contains("smtp.tls") && run.stderr.contains("\"ssl\""),
        "{}",
        run.stderr
    );
    assert!(email_events(&env).is_empty());
    let fired = env
        .run_as("audit", &["audit", "export"])
        .ok()
        .stdout
        .contains("reminder-fired");
    assert!(!fired, "nothing recorded");
}

#[test]
fn scheduler_run_sends_as_it_fires_and_stops_on_sigterm() {
    if !aiosmtpd_present() {
        return;
    }
    let port = free_port();
    let (mut env, config) = partnership(port);
    let inbox = env.path("inbox");
    let _server = Server::start(port, &inbox);
    env.at("2009-01-01T08:59:58Z");
    let outbox = env.path("outbox");
    let mut cmd = env.command(&[
        "--as",
        "ops",
        "--json",
        "scheduler",
        "run",
        "--poll-secs",
        "1",
    ]);
    cmd.args(["--outbox", outbox.to_str().unwrap()])
        .args(["--config", config.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let run = cmd.spawn().expect("spawn scheduler run");
    // The quarterly report falls due two seconds in; its four messages follow at once.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while received(&inbox).len() < 4 {
        assert!(
            std::time::Instant::now() < deadline,
            "run sent {:?}",
            received(&inbox).len()
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &run.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = run.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all: Value = serde_json::from_slice(&out.stdout).unwrap();
    let emails = all["emails"].as_array().unwrap();
    assert_eq!(emails.len(), 4, "{all}");
    assert!(emails.iter().all(|e| e["outcome"] == "sent"), "{all}");
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("email sent"), "{log}");
    assert!(
        !log.contains("@example.org"),
        "the journal names no address: {log}"
    );
}

/// A certificate for `localhost` (its own trust anchor): the PEM files of the certificate and key.
fn certificate(env: &Env) -> (PathBuf, PathBuf) {
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    let cert = params.self_signed(&key).unwrap();
    let (cert_file, key_file) = (env.path("smtp-cert.pem"), env.path("smtp-key.pem"));
    std::fs::write(&cert_file, cert.pem()).unwrap();
    std::fs::write(&key_file, key.serialize_pem()).unwrap();
    (cert_file, key_file)
}

#[test]
fn starttls_and_implicit_tls_deliver_with_the_servers_certificate_checked_and_a_password() {
    if !aiosmtpd_present() {
        return;
    }
    for mode in ["starttls", "implicit"] {
        let port = free_port();
        let (mut env, config) = partnership(port);
        let (cert, key) = certificate(&env);
        std::fs::write(env.path("smtp-password"), "correct horse battery\n").unwrap();
        let text = std::fs::read_to_string(&config)
            .unwrap()
            .replace("host = \"127.0.0.1\"", "host = \"localhost\"")
            .replace(
                "tls = \"none\"",
                &format!("tls = \"{mode}\"\nusername = \"concordat\"\npassword_file = \"smtp-password\"\nca_file = \"smtp-cert.pem\""),
            );
        std::fs::write(&config, text).unwrap();
        let inbox = env.path("inbox");
        let mut server = Command::new("python3");
        server
            .arg(helper())
            .args(["serve", &port.to_string(), inbox.to_str().unwrap(), mode]);
        server.args([
            cert.to_str().unwrap(),
            key.to_str().unwrap(),
            "concordat",
            "correct horse battery",
        ]);
        let _server = Server::spawn(server);
        env.at(TICK_AT);
        let report = tick(&env, &config, &[]).ok().json();
        let emails = report["emails"].as_array().unwrap();
        assert!(
            emails.iter().all(|e| e["outcome"] == "sent"),
            "{mode}: {report}"
        );
        assert_eq!(received(&inbox).len(), 4, "{mode}");
        let export = env
            .run_as("audit", &["audit", "export"])
            .ok()
            .stdout
            .clone();
        assert!(
            !export.contains("correct horse"),
            "the password never enters the log"
        );
    }
}
