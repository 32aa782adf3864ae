//! Library operations the CLI calls, one module per command group. They return values; they never print.

pub mod account;
pub mod amend;
pub mod arrangement;
pub mod audit;
pub mod board;
pub mod board_meeting;
pub mod change;
pub mod checkpoint;
pub mod consultation;
pub mod costs;
pub mod council;
pub mod date_order;
pub mod email;
pub mod email_plan;
pub mod end;
pub mod finance;
pub mod funding;
pub mod init;
pub mod input;
pub mod list_lines;
pub mod milestone;
pub mod monitor;
pub mod overview;
pub mod pipeline;
#[cfg(test)]
mod projection_testing;
pub mod proposal;
pub mod reminder_projection;
pub mod reminders;
pub mod replay;
pub mod report;
pub mod report_facts;
pub mod report_file;
pub mod report_programme;
pub mod report_projection;
pub mod review;
pub mod risk;
pub mod saved;
pub mod savings;
pub mod scheduler;
pub mod session;
pub mod store_copy;
pub mod store_loss;
pub mod tick_index;
pub mod verify_pass;

pub use session::{Session, PARTNERSHIP_STREAM};
