//! Fault injection for tests: named points in the stores' append paths, configured by the
//! `FAILPOINTS` environment variable in the `fail` crate's syntax (`NAME=return;NAME2=return(partial)`).
//! They exist only with the `failpoints` feature (off by default; the tests turn it on): without it
//! every point is an empty inline function.
//!
//! The points, in the order an append passes them:
//!
//! | point | `return` | `return(partial)` | `return(partial-crash)` |
//! |---|---|---|---|
//! | `append::write` | the write fails (EIO), nothing written | half the batch is written, then EIO | half is written, then the process is killed |
//! | `append::after-write` | the process is killed: written, not indexed, not synced | | |
//! | `append::index` | the index update fails (EIO) | | |
//! | `append::after-index` | the process is killed: written and indexed, not synced | | |
//! | `append::sync` | `fdatasync` fails (EIO) | | |
//! | `append::after-sync` | the process is killed: durable, but not acknowledged | | |
//! | `index::install` | a rebuilt index cannot be written (as on a full disk): it is kept in memory | | |
//!
//! The PostgreSQL store's append path has its own (its transaction is the durable write):
//!
//! | point | `return` |
//! |---|---|
//! | `pg::insert` | the INSERT fails; the transaction rolls back |
//! | `pg::before-commit` | the process is killed inside the transaction: the server rolls it back |
//! | `pg::commit` | the COMMIT happens but its answer is "lost": the command fails, the events are there |
//! | `pg::after-commit` | the process is killed: committed, but not acknowledged |
//!
//! One point outside the stores, in `workflows::ops::email` (issue 26):
//!
//! | point | `return` |
//! |---|---|
//! | `email::after-send` | the process is killed: the SMTP server accepted the message, `email-sent` is not recorded |
//!
//! "Killed" is SIGKILL sent by the process to itself, as `kill -9` would: nothing is unwound,
//! flushed or dumped.

use std::fs::File;
use std::io;

/// Configures the points `$FAILPOINTS` names, for the life of the process (the CLI calls this first).
pub fn setup_from_env() {
    #[cfg(feature = "failpoints")]
    std::mem::forget(fail::FailScenario::setup());
}

/// The I/O error injected at `name`, if it is configured.
#[inline]
pub fn io_error(name: &str) -> Option<io::Error> {
    #[cfg(feature = "failpoints")]
    return fail::eval(name, |_| injected(name));
    #[cfg(not(feature = "failpoints"))]
    {
        let _ = name;
        None
    }
}

/// The outcome of writing `bytes` to `file` when a fault is injected at `name` (`None`: none is,
/// write as usual).
#[inline]
pub fn write(name: &str, file: &File, bytes: &[u8]) -> Option<io::Result<()>> {
    #[cfg(feature = "failpoints")]
    return fail::eval(name, |arg| {
        use std::io::Write;
        let arg = arg.unwrap_or_default();
        if arg.starts_with("partial") {
            let mut f = file;
            f.write_all(&bytes[..bytes.len() / 2])?;
            if arg == "partial-crash" {
                kill_self();
            }
        }
        Err(injected(name))
    });
    #[cfg(not(feature = "failpoints"))]
    {
        let _ = (name, file, bytes);
        None
    }
}

/// Kills the process at `name` if it is configured: no destructor runs and nothing is flushed,
/// as in a crash.
#[inline]
pub fn crash(name: &str) {
    #[cfg(feature = "failpoints")]
    if fail::eval(name, |_| ()).is_some() {
        kill_self();
    }
    #[cfg(not(feature = "failpoints"))]
    let _ = name;
}

/// `kill -9` of this process.
#[cfg(feature = "failpoints")]
fn kill_self() -> ! {
    // SAFETY: kill(2) with this process's own id and SIGKILL; it does not return.
    unsafe {
        libc::kill(libc::getpid(), libc::SIGKILL);
    }
    std::process::abort()
}

#[cfg(feature = "failpoints")]
fn injected(name: &str) -> io::Error {
    io::Error::other(format!("injected fault at {name} (Input/output error)"))
}
