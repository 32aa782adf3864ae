//! Who may hold the store: one process at a time, by an advisory lock on the store directory
//! itself (and, for binaries of earlier versions still running, on `STORE/lock` too).
//!
//! Why the directory: a lock on a file anyone can delete excludes nobody once it is deleted (a
//! process told "the store is busy" that removes `STORE/lock` and retries creates a new file and
//! locks that). The directory is the one thing every writer must open and nobody deletes without
//! deleting the store; a `flock` on its descriptor is released by the kernel when the process dies.
//!
//! A process that finds the store held waits for it in the kernel (a blocking `flock` on a helper
//! thread), so it takes over the moment the holder lets go rather than at its next poll; the
//! calling thread gives up after the busy wait with a conflict.

use crate::error::{Failure, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// An exclusive hold on a store directory, released on drop (or by the kernel when the process dies).
#[derive(Debug)]
pub struct StoreLock {
    _dir: File,
    _legacy: File,
}

/// Where a helper thread waiting for the lock has got to.
enum Wait {
    Waiting,
    Acquired,
    Failed(std::io::Error),
    /// The caller has given up; the helper lets go of the lock if it ever gets it.
    Abandoned,
}

impl StoreLock {
    /// Takes the lock, waiting for up to `wait`; then gives up with a conflict (exit 4).
    pub fn acquire(dir: &Path, wait: Duration) -> Result<StoreLock> {
        let started = Instant::now();
        let handle = File::open(dir).map_err(|e| {
            Failure::internal(format!(
                "cannot open the store directory {}: {e}",
                dir.display()
            ))
            .with_detail("check that it exists and that this account may read it")
        })?;
        let handle = hold(handle, dir, wait)?;
        // Earlier versions lock only `STORE/lock`: hold it too, so that they and we exclude each
        // other while both are installed. Every current process takes the directory first, so the
        // two locks are always taken in one order.
        let path = dir.join(LEGACY_LOCK);
        let legacy = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .custom_flags(nix::libc::O_NOFOLLOW)
            .open(&path)
            .map_err(|e| {
                Failure::internal(format!("cannot open {}: {e}", path.display())).with_detail(
                    "it must be a plain file inside the store (not a link); remove it and try again",
                )
            })?;
        let legacy = hold(legacy, dir, wait.saturating_sub(started.elapsed()))?;
        Ok(StoreLock {
            _dir: handle,
            _legacy: legacy,
        })
    }
}

/// The lock file earlier versions lock.
const LEGACY_LOCK: &str = "lock";

/// Takes an exclusive `flock` on `file`, waiting for up to `wait`; then gives up with a conflict.
fn hold(file: File, dir: &Path, wait: Duration) -> Result<File> {
    match file.try_lock() {
        Ok(()) => return Ok(file),
        Err(TryLockError::WouldBlock) => {}
        Err(TryLockError::Error(e)) => return Err(e.into()),
    }
    if wait.is_zero() {
        return Err(busy(dir, wait));
    }
    tracing::debug!("store busy, waiting for it");
    // The helper locks a duplicate of our descriptor: the same open file, so the lock it
    // takes is held through `file` once the helper has gone.
    let helper = file.try_clone()?;
    let state = Arc::new((Mutex::new(Wait::Waiting), Condvar::new()));
    let shared = Arc::clone(&state);
    std::thread::Builder::new()
        .name("concordat-lock".into())
        .spawn(move || {
            let result = helper.lock();
            let (lock, cond) = &*shared;
            let mut s = lock.lock().expect("lock state");
            match (&*s, result) {
                (Wait::Abandoned, Ok(())) => {
                    let _ = helper.unlock();
                }
                (Wait::Abandoned, Err(_)) => {}
                (_, Ok(())) => *s = Wait::Acquired,
                (_, Err(e)) => *s = Wait::Failed(e),
            }
            cond.notify_all();
        })?;
    let deadline = Instant::now() + wait;
    let (lock, cond) = &*state;
    let mut s = lock.lock().expect("lock state");
    loop {
        match std::mem::replace(&mut *s, Wait::Waiting) {
            Wait::Acquired => return Ok(file),
            Wait::Failed(e) => return Err(e.into()),
            Wait::Waiting | Wait::Abandoned => {}
        }
        let now = Instant::now();
        if now >= deadline {
            *s = Wait::Abandoned;
            return Err(busy(dir, wait));
        }
        s = cond.wait_timeout(s, deadline - now).expect("lock state").0;
    }
}

fn busy(dir: &Path, wait: Duration) -> Failure {
    Failure::conflict(format!(
        "the store at {} is busy: another concordat process has held it for {} s",
        dir.display(),
        wait.as_secs()
    ))
    .with_detail("try again when it has finished")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_waiter_takes_over_as_soon_as_the_holder_lets_go() {
        let tmp = tempfile::tempdir().unwrap();
        let first = StoreLock::acquire(tmp.path(), Duration::ZERO).unwrap();
        let dir = tmp.path().to_path_buf();
        let waiter = std::thread::spawn(move || {
            let started = Instant::now();
            let lock = StoreLock::acquire(&dir, Duration::from_secs(10)).unwrap();
            (lock, started.elapsed())
        });
        std::thread::sleep(Duration::from_millis(100));
        let released = Instant::now();
        drop(first);
        let (second, waited) = waiter.join().unwrap();
        assert!(waited >= Duration::from_millis(50), "{waited:?}");
        assert!(released.elapsed() < Duration::from_secs(5));
        // The second holder really holds it.
        let err = StoreLock::acquire(tmp.path(), Duration::from_millis(20)).unwrap_err();
        assert_eq!(err.kind, crate::FailureKind::Conflict);
        drop(second);
        StoreLock::acquire(tmp.path(), Duration::ZERO).unwrap();
    }

    #[test]
    fn deleting_the_lock_file_lets_nobody_else_in() {
        let tmp = tempfile::tempdir().unwrap();
        let first = StoreLock::acquire(tmp.path(), Duration::ZERO).unwrap();
        std::fs::remove_file(tmp.path().join(LEGACY_LOCK)).unwrap();
        let err = StoreLock::acquire(tmp.path(), Duration::from_millis(20)).unwrap_err();
        assert_eq!(err.kind, crate::FailureKind::Conflict);
        drop(first);
        StoreLock::acquire(tmp.path(), Duration::ZERO).unwrap();
    }

    #[test]
    fn a_waiter_that_gives_up_leaves_the_lock_free() {
        let tmp = tempfile::tempdir().unwrap();
        let first = StoreLock::acquire(tmp.path(), Duration::ZERO).unwrap();
        let err = StoreLock::acquire(tmp.path(), Duration::from_millis(30)).unwrap_err();
        assert_eq!(err.kind, crate::FailureKind::Conflict);
        assert!(err.message.contains("busy"));
        drop(first);
        // The abandoned helper may take the lock for a moment; it lets go at once.
        let again = StoreLock::acquire(tmp.path(), Duration::from_secs(5)).unwrap();
        drop(again);
    }
}
