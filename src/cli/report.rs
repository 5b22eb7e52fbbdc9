//! Printing the reports: the text is the library's (`shadowcert::report`), the terminal width is
//! the binary's.

pub use shadowcert::report::{approx, render, wrap};

/// The width reports are wrapped at: the terminal's when stdout is one, else 100 columns.
pub fn width() -> usize {
    let term = console::Term::stdout();
    match term.is_term().then(|| term.size_checked()).flatten() {
        Some((_, cols)) => usize::from(cols).max(60),
        None => 100,
    }
}
