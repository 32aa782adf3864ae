//! Small projection snapshots (a few hundred bytes, such as the scheduler's due index), each in a
//! file of its own beside the log (`STORE/snapshot.<key>`), so reading one costs an `open` and a
//! `read` where the sled snapshot database costs milliseconds to open (see `snapshots.rs`).
//!
//! Like every snapshot, a file here is rebuildable and never the authority: it is written whole
//! (a temporary file, synced, then renamed over the old one), and it is read back only if its
//! digest matches, it names its own key and it was made from this log in this boot (the same
//! identity `snapshots.rs` checks). Anything else — absent, damaged, foreign, a link — is a miss.

use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// What a small snapshot's file name starts with.
pub const SMALL_SNAPSHOT_PREFIX: &str = "snapshot.";
/// The file layout; another first byte is a miss.
const FORMAT: u8 = 1;
/// The largest file read back: anything larger is not one of ours.
const MAX_BYTES: u64 = 1 << 20;

/// The file that holds `key`'s snapshot in `store_dir` (None: a key no file name can carry).
fn path_of(store_dir: &Path, key: &str) -> Option<PathBuf> {
    let name: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    // The name only finds the file; the key inside it is what is checked.
    (!key.is_empty() && key.len() <= 128)
        .then(|| store_dir.join(format!("{SMALL_SNAPSHOT_PREFIX}{name}")))
}

/// The file's bytes: format, SHA-256 of the rest, then the version, the log identity, the key and
/// the caller's bytes (each variable part after its u32 length).
fn encode(key: &str, version: u64, identity: &[u8], bytes: &[u8]) -> Vec<u8> {
    let mut rest = Vec::with_capacity(24 + identity.len() + key.len() + bytes.len());
    rest.extend_from_slice(&version.to_be_bytes());
    for part in [identity, key.as_bytes(), bytes] {
        rest.extend_from_slice(&(part.len() as u32).to_be_bytes());
        rest.extend_from_slice(part);
    }
    let mut file = vec![FORMAT];
    file.extend_from_slice(&Sha256::digest(&rest));
    file.extend_from_slice(&rest);
    file
}

/// The version and bytes in `file` if it is whole and was saved under `key` from this log.
fn decode(file: &[u8], key: &str, identity: &[u8]) -> Option<(u64, Vec<u8>)> {
    let (&format, file) = file.split_first()?;
    if format != FORMAT || file.len() < 32 {
        return None;
    }
    let (digest, rest) = file.split_at(32);
    if Sha256::digest(rest).as_slice() != digest {
        tracing::warn!("the saved {key} is damaged; rebuilding it from the log");
        return None;
    }
    let version = u64::from_be_bytes(rest.get(..8)?.try_into().ok()?);
    let mut at = &rest[8..];
    let mut part = || {
        let len = u32::from_be_bytes(at.get(..4)?.try_into().ok()?) as usize;
        let value = at.get(4..4 + len)?;
        at = &at[4 + len..];
        Some(value)
    };
    let (saved_identity, saved_key, bytes) = (part()?, part()?, part()?);
    (saved_identity == identity && saved_key == key.as_bytes()).then(|| (version, bytes.to_vec()))
}

/// The snapshot of `key` in `store_dir` (None: absent, damaged, foreign or unreadable).
pub(super) fn load(
    store_dir: &Path,
    key: &str,
    identity: impl FnOnce() -> Vec<u8>,
) -> Option<(u64, Vec<u8>)> {
    use std::os::unix::fs::OpenOptionsExt;
    let path = path_of(store_dir, key)?;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NOFOLLOW)
        .open(&path);
    let file = match file {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::warn!(
                "reading {}: {e}; rebuilding it from the log",
                path.display()
            );
            return None;
        }
    };
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_BYTES).read_to_end(&mut bytes).ok()?;
    decode(&bytes, key, &identity())
}

/// Saves `key`'s snapshot at `version` whole (temporary file, synced, renamed); failures are
/// logged, never the command's.
pub(super) fn save(store_dir: &Path, key: &str, version: u64, bytes: &[u8], identity: &[u8]) {
    let Some(path) = path_of(store_dir, key) else {
        return;
    };
    if let Err(e) = write_whole(&path, &encode(key, version, identity, bytes)) {
        tracing::warn!("saving {}: {e}", path.display());
    }
}

/// Writes `bytes` to `path` so that a reader finds the old file or the new one, never a mixture.
fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp); // a crashed writer's, with our pid
    let written = (|| {
        // create_new with O_NOFOLLOW: never writes through a link someone left in the store.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(nix::libc::O_NOFOLLOW)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_data()?;
        // rename replaces a link itself, never what it points to.
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// The file of `key`'s snapshot (tests damage it).
#[cfg(test)]
pub(super) fn file_of(store_dir: &Path, key: &str) -> PathBuf {
    path_of(store_dir, key).expect("a key a file can carry")
}
