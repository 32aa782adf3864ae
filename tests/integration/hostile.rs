//! Hostile input and the edges of trust (issue 18), through the binary: arguments that are not
//! UTF-8, partnership values that once panicked or ran out of memory, stored text carrying
//! terminal escapes, an outbox that cannot be written, and a checkpoint key swapped by amendment.

use crate::support::{bromsgrove_redditch, Env, Run};
use std::os::unix::ffi::OsStrExt;

const START: &str = "2008-09-17T19:00:00+01:00";

fn fixture() -> String {
    std::fs::read_to_string(bromsgrove_redditch()).unwrap()
}

/// Writes `text` as a partnership file in the env's scratch directory.
fn file(env: &Env, name: &str, text: &str) -> String {
    let path = env.path(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn export(env: &Env) -> String {
    let run = env.run(&["audit", "export"]);
    run.ok();
    run.stdout.clone()
}

#[test]
fn an_argument_that_is_not_utf8_is_a_usage_error_naming_it() {
    let env = Env::bromsgrove_redditch(START);
    let before = export(&env);
    for json in [false, true] {
        let mut cmd = env.command(&[]);
        if json {
            cmd.arg("--json");
        }
        cmd.args(["--as", "jce", "proposal", "new", "--title"])
            .arg(std::ffi::OsStr::from_bytes(b"Shared \xff elections"))
            .args(["--service", "elections", "--lead", "bromsgrove"]);
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.stdout.is_empty());
        if json {
            let doc: serde_json::Value = serde_json::from_str(stderr.trim()).unwrap();
            assert_eq!(doc["error"]["kind"], "usage");
            let message = doc["error"]["message"].as_str().unwrap();
            assert!(
                message.contains("(after --title) is not valid UTF-8"),
                "{message}"
            );
        } else {
            assert!(stderr.starts_with("error: argument "), "{stderr}");
            assert!(
                stderr.contains("(after --title) is not valid UTF-8: \"Shared \\xFF elections\""),
                "{stderr}"
            );
        }
    }
    assert_eq!(export(&env), before, "nothing was written");
}

/// The three partnership values that once broke every later command, each now refused at `init`
/// and at `partnership amend` (exit 2) naming the key and the allowed range, nothing written.
#[test]
fn partnership_values_that_once_panicked_are_refused_naming_key_and_range() {
    let cases = [
        (
            ("[14, 1]", "[100000000]"),
            "schedule.milestone_lead_days value 100000000 is out of range: each must be 0 to 366 days",
        ),
        (
            ("0 0 9 1 Jan,Apr,Jul,Oct *", "* * * * * *"),
            "may fire up to 31622400 times a year: it may fire at most 4000",
        ),
        (
            ("id = \"redditch\"", "id = \"../../../tmp/x\""),
            "council id \"../../../tmp/x\" is not a safe id: use 1 to 64 letters, digits",
        ),
    ];
    let amended = Env::bromsgrove_redditch(START);
    let before = export(&amended);
    for ((from, to), expected) in cases {
        let env = Env::new();
        let bad = file(&env, "bad.toml", &fixture().replace(from, to));
        let init = env.run(&["init", &bad]);
        init.expect_code(2);
        assert!(init.stderr.contains(expected), "{}", init.stderr);
        let json = env.run(&["--json", "init", &bad]);
        json.expect_code(2);
        assert_eq!(json.error_json()["error"]["kind"], "usage");
        let none = env.run(&["partnership", "show"]);
        assert!(
            none.stderr.contains("there is no concordat store"),
            "{}",
            none.stderr
        );
        let amend = amended.run_as(
            "admin",
            &["partnership", "amend", &bad, "--on", "2008-10-01"],
        );
        amend.expect_code(2);
        assert!(amend.stderr.contains(expected), "{}", amend.stderr);
    }
    assert_eq!(export(&amended), before, "no amendment was recorded");
    // The commands that panicked still answer on the store.
    amended.run(&["reminders", "list"]).ok();
}

/// Text that would drive a terminal: set its title, clear the screen, overwrite what was printed.
const HOSTILE: &str = "Elections\x1b]0;owned\x07\x1b[2J\rX\x08Y\nfake line";

fn assert_inert(run: &Run, what: &str) {
    for (name, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        assert!(
            !text.contains(['\x1b', '\x07', '\x08', '\r']),
            "{what}: {name} carries a raw control character: {text:?}"
        );
    }
}

#[test]
fn stored_text_never_reaches_the_terminal_as_escapes() {
    let mut env = Env::new();
    env.at(START);
    let text = fixture().replace(
        "Redditch Borough Council",
        "Redditch\\u001b]0;owned\\u0007\\u001b[2J\\r\\b",
    );
    env.run(&["init", &file(&env, "p.toml", &text)]).ok();
    let title = HOSTILE;
    let reason = format!("{HOSTILE} (reason)");
    for args in [
        vec![
            "proposal",
            "new",
            "--title",
            title,
            "--service",
            "elections",
            "--lead",
            "bromsgrove",
        ],
        vec![
            "milestone",
            "add",
            "m1",
            "--title",
            title,
            "--due",
            "2008-12-01",
            "--proposal",
            "elections",
        ],
        vec!["proposal", "hold", "elections", "--reason", &reason],
    ] {
        env.run_as("jce", &args).ok();
    }
    // JSON keeps the text exactly (serde escapes it).
    let shown = env.json_as("jce", &["proposal", "show", "elections"]);
    assert_eq!(shown["title"], title);
    let human = env.run(&["proposal", "show", "elections"]);
    assert!(
        human
            .ok()
            .stdout
            .contains("Elections\\x1b]0;owned\\x07\\x1b[2J\\rX\\x08Y\\nfake line"),
        "{}",
        human.stdout
    );
    let reads: [&[&str]; 8] = [
        &["proposal", "list"],
        &["proposal", "show", "elections"],
        &["proposal", "history", "elections"],
        &["partnership", "show"],
        &["reminders", "list", "--until", "2008-12-31"],
        &["milestone", "list"],
        &["audit", "log"],
        &[
            "report",
            "quarterly",
            "--quarter",
            "2008/09-Q3",
            "--council",
            "redditch",
        ],
    ];
    for args in reads {
        let run = env.run(args);
        run.ok();
        if args[0] != "report" {
            assert_inert(&run, &args.join(" "));
        }
    }
    // Errors that echo the input show it escaped too.
    for args in [
        vec!["proposal", "show", "\x1b[2Jnope"],
        vec!["proposal", "list", "--stage", "over\rwritten\x1b[2J"],
        vec![
            "--as",
            "jce",
            "proposal",
            "new",
            "--title",
            "T",
            "--service",
            "s",
            "--lead",
            "\x1b]0;x\x07",
        ],
        vec![
            "--as",
            "jce",
            "proposal",
            "new",
            "--title",
            "T",
            "--service",
            "s",
            "--lead",
            "bromsgrove",
            "--councils",
            "bromsgrove,\x1b[2J",
        ],
    ] {
        let run = env.run(&args);
        assert!(run.code != 0, "{run:?}");
        assert_inert(&run, &args.join(" "));
    }
}

#[test]
fn an_unwritable_outbox_fails_the_tick_naming_it_and_records_nothing() {
    let mut env = Env::bromsgrove_redditch(START);
    env.run_as(
        "jce",
        &[
            "milestone",
            "add",
            "m1",
            "--title",
            "Phase 1",
            "--due",
            "2008-11-01",
        ],
    )
    .ok();
    let before = export(&env);
    // The outbox would sit under a regular file (a path no one can create, even as root).
    let blocker = env.path("a-file");
    std::fs::write(&blocker, b"not a directory").unwrap();
    let outbox = blocker.join("outbox");
    env.at("2009-01-02T10:00:00+00:00");
    let tick = env.run_as(
        "ops",
        &["scheduler", "tick", "--outbox", outbox.to_str().unwrap()],
    );
    tick.expect_code(1);
    assert!(tick.stderr.contains("a-file/outbox"), "{}", tick.stderr);
    assert!(
        tick.stderr.contains("nothing was recorded"),
        "{}",
        tick.stderr
    );
    assert_eq!(export(&env), before, "no firing was recorded");
    // With a writable outbox every firing (milestone ones included) goes through, once.
    let good = env.path("outbox");
    let doc = env.json_as(
        "ops",
        &["scheduler", "tick", "--outbox", good.to_str().unwrap()],
    );
    let kinds: Vec<&str> = doc["fired"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"milestone-approaching") && kinds.contains(&"quarterly-report"),
        "{kinds:?}"
    );
    for report in doc["reports"].as_array().unwrap() {
        let bytes = std::fs::read(report["path"].as_str().unwrap()).unwrap();
        assert_eq!(sha256_hex(&bytes), report["sha256"]);
    }
    assert_eq!(
        std::fs::read_dir(&good).unwrap().count(),
        doc["reports"].as_array().unwrap().len(),
        "a file for each report recorded, no leftovers"
    );
}

