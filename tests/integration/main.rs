//! One integration-test binary: every test drives the built `concordat` binary as a user or script would.
//!
//! The store under test is a parameter: a fresh directory by default, a fresh PostgreSQL database when
//! `CONCORDAT_TEST_BACKEND=postgres` (see `support::backend`).

mod architecture;
mod arrangements;
mod board_meetings;
mod call_in;
mod checkpoints;
mod council_leaves;
mod date_order;
mod db_roles;
mod durability;
mod e2e;
mod elections_story;
mod email;
mod events;
mod failover;
mod faults;
mod finance_stories;
mod follow;
mod hostile;
mod init_errors;
mod logs;
mod partnership_amend;
mod postgres_store;
mod power_loss;
mod readme;
mod refusals;
mod replay;
mod report_formats;
mod report_layouts;
mod reports;
mod risk_register;
mod roles;
mod savings_stories;
mod sharing;
mod shell;
mod snapshots;
mod store_copy;
mod store_defence;
#[allow(dead_code)] // Helpers serve many tests; not every one uses each.
mod support;
mod tamper;
mod time;
mod web;
mod web_accounts;
mod web_board;
mod web_forms;
mod web_sign_in;
