//! Printing: one JSON document on stdout with `--json`, plain text otherwise; failures on stderr.

use engine::Failure;
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;

/// Prints `value` as JSON, or as the human text `human` renders.
pub fn emit<T: Serialize>(
    json: bool,
    value: &T,
    human: impl FnOnce(&T) -> String,
) -> Result<(), Failure> {
    let text = if json {
        serde_json::to_string_pretty(value).map_err(|e| Failure::internal(e.to_string()))? + "\n"
    } else {
        let mut t = human(value);
        if !t.is_empty() && !t.ends_with('\n') {
            t.push('\n');
        }
        t
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not a failure of the command.
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush());
    Ok(())
}

/// Reports a failure on stderr (plain lines, or `{"error": {...}}` with `--json`) and returns its exit code.
pub fn fail(failure: &Failure, json: bool) -> ExitCode {
    let mut stderr = std::io::stderr().lock();
    if json {
        let doc = serde_json::json!({"error": {
            "kind": failure.kind.as_str(),
            "message": failure.message,
            "details": crate::remedies::lines(failure),
        }});
        let _ = writeln!(stderr, "{doc}");
    } else {
        let _ = writeln!(stderr, "error: {}", failure.message);
        for detail in &crate::remedies::lines(failure) {
            let _ = writeln!(stderr, "  {detail}");
        }
    }
    ExitCode::from(failure.kind.exit_code() as u8)
}