/// Lowercase hex SHA-256 by `sha256sum`, as an auditor would.
fn sha256_hex(bytes: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sha256sum");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()[..64].to_string()
}

#[test]
fn a_checkpoint_key_change_is_allowed_alone_and_always_announced() {
    let mut env = Env::bromsgrove_redditch(START);
    let keygen = |name: &str| {
        let key = env.path(name);
        let doc = env
            .run(&[
                "--json",
                "checkpoint",
                "keygen",
                "--out",
                key.to_str().unwrap(),
                "--name",
                "concordat/br",
            ])
            .ok()
            .json();
        doc["verifier_key"].as_str().unwrap().to_string()
    };
    let first = keygen("one.key");
    let alone = file(
        &env,
        "keyed.toml",
        &format!("checkpoint_key = \"{first}\"\n{}", fixture()),
    );
    let doc = env.json_as(
        "admin",
        &["partnership", "amend", &alone, "--on", "2008-10-01"],
    );
    assert_eq!(
        doc["changes"],
        serde_json::json!([format!("checkpoint key set: {first}")])
    );
    let second = keygen("two.key");
    let bundled = fixture().replace("\"ucatt\"", "\"ucatt\", \"unite\"");
    let bundled = file(
        &env,
        "swapped.toml",
        &format!("checkpoint_key = \"{second}\"\n{bundled}"),
    );
    let doc = env.json_as(
        "admin",
        &["partnership", "amend", &bundled, "--on", "2008-11-01"],
    );
    let changes: Vec<&str> = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        changes.contains(&format!("checkpoint key replaced: {first} → {second}").as_str()),
        "{changes:?}"
    );
    env.at("2008-12-01T12:00:00+00:00");
    let shown = env.run(&["partnership", "show"]);
    shown.ok();
    assert!(
        shown.stdout.contains(&format!("Checkpoint key: {second}")),
        "{}",
        shown.stdout
    );
    assert!(
        shown
            .stdout
            .contains(&format!("from 2008-10-01: checkpoint key set: {first}")),
        "{}",
        shown.stdout
    );
    assert!(
        shown
            .stdout
            .contains("from 2008-11-01: checkpoint key replaced"),
        "{}",
        shown.stdout
    );
}

