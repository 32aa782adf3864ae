//! The cost of the snapshot database for BENCHMARKS.md: `snapshot_open STORE RUNS` opens the store,
//! times the first `load_snapshot` (sled's lazy open), a second one, and `close`, RUNS times.

use engine::store::{EmbeddedStore, EventStore, OpenMode};
use std::path::Path;
use std::time::{Duration, Instant};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runs: usize = args[2].parse().unwrap();
    let (mut open, mut get, mut close) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let store = EmbeddedStore::open(
            Path::new(&args[1]),
            OpenMode::Existing,
            Duration::from_secs(5),
        )
        .unwrap();
        let key = store.streams("proposal-").await.unwrap().pop().unwrap();
        let t = Instant::now();
        store.load_snapshot(&key).await.unwrap();
        open.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        store.load_snapshot(&key).await.unwrap();
        get.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        store.close().await.unwrap();
        close.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let p50 = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "first load_snapshot (sled open) p50 {:.2} ms, next get {:.3} ms, close {:.2} ms",
        p50(&mut open),
        p50(&mut get),
        p50(&mut close)
    );
}
