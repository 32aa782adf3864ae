//! `concordat completions SHELL`, and the hidden `man` and `cli-reference`: shell completions, man
//! pages and the Markdown CLI reference, all generated from the clap definitions so none can drift
//! from the command line they describe.

use super::Cli;
use clap::{Args, ValueEnum};
use clap_complete::Shell;
use engine::Failure;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// The shells `completions` writes a script for.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CompletionShell {
    /// Bash: `source <(concordat completions bash)`, or install into bash-completion's directory.
    Bash,
    /// Zsh: write to a directory on `$fpath` as `_concordat`.
    Zsh,
    /// Fish: write to `~/.config/fish/completions/concordat.fish`.
    Fish,
    /// PowerShell: `concordat completions powershell | Out-String | Invoke-Expression`.
    Powershell,
}

impl CompletionShell {
    fn shell(self) -> Shell {
        match self {
            CompletionShell::Bash => Shell::Bash,
            CompletionShell::Zsh => Shell::Zsh,
            CompletionShell::Fish => Shell::Fish,
            CompletionShell::Powershell => Shell::PowerShell,
        }
    }
}

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: CompletionShell,
}

/// Arguments of the hidden `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one page per command (concordat.1, concordat-proposal.1, …) into this directory;
    /// without it, concordat.1 is printed on stdout.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Prints the completion script for `args.shell` on stdout.
pub fn completions(args: CompletionsArgs) -> Result<ExitCode, Failure> {
    let mut cmd = Cli::full_command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell.shell(), &mut cmd, "concordat", &mut out);
    write_stdout(&out)
}

/// Writes the man pages (roff) into `--out`, or the top page on stdout.
pub fn man(args: ManArgs) -> Result<ExitCode, Failure> {
    let cmd = Cli::full_command();
    match args.out {
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .and_then(|()| clap_mangen::generate_to(cmd, &dir))
                .map_err(|e| {
                    Failure::internal(format!("cannot write man pages to {}: {e}", dir.display()))
                })?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut out)
                .map_err(|e| Failure::internal(format!("cannot render the man page: {e}")))?;
            write_stdout(&out)
        }
    }
}

/// Prints docs/cli-reference.md as it should be for this build.
pub fn cli_reference() -> Result<ExitCode, Failure> {
    write_stdout(reference_markdown().as_bytes())
}

/// The Markdown reference of every command, flag and argument.
pub fn reference_markdown() -> String {
    let options = clap_markdown::MarkdownOptions::new()
        .title("concordat command-line reference".into())
        .show_footer(false);
    let body = clap_markdown::help_markdown_command_custom(&Cli::full_command(), &options);
    format!(
        "<!-- Generated from the clap definitions by `concordat cli-reference > docs/cli-reference.md`; do not edit. -->\n\n{body}"
    )
}

fn write_stdout(bytes: &[u8]) -> Result<ExitCode, Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(Failure::internal(format!("cannot write to stdout: {e}"))),
    }
}
