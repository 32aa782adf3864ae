//! The one-round-trip append: group commit inside one process, a schema-2 store migrated on open,
//! and a group the database refuses for one actor still writing the others'.

use super::roles_tests::{clerk_roles, drop_roles};
use super::tests::{request, server, TestDb, WAIT};
use super::*;
use crate::store::Expectation;
use crate::FailureKind;
use std::sync::Arc;

fn verify(events: &[Event]) -> crate::chain::VerifyReport {
    let text: String = events.iter().map(|e| e.to_line() + "\n").collect();
    crate::chain::verify_lines(text.as_bytes(), None).unwrap()
}

#[tokio::test]
async fn concurrent_appends_in_one_process_share_commits_and_keep_every_expectation() {
    let Some(base) = server() else { return };
    let db = TestDb::new(&base).await;
    let store = Arc::new(
        PostgresStore::open(&db.url, OpenMode::Create, WAIT)
            .await
            .unwrap(),
    );
    // 16 tasks race for the same stream, each expecting the version it last read: every version
    // is won by exactly one of them, the others are refused and read again.
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let (mut won, mut refused) = (0u64, 0u64);
            while won < 5 {
                let version = store.stream_version("contested").await.unwrap();
                match store.append(request("contested", Some(version), 1)).await {
                    Ok(events) => {
                        assert_eq!(events[0].version, version + 1);
                        won += 1;
                    }
                    Err(e) => {
                        assert_eq!(e.kind, FailureKind::Conflict, "{e:?}");
                        refused += 1;
                    }
                }
            }
            refused
        }));
    }
    let mut refused = 0;
    for t in tasks {
        refused += t.await.unwrap();
    }
    let all = store.read_from(1).await.unwrap();
    assert_eq!(all.len(), 80);
    let report = verify(&all);
    assert!(report.ok, "{report:?}");
    assert!(refused > 0, "the tasks never raced");
    let versions: Vec<u64> = all.iter().map(|e| e.version).collect();
    assert_eq!(versions, (1..=80).collect::<Vec<_>>());
    drop(store);
    db.drop_it().await;
}

#[tokio::test]
async fn a_schema_2_store_is_migrated_on_open_and_carries_on() {
    let Some(base) = server() else { return };
    let db = TestDb::new(&base).await;
    let store = PostgresStore::open(&db.url, OpenMode::Create, WAIT)
        .await
        .unwrap();
    store.append(request("a", Some(0), 2)).await.unwrap();
    drop(store);
    // What a store written by the previous concordat looks like: schema 2, no append function.
    super::tests::admin_on(
        &db.url,
        "DROP TABLE concordat_projections; DROP FUNCTION concordat_append;
         UPDATE concordat_schema_version SET version = 2",
    )
    .await;
    let store = PostgresStore::open(&db.url, OpenMode::Existing, WAIT)
        .await
        .unwrap();
    store.append(request("a", Some(2), 1)).await.unwrap();
    let all = store.read_from(1).await.unwrap();
    assert_eq!(all.len(), 3);
    assert!(verify(&all).ok);
    drop(store);
    db.drop_it().await;
}

#[tokio::test]
async fn a_group_refused_for_one_bound_actor_still_writes_the_others() {
    let Some(base) = server() else { return };
    let db = TestDb::new(&base).await;
    let (bdc, rbc) = clerk_roles(&base).await;
    let store = Arc::new(
        PostgresStore::open(&db.url, OpenMode::Create, WAIT)
            .await
            .unwrap(),
    );
    // jce may append only from bdc's role; this process is the owner's.
    let binding: ActorRoles = [("jce".to_string(), bdc.clone())].into();
    let mut first = request("partnership", Some(0), 1);
    first.events[0].actor = "admin".into();
    store.append_binding_roles(first, &binding).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..12 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut req = request(&format!("s{i}"), Some(0), 1);
            // Every third task acts as jce, whom the database refuses to this session.
            req.events[0].actor = if i % 3 == 0 { "jce" } else { "ops" }.into();
            (i, store.append(req).await)
        }));
    }
    for t in tasks {
        let (i, result) = t.await.unwrap();
        match result {
            Ok(events) => assert!(i % 3 != 0, "task {i} wrote as jce: {events:?}"),
            Err(e) => {
                assert_eq!(i % 3, 0, "task {i} was refused: {e:?}");
                assert_eq!(e.kind, FailureKind::NotPermitted, "{e:?}");
            }
        }
    }
    let all = store.read_from(1).await.unwrap();
    assert_eq!(all.len(), 1 + 8);
    assert!(all.iter().all(|e| e.actor != "jce"));
    assert!(verify(&all).ok);
    // An empty batch with a stale expectation is still a conflict.
    let empty = AppendRequest {
        events: vec![],
        expectations: vec![Expectation {
            stream: "s1".into(),
            version: 0,
        }],
        ..request("s1", None, 0)
    };
    assert_eq!(
        store.append(empty).await.unwrap_err().kind,
        FailureKind::Conflict
    );
    drop(store);
    db.drop_it().await;
    drop_roles(&base, &[&bdc, &rbc]).await;
}
