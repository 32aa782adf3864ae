//! Progress bars on stderr for commands that may run past a second (verify, export, copy). Drawn
//! only when stderr is a terminal: in a pipe, a file or a service's journal they are not there at
//! all, and stdout (the answer) is never touched.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// Logs shorter than this are done before a bar would be worth drawing.
const AT_LEAST: u64 = 10_000;

/// A bar counting `total` events for `what` ("verifying"), or a hidden one when stderr is not a
/// terminal or the log is short.
pub fn events(total: u64, what: &str) -> ProgressBar {
    if total < AT_LEAST || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(4));
    let style = ProgressStyle::with_template(
        "{msg} {wide_bar} {human_pos}/{human_len} events, {per_sec}, {eta} left",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message(what.to_string());
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_logs_and_pipes_get_no_bar() {
        assert!(events(10, "verifying").is_hidden());
        // Under `cargo test` stderr is captured, not a terminal.
        if !std::io::stderr().is_terminal() {
            assert!(events(1_000_000, "verifying").is_hidden());
        }
    }
}
