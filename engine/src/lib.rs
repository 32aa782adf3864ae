//! The concordat engine: an append-only, hash-chained event log behind one storage trait,
//! and the generic machinery around it (replay cuts, due-instant scheduling).
//!
//! Nothing here knows about councils or proposals; the rules live in `workflows`.

pub mod accounts;
pub mod chain;
pub mod error;
pub mod event;
pub mod failpoints;
pub mod line;
pub mod merkle;
pub mod schedule;
pub mod store;
pub mod time;

pub use error::{Failure, FailureKind};
pub use event::{Event, NewEvent, ZERO_HASH};
pub use store::{
    create_store, open_store, open_store_despite_loss, refuse_inside_store, ActorRoles,
    AppendRequest, EventStore, Expectation, Head, Shortfall, StoreAccess,
};
