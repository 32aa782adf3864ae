//! Several officers on one server: a store shared with the group the partnership file names, each
//! officer logged in as themselves and bound to their own actor; everyone else kept out.
//!
//! These run commands as other accounts (Debian's `daemon`, `bin` and `nobody`, through
//! `setpriv`), so they need root; under `CI=true` a run without root fails rather than skipping.
//! They are about directories, so they use the embedded store whatever the backend under test.

use crate::support::{binary, bromsgrove_redditch, Run};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// An account of the base system, by uid, with the supplementary groups it runs with here.
#[derive(Clone, Copy)]
struct Account {
    uid: u32,
    groups: &'static [u32],
}

/// Debian's `users` group: the officers' group in these tests.
const USERS_GID: u32 = 100;
/// Bromsgrove's clerk logs in as `daemon`, a member of `users`.
const BROMSGROVE_CLERK: Account = Account {
    uid: 1,
    groups: &[USERS_GID],
};
/// Redditch's clerk logs in as `bin`, a member of `users`.
const REDDITCH_CLERK: Account = Account {
    uid: 2,
    groups: &[USERS_GID],
};
/// Someone else on the server, in no group of the partnership's.
const OUTSIDER: Account = Account {
    uid: 65534,
    groups: &[],
};

/// A scratch directory every account can enter, with a copy of the binary they can all run (the
/// build's own path may sit under a home directory they cannot enter).
struct Server {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    binary: PathBuf,
}

impl Server {
    fn new() -> Server {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().to_path_buf();
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
        let copy = root.join("concordat");
        // A hard link where it can be: a copy is open for writing while it is made, and a child
        // forked meanwhile by another test would make running it fail with "Text file busy".
        if std::fs::hard_link(binary(), &copy).is_err() {
            std::fs::copy(binary(), &copy).expect("copy the binary");
        }
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
        Server {
            _tmp: tmp,
            root,
            binary: copy,
        }
    }

    fn store(&self) -> PathBuf {
        self.root.join("store")
    }

    /// The 2008 partnership, with the clerks bound to their accounts and `extra` first.
    fn partnership(&self, name: &str, extra: &str) -> String {
        let text = std::fs::read_to_string(bromsgrove_redditch())
            .unwrap()
            .replace(
                "id = \"bdc-clerk\"\n",
                "id = \"bdc-clerk\"\nos_user = \"daemon\"\n",
            )
            .replace(
                "id = \"rbc-clerk\"\n",
                "id = \"rbc-clerk\"\nos_user = \"bin\"\n",
            );
        let path = self.root.join(name);
        std::fs::write(&path, format!("{extra}{text}")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        path.display().to_string()
    }

    fn command(&self, args: &[&str]) -> Command {
        self.command_at(&self.store(), args)
    }

    fn command_at(&self, store: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.binary);
        cmd.arg("--store")
            .arg(store)
            .args(args)
            .env_remove("CONCORDAT_ACTOR")
            .env_remove("CONCORDAT_STORE")
            .env("CONCORDAT_NOW", "2008-09-17T19:00:00+01:00")
            .current_dir(&self.root)
            .stdin(Stdio::null());
        cmd
    }

    /// Runs as the store's owner (this process's account).
    fn run(&self, args: &[&str]) -> Run {
        output(self.command(args))
    }

    /// Runs as `account`, through `setpriv`.
    fn run_by(&self, account: Account, args: &[&str]) -> Run {
        self.run_as_account(account, self.command(args))
    }

    /// Runs `inner` as `account`, through `setpriv`.
    fn run_as_account(&self, account: Account, inner: Command) -> Run {
        let mut cmd = Command::new("setpriv");
        cmd.arg(format!("--reuid={}", account.uid))
            .arg(format!("--regid={}", account.uid));
        if account.groups.is_empty() {
            cmd.arg("--clear-groups");
        } else {
            let groups: Vec<String> = account.groups.iter().map(u32::to_string).collect();
            cmd.arg(format!("--groups={}", groups.join(",")));
        }
        cmd.arg("--")
            .arg(inner.get_program())
            .args(inner.get_args());
        for (key, value) in inner.get_envs() {
            match value {
                Some(v) => cmd.env(key, v),
                None => cmd.env_remove(key),
            };
        }
        cmd.current_dir(&self.root).stdin(Stdio::null());
        output(cmd)
    }
}

