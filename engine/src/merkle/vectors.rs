//! Known-answer tests: the RFC 6962 test vectors as published by transparency-dev/merkle
//! (`proof/verify_test.go`: `leaves`, `roots`, `inclusionProofs`, `consistencyProofs`), checked
//! against both the prover and the verifier, plus the corruptions that file applies.

use super::*;

/// The eight leaf inputs (not hashes).
const LEAVES: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

/// The root of the tree of the first `i + 1` leaves.
const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// (1-based leaf, tree size, audit path).
const INCLUSION: [(u64, u64, &[&str]); 5] = [
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        3,
        3,
        &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    ),
    (
        2,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

/// (old size, new size, proof).
const CONSISTENCY: [(u64, u64, &[&str]); 5] = [
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
];

const EMPTY_TREE: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn h(text: &str) -> Hash {
    let mut raw = [0u8; 32];
    hex::decode_to_slice(text, &mut raw).unwrap();
    Hash(raw)
}

fn hashes(list: &[&str]) -> Vec<Hash> {
    list.iter().map(|s| h(s)).collect()
}

fn tree() -> MerkleLog {
    MerkleLog::from_leaves(LEAVES.iter().map(|l| leaf_hash(&hex::decode(l).unwrap())))
}

fn flip(proof: &[Hash], i: usize, mask: u8) -> Vec<Hash> {
    let mut p = proof.to_vec();
    p[i].0[0] ^= mask;
    p
}

#[test]
fn roots_at_every_size() {
    let t = tree();
    assert_eq!(t.root(0).unwrap(), h(EMPTY_TREE));
    for (i, root) in ROOTS.iter().enumerate() {
        assert_eq!(t.root(i as u64 + 1).unwrap(), h(root), "size {}", i + 1);
    }
    assert!(t.root(9).is_err());
}

#[test]
fn inclusion_proofs_match_and_verify() {
    let t = tree();
    for (leaf, size, path) in INCLUSION {
        let index = leaf - 1;
        let want = hashes(path);
        assert_eq!(
            t.prove_inclusion(index, size).unwrap(),
            want,
            "{leaf}@{size}"
        );
        let root = h(ROOTS[size as usize - 1]);
        let lh = leaf_hash(&hex::decode(LEAVES[index as usize]).unwrap());
        verify_inclusion(lh, index, size, &want, root).unwrap();

        // The corruptions of transparency-dev's corruptInclusionProof: each must fail.
        let mut bad: Vec<(u64, u64, Hash, Vec<Hash>, Hash)> = vec![
            (index.wrapping_sub(1), size, lh, want.clone(), root),
            (index + 1, size, lh, want.clone(), root),
            (index ^ 2, size, lh, want.clone(), root),
            (index, size * 2, lh, want.clone(), root),
            (index, size / 2, lh, want.clone(), root),
            (index, size, leaf_hash(b"WrongLeaf"), want.clone(), root),
            (index, size, lh, want.clone(), h(EMPTY_TREE)),
            (index, size, lh, [want.clone(), vec![root]].concat(), root),
            (index, size, lh, [vec![root], want.clone()].concat(), root),
        ];
        for i in 0..want.len() {
            bad.push((index, size, lh, flip(&want, i, 8), root));
        }
        if !want.is_empty() {
            bad.push((index, size, lh, want[..want.len() - 1].to_vec(), root));
        }
        for (n, (i, s, l, p, r)) in bad.into_iter().enumerate() {
            assert!(
                verify_inclusion(l, i, s, &p, r).is_err(),
                "corruption {n} of {leaf}@{size} verified"
            );
        }
    }
}

#[test]
fn consistency_proofs_match_and_verify() {
    let t = tree();
    for (old, new, path) in CONSISTENCY {
        let want = hashes(path);
        assert_eq!(t.prove_consistency(old, new).unwrap(), want, "{old}->{new}");
        let (r1, r2) = (h(ROOTS[old as usize - 1]), h(ROOTS[new as usize - 1]));
        verify_consistency(old, r1, new, r2, &want).unwrap();
        if want.is_empty() {
            continue;
        }
        // The corruptions of transparency-dev's corruptConsistencyProof: each must fail.
        let mut bad: Vec<(u64, u64, Hash, Hash, Vec<Hash>)> = vec![
            (old - 1, new, r1, r2, want.clone()),
            (old + 1, new, r1, r2, want.clone()),
            (old ^ 2, new, r1, r2, want.clone()),
            (old, new * 2, r1, r2, want.clone()),
            (old, new / 2, r1, r2, want.clone()),
            (old, new, leaf_hash(b"WrongRoot"), r2, want.clone()),
            (old, new, r1, leaf_hash(b"WrongRoot"), want.clone()),
            (old, new, r2, r1, want.clone()),
            (old, new, r1, r2, Vec::new()),
            (old, new, r1, r2, [want.clone(), vec![r1]].concat()),
            (old, new, r1, r2, [want.clone(), vec![r2]].concat()),
            (old, new, r1, r2, [vec![r1], want.clone()].concat()),
            (old, new, r1, r2, [vec![r2], want.clone()].concat()),
            (old, new, r1, r2, [vec![want[0]], want.clone()].concat()),
            (old, new, r1, r2, want[..want.len() - 1].to_vec()),
        ];
        for i in 0..want.len() {
            bad.push((old, new, r1, r2, flip(&want, i, 16)));
        }
        for (n, (o, s, a, b, p)) in bad.into_iter().enumerate() {
            assert!(
                verify_consistency(o, a, s, b, &p).is_err(),
                "corruption {n} of {old}->{new} verified"
            );
        }
    }
}

#[test]
fn edge_cases_of_rfc_9162() {
    let some = leaf_hash(b"x");
    let empty = h(EMPTY_TREE);
    assert!(verify_consistency(0, empty, 0, empty, &[]).is_ok());
    assert!(verify_consistency(0, empty, 5, some, &[]).is_ok());
    assert!(verify_consistency(0, empty, 5, some, &[empty]).is_err());
    assert!(verify_consistency(1, some, 1, some, &[]).is_ok());
    assert!(verify_consistency(1, some, 1, empty, &[]).is_err());
    assert!(verify_consistency(2, some, 1, some, &[]).is_err());
    assert!(verify_consistency(1, some, 2, some, &[]).is_err());
    for (i, s) in [(0, 0), (1, 0), (2, 1)] {
        assert!(verify_inclusion(some, i, s, &[], some).is_err());
    }
    assert!(verify_inclusion(some, 0, 1, &[], some).is_ok());
}

#[test]
fn every_pair_of_sizes_in_a_larger_tree() {
    let t = MerkleLog::from_leaves((0u32..70).map(|i| leaf_hash(&i.to_be_bytes())));
    for new in 1..=70u64 {
        let root = t.root(new).unwrap();
        for index in 0..new {
            let p = t.prove_inclusion(index, new).unwrap();
            let leaf = leaf_hash(&(index as u32).to_be_bytes());
            verify_inclusion(leaf, index, new, &p, root).unwrap();
        }
        for old in 1..=new {
            let p = t.prove_consistency(old, new).unwrap();
            verify_consistency(old, t.root(old).unwrap(), new, root, &p).unwrap();
        }
    }
}

#[test]
fn an_event_leaf_hashes_the_raw_bytes_of_its_hash() {
    let hex = "ab".repeat(32);
    let mut want = vec![0u8];
    want.extend([0xab; 32]);
    use sha2::{Digest, Sha256};
    assert_eq!(
        event_leaf(&hex).unwrap().0,
        <[u8; 32]>::from(Sha256::digest(&want))
    );
    assert!(event_leaf("not hex").is_err());
}
