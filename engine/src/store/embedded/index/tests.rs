//! The index against its own files: growth, reopening, interrupted updates, another boot.

use super::table::MIN_CAPACITY;
use super::*;

fn entry(seq: u64, stream: &str, version: u64) -> Entry {
    Entry {
        seq,
        stream: stream.into(),
        version,
        offset: (seq - 1) * 100,
        end: seq * 100,
    }
}

#[test]
fn streams_grow_past_the_first_table_and_survive_reopening() {
    let tmp = tempfile::tempdir().unwrap();
    let mut index = Index::open(tmp.path()).unwrap();
    assert!(!index.trusted);
    index.reset().unwrap();
    let n = 3 * MIN_CAPACITY;
    let entries: Vec<Entry> = (1..=n)
        .map(|seq| {
            entry(
                seq,
                &format!("s{}", seq % (n / 2)),
                1 + u64::from(seq > n / 2),
            )
        })
        .collect();
    for chunk in entries.chunks(500) {
        index.apply(chunk).unwrap();
    }
    drop(index);
    let index = Index::open(tmp.path()).unwrap();
    assert!(index.trusted);
    assert_eq!((index.indexed_seq, index.indexed_len), (n, n * 100));
    assert_eq!(
        index.stream("s5").unwrap(),
        Some(StreamHead {
            version: 2,
            last_seq: n / 2 + 5
        })
    );
    assert_eq!(
        index.place(n / 2 + 5).unwrap(),
        Place {
            offset: (n / 2 + 4) * 100,
            end: (n / 2 + 5) * 100,
            prev: 5
        }
    );
    assert_eq!(index.place(n).unwrap().end, n * 100);
    assert_eq!(index.stream("nope").unwrap(), None);
    assert!(index.streams("s1-").unwrap().is_empty());
    let names = index.streams("s1").unwrap();
    assert_eq!(names[0], "s1");
    assert!(names.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(index.streams("").unwrap().len() as u64, n / 2);
}

#[test]
fn an_interrupted_update_is_not_trusted() {
    let tmp = tempfile::tempdir().unwrap();
    let mut index = Index::open(tmp.path()).unwrap();
    index.reset().unwrap();
    index.apply(&[entry(1, "a", 1)]).unwrap();
    // As if killed between marking the meta dirty and writing it clean again.
    index.begin().unwrap();
    drop(index);
    assert!(!Index::open(tmp.path()).unwrap().trusted);
}

#[test]
fn another_boot_trusts_only_a_synced_index() {
    let tmp = tempfile::tempdir().unwrap();
    let mut index = Index::open(tmp.path()).unwrap();
    let mut builder = Builder::new();
    builder.push(1, "a", 1, 0, 10);
    index.install(builder).unwrap();
    // Pretend the meta was written during another boot.
    let other_boot = |index: &mut Index, flags: u64| {
        let mut buf = [0u8; META_LEN];
        index.meta.read_exact_at(&mut buf, 0).unwrap();
        buf[24..32].copy_from_slice(&flags.to_le_bytes());
        buf[32] = !boot_id()[0];
        let sum = fnv1a(&buf[..56]);
        buf[56..64].copy_from_slice(&sum.to_le_bytes());
        index.meta.write_all_at(&buf, 0).unwrap();
    };
    other_boot(&mut index, FLAG_SYNCED);
    assert!(Index::open(tmp.path()).unwrap().trusted);
    other_boot(&mut index, 0);
    assert!(!Index::open(tmp.path()).unwrap().trusted);
}