fn output(mut cmd: Command) -> Run {
    let mut out = cmd.output().expect("run concordat");
    // A copied binary may still be open for writing in a child forked by another test (above).
    for _ in 0..100 {
        if !String::from_utf8_lossy(&out.stderr).contains("Text file busy") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        out = cmd.output().expect("run concordat");
    }
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// True when this process can run commands as other accounts; false (after saying why) when the
/// test cannot run here, which under CI is a failure.
fn can_switch_accounts() -> bool {
    let root = std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false);
    let setpriv = Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if root && setpriv {
        return true;
    }
    let why = "needs root and setpriv (util-linux) to run commands as the officers' accounts";
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
    eprintln!("skipped: {why}");
    false
}

/// Every file and directory under `dir`, with its mode and group.
fn tree(dir: &Path) -> Vec<(PathBuf, u32, u32, bool)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(path) = todo.pop() {
        let meta = std::fs::symlink_metadata(&path).unwrap();
        out.push((
            path.clone(),
            meta.mode() & 0o7777,
            meta.gid(),
            meta.is_dir(),
        ));
        if meta.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                todo.push(entry.unwrap().path());
            }
        }
    }
    out
}

fn head_seq(server: &Server) -> u64 {
    let run = server.run(&["--json", "audit", "verify"]);
    run.ok();
    run.json()["events"].as_u64().expect("events")
}

#[test]
fn officers_of_both_councils_share_one_store_each_acting_only_as_themselves() {
    if !can_switch_accounts() {
        return;
    }
    let server = Server::new();
    let file = server.partnership("partnership.toml", "store_group = \"users\"\n");
    server.run(&["--as", "admin", "init", &file]).ok();

    // Bromsgrove's clerk's account opens the store and records a change as the programme office.
    server
        .run_by(
            BROMSGROVE_CLERK,
            &[
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
            ],
        )
        .ok();
    server
        .run_by(BROMSGROVE_CLERK, &["--as", "bdc-clerk", "proposal", "list"])
        .ok();
    // Redditch's clerk's account reads as Redditch's clerk...
    server
        .run_by(
            REDDITCH_CLERK,
            &["--as", "rbc-clerk", "proposal", "show", "elections"],
        )
        .ok();
    // ...and neither may take the other's name.
    let before = head_seq(&server);
    let run = server.run_by(
        BROMSGROVE_CLERK,
        &[
            "--as",
            "rbc-clerk",
            "proposal",
            "new",
            "--title",
            "Payroll",
            "--service",
            "payroll",
            "--lead",
            "redditch",
        ],
    );
    run.expect_code(5);
    assert!(
        run.stderr
            .contains("bound to the operating-system user \"bin\"")
            && run.stderr.contains("log in as bin"),
        "{}",
        run.stderr
    );
    assert_eq!(head_seq(&server), before, "a refused change writes nothing");

    // Everything in the store, whoever made it, belongs to the group and no one else.
    for (path, mode, gid, is_dir) in tree(&server.store()) {
        assert_eq!(gid, USERS_GID, "{} is not the group's", path.display());
        let want = if is_dir { 0o2770 } else { 0o660 };
        assert_eq!(mode, want, "{} has mode {mode:o}", path.display());
    }
    // The owner's audit finds the chain whole after the officers' changes.
    server.run(&["audit", "verify"]).ok();
}

