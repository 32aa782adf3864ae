//! TLS to PostgreSQL with rustls (the `ring` provider, as the rest of the workspace), with libpq's
//! `sslmode` and `sslrootcert` read from the URL here: tokio-postgres's own parser refuses
//! `verify-ca` and `verify-full`, so both are taken out before it sees the URL.
//!
//! | `sslmode` | what it does |
//! |---|---|
//! | `disable` | plain TCP |
//! | `prefer` (the default) | TLS if the server offers it, no certificate check; plain otherwise |
//! | `require` | TLS or nothing, no certificate check (with an explicit `sslrootcert`, as `verify-ca`, as libpq does) |
//! | `verify-ca` | TLS, the server's certificate must chain to `sslrootcert` |
//! | `verify-full` | as `verify-ca`, and the certificate must name the host connected to |
//!
//! `sslrootcert` defaults to `~/.postgresql/root.crt`; `system` means the Mozilla roots.

use crate::error::{Failure, Result};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};

/// libpq's `sslmode` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// The TLS part of a store URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSettings {
    pub mode: SslMode,
    /// `sslrootcert` as written, if it was.
    pub root_cert: Option<String>,
}

/// Takes `sslmode` and `sslrootcert` out of `url`: the URL tokio-postgres may parse, and the settings.
pub fn split_tls(url: &str, location: &str) -> Result<(String, TlsSettings)> {
    let mut settings = TlsSettings {
        mode: SslMode::Prefer,
        root_cert: None,
    };
    let Some((main, query)) = url.split_once('?') else {
        return Ok((url.to_string(), settings));
    };
    let mut kept = Vec::new();
    for param in query.split('&') {
        let (key, value) = param.split_once('=').unwrap_or((param, ""));
        match key {
            "sslmode" => settings.mode = parse_mode(&percent_decode(value), location)?,
            "sslrootcert" => settings.root_cert = Some(percent_decode(value)),
            _ => kept.push(param),
        }
    }
    // libpq: an explicit root certificate makes `require` check the chain.
    if settings.mode == SslMode::Require && settings.root_cert.is_some() {
        settings.mode = SslMode::VerifyCa;
    }
    let rest = if kept.is_empty() {
        main.to_string()
    } else {
        format!("{main}?{}", kept.join("&"))
    };
    Ok((rest, settings))
}

fn parse_mode(value: &str, location: &str) -> Result<SslMode> {
    Ok(match value {
        "disable" => SslMode::Disable,
        // libpq's `allow` tries plain first; plain-or-TLS is what `prefer` gives too.
        "allow" | "prefer" => SslMode::Prefer,
        "require" => SslMode::Require,
        "verify-ca" => SslMode::VerifyCa,
        "verify-full" => SslMode::VerifyFull,
        other => {
            return Err(
                Failure::usage(format!("{location}: sslmode={other} is not a TLS mode"))
                    .with_detail("use disable, prefer, require, verify-ca or verify-full"),
            )
        }
    })
}

