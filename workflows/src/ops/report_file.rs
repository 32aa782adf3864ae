//! An issued report's file, checked against the SHA-256 the log recorded when it was issued: a file
//! that no longer matches is never handed out as the report.

use sha2::{Digest, Sha256};
use std::path::Path;

/// What the file of an issued report holds now, against the hash the log recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileCheck {
    Matches,
    Differs,
    Missing,
}

/// Why an issued report's file cannot be handed out.
#[derive(Debug)]
pub enum Unfit {
    /// The file cannot be read (moved, deleted, no permission).
    Unreadable(std::io::Error),
    /// The file reads, but its SHA-256 is not the one recorded.
    Changed,
}

/// The bytes of the file at `path` when they still hash to `sha256` (hex, as the log records it).
pub fn read_checked(path: &Path, sha256: &str) -> Result<Vec<u8>, Unfit> {
    let bytes = std::fs::read(path).map_err(Unfit::Unreadable)?;
    if hex::encode(Sha256::digest(&bytes)) == sha256 {
        Ok(bytes)
    } else {
        Err(Unfit::Changed)
    }
}

/// Whether the file at `path` is still the one whose SHA-256 was recorded.
pub fn check(path: &Path, sha256: &str) -> FileCheck {
    match read_checked(path, sha256) {
        Ok(_) => FileCheck::Matches,
        Err(Unfit::Changed) => FileCheck::Differs,
        Err(Unfit::Unreadable(_)) => FileCheck::Missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_matches_only_its_recorded_hash() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.md");
        std::fs::write(&path, b"abc").unwrap();
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(read_checked(&path, abc).unwrap(), b"abc");
        assert_eq!(check(&path, abc), FileCheck::Matches);
        std::fs::write(&path, b"abd").unwrap();
        assert!(matches!(read_checked(&path, abc), Err(Unfit::Changed)));
        assert_eq!(check(&path, abc), FileCheck::Differs);
        assert_eq!(check(&dir.path().join("gone.md"), abc), FileCheck::Missing);
    }
}
