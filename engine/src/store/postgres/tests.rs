//! Tests of the parent module.

use super::*;
use crate::event::NewEvent;
use crate::store::{EmbeddedStore, Expectation};
use crate::FailureKind;
use serde_json::json;
use std::sync::atomic::{AtomicU32, Ordering};

#[test]
fn passwords_never_reach_the_location() {
    assert_eq!(
        redact_url("postgres://alice:s3cret@db.example:5432/concordat?sslmode=disable&password=x"),
        "postgres://alice:***@db.example:5432/concordat?sslmode=disable&password=***"
    );
    assert_eq!(
        redact_url("postgresql://alice@localhost/c"),
        "postgresql://alice@localhost/c"
    );
    assert_eq!(redact_url("postgres://h"), "postgres://h");
}

/// The server the tests use (`CONCORDAT_TEST_POSTGRES`); without one they pass vacuously,
/// except under `CI=true`, where a suite that skips itself is not green.
pub(super) fn server() -> Option<String> {
    match std::env::var("CONCORDAT_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!(
                    "CONCORDAT_TEST_POSTGRES is not set under CI=true: run the tests through \
                     scripts/with-postgres.sh, which starts a throwaway PostgreSQL"
                );
            }
            eprintln!("CONCORDAT_TEST_POSTGRES is not set: skipping this PostgreSQL test");
            None
        }
    }
}

/// `base` with its database replaced by `db` (its query parameters kept).
fn with_database(base: &str, db: &str) -> String {
    let (main, query) = match base.split_once('?') {
        Some((m, q)) => (m, format!("?{q}")),
        None => (base, String::new()),
    };
    let (scheme, rest) = main.split_once("://").expect("a postgres:// URL");
    let authority = rest.split('/').next().unwrap_or("");
    format!("{scheme}://{authority}/{db}{query}")
}

/// A new, empty database on the test server, dropped when the value goes.
pub(super) struct TestDb {
    base: String,
    pub(super) name: String,
    pub(super) url: String,
}

