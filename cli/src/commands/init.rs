//! `concordat init PARTNERSHIP.toml`.

use super::GlobalArgs;
use crate::{context, output};
use clap::Args;
use engine::Failure;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The partnership file (TOML).
    pub partnership: PathBuf,
}

/// Validates the file, then creates the store and records the partnership.
pub async fn exec(g: &GlobalArgs, args: InitArgs) -> Result<ExitCode, Failure> {
    let text = std::fs::read_to_string(&args.partnership).map_err(|e| {
        Failure::usage(format!("cannot read {}: {e}", args.partnership.display()))
            .with_detail("give the path of a partnership TOML file")
    })?;
    let partnership = workflows::ops::init::validate(&text).map_err(|mut f| {
        f.message = format!("{}: {}", args.partnership.display(), f.message);
        f
    })?;
    let location = context::store_location(g)?;
    let existed = std::path::Path::new(&location).exists();
    let mut session = context::creating_session(g, &partnership.store_access()).await?;
    let result = workflows::ops::init::init(&mut session, &partnership).await;
    let done = match result {
        Ok(done) => done,
        Err(e) => {
            drop(session);
            if !existed && !location.contains("://") {
                let _ = std::fs::remove_dir_all(&location);
            }
            return Err(e);
        }
    };
    output::emit(g.json, &done, |d| {
        format!(
            "Created the store at {} for {} ({}).\nFirst event: seq {}, hash {}",
            d.store,
            d.partnership,
            d.councils.join(", "),
            d.seq,
            d.hash
        )
    })?;
    super::finish(session).await
}
