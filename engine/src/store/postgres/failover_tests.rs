//! Losing the primary: a primary and a streaming standby with `synchronous_standby_names`, one
//! multi-host URL with `target_session_attrs=read-write`, the primary SIGKILLed mid-run and the
//! standby promoted — every acknowledged event is there, the chain verifies, appends carry on.

use super::own_server_tests::OwnServer;
use super::tests::{request, WAIT};
use super::*;

const HBA: &str = "local all all trust\nhost all all 127.0.0.1/32 trust\n\
                   host replication all 127.0.0.1/32 trust\n";

fn verify(events: &[Event]) -> crate::chain::VerifyReport {
    let text: String = events.iter().map(|e| e.to_line() + "\n").collect();
    crate::chain::verify_lines(text.as_bytes(), None).unwrap()
}

#[tokio::test]
async fn a_promoted_synchronous_standby_has_every_acknowledged_event() {
    let Some(primary) = OwnServer::init() else {
        return;
    };
    // Every commit waits until the standby has applied it: acknowledged means on both, and a
    // reader on the standby sees it at once (with the default `on`, only flushed there: the
    // standby may not yet have replayed the database's creation when the reader connects).
    primary.configure(
        "synchronous_standby_names = '*'\nsynchronous_commit = remote_apply",
        HBA,
    );
    primary.start();
    let standby = OwnServer::standby_of(&primary);
    // Once promoted it has no standby of its own to wait for.
    standby.configure("hot_standby = on\nsynchronous_standby_names = ''", HBA);
    standby.start();
    // The standby first: read-write must pass it over and find the primary.
    let url = format!(
        "postgres://postgres@127.0.0.1:{},127.0.0.1:{}/concordat?target_session_attrs=read-write&sslmode=disable",
        standby.port, primary.port
    );
    let store = PostgresStore::open(&url, OpenMode::Create, WAIT)
        .await
        .unwrap();
    let mut acknowledged = Vec::new();
    for i in 0..20 {
        let written = store.append(request("s", Some(i), 1)).await.unwrap();
        acknowledged.extend(written);
    }
    // Read-only commands may use the standby: it has the log.
    let on_standby = format!(
        "postgres://postgres@127.0.0.1:{}/concordat?sslmode=disable",
        standby.port
    );
    let reader = PostgresStore::open(&on_standby, OpenMode::Existing, WAIT)
        .await
        .unwrap();
    assert_eq!(reader.read_from(1).await.unwrap().len(), 20);
    let refused = reader.append(request("s", Some(20), 1)).await.unwrap_err();
    assert_eq!(refused.kind, crate::FailureKind::Conflict, "{refused:?}");
    assert!(refused.message.contains("read-only standby"), "{refused:?}");
    assert!(
        refused
            .details
            .iter()
            .any(|d| d.contains("target_session_attrs=read-write")),
        "{refused:?}"
    );
    drop(reader);

    primary.kill();
    let dead = store.append(request("s", Some(20), 1)).await;
    assert!(
        dead.is_err(),
        "an append to a dead primary was acknowledged"
    );
    drop(store);
    standby.promote();
    let store = PostgresStore::open(&url, OpenMode::Existing, WAIT)
        .await
        .unwrap();
    let all = store.read_from(1).await.unwrap();
    for event in &acknowledged {
        assert_eq!(
            all.get(event.seq as usize - 1),
            Some(event),
            "seq {} lost",
            event.seq
        );
    }
    let report = verify(&all);
    assert!(report.ok, "{report:?}");
    // Carrying on against the new primary.
    let version = store.stream_version("s").await.unwrap();
    store.append(request("s", Some(version), 1)).await.unwrap();
    assert!(verify(&store.read_from(1).await.unwrap()).ok);
}
