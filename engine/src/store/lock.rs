//! Who may hold the store: one process at a time, by an advisory lock on `STORE/lock`.

use crate::error::{Failure, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;
use std::time::{Duration, Instant};

/// An exclusive hold on a store directory, released on drop (or by the kernel when the process dies).
#[derive(Debug)]
pub struct StoreLock {
    _file: File,
}

impl StoreLock {
    /// Takes the lock, retrying with backoff for up to `wait`; then gives up with a conflict (exit 4).
    pub fn acquire(dir: &Path, wait: Duration) -> Result<StoreLock> {
        let path = dir.join("lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        let started = Instant::now();
        let mut backoff = Duration::from_millis(2);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(StoreLock { _file: file }),
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(e)) => return Err(e.into()),
            }
            if started.elapsed() >= wait {
                return Err(Failure::conflict(format!(
                    "the store at {} is busy: another concordat process has held it for {} s",
                    dir.display(),
                    wait.as_secs()
                ))
                .with_detail("try again when it has finished"));
            }
            tracing::debug!(?backoff, "store busy, waiting");
            std::thread::sleep(backoff);
            backoff = (backoff * 2).min(Duration::from_millis(100));
        }
    }
}
