//! A shared-service proposal: its events, the one projection that folds them into state, the guards
//! and rules that decide what may be recorded next, and the views the commands print.

pub mod apply;
pub mod board;
pub mod business_case;
pub mod call_in;
pub mod command;
pub mod consultation;
pub mod correction;
pub mod costs;
pub mod council;
pub mod date_order;
pub mod decide;
pub mod describe;
pub mod event;
pub mod events;
pub mod guards;
pub mod monitoring;
pub mod order_scan;
pub mod rag;
pub mod refusal;
pub mod reminders;
pub mod shares;
pub mod snapshot;
pub mod state;
pub mod terms;
pub mod view;

pub use apply::{project, Cut};
pub use command::{Ctx, NewProposal, ProposalCommand};
pub use decide::{decide, decide_create};
pub use event::ProposalEvent;
pub use reminders::reminders_for;
pub use state::{stream_of, ProposalState, PROPOSAL_STREAM_PREFIX};
pub use view::{show_view, show_view_at, ProposalView};

#[cfg(test)]
mod call_in_tests;
#[cfg(test)]
mod correction_tests;
#[cfg(test)]
mod date_order_proptests;
#[cfg(test)]
mod projection_proptests;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod savings_tests;
#[cfg(test)]
mod shares_tests;
#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;
