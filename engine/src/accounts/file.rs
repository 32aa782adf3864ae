//! The accounts of an embedded store: `STORE/accounts.json`, a JSON object actor → hash, readable
//! and writable by exactly the accounts that may open the log (0600, or 0660 with the store's
//! group), replaced atomically (write a temporary file, sync it, rename it over the old one).

use super::Accounts;
use crate::error::{Failure, Result};
use crate::store::LOG_FILE;
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The accounts file's name inside the store's directory.
pub const ACCOUNTS_FILE: &str = "accounts.json";

/// Accounts kept in a file beside the log.
pub struct FileAccounts {
    dir: PathBuf,
}

impl FileAccounts {
    /// The accounts of the embedded store in `dir` (nothing is read yet).
    pub fn new(dir: &Path) -> FileAccounts {
        FileAccounts {
            dir: dir.to_path_buf(),
        }
    }

    fn path(&self) -> PathBuf {
        self.dir.join(ACCOUNTS_FILE)
    }

    fn read(&self) -> Result<BTreeMap<String, String>> {
        match std::fs::read(self.path()) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Failure::integrity(format!("{} is not an accounts file: {e}", self.path().display()))
                    .with_detail("restore it from a backup, or remove it and add the accounts again with `concordat user add`")
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(e.into()),
        }
    }

    /// The file's mode: the log's read/write bits, so exactly who may open the store may read it.
    fn mode(&self) -> Result<u32> {
        let log = std::fs::metadata(self.dir.join(LOG_FILE)).map_err(|e| {
            Failure::usage(format!("there is no store at {}: {e}", self.dir.display()))
                .with_detail("give the --store of an existing store")
        })?;
        Ok(log.permissions().mode() & 0o660)
    }

    fn write(&self, all: &BTreeMap<String, String>) -> Result<()> {
        let mode = self.mode()?;
        let tmp = self.dir.join(format!("{ACCOUNTS_FILE}.tmp"));
        let _ = std::fs::remove_file(&tmp);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)?;
        // The umask may have taken bits off: set them as meant.
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
        let text = serde_json::to_vec_pretty(all).map_err(|e| Failure::internal(e.to_string()))?;
        file.write_all(&text)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, self.path())?;
        std::fs::File::open(&self.dir)?.sync_all()?;
        Ok(())
    }
}

#[async_trait]
impl Accounts for FileAccounts {
    async fn get(&self, actor: &str) -> Result<Option<String>> {
        Ok(self.read()?.remove(actor))
    }

    async fn put(&self, actor: &str, hash: &str) -> Result<()> {
        let mut all = self.read()?;
        all.insert(actor.to_string(), hash.to_string());
        self.write(&all)
    }

    async fn remove(&self, actor: &str) -> Result<bool> {
        let mut all = self.read()?;
        let had = all.remove(actor).is_some();
        if had {
            self.write(&all)?;
        }
        Ok(had)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn accounts_are_kept_with_the_log_s_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join(LOG_FILE);
        std::fs::write(&log, b"").unwrap();
        std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o600)).unwrap();
        let accounts = FileAccounts::new(dir.path());
        assert_eq!(accounts.get("jce").await.unwrap(), None);
        accounts.put("jce", "$argon2id$x").await.unwrap();
        accounts.put("audit", "$argon2id$y").await.unwrap();
        assert_eq!(
            accounts.get("jce").await.unwrap().as_deref(),
            Some("$argon2id$x")
        );
        let mode = std::fs::metadata(dir.path().join(ACCOUNTS_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(accounts.remove("jce").await.unwrap());
        assert!(!accounts.remove("jce").await.unwrap());
        assert_eq!(accounts.get("jce").await.unwrap(), None);
        assert!(accounts.get("audit").await.unwrap().is_some());
    }

    #[tokio::test]
    async fn a_directory_without_a_log_is_no_store() {
        let dir = tempfile::tempdir().unwrap();
        let e = FileAccounts::new(dir.path())
            .put("jce", "h")
            .await
            .unwrap_err();
        assert_eq!(e.kind, crate::FailureKind::Usage);
    }
}
