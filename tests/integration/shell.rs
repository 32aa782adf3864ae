//! What the shell and the manual see: bash completions, the man pages and the CLI reference, all
//! generated from the clap definitions.

use crate::support::{binary, repo_root};
use std::process::Command;

/// Runs the built binary with `args` (no store is needed) and returns its stdout.
fn stdout_of(args: &[&str]) -> String {
    let out = Command::new(binary()).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "concordat {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The command words `concordat [GROUP] --help` lists (without `help`).
fn commands_in_help(group: &[&str]) -> Vec<String> {
    let mut args = group.to_vec();
    args.push("--help");
    let help = stdout_of(&args);
    let section = help
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands section")
        .split("\n\n")
        .next()
        .unwrap();
    section
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| *w != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completion_registers_concordat_and_completes_prop_to_proposal() {
    let script = format!(
        r#"set -e
source <("{bin}" completions bash)
complete -p concordat
COMP_WORDS=(concordat prop); COMP_CWORD=1; COMP_LINE="concordat prop"; COMP_POINT=${{#COMP_LINE}}
_concordat concordat prop concordat
echo "first: ${{COMPREPLY[*]}}"
COMP_WORDS=(concordat proposal adv); COMP_CWORD=2; COMP_LINE="concordat proposal adv"; COMP_POINT=${{#COMP_LINE}}
_concordat concordat adv proposal
echo "second: ${{COMPREPLY[*]}}""#,
        bin = binary().display()
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &script])
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("-F _concordat concordat"),
        "complete -p concordat: {stdout}"
    );
    assert!(stdout.contains("first: proposal\n"), "{stdout}");
    assert!(stdout.contains("second: advance\n"), "{stdout}");
}

#[test]
fn every_shell_gets_a_completion_script_naming_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = stdout_of(&["completions", shell]);
        for word in ["proposal", "scheduler", "checkpoint"] {
            assert!(script.contains(word), "{shell} script lacks {word}");
        }
    }
    let bad = Command::new(binary())
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(
        bad.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

/// `man -l PAGE` as plain text (MANWIDTH wide enough that no command name is hyphenated).
fn render(page: &std::path::Path) -> String {
    let out = Command::new("man")
        .arg("-l")
        .arg(page)
        .env("MANWIDTH", "200")
        .env("PAGER", "cat")
        .output()
        .expect("man runs (Debian: apt-get install man-db)");
    assert!(
        out.status.success(),
        "man -l {}: {}",
        page.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    // Without a terminal, man emboldens by overstriking ("c\x08c"): keep the last of each pair.
    let mut text = String::new();
    for c in String::from_utf8_lossy(&out.stdout).chars() {
        if c == '\x08' {
            text.pop();
        } else {
            text.push(c);
        }
    }
    text
}

#[test]
fn the_man_pages_render_and_name_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("man1");
    let out = Command::new(binary())
        .args(["man", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    let top = render(&dir.join("concordat.1"));
    assert!(top.contains("SYNOPSIS"), "{top}");
    let groups = commands_in_help(&[]);
    assert!(groups.len() > 15, "{groups:?}");
    for group in &groups {
        assert!(
            top.contains(&format!("concordat-{group}(1)")),
            "concordat(1) does not name {group}"
        );
        let page = dir.join(format!("concordat-{group}.1"));
        let text = render(&page);
        let help = stdout_of(&[group.as_str(), "--help"]);
        if !help.contains("Commands:") {
            continue;
        }
        for sub in commands_in_help(&[group.as_str()]) {
            assert!(
                text.contains(&format!("concordat-{group}-{sub}(1)")),
                "concordat-{group}(1) does not name {sub}"
            );
            assert!(dir.join(format!("concordat-{group}-{sub}.1")).exists());
        }
    }
}

#[test]
fn the_cli_reference_in_the_repository_is_current() {
    let generated = stdout_of(&["cli-reference"]);
    let path = repo_root().join("docs/cli-reference.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/cli-reference.md is stale: regenerate it with\n    cargo run -p concordat -- cli-reference > docs/cli-reference.md"
    );
    for group in commands_in_help(&[]) {
        assert!(
            generated.contains(&format!("## `concordat {group}`")),
            "the reference has no section for {group}"
        );
    }
}

#[test]
fn setup_stops_at_once_naming_what_is_missing_and_how_to_install_it() {
    // A machine with none of the tools, where we are not root: nothing can be installed.
    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let fake_id = bin.join("id");
    std::fs::write(&fake_id, "#!/bin/sh\necho 1000\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake_id, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = Command::new("/bin/bash")
        .arg(repo_root().join("scripts/setup.sh"))
        .env("PATH", &bin)
        .env_remove("CONCORDAT_TEST_POSTGRES")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("setup: missing: strace"), "{stderr}");
    let install = stderr
        .lines()
        .find(|l| l.starts_with("setup: install with: sudo apt-get install"))
        .unwrap_or_else(|| panic!("no install command:\n{stderr}"));
    for package in ["strace", "chromium", "man-db", "python3"] {
        assert!(install.contains(package), "{install}");
    }
}
