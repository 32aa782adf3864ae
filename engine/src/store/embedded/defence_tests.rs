//! The store defends its log: damage to the rebuildable index never gives a wrong answer or
//! lets an append write what the log contradicts; a log shorter than what was acknowledged is
//! refused, then restored or its loss accepted; links are never followed.

use super::index::INDEX_DIR;
use super::tests::{filled, log_ok, request, snapshot};
use super::*;
use crate::FailureKind;

/// A directory on tmpfs where there is one, so the sweep's many rebuilds (each syncing) stay fast.
fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::tempdir_in(shm) {
            return dir;
        }
    }
    tempfile::tempdir().unwrap()
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else if entry.file_name() != "lock" {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `dir`, relative to the store, in a fixed order.
fn files_under(store: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if entry.file_type().unwrap().is_dir() {
            files_under(store, &entry.path(), out);
        } else {
            out.push(entry.path().strip_prefix(store).unwrap().to_path_buf());
        }
    }
}

/// A small store with streams in several namespaces.
async fn pristine(dir: &Path) {
    let store = EmbeddedStore::open(dir, OpenMode::Create, Duration::ZERO).unwrap();
    for (i, stream) in [
        "partnership",
        "proposal-elections",
        "proposal-audit",
        "reminder-q1",
        "proposal-elections",
        "milestone-go-live",
        "proposal-audit",
        "proposal-elections",
        "reminder-q2",
        "checkpoints",
    ]
    .iter()
    .enumerate()
    {
        store
            .append(request(stream, None, 1 + i % 3))
            .await
            .unwrap();
    }
}

type Truth = (Head, Vec<String>, Vec<Vec<Event>>, Vec<Event>);

/// Opens the damaged copy and checks every answer against the truth, then that an append the
/// log forbids is refused and one it allows is numbered as the log says.
async fn answers_truly(dir: &Path, truth: &Truth, what: &str) {
    let store = EmbeddedStore::open(dir, OpenMode::Existing, Duration::ZERO)
        .unwrap_or_else(|e| panic!("{what}: open failed: {e:?}"));
    assert_eq!(&snapshot(&store).await, truth, "{what}");
    let proposals: Vec<String> = truth
        .1
        .iter()
        .filter(|s| s.starts_with("proposal-"))
        .cloned()
        .collect();
    assert_eq!(
        store.streams("proposal-").await.unwrap(),
        proposals,
        "{what}"
    );
    for (name, events) in truth.1.iter().zip(&truth.2) {
        assert_eq!(
            store.stream_version(name).await.unwrap(),
            events.len() as u64,
            "{what}: {name}"
        );
    }
    let err = store
        .append(request("proposal-elections", Some(0), 1))
        .await
        .unwrap_err();
    assert_eq!(err.kind, FailureKind::Conflict, "{what}: {err:?}");
    let versions = truth.2[truth.1.iter().position(|s| s == "proposal-audit").unwrap()].len();
    let written = store
        .append(request("proposal-audit", Some(versions as u64), 1))
        .await
        .unwrap_or_else(|e| panic!("{what}: append failed: {e:?}"));
    assert_eq!(written[0].version, versions as u64 + 1, "{what}");
    assert_eq!(written[0].seq, truth.0.seq + 1, "{what}");
}

