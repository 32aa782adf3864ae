//! Which risks lead: the register in order (highest score first) and a report's top risks.

use super::{Risk, RISK_STREAM_PREFIX};
use std::cmp::Ordering;

/// A risk scoring this or more is always among the top risks.
pub const TOP_SCORE: u8 = 15;
/// However few score [`TOP_SCORE`], the top risks are at least this many (when there are so many).
pub const TOP_COUNT: usize = 5;

/// Highest score first; then the higher impact; then in the order entered (`risk-2` before `risk-10`).
pub fn by_score(a: &Risk, b: &Risk) -> Ordering {
    b.score
        .cmp(&a.score)
        .then_with(|| b.impact.cmp(&a.impact))
        .then_with(|| entered(&a.id).cmp(&entered(&b.id)))
        .then_with(|| a.id.cmp(&b.id))
}

/// The number in a risk's id (`risk-12` → 12), for ordering.
fn entered(id: &str) -> u64 {
    id.strip_prefix(RISK_STREAM_PREFIX)
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX)
}

/// The top risks of `risks`: every open one scoring [`TOP_SCORE`] or more, and at least the
/// [`TOP_COUNT`] highest-scoring open ones, in [`by_score`] order.
pub fn top(risks: &[Risk]) -> Vec<Risk> {
    let mut open: Vec<Risk> = risks.iter().filter(|r| r.is_open()).cloned().collect();
    open.sort_by(by_score);
    let high = open.iter().filter(|r| r.score >= TOP_SCORE).count();
    open.truncate(high.max(TOP_COUNT));
    open
}