/// Records, through the store's own append (as a log written before issue 18's limits would
/// hold it), an amendment whose partnership `edit` changes.
fn record_legacy_amendment(env: &Env, on: &str, edit: impl FnOnce(&mut serde_json::Value)) {
    let first: serde_json::Value =
        serde_json::from_str(export(env).lines().next().unwrap()).unwrap();
    let mut partnership = first["data"]["partnership"].clone();
    edit(&mut partnership);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = engine::open_store(
            &env.store,
            engine::store::OpenMode::Existing,
            std::time::Duration::from_secs(10),
        )
        .await
        .unwrap();
        let version = store.stream_version("partnership").await.unwrap();
        store
            .append(engine::AppendRequest {
                events: vec![engine::NewEvent {
                    stream: "partnership".into(),
                    kind: "partnership-amended".into(),
                    actor: "admin".into(),
                    effective_on: on.into(),
                    data: serde_json::json!({ "partnership": partnership, "changes": ["legacy"] }),
                }],
                expectations: vec![engine::Expectation {
                    stream: "partnership".into(),
                    version,
                }],
                now: env.now.as_deref().unwrap().parse().unwrap(),
                tz: jiff::tz::TimeZone::get("Europe/London").unwrap(),
            })
            .await
            .unwrap();
        store.close().await.unwrap();
    });
}

/// A log holding the values that once panicked keeps working: no panic, report files stay inside
/// the outbox, and `audit verify` passes with a warning for each value.
#[test]
fn a_log_recorded_before_the_limits_keeps_working_and_verify_warns() {
    let mut env = Env::bromsgrove_redditch(START);
    record_legacy_amendment(&env, "2008-09-17", |p| {
        p["schedule"]["milestone_lead_days"] = serde_json::json!([100000000, 14]);
        p["council"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"id": "../../../tmp/x", "name": "X", "board": ["x-member"]}));
    });
    env.run_as(
        "jce",
        &[
            "milestone",
            "add",
            "m1",
            "--title",
            "Phase 1",
            "--due",
            "2008-11-01",
        ],
    )
    .ok();
    env.run(&["reminders", "list"]).ok();
    env.run(&["proposal", "list"]).ok();
    env.at("2009-01-02T10:00:00+00:00");
    let outbox = env.path("outbox");
    let doc = env.json_as(
        "ops",
        &["scheduler", "tick", "--outbox", outbox.to_str().unwrap()],
    );
    let outbox = outbox.canonicalize().unwrap();
    for report in doc["reports"].as_array().unwrap() {
        let path = std::path::Path::new(report["path"].as_str().unwrap());
        assert_eq!(
            path.parent(),
            Some(outbox.as_path()),
            "{path:?} left the outbox"
        );
    }
    let verify = env.run(&["--json", "audit", "verify"]);
    verify.ok();
    let warnings = verify.json()["warnings"].clone();
    let text = warnings.to_string();
    assert!(
        text.contains("milestone_lead_days value 100000000 is out of range"),
        "{text}"
    );
    assert!(
        text.contains("council id \\\"../../../tmp/x\\\" is not a safe id"),
        "{text}"
    );
    let human = env.run(&["audit", "verify"]);
    assert!(
        human
            .ok()
            .stdout
            .contains("\nwarning: the partnership as amended from 2008-09-17"),
        "{}",
        human.stdout
    );
}

/// An every-second schedule recorded before the limits: `reminders list` answers with a bounded
/// list instead of growing to gigabytes.
#[test]
fn an_every_second_schedule_in_an_old_log_is_enumerated_with_a_cap() {
    let env = Env::bromsgrove_redditch(START);
    record_legacy_amendment(&env, "2008-09-17", |p| {
        p["schedule"]["quarterly_report"] = serde_json::json!("* * * * * *");
    });
    let list = env.json_as("jce", &["reminders", "list", "--until", "2008-09-17"]);
    let n = list.as_array().unwrap().len();
    // Strictly after 19:00:00 (the registration) to 23:59:59, one a second: under the cap of
    // 100,000 (the cap itself: engine/src/schedule/tests.rs).
    assert_eq!(n, 5 * 3600 - 1);
}
