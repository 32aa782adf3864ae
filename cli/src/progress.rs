//! Progress on stderr for commands that may run past a second: bars for verify, export and copy, and
//! a spinner for waits that cannot be counted (opening a store that is busy or rebuilding its index,
//! folding the whole log). Drawn only when stderr is a terminal: in a pipe, a file or a service's
//! journal they are not there at all, and stdout (the answer) is never touched.

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

/// How long a wait goes unremarked before the spinner shows (most commands finish well before).
const SPINNER_AFTER: Duration = Duration::from_secs(1);

/// A spinner saying `what` is under way, shown only once it has lasted a second; cleared when
/// dropped, so it is gone before the command prints its answer.
pub struct Spinner(Option<ProgressBar>);

impl Spinner {
    /// Starts the clock on `what` ("folding the log").
    pub fn start(what: &str) -> Spinner {
        if !std::io::stderr().is_terminal() {
            return Spinner(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(what.to_string());
        let shown = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(SPINNER_AFTER);
            if !shown.is_finished() {
                shown.set_draw_target(ProgressDrawTarget::stderr_with_hz(8));
                shown.enable_steady_tick(Duration::from_millis(125));
            }
        });
        Spinner(Some(bar))
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
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
            assert!(Spinner::start("folding").0.is_none());
        }
    }
}
