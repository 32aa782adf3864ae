//! Layout versions. An issued report records the layout it was rendered with (`report-issued`'s
//! `layout`; absent = 1), and regenerating it at its `known_at` uses that layout again, so its
//! SHA-256 comes out the same however the layout has changed since.

use engine::Failure;
use serde::{Deserialize, Serialize};

/// A version of the report's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "u32", try_from = "u32")]
pub enum Layout {
    /// The first release's Markdown ([`super::markdown`], frozen) and fact-per-row CSV.
    V1,
    /// The template set ([`super::templates`]): Markdown, HTML and PDF.
    V2,
    /// Layout 2's template set with the partnership's arrangements, money and risks
    /// (`templates/report/v3/`).
    V3,
}

impl Layout {
    /// The layout a new report is rendered with.
    pub const CURRENT: Layout = Layout::V3;

    /// The version number recorded in `report-issued`.
    pub fn number(self) -> u32 {
        match self {
            Layout::V1 => 1,
            Layout::V2 => 2,
            Layout::V3 => 3,
        }
    }

    /// Parses `--layout N`.
    pub fn parse(text: &str) -> Result<Layout, Failure> {
        text.trim()
            .parse::<u32>()
            .ok()
            .and_then(|n| Layout::try_from(n).ok())
            .ok_or_else(|| {
                Failure::usage(format!("{text:?} is not a report layout")).with_detail(
                    "the layouts are 1 (the first release's), 2 and 3 (the current one)",
                )
            })
    }
}

impl From<Layout> for u32 {
    fn from(layout: Layout) -> u32 {
        layout.number()
    }
}

impl TryFrom<u32> for Layout {
    type Error = String;

    fn try_from(n: u32) -> Result<Layout, String> {
        match n {
            1 => Ok(Layout::V1),
            2 => Ok(Layout::V2),
            3 => Ok(Layout::V3),
            _ => Err(format!("no report layout {n}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_round_trip_as_numbers() {
        for l in [Layout::V1, Layout::V2, Layout::V3] {
            assert_eq!(Layout::try_from(l.number()), Ok(l));
            assert_eq!(Layout::parse(&l.number().to_string()).unwrap(), l);
        }
        assert!(Layout::parse("4").is_err());
        assert!(Layout::parse("two").is_err());
        assert_eq!(Layout::CURRENT, Layout::V3);
    }
}
