//! The flags every command takes (the store, the actor, `--json`, the log format), apart from the command tree so
//! that the context, the web server and the demo read them without depending on the commands.

use clap::Args;

/// Flags every command takes, before or after the command words.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// The store: a directory (default: $CONCORDAT_STORE, else the platform data dir).
    #[arg(long, global = true, value_name = "STORE")]
    pub store: Option<String>,
    /// Who is acting (default: $CONCORDAT_ACTOR); commands that change the store need one.
    #[arg(long = "as", id = "acting_as", global = true, value_name = "ACTOR")]
    pub actor: Option<String>,
    /// Print exactly one JSON document on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// How log lines on stderr look: `text`, or `json` (one object a line, for journald and log
    /// aggregators); `RUST_LOG` sets what is logged.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "FORMAT",
        env = "CONCORDAT_LOG_FORMAT",
        default_value_t = crate::logging::LogFormat::Text
    )]
    pub log_format: crate::logging::LogFormat,
}
