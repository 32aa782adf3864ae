//! Library operations the CLI calls, one module per command group. They return values; they never print.

pub mod audit;
pub mod checkpoint;
pub mod init;
pub mod reminders;
pub mod report;
pub mod scheduler;
pub mod session;

pub use session::{Session, PARTNERSHIP_STREAM};
