//! Progress on stderr for long horizons (indicatif): shown only when stderr is a terminal and the
//! horizon has at least [`MIN_STEPS`] steps; otherwise a hidden bar that draws nothing. Never on
//! stdout, so `--json` output stays clean.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// Horizons shorter than this finish too fast to need a progress display.
pub const MIN_STEPS: usize = 10_000;

fn visible(steps: usize) -> bool {
    steps >= MIN_STEPS && std::io::stderr().is_terminal()
}

/// A bar of `len` units with `msg` for a horizon of `steps` steps, or a hidden one.
pub fn bar(steps: usize, len: u64, msg: &'static str) -> ProgressBar {
    if !visible(steps) {
        return ProgressBar::hidden();
    }
    let style = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta} left)")
        .expect("valid template")
        .progress_chars("=> ");
    ProgressBar::new(len).with_style(style).with_message(msg)
}

/// A spinner with `msg` (for work that reports no intermediate progress), or a hidden one.
pub fn spinner(steps: usize, msg: String) -> ProgressBar {
    if !visible(steps) {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new_spinner().with_message(msg);
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}