impl TestDb {
    pub(super) async fn new(base: &str) -> TestDb {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let name = format!(
            "concordat_unit_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        admin(base, &format!("CREATE DATABASE {name}")).await;
        TestDb {
            base: base.to_string(),
            url: with_database(base, &name),
            name,
        }
    }

    pub(super) async fn drop_it(self) {
        admin(
            &self.base,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        )
        .await;
    }
}

pub(super) async fn admin(base: &str, sql: &str) {
    let (client, connection) = tokio_postgres::connect(&with_database(base, "postgres"), NoTls)
        .await
        .expect("the test server answers");
    let connection = tokio::spawn(connection);
    client.batch_execute(sql).await.expect(sql);
    drop(client);
    let _ = connection.await;
}

pub(super) fn request(stream: &str, expect: Option<u64>, n: usize) -> AppendRequest {
    AppendRequest {
        events: (0..n)
            .map(|i| NewEvent {
                stream: stream.into(),
                kind: "noted".into(),
                actor: "jce".into(),
                effective_on: "2008-09-01".into(),
                data: json!({ "i": i, "z": "é", "a": [1, 2.5, null] }),
            })
            .collect(),
        expectations: expect
            .map(|v| {
                vec![Expectation {
                    stream: stream.into(),
                    version: v,
                }]
            })
            .unwrap_or_default(),
        now: "2008-09-01T16:30:00Z".parse().unwrap(),
        tz: jiff::tz::TimeZone::get("Europe/London").unwrap(),
    }
}

fn verify(events: &[Event]) -> crate::chain::VerifyReport {
    let text: String = events.iter().map(|e| e.to_line() + "\n").collect();
    crate::chain::verify_lines(text.as_bytes(), None).unwrap()
}

pub(super) const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn appends_reads_and_reopens() {
    let Some(base) = server() else { return };
    let db = TestDb::new(&base).await;
    {
        let store = PostgresStore::open(&db.url, OpenMode::Create, WAIT)
            .await
            .unwrap();
        assert_eq!(store.head().await.unwrap().seq, 0);
        let written = store.append(request("a", Some(0), 2)).await.unwrap();
        assert_eq!(written[1].version, 2);
        assert_eq!(written[0].recorded_at, "2008-09-01T17:30:00+01:00");
        store.append(request("b", None, 1)).await.unwrap();
        store.append(request("ab", None, 1)).await.unwrap();
        store.close().await.unwrap();
    }
    let store = PostgresStore::open(&db.url, OpenMode::Existing, WAIT)
        .await
        .unwrap();
    let head = store.head().await.unwrap();
    assert_eq!(head.seq, 4);
    assert_eq!(store.read_stream("a").await.unwrap().len(), 2);
    assert_eq!(store.read_from(2).await.unwrap().len(), 3);
    assert_eq!(store.read_from(0).await.unwrap().len(), 4);
    assert_eq!(store.stream_version("a").await.unwrap(), 2);
    assert_eq!(store.stream_version("zz").await.unwrap(), 0);
    assert_eq!(store.streams("a").await.unwrap(), vec!["a", "ab"]);
    assert_eq!(store.streams("").await.unwrap(), vec!["a", "ab", "b"]);
    let all = store.read_from(1).await.unwrap();
    assert!(verify(&all).ok);
    assert_eq!(all.last().unwrap().hash, head.hash);
    // A later clock behind the log records at the log's last instant.
    let mut late = request("a", Some(2), 1);
    late.now = "2008-09-01T10:00:00Z".parse().unwrap();
    let e = store.append(late).await.unwrap();
    assert_eq!(e[0].recorded_at, "2008-09-01T17:30:00+01:00");
    assert!(!store.location().is_empty());
    drop(store);
    db.drop_it().await;
}

#[tokio::test]
async fn a_stale_expectation_is_a_conflict_and_writes_nothing() {
    let Some(base) = server() else { return };
    let db = TestDb::new(&base).await;
    let store = PostgresStore::open(&db.url, OpenMode::Create, WAIT)
        .await
        .unwrap();
    store.append(request("a", Some(0), 1)).await.unwrap();
    let before = store.head().await.unwrap();
    let mut req = request("a", Some(0), 2);
    req.events.extend(request("b", None, 1).events);
    let err = store.append(req).await.unwrap_err();
    assert_eq!(err.kind, FailureKind::Conflict);
    assert_eq!(store.head().await.unwrap(), before);
    assert_eq!(store.stream_version("b").await.unwrap(), 0);
    assert_eq!(store.streams("").await.unwrap(), vec!["a"]);
    drop(store);
    db.drop_it().await;
}

#[tokio::test]
async fn create_on_a_store_and_existing_on_nothing_are_refused() {
    let Some(base) = server() else { return };
    let db = TestDb::new(&base).await;
    let err = PostgresStore::open(&db.url, OpenMode::Existing, WAIT)
        .await
        .err()
        .unwrap();
    assert_eq!(err.kind, FailureKind::Usage);
    assert_eq!(
        err.remedies[0].get(),
        Some(&crate::remedy::StoreRemedy::CreateOrName { database: true }),
        "{err:?}"
    );
    {
        let store = PostgresStore::open(&db.url, OpenMode::Create, WAIT)
            .await
            .unwrap();
        store.append(request("a", None, 1)).await.unwrap();
    }
    let err = PostgresStore::open(&db.url, OpenMode::Create, WAIT)
        .await
        .err()
        .unwrap();
    assert_eq!(err.kind, FailureKind::Conflict);
    assert!(err.message.contains("already exists"), "{err:?}");
    db.drop_it().await;
}

#[tokio::test]
async fn create_makes_a_missing_database() {
    let Some(base) = server() else { return };
    let name = format!("concordat_unit_new_{}", std::process::id());
    admin(&base, &format!("DROP DATABASE IF EXISTS {name}")).await;
    let url = with_database(&base, &name);
    let store = PostgresStore::open(&url, OpenMode::Create, WAIT)
        .await
        .unwrap();
    store.append(request("a", None, 1)).await.unwrap();
    drop(store);
    admin(
        &base,
        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    )
    .await;
    let err = PostgresStore::open(&url, OpenMode::Existing, WAIT)
        .await
        .err()
        .unwrap();
    assert_eq!(err.kind, FailureKind::Usage);
}

#[tokio::test]
async fn an_unreachable_server_is_a_plain_error() {
    // Port 1 on loopback: nothing listens there.
    let err = PostgresStore::open("postgres://u:pw@127.0.0.1:1/x", OpenMode::Existing, WAIT)
        .await
        .err()
        .unwrap();
    assert_eq!(err.kind, FailureKind::Internal);
    assert!(err.message.contains("cannot reach PostgreSQL"), "{err:?}");
    assert!(!err.message.contains("pw"), "{err:?}");
}

#[tokio::test]
async fn a_held_lock_makes_the_store_busy() {
    let Some(base) = server() else { return };
    let db = TestDb::new(&base).await;
    let store = PostgresStore::open(&db.url, OpenMode::Create, Duration::from_millis(200))
        .await
        .unwrap();
    let (mut holder, connection) = tokio_postgres::connect(&db.url, NoTls).await.unwrap();
    let connection = tokio::spawn(connection);
    let tx = holder.transaction().await.unwrap();
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
        .await
        .unwrap();
    let err = store.append(request("a", None, 1)).await.unwrap_err();
    assert_eq!(err.kind, FailureKind::Conflict);
    assert!(err.message.contains("busy"), "{err:?}");
    tx.rollback().await.unwrap();
    store.append(request("a", None, 1)).await.unwrap();
    assert_eq!(store.head().await.unwrap().seq, 1);
    drop(holder);
    let _ = connection.await;
    drop(store);
    db.drop_it().await;
}

#[tokio::test]
async fn eight_concurrent_writers_keep_one_unbroken_chain() {
    let Some(base) = server() else { return };
    let db = TestDb::new(&base).await;
    drop(
        PostgresStore::open(&db.url, OpenMode::Create, WAIT)
            .await
            .unwrap(),
    );
    const WRITERS: usize = 8;
    const BATCHES: u64 = 15;
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let url = db.url.clone();
        tasks.push(tokio::spawn(async move {
            let store = PostgresStore::open(&url, OpenMode::Existing, Duration::from_secs(60))
                .await
                .unwrap();
            let own = format!("writer-{w}");
            let mut version = 0;
            for b in 0..BATCHES {
                // Its own stream, with an expectation that must hold, and a shared one without.
                let n = 1 + (b as usize % 3);
                let mut req = request(&own, Some(version), n);
                req.events.extend(request("shared", None, 1).events);
                let written = store.append(req).await.unwrap();
                version += n as u64;
                let last_own = written.iter().rfind(|e| e.stream == own).unwrap();
                assert_eq!(last_own.version, version);
                assert_eq!(store.stream_version(&own).await.unwrap(), version);
            }
            store.close().await.unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let store = PostgresStore::open(&db.url, OpenMode::Existing, WAIT)
        .await
        .unwrap();
    let all = store.read_from(1).await.unwrap();
    let report = verify(&all);
    assert!(report.ok, "{report:?}");
    assert_eq!(report.head, store.head().await.unwrap().hash);
    let per_writer: u64 = (0..BATCHES).map(|b| 1 + b % 3).sum();
    assert_eq!(all.len() as u64, WRITERS as u64 * (per_writer + BATCHES));
    assert_eq!(
        store.stream_version("shared").await.unwrap(),
        WRITERS as u64 * BATCHES
    );
    // The writers really did interleave: the log is not eight blocks one after another.
    let own_streams: Vec<&str> = all
        .iter()
        .map(|e| e.stream.as_str())
        .filter(|s| *s != "shared")
        .collect();
    let blocks = 1 + own_streams.windows(2).filter(|w| w[0] != w[1]).count();
    assert!(
        blocks > WRITERS,
        "the writers ran one after another ({blocks} blocks)"
    );
    drop(store);
    db.drop_it().await;
}

#[tokio::test]
async fn the_same_batches_give_the_same_hashes_as_the_embedded_store() {
    let Some(base) = server() else { return };
    let db = TestDb::new(&base).await;
    let tmp = tempfile::tempdir().unwrap();
    let embedded = EmbeddedStore::open(&tmp.path().join("store"), OpenMode::Create, WAIT).unwrap();
    let pg = PostgresStore::open(&db.url, OpenMode::Create, WAIT)
        .await
        .unwrap();
    let stores: [&dyn EventStore; 2] = [&embedded, &pg];
    let mut batches = vec![
        request("proposal-elections", Some(0), 1),
        request("partnership", None, 3),
        request("proposal-elections", Some(1), 2),
    ];
    let mut mixed = request("proposal-payroll", Some(0), 2);
    mixed.events.extend(request("partnership", None, 1).events);
    mixed.now = "2008-12-01T09:00:00.6Z".parse().unwrap();
    batches.push(mixed);
    let mut behind = request("proposal-payroll", None, 1);
    behind.now = "2008-10-01T09:00:00Z".parse().unwrap();
    batches.push(behind);
    for batch in batches {
        let a = stores[0].append(batch.clone()).await.unwrap();
        let b = stores[1].append(batch).await.unwrap();
        assert_eq!(a, b);
    }
    let a = stores[0].read_from(1).await.unwrap();
    let b = stores[1].read_from(1).await.unwrap();
    assert_eq!(a, b);
    assert_eq!(
        a.iter().map(Event::to_line).collect::<Vec<_>>(),
        b.iter().map(Event::to_line).collect::<Vec<_>>()
    );
    assert_eq!(
        stores[0].head().await.unwrap(),
        stores[1].head().await.unwrap()
    );
    for s in ["proposal-elections", "proposal-payroll", "partnership"] {
        assert_eq!(
            stores[0].read_stream(s).await.unwrap(),
            stores[1].read_stream(s).await.unwrap()
        );
    }
    assert_eq!(
        stores[0].streams("proposal-").await.unwrap(),
        stores[1].streams("proposal-").await.unwrap()
    );
    assert!(verify(&b).ok);
    drop(pg);
    db.drop_it().await;
}

/// Runs `sql` on the database `url` names, as the test server's superuser.
pub(super) async fn admin_on(url: &str, sql: &str) {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .expect("the test server answers");
    let connection = tokio::spawn(connection);
    client.batch_execute(sql).await.expect(sql);
    drop(client);
    let _ = connection.await;
}
