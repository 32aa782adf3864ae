//! The database itself holds the line: the log is append-only for every role, and an actor bound
//! to a role is appended only from that role, whatever the client does.

use super::tests::{admin, request, server, TestDb, WAIT};
use super::*;
use crate::FailureKind;
use std::sync::atomic::{AtomicU32, Ordering};

/// Two login roles no other test uses: Bromsgrove's clerk and Redditch's.
pub(super) async fn clerk_roles(base: &str) -> (String, String) {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let tag = format!("{}_{n}", std::process::id());
    let (bdc, rbc) = (format!("bdc_clerk_{tag}"), format!("rbc_clerk_{tag}"));
    admin(
        base,
        &format!("CREATE ROLE {bdc} LOGIN; CREATE ROLE {rbc} LOGIN;"),
    )
    .await;
    (bdc, rbc)
}

/// The grants docs/threat-model.md tells the store's owner to give an officer's role, run as printed.
pub(super) async fn grant_as_documented(db: &TestDb, role: &str) {
    let doc = include_str!("../../../../docs/threat-model.md");
    let block = doc
        .split("<!-- officer-grants -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- /officer-grants -->").next())
        .expect("the threat model has the officer-grants block");
    let sql = block
        .trim()
        .trim_start_matches("```sql")
        .trim_end_matches("```")
        .replace("DATABASE concordat", &format!("DATABASE {}", db.name))
        .replace("bdc_clerk", role);
    let (client, connection) = tokio_postgres::connect(&db.url, NoTls).await.unwrap();
    let connection = tokio::spawn(connection);
    client
        .batch_execute(&sql)
        .await
        .expect("the documented grants run");
    drop(client);
    let _ = connection.await;
}

/// `url` logging in as `role` instead.
pub(super) fn as_role(url: &str, role: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let rest = rest.split_once('@').map_or(rest, |(_, hosts)| hosts);
    format!("{scheme}://{role}@{rest}")
}

pub(super) async fn drop_roles(base: &str, roles: &[&str]) {
    for role in roles {
        admin(
            base,
            &format!("DROP OWNED BY {role}; DROP ROLE IF EXISTS {role}"),
        )
        .await;
    }
}

#[tokio::test]
async fn the_log_refuses_update_delete_and_truncate_even_from_its_owner() {
    let Some(base) = server() else { return };
    let db = TestDb::new(&base).await;
    let store = PostgresStore::open(&db.url, OpenMode::Create, WAIT)
        .await
        .unwrap();
    store.append(request("a", Some(0), 2)).await.unwrap();
    let (client, connection) = tokio_postgres::connect(&db.url, NoTls).await.unwrap();
    let connection = tokio::spawn(connection);
    for sql in [
        "UPDATE concordat_events SET line = replace(line, 'jce', 'bdc-clerk')",
        "DELETE FROM concordat_events WHERE seq = 2",
        "TRUNCATE concordat_events",
    ] {
        let err = client.batch_execute(sql).await.unwrap_err();
        assert_eq!(err.code(), Some(&SqlState::INSUFFICIENT_PRIVILEGE), "{sql}");
        assert!(
            err.as_db_error().unwrap().message().contains("append-only"),
            "{sql}: {err}"
        );
    }
    let events = store.read_from(1).await.unwrap();
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e.actor == "jce"));
    drop(client);
    let _ = connection.await;
    drop(store);
    db.drop_it().await;
}

