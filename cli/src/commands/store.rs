//! `concordat store copy --from STORE --to STORE`.

use super::GlobalArgs;
use crate::{context, output};
use clap::Subcommand;
use engine::store::OpenMode;
use engine::{open_store, Failure};
use std::process::ExitCode;

/// The `store` command words.
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Copy a whole log into a new store (a directory or postgres://…), seqs and hashes intact.
    Copy {
        /// The store to copy from.
        #[arg(long)]
        from: String,
        /// The new, empty store to copy into.
        #[arg(long)]
        to: String,
    },
}

/// Runs a `store` command.
pub async fn exec(g: &GlobalArgs, cmd: StoreCommand) -> Result<ExitCode, Failure> {
    let StoreCommand::Copy { from, to } = cmd;
    context::now()?;
    let source = open_store(&from, OpenMode::Existing, context::BUSY_WAIT).await?;
    let existed = std::path::Path::new(&to).exists();
    let target = open_store(&to, OpenMode::Create, context::BUSY_WAIT).await?;
    let bar = crate::progress::events(source.head().await?.seq, "copying");
    let copied =
        workflows::ops::store_copy::copy_with_progress(source.as_ref(), target.as_ref(), &|n| {
            bar.inc(n)
        })
        .await;
    bar.finish_and_clear();
    match copied {
        Ok(copied) => {
            output::emit(g.json, &copied, |c| {
                format!(
                    "Copied {} events from {} to {}\nhead {}",
                    c.events, c.from, c.to, c.head
                )
            })?;
            source.close().await?;
            target.close().await?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            drop(target);
            if !existed && !to.contains("://") {
                let _ = std::fs::remove_dir_all(&to);
            }
            Err(e)
        }
    }
}
