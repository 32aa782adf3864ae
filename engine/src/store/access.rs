//! Who may open an embedded store: its owner alone, or also the members of one operating-system
//! group (several officers on one server, each logged in as themselves).
//!
//! The directory carries the decision: mode 0700, or 2770 with the group (setgid, so every file
//! made in it later takes the group whoever makes it). Each process that opens the store sets its
//! umask from the directory's mode, so the files it creates (the log, the index, sled's snapshot
//! files, which we do not create ourselves) are 0600 or 0660 to match.

use crate::error::{Failure, Result};
use nix::sys::stat::Mode;
use nix::unistd::{AccessFlags, Gid, Group, Uid, User};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

/// Who may open an embedded store besides its owner.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum StoreAccess {
    /// Only the account that owns the store (mode 0700).
    #[default]
    Owner,
    /// The owner and the members of this group (mode 2770).
    Group(String),
}

impl StoreAccess {
    /// `Group(name)` when a group is named, else `Owner`.
    pub fn group(name: Option<&str>) -> StoreAccess {
        name.map_or(StoreAccess::Owner, |g| StoreAccess::Group(g.to_string()))
    }
}

/// Mode of a private store's directory.
const PRIVATE_DIR_MODE: u32 = 0o700;
/// Mode of a group's store directory: setgid, so files made in it take its group.
const GROUP_DIR_MODE: u32 = 0o2770;

/// The group's id, if this process may share a store with it: the group exists and we are in it.
fn member_group(name: &str) -> Result<Gid> {
    let group = Group::from_name(name)
        .map_err(|e| Failure::internal(format!("cannot read the group database: {e}")))?
        .ok_or_else(|| {
            Failure::usage(format!(
                "store_group {name:?} names no group on this machine"
            ))
            .with_detail(format!(
                "create it (groupadd {name}) and add the officers to it, or fix store_group in the partnership file"
            ))
        })?;
    let gid = group.gid;
    let root = Uid::effective().is_root();
    let member = Gid::effective() == gid
        || nix::unistd::getgroups()
            .map_err(|e| Failure::internal(format!("cannot read this process's groups: {e}")))?
            .contains(&gid);
    if !root && !member {
        return Err(Failure::usage(format!(
            "this account is not a member of the group {name:?}, so it cannot share the store with it"
        ))
        .with_detail(format!(
            "ask an administrator to add you (usermod -aG {name} YOUR-USER) and log in again, or fix store_group"
        )));
    }
    Ok(gid)
}

/// Makes a new store directory for `access`; refuses a directory that holds anything already.
pub(crate) fn create_dir(dir: &Path, access: &StoreAccess, log_file: &str) -> Result<()> {
    // Resolved first: a bad group leaves nothing behind.
    let gid = match access {
        StoreAccess::Owner => None,
        StoreAccess::Group(name) => Some(member_group(name)?),
    };
    if dir.exists() {
        let empty = dir.read_dir()?.next().is_none();
        if !empty {
            if dir.join(log_file).exists() {
                return Err(Failure::conflict(format!(
                    "a concordat store already exists at {}",
                    dir.display()
                ))
                .with_detail("choose another --store directory, or use the store that is there"));
            }
            return Err(
                Failure::usage(format!("{} exists and is not empty", dir.display()))
                    .with_detail("name a new or empty directory for the store"),
            );
        }
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, PRIVATE_DIR_MODE);
    builder.create(dir)?;
    // An empty directory that was already there keeps whatever mode it had: set it.
    let mode = if let Some(gid) = gid {
        std::os::unix::fs::chown(dir, None, Some(gid.as_raw()))?;
        GROUP_DIR_MODE
    } else {
        PRIVATE_DIR_MODE
    };
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))?;
    Ok(())
}

/// Refuses (exit 5) an account the store's permissions keep out, naming who they let in.
pub(crate) fn check_can_open(dir: &Path, log_file: &str) -> Result<()> {
    let rw = AccessFlags::R_OK | AccessFlags::W_OK;
    let allowed = nix::unistd::access(dir, rw | AccessFlags::X_OK).is_ok()
        && nix::unistd::access(&dir.join(log_file), rw).is_ok();
    if allowed {
        return Ok(());
    }
    let who = match std::fs::metadata(dir) {
        Ok(meta) if meta.mode() & 0o070 != 0 => format!(
            "it is shared by its owner ({}) with the group {}: ask the owner to add you to that group",
            user_name(meta.uid()),
            group_name(meta.gid())
        ),
        Ok(meta) => format!(
            "it is private to its owner ({}): run concordat as that account, or ask them to share it (store_group in the partnership file)",
            user_name(meta.uid())
        ),
        Err(_) => "its directory cannot be read by this account".to_string(),
    };
    Err(Failure::not_permitted(format!(
        "this account ({}) may not open the store at {}",
        user_name(Uid::current().as_raw()),
        dir.display()
    ))
    .with_detail(who))
}

