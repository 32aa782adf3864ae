//! The outbox: where the scheduler writes each quarterly report *before* it records the report's
//! firing, so a recorded report always names a file that is there, complete and synced.
//!
//! A file is written atomically (a temporary file beside it, synced, renamed into place, then the
//! directory synced), so a crash leaves the old state or the whole file, never part of one. A
//! failure names the path; the tick then records nothing and removes what it had written.

use engine::Failure;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A report file now in the outbox.
#[derive(Debug)]
pub struct Written {
    /// Its absolute path.
    pub path: PathBuf,
    /// Whether this write created it (false: a file of the same bytes was already there).
    created: bool,
}

impl Written {
    /// Removes the file if this write created it (its firing was not recorded after all).
    pub fn withdraw(self) {
        if self.created {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Writes `bytes` to `<outbox>/<stem>.md` (or `<stem>-2.md`… when a file of other bytes has the
/// name; the same bytes are left as they are), atomically and synced.
pub fn write(outbox: &Path, stem: &str, bytes: &[u8]) -> Result<Written, Failure> {
    write_streamed(outbox, stem, &mut |out| {
        out.write_all(bytes)
            .map_err(|e| Failure::internal(format!("cannot write the report: {e}")))
    })
    .map(|(written, _)| written)
}

/// Writes what `produce` writes as [`write`] does, without holding it: into the temporary file
/// as it is produced, hashed on the way. Returns the file and its bytes' SHA-256 (hex).
pub fn write_streamed(
    outbox: &Path,
    stem: &str,
    produce: &mut dyn FnMut(&mut dyn Write) -> Result<(), Failure>,
) -> Result<(Written, String), Failure> {
    std::fs::create_dir_all(outbox).map_err(|e| failed(outbox, e))?;
    let outbox = outbox.canonicalize().map_err(|e| failed(outbox, e))?;
    let stem = file_stem(stem);
    // Unique to this process and report: schedulers racing on one outbox never share a file.
    static STAGED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let k = STAGED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = outbox.join(format!("{stem}.md.{}-{k}.partial", std::process::id()));
    let staged = stage(&tmp, produce);
    let placed = staged.and_then(|digest| {
        let written = place(&outbox, &stem, &tmp, &digest)?;
        Ok((written, hex::encode(digest)))
    });
    if placed.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    placed
}

/// Writes `produce`'s bytes to `tmp`, synced; their SHA-256.
fn stage(
    tmp: &Path,
    produce: &mut dyn FnMut(&mut dyn Write) -> Result<(), Failure>,
) -> Result<[u8; 32], Failure> {
    let file = std::fs::File::create(tmp).map_err(|e| failed(tmp, e))?;
    let mut out = Hashing {
        inner: std::io::BufWriter::new(file),
        hash: Sha256::new(),
    };
    produce(&mut out)?;
    let file = out
        .inner
        .into_inner()
        .map_err(|e| failed(tmp, e.into_error()))?;
    file.sync_all().map_err(|e| failed(tmp, e))?;
    Ok(out.hash.finalize().into())
}

/// Moves the staged file `tmp` (of SHA-256 `digest`) to the first free name, or removes it
/// when a file of the same bytes already has one of the names.
fn place(outbox: &Path, stem: &str, tmp: &Path, digest: &[u8; 32]) -> Result<Written, Failure> {
    let mut n = 1;
    let path = loop {
        let name = match n {
            1 => format!("{stem}.md"),
            n => format!("{stem}-{n}.md"),
        };
        let candidate = outbox.join(name);
        match sha256_of(&candidate) {
            Ok(existing) if existing == *digest => {
                let _ = std::fs::remove_file(tmp);
                return Ok(Written {
                    path: candidate,
                    created: false,
                });
            }
            Ok(_) => n += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => break candidate,
            Err(e) => return Err(failed(&candidate, e)),
        }
    };
    std::fs::rename(tmp, &path)
        .and_then(|_| std::fs::File::open(outbox)?.sync_all())
        .map_err(|e| failed(&path, e))?;
    Ok(Written {
        path,
        created: true,
    })
}

/// A file's SHA-256, read in pieces.
fn sha256_of(path: &Path) -> std::io::Result<[u8; 32]> {
    let mut file = std::fs::File::open(path)?;
    let mut hash = Sha256::new();
    std::io::copy(&mut file, &mut hash)?;
    Ok(hash.finalize().into())
}

/// A writer that hashes what passes through it.
struct Hashing<W: Write> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn failed(path: &Path, e: std::io::Error) -> Failure {
    Failure::internal(format!("cannot write the report {}: {e}", path.display()))
        .with_detail_remedy(
            "nothing was recorded",
            crate::remedy::Remedy::WritableOutbox,
        )
}

/// A file name from a report's quarter and council id: anything but letters, digits, `-`, `_`
/// and `.` becomes `_`, and a leading `.` too, so an id recorded before ids were bounded (e.g.
/// `../../../tmp/x`) never names a path outside the outbox.
fn file_stem(stem: &str) -> String {
    let safe: String = stem
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' | '.' => c,
            _ => '_',
        })
        .collect();
    match safe.strip_prefix('.') {
        Some(rest) => format!("_{rest}"),
        None => safe,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stem_never_leaves_the_outbox() {
        assert_eq!(file_stem("2008-09-Q3-bromsgrove"), "2008-09-Q3-bromsgrove");
        assert_eq!(
            file_stem("2008-09-Q3-../../../tmp/x"),
            "2008-09-Q3-.._.._.._tmp_x"
        );
        assert_eq!(file_stem("../x"), "_._x");
    }

    #[test]
    fn written_whole_reused_when_the_same_and_numbered_when_not() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "q", b"one").unwrap();
        assert!(a.created && a.path.ends_with("q.md"));
        let again = write(dir.path(), "q", b"one").unwrap();
        assert!(!again.created && again.path == a.path);
        let b = write(dir.path(), "q", b"two").unwrap();
        assert!(b.path.ends_with("q-2.md"));
        b.withdraw();
        again.withdraw();
        assert_eq!(std::fs::read(&a.path).unwrap(), b"one");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_outbox_under_a_file_is_a_failure_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").unwrap();
        let e = write(&file.join("outbox"), "q", b"one").unwrap_err();
        assert!(e.message.contains("not-a-dir/outbox"), "{}", e.message);
    }
}
