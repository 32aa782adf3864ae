//! Paths a command writes (or reads a key from) must lie outside the store's directory, so that
//! no `--out` can replace the log or an index file, and no secret is kept where the store's
//! group can read it.
//!
//! The rule: a path is refused (exit 2) when, after resolving every symbolic link on the way
//! (the file's own included, even a dangling one), it is the store's directory or lies inside it
//! — except under `STORE/outbox/`, the contract's default outbox, which nothing in the store
//! reads. A sibling such as `store.proof` beside `store/` is outside and allowed.

use crate::error::{Failure, Result};
use std::path::{Path, PathBuf};

/// The outbox directory inside a store, the one place inside it a command may write to.
pub const OUTBOX_DIR: &str = "outbox";

/// Refuses `path` (what `flag` names, e.g. `--out`) if it resolves inside the store at
/// `store_location`; a database store, or a store directory that does not exist, has no inside.
pub fn refuse_inside_store(store_location: &str, path: &Path, flag: &str) -> Result<()> {
    if super::is_database_url(store_location) {
        return Ok(());
    }
    let Ok(store) = Path::new(store_location).canonicalize() else {
        return Ok(());
    };
    let Some(resolved) = resolve(path, 0) else {
        return Ok(());
    };
    if resolved.starts_with(store.join(OUTBOX_DIR)) && resolved != store.join(OUTBOX_DIR) {
        return Ok(());
    }
    if resolved == store.join(OUTBOX_DIR) && flag == "--outbox" {
        return Ok(());
    }
    if resolved.starts_with(&store) {
        return Err(Failure::usage(format!(
            "{flag} {} is inside the store at {}: nothing but the store may write there",
            path.display(),
            store.display()
        ))
        .with_detail("give a path outside the store's directory, e.g. beside it"));
    }
    Ok(())
}

/// Where writing `path` would land: its parent resolved, then the file itself followed if it is
/// a link (even one whose target does not exist yet). None when the parent does not exist.
fn resolve(path: &Path, depth: u32) -> Option<PathBuf> {
    if let Ok(real) = path.canonicalize() {
        return Some(real);
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.canonicalize().ok()?,
        _ => std::env::current_dir().ok()?,
    };
    let here = parent.join(path.file_name()?);
    match std::fs::read_link(&here) {
        Ok(target) if depth < 16 => resolve(&parent.join(target), depth + 1),
        Ok(_) => None,
        Err(_) => Some(here),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_the_store_is_refused_beside_it_allowed() {
        let tmp = tempfile::tempdir().unwrap();
        let store = tmp.path().join("store");
        std::fs::create_dir_all(store.join(OUTBOX_DIR)).unwrap();
        let at = store.display().to_string();
        let refused = |p: &Path, flag| {
            refuse_inside_store(&at, p, flag)
                .map(|()| false)
                .unwrap_or_else(|e| e.kind == crate::FailureKind::Usage)
        };
        assert!(refused(&store.join("events.jsonl"), "--out"));
        assert!(refused(&store.join("new.proof"), "--out"));
        assert!(refused(&store, "--outbox"));
        assert!(refused(&store.join("outbox/../x"), "--out"));
        assert!(!refused(&tmp.path().join("store.proof"), "--out"));
        assert!(!refused(&store.join(OUTBOX_DIR), "--outbox"));
        assert!(!refused(&store.join(OUTBOX_DIR).join("r.md"), "--out"));
        // A link beside the store pointing into it, dangling or not.
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(store.join("events.jsonl"), &link).unwrap();
        assert!(refused(&link, "--out"));
        assert!(!refused(&tmp.path().join("elsewhere"), "--out"));
        assert!(refuse_inside_store("postgres://x/y", &link, "--out").is_ok());
    }
}
