//! One failure type shared by every crate, carrying the kind the CLI maps to an exit code (the
//! numbers in the comments below are the contract's; the mapping itself is `cli/src/output.rs`).

use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// What went wrong, in the contract's terms (each kind has one exit code in the CLI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Bad arguments or an invalid input file; nothing written (exit 2).
    Usage,
    /// Well formed, but the rules forbid it now; nothing written (exit 3).
    Refused,
    /// Stale expected version, id taken, store busy; nothing written (exit 4).
    Conflict,
    /// The actor may not do this; nothing written (exit 5).
    NotPermitted,
    /// The log does not verify (exit 6).
    Integrity,
    /// I/O error or a bug (exit 1).
    Internal,
}

impl FailureKind {
    /// The `kind` string of the JSON error document.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Usage => "usage",
            FailureKind::Refused => "refused",
            FailureKind::Conflict => "conflict",
            FailureKind::NotPermitted => "not-permitted",
            FailureKind::Integrity => "integrity",
            FailureKind::Internal => "internal",
        }
    }
}

/// A failure with a plain message (what was wrong), details (each unmet condition, in plain words)
/// and remedies (what would put it right, as data the caller words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
    pub details: Vec<String>,
    pub remedies: Vec<Remedy>,
}

/// What would put a failure right, as a value of the crate that raised it (`workflows::Remedy`):
/// the CLI words it (a command to run, a flag to give), so no crate below the CLI names one.
#[derive(Clone)]
pub struct Remedy {
    value: Arc<dyn Any + Send + Sync>,
    debug: String,
    /// The detail line it completes ("condition: remedy"); None: a line of its own after them.
    pub line: Option<usize>,
}

impl Remedy {
    /// The remedy `value`, a line of its own.
    pub fn new<T: Any + Send + Sync + fmt::Debug>(value: T) -> Remedy {
        Remedy {
            debug: format!("{value:?}"),
            value: Arc::new(value),
            line: None,
        }
    }
    /// The remedy as `T`, if it is one.
    pub fn get<T: Any>(&self) -> Option<&T> {
        self.value.downcast_ref()
    }
}

impl fmt::Debug for Remedy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.debug)?;
        match self.line {
            Some(line) => write!(f, " (completing detail {line})"),
            None => Ok(()),
        }
    }
}

// Two remedies are equal when they print alike: a remedy is plain data, so its Debug is its value.
impl PartialEq for Remedy {
    fn eq(&self, other: &Remedy) -> bool {
        self.debug == other.debug && self.line == other.line
    }
}

impl Eq for Remedy {}

impl Failure {
    /// A failure of `kind` with a message and no details.
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
            details: Vec::new(),
            remedies: Vec::new(),
        }
    }
    /// A usage failure (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(FailureKind::Usage, message)
    }
    /// A refusal by the rules (exit 3).
    pub fn refused(message: impl Into<String>) -> Self {
        Self::new(FailureKind::Refused, message)
    }
    /// A conflict (exit 4).
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(FailureKind::Conflict, message)
    }
    /// Not permitted (exit 5).
    pub fn not_permitted(message: impl Into<String>) -> Self {
        Self::new(FailureKind::NotPermitted, message)
    }
    /// An integrity failure (exit 6).
    pub fn integrity(message: impl Into<String>) -> Self {
        Self::new(FailureKind::Integrity, message)
    }
    /// An unexpected failure (exit 1).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(FailureKind::Internal, message)
    }
    /// Adds one detail line (an unmet condition or a hint).
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.details.push(detail.into());
        self
    }
    /// Adds a remedy as a line of its own, after the details.
    pub fn with_remedy<T: Any + Send + Sync + fmt::Debug>(mut self, remedy: T) -> Self {
        self.remedies.push(Remedy::new(remedy));
        self
    }
    /// Adds a detail line (an unmet condition) and the remedy that completes it.
    pub fn with_detail_remedy<T: Any + Send + Sync + fmt::Debug>(
        mut self,
        detail: impl Into<String>,
        remedy: T,
    ) -> Self {
        self.details.push(detail.into());
        let mut remedy = Remedy::new(remedy);
        remedy.line = Some(self.details.len() - 1);
        self.remedies.push(remedy);
        self
    }
    /// Adds several detail lines.
    pub fn with_details(mut self, details: impl IntoIterator<Item = String>) -> Self {
        self.details.extend(details);
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::internal(format!("I/O error: {e}"))
    }
}

impl From<sled::Error> for Failure {
    fn from(e: sled::Error) -> Self {
        Failure::internal(format!("store index error: {e}"))
    }
}

/// Shorthand for results across the crates.
pub type Result<T, E = Failure> = std::result::Result<T, E>;