/// `%XX` sequences decoded (a path in a URL may carry them); anything malformed is kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl TlsSettings {
    /// The tokio-postgres mode these settings ask for.
    pub fn wire_mode(&self) -> tokio_postgres::config::SslMode {
        match self.mode {
            SslMode::Disable => tokio_postgres::config::SslMode::Disable,
            SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
            _ => tokio_postgres::config::SslMode::Require,
        }
    }

    /// The connector, or None for `disable`.
    pub fn connector(&self, location: &str) -> Result<Option<MakeRustls>> {
        let verifier: Arc<dyn ServerCertVerifier> = match self.mode {
            SslMode::Disable => return Ok(None),
            SslMode::Prefer | SslMode::Require => Arc::new(NoCheck(provider())),
            SslMode::VerifyCa | SslMode::VerifyFull => {
                let roots = self.roots(location)?;
                let inner = WebPkiServerVerifier::builder_with_provider(roots, provider())
                    .build()
                    .map_err(|e| Failure::usage(format!("{location}: sslrootcert: {e}")))?;
                Arc::new(CheckChain {
                    inner,
                    host_too: self.mode == SslMode::VerifyFull,
                })
            }
        };
        let config = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| Failure::internal(format!("TLS setup: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(Some(MakeRustls(Arc::new(config))))
    }

    /// The CA certificates to trust: `sslrootcert`'s file, or the Mozilla roots for `system`.
    fn roots(&self, location: &str) -> Result<Arc<RootCertStore>> {
        let mut roots = RootCertStore::empty();
        if self.root_cert.as_deref() == Some("system") {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            return Ok(Arc::new(roots));
        }
        let path = match &self.root_cert {
            Some(p) => PathBuf::from(p),
            None => std::env::var_os("HOME")
                .map(|h| PathBuf::from(h).join(".postgresql/root.crt"))
                .unwrap_or_else(|| PathBuf::from(".postgresql/root.crt")),
        };
        let unusable = |why: String| {
            Failure::usage(format!(
                "{location}: the root certificate file {} {why}",
                path.display()
            ))
            .with_detail("name the CA's PEM file with sslrootcert=PATH (or sslrootcert=system), or use sslmode=require to encrypt without checking the server")
        };
        let pem = std::fs::read(&path).map_err(|e| unusable(format!("cannot be read: {e}")))?;
        for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
            let cert = cert.map_err(|e| unusable(format!("is not PEM: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| unusable(format!("holds a certificate rustls refuses: {e}")))?;
        }
        if roots.is_empty() {
            return Err(unusable("holds no certificate".into()));
        }
        Ok(Arc::new(roots))
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// `prefer` and `require`: encrypted, the server's certificate not checked (libpq's meaning); its
/// handshake signature still is, so the session is with whoever holds the certificate's key.
#[derive(Debug)]
struct NoCheck(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for NoCheck {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca` (the chain) and `verify-full` (the chain and the host name).
#[derive(Debug)]
struct CheckChain {
    inner: Arc<WebPkiServerVerifier>,
    host_too: bool,
}

impl ServerCertVerifier for CheckChain {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.host_too => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// tokio-postgres's TLS hook over rustls.
#[derive(Clone)]
pub struct MakeRustls(Arc<ClientConfig>);

/// One connection's handshake, for the host it is made to.
pub struct RustlsConnect {
    config: Arc<ClientConfig>,
    name: Result<ServerName<'static>, String>,
}

/// A TLS stream to the server.
pub struct RustlsStream<S>(tokio_rustls::client::TlsStream<S>);

/// A failed handshake, with whether the server's certificate was what was refused.
#[derive(Debug)]
pub struct TlsFailure {
    pub certificate: bool,
    pub message: String,
}

impl std::fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TlsFailure {}

impl<S> MakeTlsConnect<S> for MakeRustls
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type TlsConnect = RustlsConnect;
    type Error = TlsFailure;

    fn make_tls_connect(&mut self, domain: &str) -> std::result::Result<RustlsConnect, TlsFailure> {
        // A Unix socket's "domain" is its directory: no name, so no TLS will be asked for there.
        let name = ServerName::try_from(domain.to_string()).map_err(|e| e.to_string());
        Ok(RustlsConnect {
            config: self.0.clone(),
            name,
        })
    }
}

impl<S> TlsConnect<S> for RustlsConnect
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type Error = TlsFailure;
    type Future =
        Pin<Box<dyn Future<Output = std::result::Result<RustlsStream<S>, TlsFailure>> + Send>>;

    fn connect(self, stream: S) -> Self::Future {
        Box::pin(async move {
            let name = self.name.map_err(|e| TlsFailure {
                certificate: false,
                message: format!("not a host name TLS can check: {e}"),
            })?;
            let connector = tokio_rustls::TlsConnector::from(self.config);
            match connector.connect(name, stream).await {
                Ok(s) => Ok(RustlsStream(s)),
                Err(e) => {
                    let certificate = e
                        .get_ref()
                        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                        .is_some_and(|r| matches!(r, rustls::Error::InvalidCertificate(_)));
                    Err(TlsFailure {
                        certificate,
                        message: e.to_string(),
                    })
                }
            }
        })
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for RustlsStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for RustlsStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> TlsStream for RustlsStream<S> {
    fn channel_binding(&self) -> ChannelBinding {
        // No SCRAM-PLUS: tls-server-end-point would need the certificate's own signature hash.
        ChannelBinding::none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_and_sslrootcert_are_taken_out_of_the_url() {
        let (rest, s) = split_tls(
            "postgres://u@h/db?sslmode=verify-full&application_name=x&sslrootcert=%2Ftmp%2Fca.pem",
            "here",
        )
        .unwrap();
        assert_eq!(rest, "postgres://u@h/db?application_name=x");
        assert_eq!(s.mode, SslMode::VerifyFull);
        assert_eq!(s.root_cert.as_deref(), Some("/tmp/ca.pem"));
        let (rest, s) = split_tls("postgres://u@h/db", "here").unwrap();
        assert_eq!(
            (rest.as_str(), s.mode),
            ("postgres://u@h/db", SslMode::Prefer)
        );
        let (_, s) =
            split_tls("postgres://u@h/db?sslrootcert=ca.pem&sslmode=require", "x").unwrap();
        assert_eq!(
            s.mode,
            SslMode::VerifyCa,
            "libpq: require with a root cert checks the chain"
        );
        let err = split_tls("postgres://u@h/db?sslmode=sometimes", "x").unwrap_err();
        assert_eq!(err.kind, crate::FailureKind::Usage);
        assert!(err.message.contains("sslmode=sometimes"), "{err:?}");
    }

    #[test]
    fn a_missing_root_certificate_is_a_plain_usage_error() {
        let (_, s) = split_tls(
            "postgres://u@h/db?sslmode=verify-ca&sslrootcert=/nonexistent/ca.pem",
            "x",
        )
        .unwrap();
        let err = s.connector("x").err().unwrap();
        assert_eq!(err.kind, crate::FailureKind::Usage);
        assert!(err.message.contains("/nonexistent/ca.pem"), "{err:?}");
    }
}
