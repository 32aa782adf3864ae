//! A simulated power cut on the embedded store: what was written but never synced is gone, the
//! page cache with it, and the machine comes back in a new boot (`CONCORDAT_TEST_BOOT_ID`, honoured
//! only by the test build). Nothing acknowledged is lost, nothing derived from the lost bytes (the
//! index, a projection snapshot) outlives them, and the chain verifies.

use crate::support::Env;
use engine::store::{EmbeddedStore, EventStore, OpenMode, LOG_FILE};
use engine::{AppendRequest, NewEvent};
use std::path::Path;
use std::time::Duration;

const BEFORE: &str = "11111111-1111-1111-1111-111111111111";
const AFTER: &str = "22222222-2222-2222-2222-222222222222";

/// Runs as `actor` in the boot `boot`, with `failpoints` if any; the exit code and output.
fn run_in_boot(
    env: &Env,
    boot: &str,
    failpoints: Option<&str>,
    args: &[&str],
) -> (Option<i32>, String) {
    let mut cmd = env.command(args);
    cmd.env("CONCORDAT_TEST_BOOT_ID", boot);
    match failpoints {
        Some(f) => cmd.env("FAILPOINTS", f),
        None => cmd.env_remove("FAILPOINTS"),
    };
    let out = cmd.output().expect("run concordat");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn stage(env: &Env, boot: &str) -> (String, u64) {
    let (code, out) = run_in_boot(
        env,
        boot,
        None,
        &["--json", "proposal", "show", "elections"],
    );
    assert_eq!(code, Some(0), "{out}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
    (
        doc["stage"].as_str().unwrap().to_string(),
        doc["version"].as_u64().unwrap(),
    )
}

/// Appends `n` notes to the elections proposal through the library, as another writer would:
/// enough events that reading the proposal keeps a projection snapshot.
fn append_notes(store: &str, n: usize, note: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = EmbeddedStore::open(
            Path::new(store),
            OpenMode::Existing,
            Duration::from_secs(10),
        )
        .unwrap();
        let events = (0..n)
            .map(|_| NewEvent {
                stream: "proposal-elections".into(),
                kind: "note-recorded".into(),
                actor: "jce".into(),
                effective_on: "2008-09-17".into(),
                data: serde_json::json!({ "note": note }),
            })
            .collect();
        store
            .append(AppendRequest {
                events,
                expectations: Vec::new(),
                now: "2008-09-17T18:00:00Z".parse().unwrap(),
                tz: jiff::tz::TimeZone::get("Europe/London").unwrap(),
            })
            .await
            .unwrap();
        store.close().await.unwrap();
    });
}

#[test]
fn a_power_cut_loses_only_what_was_never_acknowledged_and_nothing_derived_from_it_survives() {
    let env = Env::bromsgrove_redditch("2008-09-17T19:00:00+01:00");
    if env.store.contains("://") {
        return; // The page cache and fdatasync are the embedded store's; PostgreSQL has its WAL.
    }
    let new = [
        "--as",
        "jce",
        "proposal",
        "new",
        "--title",
        "Elections",
        "--service",
        "elections",
        "--lead",
        "bromsgrove",
    ];
    assert_eq!(run_in_boot(&env, BEFORE, None, &new).0, Some(0));
    append_notes(&env.store, 1_100, "quarterly monitoring note");
    let (acknowledged_stage, acknowledged_version) = stage(&env, BEFORE);
    assert_eq!(acknowledged_stage, "quick-win");
    let log = Path::new(&env.store).join(LOG_FILE);
    let durable_len = std::fs::metadata(&log).unwrap().len();

    // The hold is written and indexed, then the process dies before its fdatasync: never acknowledged.
    let hold = [
        "--as",
        "jce",
        "proposal",
        "hold",
        "elections",
        "--reason",
        "waiting",
    ];
    let (code, out) = run_in_boot(&env, BEFORE, Some("append::after-index=return"), &hold);
    assert_eq!(code, None, "killed before the sync: {out}");
    // In the same boot the page cache still holds it: a reader sees it, and keeps a snapshot of it.
    assert_eq!(
        stage(&env, BEFORE),
        ("on-hold".to_string(), acknowledged_version + 1)
    );
    assert!(
        Path::new(&env.store).join("snapshots").is_dir(),
        "a snapshot was kept"
    );

    // The power cut: every byte past the last fdatasync is gone (here with half a line left
    // behind, as a torn sector would), and the machine boots again.
    let raw = std::fs::read(&log).unwrap();
    let lost = raw.len() as u64 - durable_len;
    assert!(lost > 0, "the hold reached the log before the cut");
    let file = std::fs::OpenOptions::new().write(true).open(&log).unwrap();
    file.set_len(durable_len + lost / 2).unwrap();
    drop(file);

    // Another writer appends to the proposal before anyone reads it: its version is the lost
    // hold's again, and only a snapshot that outlived the cut could mistake one for the other.
    let (code, out) = run_in_boot(&env, AFTER, None, &["audit", "verify"]);
    assert_eq!(
        code,
        Some(0),
        "the torn tail is cut off and the chain verifies: {out}"
    );
    append_notes(&env.store, 1, "after the power cut");
    assert_eq!(
        stage(&env, AFTER),
        ("quick-win".to_string(), acknowledged_version + 1),
        "the proposal is as its log says, not as the lost hold left it"
    );

    // The next command works, and what it acknowledges stays.
    assert_eq!(run_in_boot(&env, AFTER, None, &hold).0, Some(0));
    assert_eq!(
        stage(&env, AFTER),
        ("on-hold".to_string(), acknowledged_version + 2)
    );
    let (code, out) = run_in_boot(&env, AFTER, None, &["--json", "audit", "verify"]);
    assert_eq!(code, Some(0), "{out}");
}