#[tokio::test]
async fn a_bound_actor_is_appended_only_from_its_role_whatever_the_client_does() {
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

    let as_bdc = PostgresStore::open(&as_role(&db.url, &bdc), OpenMode::Existing, WAIT)
        .await
        .unwrap();
    assert_eq!(as_bdc.session_role().as_deref(), Some(bdc.as_str()));
    as_bdc.append(request("a", Some(0), 1)).await.unwrap();

    // This engine call checks nothing about actors: it is the "modified client" the trigger is for.
    let as_rbc = PostgresStore::open(&as_role(&db.url, &rbc), OpenMode::Existing, WAIT)
        .await
        .unwrap();
    let err = as_rbc.append(request("a", Some(1), 1)).await.unwrap_err();
    assert_eq!(err.kind, FailureKind::NotPermitted, "{err:?}");
    assert!(
        err.message
            .contains(&format!("bound to the database role {bdc}"))
            && err.message.contains(&rbc),
        "{err:?}"
    );
    assert!(
        err.details
            .iter()
            .any(|d| d.contains(&format!("connect as {bdc}"))),
        "{err:?}"
    );

    // Nor can the officer unbind themselves, or rewrite what is there.
    let unbind = as_rbc
        .append_binding_roles(request("b", Some(0), 1), &ActorRoles::new())
        .await
        .unwrap_err();
    assert_eq!(unbind.kind, FailureKind::NotPermitted, "{unbind:?}");
    let (client, connection) = tokio_postgres::connect(&as_role(&db.url, &rbc), NoTls)
        .await
        .unwrap();
    let connection = tokio::spawn(connection);
    for sql in [
        "DELETE FROM concordat_actor_roles",
        "UPDATE concordat_events SET line = line",
        "DROP TRIGGER concordat_events_actor ON concordat_events",
    ] {
        assert!(
            client.batch_execute(sql).await.is_err(),
            "{sql} was allowed"
        );
    }
    // A temporary table of the same name does not stand in for the bindings.
    client
        .batch_execute("CREATE TEMP TABLE concordat_actor_roles (actor text, db_role text)")
        .await
        .unwrap();
    let forged = client
        .batch_execute(
            r#"INSERT INTO concordat_events (seq, stream, version, hash, recorded_at, line)
               VALUES (100, 'a', 100, 'x', 'x', '{"actor":"jce"}')"#,
        )
        .await
        .unwrap_err();
    assert_eq!(
        forged.code(),
        Some(&SqlState::INSUFFICIENT_PRIVILEGE),
        "{forged}"
    );
    drop(client);
    let _ = connection.await;

    // Unbound actors are taken at their word from any granted role; the chain stays whole.
    let mut unbound = request("c", Some(0), 1);
    unbound.events[0].actor = "audit".into();
    as_rbc.append(unbound).await.unwrap();
    let events = owner.read_from(1).await.unwrap();
    assert_eq!(events.len(), 3);
    let text: String = events.iter().map(|e| e.to_line() + "\n").collect();
    assert!(
        crate::chain::verify_lines(text.as_bytes(), None)
            .unwrap()
            .ok
    );

    drop((owner, as_bdc, as_rbc));
    db.drop_it().await;
    drop_roles(&base, &[&bdc, &rbc]).await;
}

#[tokio::test]
async fn the_bindings_change_with_the_append_that_carries_them_or_not_at_all() {
    let Some(base) = server() else { return };
    let db = TestDb::new(&base).await;
    let (bdc, rbc) = clerk_roles(&base).await;
    let owner = PostgresStore::open(&db.url, OpenMode::Create, WAIT)
        .await
        .unwrap();
    let to_bdc: ActorRoles = [("jce".to_string(), bdc.clone())].into();
    owner
        .append_binding_roles(request("partnership", Some(0), 1), &to_bdc)
        .await
        .unwrap();
    // A stale expectation refuses the append, and the bindings it carried with it.
    let to_rbc: ActorRoles = [("jce".to_string(), rbc.clone())].into();
    let err = owner
        .append_binding_roles(request("partnership", Some(0), 1), &to_rbc)
        .await
        .unwrap_err();
    assert_eq!(err.kind, FailureKind::Conflict);
    let (client, connection) = tokio_postgres::connect(&db.url, NoTls).await.unwrap();
    let connection = tokio::spawn(connection);
    let bound: String = client
        .query_one(
            "SELECT db_role FROM concordat_actor_roles WHERE actor = 'jce'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(bound, bdc);
    drop(client);
    let _ = connection.await;
    drop(owner);
    db.drop_it().await;
    drop_roles(&base, &[&bdc, &rbc]).await;
}