/// Damages one byte at a time (xor with a seeded non-zero byte) of the chosen files and offsets,
/// each on a fresh copy of the store.
async fn sweep(sample_elsewhere: Option<usize>) {
    let tmp = scratch();
    let clean = tmp.path().join("clean");
    pristine(&clean).await;
    let truth =
        snapshot(&EmbeddedStore::open(&clean, OpenMode::Existing, Duration::ZERO).unwrap()).await;
    let mut files = Vec::new();
    files_under(&clean, &clean.join(INDEX_DIR), &mut files);
    files.push(PathBuf::from(witness::WITNESS_FILE));
    let mut targets: Vec<(PathBuf, u64)> = Vec::new();
    let mut elsewhere: Vec<(PathBuf, u64)> = Vec::new();
    for file in &files {
        let len = std::fs::metadata(clean.join(file)).unwrap().len();
        let every = ["meta", "names", "seqs"].iter().any(|n| file.ends_with(n));
        let list = if every { &mut targets } else { &mut elsewhere };
        list.extend((0..len).map(|at| (file.clone(), at)));
    }
    let mut rng: u64 = 0x2008_0917;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    match sample_elsewhere {
        Some(n) => {
            for _ in 0..n {
                let pick = (next() % elsewhere.len() as u64) as usize;
                targets.push(elsewhere[pick].clone());
            }
        }
        None => targets.extend(elsewhere),
    }
    let work = tmp.path().join("work");
    for (file, at) in targets {
        let _ = std::fs::remove_dir_all(&work);
        copy_tree(&clean, &work);
        let path = work.join(&file);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[at as usize] ^= (next() % 255 + 1) as u8;
        std::fs::write(&path, &bytes).unwrap();
        answers_truly(&work, &truth, &format!("{} byte {at}", file.display())).await;
        assert!(log_ok(&work));
    }
}

#[tokio::test]
async fn damage_to_the_index_never_gives_a_wrong_answer_or_a_wrong_append() {
    sweep(Some(2000)).await;
}

/// Every byte of every index file (minutes in a debug build): `cargo test -- --ignored`.
#[tokio::test]
#[ignore]
async fn damage_to_any_byte_of_the_index_never_gives_a_wrong_answer() {
    sweep(None).await;
}

#[tokio::test]
async fn a_zeroed_slot_is_not_taken_for_a_free_one() {
    let tmp = scratch();
    let dir = tmp.path().join("store");
    pristine(&dir).await;
    let truth =
        snapshot(&EmbeddedStore::open(&dir, OpenMode::Existing, Duration::ZERO).unwrap()).await;
    let path = dir.join(INDEX_DIR).join("streams");
    let mut table = std::fs::read(&path).unwrap();
    table[64..].fill(0);
    std::fs::write(&path, &table).unwrap();
    answers_truly(&dir, &truth, "zeroed table").await;
}

/// Cuts the log after its `keep`th line.
fn shorten(dir: &Path, keep: usize) -> Vec<u8> {
    let text = std::fs::read(dir.join(LOG_FILE)).unwrap();
    let end = text
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(keep - 1)
        .unwrap()
        .0
        + 1;
    std::fs::write(dir.join(LOG_FILE), &text[..end]).unwrap();
    text
}

#[tokio::test]
async fn a_shortened_log_is_refused_then_restored_from_a_copy() {
    let tmp = scratch();
    let dir = tmp.path().join("store");
    let store = filled(&dir, 10).await;
    let full = store.read_from(1).await.unwrap();
    drop(store);
    let original = shorten(&dir, 6);
    let err = EmbeddedStore::open(&dir, OpenMode::Existing, Duration::ZERO)
        .err()
        .unwrap();
    assert_eq!(err.kind, FailureKind::Integrity);
    assert!(err.message.contains("seqs 7 to 15"), "{}", err.message);
    // Opened despite the loss: reads answer from what is there, appends are refused.
    let store = EmbeddedStore::open_despite_loss(&dir, Duration::ZERO).unwrap();
    let shortfall = store.shortfall().unwrap();
    assert_eq!(shortfall.missing(), Some((7, 15)));
    assert_eq!(store.read_from(1).await.unwrap(), full[..6]);
    assert!(store.append(request("s0", None, 1)).await.is_err());
    // A copy whose event 9 was edited is refused; the untouched one restores every event.
    let mut edited = full[6..].to_vec();
    edited[2].data = serde_json::json!({"i": 99});
    assert_eq!(
        store.restore(&edited).unwrap_err().kind,
        FailureKind::Integrity
    );
    assert_eq!(store.restore(&full[6..]).unwrap().seq, 15);
    store.append(request("s0", None, 1)).await.unwrap();
    drop(store);
    let text = std::fs::read(dir.join(LOG_FILE)).unwrap();
    assert!(text.starts_with(&original));
    assert!(log_ok(&dir));
    assert_eq!(open_ok(&dir).head().await.unwrap().seq, 16);
}

