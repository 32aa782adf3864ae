//! A performance indicator's status against its target (red, amber, green), in exact decimals.
//!
//! Green: on or beyond the target in the indicator's direction. Amber: short of it by at most
//! 10 % of the target's size (`|target − value| × 10 ≤ |target|`, the boundary included).
//! Red: further off. A target of 0 has no amber band: any miss is red. Comparisons are exact
//! (rust_decimal, never a float): the command line takes at most 16 digits before the point and
//! 6 after, so every difference is exact; a stored figure so large that it overflows is red.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Which way an indicator improves (`higher` unless the definition says `lower`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// More is better (e.g. payroll runs on time).
    #[default]
    Higher,
    /// Less is better (e.g. cost per elector).
    Lower,
}

impl Direction {
    /// The direction as written on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
        }
    }

    /// "higher is better" / "lower is better".
    pub fn words(self) -> &'static str {
        match self {
            Direction::Higher => "higher is better",
            Direction::Lower => "lower is better",
        }
    }
}

impl FromStr for Direction {
    type Err = engine::Failure;
    fn from_str(text: &str) -> Result<Direction, engine::Failure> {
        match text.trim() {
            "higher" => Ok(Direction::Higher),
            "lower" => Ok(Direction::Lower),
            _ => Err(
                engine::Failure::usage(format!("{text:?} is not a direction"))
                    .with_detail("use higher (more is better) or lower (less is better)"),
            ),
        }
    }
}

/// An indicator's status for one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rag {
    Green,
    Amber,
    Red,
}

impl Rag {
    /// `green`, `amber` or `red`, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Rag::Green => "green",
            Rag::Amber => "amber",
            Rag::Red => "red",
        }
    }

    /// The status in plain words, never a colour alone (pages, text and reports).
    pub fn words(self) -> &'static str {
        match self {
            Rag::Green => "On target",
            Rag::Amber => "Within 10% of target",
            Rag::Red => "More than 10% off target",
        }
    }
}

impl fmt::Display for Rag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The status of `value` against `target` for an indicator that improves in `direction`.
pub fn status(target: Decimal, value: Decimal, direction: Direction) -> Rag {
    let on_target = match direction {
        Direction::Higher => value >= target,
        Direction::Lower => value <= target,
    };
    if on_target {
        return Rag::Green;
    }
    let gap = match direction {
        Direction::Higher => target.checked_sub(value),
        Direction::Lower => value.checked_sub(target),
    };
    // gap × 10 ≤ |target| (the gap is positive here; 0's band is empty). Multiplying by ten is
    // exact whenever it succeeds (rust_decimal drops a scale digit rather than a significant one).
    match gap.and_then(|g| g.checked_mul(Decimal::TEN)) {
        Some(tenfold) if tenfold <= target.abs() => Rag::Amber,
        _ => Rag::Red,
    }
}

#[cfg(test)]
#[path = "rag_tests.rs"]
mod tests;
