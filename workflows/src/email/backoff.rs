//! When a message whose sending failed is tried again: 5 minutes after the first failure, then 15
//! minutes, 1 hour, and every 6 hours from the fourth on, for as long as it takes.

use jiff::SignedDuration;

/// The waits after the 1st, 2nd, 3rd and every later failed attempt.
pub const WAITS: [SignedDuration; 4] = [
    SignedDuration::from_mins(5),
    SignedDuration::from_mins(15),
    SignedDuration::from_hours(1),
    SignedDuration::from_hours(6),
];

/// How long to wait after failed attempt number `attempt` (counting from 1).
pub fn after(attempt: u32) -> SignedDuration {
    let i = usize::try_from(attempt.saturating_sub(1)).unwrap_or(usize::MAX);
    WAITS[i.min(WAITS.len() - 1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_then_stay_at_six_hours() {
        let mins: Vec<i64> = (0..=7).map(|n| after(n).as_mins()).collect();
        assert_eq!(mins, [5, 5, 15, 60, 360, 360, 360, 360]);
        assert_eq!(after(u32::MAX).as_hours(), 6);
    }
}
