//! Progress on stderr for long horizons (indicatif): shown only when stderr is a terminal and the
//! horizon has at least [`MIN_STEPS`] steps; otherwise a hidden bar that draws nothing. Never on
//! stdout, so `--json` output stays clean.

use indicatif::{ProgressBar, ProgressStyle};
use shadowcert::dynamics::tube::points_enclosed;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
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

/// A live display of the trajectory points enclosed while it exists (`dynamics::tube::points_enclosed`,
/// counted from its creation): a bar towards `total` points when the total is known, else a live
/// counter. Hidden on short horizons or when stderr is not a terminal; cleared when dropped.
pub struct Live {
    pb: ProgressBar,
    stop: Arc<AtomicBool>,
    poller: Option<JoinHandle<()>>,
}

/// Starts a [`Live`] display with `msg` for a horizon of `steps` steps.
pub fn live(steps: usize, msg: String, total: Option<u64>) -> Live {
    let stop = Arc::new(AtomicBool::new(false));
    if !visible(steps) {
        return Live { pb: ProgressBar::hidden(), stop, poller: None };
    }
    let pb = match total {
        Some(len) => ProgressBar::new(len).with_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} points ({eta} left)")
                .expect("valid template")
                .progress_chars("=> "),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {msg}: {human_pos} trajectory points enclosed ({elapsed})")
                .expect("valid template"),
        ),
    }
    .with_message(msg);
    let base = points_enclosed();
    let (bar, flag) = (pb.clone(), stop.clone());
    let poller = std::thread::spawn(move || {
        while !flag.load(Ordering::Relaxed) {
            bar.set_position(points_enclosed().saturating_sub(base));
            bar.tick();
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    Live { pb, stop, poller: Some(poller) }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(p) = self.poller.take() {
            // The poller only reads a counter and draws; a panic there must not hide the result.
            let _ = p.join();
        }
        self.pb.finish_and_clear();
    }
}
