//! What the proposal command groups share: `--on`/`--expect-version`, the fixed value sets (clap
//! value enums, so an unknown value is a usage error), and the plain-text report of a recorded change.
//! A stage is not among them: it parses against the registered workflow definitions (`Stage`'s
//! `FromStr`), so a stage a later version adds needs no change here.

use clap::{Args, ValueEnum};
use jiff::civil::Date;
use workflows::definition::Category;
use workflows::ops::change::{Change, Recorded};
use workflows::proposal::events::{Decision, ReviewKind, ReviewOutcome};

/// `--on` and `--expect-version`.
#[derive(Debug, Clone, Args)]
pub struct ChangeArgs {
    /// The date it was taken (YYYY-MM-DD; default: today in the partnership's time zone).
    #[arg(long, value_name = "DATE", value_parser = super::values::date)]
    pub on: Option<Date>,
    /// Refuse (exit 4) unless the proposal is still at this version.
    #[arg(long, value_name = "N", value_parser = version)]
    pub expect_version: Option<u64>,
}

/// A version as `--expect-version` takes it, refused in plain words otherwise.
pub(super) fn version(text: &str) -> Result<u64, String> {
    text.trim().parse().map_err(|_| {
        "a version is a whole number: the \"version\" that `concordat proposal show ID` prints"
            .to_string()
    })
}

impl ChangeArgs {
    /// The library's form.
    pub fn change(&self) -> Change {
        Change {
            on: self.on,
            expect_version: self.expect_version,
        }
    }
}

/// A proposal's category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CategoryArg {
    QuickWin,
    MediumTerm,
    LongTerm,
}

impl CategoryArg {
    /// The library's category.
    pub fn category(self) -> Category {
        match self {
            CategoryArg::QuickWin => Category::QuickWin,
            CategoryArg::MediumTerm => Category::MediumTerm,
            CategoryArg::LongTerm => Category::LongTerm,
        }
    }
}

/// A council's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DecisionArg {
    Approve,
    Reject,
    Defer,
}

impl DecisionArg {
    /// The library's decision.
    pub fn decision(self) -> Decision {
        match self {
            DecisionArg::Approve => Decision::Approve,
            DecisionArg::Reject => Decision::Reject,
            DecisionArg::Defer => Decision::Defer,
        }
    }
}

/// The kind of a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReviewKindArg {
    SixMonth,
    TwelveMonth,
    Annual,
}

impl ReviewKindArg {
    /// The library's kind.
    pub fn kind(self) -> ReviewKind {
        match self {
            ReviewKindArg::SixMonth => ReviewKind::SixMonth,
            ReviewKindArg::TwelveMonth => ReviewKind::TwelveMonth,
            ReviewKindArg::Annual => ReviewKind::Annual,
        }
    }
}

/// A review's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutcomeArg {
    Continue,
    Amend,
    Terminate,
}

impl OutcomeArg {
    /// The library's outcome.
    pub fn outcome(self) -> ReviewOutcome {
        match self {
            OutcomeArg::Continue => ReviewOutcome::Continue,
            OutcomeArg::Amend => ReviewOutcome::Amend,
            OutcomeArg::Terminate => ReviewOutcome::Terminate,
        }
    }
}

/// The plain-text report of a recorded proposal change.
pub fn human_recorded(r: &Recorded) -> String {
    format!(
        "{}: {}\n{} is at {}, version {} (taken {}, recorded {}, seq {})",
        r.id,
        r.describe(),
        r.id,
        workflows::words::stage_lower(&r.stage),
        r.version,
        r.effective_on,
        r.recorded_at,
        r.seq
    )
}
