//! Money in exact pence and percentages in hundredths, never floats; apportionment to the penny.

use engine::Failure;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A sum of pounds sterling held as whole pence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money {
    pub pence: i64,
}

impl Money {
    /// A sum of `pence`.
    pub fn from_pence(pence: i64) -> Money {
        Money { pence }
    }

    /// Parses pounds as people write them (`40000`, `40000.50`, `£40,000`, `-250`): the one
    /// parser, see [`crate::money_text`].
    pub fn parse(text: &str) -> Result<Money, Failure> {
        crate::money_text::parse(text)
    }

    /// Parses a sum that cannot be negative (`what` names it in the refusal, e.g. "a cost").
    pub fn parse_non_negative(text: &str, what: &str) -> Result<Money, Failure> {
        let money = Money::parse(text)?;
        if money.pence < 0 {
            return Err(
                Failure::usage(format!("{what} cannot be negative (got {})", text.trim()))
                    .with_detail("give an amount of zero or more"),
            );
        }
        Ok(money)
    }
}

/// Pounds as a council writes them, with thousands separators: `£40,000.00` (`-£5.00` when
/// negative). The reports and the web view both print money this way.
pub fn pounds(m: Money) -> String {
    let text = m.to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, pence) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}£{grouped}.{pence}")
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.pence < 0 { "-" } else { "" };
        let abs = self.pence.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        let text = String::deserialize(d)?;
        Money::parse(&text).map_err(|e| serde::de::Error::custom(e.message))
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money {
            pence: self.pence + rhs.pence,
        }
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::default(), |a, b| a + b)
    }
}

/// A percentage held in hundredths of a percent (`50.00` is 5000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Percent {
    pub hundredths: u32,
}

/// 100.00 %.
pub const WHOLE: Percent = Percent { hundredths: 10_000 };

impl Percent {
    /// Parses `50`, `33.33`; at most two decimals, from 0 to 100.
    pub fn parse(text: &str) -> Result<Percent, Failure> {
        let hint = "write a percentage from 0 to 100 with at most two decimals, e.g. 50 or 33.33";
        let trimmed = text.trim().trim_end_matches('%');
        let value = Decimal::from_str(trimmed).map_err(|_| {
            Failure::usage(format!("{text:?} is not a percentage")).with_detail(hint)
        })?;
        if value.normalize().scale() > 2 || value.is_sign_negative() || value > Decimal::from(100) {
            return Err(Failure::usage(format!(
                "{text} is not a percentage from 0 to 100 with at most two decimals"
            ))
            .with_detail(hint));
        }
        let hundredths = (value * Decimal::from(100))
            .trunc()
            .to_string()
            .parse::<u32>()
            .expect("0..=10000");
        Ok(Percent { hundredths })
    }

    /// Equal shares of 100 % among `n`, to the hundredth, the odd hundredths to the first ones.
    pub fn equal_split(n: usize) -> Vec<Percent> {
        assert!(n > 0, "a split needs at least one party");
        let base = WHOLE.hundredths / n as u32;
        let extra = (WHOLE.hundredths % n as u32) as usize;
        (0..n)
            .map(|i| Percent {
                hundredths: base + u32::from(i < extra),
            })
            .collect()
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.hundredths / 100, self.hundredths % 100)
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Percent, D::Error> {
        let text = String::deserialize(d)?;
        Percent::parse(&text).map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// Splits `total` by `shares` (which sum to 100 %) to the penny: each party gets its share rounded
/// down, then the pence left over go one at a time by largest remainder, ties to `lead`, then in the
/// order given. The parts always sum to the whole.
pub fn apportion(total: Money, shares: &[(String, Percent)], lead: &str) -> Vec<(String, Money)> {
    let sum: u32 = shares.iter().map(|(_, p)| p.hundredths).sum();
    assert_eq!(sum, WHOLE.hundredths, "shares must sum to 100 %");
    let negative = total.pence < 0;
    let total_abs = i128::from(total.pence.unsigned_abs());
    let mut parts: Vec<(usize, i128, i128)> = shares
        .iter()
        .enumerate()
        .map(|(i, (_, p))| {
            let exact = total_abs * i128::from(p.hundredths);
            (i, exact / 10_000, exact % 10_000)
        })
        .collect();
    let given: i128 = parts.iter().map(|(_, floor, _)| floor).sum();
    let mut left = total_abs - given;
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| {
        let lead_first = |i: usize| shares[i].0 != lead;
        parts[b]
            .2
            .cmp(&parts[a].2)
            .then(lead_first(a).cmp(&lead_first(b)))
            .then(a.cmp(&b))
    });
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        parts[i].1 += 1;
        left -= 1;
    }
    let result: Vec<(String, Money)> = parts
        .into_iter()
        .map(|(i, pence, _)| {
            let pence = i64::try_from(pence).expect("a part is no larger than the whole");
            (
                shares[i].0.clone(),
                Money::from_pence(if negative { -pence } else { pence }),
            )
        })
        .collect();
    debug_assert_eq!(
        result.iter().map(|(_, m)| m.pence).sum::<i64>(),
        total.pence
    );
    result
}