/// Sets this process's umask from the store directory's mode, so every file the store creates is
/// readable and writable by exactly the accounts the directory lets in.
pub(crate) fn adopt_umask(dir: &Path) -> Result<()> {
    let group_shared = std::fs::metadata(dir)?.mode() & 0o070 != 0;
    let mask = if group_shared { 0o007 } else { 0o077 };
    nix::sys::stat::umask(Mode::from_bits_truncate(mask));
    Ok(())
}

/// Gives the store's directory and every file in it to `access`: the group and mode 2770/0660, or
/// back to the owner alone (0700/0600). Only the files' owner (or root) can do this.
pub(crate) fn share(dir: &Path, access: &StoreAccess) -> Result<()> {
    let gid = match access {
        StoreAccess::Owner => None,
        StoreAccess::Group(name) => Some(member_group(name)?),
    };
    let meta = std::fs::metadata(dir)?;
    let already = match gid {
        Some(gid) => meta.gid() == gid.as_raw() && meta.mode() & 0o7777 == GROUP_DIR_MODE,
        None => meta.mode() & 0o077 == 0,
    };
    if already {
        return Ok(());
    }
    set_tree(dir, gid).map_err(|e| {
        if e.kind() == std::io::ErrorKind::PermissionDenied {
            Failure::not_permitted(format!(
                "this account cannot change who shares the store at {}: {e}",
                dir.display()
            ))
            .with_detail("only the account that owns the store's files (or root) can; ask them to make the amendment")
        } else {
            e.into()
        }
    })?;
    adopt_umask(dir)
}

fn set_tree(path: &Path, gid: Option<Gid>) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    let mode = match (meta.is_dir(), gid) {
        (true, Some(_)) => GROUP_DIR_MODE,
        (true, None) => PRIVATE_DIR_MODE,
        (false, Some(_)) => 0o660,
        (false, None) => 0o600,
    };
    if let Some(gid) = gid {
        std::os::unix::fs::chown(path, None, Some(gid.as_raw()))?;
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    if meta.is_dir() {
        for entry in std::fs::read_dir(path)? {
            set_tree(&entry?.path(), gid)?;
        }
    }
    Ok(())
}

fn user_name(uid: u32) -> String {
    match User::from_uid(Uid::from_raw(uid)) {
        Ok(Some(user)) => user.name,
        _ => format!("uid {uid}"),
    }
}

fn group_name(gid: u32) -> String {
    match Group::from_gid(Gid::from_raw(gid)) {
        Ok(Some(group)) => group.name,
        _ => format!("gid {gid}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_private_store_directory_is_its_owners_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("store");
        create_dir(&dir, &StoreAccess::Owner, "events.jsonl").unwrap();
        assert_eq!(std::fs::metadata(&dir).unwrap().mode() & 0o7777, 0o700);
    }

    #[test]
    fn a_group_store_directory_takes_the_group_and_passes_it_on() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("store");
        let mine = Group::from_gid(Gid::effective())
            .unwrap()
            .expect("our group has a name");
        create_dir(&dir, &StoreAccess::Group(mine.name.clone()), "events.jsonl").unwrap();
        let meta = std::fs::metadata(&dir).unwrap();
        assert_eq!(meta.mode() & 0o7777, 0o2770);
        assert_eq!(meta.gid(), mine.gid.as_raw());
    }

    #[test]
    fn an_unknown_group_is_refused_before_anything_is_made() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("store");
        let err = create_dir(
            &dir,
            &StoreAccess::Group("no-such-group-anywhere".into()),
            "events.jsonl",
        )
        .unwrap_err();
        assert_eq!(err.kind, crate::FailureKind::Usage);
        assert!(err.message.contains("no-such-group-anywhere"), "{err:?}");
        assert!(!dir.exists());
    }

    #[test]
    fn sharing_and_unsharing_reaches_every_file() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("store");
        create_dir(&dir, &StoreAccess::Owner, "events.jsonl").unwrap();
        std::fs::create_dir(dir.join("idx")).unwrap();
        std::fs::write(dir.join("idx/meta"), b"x").unwrap();
        let mine = Group::from_gid(Gid::effective())
            .unwrap()
            .expect("our group has a name");
        share(&dir, &StoreAccess::Group(mine.name)).unwrap();
        let mode = |p: &str| std::fs::metadata(dir.join(p)).unwrap().mode() & 0o7777;
        assert_eq!(mode(""), 0o2770);
        assert_eq!(mode("idx"), 0o2770);
        assert_eq!(mode("idx/meta"), 0o660);
        share(&dir, &StoreAccess::Owner).unwrap();
        assert_eq!(mode(""), 0o700);
        assert_eq!(mode("idx"), 0o700);
        assert_eq!(mode("idx/meta"), 0o600);
    }
}
