//! ARCHITECTURE.md's invariants, checked on the source (issue 19): no rule names a command or a
//! flag (no `"--` literal and no `` `concordat `` hint in workflows/ or engine/ outside tests and
//! comments; the quarterly report's own text, which tells its reader how to check it, excepted),
//! `proposal/` never reaches up into `ops`, and every module of the workspace is in the code map.

use crate::support::repo_root;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, sorted.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// A unit-test file (`tests.rs`, `*_tests.rs`, `proptests.rs`, `testing.rs`, or under `tests/`).
fn is_test(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    name.ends_with("tests.rs")
        || name == "testing.rs"
        || path.components().any(|c| c.as_os_str() == "tests")
}

/// The production lines of a file: comments dropped, and nothing from `#[cfg(test)]` on.
fn production_lines(text: &str) -> Vec<(usize, &str)> {
    let end = text.find("#[cfg(test)]\nmod ").unwrap_or(text.len());
    text[..end]
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .collect()
}

fn relative(path: &Path) -> String {
    path.strip_prefix(repo_root())
        .unwrap()
        .display()
        .to_string()
}

#[test]
fn no_rule_names_a_command_or_a_flag() {
    let root = repo_root();
    let mut found = Vec::new();
    for krate in ["workflows/src", "engine/src"] {
        for path in sources(&root.join(krate)) {
            let rel = relative(&path);
            if is_test(&path) || rel.starts_with("workflows/src/report/") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in production_lines(&text) {
                if line.contains("\"--") || line.contains("`concordat ") {
                    found.push(format!("{rel}:{n}: {}", line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "flag names and command hints belong to cli/ (return a Remedy):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_proposal_rules_never_reach_up_into_ops() {
    let dir = repo_root().join("workflows/src/proposal");
    let mut found = Vec::new();
    for path in sources(&dir).into_iter().filter(|p| !is_test(p)) {
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in production_lines(&text) {
            if line.contains("crate::ops") {
                found.push(format!("{}:{n}", relative(&path)));
            }
        }
    }
    assert!(found.is_empty(), "proposal/ uses ops: {found:?}");
}

#[test]
fn every_module_is_in_the_code_map() {
    let root = repo_root();
    let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let mut missing = Vec::new();
    for krate in [
        "engine/src",
        "workflows/src",
        "cli/src",
        "bench/src",
        "fuzz/fuzz_targets",
    ] {
        for path in sources(&root.join(krate)) {
            if is_test(&path) {
                continue;
            }
            let rel = relative(&path);
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            // A file is named by its path, or by its name beside its directory (by the directory's
            // path, or, nested, by its own name: `embedded/`).
            let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
            let last = dir.rsplit('/').next().unwrap_or(dir);
            let dir_named = map.contains(&format!("{dir}/")) || map.contains(&format!("`{last}/`"));
            let by_name = dir_named && (name == "mod.rs" || map.contains(&format!("`{name}`")));
            if !(map.contains(&rel) || by_name) {
                missing.push(rel);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md's code map does not name:\n{}",
        missing.join("\n")
    );
}
