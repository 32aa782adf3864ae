//! A PostgreSQL server of a test's own (initdb and pg_ctl, as `scripts/with-postgres.sh` does), for
//! what the shared test server cannot be given: TLS settings and their own `pg_hba.conf`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A throwaway server in a temporary directory, stopped and deleted when dropped.
pub(super) struct OwnServer {
    dir: tempfile::TempDir,
    bindir: PathBuf,
    /// The account the server runs as when we are root (initdb refuses root).
    as_user: Option<String>,
    pub(super) port: u16,
}

/// The directory holding initdb and pg_ctl: `PG_BINDIR`, else the newest Debian one.
fn bindir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PG_BINDIR") {
        return Some(PathBuf::from(dir));
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    dirs.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    dirs.pop()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl OwnServer {
    /// initdb a new cluster; None (the test skips) where the server programs are missing, except
    /// under CI=true, where a suite that skips itself is not green.
    pub(super) fn init() -> Option<OwnServer> {
        let Some(bindir) = bindir() else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true needs the PostgreSQL server programs (initdb, pg_ctl)"
            );
            eprintln!("no PostgreSQL server programs: skipping this test");
            return None;
        };
        let server = OwnServer::blank(bindir);
        server.run(&[
            "initdb",
            "-D",
            &server.data().display().to_string(),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]);
        Some(server)
    }

    /// A server directory with nothing in it yet.
    fn blank(bindir: PathBuf) -> OwnServer {
        let as_user = (nix::unistd::Uid::effective().is_root()).then(|| "postgres".to_string());
        let server = OwnServer {
            dir: tempfile::tempdir().expect("a temporary directory"),
            bindir,
            as_user,
            port: free_port(),
        };
        server.give_away(server.dir.path());
        server
    }

    /// A streaming standby of `primary` (pg_basebackup -R), not yet started.
    pub(super) fn standby_of(primary: &OwnServer) -> OwnServer {
        let server = OwnServer::blank(primary.bindir.clone());
        server.run(&[
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            &primary.port.to_string(),
            "-U",
            "postgres",
            "-D",
            &server.data().display().to_string(),
            "-R",
            "-X",
            "stream",
            "--no-sync",
        ]);
        server
    }

    /// SIGKILL to the postmaster and every process it started, as losing the machine would.
    pub(super) fn kill(&self) {
        let pid = std::fs::read_to_string(self.data().join("postmaster.pid")).unwrap();
        let pid = pid.lines().next().unwrap().trim().to_string();
        // Its children first listed (once it is dead they are no longer its children).
        let children = Command::new("pgrep").args(["-P", &pid]).output().unwrap();
        let children = String::from_utf8_lossy(&children.stdout).into_owned();
        let mut pids = vec![pid.as_str()];
        pids.extend(children.split_whitespace());
        let status = Command::new("kill")
            .arg("-KILL")
            .args(&pids)
            .status()
            .unwrap();
        assert!(status.success(), "kill -KILL {pids:?}");
        // Its children end when they see the postmaster gone; wait for the port to close.
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("the killed server still answers");
    }

    /// Promotes a standby to primary and waits for it.
    pub(super) fn promote(&self) {
        self.run(&[
            "pg_ctl",
            "-D",
            &self.data().display().to_string(),
            "-w",
            "promote",
        ]);
    }

    /// A file in the server's directory.
    pub(super) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn data(&self) -> PathBuf {
        self.path("data")
    }

    /// Writes a file the server reads (mode 0600, owned by the server's account).
    pub(super) fn write(&self, name: &str, text: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        self.give_away(&path);
        path
    }

    /// Appends settings to postgresql.conf and replaces pg_hba.conf.
    pub(super) fn configure(&self, conf: &str, hba: &str) {
        let conf_path = self.data().join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf_path).unwrap();
        text.push_str(&format!(
            "\nlisten_addresses = '127.0.0.1'\nport = {}\nunix_socket_directories = '{}'\n{conf}\n",
            self.port,
            self.dir.path().display()
        ));
        std::fs::write(&conf_path, text).unwrap();
        std::fs::write(self.data().join("pg_hba.conf"), hba).unwrap();
    }

    pub(super) fn start(&self) {
        let log = self.path("server.log").display().to_string();
        self.run(&[
            "pg_ctl",
            "-D",
            &self.data().display().to_string(),
            "-l",
            &log,
            "-w",
            "-t",
            "60",
            "start",
        ]);
    }

    fn give_away(&self, path: &Path) {
        if let Some(user) = &self.as_user {
            let status = Command::new("chown")
                .args(["-R", user, &path.display().to_string()])
                .status()
                .unwrap();
            assert!(status.success(), "chown {}", path.display());
        }
    }

    fn command(&self, program: &str) -> Command {
        let exe = self.bindir.join(program);
        match &self.as_user {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(exe);
                c
            }
            None => Command::new(exe),
        }
    }

    fn run(&self, args: &[&str]) {
        let out = self.command(args[0]).args(&args[1..]).output().unwrap();
        let log = std::fs::read_to_string(self.path("server.log")).unwrap_or_default();
        assert!(
            out.status.success(),
            "{args:?}: {}\n{}\n{log}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        if self.data().join("postmaster.pid").exists() {
            let _ = self
                .command("pg_ctl")
                .args([
                    "-D",
                    &self.data().display().to_string(),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ])
                .output();
        }
    }
}
