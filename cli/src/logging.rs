//! Log lines on stderr (tracing): `RUST_LOG` filters them; the default is warnings only, except for
//! the long-running commands (`scheduler run`, `serve`), which also say at INFO what they do.
//! Colour only when stderr is a terminal (never escape codes in a pipe, a file or the journal), and
//! `--log-format json` writes one JSON object a line for journald and log aggregators.

use clap::ValueEnum;
use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

/// How log lines look.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One line of text per event (coloured only on a terminal).
    #[default]
    Text,
    /// One JSON object per line: timestamp, level, message and fields.
    Json,
}

/// The filter when `RUST_LOG` is unset: our crates at INFO for a service, else warnings only.
fn default_filter(long_running: bool) -> &'static str {
    if long_running {
        "warn,concordat=info,engine=info,workflows=info"
    } else {
        "warn"
    }
}

/// Installs the subscriber once, before anything logs.
pub fn init(format: LogFormat, long_running: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(default_filter(long_running)));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
        LogFormat::Text => builder
            .with_target(false)
            .with_ansi(colour_wanted())
            .try_init(),
    };
}

/// Colour on a terminal, unless NO_COLOR (https://no-color.org) is set.
fn colour_wanted() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_log_our_crates_at_info_and_commands_only_warnings() {
        let service = default_filter(true);
        assert!(service.starts_with("warn,"), "other crates stay at warn");
        for krate in ["concordat", "engine", "workflows"] {
            assert!(service.contains(&format!("{krate}=info")), "{krate}");
        }
        assert_eq!(default_filter(false), "warn");
        assert!(EnvFilter::try_new(service).is_ok(), "the directive parses");
    }
}
