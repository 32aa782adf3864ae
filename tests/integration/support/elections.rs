//! The 2008 elections quick win's commands as the stories type them, so each story that retells
//! it (the whole story, date order, savings, replay) says the same thing once.

/// Proposed by the joint chief executive on 1 September 2008, Bromsgrove leading.
pub const PROPOSE: &[&str] = &[
    "proposal",
    "new",
    "--title",
    "A single elections team",
    "--service",
    "elections",
    "--lead",
    "bromsgrove",
    "--on",
    "2008-09-01",
];

/// To business case on 17 September 2008, after the Board.
pub const TO_BUSINESS_CASE: &[&str] = &[
    "proposal",
    "advance",
    "elections",
    "--to",
    "business-case",
    "--on",
    "2008-09-17",
];

/// The business case of 20 October 2008: £15,000 once, £18,000 a year.
pub const BUSINESS_CASE: &[&str] = &[
    "proposal",
    "business-case",
    "elections",
    "--one-off-cost",
    "15000",
    "--annual-saving",
    "18000",
    "--on",
    "2008-10-20",
];

/// To council approval on 21 November 2008, when the consultation closed.
pub const TO_COUNCIL_APPROVAL: &[&str] = &[
    "proposal",
    "advance",
    "elections",
    "--to",
    "council-approval",
    "--on",
    "2008-11-21",
];

/// Bromsgrove's Council approves on 10 December 2008.
pub const BROMSGROVE_APPROVES: &[&str] = &[
    "council",
    "decide",
    "elections",
    "--council",
    "bromsgrove",
    "--decision",
    "approve",
    "--minute",
    "BDC Council 10 Dec 2008",
    "--on",
    "2008-12-10",
];
