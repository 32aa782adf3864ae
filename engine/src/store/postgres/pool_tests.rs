//! The pool of a process with many writers: its bounds from the URL, reads at once on several
//! connections, a plain failure when every connection stays busy, and bindings still enforced.

use super::pool::{split_pool, Checkout, Source, DEFAULT_POOL_SIZE};
use super::roles_tests::{as_role, clerk_roles, drop_roles, grant_as_documented};
use super::tests::{admin, request, server, TestDb, WAIT};
use super::*;
use crate::FailureKind;

#[test]
fn the_pool_is_bounded_by_the_url_and_its_keys_never_reach_the_server() {
    let (rest, settings) = split_pool(
        "postgres://u@h/db?sslmode=disable&pool_size=3&pool_timeout=2",
        "loc",
    )
    .unwrap();
    assert_eq!(rest, "postgres://u@h/db?sslmode=disable");
    assert_eq!(settings.size, 3);
    assert_eq!(settings.wait, Some(Duration::from_secs(2)));
    let (rest, settings) = split_pool("postgres://u@h/db", "loc").unwrap();
    assert_eq!(
        (rest.as_str(), settings.size),
        ("postgres://u@h/db", DEFAULT_POOL_SIZE)
    );
    for bad in [
        "pool_size=0",
        "pool_size=65",
        "pool_size=x",
        "pool_timeout=0",
    ] {
        let err = split_pool(&format!("postgres://u@h/db?{bad}"), "loc").unwrap_err();
        assert_eq!(err.kind, FailureKind::Usage, "{bad}: {err:?}");
        assert!(err.message.contains(bad), "{err:?}");
    }
}

/// The connections the pool has made so far.
fn pool_size_now(store: &PostgresStore) -> usize {
    match &store.shared.source {
        Source::Pool(pool, _) => pool.status().size,
        Source::One(_) => 1,
    }
}

