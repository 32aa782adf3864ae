//! The listener: accepts connections up to a limit (the next waits to be accepted), each served
//! by hyper on the process's tokio runtime — no thread per connection — with a bounded time to
//! send a request's headers, so idle or slow clients are closed rather than held. TLS, when
//! configured, is done here before HTTP.

use super::routes::{self, App};
use axum::Router;
use engine::Failure;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// How long a client has to send a request's headers (and to finish a TLS handshake); an idle
/// kept-alive connection is closed after the same time.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// The address a request came from (the TCP peer, which may be a trusted proxy).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

/// Listens on `addr` and serves `app` until the process is stopped.
pub async fn run(
    app: App,
    addr: SocketAddr,
    tls: Option<Arc<rustls::ServerConfig>>,
    max_connections: usize,
) -> Result<(), Failure> {
    let listener = TcpListener::bind(addr).await.map_err(|e| {
        Failure::internal(format!("cannot listen on {addr}: {e}"))
            .with_detail("choose another address or port with --listen, e.g. 127.0.0.1:0")
    })?;
    let bound = listener.local_addr()?;
    announce(bound, tls.is_some(), app.config.public);
    let router = routes::router(Arc::new(app));
    let permits = Arc::new(Semaphore::new(max_connections));
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    loop {
        let permit = permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| Failure::internal(e.to_string()))?;
        let (tcp, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors, say: wait a little rather than spin.
                tracing::warn!("cannot accept a connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let router = router.clone();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let _permit = permit;
            match acceptor {
                None => serve(TokioIo::new(tcp), router, peer).await,
                Some(acceptor) => {
                    match tokio::time::timeout(HEADER_TIMEOUT, acceptor.accept(tcp)).await {
                        Ok(Ok(stream)) => serve(TokioIo::new(stream), router, peer).await,
                        Ok(Err(e)) => tracing::debug!(%peer, "TLS handshake failed: {e}"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                }
            }
        });
    }
}

/// Prints the URL (the tests and scripts read the first line) and what is served.
fn announce(bound: SocketAddr, tls: bool, public: bool) {
    let scheme = if tls { "https" } else { "http" };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{scheme}://{bound}/");
    let who = if public {
        "the read-only pages are public; changes need sign-in"
    } else {
        "everything needs sign-in (accounts: concordat user add ACTOR)"
    };
    let _ = writeln!(
        out,
        "concordat: serving the store; {who}; stop it with Ctrl-C"
    );
    let _ = out.flush();
}

/// Serves one connection's requests (HTTP/1.1, kept alive) through the router.
async fn serve<I>(io: I, router: Router, peer: SocketAddr)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(Peer(peer));
        router.clone().oneshot(request.map(axum::body::Body::new))
    });
    let result = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .serve_connection(io, service)
        .await;
    if let Err(e) = result {
        tracing::debug!(%peer, "connection ended: {e}");
    }
}
