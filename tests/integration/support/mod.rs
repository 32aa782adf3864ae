//! Helpers shared by the integration tests: a store fixture and a way to run the binary.

pub mod backend;
pub mod elections;
pub mod http;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The built `concordat` binary.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_concordat"))
}

/// The repository's root (for fixtures and examples).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ has a parent")
        .to_path_buf()
}

/// The 2008 partnership file.
pub fn bromsgrove_redditch() -> PathBuf {
    repo_root().join("tests/fixtures/bromsgrove-redditch.toml")
}

/// What one run of the binary gave back.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout parsed as the one JSON document `--json` promises.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON document ({e}):\n{}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }

    /// stderr parsed as the `{"error": ...}` document of a `--json` failure.
    pub fn error_json(&self) -> Value {
        serde_json::from_str(self.stderr.trim())
            .unwrap_or_else(|e| panic!("stderr is not a JSON error ({e}):\n{}", self.stderr))
    }

    /// Panics with the whole output unless the exit code is `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}, got {}\nstdout: {}\nstderr: {}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    /// Panics unless the run succeeded.
    #[track_caller]
    pub fn ok(&self) -> &Run {
        self.expect_code(0)
    }
}

/// A scratch directory with a store location in it, and a clock to run commands at.
pub struct Env {
    pub tmp: tempfile::TempDir,
    pub store: String,
    pub now: Option<String>,
}

impl Env {
    /// A fresh, empty store location on the backend under test.
    pub fn new() -> Env {
        let tmp = tempfile::tempdir().expect("temp dir");
        let store = backend::fresh_store(tmp.path());
        Env {
            tmp,
            store,
            now: None,
        }
    }

    /// A fresh store initialised with the 2008 partnership at `now`.
    pub fn bromsgrove_redditch(now: &str) -> Env {
        let mut env = Env::new();
        env.now = Some(now.to_string());
        env.run(&["init", bromsgrove_redditch().to_str().unwrap()])
            .ok();
        env
    }

    /// Sets the clock for the runs that follow.
    pub fn at(&mut self, now: &str) -> &mut Env {
        self.now = Some(now.to_string());
        self
    }

    /// A command prepared with this env's store and clock, not yet run.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(binary());
        cmd.arg("--store").arg(&self.store).args(args);
        cmd.env_remove("CONCORDAT_ACTOR")
            .env_remove("CONCORDAT_STORE")
            .env_remove("RUST_LOG");
        match &self.now {
            Some(now) => cmd.env("CONCORDAT_NOW", now),
            None => cmd.env_remove("CONCORDAT_NOW"),
        };
        cmd.stdin(Stdio::null());
        cmd
    }

    /// Runs the binary with this env's store and clock.
    pub fn run(&self, args: &[&str]) -> Run {
        let out = self.command(args).output().expect("run concordat");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs as `actor`.
    pub fn run_as(&self, actor: &str, args: &[&str]) -> Run {
        let mut all = vec!["--as", actor];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// Runs as `actor` with `--json` and returns the parsed document (panics unless exit 0).
    #[track_caller]
    pub fn json_as(&self, actor: &str, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let run = self.run_as(actor, &all);
        run.ok();
        run.json()
    }

    /// A path inside the scratch directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }
}
