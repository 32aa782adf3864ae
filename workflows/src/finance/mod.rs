//! Money as a finance officer tracks it, beyond one proposal's stream: who may record costs and
//! funding for which councils (`scope.rs`), funding from outside the councils (`funding.rs`, its
//! own stream) and the budget against actual and net position of a proposal or a council
//! (`position.rs`, `payback.rs`). Pure: no store, no clock; `ops` reads and writes.

pub mod funding;
pub mod payback;
pub mod position;
pub mod scope;

#[cfg(test)]
mod split_proptests;