#[tokio::test]
async fn a_pool_reads_at_once_and_its_handles_share_commits_and_the_chain() {
    let Some(base) = server() else { return };
    let db = TestDb::new(&base).await;
    drop(
        PostgresStore::open(&db.url, OpenMode::Create, WAIT)
            .await
            .unwrap(),
    );
    let store = PostgresStore::open_pooled(&format!("{}?pool_size=4", db.url), WAIT)
        .await
        .unwrap();
    assert_eq!(store.pool_settings().map(|s| s.size), Some(4));
    let mut tasks = Vec::new();
    for w in 0..8u64 {
        let handle = store.handle();
        tasks.push(tokio::spawn(async move {
            let stream = format!("w{w}");
            for i in 0..5 {
                handle.append(request(&stream, Some(i), 1)).await.unwrap();
                assert_eq!(
                    handle.read_stream(&stream).await.unwrap().len() as u64,
                    i + 1
                );
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    // Reads made at once took connections of their own, never more than the bound.
    let made = pool_size_now(&store);
    assert!((2..=4).contains(&made), "{made} connections");
    let events = store.read_from(1).await.unwrap();
    assert_eq!(events.len(), 40);
    let text: String = events.iter().map(|e| e.to_line() + "\n").collect();
    assert!(
        crate::chain::verify_lines(text.as_bytes(), None)
            .unwrap()
            .ok
    );
    drop(store);
    db.drop_it().await;
}

#[tokio::test]
async fn a_pool_whose_connections_stay_busy_fails_plainly_after_its_timeout() {
    let Some(base) = server() else { return };
    let db = TestDb::new(&base).await;
    drop(
        PostgresStore::open(&db.url, OpenMode::Create, WAIT)
            .await
            .unwrap(),
    );
    let url = format!("{}?pool_size=1&pool_timeout=1", db.url);
    let store = PostgresStore::open_pooled(&url, WAIT).await.unwrap();
    let held: Checkout<'_> = store.conn().await.unwrap();
    let started = std::time::Instant::now();
    let err = store.head().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(err.kind, FailureKind::Conflict, "{err:?}");
    assert!(
        err.message.contains("busy") && err.message.contains("1 connections"),
        "{err:?}"
    );
    assert!(
        err.details.iter().any(|d| d.contains("pool_size")),
        "{err:?}"
    );
    drop(held);
    assert_eq!(store.head().await.unwrap().seq, 0);
    drop(store);
    db.drop_it().await;
}

#[tokio::test]
async fn a_pooled_process_never_appends_as_an_actor_bound_to_another_role() {
    let Some(base) = server() else { return };
    let db = TestDb::new(&base).await;
    let (bdc, rbc) = clerk_roles(&base).await;
    let owner = PostgresStore::open(&db.url, OpenMode::Create, WAIT)
        .await
        .unwrap();
    let roles: ActorRoles = [("jce".to_string(), bdc.clone())].into();
    owner
        .append_binding_roles(request("partnership", Some(0), 1), &roles)
        .await
        .unwrap();
    grant_as_documented(&db, &bdc).await;
    grant_as_documented(&db, &rbc).await;

    // A pool logged in as Redditch's clerk: every connection is that role, and says so.
    let pool = PostgresStore::open_pooled(&as_role(&db.url, &rbc), WAIT)
        .await
        .unwrap();
    assert_eq!(pool.session_role().as_deref(), Some(rbc.as_str()));
    // jce (bound to Bromsgrove's clerk) and an unbound actor at once (in one group or two): the
    // database refuses jce alone, and the other is written.
    let mut unbound = request("c", Some(0), 1);
    unbound.events[0].actor = "audit".into();
    let (a, b) = (pool.handle(), pool.handle());
    let (bound, free) = tokio::join!(
        async move { a.append(request("a", Some(0), 1)).await },
        async move { b.append(unbound).await },
    );
    let err = bound.unwrap_err();
    assert_eq!(err.kind, FailureKind::NotPermitted, "{err:?}");
    assert!(
        err.message.contains(&bdc) && err.message.contains(&rbc),
        "{err:?}"
    );
    free.unwrap();
    assert_eq!(pool.stream_version("a").await.unwrap(), 0);

    // A pool logged in as jce's own role appends as jce.
    let own = PostgresStore::open_pooled(&as_role(&db.url, &bdc), WAIT)
        .await
        .unwrap();
    own.append(request("a", Some(0), 1)).await.unwrap();
    let actors: Vec<String> = owner
        .read_from(1)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.actor)
        .collect();
    assert_eq!(actors, ["jce", "audit", "jce"]);
    drop((owner, pool, own));
    db.drop_it().await;
    drop_roles(&base, &[&bdc, &rbc]).await;
}

#[tokio::test]
async fn an_append_to_a_server_that_takes_no_writes_says_where_to_go() {
    let Some(base) = server() else { return };
    let db = TestDb::new(&base).await;
    let store = PostgresStore::open(&db.url, OpenMode::Create, WAIT)
        .await
        .unwrap();
    store.append(request("a", Some(0), 1)).await.unwrap();
    drop(store);
    admin(
        &base,
        &format!(
            "ALTER DATABASE {} SET default_transaction_read_only = on",
            db.name
        ),
    )
    .await;
    let store = PostgresStore::open(&db.url, OpenMode::Existing, WAIT)
        .await
        .unwrap();
    assert_eq!(store.read_from(1).await.unwrap().len(), 1);
    let err = store.append(request("a", Some(1), 1)).await.unwrap_err();
    assert_eq!(err.kind, FailureKind::Conflict, "{err:?}");
    assert!(err.message.contains("accepts only reads"), "{err:?}");
    assert!(err.message.contains("nothing was written"), "{err:?}");
    assert!(
        err.details
            .iter()
            .any(|d| d.contains("target_session_attrs=read-write")),
        "{err:?}"
    );
    assert_eq!(store.stream_version("a").await.unwrap(), 1);
    drop(store);
    db.drop_it().await;
}
