//! The shared-service-proposal workflow as versioned data, its guards, and the operations the CLI calls.
//!
//! The concordat's rules live here and nowhere else: the CLI parses and prints, the engine stores.

pub mod arrangement;
pub mod board;
pub mod bounds;
pub mod calendar;
pub mod constitution;
pub mod definition;
pub mod email;
pub mod finance;
pub mod identity;
pub mod milestone;
pub mod money;
pub mod money_text;
pub mod monitoring_officer;
pub mod ops;
pub mod partnership;
pub mod permissions;
pub mod proposal;
pub mod quarter;
pub mod remedy;
pub mod reminders;
pub mod report;
pub mod risk;
pub mod words;
