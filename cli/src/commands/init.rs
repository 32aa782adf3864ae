//! `concordat init PARTNERSHIP.toml`, and `init --example NAME`, which writes a bundled
//! partnership file into the current directory (so the README works from an empty directory).

use super::GlobalArgs;
use crate::{context, output};
use clap::{Args, ValueEnum};
use engine::{Failure, FailureKind};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `init`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  concordat init --example bromsgrove-redditch\n  concordat --store ./bromsgrove-redditch init bromsgrove-redditch.toml"
)]
pub struct InitArgs {
    /// The partnership file (TOML).
    #[arg(required_unless_present = "example", conflicts_with = "example")]
    pub partnership: Option<PathBuf>,
    /// Write a bundled partnership file into the current directory (as NAME.toml) instead of
    /// creating a store; read it, then `concordat init NAME.toml`.
    #[arg(long, value_enum, value_name = "NAME")]
    pub example: Option<Example>,
}

/// The partnership files bundled with the binary.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Example {
    /// Bromsgrove and Redditch, 2008: two councils sharing an Acting Joint Chief Executive.
    BromsgroveRedditch,
}

impl Example {
    fn file_name(self) -> &'static str {
        match self {
            Example::BromsgroveRedditch => "bromsgrove-redditch.toml",
        }
    }

    fn text(self) -> &'static str {
        match self {
            Example::BromsgroveRedditch => {
                include_str!("../../../examples/bromsgrove-redditch.toml")
            }
        }
    }
}

/// What `init --example` wrote.
#[derive(Debug, Serialize)]
struct Written {
    written: String,
}

/// Validates the file, then creates the store and records the partnership.
pub async fn exec(g: &GlobalArgs, args: InitArgs) -> Result<ExitCode, Failure> {
    let file = match (args.example, args.partnership) {
        (Some(example), _) => return write_example(g, example),
        (None, Some(file)) => file,
        (None, None) => {
            return Err(Failure::usage("no partnership file given")
                .with_detail("give PARTNERSHIP.toml, or --example bromsgrove-redditch to get one"))
        }
    };
    let text = std::fs::read_to_string(&file).map_err(|e| {
        Failure::usage(format!("cannot read {}: {e}", file.display()))
            .with_detail("give the path of a partnership TOML file")
    })?;
    let partnership = workflows::ops::init::validate(&text).map_err(|mut f| {
        f.message = format!("{}: {}", file.display(), f.message);
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

/// Writes the example into the current directory; never overwrites a file (exit 4).
fn write_example(g: &GlobalArgs, example: Example) -> Result<ExitCode, Failure> {
    let path = Path::new(example.file_name());
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Failure::new(
                FailureKind::Conflict,
                format!("{} is already there; it was left as it is", path.display()),
            )
            .with_detail(format!(
                "use it with `concordat init {}`, or remove it first",
                path.display()
            )))
        }
        Err(e) => {
            return Err(Failure::internal(format!(
                "cannot create {}: {e}",
                path.display()
            )))
        }
    };
    if let Err(e) = file
        .write_all(example.text().as_bytes())
        .and_then(|()| file.sync_all())
    {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(Failure::internal(format!(
            "cannot write {}: {e}",
            path.display()
        )));
    }
    let written = Written {
        written: path.display().to_string(),
    };
    output::emit(g.json, &written, |w| {
        format!(
            "Wrote {}.\nNext: concordat --store ./{} init {}",
            w.written,
            w.written.trim_end_matches(".toml"),
            w.written
        )
    })?;
    Ok(ExitCode::SUCCESS)
}
