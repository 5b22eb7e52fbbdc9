//! The crate's error type: every error carries its place (a JSON pointer, a file, a claim).

/// Errors of parsing, validation, I/O and certificate checking.
///
/// `Spec`, `Io` and `Usage` are input errors (exit code 2); `Check` is a certificate that does not
/// re-verify (exit code 1).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Invalid spec content, located by its JSON pointer (`/algorithm/lambda`).
    #[error("{}: {msg}", if pointer.is_empty() { "/" } else { pointer.as_str() })]
    Spec {
        /// JSON pointer into the spec (or `""` for the whole document, shown as `/`).
        pointer: String,
        /// What is wrong, with the offending value.
        msg: String,
    },
    /// A file could not be read or written.
    #[error("{path}: {msg}")]
    Io {
        /// The file.
        path: String,
        /// The OS message.
        msg: String,
    },
    /// A certificate that `check` rejects, naming the claim (or `inputs`, `format`, …).
    #[error("{claim}: {msg}")]
    Check {
        /// Claim id or certificate section.
        claim: String,
        /// What disagrees.
        msg: String,
    },
    /// Bad command-line usage.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// A spec error at `pointer`.
    pub fn spec(pointer: impl Into<String>, msg: impl Into<String>) -> Self {
        Error::Spec { pointer: pointer.into(), msg: msg.into() }
    }

    /// A check failure for `claim`.
    pub fn check(claim: impl Into<String>, msg: impl Into<String>) -> Self {
        Error::Check { claim: claim.into(), msg: msg.into() }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl AsRef<std::path::Path>, err: impl std::fmt::Display) -> Self {
        Error::Io { path: path.as_ref().display().to_string(), msg: err.to_string() }
    }

    /// Process exit code for this error: 1 for a failed check, 2 for input and usage errors.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Check { .. } => 1,
            _ => 2,
        }
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
