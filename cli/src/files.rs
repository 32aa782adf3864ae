//! Writing a file the user named so that a crash leaves the old file or the whole new one: written
//! beside its final name, synced, renamed into place, then the directory synced so the rename
//! itself survives a power cut (the same protocol the scheduler publishes reports by).

use engine::Failure;
use std::fs::File;
use std::path::{Path, PathBuf};

/// A file being written beside `path`; [`Partial::commit`] puts it in place.
pub struct Partial {
    tmp: PathBuf,
    path: PathBuf,
    pub file: File,
}

impl Partial {
    /// Starts writing `path` (as `path.partial`).
    pub fn create(path: &Path) -> std::io::Result<Partial> {
        let tmp = path.with_extension("partial");
        let file = File::create(&tmp)?;
        Ok(Partial {
            tmp,
            path: path.to_path_buf(),
            file,
        })
    }

    /// Syncs the file, renames it into place and syncs its directory.
    pub fn commit(self) -> Result<(), Failure> {
        self.file.sync_all()?;
        std::fs::rename(&self.tmp, &self.path)?;
        let dir = match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        File::open(dir)?.sync_all()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_committed_file_replaces_the_old_and_leaves_no_partial() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").unwrap();
        let mut partial = Partial::create(&path).unwrap();
        partial.file.write_all(b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        partial.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert!(!dir.path().join("out.partial").exists());
    }
}
