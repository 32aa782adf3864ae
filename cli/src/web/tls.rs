//! HTTPS: a rustls server configuration from PEM files, on the `ring` provider (the workspace's
//! one crypto provider: no C build of another).

use engine::Failure;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::sync::Arc;

/// The server configuration for `cert` (a PEM chain, leaf first) and its private `key`.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, Failure> {
    let certs = read_certs(cert)?;
    let key = read_key(key)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Failure::internal(format!("TLS: {e}")))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| {
            Failure::usage(format!(
                "the certificate and key do not make a TLS server: {e}"
            ))
            .with_detail("give --tls-key the private key of the --tls-cert certificate")
        })?;
    Ok(Arc::new(config))
}

fn open(path: &Path, flag: &str) -> Result<std::io::BufReader<std::fs::File>, Failure> {
    std::fs::File::open(path)
        .map(std::io::BufReader::new)
        .map_err(|e| {
            Failure::usage(format!("cannot read {flag} {}: {e}", path.display()))
                .with_detail(format!("give {flag} a readable PEM file"))
        })
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, Failure> {
    let certs: Vec<_> = rustls_pemfile::certs(&mut open(path, "--tls-cert")?)
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::usage(format!("{} is not PEM: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(
            Failure::usage(format!("{} holds no certificate", path.display()))
                .with_detail("give --tls-cert a PEM file with -----BEGIN CERTIFICATE-----"),
        );
    }
    Ok(certs)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, Failure> {
    rustls_pemfile::private_key(&mut open(path, "--tls-key")?)
        .map_err(|e| Failure::usage(format!("{} is not PEM: {e}", path.display())))?
        .ok_or_else(|| {
            Failure::usage(format!("{} holds no private key", path.display()))
                .with_detail("give --tls-key a PEM file with -----BEGIN PRIVATE KEY-----")
        })
}
