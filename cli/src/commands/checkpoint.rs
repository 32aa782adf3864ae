//! `concordat checkpoint keygen|sign`, and the `audit prove` / `audit check-proof` commands.

use super::GlobalArgs;
use crate::{context, output};
use clap::Subcommand;
use engine::merkle::proof::MAX_PROOF_BYTES;
use engine::merkle::{SignerKey, Verified};
use engine::store::OpenMode;
use engine::Failure;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use workflows::ops::checkpoint::{self as ops, Against, Proved, Signed};

/// The `checkpoint` command words.
#[derive(Debug, Subcommand)]
pub enum CheckpointCommand {
    /// Make an Ed25519 checkpoint signing key: the private key goes to --out (mode 0600, keep it
    /// outside the store), the verifier key for the partnership file is printed.
    Keygen {
        /// Where to write the private key (never overwritten).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The key's name (default: the log's origin, e.g. concordat/bromsgrove-and-redditch).
        #[arg(long)]
        name: Option<String>,
    },
    /// Sign a checkpoint of the log now with the partnership's key, record it, and print the signed note.
    Sign {
        /// The private key file `checkpoint keygen` wrote.
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// Write the signed checkpoint to this file instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The date the signing is taken (default: today in the partnership's time zone).
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
    },
}

/// Runs a `checkpoint` command.
pub async fn exec(g: &GlobalArgs, cmd: CheckpointCommand) -> Result<ExitCode, Failure> {
    match cmd {
        CheckpointCommand::Keygen { out, name } => keygen(g, &out, name).await,
        CheckpointCommand::Sign { key, out, on } => {
            context::outside_store(g, &key, "--key")?;
            if let Some(path) = &out {
                context::outside_store(g, path, "--out")?;
            }
            let text = std::fs::read_to_string(&key).map_err(|e| {
                Failure::usage(format!("cannot read the key file {}: {e}", key.display()))
                    .with_detail("give the file `concordat checkpoint keygen --out FILE` wrote")
            })?;
            let mut session = context::session(g, OpenMode::Existing).await?;
            let signed = ops::sign(&mut session, &text, on.as_deref()).await?;
            if let Some(path) = &out {
                write_atomically(path, signed.note.as_bytes())?;
            }
            let doc = serde_json::json!({
                "origin": signed.origin, "size": signed.size, "root": signed.root, "key": signed.key,
                "note": signed.note, "recorded_seq": signed.recorded_seq,
                "out": out.as_ref().map(|p| p.display().to_string()),
            });
            output::emit(g.json, &doc, |_| human_signed(&signed, out.as_deref()))?;
            super::finish(session).await
        }
    }
}

