//! `concordat serve`: the web application. Officers sign in as their actor and see the pipeline,
//! each proposal and its timeline, savings, what falls due and the chain's integrity, and make the
//! everyday changes through forms that call the very operations the command line calls. A JSON API
//! answers in the CLI's `--json` shapes. Nothing is served to a visitor who has not signed in,
//! unless `--public` publishes the read-only pages.

mod adapter;
mod app;
mod auth;
mod cache;
mod forms;
mod http;
mod pages;
pub mod password;
mod pipeline;
mod routes;
mod server;
mod sessions;
mod tls;
mod views;

use crate::context;
use crate::global::GlobalArgs;
use clap::Args;
use engine::Failure;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Arguments of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: String,
    /// Publish the read-only pages to visitors who have not signed in (forms, the API and report
    /// downloads still need sign-in).
    #[arg(long)]
    pub public: bool,
    /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// A reverse proxy whose --user-header is trusted to name the signed-in user (repeatable).
    #[arg(long, value_name = "ADDR", requires = "user_header")]
    pub trusted_proxy: Vec<IpAddr>,
    /// The header in which a trusted proxy names the actor it signed in (single sign-on).
    #[arg(long, value_name = "NAME", requires = "trusted_proxy")]
    pub user_header: Option<String>,
    /// Sign a session out after this many seconds without a request.
    #[arg(long, env = "CONCORDAT_SESSION_IDLE_SECS", default_value_t = 30 * 60, value_name = "SECONDS")]
    pub session_idle_secs: u64,
    /// Sign a session out this many seconds after sign-in, however busy.
    #[arg(long, env = "CONCORDAT_SESSION_MAX_SECS", default_value_t = 8 * 60 * 60, value_name = "SECONDS")]
    pub session_max_secs: u64,
    /// At most this many connections open at once; more wait to be accepted.
    #[arg(long, default_value_t = 256, value_name = "N")]
    pub max_connections: usize,
}

/// What the application was started with.
#[derive(Debug, Clone)]
pub struct Config {
    pub global: GlobalArgs,
    pub public: bool,
    pub tls: bool,
    pub trusted_proxies: Vec<IpAddr>,
    pub user_header: Option<String>,
    pub idle: Duration,
    pub max_age: Duration,
}

/// Checks the arguments and the store, then serves until the process is stopped.
pub async fn exec(g: &GlobalArgs, args: ServeArgs) -> Result<ExitCode, Failure> {
    let addr = listen_address(&args.listen)?;
    if args.session_idle_secs == 0 || args.session_max_secs == 0 {
        return Err(Failure::usage("a session must last at least a second")
            .with_detail("give --session-idle-secs and --session-max-secs of 1 or more"));
    }
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(tls::server_config(cert, key)?),
        _ => None,
    };
    let config = Config {
        global: g.clone(),
        public: args.public,
        tls: tls.is_some(),
        trusted_proxies: args.trusted_proxy.clone(),
        user_header: args.user_header.clone(),
        idle: Duration::from_secs(args.session_idle_secs),
        max_age: Duration::from_secs(args.session_max_secs),
    };
    context::share_connections();
    let app = routes::App::new(config);
    // A missing store fails now, with the command's exit code. The log is copied only when a
    // page first needs it (the live pipeline never does).
    app.cache.with_store(async |_| Ok(())).await?;
    server::run(app, addr, tls, args.max_connections.max(1)).await?;
    Ok(ExitCode::SUCCESS)
}

/// The one address `listen` names (else a usage error, exit 2).
fn listen_address(listen: &str) -> Result<SocketAddr, Failure> {
    listen
        .to_socket_addrs()
        .map_err(|e| {
            Failure::usage(format!(
                "--listen {listen:?} is not an address to listen on: {e}"
            ))
            .with_detail("give HOST:PORT, e.g. 127.0.0.1:8080 (port 0 picks a free one)")
        })?
        .next()
        .ok_or_else(|| Failure::usage(format!("--listen {listen:?} names no address")))
}

#[cfg(test)]
mod tests {
    use super::listen_address;

    #[test]
    fn listen_addresses_are_checked() {
        assert!(listen_address("127.0.0.1:0").is_ok());
        assert!(listen_address("[::1]:0").is_ok());
        assert_eq!(
            crate::output::exit_code(listen_address("nonsense").unwrap_err().kind),
            2
        );
    }
}
