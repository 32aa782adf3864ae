//! Timing whole processes: wall time from spawn to reaping, and the child's peak RSS from wait4.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One finished process.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub wall: Duration,
    /// ru_maxrss of the child, KiB.
    pub maxrss_kb: u64,
    /// User + system CPU time of the child, seconds.
    pub cpu_s: f64,
    pub code: i32,
    pub stdout: String,
}

impl Outcome {
    pub fn ms(&self) -> f64 {
        self.wall.as_secs_f64() * 1000.0
    }
    /// The child's JSON document (children print exactly one).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or(serde_json::Value::Null)
    }
}

/// Starts `cmd` with stdout captured and stderr to `stderr_path`.
pub fn spawn(cmd: &mut Command, stderr_path: &Path) -> (Child, Instant) {
    let stderr = std::fs::File::create(stderr_path).expect("stderr file");
    let started = Instant::now();
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(stderr))
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    (child, started)
}

/// Reads the child's stdout to the end and reaps it with wait4 (for its rusage).
pub fn finish(mut child: Child, started: Instant) -> Outcome {
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid out-parameter; wait4 reaps our own child by pid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert_eq!(r, pid, "wait4: {}", std::io::Error::last_os_error());
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    // The child is reaped: std must not wait for it again.
    std::mem::forget(child);
    Outcome {
        wall,
        maxrss_kb: usage.ru_maxrss as u64,
        cpu_s: tv(usage.ru_utime) + tv(usage.ru_stime),
        code,
        stdout,
    }
}

fn tv(t: libc::timeval) -> f64 {
    t.tv_sec as f64 + t.tv_usec as f64 / 1e6
}

/// Runs `cmd` to completion.
pub fn run(cmd: &mut Command, stderr_path: &Path) -> Outcome {
    let (child, started) = spawn(cmd, stderr_path);
    finish(child, started)
}

/// p50 / p95 / max of samples.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    pub p50: f64,
    pub p95: f64,
    pub max: f64,
    pub n: usize,
}

impl Summary {
    pub fn of(samples: &[f64]) -> Summary {
        if samples.is_empty() {
            return Summary::default();
        }
        let mut s = samples.to_vec();
        s.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let rank = |q: f64| s[((q * s.len() as f64).ceil() as usize).clamp(1, s.len()) - 1];
        Summary {
            p50: rank(0.5),
            p95: rank(0.95),
            max: *s.last().unwrap(),
            n: s.len(),
        }
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({"p50": self.p50, "p95": self.p95, "max": self.max, "n": self.n})
    }
}
