//! Printing: one JSON document on stdout with `--json`, plain text otherwise; failures on stderr.
//!
//! Human text is made safe for a terminal here, once for everything printed: titles, reasons and
//! names come from the store or the command line, and an escape sequence in them (`ESC ]0;…BEL`
//! sets the window title, `ESC [2J` clears the screen, `\r` and `\b` overwrite what was printed)
//! is shown as text (`\x1b`), never sent to the terminal. JSON is escaped by serde.

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
        let mut t = terminal_text(&human(value));
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
            "details": failure.details,
        }});
        let _ = writeln!(stderr, "{doc}");
    } else {
        let _ = writeln!(stderr, "error: {}", field(&failure.message));
        for detail in &failure.details {
            let _ = writeln!(stderr, "  {}", field(detail));
        }
    }
    ExitCode::from(failure.kind.exit_code() as u8)
}

/// One field of a line (a title, a name, a reason) safe to print: every control character,
/// newlines and tabs included, and every bidirectional override shown as an escape (`\x1b`,
/// `\n`, `\u{202e}`), so stored text can neither drive the terminal nor fake another line.
pub fn field(text: &str) -> String {
    escape(text, false)
}

/// Text of several lines safe to print: as [`field`], but line ends (`\n`, `\r\n`) and tabs
/// are kept (a lone `\r` is not: it overwrites the line).
pub fn terminal_text(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, keep_lines: bool) -> String {
    if !text.chars().any(needs_escape) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' if keep_lines => out.push(c),
            '\r' if keep_lines && chars.peek() == Some(&'\n') => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) && u32::from(c) < 0x100 => {
                out.push_str(&format!("\\x{:02x}", u32::from(c)));
            }
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:04x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// C0 and C1 controls, DEL, and the Unicode bidirectional embeddings, overrides and isolates
/// (which reorder what a reader sees).
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_reach_the_terminal_as_text() {
        let hostile = "a\x1b]0;owned\x07b\x1b[2Jc\rd\x08e\u{9b}f\u{202e}g";
        let shown = field(hostile);
        assert_eq!(
            shown,
            "a\\x1b]0;owned\\x07b\\x1b[2Jc\\rd\\x08e\\x9bf\\u{202e}g"
        );
        assert!(!shown.chars().any(needs_escape));
        assert_eq!(field("two\nlines\tx"), "two\\nlines\\tx");
        assert_eq!(
            terminal_text("two\nlines\r\n\tx\ry"),
            "two\nlines\r\n\tx\\ry"
        );
        assert_eq!(
            field("Shared elections — £40,000"),
            "Shared elections — £40,000"
        );
    }
}
