//! The `concordat` binary: parses the command line, calls the library's operations, prints, and
//! turns failures into the contract's exit codes. No rules live here.

mod commands;
mod context;
mod demo;
mod email;
mod files;
mod global;
mod logging;
mod output;
mod progress;
mod remedies;
mod report_doc;
mod web;

use commands::Cli;
use engine::{Failure, FailureKind};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Fault injection ($FAILPOINTS) exists only in test builds (the engine's `failpoints` feature).
    engine::failpoints::setup_from_env();
    let json_requested = std::env::args_os().any(|a| a == "--json");
    let args = match utf8_args(std::env::args_os()) {
        Ok(args) => args,
        Err(failure) => return output::fail(&failure, json_requested),
    };
    let cli = match Cli::parse_from_args(args) {
        Ok(cli) => cli,
        Err(e) => return clap_failure(e, json_requested),
    };
    logging::init(cli.global.log_format, cli.long_running());
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return output::fail(
                &Failure::internal(format!("cannot start: {e}")),
                cli.global.json,
            )
        }
    };
    let json = cli.global.json;
    match runtime.block_on(commands::exec(cli)) {
        Ok(code) => code,
        Err(failure) => output::fail(&failure, json),
    }
}

/// The arguments as text; the first that is not UTF-8 is a usage failure naming it (its position,
/// the flag before it, and its bytes) instead of a panic.
fn utf8_args(args: impl Iterator<Item = std::ffi::OsString>) -> Result<Vec<String>, Failure> {
    let mut out: Vec<String> = Vec::new();
    for (n, arg) in args.enumerate() {
        match arg.into_string() {
            Ok(text) => out.push(text),
            Err(raw) => {
                let after = match out.last() {
                    Some(prev) if n > 1 => format!(" (after {})", output::field(prev)),
                    _ => String::new(),
                };
                return Err(Failure::usage(format!(
                    "argument {n}{after} is not valid UTF-8: {raw:?}"
                ))
                .with_detail("give every argument as UTF-8 text; nothing was done"));
            }
        }
    }
    Ok(out)
}

fn clap_failure(e: clap::Error, json: bool) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            if !json || e.kind() != ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            let _ = e.print();
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ if json => {
            let text = e.to_string();
            let mut lines = text.lines().filter(|l| !l.trim().is_empty());
            let message = lines
                .next()
                .unwrap_or("bad arguments")
                .trim_start_matches("error: ")
                .to_string();
            let failure = Failure::new(FailureKind::Usage, message)
                .with_details(lines.map(|l| l.trim().to_string()));
            output::fail(&failure, true)
        }
        _ => {
            // Plain text, escaped: clap echoes the offending argument, which on a terminal would
            // otherwise pass its escape sequences through.
            use std::io::Write;
            let _ = write!(
                std::io::stderr(),
                "{}",
                output::terminal_text(&e.render().to_string())
            );
            ExitCode::from(2)
        }
    }
}
