//! `concordat serve`: a read-only web view of the store for members and officers — the pipeline,
//! each proposal and its timeline, savings, what falls due, the chain's integrity — and a JSON API
//! in the CLI's `--json` shapes. Pages and endpoints only read: GET and HEAD, nothing else.

mod cache;
mod http;
mod pages;
mod routes;
mod views;

use crate::commands::GlobalArgs;
use clap::Args;
use engine::Failure;
use std::io::Write;
use std::net::{SocketAddr, ToSocketAddrs};
use std::process::ExitCode;
use std::time::Instant;

/// Arguments of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on; port 0 picks a free one. Anything but loopback needs --token.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: String,
    /// A secret every request must carry (`Authorization: Bearer TOKEN`, or `?token=TOKEN`).
    #[arg(
        long,
        env = "CONCORDAT_SERVE_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,
}

/// Checks the address and the token, then serves until the process is stopped.
pub async fn exec(g: &GlobalArgs, args: ServeArgs) -> Result<ExitCode, Failure> {
    let addrs = listen_addresses(&args.listen, args.token.as_deref())?;
    let cache = cache::Cache::new(g.clone());
    // A missing store or an unregistered --as fails now, with the command's exit code.
    cache.with_store(async |s| s.check_reader().await).await?;
    cache.read().await?;
    let server = tiny_http::Server::http(addrs.as_slice()).map_err(|e| {
        Failure::internal(format!("cannot listen on {}: {e}", args.listen))
            .with_detail("choose another address or port with --listen, e.g. 127.0.0.1:0")
    })?;
    let bound = server
        .server_addr()
        .to_ip()
        .map_or_else(|| args.listen.clone(), |a| a.to_string());
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "http://{bound}/");
        let _ = writeln!(
            out,
            "concordat: a read-only view of the store; stop it with Ctrl-C"
        );
        let _ = out.flush();
    }
    let app = routes::App {
        cache,
        views: views::Views::default(),
        token: args.token,
    };
    // One thread answers, in order (tiny_http's own threads accept and read the requests): a
    // fold is CPU-bound, and a second one of the same log at once would only repeat the first
    // and double the memory.
    let worker = std::thread::spawn(move || work(&app, &server));
    let _ = worker.join();
    Ok(ExitCode::SUCCESS)
}

/// The addresses `listen` names; a non-loopback one needs a token (else a usage error, exit 2).
fn listen_addresses(listen: &str, token: Option<&str>) -> Result<Vec<SocketAddr>, Failure> {
    let addrs: Vec<SocketAddr> = listen
        .to_socket_addrs()
        .map_err(|e| {
            Failure::usage(format!(
                "--listen {listen:?} is not an address to listen on: {e}"
            ))
            .with_detail("give HOST:PORT, e.g. 127.0.0.1:8080 (port 0 picks a free one)")
        })?
        .collect();
    if addrs.is_empty() {
        return Err(Failure::usage(format!(
            "--listen {listen:?} names no address"
        )));
    }
    if token.is_some_and(|t| t.trim().is_empty()) {
        return Err(Failure::usage("--token is empty")
            .with_detail("give a long random secret, e.g. from `openssl rand -hex 32`"));
    }
    if token.is_none() && addrs.iter().any(|a| !a.ip().is_loopback()) {
        return Err(Failure::usage(format!(
            "--listen {listen} is not a loopback address, so the view needs a token"
        ))
        .with_detail("give --token TOKEN (requests then carry Authorization: Bearer TOKEN or ?token=TOKEN), or listen on 127.0.0.1"));
    }
    Ok(addrs)
}

/// The worker: answers requests until the server stops.
fn work(app: &routes::App, server: &tiny_http::Server) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!("cannot start a worker: {e}");
            return;
        }
    };
    while let Ok(request) = server.recv() {
        let started = Instant::now();
        let reply = runtime.block_on(routes::handle(app, &request));
        let status = reply.status_code().0;
        // The path only: a query may carry the token.
        let path = request.url().split('?').next().unwrap_or("").to_string();
        let method = request.method().to_string();
        tracing::info!(%method, %path, status, ms = started.elapsed().as_millis() as u64, "served");
        // Sending is left to its own thread, so a slow reader holds up no one else.
        std::thread::spawn(move || {
            if let Err(e) = request.respond(reply) {
                tracing::debug!("the client went away: {e}");
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::listen_addresses;

    #[test]
    fn only_loopback_goes_without_a_token() {
        assert!(listen_addresses("127.0.0.1:0", None).is_ok());
        assert!(listen_addresses("[::1]:0", None).is_ok());
        let e = listen_addresses("0.0.0.0:0", None).unwrap_err();
        assert_eq!(e.kind.exit_code(), 2);
        assert!(listen_addresses("0.0.0.0:0", Some("s3cret")).is_ok());
        assert!(listen_addresses("0.0.0.0:0", Some(" ")).is_err());
        assert!(listen_addresses("nonsense", None).is_err());
    }
}