#[test]
fn an_account_outside_the_group_cannot_open_or_read_the_store() {
    if !can_switch_accounts() {
        return;
    }
    let server = Server::new();
    let file = server.partnership("partnership.toml", "store_group = \"users\"\n");
    server.run(&["--as", "admin", "init", &file]).ok();
    let run = server.run_by(OUTSIDER, &["proposal", "list"]);
    run.expect_code(5);
    assert!(
        run.stderr.contains("may not open the store")
            && run.stderr.contains("with the group users"),
        "{}",
        run.stderr
    );
    // Not through concordat, and not around it either.
    let log = server.store().join("events.jsonl");
    let mut cat = Command::new("setpriv");
    cat.args(["--reuid=65534", "--regid=65534", "--clear-groups", "cat"])
        .arg(&log);
    assert!(
        !cat.output().unwrap().status.success(),
        "nobody read the log"
    );
}

#[test]
fn a_store_without_a_group_is_its_owners_alone() {
    let server = Server::new();
    let file = server.partnership("partnership.toml", "");
    server.run(&["--as", "admin", "init", &file]).ok();
    for (path, mode, _, is_dir) in tree(&server.store()) {
        let want = if is_dir { 0o700 } else { 0o600 };
        assert_eq!(mode, want, "{} has mode {mode:o}", path.display());
    }
    if !can_switch_accounts() {
        return;
    }
    let run = server.run_by(BROMSGROVE_CLERK, &["--as", "bdc-clerk", "proposal", "list"]);
    run.expect_code(5);
    assert!(
        run.stderr.contains("private to its owner"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_group_that_does_not_exist_is_refused_and_nothing_is_created() {
    let server = Server::new();
    let file = server.partnership(
        "partnership.toml",
        "store_group = \"no-such-group-anywhere\"\n",
    );
    let run = server.run(&["--as", "admin", "init", &file]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("names no group on this machine") && run.stderr.contains("groupadd"),
        "{}",
        run.stderr
    );
    assert!(!server.store().exists(), "nothing is created");

    let file = server.partnership("bad-name.toml", "store_group = \"-officers\"\n");
    let run = server.run(&["--as", "admin", "init", &file]);
    run.expect_code(2);
    assert!(run.stderr.contains("is not a group name"), "{}", run.stderr);
    assert!(!server.store().exists(), "nothing is created");
}

#[test]
fn an_amendment_shares_the_store_with_a_group_and_takes_it_back() {
    if !can_switch_accounts() {
        return;
    }
    let server = Server::new();
    let private = server.partnership("private.toml", "");
    let shared = server.partnership("shared.toml", "store_group = \"users\"\n");
    server.run(&["--as", "admin", "init", &private]).ok();
    let clerk_lists =
        || server.run_by(BROMSGROVE_CLERK, &["--as", "bdc-clerk", "proposal", "list"]);
    clerk_lists().expect_code(5);

    let run = server.run(&["--as", "admin", "--json", "partnership", "amend", &shared]);
    run.ok();
    assert!(
        run.json()["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "the store is shared with the group users"),
        "{}",
        run.stdout
    );
    clerk_lists().ok();

    server
        .run(&["--as", "admin", "partnership", "amend", &private])
        .ok();
    clerk_lists().expect_code(5);
    for (path, mode, _, is_dir) in tree(&server.store()) {
        let want = if is_dir { 0o700 } else { 0o600 };
        assert_eq!(mode, want, "{} has mode {mode:o}", path.display());
    }
}

#[test]
fn a_copy_of_a_shared_store_is_shared_with_the_same_group() {
    if !can_switch_accounts() {
        return;
    }
    let server = Server::new();
    let file = server.partnership("partnership.toml", "store_group = \"users\"\n");
    server.run(&["--as", "admin", "init", &file]).ok();
    let copy = server.root.join("copy");
    server
        .run(&[
            "store",
            "copy",
            "--from",
            server.store().to_str().unwrap(),
            "--to",
            copy.to_str().unwrap(),
        ])
        .ok();
    for (path, mode, gid, is_dir) in tree(&copy) {
        assert_eq!(gid, USERS_GID, "{} is not the group's", path.display());
        let want = if is_dir { 0o2770 } else { 0o660 };
        assert_eq!(mode, want, "{} has mode {mode:o}", path.display());
    }
    let clerk_reads = server.command_at(&copy, &["--as", "bdc-clerk", "proposal", "list"]);
    server.run_as_account(BROMSGROVE_CLERK, clerk_reads).ok();
}
