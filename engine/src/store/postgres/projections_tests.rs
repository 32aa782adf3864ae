//! Projection snapshots on PostgreSQL: round trip, damage is a miss, a schema 3 store gains the
//! table on open, and each role reads and writes only its own (a reader role's saves are dropped).

use super::super::roles_tests::{as_role, clerk_roles, drop_roles, grant_as_documented};
use super::super::tests::{admin_on, request, server, TestDb, WAIT};
use super::*;
use crate::store::{EventStore, OpenMode};
use tokio_postgres::NoTls;

async fn created(db: &TestDb) -> PostgresStore {
    let store = PostgresStore::open(&db.url, OpenMode::Create, WAIT)
        .await
        .unwrap();
    store.append(request("a", Some(0), 2)).await.unwrap();
    store
}

async fn open(url: &str) -> PostgresStore {
    PostgresStore::open(url, OpenMode::Existing, WAIT)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_projection_round_trips_and_survives_a_new_connection() {
    let Some(base) = server() else { return };
    let db = TestDb::new(&base).await;
    let store = created(&db).await;
    assert_eq!(store.load_snapshot("projection:x").await.unwrap(), None);
    store
        .save_snapshot("projection:x", 2, b"state")
        .await
        .unwrap();
    store.save_snapshot("projection:y", 0, b"").await.unwrap();
    store
        .save_snapshot("projection:x", 3, b"later")
        .await
        .unwrap();
    drop(store);
    let store = open(&db.url).await;
    assert_eq!(
        store.load_snapshot("projection:x").await.unwrap(),
        Some((3, b"later".to_vec()))
    );
    assert_eq!(
        store.load_snapshot("projection:y").await.unwrap(),
        Some((0, Vec::new()))
    );
    // The small ones share the table.
    store
        .save_small_snapshot("projection:z", 2, b"due")
        .await
        .unwrap();
    assert_eq!(
        store.load_small_snapshot("projection:z").await.unwrap(),
        Some((2, b"due".to_vec()))
    );
    drop(store);
    db.drop_it().await;
}

#[tokio::test]
async fn damaged_bytes_a_moved_version_or_another_keys_row_are_a_miss() {
    let Some(base) = server() else { return };
    let db = TestDb::new(&base).await;
    let store = created(&db).await;
    let damages = [
        "UPDATE concordat_projections SET bytes = overlay(bytes placing 'X' from 2 for 1)",
        "UPDATE concordat_projections SET bytes = substring(bytes from 1 for 3)",
        "UPDATE concordat_projections SET version = version + 1",
        "UPDATE concordat_projections SET digest = ''",
        "DELETE FROM concordat_projections WHERE key = 'projection:x';
         UPDATE concordat_projections SET key = 'projection:x'",
    ];
    for damage in damages {
        store
            .save_snapshot("projection:x", 2, b"state")
            .await
            .unwrap();
        store
            .save_snapshot("projection:w", 2, b"other")
            .await
            .unwrap();
        admin_on(&db.url, damage).await;
        assert_eq!(
            store.load_snapshot("projection:x").await.unwrap(),
            None,
            "{damage}"
        );
    }
    store
        .save_snapshot("projection:x", 2, b"state")
        .await
        .unwrap();
    assert_eq!(
        store.load_snapshot("projection:x").await.unwrap(),
        Some((2, b"state".to_vec())),
        "saved again"
    );
    drop(store);
    db.drop_it().await;
}

#[tokio::test]
async fn a_schema_3_store_gains_the_projections_on_open() {
    let Some(base) = server() else { return };
    let db = TestDb::new(&base).await;
    drop(created(&db).await);
    // What a store written by the previous concordat looks like: schema 3, no projections.
    admin_on(
        &db.url,
        "DROP TABLE concordat_projections; UPDATE concordat_schema_version SET version = 3",
    )
    .await;
    let store = open(&db.url).await;
    let conn = store.conn().await.unwrap();
    let version = super::super::connect::schema_version(&conn.client)
        .await
        .unwrap();
    drop(conn);
    assert_eq!(version, Some(super::super::SCHEMA_VERSION));
    assert_eq!(store.read_from(1).await.unwrap().len(), 2);
    store
        .save_snapshot("projection:x", 2, b"state")
        .await
        .unwrap();
    assert_eq!(
        store.load_snapshot("projection:x").await.unwrap(),
        Some((2, b"state".to_vec()))
    );
    store.append(request("a", Some(2), 1)).await.unwrap();
    drop(store);
    db.drop_it().await;
}

/// Connects as `url`'s role and runs `sql`, returning the server's refusal if any.
async fn try_sql(url: &str, sql: &str) -> Result<(), tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.unwrap();
    let connection = tokio::spawn(connection);
    let result = client.batch_execute(sql).await;
    drop(client);
    let _ = connection.await;
    result
}

#[tokio::test]
async fn each_role_answers_only_from_its_own_projections_and_a_reader_still_reads() {
    let Some(base) = server() else { return };
    let db = TestDb::new(&base).await;
    let (clerk, reader) = clerk_roles(&base).await;
    let owner = created(&db).await;
    owner
        .save_snapshot("projection:x", 2, b"owner's")
        .await
        .unwrap();
    grant_as_documented(&db, &clerk).await;
    // A reader: may read the log, nothing else.
    admin_on(
        &db.url,
        &format!(
            "GRANT USAGE ON SCHEMA public TO {reader};
             GRANT SELECT ON concordat_schema_version, concordat_actor_roles,
                 concordat_events, concordat_streams TO {reader};"
        ),
    )
    .await;

    let as_clerk = open(&as_role(&db.url, &clerk)).await;
    assert_eq!(as_clerk.load_snapshot("projection:x").await.unwrap(), None);
    as_clerk
        .save_snapshot("projection:x", 2, b"forged")
        .await
        .unwrap();
    assert_eq!(
        as_clerk.load_snapshot("projection:x").await.unwrap(),
        Some((2, b"forged".to_vec()))
    );
    assert_eq!(
        owner.load_snapshot("projection:x").await.unwrap(),
        Some((2, b"owner's".to_vec())),
        "the clerk's row never reaches the owner"
    );
    // Nor can the clerk write a row under the owner's name, digest and all.
    let owner_role = owner.session_role().unwrap();
    let sum: String = digest("projection:y", 2, b"forged")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let forged = format!(
        "INSERT INTO concordat_projections VALUES ('{owner_role}', 'projection:y', 2, '\\x{sum}', 'forged')"
    );
    assert!(try_sql(&as_role(&db.url, &clerk), &forged).await.is_err());
    assert_eq!(owner.load_snapshot("projection:y").await.unwrap(), None);

    let as_reader = open(&as_role(&db.url, &reader)).await;
    assert_eq!(as_reader.read_from(1).await.unwrap().len(), 2);
    assert_eq!(as_reader.load_snapshot("projection:x").await.unwrap(), None);
    as_reader
        .save_snapshot("projection:x", 2, b"r")
        .await
        .unwrap();
    assert_eq!(as_reader.load_snapshot("projection:x").await.unwrap(), None);
    assert_eq!(
        as_reader.head().await.unwrap().seq,
        2,
        "the connection still works"
    );

    drop((owner, as_clerk, as_reader));
    db.drop_it().await;
    drop_roles(&base, &[&clerk, &reader]).await;
}
