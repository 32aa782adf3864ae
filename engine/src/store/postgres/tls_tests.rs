//! TLS against a server of the test's own with `ssl = on`, a CA and a server certificate the test
//! makes, and a pg_hba.conf that admits TCP only over TLS.

use super::own_server_tests::OwnServer;
use super::tests::{request, WAIT};
use super::*;
use crate::FailureKind;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};

/// A CA (its certificate's PEM) and the server's certificate and key signed by it, for `names`.
fn ca_and_server(names: &[&str]) -> (String, String, String) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "concordat test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let cert = CertificateParams::new(names)
        .unwrap()
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    (ca.pem(), cert.pem(), key.serialize_pem())
}

async fn open(url: &str, mode: OpenMode) -> Result<PostgresStore> {
    PostgresStore::open(url, mode, WAIT).await
}

#[tokio::test]
async fn tls_modes_connect_check_the_ca_and_the_host_name() {
    let Some(server) = OwnServer::init() else {
        return;
    };
    // The certificate names localhost only, so 127.0.0.1 tells verify-ca from verify-full.
    let (ca, cert, key) = ca_and_server(&["localhost"]);
    let (wrong_ca, _, _) = ca_and_server(&["localhost"]);
    let cert_file = server.write("server.crt", &cert);
    let key_file = server.write("server.key", &key);
    server.configure(
        &format!(
            "ssl = on\nssl_cert_file = '{}'\nssl_key_file = '{}'",
            cert_file.display(),
            key_file.display()
        ),
        "local all all trust\nhostssl all all 127.0.0.1/32 trust\n",
    );
    server.start();
    let ca_file = server.path("ca.pem");
    std::fs::write(&ca_file, ca).unwrap();
    let wrong_file = server.path("wrong-ca.pem");
    std::fs::write(&wrong_file, wrong_ca).unwrap();
    let by_ip = format!("postgres://postgres@127.0.0.1:{}/concordat", server.port);
    let by_name = format!(
        "postgres://postgres@localhost:{}/concordat?hostaddr=127.0.0.1",
        server.port
    );
    let join = |url: &str, rest: &str| {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}{rest}")
    };

    // require: encrypted, the certificate unchecked (the server admits TCP only over TLS).
    let store = open(&join(&by_ip, "sslmode=require"), OpenMode::Create)
        .await
        .unwrap();
    store.append(request("a", Some(0), 1)).await.unwrap();
    drop(store);
    // prefer (the default) takes TLS where the server offers it.
    let store = open(&by_ip, OpenMode::Existing).await.unwrap();
    assert_eq!(store.head().await.unwrap().seq, 1);
    drop(store);
    // disable: plain TCP, which this server refuses.
    let plain_err = open(&join(&by_ip, "sslmode=disable"), OpenMode::Existing)
        .await
        .err()
        .unwrap();
    assert!(
        plain_err.message.contains("no pg_hba.conf entry"),
        "{plain_err:?}"
    );

    let full = format!("sslmode=verify-full&sslrootcert={}", ca_file.display());
    let store = open(&join(&by_name, &full), OpenMode::Existing)
        .await
        .unwrap();
    store.append(request("a", Some(1), 1)).await.unwrap();
    drop(store);
    // verify-ca checks the chain only: the IP is not in the certificate, and that is accepted.
    let ca_only = format!("sslmode=verify-ca&sslrootcert={}", ca_file.display());
    open(&join(&by_ip, &ca_only), OpenMode::Existing)
        .await
        .unwrap();
    // verify-full checks the name too.
    let err = open(&join(&by_ip, &full), OpenMode::Existing)
        .await
        .err()
        .unwrap();
    assert_eq!(err.kind, FailureKind::Usage, "{err:?}");
    assert!(err.message.contains("certificate"), "{err:?}");

    // Another CA: refused with a plain message, whichever check is asked for.
    for mode in ["verify-full", "verify-ca", "require"] {
        let wrong = format!("sslmode={mode}&sslrootcert={}", wrong_file.display());
        let err = open(&join(&by_name, &wrong), OpenMode::Existing)
            .await
            .err()
            .unwrap();
        assert_eq!(err.kind, FailureKind::Usage, "{mode}: {err:?}");
        assert!(
            err.message
                .contains("presented a certificate that was refused"),
            "{mode}: {err:?}"
        );
        assert!(
            err.details.iter().any(|d| d.contains("sslrootcert")),
            "{mode}: {err:?}"
        );
    }
}