fn open_ok(dir: &Path) -> EmbeddedStore {
    EmbeddedStore::open(dir, OpenMode::Existing, Duration::ZERO).unwrap()
}

#[tokio::test]
async fn a_loss_accepted_stands_once_recorded() {
    let tmp = scratch();
    let dir = tmp.path().join("store");
    drop(filled(&dir, 10).await);
    shorten(&dir, 6);
    let store = EmbeddedStore::open_despite_loss(&dir, Duration::ZERO).unwrap();
    assert_eq!(store.accept_loss(5).unwrap_err().kind, FailureKind::Usage);
    let lost = store.accept_loss(6).unwrap();
    assert_eq!(lost.missing(), Some((7, 15)));
    let written = store.append(request("store", None, 1)).await.unwrap();
    assert_eq!(written[0].seq, 7);
    drop(store);
    assert_eq!(open_ok(&dir).head().await.unwrap().seq, 7);
    assert!(log_ok(&dir));
}

#[tokio::test]
async fn a_partial_line_inside_what_was_acknowledged_is_not_cut() {
    let tmp = scratch();
    let dir = tmp.path().join("store");
    drop(filled(&dir, 4).await);
    let text = std::fs::read(dir.join(LOG_FILE)).unwrap();
    // Half the log: it ends inside an acknowledged line.
    let half = text.len() / 2 + 7;
    assert_ne!(text[half - 1], b'\n');
    std::fs::write(dir.join(LOG_FILE), &text[..half]).unwrap();
    let err = EmbeddedStore::open(&dir, OpenMode::Existing, Duration::ZERO)
        .err()
        .unwrap();
    assert_eq!(err.kind, FailureKind::Integrity);
    assert!(err.message.contains("no whole event"), "{}", err.message);
    assert_eq!(
        std::fs::metadata(dir.join(LOG_FILE)).unwrap().len(),
        half as u64
    );
}

#[tokio::test]
async fn a_linked_log_is_refused_and_its_target_untouched() {
    let tmp = scratch();
    let dir = tmp.path().join("store");
    drop(filled(&dir, 3).await);
    let elsewhere = tmp.path().join("elsewhere.jsonl");
    std::fs::rename(dir.join(LOG_FILE), &elsewhere).unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(&elsewhere)
        .unwrap()
        .write_all(b"{\"seq\":9")
        .unwrap();
    let len = std::fs::metadata(&elsewhere).unwrap().len();
    std::os::unix::fs::symlink(&elsewhere, dir.join(LOG_FILE)).unwrap();
    let err = EmbeddedStore::open(&dir, OpenMode::Existing, Duration::ZERO)
        .err()
        .unwrap();
    assert_eq!(err.kind, FailureKind::Integrity);
    assert!(err.message.contains("symbolic link"));
    assert_eq!(std::fs::metadata(&elsewhere).unwrap().len(), len);
}

#[tokio::test]
async fn an_index_file_replaced_by_a_link_is_not_written_through() {
    let tmp = scratch();
    let dir = tmp.path().join("store");
    drop(filled(&dir, 3).await);
    let private = tmp.path().join("private");
    std::fs::write(&private, b"the owner's own file").unwrap();
    let seqs = dir.join(INDEX_DIR).join("seqs");
    std::fs::remove_file(&seqs).unwrap();
    std::os::unix::fs::symlink(&private, &seqs).unwrap();
    let store = open_ok(&dir);
    assert_eq!(store.read_from(1).await.unwrap().len(), 4);
    store.append(request("s1", None, 1)).await.unwrap();
    assert_eq!(std::fs::read(&private).unwrap(), b"the owner's own file");
    assert!(!std::fs::symlink_metadata(&seqs).unwrap().is_symlink());
}
