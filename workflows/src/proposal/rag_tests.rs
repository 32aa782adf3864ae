use super::*;
use proptest::prelude::*;

fn d(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

#[test]
fn payroll_on_time_against_a_target_of_100_percent() {
    let h = Direction::Higher;
    assert_eq!(status(d("100"), d("100"), h), Rag::Green);
    assert_eq!(status(d("100"), d("101"), h), Rag::Green);
    assert_eq!(status(d("100"), d("95"), h), Rag::Amber);
    assert_eq!(
        status(d("100"), d("90"), h),
        Rag::Amber,
        "exactly 10 % is within"
    );
    assert_eq!(status(d("100"), d("89.99"), h), Rag::Red);
}

#[test]
fn cost_per_elector_where_lower_is_better() {
    let l = Direction::Lower;
    assert_eq!(status(d("1.20"), d("1.15"), l), Rag::Green);
    assert_eq!(status(d("1.20"), d("1.32"), l), Rag::Amber);
    assert_eq!(status(d("1.20"), d("1.3201"), l), Rag::Red);
}

#[test]
fn a_target_of_zero_has_no_amber_band() {
    assert_eq!(status(d("0"), d("0"), Direction::Lower), Rag::Green);
    assert_eq!(status(d("0"), d("0.0001"), Direction::Lower), Rag::Red);
    assert_eq!(status(d("0"), d("-0.0001"), Direction::Higher), Rag::Red);
}

#[test]
fn a_negative_target_measures_the_band_by_its_size() {
    // A net cost of −£50k (a saving) aimed higher: −55k is 10 % short, so amber.
    assert_eq!(
        status(d("-50000"), d("-55000"), Direction::Higher),
        Rag::Amber
    );
    assert_eq!(
        status(d("-50000"), d("-55001"), Direction::Higher),
        Rag::Red
    );
}

#[test]
fn figures_too_large_for_the_arithmetic_are_red_not_a_panic() {
    assert_eq!(
        status(Decimal::MAX, Decimal::MIN, Direction::Higher),
        Rag::Red
    );
    assert_eq!(
        status(Decimal::MIN, Decimal::MAX, Direction::Lower),
        Rag::Red
    );
    assert_eq!(
        status(Decimal::MAX, Decimal::MIN, Direction::Lower),
        Rag::Green
    );
}

#[test]
fn directions_and_words() {
    assert_eq!("lower".parse::<Direction>().unwrap(), Direction::Lower);
    assert!("down".parse::<Direction>().is_err());
    assert_eq!(Rag::Amber.words(), "Within 10% of target");
    assert_eq!(serde_json::to_value(Rag::Red).unwrap(), "red");
}

/// A decimal as the command line accepts one: up to 16 digits before the point and 6 after.
fn figure() -> impl Strategy<Value = Decimal> {
    (
        -9_999_999_999_999_999i64..=9_999_999_999_999_999i64,
        0u32..=6,
    )
        .prop_map(|(m, scale)| Decimal::new(m, scale))
}

proptest! {
    /// Mirroring target and value through zero swaps the directions and keeps the status.
    #[test]
    fn direction_symmetry(target in figure(), value in figure()) {
        prop_assert_eq!(
            status(target, value, Direction::Higher),
            status(-target, -value, Direction::Lower)
        );
    }

    /// Exactly 10 % short is amber, any further is red, and on target is green, either way.
    #[test]
    fn boundaries_at_exactly_ten_percent(target in figure(), step in 1i64..1000) {
        let band = target.abs() / Decimal::TEN; // exact: scale ≤ 6 before, ≤ 7 after
        let tiny = Decimal::new(step, 8); // finer than any band edge
        for (direction, sign) in [(Direction::Higher, -Decimal::ONE), (Direction::Lower, Decimal::ONE)] {
            prop_assert_eq!(status(target, target, direction), Rag::Green);
            prop_assert_eq!(status(target, target - sign * tiny, direction), Rag::Green);
            let edge = target + sign * band;
            let expected = if band.is_zero() { Rag::Green } else { Rag::Amber };
            prop_assert_eq!(status(target, edge, direction), expected);
            prop_assert_eq!(status(target, edge + sign * tiny, direction), Rag::Red);
        }
    }

    /// The status only worsens as the value moves away from the target in the wrong direction.
    #[test]
    fn worse_values_never_read_better(target in figure(), a in figure(), b in figure()) {
        let (low, high) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(status(target, low, Direction::Higher) >= status(target, high, Direction::Higher));
        prop_assert!(status(target, high, Direction::Lower) >= status(target, low, Direction::Lower));
    }
}
