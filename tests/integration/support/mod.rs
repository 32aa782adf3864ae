//! Helpers shared by the integration tests: a store fixture and a way to run the binary.

pub mod backend;
