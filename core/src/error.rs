//! The public error type: the library *could not run* (unreadable input, bad schema, bad configuration).
//! Problems found in a record are never errors: they are [`crate::report::Finding`]s.

use std::path::PathBuf;

/// Everything that stops guidang from doing what was asked. Each variant has a stable
/// machine-readable [`Error::code`] that the bindings carry across FFI.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or folder could not be read (missing, permissions, I/O error).
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// An input exists but is not what it claims to be (bad XML, bad JSON manifest, broken zip...).
    #[error("invalid input {path}: {reason}")]
    InvalidInput { path: PathBuf, reason: String },

    /// A schema (built-in or user file) has a mistake; `line` is 1-based when known.
    #[error("invalid schema {path}{}: {reason}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Schema {
        path: PathBuf,
        line: Option<usize>,
        reason: String,
    },

    /// A 检测方案 (scheme) or other configuration is wrong or names something unknown.
    #[error("configuration error: {0}")]
    Config(String),

    /// A resource limit (size, entries, depth, time...) was exceeded while reading an input.
    #[error("limit exceeded in {path}: {limit}")]
    Limit { path: PathBuf, limit: String },

    /// The same record id was captured before with different content (and no revision was asked for).
    #[error("conflict: record {id} was captured before with different content ({detail})")]
    Conflict { id: String, detail: String },

    /// The same invoice / record was captured before.
    #[error("duplicate: {what} was captured before ({earlier})")]
    Duplicate { what: String, earlier: String },

    /// Capture refused because a blocking check failed; the report says which.
    #[error("refused: blocking checks failed for record {id}: {codes}")]
    Refused {
        id: String,
        codes: String,
        report: Box<crate::report::Report>,
    },

    /// A cryptographic or encoding operation failed in a way that is not a finding.
    #[error("crypto error: {0}")]
    Crypto(String),
}

impl Error {
    /// Stable machine-readable code (used by the bindings and in JSON output).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::InvalidInput { .. } => "invalid_input",
            Error::Schema { .. } => "schema",
            Error::Config(_) => "config",
            Error::Limit { .. } => "limit",
            Error::Conflict { .. } => "conflict",
            Error::Duplicate { .. } => "duplicate",
            Error::Refused { .. } => "refused",
            Error::Crypto(_) => "crypto",
        }
    }

    /// Shorthand for an [`Error::Io`] naming the path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Shorthand for an [`Error::InvalidInput`] naming the path.
    pub fn invalid(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

/// `Result` with [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