/// Splits `total` equally among `parties` to the penny: each gets the whole divided by their number,
/// rounded down, and the pence left over go one at a time to the lead first, then in the order given
/// (the largest-remainder rule when every remainder is the same). The parts always sum to the whole.
pub fn apportion_equally(total: Money, parties: &[String], lead: &str) -> Vec<(String, Money)> {
    assert!(!parties.is_empty(), "a split needs at least one party");
    let n = parties.len() as i64;
    let sign = if total.pence < 0 { -1 } else { 1 };
    let abs = total.pence.abs();
    let (base, mut left) = (abs / n, abs % n);
    let mut order: Vec<usize> = (0..parties.len()).collect();
    order.sort_by_key(|&i| (parties[i] != lead, i));
    let mut parts = vec![base; parties.len()];
    for &i in &order {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parties
        .iter()
        .cloned()
        .zip(parts.into_iter().map(|p| Money::from_pence(sign * p)))
        .collect()
}

/// Splits `total` pro rata to `weights` (any positive whole numbers, e.g. the hundredths of the
/// shares of the councils that remain after one left) to the penny: each party gets its exact part
/// rounded down, then the pence left over go one at a time by largest remainder, ties to `tie`,
/// then in the order given; a negative total is split as its absolute amount, then negated. With
/// weights summing to 100 % this is [`apportion`]; with equal weights, [`apportion_equally`].
pub fn apportion_pro_rata(
    total: Money,
    weights: &[(String, u64)],
    tie: &str,
) -> Vec<(String, Money)> {
    let sum: i128 = weights.iter().map(|(_, w)| i128::from(*w)).sum();
    assert!(sum > 0, "a split needs some weight");
    let total_abs = i128::from(total.pence.unsigned_abs());
    let mut parts: Vec<(i128, i128)> = weights
        .iter()
        .map(|(_, w)| {
            let exact = total_abs * i128::from(*w);
            (exact / sum, exact % sum)
        })
        .collect();
    let mut left = total_abs - parts.iter().map(|(floor, _)| floor).sum::<i128>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    // Largest remainder first; among equals the tie council, then the order given.
    order.sort_by_key(|&i| (std::cmp::Reverse(parts[i].1), weights[i].0 != tie, i));
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        parts[i].0 += 1;
        left -= 1;
    }
    let sign = if total.pence < 0 { -1 } else { 1 };
    weights
        .iter()
        .zip(parts)
        .map(|((c, _), (pence, _))| {
            let pence = i64::try_from(pence).expect("a part is no larger than the whole");
            (c.clone(), Money::from_pence(sign * pence))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn pounds_read_as_a_council_writes_them() {
        assert_eq!(pounds(Money::from_pence(4_000_000)), "£40,000.00");
        assert_eq!(pounds(Money::from_pence(123_456_789)), "£1,234,567.89");
        assert_eq!(pounds(Money::from_pence(-500)), "-£5.00");
        assert_eq!(pounds(Money::from_pence(0)), "£0.00");
    }

    #[test]
    fn parses_pounds_and_pence() {
        assert_eq!(Money::parse("40000").unwrap().pence, 4_000_000);
        assert_eq!(Money::parse("40000.5").unwrap().to_string(), "40000.50");
        assert!(Money::parse("1.234").is_err());
        assert!(Money::parse("forty").is_err());
        // Found by fuzzing: a sum too large for the decimal type once in pence panicked.
        let failure = Money::parse("79228162514264337593543950335").unwrap_err();
        assert_eq!(failure.kind, engine::FailureKind::Usage);
        assert!(failure.message.contains("too large"), "{}", failure.message);
    }

    #[test]
    fn percent_rules() {
        assert_eq!(Percent::parse("33.33").unwrap().hundredths, 3333);
        assert!(Percent::parse("33.333").is_err());
        assert!(Percent::parse("101").is_err());
        let thirds = Percent::equal_split(3);
        assert_eq!(thirds.iter().map(|p| p.hundredths).sum::<u32>(), 10_000);
    }

    #[test]
    fn payroll_saving_split_between_two_councils() {
        let shares = vec![
            ("bromsgrove".to_string(), Percent { hundredths: 5000 }),
            ("redditch".to_string(), Percent { hundredths: 5000 }),
        ];
        let parts = apportion(Money::parse("40000").unwrap(), &shares, "redditch");
        assert_eq!(parts[0].1.to_string(), "20000.00");
        // An odd penny goes to the lead council on a tie.
        let parts = apportion(Money::from_pence(1), &shares, "redditch");
        assert_eq!(
            parts,
            vec![
                ("bromsgrove".into(), Money::from_pence(0)),
                ("redditch".into(), Money::from_pence(1))
            ]
        );
    }

    #[test]
    fn equal_thirds_are_equal_to_the_penny() {
        let parties: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let parts = apportion_equally(Money::parse("90000").unwrap(), &parties, "c");
        assert!(parts.iter().all(|(_, m)| m.to_string() == "30000.00"));
        let parts = apportion_equally(Money::from_pence(101), &parties, "c");
        let pence: Vec<i64> = parts.iter().map(|(_, m)| m.pence).collect();
        assert_eq!(pence, vec![34, 33, 34]);
    }

    #[test]
    fn largest_remainder_wins_the_penny() {
        let shares = vec![
            ("a".to_string(), Percent { hundredths: 3333 }),
            ("b".to_string(), Percent { hundredths: 3334 }),
            ("c".to_string(), Percent { hundredths: 3333 }),
        ];
        let parts = apportion(Money::from_pence(100), &shares, "c");
        let pence: Vec<i64> = parts.iter().map(|(_, m)| m.pence).collect();
        assert_eq!(pence, vec![33, 34, 33]);
        let parts = apportion(Money::from_pence(101), &shares, "c");
        let pence: Vec<i64> = parts.iter().map(|(_, m)| m.pence).collect();
        assert_eq!(pence, vec![33, 34, 34]);
    }

    proptest! {
        #[test]
        fn parts_always_sum_to_the_whole(total in -10_000_000_000i64..10_000_000_000, cuts in proptest::collection::vec(0u32..10_000, 1..4)) {
            let mut bounds = cuts.clone();
            bounds.sort();
            let mut shares = Vec::new();
            let mut last = 0;
            for (i, b) in bounds.iter().enumerate() {
                shares.push((format!("c{i}"), Percent { hundredths: b - last }));
                last = *b;
            }
            shares.push(("lead".to_string(), Percent { hundredths: 10_000 - last }));
            let parts = apportion(Money::from_pence(total), &shares, "lead");
            prop_assert_eq!(parts.iter().map(|(_, m)| m.pence).sum::<i64>(), total);
            for ((_, share), (_, part)) in shares.iter().zip(&parts) {
                let exact = i128::from(total.abs()) * i128::from(share.hundredths);
                let floor = exact / 10_000;
                prop_assert!(i128::from(part.pence.abs()) - floor <= 1 && i128::from(part.pence.abs()) >= floor);
            }
        }
    }
}