async fn keygen(g: &GlobalArgs, out: &Path, name: Option<String>) -> Result<ExitCode, Failure> {
    let name = match name {
        Some(n) => n,
        None => {
            let mut session = context::session(g, OpenMode::Existing)
                .await
                .map_err(|e| e.with_detail("or name the key with --name NAME"))?;
            let origin = ops::origin(&mut session).await?;
            session.store.close().await?;
            origin
        }
    };
    context::outside_store(g, out, "--out").map_err(|e| {
        e.with_detail("a signing key is kept where only its holders can read it, e.g. --out ~/concordat-checkpoint.key")
    })?;
    let (private, public) = SignerKey::generate(&name)?;
    write_private(out, &private)?;
    let doc = serde_json::json!({
        "name": name,
        "key_file": out.display().to_string(),
        "verifier_key": public,
        "partnership_line": format!("checkpoint_key = \"{public}\""),
    });
    output::emit(g.json, &doc, |_| {
        format!(
            "{public}\n\nThe private key is in {} (mode 0600): keep it outside the store, and safe.\n\
             Put the verifier key in the partnership file:\n  checkpoint_key = \"{public}\"",
            out.display()
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

fn write_private(path: &Path, text: &str) -> Result<(), Failure> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => Failure::conflict(format!(
            "{} already exists; keygen never overwrites a key",
            path.display()
        ))
        .with_detail("choose another --out, or remove the old key yourself"),
        _ => Failure::usage(format!("cannot write {}: {e}", path.display()))
            .with_detail("give --out a path in a directory you can write to"),
    })?;
    file.write_all(format!("{text}\n").as_bytes())?;
    file.sync_all()?;
    Ok(())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let tmp = path.with_extension("partial");
    let mut file = std::fs::File::create(&tmp).map_err(|e| {
        Failure::usage(format!("cannot write {}: {e}", path.display()))
            .with_detail("give --out a path in a directory you can write to")
    })?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

fn human_signed(s: &Signed, out: Option<&Path>) -> String {
    match out {
        Some(p) => format!(
            "Signed the checkpoint of {} events of {} (root {}), recorded as event {}; written to {}",
            s.size,
            s.origin,
            s.root,
            s.recorded_seq,
            p.display()
        ),
        None => s.note.clone(),
    }
}

/// Reads a file given on the command line, at most `limit` bytes (usage failure otherwise).
fn read_input(path: &Path, what: &str, limit: usize) -> Result<Vec<u8>, Failure> {
    let file = std::fs::File::open(path).map_err(|e| {
        Failure::usage(format!("cannot read the {what} {}: {e}", path.display())).with_detail(
            format!("give the path of the {what} file, as it was written"),
        )
    })?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(Failure::usage(format!(
            "the {what} {} is too large to be one (over {limit} bytes)",
            path.display()
        ))
        .with_detail(format!("give the {what} file, as it was written")));
    }
    Ok(bytes)
}

/// `audit prove --event SEQ | --from CHECKPOINT [--checkpoint CP | --now] [--out FILE]`.
pub async fn prove(
    g: &GlobalArgs,
    event: Option<u64>,
    from: Option<PathBuf>,
    checkpoint: Option<PathBuf>,
    now: bool,
    out: Option<PathBuf>,
) -> Result<ExitCode, Failure> {
    if let Some(path) = &out {
        context::outside_store(g, path, "--out")?;
    }
    let against = match (&checkpoint, now) {
        (Some(p), _) => Against::Checkpoint(read_input(p, "checkpoint", MAX_PROOF_BYTES)?),
        (None, true) => Against::Now,
        (None, false) => Against::Newest,
    };
    let old = from
        .as_ref()
        .map(|p| read_input(p, "checkpoint", MAX_PROOF_BYTES))
        .transpose()?;
    let mut session = context::session(g, OpenMode::Existing).await?;
    let proved = match (event, old) {
        (Some(seq), _) => ops::prove_event(&mut session, seq, &against).await?,
        (None, Some(old)) => ops::prove_from(&mut session, &old, &against).await?,
        (None, None) => return Err(Failure::usage("audit prove needs to know what to prove")
            .with_detail(
                "give --event SEQ (an inclusion proof) or --from CHECKPOINT (a consistency proof)",
            )),
    };
    if let Some(path) = &out {
        write_atomically(path, proved.proof.as_bytes())?;
    }
    let mut doc = serde_json::to_value(&proved).map_err(|e| Failure::internal(e.to_string()))?;
    doc["out"] = serde_json::json!(out.as_ref().map(|p| p.display().to_string()));
    output::emit(g.json, &doc, |_| human_proved(&proved, out.as_deref()))?;
    super::finish(session).await
}

fn human_proved(p: &Proved, out: Option<&Path>) -> String {
    let Some(path) = out else {
        return p.proof.clone();
    };
    let what = match (p.kind, p.seq, p.from_size) {
        ("inclusion", Some(seq), _) => format!("an inclusion proof of event {seq}"),
        (_, _, Some(from)) => format!("a consistency proof from {from} events"),
        _ => "a proof".to_string(),
    };
    let signed = if p.signed {
        "signed"
    } else {
        "unsigned: `concordat checkpoint sign` makes a signed one"
    };
    format!(
        "Wrote {what} against the checkpoint of {} events of {} ({signed}) to {}",
        p.size,
        p.origin,
        path.display()
    )
}

/// `audit check-proof FILE --checkpoint CP [--key VERIFIER_KEY]`: offline, no store opened.
pub fn check_proof(
    g: &GlobalArgs,
    file: &Path,
    checkpoint: &Path,
    key: Option<String>,
) -> Result<ExitCode, Failure> {
    let proof = read_input(file, "proof", MAX_PROOF_BYTES)?;
    let cp = read_input(checkpoint, "checkpoint", MAX_PROOF_BYTES)?;
    // The key may be given as its text or as a file holding it.
    let key = match key {
        Some(k) if !k.contains('+') && Path::new(&k).is_file() => {
            Some(String::from_utf8_lossy(&read_input(Path::new(&k), "key", 4096)?).into_owned())
        }
        other => other,
    };
    let verified = engine::merkle::check_proof(&proof, &cp, key.as_deref())?;
    output::emit(g.json, &verified, human_verified)?;
    Ok(ExitCode::SUCCESS)
}

fn human_verified(v: &Verified) -> String {
    let signature = match v.signature {
        "verified" => "its signature verifies with the key given".to_string(),
        _ => "its signature was NOT checked: give --key VERIFIER_KEY".to_string(),
    };
    match (&v.event, v.from_size) {
        (Some(e), _) => format!(
            "ok: event {} ({} {} by {}, recorded {}) is in the log {} of {} events\n\
             checkpoint root {}; {signature}\nevent hash {}",
            e.seq, e.kind, e.stream, e.actor, e.recorded_at, v.origin, v.size, v.root, e.hash
        ),
        (None, Some(from)) => {
            let newer = match v.newer_signature {
                Some("verified") => "signed with that key",
                Some("unsigned") => "not signed",
                _ => "its signature not checked",
            };
            format!(
                "ok: the log {} of {} events (root {}, {newer}) extends the one of {from} events (root {})\n\
                 the checkpoint given is the {} of the two; {signature}",
                v.origin,
                v.to_size.unwrap_or(v.size),
                v.to_root.as_deref().unwrap_or(""),
                v.from_root.as_deref().unwrap_or(""),
                v.checkpoint_is.unwrap_or("one"),
            )
        }
        _ => "ok".to_string(),
    }
}
