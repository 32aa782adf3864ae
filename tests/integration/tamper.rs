//! An auditor's export checked offline: every tampering is caught and located.

use crate::support::Env;

/// A store with a few proposals, and its export's lines.
fn exported() -> (Env, Vec<String>) {
    let env = Env::bromsgrove_redditch("2008-09-17T19:00:00+01:00");
    for service in [
        "elections",
        "community-safety",
        "payroll",
        "member-development",
    ] {
        env.run_as(
            "jce",
            &[
                "proposal",
                "new",
                "--title",
                service,
                "--service",
                service,
                "--lead",
                "bromsgrove",
                "--on",
                "2008-09-17",
            ],
        )
        .ok();
    }
    let out = env.path("export.jsonl");
    env.run(&["audit", "export", "--out", out.to_str().unwrap()])
        .ok();
    let text = std::fs::read_to_string(&out).unwrap();
    let lines = text.lines().map(str::to_string).collect();
    (env, lines)
}

/// Writes `lines` as an export and verifies it; returns (exit code, first_bad_seq).
fn verify(env: &Env, lines: &[String], head: Option<&str>) -> (i32, serde_json::Value) {
    let file = env.path("tampered.jsonl");
    std::fs::write(
        &file,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
    let mut args = vec![
        "--json",
        "audit",
        "verify",
        "--file",
        file.to_str().unwrap(),
    ];
    if let Some(h) = head {
        args.extend(["--head", h]);
    }
    let run = env.run(&args);
    let doc = run.json();
    (run.code, doc["first_bad_seq"].clone())
}

#[test]
fn an_untouched_export_verifies_and_matches_the_store() {
    let (env, lines) = exported();
    assert_eq!(lines.len(), 5);
    let (code, bad) = verify(&env, &lines, None);
    assert_eq!((code, bad), (0, serde_json::Value::Null));
    let store = env.run(&["--json", "audit", "verify"]);
    store.ok();
    let head: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(store.json()["head"], head["hash"]);
}

#[test]
fn an_edited_value_is_located() {
    let (env, mut lines) = exported();
    lines[2] = lines[2].replace("community-safety", "community-safetx");
    assert_eq!(verify(&env, &lines, None), (6, 3.into()));
}

#[test]
fn a_deleted_line_is_located() {
    let (env, mut lines) = exported();
    lines.remove(1);
    assert_eq!(verify(&env, &lines, None), (6, 2.into()));
}

#[test]
fn swapped_lines_are_located() {
    let (env, mut lines) = exported();
    lines.swap(2, 3);
    assert_eq!(verify(&env, &lines, None), (6, 3.into()));
}

#[test]
fn a_truncated_line_is_located() {
    let (env, mut lines) = exported();
    let last = lines.pop().unwrap();
    lines.push(last[..last.len() / 2].to_string());
    assert_eq!(verify(&env, &lines, None), (6, 5.into()));
}

#[test]
fn a_rewritten_actor_is_located() {
    let (env, mut lines) = exported();
    lines[3] = lines[3].replace("\"actor\":\"jce\"", "\"actor\":\"admin\"");
    assert_eq!(verify(&env, &lines, None), (6, 4.into()));
}

#[test]
fn head_catches_lines_cut_off_the_end() {
    let (env, mut lines) = exported();
    let last: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    let head = last["hash"].as_str().unwrap().to_string();
    assert_eq!(verify(&env, &lines, Some(&head)).0, 0);
    lines.truncate(3);
    assert_eq!(
        verify(&env, &lines, None).0,
        0,
        "whole lines cut off the end leave a valid, shorter chain"
    );
    assert_eq!(verify(&env, &lines, Some(&head)), (6, 4.into()));
}

#[test]
fn an_independent_implementation_recomputes_every_hash() {
    let env = Env::bromsgrove_redditch("2008-09-17T19:00:00+01:00");
    // Non-ASCII text and characters JSON must escape, to pin the canonical form.
    env.run_as(
        "jce",
        &[
            "proposal",
            "new",
            "--title",
            "Élections — a \"single\" team\tfor both £",
            "--service",
            "elections",
            "--lead",
            "bromsgrove",
        ],
    )
    .ok();
    env.run_as(
        "jce",
        &[
            "proposal",
            "business-case",
            "elections",
            "--one-off-cost",
            "15000.50",
            "--annual-saving",
            "18000",
        ],
    )
    .ok();
    let out = env.path("export.jsonl");
    env.run(&["audit", "export", "--out", out.to_str().unwrap()])
        .ok();
    let script = crate::support::repo_root().join("tests/scripts/recompute_hashes.py");
    let run = match std::process::Command::new("python3")
        .arg(&script)
        .arg(&out)
        .output()
    {
        Ok(run) => run,
        Err(e) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true needs python3: {e}"
            );
            eprintln!("skipping: no python3 ({e})");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "python recomputed different hashes:\n{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        stdout.lines().filter(|l| l.ends_with(" ok")).count(),
        3,
        "{stdout}"
    );
}
