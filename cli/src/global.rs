//! The flags every command takes (the store, the actor, `--json`), apart from the command tree so
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
}
