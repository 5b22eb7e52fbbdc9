//! The checker's error: a certificate is rejected (its mathematics or its bookkeeping does not
//! verify), or it cannot be read at all (an input error).

/// Why a certificate was not accepted. Every error names its place: a claim id, or a section of
/// the certificate (`inputs`, `summary`, `evidence/tubes/orbit`, …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The certificate was read, and something in it does not verify (exit code 1).
    #[error("{place}: {msg}")]
    Rejected {
        /// Claim id or certificate section.
        place: String,
        /// What does not verify.
        msg: String,
    },
    /// The certificate, or a file it pins, cannot be read or is of a format this build does not
    /// read (exit code 2).
    #[error("{place}: {msg}")]
    Input {
        /// File or certificate section.
        place: String,
        /// What is wrong.
        msg: String,
    },
}

impl Error {
    /// A rejection at `place`.
    pub fn rejected(place: impl Into<String>, msg: impl Into<String>) -> Self {
        Error::Rejected { place: place.into(), msg: msg.into() }
    }

    /// An input error at `place`.
    pub fn input(place: impl Into<String>, msg: impl Into<String>) -> Self {
        Error::Input { place: place.into(), msg: msg.into() }
    }

    /// Process exit code: 1 for a rejected certificate, 2 for an unreadable one.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Rejected { .. } => 1,
            Error::Input { .. } => 2,
        }
    }

    /// The place the error names.
    pub fn place(&self) -> &str {
        match self {
            Error::Rejected { place, .. } | Error::Input { place, .. } => place,
        }
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
